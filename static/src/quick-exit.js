// Quick exit: the link in templates/includes/quick_exit.html already takes people to a neutral
// site without JavaScript. With JavaScript we also:
// - blank the page at once, so nothing sensitive stays on screen while the next site loads;
// - use location.replace(), so the Back button does not bring this page back;
// - leave when Escape is pressed 3 times in a row. One press is not enough: people press Escape
//   to close menus and autocomplete lists, and leaving by accident would be upsetting.

const PRESSES_NEEDED = 3;
const PRESS_WINDOW_MS = 2000;

function leave(url) {
    document.title = "BBC Weather";
    document.body.textContent = "";
    window.location.replace(url);
}

export default function initQuickExit(scope = document) {
    const link = scope.querySelector(".js-quick-exit");
    if (!link) {
        return;
    }
    const url = link.href;

    link.addEventListener("click", (event) => {
        if (event.ctrlKey || event.metaKey || event.shiftKey || event.altKey) {
            return;
        }
        event.preventDefault();
        leave(url);
    });

    let presses = [];
    document.addEventListener("keydown", (event) => {
        if (event.key !== "Escape" || event.repeat) {
            return;
        }
        const now = Date.now();
        presses = presses.filter((time) => now - time < PRESS_WINDOW_MS);
        presses.push(now);
        if (presses.length >= PRESSES_NEEDED) {
            leave(url);
        }
    });
}
