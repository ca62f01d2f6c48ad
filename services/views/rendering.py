"""`render_page`: Django's `render()` for the busiest pages, leaving no reference cycle behind.

Rendering with a request pushes the view's context onto a RequestContext, and the pushed
dictionary points back at that RequestContext: a reference cycle, so everything the page
showed (a results page: its services, sessions, cards, facet counts) outlives the response
until Python's cycle collector finds it. The server runs that collector between responses
(recovery_directory/runtime.py), and its cost grows with what it has to walk. Emptying the
context once the page is rendered frees all of it at once, by reference counting."""

from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.template.context import make_context


def render_page(request: HttpRequest, template_name: str, context: dict) -> HttpResponse:
    """What `django.shortcuts.render(request, template_name, context)` returns."""
    template = loader.get_template(template_name)
    engine = template.backend.engine  # type: ignore[attr-defined]
    rendering = make_context(context, request, autoescape=engine.autoescape)
    try:
        content = template.template.render(rendering)  # type: ignore[attr-defined]
    finally:
        rendering.dicts.clear()
    return HttpResponse(content)
