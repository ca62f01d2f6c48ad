"""`{% filter_group name legend options selected errors scroll %}`: one search filter as a
group of small checkboxes tied to the search form (form="search-form"), so the sidebar works
without JavaScript.

In Python rather than a template include and loop: the results page shows eight groups and
about ninety options, and the includes and the loop's variable lookups were the largest part
of what remained of its rendering time."""

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
def filter_group(
    name: str, legend: str, options, selected=(), errors=(), scroll: bool = False
) -> SafeString:
    """`name` is the parameter; `options` are FacetOption objects (shown with their counts:
    "Drop-in (12)") or (slug, name) pairs, checked when their slug is in `selected`;
    `errors` are this parameter's messages; `scroll` for long lists. Every value is
    escaped."""
    name = escape(name)
    error = ""
    described = ""
    if errors:
        message = " ".join(escape(str(text)) for text in errors)
        error = f'<p class="ds_question__error-message" id="id_{name}-error">{message}</p>'
        described = f' aria-describedby="id_{name}-error"'
    return mark_safe(
        f'<div class="ds_question{"  ds_question--error" if errors else ""}">'
        f'<fieldset id="id_{name}"{described}>'
        f'<legend class="rd_filter-legend">{escape(legend)}</legend>{error}'
        '<div class="ds_search-filters__checkboxes'
        f'{"  ds_search-filters__scrollable" if scroll else ""}">'
        f"{_options(name, options, selected)}</div></fieldset></div>"
    )


def _options(name: str, options, selected) -> str:
    rows = []
    for option in options:
        if hasattr(option, "slug"):
            checked = option.selected
            slug, label = option.slug, f"{option.name} ({option.count})"
        else:
            slug, label = option
            checked = slug in (selected or ())
        rows.append(_option(name, escape(slug), checked, escape(label)))
    return "".join(rows)
