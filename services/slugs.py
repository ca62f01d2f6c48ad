"""One rule for the slug of a new row, used by the admin, the API, suggestions made into drafts,
HSDS imports and the demo data."""

from collections.abc import Container
from typing import cast

from django.db.models import CharField, Model
from django.utils.text import slugify

# Room kept at the end of the slug field for "-2", "-3"… when the plain slug is taken.
SUFFIX_ROOM = 10


def unique_slug(model: type[Model], name: str, wanted: str = "") -> str:
    """A slug for a new `model` row called `name`: `wanted` (when given) or the name made into a
    slug, cut to fit, then -2, -3… added while another row has it. A name with nothing slugify
    keeps (only punctuation, say) gives the model's name instead, e.g. "service"."""
    base = slug_base(model, name, wanted)
    taken = set(model._default_manager.filter(slug__startswith=base).values_list("slug", flat=True))
    return first_free(base, taken)


def slug_base(model: type[Model], name: str, wanted: str = "") -> str:
    """The slug `unique_slug` starts from, before any -2, -3…"""
    field = model._meta.get_field("slug")
    assert isinstance(field, CharField), "a slug field"
    assert field.max_length is not None, "a slug field has a maximum length"
    return slugify(wanted or name)[: field.max_length - SUFFIX_ROOM] or cast(
        str, model._meta.model_name
    )


def first_free(base: str, taken: Container[str]) -> str:
    """`base`, or the first of `base`-2, `base`-3… that is not in `taken`."""
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
