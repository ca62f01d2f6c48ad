"""Addresses of records, for pages and API responses that list many of them.

`django.urls.reverse` with arguments costs about 0.1 ms (namespace lookup, quoting, checking
the result against the pattern); a page of 20 results reversed two or three addresses each.
`cached_reverse` reverses each pattern once with a marker and fills the marker in after, for
values that reverse() would leave unchanged (slugs and UUIDs); anything else goes through
reverse() itself."""

import re

from django.conf import settings
from django.core.signals import setting_changed
from django.urls import get_script_prefix, get_urlconf, reverse

_PLAIN = re.compile(r"[-A-Za-z0-9_]+\Z")
_MARKER = "rdmarker{}x"
_templates: dict[tuple, str] = {}


def cached_reverse(name: str, **kwargs) -> str:
    values = {key: str(value) for key, value in kwargs.items()}
    if not all(_PLAIN.match(value) for value in values.values()):
        return reverse(name, kwargs=values)
    keys = tuple(sorted(values))
    cache_key = (name, keys, get_script_prefix(), get_urlconf())
    template = _templates.get(cache_key)
    if template is None:
        markers = {key: _MARKER.format(number) for number, key in enumerate(keys)}
        template = _templates[cache_key] = reverse(name, kwargs=markers)
    for number, key in enumerate(keys):
        template = template.replace(_MARKER.format(number), values[key])
    return template


def site_url(request=None) -> str:
    """The base address for absolute links, without a trailing slash: `SITE_URL` when set;
    otherwise the scheme and host this request came to (so `PORT=8765 make run` gives working
    share links and QR codes); otherwise, outside a request (emails, commands),
    `SITE_URL_FALLBACK`, http://127.0.0.1 on PORT."""
    if settings.SITE_URL:
        return settings.SITE_URL
    if request is not None:
        return request.build_absolute_uri("/").rstrip("/")
    return settings.SITE_URL_FALLBACK


def _forget(setting: str, **kwargs) -> None:
    if setting == "ROOT_URLCONF":
        _templates.clear()


setting_changed.connect(_forget, dispatch_uid="services-links-forget")
