"""Input hygiene at the model, so the admin, the API and the importer refuse the same text
with the same message (each of them runs model validation).

- Single-line fields (names, titles, phone numbers, postcodes, towns, address lines…) refuse
  every control character: line breaks (CR, LF, and the Unicode line and paragraph
  separators), NUL, tab and the rest of C0 and C1. A line break in a name ends up in email
  headers, CSV cells and page titles; a tab in one is always a paste accident.
- Multi-line fields (descriptions, notes) keep line breaks (LF, CR) and tabs, and refuse the
  other control characters (NUL, escape, backspace, C1…), which no one types on purpose.
- Every free-text field has a maximum length: `text_validators(limit)` gives a TextField
  its limit as a validator too (a TextField's `max_length` alone binds only forms).
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator

SINGLE_LINE_MESSAGE = "Use a single line, without line breaks or control characters."
MULTI_LINE_MESSAGE = (
    "Remove the control characters (invisible characters such as NUL) from this text."
)

_ANY_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_CONTROL_BUT_LINE_BREAKS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


def single_line(value) -> None:
    if isinstance(value, str) and _ANY_CONTROL.search(value):
        raise ValidationError(SINGLE_LINE_MESSAGE, code="single_line")


def multi_line(value) -> None:
    if isinstance(value, str) and _CONTROL_BUT_LINE_BREAKS.search(value):
        raise ValidationError(MULTI_LINE_MESSAGE, code="control_characters")


def text_validators(limit: int) -> list:
    """For a TextField(max_length=limit): no stray control characters, at most `limit`."""
    return [multi_line, MaxLengthValidator(limit)]


def one_line(text: str) -> str:
    """`text` with each run of control characters and whitespace made one space: for
    places that must be one line whatever was stored before these validators existed."""
    return " ".join(_ANY_CONTROL.sub(" ", text).split())
