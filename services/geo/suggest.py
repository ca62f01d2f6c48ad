"""Suggestions while someone types in the "near" box (`GET /api/v1/places/?q=`): towns and
villages, islands and island groups, well-known alternative names, council areas, health
boards, partnerships and postcode districts whose name starts with what was typed (or has a
word that does).

Ranking: a whole-name match first, then names starting with the text, then names with a word
starting with it; within each, the most people first (a town's population; an area's is the
sum of its towns' in the places file; an island counts as ISLAND_WEIGHT people, since the
islands file gives no population), then kind, then name. Each suggestion's `value` is what to
search for: `services.geo.resolve.resolve_location(value)` finds exactly that place or area.

The entries are built once per process from the data files and the cached area registry
(rebuilt when the registry is); nothing is logged."""

from collections import defaultdict
from dataclasses import dataclass

from services.models import Postcode

from .areanames import all_areas, area_names
from .placenames import alternatives, island_groups, islands, islands_by_name, place_index
from .placenames import normalise_name as normalise
from .postcodes import is_postcode_district

MAX_RESULTS = 10
MIN_LENGTH = 2
ISLAND_WEIGHT = 10_000
# Shown in this order when the ranking is otherwise equal.
KIND_ORDER = ("place", "island", "council-area", "hscp", "health-board", "district", "other")
GENERIC_WORDS = frozenset(
    "and of the nhs health social care partnership hscp council area city isle island".split()
)


@dataclass(frozen=True)
class Suggestion:
    name: str  # what to show: "Kirkcaldy"
    kind: str  # place, island, council-area, health-board, hscp, district, other
    description: str  # "Fife", "island in Highland", "council area"
    value: str  # what to search for


@dataclass(frozen=True)
class _Entry:
    suggestion: Suggestion
    keys: tuple[str, ...]  # normalised names it is found by
    weight: int


def _place_entries() -> list[_Entry]:
    council_names = {slug: area.name for slug, area in all_areas().items() if area.is_council_area}
    islands_named = islands_by_name()
    entries = []
    for key, places in place_index().by_name.items():
        if key in islands_named:
            continue  # "Isle of Mull" the place is found as Mull the island
        for place in places:
            council = council_names.get(place.council_area, "")
            value = place.name if len(places) == 1 else f"{place.name}, {council}"
            if len(places) > 1 and not council:
                continue  # cannot be told apart: the search will ask which one
            entries.append(
                _Entry(Suggestion(place.name, "place", council, value), (key,), place.population)
            )
    return entries


def _island_entries(council_names: dict[str, str]) -> list[_Entry]:
    entries = []
    for island in islands():
        where = council_names.get(island.council_area_gss, "")
        description = f"island in {where}" if where else "island"
        keys = tuple(key for key, named in islands_by_name().items() if named is island)
        entries.append(
            _Entry(Suggestion(island.name, "island", description, island.name), keys, ISLAND_WEIGHT)
        )
    taken = set(islands_by_name()) | set(alternatives()) | set(place_index().by_name)
    for key, members in island_groups().items():
        if key not in taken:
            group = members[0].group
            suggestion = Suggestion(group, "island", "islands", group)
            entries.append(_Entry(suggestion, (key,), ISLAND_WEIGHT * len(members)))
    return entries


def _area_entries(people: dict[str, int]) -> list[_Entry]:
    """Areas, each with the value that resolves to it: a council area named like a town
    ("Stirling") is searched as "Stirling council area"."""
    areas = all_areas()
    by_id = {area.pk: area for area in areas.values()}
    weight: dict[int, int] = defaultdict(int)
    for area in areas.values():
        if area.is_council_area:
            for pk in (area.pk, area.health_board_id, area.partnership_id):
                if pk in by_id:
                    weight[pk] += people.get(area.slug, 0)
    other_names = set(islands_by_name()) | set(alternatives()) | set(place_index().by_name)
    entries = []
    for area in areas.values():
        names = area_names(area)
        value = area.name
        if normalise(value) in other_names:
            value = f"{area.name} council area"
        suggestion = Suggestion(area.name, area.kind, area.get_kind_display().lower(), value)
        entries.append(
            _Entry(suggestion, tuple(normalise(name) for name in names), weight[area.pk])
        )
    return entries


def _in_words(names: tuple[str, ...]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _alternative_entries() -> list[_Entry]:
    return [
        _Entry(Suggestion(alt.name, "other", _in_words(alt.means), alt.name), (key,), 0)
        for key, alt in alternatives().items()
    ]


def _district_entries(people: dict[str, int]) -> dict[str, _Entry]:
    entries = {}
    for district, places in place_index().by_district.items():
        top = places[0]
        suggestion = Suggestion(district, "district", f"postcode district, {top.name}", district)
        entries[district] = _Entry(suggestion, (district.lower(),), top.population)
    return entries


_built: tuple[object, list[_Entry], dict[str, _Entry]] = (None, [], {})


def _entries() -> tuple[list[_Entry], dict[str, _Entry]]:
    """(named entries, district entries by district), rebuilt when the area registry is."""
    global _built
    areas = all_areas()
    if _built[0] is not areas:
        people: dict[str, int] = defaultdict(int)
        for places in place_index().by_name.values():
            for place in places:
                people[place.council_area] += place.population
        council_by_gss = {a.gss_code: a.name for a in areas.values() if a.is_council_area}
        named = [
            *_place_entries(),
            *_island_entries(council_by_gss),
            *_area_entries(people),
            *_alternative_entries(),
        ]
        _built = (areas, named, _district_entries(people))
    return _built[1], _built[2]


def _tier(keys: tuple[str, ...], typed: str) -> int | None:
    """0: a whole name, 1: a name starting with the text, 2: a word starting with it
    (not a word every partnership or island has: "pa" is not "… Partnership")."""
    best = None
    for key in keys:
        if key == typed:
            return 0
        if key.startswith(typed):
            best = 1
        elif best is None and any(
            word.startswith(typed) for word in key.split()[1:] if word not in GENERIC_WORDS
        ):
            best = 2
    return best


def _districts(typed: str, known: dict[str, _Entry]) -> list[tuple[int, _Entry]]:
    prefix = typed.replace(" ", "").upper()
    if not is_postcode_district(prefix):
        return []
    from_table = (
        Postcode.objects.filter(district__startswith=prefix)
        .order_by()
        .values_list("district", flat=True)
        .distinct()[:MAX_RESULTS]
    )
    found = {district: entry for district, entry in known.items() if district.startswith(prefix)}
    for district in from_table:
        if district not in found:
            suggestion = Suggestion(district, "district", "postcode district", district)
            found[district] = _Entry(suggestion, (district.lower(),), 0)
    return [(0 if district == prefix else 1, entry) for district, entry in found.items()]


def suggest(text: str, limit: int = MAX_RESULTS) -> list[Suggestion]:
    """Up to `limit` suggestions for what someone has typed so far, best first."""
    typed = normalise(text)
    if len(typed) < MIN_LENGTH:
        return []
    named, districts = _entries()
    matches = [(tier, entry) for entry in named if (tier := _tier(entry.keys, typed)) is not None]
    matches += _districts(typed, districts)
    matches.sort(
        key=lambda match: (
            match[0],
            -match[1].weight,
            KIND_ORDER.index(match[1].suggestion.kind),
            match[1].suggestion.name,
        )
    )
    found: dict[str, Suggestion] = {}
    for _tier_found, entry in matches:
        found.setdefault(entry.suggestion.value.lower(), entry.suggestion)
        if len(found) == limit:
            break
    return list(found.values())
