"""HTTP caching for API reads: a strong ETag of the body, Last-Modified where the data
gives one, and Cache-Control (public for anonymous reads, private when authenticated)."""

import hashlib

from django.conf import settings
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

DEFAULT_MAX_AGE = 300


class ConditionalGetMixin:
    """For DRF views: answers If-None-Match / If-Modified-Since with 304 Not Modified."""

    def get_last_modified(self, response):
        """A datetime for Last-Modified, or None; views override this."""
        return None

    def get_etag(self, response) -> str | None:
        """The ETag, or None for a hash of the body; record views override this (see
        services/api/versions.py: the ETag that If-Match is checked against)."""
        return None

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        response.render()
        etag = (
            self.get_etag(response) or '"' + hashlib.sha256(response.content).hexdigest()[:32] + '"'
        )
        response["ETag"] = etag
        last_modified = self.get_last_modified(response)
        if last_modified is not None:
            response["Last-Modified"] = http_date(last_modified.timestamp())
        max_age = getattr(settings, "API_CACHE_MAX_AGE", DEFAULT_MAX_AGE)
        if request.auth is None:
            patch_cache_control(response, public=True, max_age=max_age)
        else:
            patch_cache_control(response, private=True, no_cache=True)
        patch_vary_headers(response, ["Authorization"])
        return get_conditional_response(
            request._request,
            etag=etag,
            last_modified=int(last_modified.timestamp()) if last_modified else None,
            response=response,
        )
