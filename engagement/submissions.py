"""One-time submission keys, so a retry, a double click or the back button never stores a
record (and its personal data) twice.

A form that creates a record mixes in `SubmissionKeyMixin`: when it is rendered it carries a
hidden random key. The view asks `previous(request.POST)` before anything else (a repeat goes
straight to the first submission's success page, even once the journey's session state is
gone), and stores the record with `once(...)`, which keeps the key under a unique constraint
in the same transaction as the record, so two POSTs racing each other store one record.

A POST without a well-formed key (an old page, a hand-made request) is stored as new.
"""

import re
import secrets
from collections.abc import Callable
from typing import TypeVar

from django import forms
from django.db import IntegrityError, transaction

from .models import SubmissionKey

FIELD = "submission_key"
KEY_LENGTH = SubmissionKey._meta.get_field("key").max_length
KEY_PATTERN = re.compile(rf"[A-Za-z0-9_-]{{20,{KEY_LENGTH}}}")
T = TypeVar("T")


def new_key() -> str:
    return secrets.token_urlsafe(24)


def key_in(data) -> str:
    """The well-formed key in POST data, or ""."""
    value = data.get(FIELD, "") if data is not None else ""
    return value if isinstance(value, str) and KEY_PATTERN.fullmatch(value) else ""


class SubmissionKeyMixin(forms.Form):
    """Adds the hidden key; a fresh one each time the form is shown unbound."""

    submission_key = forms.CharField(
        widget=forms.HiddenInput, required=False, max_length=KEY_LENGTH
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.fields[FIELD].initial = new_key()

    @property
    def key(self) -> str:
        return key_in(self.data) if self.is_bound else ""


def previous(data) -> str | None:
    """Where the first submission with this key went (its success page), or None."""
    key = key_in(data)
    if not key:
        return None
    return SubmissionKey.objects.filter(key=key).values_list("outcome", flat=True).first()


def once(
    data,
    *,
    scope: str,
    create: Callable[[], T],
    success_url: Callable[[T], str] = lambda record: "",
) -> str:
    """Run `create` (it stores the record) unless this key was used already; return the
    address of the success page (`success_url` of the record) either way."""
    key = key_in(data)
    try:
        with transaction.atomic():
            outcome = success_url(create())
            if key:
                SubmissionKey.objects.create(key=key, scope=scope, outcome=outcome)
    except IntegrityError:
        # Another request with the same key committed first: ours was rolled back whole,
        # record and queued emails included.
        earlier = previous(data)
        if earlier is None:
            raise
        return earlier
    return outcome
