"""The base address for absolute links (emails, share links, QR codes, API payloads)."""

from django.conf import settings


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
