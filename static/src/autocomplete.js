// Place suggestions while typing in a "near" box, with GOV.UK's accessible-autocomplete
// (dist/autocomplete.js, a bundle of its own). app.js loads it only when someone first
// focuses a box marked data-place-suggestions, so pages stay light for everyone else.
// Without JavaScript, or if anything here fails, the box is the plain text field it was.
//
// The chosen suggestion is what gets searched: picking one (arrow keys and Enter, or a tap)
// puts its value in the box and submits the form. Enter with no suggestion highlighted
// searches for exactly what was typed.
import autocompleteModule from "accessible-autocomplete";

const accessibleAutocomplete = autocompleteModule.default || autocompleteModule;
const MIN_LENGTH = 2;
const DELAY_MS = 150;
const QUIET_MS = 300;
const ESCAPES = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" };

const escapeHtml = (text) => String(text ?? "").replace(/[&<>"']/g, (ch) => ESCAPES[ch]);

// Asks /api/v1/places/ after a short pause in typing; an older request still on its way is
// cancelled, so suggestions always belong to the latest text. A failure means no suggestions.
function placeSource(url) {
    let timer = null;
    let controller = null;
    return (query, populateResults) => {
        window.clearTimeout(timer);
        controller?.abort();
        timer = window.setTimeout(() => {
            controller = new AbortController();
            fetch(`${url}?q=${encodeURIComponent(query)}`, {
                headers: { Accept: "application/json" },
                signal: controller.signal,
            })
                .then((response) => (response.ok ? response.json() : { results: [] }))
                .then((body) => populateResults(body.results || []))
                .catch(() => {});
        }, DELAY_MS);
    };
}

function suggestionHtml(suggestion) {
    if (typeof suggestion === "string") {
        return escapeHtml(suggestion);
    }
    const description = suggestion.description
        ? ` <span class="rd_autocomplete__description">${escapeHtml(suggestion.description)}</span>`
        : "";
    return `<span class="rd_autocomplete__name">${escapeHtml(suggestion.name)}</span>${description}`;
}

// The library sets aria-describedby itself (to its own hint, or nothing); keep the field's
// hint and error message in it too.
function keepDescribedBy(input, ids) {
    if (!ids) {
        return;
    }
    const apply = () => {
        const current = (input.getAttribute("aria-describedby") || "").split(" ").filter(Boolean);
        const wanted = [...new Set([...ids.split(" "), ...current])].join(" ");
        if (input.getAttribute("aria-describedby") !== wanted) {
            input.setAttribute("aria-describedby", wanted);
        }
    };
    new MutationObserver(apply).observe(input, {
        attributes: true,
        attributeFilter: ["aria-describedby"],
    });
    apply();
}

function enhance(original) {
    const form = original.form;
    const holder = document.createElement("div");
    holder.className = "rd_autocomplete";
    original.before(holder);
    const hadFocus = document.activeElement === original;
    const { id, name, className } = original;
    const describedBy = original.getAttribute("aria-describedby");
    const typed = original.value;

    accessibleAutocomplete({
        element: holder,
        id,
        name,
        defaultValue: typed,
        minLength: MIN_LENGTH,
        source: placeSource(original.dataset.placeSuggestions),
        autoselect: false,
        confirmOnBlur: false,
        showNoOptionsFound: false,
        displayMenu: "overlay",
        inputClasses: className,
        menuAttributes: { "aria-label": "Suggested places" },
        templates: {
            inputValue: (suggestion) => (suggestion ? suggestion.value || suggestion : ""),
            suggestion: suggestionHtml,
        },
        tAssistiveHint: () =>
            "When suggestions appear, use the up and down arrows to choose one and press Enter " +
            "to search for it. On a touch screen, explore by touch or swipe.",
        onConfirm: (suggestion) => {
            if (!suggestion) {
                return;
            }
            holder.querySelector("input[role='combobox']").value = suggestion.value;
            form.requestSubmit();
        },
    });

    const input = holder.querySelector("input[role='combobox']");
    original.remove();
    input.spellcheck = false;
    input.maxLength = original.maxLength > 0 ? original.maxLength : 100;
    keepDescribedBy(input, describedBy);
    // Enter in the box itself (no suggestion highlighted): search for what was typed. The
    // library would otherwise ignore it while its list is open.
    holder.addEventListener(
        "keydown",
        (event) => {
            if (event.key === "Enter" && event.target === input) {
                event.preventDefault();
                event.stopPropagation();
                form.requestSubmit();
            }
        },
        true,
    );
    if (hadFocus) {
        input.focus();
        input.setSelectionRange(input.value.length, input.value.length);
        // Typed while this script was on its way: show suggestions for it now.
        if (typed !== original.defaultValue && typed.trim().length >= MIN_LENGTH) {
            input.dispatchEvent(new Event("input", { bubbles: true }));
        }
    }
}

// Taking over a box someone is typing in could drop a key pressed at that moment, so wait
// for a pause in their typing first. Enter before then submits the plain form as usual.
function whenQuiet(input, callback) {
    if (document.activeElement !== input) {
        callback();
        return;
    }
    let timer = null;
    const done = () => {
        input.removeEventListener("keydown", wait);
        input.removeEventListener("input", wait);
        callback();
    };
    const wait = () => {
        window.clearTimeout(timer);
        timer = window.setTimeout(done, QUIET_MS);
    };
    input.addEventListener("keydown", wait);
    input.addEventListener("input", wait);
    wait();
}

function enhanceSafely(input) {
    if (input.isConnected) {
        try {
            enhance(input);
        } catch (error) {
            // Keep the plain field: it works without us.
            input.previousElementSibling?.classList.contains("rd_autocomplete") &&
                input.previousElementSibling.remove();
            console.error(error);
        }
    }
}

for (const input of document.querySelectorAll("input[data-place-suggestions]")) {
    if (input.form && input.id) {
        whenQuiet(input, () => enhanceSafely(input));
    }
}
