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

from django.utils import timezone
from django.utils.text import slugify

from services.geo.places import Place
from services.models import (
    CourseRun,
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceAtLocation,
)
from services.slugs import first_free

from .details import details, texts
from .ids import demo_uuid
from .layout import (
    CITY_AREAS,
    COMMUNITY_LANGUAGES,
    CORE_SLOTS,
    COURSES_PER_COLLEGE,
    DIRECTIONS,
    EXTRA_LIVED,
    EXTRA_SLOTS,
    FEATURE_ODDS,
    GAELIC_AREAS,
    MEMBER_ORGANISATION_AREA,
    PHONE_AREAS,
    PHONE_PREFIXES,
    RECOVERY_COLLEGE_AREAS,
    ROOMS,
    SEED,
    SHORT_NAMES,
    STREETS,
    TOWNS_PER_AREA,
    UNIT_LETTERS,
    VENUES,
)
from .local_texts import LOCAL_VARIANTS
from .national_texts import (
    NATIONAL_ORGANISATIONS,
    ONLINE_RECOVERY_COLLEGE,
    RECOVERY_COLLEGE_COURSES,
)
from .timetable import Context, build_timetable
from .variants import ORGANISATION_KINDS, Variant


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
        self.today = timezone.localdate(now)
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
        locations = setting.locations if "in-person" in variant.delivery else ()
        where = locations[0] if locations else None
        mobile = "young-people" in variant.audiences
        phone = self._phone("mobile" if mobile else self._phone_area(setting.area))
        context = Context(
            self.rng, self.today, service_id, slug, where.id if where else None, org.email
        )
        timetable = build_timetable(variant.pattern, context)
        words = _words(org, setting, where, timetable.when, phone)
        draws = [self.rng.random() for _ in range(10)]
        service = Service(
            id=service_id,
            organisation_id=org.id,
            name=name,
            slug=slug,
            email=org.email,
            phone=phone,
            website=org.website if draws[8] < 0.7 else "",
            is_national=setting.area is None,
            **texts(variant, words),
            **details(variant, draws, org.slug, self.now, self.checked_by_id),
        )
        self.plan.services.append(service)
        self.plan.course_runs += timetable.course_runs
        self.plan.schedules += timetable.schedules
        self._link(service, variant, setting, draws)
        for location in locations:
            self._add_service_location(service, location)

    def _add_service_location(self, service: Service, location: Location) -> None:
        self.plan.service_locations.append(
            ServiceAtLocation(
                id=demo_uuid("service-at-location", f"{service.slug}:{location.id}"),
                service_id=service.id,
                location_id=location.id,
                description=self.rng.choice(ROOMS),
            )
        )

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
        slug = first_free(slugify(name), self.slugs)
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


def _words(org: Organisation, setting: Setting, where, when: str, phone: str) -> dict:
    """The values the wording templates fill in."""
    return {
        "town": setting.label,
        "area": setting.label,
        "org": org.name,
        "venue": where.name if where else "",
        "when": when,
        "phone": phone,
        "email": org.email,
    }
