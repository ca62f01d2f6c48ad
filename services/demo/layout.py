"""Where the demo puts things and what it draws from: which kinds of service each council
area gets, venue details, languages and Ofcom's drama phone numbers."""

SEED = 2026
TOWNS_PER_AREA = 3
# Every area gets these; then a rotating handful of the extras, so areas differ.
CORE_SLOTS = ("hub", "peer", "dropin", "link", "activity", "peer")
EXTRA_SLOTS = (
    "carers",
    "crisis",
    "peer",
    "activity",
    "selfman",
    "remote",
    "peer",
    "carers",
    "activity",
    "crisis",
    "remote",
    "selfman",
)
RECOVERY_COLLEGE_AREAS = (
    "glasgow-city",
    "city-of-edinburgh",
    "fife",
    "highland",
    "aberdeen-city",
    "dundee-city",
    "north-lanarkshire",
    "dumfries-and-galloway",
)
COURSES_PER_COLLEGE = 4
SHORT_NAMES = {
    "city-of-edinburgh": "Edinburgh",
    "glasgow-city": "Glasgow",
    "aberdeen-city": "Aberdeen",
    "dundee-city": "Dundee",
}
# The editor and manager demo accounts belong to this area's local organisation.
MEMBER_ORGANISATION_AREA = "renfrewshire"
GAELIC_AREAS = {"na-h-eileanan-siar": 1.0, "highland": 0.3, "argyll-and-bute": 0.3}
CITY_AREAS = {"glasgow-city", "city-of-edinburgh", "aberdeen-city", "dundee-city"}
COMMUNITY_LANGUAGES = ("pl", "ur", "pa", "ar", "zh", "ro", "uk", "so", "bn", "fa", "ku", "es")
EXTRA_LIVED = ("co-produced", "lived-experience-governance", "peer-workers", "co-produced")
FEATURE_ODDS = (
    ("step-free-access", 0.85),
    ("accessible-toilet", 0.75),
    ("hearing-loop", 0.4),
    ("bsl-interpreter", 0.2),
    ("large-print-easy-read", 0.35),
    ("quiet-space", 0.5),
)
AGE_RANGES = {"young-people": (16, 25), "older-people": (60, None)}
VENUES = ("Community Hub", "Resource Centre", "Wellbeing Centre", "Community Centre")
STREETS = (
    "High Street",
    "Church Street",
    "Station Road",
    "Main Street",
    "King Street",
    "Bridge Street",
    "Victoria Road",
    "Market Street",
    "Park Road",
    "Union Street",
    "Castle Street",
    "School Lane",
)
DIRECTIONS = (
    "The nearest bus stop is on {street}, a two-minute walk away. The entrance has a ramp; "
    "ring the bell marked {org}.",
    "There is free parking at the back. Go in by the main door and follow the signs for the "
    "meeting rooms. There is a lift to the first floor.",
    "Five minutes' walk from the town centre. Come in through the café and ask at the counter.",
    "The bus stops right outside. The door is at the side of the building, next to the bike racks.",
)
ROOMS = (
    "",
    "",
    "Room 2, ground floor",
    "Upstairs meeting room (there is a lift)",
    "The garden room at the back",
    "Main hall",
)
UNIT_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"
# Ofcom's numbers reserved for drama: they can never ring a real person.
PHONE_PREFIXES = {
    "glasgow": "0141 496 0",
    "edinburgh": "0131 496 0",
    "other": "01632 960",
    "mobile": "07700 900",
}
PHONE_AREAS = {
    "nhs-greater-glasgow-and-clyde": "glasgow",
    "nhs-lanarkshire": "glasgow",
    "nhs-lothian": "edinburgh",
}
