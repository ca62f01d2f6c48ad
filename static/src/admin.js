// Admin change pages: warn before leaving a page with unsaved changes (the History, Delete
// and other links would otherwise drop them), and move focus to the error summary so a
// screen reader hears it first. Progressive enhancement only: without it, nothing breaks.
(function () {
    "use strict";

    const summary = document.getElementById("error-summary");
    if (summary) {
        summary.focus();
    }

    const form = document.querySelector("form.js-keeps-edits");
    if (!form) {
        return;
    }
    let changed = summary !== null;
    let submitting = false;
    form.addEventListener("input", function () {
        changed = true;
    });
    form.addEventListener("change", function () {
        changed = true;
    });
    document.addEventListener("submit", function () {
        submitting = true;
    });
    window.addEventListener("beforeunload", function (event) {
        if (changed && !submitting) {
            event.preventDefault();
            event.returnValue = "";
        }
    });
})();
