"""`{% filter_options name options selected %}`: the checkboxes of one search filter.

In Python rather than a template loop: the results page shows about ninety options, and the
loop's variable lookups were the largest part of what remained of its rendering time."""

from html import escape

from django import template
from django.utils.safestring import SafeString, mark_safe

register = template.Library()


def _option(name: str, slug: str, checked: bool, label: str) -> str:
    return (
        '<div class="ds_checkbox  ds_checkbox--small">'
        '<input class="ds_checkbox__input" type="checkbox" form="search-form" '
        f'id="id_{name}_{slug}" name="{name}" value="{slug}"{" checked" if checked else ""}>'
        f'<label class="ds_checkbox__label" for="id_{name}_{slug}">{label}</label>'
        "</div>"
    )


@register.simple_tag
def filter_options(name: str, options, selected=()) -> SafeString:
    """`options` are FacetOption objects (shown with their counts: "Drop-in (12)") or
    (slug, name) pairs, checked when their slug is in `selected`. Every value is escaped."""
    name = escape(name)
    rows = []
    for option in options:
        if hasattr(option, "slug"):
            checked = option.selected
            slug, label = option.slug, f"{option.name} ({option.count})"
        else:
            slug, label = option
            checked = slug in (selected or ())
        rows.append(_option(name, escape(slug), checked, escape(label)))
    return mark_safe("".join(rows))
