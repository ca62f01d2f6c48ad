// "Add to my list" and "Remove" without leaving the page. Without JavaScript each button is a
// plain form that comes back to the same place on the page (engagement/templatetags/my_list.py);
// with it, the same form is sent with fetch and the button is swapped for its new state
// ("On your list ✓" and "Remove", or "Add to my list") where it is.

function liveRegion() {
    // Made when the page loads, before anything changes, so screen readers announce updates.
    const region = document.createElement("div");
    region.className = "visually-hidden";
    region.setAttribute("role", "status");
    region.setAttribute("aria-live", "polite");
    document.body.appendChild(region);
    return region;
}

async function send(form, region) {
    const button = form.querySelector("button");
    button.disabled = true;
    try {
        const response = await fetch(form.action, {
            method: "POST",
            body: new FormData(form),
            headers: { Accept: "application/json" },
            credentials: "same-origin",
        });
        const contentType = response.headers.get("Content-Type") || "";
        if (!contentType.includes("application/json")) {
            form.submit(); // an error page or a sign-in: let the browser show it
            return;
        }
        const answer = await response.json();
        const holder = document.createElement("template");
        holder.innerHTML = answer.html;
        const replacement = holder.content.firstElementChild;
        form.replaceWith(replacement);
        replacement.querySelector("button").focus();
        region.textContent = answer.message;
    } catch {
        form.submit(); // offline or interrupted: the plain form still works
    }
}

export default function initMyList() {
    if (!document.querySelector("[data-list-button]") || !window.fetch) {
        return;
    }
    const region = liveRegion();
    document.addEventListener("submit", (event) => {
        const form = event.target;
        if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-list-button")) {
            return;
        }
        event.preventDefault();
        send(form, region);
    });
}
