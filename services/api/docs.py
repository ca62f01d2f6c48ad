"""The interactive API documentation, served entirely from our own static files.

SpectacularSwaggerSplitView loads its start-up script from a separate URL (no inline
script), and our template replaces drf-spectacular's inline <style> with a static file, so
the page works under the site's `default-src 'self'` Content-Security-Policy."""

from drf_spectacular.views import SpectacularSwaggerSplitView


class DocsView(SpectacularSwaggerSplitView):
    template_name = "api/swagger_ui.html"
    title = "Recovery Directory API"
