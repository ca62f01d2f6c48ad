// Progressive enhancement only: every page works fully without this script.
import accordionModule from "@scottish-government/design-system/dist/scripts/components/accordion/accordion";
import characterCountModule from "@scottish-government/design-system/dist/scripts/components/character-count/character-count";
import checkboxesModule from "@scottish-government/design-system/dist/scripts/components/checkbox/checkboxes";
import skipLinksModule from "@scottish-government/design-system/dist/scripts/components/skip-links/skip-links";

import initMyList from "./my-list.js";
import initPlaceSuggestions from "./place-suggestions.js";
import initQuickExit from "./quick-exit.js";
import initSearch from "./search.js";

// The design system ships CommonJS with `exports.default`. Depending on how the bundler treats
// the importing file, a default import is either that value or the whole exports object.
const unwrap = (module) => (module && module.__esModule ? module.default : module);
const Accordion = unwrap(accordionModule);
const CharacterCount = unwrap(characterCountModule);
const Checkboxes = unwrap(checkboxesModule);
const skipLinks = unwrap(skipLinksModule);

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
    // Quick exit first, so it works even if anything below fails.
    initQuickExit();
    for (const [selector, Component] of MODULES) {
        for (const element of document.querySelectorAll(`${selector}:not(.js-instantiated)`)) {
            new Component(element).init();
        }
    }
    skipLinks.init();
    initSearch();
    initMyList();
    initPlaceSuggestions();
}

if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
} else {
    init();
}
