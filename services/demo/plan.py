"""Builds the demo records in memory, without touching the database: organisations in every
council area, their venues at real towns from the places file, and their services.

The same places file always gives the same records: names, slugs and primary keys come from
a seeded random generator and uuid5, never from the date. Dates (review dates, course runs,
fortnightly start dates) are relative to `today`, so a demo always looks current."""

import datetime
import random
import uuid
from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.text import slugify

from services.models import (
    CourseRun,
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceAtLocation,
)
from services.places import Place

from .ids import demo_uuid
from .local_texts import LOCAL_VARIANTS
from .national_texts import (
    NATIONAL_ORGANISATIONS,
    ONLINE_RECOVERY_COLLEGE,
    RECOVERY_COLLEGE_COURSES,
)
from .timetable import Context, build_timetable
from .variants import ORGANISATION_KINDS, Variant

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


class DemoDataError(Exception):
    """The demo data cannot be added; the message says why in plain words."""


@dataclass(frozen=True)
class AreaInfo:
    id: int
    name: str
    health_board: str  # slug


@dataclass
class DemoPlan:
    organisations: list[Organisation] = field(default_factory=list)
    locations: list[Location] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    service_locations: list[ServiceAtLocation] = field(default_factory=list)
    course_runs: list[CourseRun] = field(default_factory=list)
    schedules: list[Schedule] = field(default_factory=list)
    # Many-to-many rows as (owner id, slug of the related row), by field name.
    service_links: dict[str, list[tuple[uuid.UUID, str]]] = field(
        default_factory=lambda: defaultdict(list)
    )
    location_features: list[tuple[uuid.UUID, str]] = field(default_factory=list)
    member_organisation: Organisation | None = None


@dataclass(frozen=True)
class Setting:
    """Where a service happens: its town (or college area) and venues."""

    label: str
    area: str | None  # council-area slug; None for national services
    locations: tuple[Location, ...] = ()


def towns_by_area(places: tuple[Place, ...], areas: dict[str, AreaInfo]) -> dict[str, list]:
    """The biggest fully-known towns in each council area."""
    towns: dict[str, list[Place]] = defaultdict(list)
    for place in sorted(places, key=lambda p: (-p.population, p.name, p.geonames_id)):
        if place.is_fully_known and len(towns[place.council_area]) < TOWNS_PER_AREA:
            towns[place.council_area].append(place)
    missing = sorted(set(areas) - set(towns))
    if missing:
        raise DemoDataError(
            "The places file has no town with a postcode district in: " + ", ".join(missing)
        )
    return towns


def build_plan(
    *, places, areas: dict[str, AreaInfo], now: datetime.datetime, checked_by_id: int | None
) -> DemoPlan:
    builder = _Builder(areas=areas, now=now, checked_by_id=checked_by_id)
    towns = towns_by_area(places, areas)
    for index, area in enumerate(sorted(areas)):
        builder.add_local_organisation(index, area, towns[area])
    for index, area in enumerate(RECOVERY_COLLEGE_AREAS):
        builder.add_recovery_college(index, area, towns[area])
    for name, description, variants in (*NATIONAL_ORGANISATIONS, ONLINE_RECOVERY_COLLEGE):
        builder.add_national_organisation(name, description, variants)
    return builder.plan


class _Builder:
    def __init__(self, *, areas, now, checked_by_id) -> None:
        self.rng = random.Random(SEED)
        self.areas, self.now, self.checked_by_id = areas, now, checked_by_id
        self.today = now.date()
        self.plan = DemoPlan()
        self.phone_counts: dict[str, int] = defaultdict(int)
        self.variant_counts: dict[str, int] = defaultdict(int)
        self.language_count = 0
        self.slugs: set[str] = set()
        self.bsl_locations: set[uuid.UUID] = set()

    # Organisations and venues -------------------------------------------------------------

    def add_local_organisation(self, index: int, area: str, towns: list[Place]) -> None:
        kind, blurb = ORGANISATION_KINDS[index % len(ORGANISATION_KINDS)]
        info = self.areas[area]
        org = self._organisation(
            f"{towns[0].name} Demo {kind}",
            blurb.format(town=towns[0].name, area=info.name),
            phone_area=self._phone_area(area),
        )
        venues = [
            self._location(org, town, f"{town.name} Demo {VENUES[(index + n) % len(VENUES)]}")
            for n, town in enumerate(towns)
        ]
        extras = [EXTRA_SLOTS[(index * 4 + n) % len(EXTRA_SLOTS)] for n in range(3 + index % 3)]
        for n, slot in enumerate((*CORE_SLOTS, *extras)):
            where = n % len(towns)
            locations = venues if slot == "link" else [venues[where]]
            variant = self._next_variant(slot)
            self._service(org, variant, Setting(towns[where].name, area, tuple(locations)))
        if area == MEMBER_ORGANISATION_AREA:
            self.plan.member_organisation = org

    def add_recovery_college(self, index: int, area: str, towns: list[Place]) -> None:
        label = SHORT_NAMES.get(area, self.areas[area].name)
        org = self._organisation(
            f"{label} Demo Recovery College",
            f"Free courses about mental health and recovery for anyone in {label}, written "
            "and taught by people with lived experience together with professionals.",
            phone_area=self._phone_area(area),
        )
        venues = [self._location(org, town, f"{town.name} Demo Learning Centre") for town in towns]
        for n in range(COURSES_PER_COLLEGE):
            course = RECOVERY_COLLEGE_COURSES[(index * 3 + n) % len(RECOVERY_COLLEGE_COURSES)]
            self._service(org, course, Setting(label, area, (venues[n % len(venues)],)))

    def add_national_organisation(self, name: str, description: str, variants) -> None:
        org = self._organisation(name, description, phone_area="other")
        for variant in variants:
            self._service(org, variant, Setting("Scotland", None))

    def _organisation(self, name: str, description: str, *, phone_area: str) -> Organisation:
        slug = slugify(name)
        org = Organisation(
            id=demo_uuid("organisation", slug),
            name=name,
            slug=slug,
            description=description,
            website=f"https://www.example.org/demo/{slug}/",
            email=f"{slug}@example.org",
            phone=self._phone(phone_area),
            is_verified=self.rng.random() > 0.1,
        )
        self.plan.organisations.append(org)
        return org

    def _location(self, org: Organisation, town: Place, name: str) -> Location:
        rng = self.rng
        street = rng.choice(STREETS)
        location = Location(
            id=demo_uuid("location", f"{org.slug}:{town.geonames_id}"),
            organisation_id=org.id,
            name=name,
            address_1=f"{rng.randint(1, 180)} {street}",
            town=town.name,
            postcode=f"{town.postcode_district} {rng.randint(1, 9)}"
            f"{rng.choice(UNIT_LETTERS)}{rng.choice(UNIT_LETTERS)}",
            latitude=round(town.latitude + rng.uniform(-0.008, 0.008), 5),
            longitude=round(town.longitude + rng.uniform(-0.012, 0.012), 5),
            council_area_id=self.areas[town.council_area].id,
            directions=rng.choice(DIRECTIONS).format(street=street, org=org.name),
        )
        features = [slug for slug, odds in FEATURE_ODDS if rng.random() < odds]
        self.plan.location_features += [(location.id, slug) for slug in features]
        if "bsl-interpreter" in features:
            self.bsl_locations.add(location.id)
        self.plan.locations.append(location)
        return location

    # Services ------------------------------------------------------------------------------

    def _service(self, org: Organisation, variant: Variant, setting: Setting) -> None:
        name = variant.name.format(town=setting.label)
        slug = self._unique_slug(name)
        service_id = demo_uuid("service", slug)
        in_person = "in-person" in variant.delivery
        locations = setting.locations if in_person else ()
        phone = self._phone(
            "mobile" if "young-people" in variant.audiences else self._phone_area(setting.area)
        )
        timetable = build_timetable(
            variant.pattern,
            Context(
                self.rng,
                self.today,
                service_id,
                slug,
                locations[0].id if locations else None,
                org.email,
            ),
        )
        words = {
            "town": setting.label,
            "org": org.name,
            "when": timetable.when,
            "venue": locations[0].name if locations else "",
            "phone": phone,
            "email": org.email,
            "area": setting.label,
        }
        draws = [self.rng.random() for _ in range(10)]
        service = Service(
            id=service_id,
            organisation_id=org.id,
            name=name,
            slug=slug,
            summary=variant.summary.format(**words),
            description=variant.description.format(**words),
            first_visit=variant.first_visit.format(**words),
            how_to_get_support=variant.how_to.format(**words),
            website=org.website if draws[8] < 0.7 else "",
            email=org.email,
            phone=phone,
            is_national=setting.area is None,
            **self._intake(draws),
            **self._cost(variant, draws),
            **self._referrals(org, variant, draws),
            **self._ages(variant),
            **self._review(draws),
        )
        self.plan.services.append(service)
        self.plan.course_runs += timetable.course_runs
        self.plan.schedules += timetable.schedules
        self._link(service, variant, setting, draws)
        self.plan.service_locations += [
            ServiceAtLocation(
                id=demo_uuid("service-at-location", f"{slug}:{location.id}"),
                service_id=service_id,
                location_id=location.id,
                description=self.rng.choice(ROOMS),
            )
            for location in locations
        ]

    def _intake(self, draws: list[float]) -> dict:
        roll, until_roll = draws[0], draws[1]
        intake = Service.Intake.WELCOMING
        for limit, value in (
            (0.06, Service.Intake.FULL),
            (0.14, Service.Intake.WAITING_LIST),
            (0.18, Service.Intake.PAUSED),
        ):
            if roll < limit:
                intake = value
                break
        until = None
        if intake != Service.Intake.WELCOMING and until_roll < 0.6:
            until = self.today + datetime.timedelta(days=14 + int(until_roll * 150))
        elif intake != Service.Intake.WELCOMING and until_roll > 0.92:
            until = self.today - datetime.timedelta(days=10)  # lapsed: shows as welcoming
        status = Service.Status.INACTIVE if draws[6] < 0.03 else Service.Status.ACTIVE
        return {"intake_status": intake, "intake_status_until": until, "status": status}

    def _review(self, draws: list[float]) -> dict:
        roll, spread = draws[2], draws[3]
        if roll < 0.03:
            return {"last_checked_at": None, "last_checked_by_id": None}
        bands = ((0.58, 1, 88), (0.78, 90, 80), (0.91, 190, 170), (1.01, 370, 330))
        first, width = next((first, width) for limit, first, width in bands if roll < limit)
        checked = self.now - datetime.timedelta(
            days=first + int(spread * width), minutes=int(draws[4] * 600)
        )
        return {
            "last_checked_at": checked.replace(second=0, microsecond=0),
            "last_checked_by_id": self.checked_by_id,
        }

    def _cost(self, variant: Variant, draws: list[float]) -> dict:
        if variant.cost == Service.Cost.FREE and draws[5] < 0.08:
            return {
                "cost": Service.Cost.DONATION,
                "cost_description": "Free. Donations towards room hire are welcome.",
            }
        return {"cost": variant.cost, "cost_description": variant.cost_description}

    def _referrals(self, org: Organisation, variant: Variant, draws: list[float]) -> dict:
        accepts = variant.referrals or (draws[7] < 0.08 and "self-referral" in variant.routes)
        if not accepts:
            return {"accepts_referrals": False, "referral_email": "", "referral_url": ""}
        url = f"https://www.example.org/demo/{org.slug}/refer/" if draws[7] < 0.04 else ""
        return {
            "accepts_referrals": True,
            "referral_email": f"referrals.{org.slug}@example.org",
            "referral_url": url,
        }

    def _ages(self, variant: Variant) -> dict:
        for audience in variant.audiences:
            if audience in AGE_RANGES:
                low, high = AGE_RANGES[audience]
                return {"min_age": low, "max_age": high}
        return {"min_age": None, "max_age": None}

    def _link(self, service: Service, variant: Variant, setting: Setting, draws) -> None:
        links = self.plan.service_links
        for name, slugs in (
            ("types", variant.types),
            ("access_routes", variant.routes),
            ("audiences", variant.audiences),
            ("delivery_modes", variant.delivery),
            ("lived_experience", self._lived(variant, draws[9])),
            ("languages", self._languages(variant, setting, draws[9])),
            ("areas", self._areas(setting, draws[5])),
        ):
            links[name] += [(service.id, slug) for slug in dict.fromkeys(slugs)]

    def _lived(self, variant: Variant, roll: float) -> tuple[str, ...]:
        if variant.lived == "none-stated" or roll >= 0.25:
            return (variant.lived,)
        return (variant.lived, EXTRA_LIVED[int(roll * 16) % len(EXTRA_LIVED)])

    def _languages(self, variant: Variant, setting: Setting, roll: float) -> list[str]:
        languages = list(variant.languages)
        if "minority-ethnic" in variant.audiences:
            languages += [self._next_language(), self._next_language()]
        elif setting.area in CITY_AREAS and roll > 0.6:
            languages.append(self._next_language())
        if roll < GAELIC_AREAS.get(setting.area or "", 0):
            languages.append("gd")
        if roll > 0.85 and any(loc.id in self.bsl_locations for loc in setting.locations):
            languages.append("bsl")
        return languages

    def _areas(self, setting: Setting, roll: float) -> list[str]:
        if setting.area is None:
            return []
        if roll > 0.7:
            return [setting.area, self.areas[setting.area].health_board]
        return [setting.area]

    # Small helpers -------------------------------------------------------------------------

    def _next_variant(self, slot: str) -> Variant:
        variants = LOCAL_VARIANTS[slot]
        variant = variants[self.variant_counts[slot] % len(variants)]
        self.variant_counts[slot] += 1
        return variant

    def _next_language(self) -> str:
        language = COMMUNITY_LANGUAGES[self.language_count % len(COMMUNITY_LANGUAGES)]
        self.language_count += 1
        return language

    def _unique_slug(self, name: str) -> str:
        base = slug = slugify(name)
        counter = 2
        while slug in self.slugs:
            slug, counter = f"{base}-{counter}", counter + 1
        self.slugs.add(slug)
        return slug

    def _phone_area(self, area: str | None) -> str:
        if area is None:
            return "other"
        return PHONE_AREAS.get(self.areas[area].health_board, "other")

    def _phone(self, kind: str) -> str:
        count = self.phone_counts[kind]
        if count >= 1000:
            raise DemoDataError(f"Ran out of drama-range phone numbers for {kind}.")
        self.phone_counts[kind] += 1
        # Steps through all 1,000 numbers in a scattered order (37 is coprime with 1,000).
        return f"{PHONE_PREFIXES[kind]}{(count * 37 + 101) % 1000:03d}"
