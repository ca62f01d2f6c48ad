"""System checks run by `manage.py check --deploy` (CI runs it with production settings)."""

from django.conf import settings
from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def site_url_is_set(app_configs, **kwargs) -> list:
    """Without SITE_URL, pages link to the address each request came to, but emails and
    links made outside a request fall back to this machine (services.links.site_url): right
    for `make run`, wrong for anyone receiving an email from a real deployment."""
    if settings.SITE_URL:
        return []
    return [
        checks.Warning(
            f"SITE_URL is not set: links in emails will point at {settings.SITE_URL_FALLBACK}.",
            hint="Set SITE_URL to the public address, for example https://directory.example.org.",
            id="services.W001",
        )
    ]
