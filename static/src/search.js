// The search page's enhancements. Without JavaScript the page works as it is: the filters sit
// in a <details> the person can open, and there is no "Use my location" button.

const WIDE_SCREEN = "(min-width: 48rem)";
// About 100 metres: near enough to find what is close, without sending an exact position.
const DECIMALS = 3;

function setHidden(form, name, value) {
    for (const old of form.querySelectorAll(`input[type="hidden"][name="${name}"]`)) {
        old.remove();
    }
    const input = document.createElement("input");
    input.type = "hidden";
    input.name = name;
    input.value = value;
    form.appendChild(input);
}

function initUseMyLocation() {
    const holder = document.querySelector(".rd_locate");
    const form = document.getElementById("search-form");
    if (!holder || !form || !("geolocation" in navigator)) {
        return;
    }
    const button = holder.querySelector(".js-use-my-location");
    const status = holder.querySelector(".rd_locate__status");
    holder.hidden = false;
    button.addEventListener("click", () => {
        button.disabled = true;
        status.textContent = "Finding your location…";
        navigator.geolocation.getCurrentPosition(
            (position) => {
                const near = form.querySelector('input[name="near"]');
                if (near) {
                    near.value = "";
                }
                setHidden(form, "lat", position.coords.latitude.toFixed(DECIMALS));
                setHidden(form, "lon", position.coords.longitude.toFixed(DECIMALS));
                status.textContent = "Searching near your location…";
                form.submit();
            },
            () => {
                button.disabled = false;
                status.textContent =
                    "We could not get your location. Type a postcode or town instead.";
            },
            { enableHighAccuracy: false, maximumAge: 300000, timeout: 15000 },
        );
    });
}

function initFilters() {
    const filters = document.querySelector(".js-filters");
    if (filters && window.matchMedia(WIDE_SCREEN).matches) {
        filters.open = true;
    }
}

export default function initSearch() {
    initUseMyLocation();
    initFilters();
}
