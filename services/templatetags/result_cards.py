"""`{% result_cards cards %}`: a list of search result cards.

Written in Python rather than as a template include per card, which took a large share of a
results page's server time (figures in the README's Performance section). The markup is the
Scottish Government Design System's search result, as the rest of the templates use it;
tests check what each card says."""

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from engagement.templatetags.my_list import csrf_input, list_button_html, on_list_ids
from services.views.display import Card

register = template.Library()


def _distance(card: Card) -> SafeString:
    if card.distance_km is not None:
        away = (
            "Less than 0.1 km away"
            if card.distance_km < 0.05
            else f"{card.distance_km:.1f} km away"
        )
        # A straight line: by road, or across water, it can be much further.
        return format_html(
            '<p class="rd_card__distance"><strong>{}</strong> as the crow flies</p>', away
        )
    if card.service.is_national:
        return mark_safe(
            '<p class="rd_card__distance"><span class="ds_tag  ds_tag--blue">'
            "Available anywhere in Scotland</span></p>"
        )
    return mark_safe("")


def _fact(key: str, value: str) -> SafeString:
    return format_html(
        '<div class="ds_metadata__item"><dt class="ds_metadata__key">{}</dt>'
        '<dd class="ds_metadata__value">{}</dd></div>',
        key,
        value,
    )


def _facts(card: Card) -> SafeString:
    facts = []
    if card.types:
        facts.append(_fact("Type", ", ".join(term.name for term in card.types)))
    if card.access_routes:
        facts.append(_fact("How to get in", ", ".join(term.name for term in card.access_routes)))
    if card.next_session:
        if card.is_on_now:
            facts.append(_fact("On now", f"until {card.next_session.until}"))
        else:
            facts.append(_fact("Next", card.next_session.label))
    facts.append(_fact("New people", card.service.current_intake_label))
    return format_html(
        '<dl class="ds_search-result__metadata  ds_metadata  rd_card__facts">{}</dl>',
        mark_safe("".join(facts)),
    )


def _checked(card: Card, stale_period: str) -> SafeString:
    checked_at = card.service.last_checked_at
    checked = date_format(timezone.localtime(checked_at), "j F Y") if checked_at else ""
    if card.is_stale:
        last = format_html("Last checked {}. ", checked) if checked else ""
        return format_html(
            '<p class="rd_card__stale"><strong>Not checked for over {}.</strong> '
            "{}Contact them before you go.</p>",
            stale_period,
            last,
        )
    if checked:
        return format_html('<p class="rd_card__checked">Last checked {}</p>', checked)
    return mark_safe("")


def _takes_referrals(card: Card) -> SafeString:
    if not card.service.takes_referrals:
        return mark_safe("")
    return mark_safe(
        '<p class="rd_card__tags"><span class="ds_tag  ds_tag--green">Takes referrals</span></p>'
    )


def _card(card: Card, form: dict) -> SafeString:
    service = card.service
    lived = ""
    if card.lived_experience:
        lived = format_html(
            '<p class="rd_card__tags"><span class="visually-hidden">Lived experience: </span>'
            "{}</p>",
            format_html_join(
                "",
                '<span class="ds_tag  ds_tag--purple">{}</span> ',
                ((term.name,) for term in card.lived_experience),
            ),
        )
    return format_html(
        '<li class="ds_search-result  rd_card">'
        '<h3 class="ds_search-result__title">'
        '<a class="ds_search-result__link" href="{url}">{name}</a></h3>'
        '<p class="rd_card__provider">Run by {organisation}</p>'
        "{distance}"
        '<p class="ds_search-result__summary">{summary}</p>'
        "{lived}{referrals}{facts}{checked}{list_button}</li>",
        url=service.get_absolute_url(),
        name=service.name,
        organisation=service.organisation.name,
        distance=_distance(card),
        summary=service.summary,
        lived=lived,
        referrals=_takes_referrals(card),
        facts=_facts(card),
        checked=_checked(card, form["stale_period"]),
        list_button=list_button_html(
            service_pk=service.pk,
            service_name=service.name,
            on_list=str(service.pk) in form["on_list"],
            csrf_input=form["csrf"],
            next_url=form["next"],
        ),
    )


@register.simple_tag(takes_context=True)
def result_cards(context, cards) -> SafeString:
    """The cards (services.views.display.Card) as a results list, each with "Add to my
    list" or "On your list" (engagement/templatetags/my_list.py: a plain form that comes back
    to this place on this page, so it works without JavaScript)."""
    request = context["request"]
    form = {
        "csrf": csrf_input(context.get("csrf_token")),
        "on_list": on_list_ids(request),
        "next": request.get_full_path(),
        "stale_period": context.get("stale_period", ""),
    }
    return format_html(
        '<ol class="ds_search-results__list  rd_card-list">{}</ol>',
        mark_safe("".join(_card(card, form) for card in cards)),
    )
