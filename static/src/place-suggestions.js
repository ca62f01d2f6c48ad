// Place suggestions for "near" boxes (home page and results page). The suggestions script is
// about 20 KB compressed, so it is fetched only when someone first focuses or touches a box
// marked data-place-suggestions (its address is in data-place-suggestions-script); then
// dist/autocomplete.js enhances every such box.

export default function initPlaceSuggestions() {
    const inputs = document.querySelectorAll(
        "input[data-place-suggestions][data-place-suggestions-script]",
    );
    if (!inputs.length || !("fetch" in window) || !("AbortController" in window)) {
        return;
    }
    let requested = false;
    const load = () => {
        if (requested) {
            return;
        }
        requested = true;
        const script = document.createElement("script");
        script.src = inputs[0].dataset.placeSuggestionsScript;
        document.head.append(script);
    };
    for (const input of inputs) {
        input.addEventListener("focus", load, { once: true });
        input.addEventListener("pointerdown", load, { once: true });
        if (document.activeElement === input) {
            load();
        }
    }
}
