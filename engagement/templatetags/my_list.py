"""The "Add to my list" button: `{% list_button service %}` on a page, `list_button_html` for
result cards and for the answer to a script's request (the button in its new state).

It is a form that works without JavaScript: a plain POST that comes back to the same page, at
the button (its id is the fragment of the address it returns to). Once the service is on the
list it says so, "On your list ✓", and offers "Remove". static/src/my-list.js sends the same
forms with fetch and swaps in the button's new state without leaving the page."""

from collections.abc import Callable

from django import template
from django.middleware.csrf import get_token
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from engagement import shortlists

register = template.Library()


def anchor(service_pk) -> str:
    """The id of a service's list button, the fragment adding or removing comes back to."""
    return f"on-list-{service_pk}"


def list_button_html(
    *, service_pk, service_name: str, on_list: bool, csrf_input: str, next_url: str
) -> SafeString:
    button = list_buttons(csrf_input=csrf_input, next_url=next_url)
    return mark_safe(button(service_pk, service_name, on_list))  # every value escaped there


def list_buttons(*, csrf_input: str, next_url: str) -> Callable[[object, str, bool], str]:
    """`list_button_html` for many services of one page (result cards): the parts every
    button shares are worked out once, then each button is plain string building."""
    add, remove = reverse("engagement:shortlist_add"), reverse("engagement:shortlist_remove")
    shared = f'{csrf_input}<input type="hidden" name="service" value="'
    next_input = f'"><input type="hidden" name="next" value="{escape(next_url)}">'
    on_list_state = (
        '<p class="rd_list-button__state"><strong>On your list <span aria-hidden="true">'
        "✓</span></strong></p>"
    )

    def button(service_pk, service_name: str, on_list: bool) -> str:
        name = escape(service_name)
        if on_list:
            action, state = remove, on_list_state
            label = f'Remove<span class="visually-hidden"> {name} from my list</span>'
        else:
            action, state = add, ""
            label = f'Add to my list<span class="visually-hidden">: {name}</span>'
        return (
            f'<form method="post" action="{action}" class="rd_no-print  rd_list-button" '
            f'id="{anchor(service_pk)}" data-list-button>{shared}{service_pk}{next_input}{state}'
            '<button type="submit" class="ds_button  ds_button--secondary  ds_button--small">'
            f"{label}</button></form>"
        )

    return button


def csrf_input(token) -> SafeString:
    if not token or str(token) == "NOTPROVIDED":
        return format_html("")
    return format_html('<input type="hidden" name="csrfmiddlewaretoken" value="{}">', token)


def on_list_ids(request) -> frozenset[str]:
    session = getattr(request, "session", None)
    return frozenset(shortlists.ids_in(session)) if session is not None else frozenset()


@register.simple_tag(takes_context=True)
def list_button(context, service) -> SafeString:
    request = context.get("request")
    token = context.get("csrf_token") or (get_token(request) if request is not None else None)
    return list_button_html(
        service_pk=service.pk,
        service_name=service.name,
        on_list=str(service.pk) in on_list_ids(request),
        csrf_input=csrf_input(token),
        next_url=request.get_full_path() if request is not None else "",
    )
