"""The public pages: home, help now, about, accessibility, privacy and the error pages."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.paginator import Paginator
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse
from django.utils.html import escape

from services.models import ServiceType

PAGES = [
    reverse("services:home"),
    reverse("services:crisis"),
    reverse("services:about"),
    reverse("services:accessibility"),
    reverse("services:privacy"),
]
QUICK_EXIT = '<a href="https://www.bbc.co.uk/weather" rel="noreferrer"'


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status
    return response.content.decode()


def test_page_urls_are_the_published_ones():
    assert PAGES == ["/", "/help-now/", "/about/", "/accessibility/", "/privacy/"]


@pytest.mark.django_db
def test_home_page_has_one_labelled_search_form_that_submits_to_the_search_page(client):
    html = _get(client, "/")

    assert html.count("<form") == 1
    assert '<form class="rd_search-panel" action="/search/" method="get"' in html
    assert '<label class="ds_label" for="search-near">Postcode or town</label>' in html
    assert 'id="search-near" name="near"' in html
    assert (
        '<label class="ds_label" for="search-q">What are you looking for? (optional)</label>'
        in html
    )
    assert 'id="search-q" name="q"' in html


@pytest.mark.django_db
def test_home_page_has_a_shortcut_with_its_description_for_every_type_of_support(client):
    service_types = list(ServiceType.objects.all())
    assert len(service_types) >= 10  # seeded by migration 0002

    html = _get(client, "/")

    for service_type in service_types:
        assert (
            f'<a href="/search/?type={service_type.slug}">{escape(service_type.name)}</a>' in html
        )
        assert escape(service_type.description) in html


@pytest.mark.django_db
def test_home_page_shows_a_new_type_of_support_without_a_code_change(client):
    ServiceType.objects.create(slug="sauna-club", name="Sauna club", description="Warm chats.")

    html = _get(client, "/")

    assert '<a href="/search/?type=sauna-club">Sauna club</a>' in html
    assert "Warm chats." in html


@pytest.mark.django_db
def test_home_page_makes_one_query(client, django_assert_num_queries):
    with django_assert_num_queries(1):
        client.get("/")


@pytest.mark.django_db
def test_home_page_explains_the_main_kinds_of_support_and_links_organisations_to_sign_in(client):
    html = _get(client, "/")

    for heading in ("Peer support", "Drop-ins", "Link workers", "Recovery colleges"):
        assert f"<h3>{heading}</h3>" in html
    assert "<h2>For organisations</h2>" in html
    assert "<h2>For link workers</h2>" in html
    assert 'href="/admin/"' in html
    assert 'href="/accounts/login/"' in html
    assert 'href="/suggest/"' in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*PAGES, "/no-such-page/"])
def test_every_page_has_the_crisis_link_quick_exit_and_skip_link(client, url):
    html = _get(client, url, status=404 if url == "/no-such-page/" else 200)

    assert '<a class="rd_help-bar__link" href="/help-now/">Need help now?</a>' in html
    assert QUICK_EXIT in html
    assert "<strong>Quick exit</strong>" in html
    assert '<a class="ds_skip-links__link" href="#main-content">Skip to main content</a>' in html
    assert '<main id="main-content"' in html
    assert '<html lang="en-GB">' in html


@pytest.mark.django_db
@pytest.mark.parametrize("url", PAGES)
def test_every_page_footer_links_to_the_policies_and_credits_place_data(client, url):
    html = _get(client, url)
    footer = html[html.index('<footer class="ds_site-footer">') :]

    for link in ("/help-now/", "/accessibility/", "/privacy/", "/about/", "/admin/"):
        assert f'href="{link}"' in footer
    assert "GeoNames (geonames.org)</a>" in footer
    assert "CC BY 4.0</a>" in footer


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*PAGES, "/no-such-page/"])
def test_pages_are_sent_with_a_strict_content_security_policy(client, url):
    response = client.get(url)
    policy = response["Content-Security-Policy"]

    assert "script-src 'self'" in policy
    assert "style-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "unsafe-eval" not in policy


@pytest.mark.django_db
@pytest.mark.parametrize("url", [*PAGES, "/no-such-page/"])
def test_pages_load_nothing_from_other_sites_and_have_no_inline_script_or_style(client, url):
    html = client.get(url).content.decode()

    assert re.findall(r"<script\b[^>]*\bsrc=\"(?!/static/)", html) == []
    assert re.findall(r"<link\b[^>]*\bhref=\"https?:", html) == []
    assert re.findall(r"<(?:img|iframe|source)\b[^>]*\bsrc=\"https?:", html) == []
    assert re.findall(r"<script\b(?![^>]*\bsrc=)[^>]*>", html) == []
    assert "<style" not in html
    assert " style=" not in html
    assert re.findall(r"\son[a-z]+=", html) == []
    assert '<link rel="stylesheet" href="/static/dist/app.css">' in html
    assert '<script src="/static/dist/app.js" defer></script>' in html


@pytest.mark.django_db
def test_crisis_page_has_a_phone_or_text_link_for_every_number(client):
    html = _get(client, "/help-now/")

    for href, number in [
        ("tel:999", "999"),
        ("tel:111", "111"),
        ("tel:116123", "116 123"),
        ("tel:0800838587", "0800 83 85 87"),
        ("sms:85258", "85258"),
    ]:
        link = re.search(rf'<a class="ds_button  rd_contact__action" href="{href}">(.*?)</a>', html)
        assert link is not None, href
        assert number in link.group(1)


@pytest.mark.django_db
def test_crisis_page_gives_breathing_space_opening_hours(client):
    html = _get(client, "/help-now/")

    assert "Monday to Thursday, 6pm to 2am" in html
    assert "from 6pm on Friday to 6am on Monday" in html


@pytest.mark.django_db
def test_unknown_page_uses_the_directory_not_found_page(client):
    html = _get(client, "/no-such-page/", status=404)

    assert "<title>Page not found – Recovery Directory</title>" in html
    assert "see phone numbers for urgent support" in html


@pytest.mark.django_db
def test_pages_only_answer_get_and_head(client):
    assert client.post("/").status_code == 405
    assert client.head("/help-now/").status_code == 200


@pytest.mark.parametrize("template", ["400.html", "403.html", "403_csrf.html", "404.html"])
def test_error_pages_render_without_a_request_or_database(template):
    # Django renders 400.html and 403_csrf.html without a request; none of them may query.
    html = render_to_string(template)

    assert "Need help now?" in html
    assert "<h1" in html


def test_server_error_page_stands_alone_and_lists_urgent_numbers(client):
    # It extends only the standalone error page, and neither looks up URLs or static files:
    # it must render even when the database or the manifest is broken.
    templates = Path(settings.BASE_DIR) / "templates"
    source = (templates / "500.html").read_text()
    assert re.findall(r"{% extends ([^%]+) %}", source) == ['"error_standalone.html"']
    for name in ("500.html", "error_standalone.html"):
        text = (templates / name).read_text()
        assert "{% url" not in text
        assert "{% static" not in text
        assert "{% include" not in text

    html = render_to_string("500.html")

    assert "Sorry, there is a problem with the service" in html
    for href in ("tel:999", "tel:111", "tel:116123", "tel:0800838587"):
        assert f'href="{href}"' in html
    assert QUICK_EXIT in html


def test_server_error_handler_answers_500_with_the_standalone_page():
    from services.views import server_error

    response = server_error(RequestFactory().get("/"))

    assert response.status_code == 500
    assert "Sorry, there is a problem with the service" in response.content.decode()


def test_error_handlers_are_the_directory_ones():
    from recovery_directory import urls

    assert urls.handler400 == "services.views.bad_request"
    assert urls.handler403 == "services.views.permission_denied"
    assert urls.handler404 == "services.views.page_not_found"
    assert urls.handler500 == "services.views.server_error"


@pytest.mark.django_db
def test_messages_show_as_design_system_notification_banners(client, rf):
    from django.contrib import messages
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    messages.success(request, "Your listing was saved.")
    messages.error(request, "That did not work.")

    html = render_to_string("includes/messages.html", request=request)

    assert 'class="ds_notification  ds_notification--success  ds_reversed" role="status"' in html
    assert 'class="ds_notification  ds_reversed" role="alert"' in html
    assert "Your listing was saved." in html
    assert "That did not work." in html


# The reusable partials, rendered with a small form so later pages can rely on them.


def _form(data=None):
    from django import forms

    class ExampleForm(forms.Form):
        name = forms.CharField(
            label="Your name", max_length=50, help_text="As you like to be known"
        )
        notes = forms.CharField(
            label="Notes", widget=forms.Textarea, required=False, max_length=500
        )
        area = forms.ChoiceField(label="Area", choices=[("", "Choose an area"), ("fife", "Fife")])
        contact = forms.ChoiceField(
            label="How to contact you",
            choices=[("phone", "Phone"), ("email", "Email")],
            widget=forms.RadioSelect,
        )
        days = forms.MultipleChoiceField(
            label="Days",
            choices=[("mon", "Monday"), ("tue", "Tuesday")],
            widget=forms.CheckboxSelectMultiple,
            required=False,
        )
        agree = forms.BooleanField(label="I agree")

        def clean(self):
            raise forms.ValidationError("Something about the whole form.")

    form = ExampleForm(data)
    form.is_valid()
    return form


def test_error_summary_lists_form_and_field_errors_linking_to_each_field():
    form = _form({"name": "", "area": "", "contact": "", "days": ["tue"]})

    html = render_to_string("includes/error_summary.html", {"form": form})

    assert 'role="alert"' in html
    assert "<li>Something about the whole form.</li>" in html
    for field in ("name", "area", "contact", "agree"):
        assert f'<a href="#id_{field}">This field is required.</a>' in html
    assert "#id_notes" not in html


def test_error_summary_is_empty_for_a_form_without_errors():
    assert render_to_string("includes/error_summary.html", {"form": _form()}).strip() == ""


def _field(form, name, **extra):
    return render_to_string("includes/field.html", {"field": form[name], **extra})


def test_field_partial_renders_a_text_input_with_hint_error_and_width():
    form = _form({"name": "", "days": ["tue"]})

    html = _field(form, "name", width="fixed-20")

    assert '<div class="ds_question  ds_question--error">' in html
    assert '<label class="ds_label" for="id_name">Your name</label>' in html
    assert '<p class="ds_hint-text" id="id_name-hint">As you like to be known</p>' in html
    assert 'id="id_name-error">This field is required.</p>' in html
    assert 'class="ds_input  ds_input--fixed-20  ds_input--error" type="text" name="name"' in html
    assert 'maxlength="50"' in html
    assert 'aria-describedby="id_name-hint id_name-error"' in html
    assert 'aria-invalid="true"' in html


def test_field_partial_renders_a_textarea_with_character_count_and_optional_label():
    form = _form({"notes": "Hello & welcome"})

    html = _field(form, "notes")

    assert 'for="id_notes">Notes (optional)</label>' in html
    assert 'class="ds_character-count" data-module="ds-character-count"' in html
    assert '<textarea class="ds_input" name="notes"' in html
    assert "Hello &amp; welcome</textarea>" in html


def test_field_partial_renders_a_select_keeping_the_chosen_option():
    html = _field(_form({"area": "fife"}), "area")

    assert '<select class="ds_select" name="area"' in html
    assert '<option value="fife" selected>Fife</option>' in html


def test_field_partial_renders_radios_and_checkboxes_in_a_fieldset():
    form = _form({"contact": "email", "days": ["tue"]})

    radios = _field(form, "contact")
    checkboxes = _field(form, "days", small=True)

    assert '<fieldset id="id_contact">' in radios
    assert "<legend>How to contact you</legend>" in radios
    assert 'id="id_contact_1" name="contact" value="email" checked required>' in radios
    assert '<label class="ds_radio__label" for="id_contact_0">Phone</label>' in radios
    assert "<legend>Days (optional)</legend>" in checkboxes
    assert '<div class="ds_checkbox  ds_checkbox--small">' in checkboxes
    assert 'id="id_days_1" name="days" value="tue" checked>' in checkboxes
    assert 'id="id_days_0" name="days" value="mon">' in checkboxes


def test_field_partial_renders_a_single_checkbox_with_its_label():
    html = _field(_form({"agree": "on"}), "agree")

    assert 'class="ds_checkbox__input" type="checkbox" name="agree"' in html
    assert " checked" in html
    assert '<label class="ds_checkbox__label" for="id_agree">I agree</label>' in html


def test_pagination_keeps_other_search_parameters(rf):
    page = Paginator(range(100), 10).page(5)
    request = rf.get("/search/", {"near": "G1 1XQ", "type": "drop-in", "page": "5"})
    page_range = page.paginator.get_elided_page_range(5, on_each_side=1, on_ends=1)

    html = render_to_string(
        "includes/pagination.html", {"page": page, "page_range": page_range}, request=request
    )

    assert 'rel="prev" href="?near=G1+1XQ&amp;type=drop-in&amp;page=4"' in html
    assert 'rel="next" href="?near=G1+1XQ&amp;type=drop-in&amp;page=6"' in html
    assert '<li class="ds_pagination__item" aria-current="page">' in html
    assert html.count("ds_pagination__link--ellipsis") == 2
    assert 'href="?near=G1+1XQ&amp;type=drop-in&amp;page=10"' in html


def test_pagination_accepts_a_prepared_querystring():
    page = Paginator(range(30), 10).page(1)

    html = render_to_string("includes/pagination.html", {"page": page, "querystring": "near=Fife"})

    assert "Previous" not in html
    assert 'rel="next" href="?near=Fife&amp;page=2"' in html


def test_pagination_is_left_out_when_there_is_one_page():
    page = Paginator(range(5), 10).page(1)

    assert render_to_string("includes/pagination.html", {"page": page}).strip() == ""


def test_tag_partial_escapes_its_text():
    html = Template('{% include "includes/tag.html" with text=text colour="green" %}').render(
        Context({"text": "Open <now>"})
    )

    assert html.strip() == '<span class="ds_tag  ds_tag--green">Open &lt;now&gt;</span>'


def test_collected_front_end_sources_hold_nothing_manifest_storage_cannot_resolve():
    # collectstatic also collects static/src/; a package @import there breaks its post-processing.
    for css in (Path(settings.BASE_DIR) / "static" / "src").glob("*.css"):
        assert "@import" not in css.read_text(), css
        assert "url(" not in css.read_text(), css
