"""`{% filter_options name options selected %}`: the checkboxes of one search filter.

In Python rather than a template loop: the results page shows about ninety options, and the
loop's variable lookups were the largest part of what remained of its rendering time."""

from django import template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

register = template.Library()

_OPTION = (
    '<div class="ds_checkbox  ds_checkbox--small">'
    '<input class="ds_checkbox__input" type="checkbox" form="search-form" id="id_{0}_{1}" '
    'name="{0}" value="{1}"{2}>'
    '<label class="ds_checkbox__label" for="id_{0}_{1}">{3}</label>'
    "</div>"
)


@register.simple_tag
def filter_options(name: str, options, selected=()) -> SafeString:
    """`options` are FacetOption objects (shown with their counts: "Drop-in (12)") or
    (slug, name) pairs, checked when their slug is in `selected`."""
    rows = []
    for option in options:
        if hasattr(option, "slug"):
            checked = option.selected
            slug, label = option.slug, f"{option.name} ({option.count})"
        else:
            slug, label = option
            checked = slug in (selected or ())
        rows.append((name, slug, " checked" if checked else "", label))
    return format_html_join("", _OPTION, rows) if rows else format_html("")
