"""UK postcode parsing shared by the models, the search box and the postcode importer."""

import re

from django.core.exceptions import ValidationError

_DISTRICT_PATTERN = r"[A-Z]{1,2}[0-9][0-9A-Z]?"
_FULL = re.compile(rf"^(?P<district>{_DISTRICT_PATTERN})(?P<sector>[0-9])(?P<unit>[A-Z]{{2}})$")
_DISTRICT = re.compile(rf"^{_DISTRICT_PATTERN}$")
# Letters never used in the inward code (Royal Mail).
_BAD_UNIT_LETTERS = set("CIKMOV")


def _compact(value: str) -> str:
    return re.sub(r"\s+", "", value or "").upper()


def normalise_postcode(value: str) -> str | None:
    """'eh11ab' -> 'EH1 1AB'; None if it is not a full UK postcode."""
    compact = _compact(value)
    match = _FULL.match(compact)
    if not match or _BAD_UNIT_LETTERS & set(match["unit"]):
        return None
    return f"{match['district']} {match['sector']}{match['unit']}"


def is_postcode_district(value: str) -> bool:
    """Whether `value` is written as an outward code: "PA1", "EH12", "G2" (capitals, no
    spaces)."""
    return bool(_DISTRICT.match(value))


def postcode_district(value: str) -> str | None:
    """The outward code of a full postcode, or the value itself if it is a district."""
    full = normalise_postcode(value)
    if full:
        return full.split(" ")[0]
    compact = _compact(value)
    return compact if is_postcode_district(compact) else None


def validate_postcode(value: str) -> None:
    if value and not normalise_postcode(value):
        raise ValidationError(
            "Enter a full UK postcode, for example EH1 1AB.", code="invalid_postcode"
        )
