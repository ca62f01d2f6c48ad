"""Times as people write and read them: "7pm", "7:30pm", "19:00"."""

import datetime
import re

from django import forms

_TIME = re.compile(
    r"^(?P<hour>\d{1,2})(?:[:.]?(?P<minute>\d{2}))?(?::\d{2})?\s*(?P<half>[ap]\.?m\.?)?$"
)
_WORDS = {"noon": "12pm", "midday": "12pm", "midnight": "12am"}


def plain_time(value: datetime.time) -> str:
    """19:00 -> "7pm", 19:30 -> "7:30pm", 12:00 -> "midday": the public pages' wording
    (services/views/display.py), for one time on its own."""
    if value.minute == 0 and value.hour in (0, 12):
        return "midnight" if value.hour == 0 else "midday"
    hour = value.hour % 12 or 12
    half = "am" if value.hour < 12 else "pm"
    return f"{hour}{half}" if value.minute == 0 else f"{hour}:{value.minute:02d}{half}"


def parse_plain_time(text: str) -> datetime.time | None:
    """ "7pm", "7.30 pm", "7:30PM", "19:00", "1900", "noon" -> a time; None if unreadable."""
    text = _WORDS.get(text.strip().lower(), text.strip().lower())
    match = _TIME.match(text)
    if not match:
        return None
    hour, minute = int(match["hour"]), int(match["minute"] or 0)
    if match["half"]:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if match["half"].startswith("p") else 0)
    if hour > 23 or minute > 59:
        return None
    return datetime.time(hour, minute)


class PlainTimeInput(forms.TextInput):
    def format_value(self, value):
        if isinstance(value, datetime.time):
            return plain_time(value)
        return super().format_value(value)


class PlainTimeField(forms.TimeField):
    """A time as people write it: "7pm" or "19:00", shown back as "7pm"."""

    widget = PlainTimeInput

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.time):
            return value
        parsed = parse_plain_time(str(value))
        if parsed is None:
            raise forms.ValidationError(
                'Enter a time like "7pm", "10:30am" or "19:00".', code="invalid"
            )
        return parsed
