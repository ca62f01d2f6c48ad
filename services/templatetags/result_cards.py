"""`{% result_cards cards %}`: a list of search result cards.

Written in Python rather than as a template include per card, which took a large share of a
results page's server time (figures in the README's Performance section). The markup is the
Scottish Government Design System's search result, as the rest of the templates use it;
tests check what each card says."""

import datetime
from functools import lru_cache
from html import escape

from django import template
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe

from engagement.templatetags.my_list import csrf_input, list_buttons, on_list_ids
from services.models import Service
from services.views.display import Card

register = template.Library()


def _service_url_prefix() -> str:
    """`/services/`: a service page's address without its slug, reversed once a page."""
    return reverse("services:service", kwargs={"slug": "-"}).removesuffix("-/")


def _distance(card: Card) -> str:
    if card.distance_km is not None:
        away = (
            "Less than 0.1 km away"
            if card.distance_km < 0.05
            else f"{card.distance_km:.1f} km away"
        )
        # A straight line: by road, or across water, it can be much further.
        return f'<p class="rd_card__distance"><strong>{away}</strong> as the crow flies</p>'
    if card.service.is_national:
        return (
            '<p class="rd_card__distance"><span class="ds_tag  ds_tag--blue">'
            "Available anywhere in Scotland</span></p>"
        )
    return ""


def _fact(key: str, value: str) -> str:
    return (
        f'<div class="ds_metadata__item"><dt class="ds_metadata__key">{key}</dt>'
        f'<dd class="ds_metadata__value">{escape(str(value))}</dd></div>'
    )


def _names(terms) -> str:
    return ", ".join(term.name for term in terms)


def _facts(card: Card, page: dict) -> str:
    facts = []
    if card.types:
        facts.append(_fact("Type", _names(card.types)))
    if card.access_routes:
        facts.append(_fact("How to get in", _names(card.access_routes)))
    if card.next_session:
        if card.is_on_now:
            facts.append(_fact("On now", f"until {card.next_session.until}"))
        else:
            facts.append(_fact("Next", card.next_session.label))
    intake = card.service.current_intake_status(page["today"])
    facts.append(_fact("New people", page["intake_labels"][intake]))
    return (
        f'<dl class="ds_search-result__metadata  ds_metadata  rd_card__facts">{"".join(facts)}</dl>'
    )


@lru_cache(maxsize=4096)
def _day(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def _checked(card: Card, page: dict) -> str:
    checked_at = card.service.last_checked_at
    checked = _day(checked_at.astimezone(page["timezone"]).date()) if checked_at else ""
    if card.is_stale:
        last = f"Last checked {checked}. " if checked else ""
        return (
            '<p class="rd_card__stale"><strong>Not checked for over '
            f"{escape(page['stale_period'])}."
            f"</strong> {last}Contact them before you go.</p>"
        )
    if checked:
        return f'<p class="rd_card__checked">Last checked {checked}</p>'
    return ""


TAKES_REFERRALS = (
    '<p class="rd_card__tags"><span class="ds_tag  ds_tag--green">Takes referrals</span></p>'
)


def _lived(card: Card) -> str:
    if not card.lived_experience:
        return ""
    tags = "".join(
        f'<span class="ds_tag  ds_tag--purple">{escape(term.name)}</span> '
        for term in card.lived_experience
    )
    return (
        '<p class="rd_card__tags"><span class="visually-hidden">Lived experience: </span>'
        f"{tags}</p>"
    )


def _card(card: Card, page: dict) -> str:
    """One card's markup. Plain string building, every value escaped: Django's format_html
    and a reverse() per link took a fifth of a results page's server time."""
    service = card.service
    name = escape(service.name)
    return (
        '<li class="ds_search-result  rd_card"><h3 class="ds_search-result__title">'
        f'<a class="ds_search-result__link" href="{page["service_url"]}{service.slug}/">'
        f"{name}</a></h3>"
        f'<p class="rd_card__provider">Run by {escape(service.organisation.name)}</p>'
        f"{_distance(card)}"
        f'<p class="ds_search-result__summary">{escape(service.summary)}</p>'
        f"{_lived(card)}{TAKES_REFERRALS if service.takes_referrals else ''}"
        f"{_facts(card, page)}{_checked(card, page)}"
        f"{page['list_button'](service.pk, service.name, str(service.pk) in page['on_list'])}"
        "</li>"
    )


@register.simple_tag(takes_context=True)
def result_cards(context, cards) -> SafeString:
    """The cards (services.views.display.Card) as a results list, each with "Add to my
    list" or "On your list" (engagement/templatetags/my_list.py: a plain form that comes back
    to this place on this page, so it works without JavaScript)."""
    request = context["request"]
    page = {
        "service_url": _service_url_prefix(),
        "on_list": on_list_ids(request),
        "stale_period": context.get("stale_period", ""),
        # Looked up once a page, not once a card.
        "timezone": timezone.get_current_timezone(),
        "today": timezone.localdate(),
        "intake_labels": {value: str(label) for value, label in Service.Intake.choices},
        "list_button": list_buttons(
            csrf_input=csrf_input(context.get("csrf_token")), next_url=request.get_full_path()
        ),
    }
    return mark_safe(
        '<ol class="ds_search-results__list  rd_card-list">'
        f"{''.join(_card(card, page) for card in cards)}</ol>"
    )
