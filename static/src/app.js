// Progressive enhancement only: every page works fully without this script.
import Accordion from "@scottish-government/design-system/dist/scripts/components/accordion/accordion";
import CharacterCount from "@scottish-government/design-system/dist/scripts/components/character-count/character-count";
import Checkboxes from "@scottish-government/design-system/dist/scripts/components/checkbox/checkboxes";
import skipLinks from "@scottish-government/design-system/dist/scripts/components/skip-links/skip-links";

import initQuickExit from "./quick-exit.js";

// The design system only needs JavaScript for these modules. The "hide this page" component's
// own script is not used: it leaves on a single Escape press and opens a second tab, so
// quick-exit.js handles the same markup instead.
const MODULES = [
    ['[data-module="ds-accordion"]', Accordion],
    ['[data-module="ds-character-count"]', CharacterCount],
    ['[data-module="ds-checkboxes"]', Checkboxes],
];

function init() {
    document.documentElement.classList.add("js-enabled");
    document.body.classList.add("js-enabled");
    for (const [selector, Component] of MODULES) {
        for (const element of document.querySelectorAll(`${selector}:not(.js-instantiated)`)) {
            new Component(element).init();
        }
    }
    skipLinks.init();
    initQuickExit();
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
} else {
    init();
}
