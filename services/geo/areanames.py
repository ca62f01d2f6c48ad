"""The names council areas, health boards and health and social care partnerships go by,
for resolving what people type (`services.geo.resolve`) and suggesting it
(`services.geo.suggest`). Areas live in the database; this reads them from the cached
vocabulary registry and rebuilds its name index whenever the registry is reloaded."""

from .placenames import normalise_name

PARTNERSHIP_SUFFIX = " Health and Social Care Partnership"
# Where one name is several areas, the narrowest wins: "Fife" is the council area.
PRECEDENCE = {"council-area": 0, "hscp": 1, "health-board": 2}
_index: tuple[object, dict] = (None, {})


def all_areas() -> dict:
    """Every area by slug, from the cached vocabulary registry (no query when warm)."""
    from services.vocabulary_loader import registry

    return registry().areas


def council_names() -> dict[str, str]:
    """Council area names by slug."""
    return {slug: area.name for slug, area in all_areas().items() if area.is_council_area}


def council_slug(gss_code: str) -> str | None:
    """The slug of the council area with this GSS code."""
    for slug, area in all_areas().items():
        if area.gss_code == gss_code and area.is_council_area:
            return slug
    return None


def area_names(area) -> tuple[str, ...]:
    """The names an area goes by: its official name; a board's without "NHS"; a
    partnership's short name, "<short name> HSCP" and "<short name> health and social care";
    a council area's with "council" or "council area" after it."""
    if area.is_health_board:
        return (area.name, area.name.removeprefix("NHS "))
    if area.is_partnership:
        short = area.name.removesuffix(PARTNERSHIP_SUFFIX)
        return (area.name, f"{short} HSCP", f"{short} health and social care", short)
    return (area.name, f"{area.name} council area", f"{area.name} council")


def areas_by_name() -> dict:
    """Areas by each normalised name they go by."""
    global _index
    areas = all_areas()
    if _index[0] is not areas:
        index = {}
        ranked = sorted(areas.values(), key=lambda area: PRECEDENCE.get(area.kind, 9))
        for area in reversed(ranked):
            for name in area_names(area):
                index[normalise_name(name)] = area
        _index = (areas, index)
    return _index[1]
