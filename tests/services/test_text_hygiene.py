"""Input hygiene at the model: single-line fields refuse line breaks and control characters,
multi-line fields refuse control characters other than line breaks and tabs, every free-text
field has a maximum length, and the admin, the API and the importer say the same thing."""

import json

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import models
from django.urls import reverse

from services.hsds.importer import import_dataset
from services.models import Service
from services.validators import (
    MULTI_LINE_MESSAGE,
    SINGLE_LINE_MESSAGE,
    multi_line,
    one_line,
    single_line,
)
from tests.factories import MembershipFactory, OrganisationFactory, ServiceFactory

from .test_admin_isolation import service_data
from .test_api_write import NEW_SERVICE, auth, make_token
from .test_import_export import empty_directory, export

BREAKS = ["\r\n", "\n", "\r", "\x00", "\t", "\x0b", "\x1b", "\x85", "\u2028", "\u2029"]


@pytest.mark.parametrize("bad", BREAKS)
def test_single_line_text_refuses_line_breaks_and_control_characters(bad):
    with pytest.raises(ValidationError) as refused:
        single_line(f"Paisley{bad}Peer Group")
    assert refused.value.messages == [SINGLE_LINE_MESSAGE]


@pytest.mark.parametrize("good", ["Café Ceilidh – 50+ (£3)", "Àite Còmhraidh", "Group 🌱", ""])
def test_single_line_text_accepts_ordinary_writing(good):
    single_line(good)


def test_multi_line_text_keeps_line_breaks_and_tabs_but_refuses_other_controls():
    multi_line("First line\r\nSecond line\n\tIndented")
    for bad in ["\x00", "\x07", "\x1b[31m", "\x7f", "\x9b"]:
        with pytest.raises(ValidationError) as refused:
            multi_line(f"Text{bad}more")
        assert refused.value.messages == [MULTI_LINE_MESSAGE]


def test_one_line_makes_any_stored_text_safe_for_a_header():
    assert one_line("Paisley\r\n Bcc: x@example.org\x00") == "Paisley Bcc: x@example.org"


INTERNAL_CHARFIELDS = {
    # Machine-written, never typed by a person: tokens, keys, codes and queue bookkeeping.
    "services.Area.gss_code",
    "services.Postcode.postcode",
    "services.Postcode.district",
    "services.OrganisationToken.prefix",
    "services.OrganisationToken.key_hash",
    "services.RateCounter.key",
    "engagement.SearchAggregate.filters",
    "engagement.SharedShortlist.token",
    "engagement.SubmissionKey.key",
    "engagement.SubmissionKey.scope",
    "engagement.SubmissionKey.outcome",
    "engagement.OutgoingEmail.kind",
    "engagement.OutgoingEmail.subject",
    "engagement.OutgoingEmail.from_email",
    "engagement.OutgoingEmail.last_error",
}


def _our_fields(kind):
    for model in apps.get_models():
        if model._meta.app_label not in {"services", "engagement"}:
            continue
        if model.__name__.startswith("Historical"):
            continue
        for field in model._meta.get_fields():
            if type(field) is kind:
                yield f"{model._meta.label}.{field.name}", field


def test_every_free_text_field_has_a_maximum_length_that_the_model_enforces():
    text_fields = dict(_our_fields(models.TextField))
    assert "services.Service.description" in text_fields
    assert [label for label, field in text_fields.items() if not field.max_length] == []
    typed = {k: f for k, f in text_fields.items() if k != "engagement.OutgoingEmail.body"}
    unenforced = [
        label
        for label, field in typed.items()
        if multi_line not in field.validators
        or not any(isinstance(v, MaxLengthValidator) for v in field.validators)
    ]
    assert unenforced == []


def test_every_typed_single_line_field_refuses_line_breaks():
    missing = [
        label
        for label, field in _our_fields(models.CharField)
        if not field.choices
        and label not in INTERNAL_CHARFIELDS
        and single_line not in field.validators
        and multi_line not in field.validators  # a short note typed in a textarea
    ]
    assert missing == []


def test_the_admin_refuses_a_service_name_with_a_line_break(client, db):
    organisation = OrganisationFactory()
    client.force_login(MembershipFactory(organisation=organisation).user)
    data = service_data(organisation) | {"name": "Tuesday\r\nGroup"}
    response = client.post(reverse("admin:services_service_add"), data)
    assert response.status_code == 200
    assert SINGLE_LINE_MESSAGE in response.content.decode()
    assert not Service.objects.filter(name__startswith="Tuesday").exists()


def test_the_api_refuses_a_service_name_with_a_line_break_with_the_same_message(client, db):
    membership = MembershipFactory()
    _, key = make_token(membership)
    body = NEW_SERVICE | {"name": "Wednesday\r\nWalk", "description": "Line one\x1b[31m"}
    response = client.post(
        "/api/v1/services/", body, content_type="application/json", headers=auth(key)
    )
    assert response.status_code == 400
    assert response.json()["name"] == [SINGLE_LINE_MESSAGE]
    assert response.json()["description"] == [MULTI_LINE_MESSAGE]
    assert not Service.objects.filter(name__startswith="Wednesday").exists()


def test_the_api_refuses_a_description_longer_than_the_model_allows(client, db):
    _, key = make_token(MembershipFactory())
    body = NEW_SERVICE | {"description": "x" * 5001}
    response = client.post(
        "/api/v1/services/", body, content_type="application/json", headers=auth(key)
    )
    assert response.status_code == 400
    assert "5000" in response.json()["description"][0]


def test_the_importer_refuses_a_name_with_a_line_break_with_the_same_message(db):
    ServiceFactory(name="Tuesday Group")
    document = json.loads(export())
    empty_directory()
    document[0]["name"] = "Tuesday\r\nGroup"
    report = import_dataset(document)
    [(label, message)] = report.errors
    assert SINGLE_LINE_MESSAGE in message
    assert not Service.objects.exists()


def test_a_legacy_name_with_a_line_break_still_shows_its_pages(client, db):
    service = ServiceFactory()
    Service.objects.filter(pk=service.pk).update(name="Tuesday\r\nGroup")
    assert client.get(reverse("services:service", args=[service.slug])).status_code == 200
    report = reverse("engagement:report_problem", args=[service.slug])
    assert client.get(report).status_code == 200
