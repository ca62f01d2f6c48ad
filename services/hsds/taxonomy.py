"""Our controlled vocabularies published as Open Referral HSDS taxonomies.

Every vocabulary (and the intake-status choices and our free-text extras) is one HSDS
`taxonomy`; each of its values is a `taxonomy_term`. Identifiers are UUIDs derived from the
vocabulary's search-parameter name and the value's slug, so they never change and are the
same in every copy of the directory.
"""

import uuid
from dataclasses import dataclass

from django.db import models

from services.links import site_url
from services.models import (
    AccessibilityFeature,
    AccessRoute,
    Audience,
    DeliveryMode,
    Language,
    LivedExperienceInvolvement,
    Service,
    ServiceType,
    Vocabulary,
)

NAMESPACE = uuid.UUID("da79e666-ed2a-5148-9c9c-10b0ba842ef0")


def derived_id(*parts: object) -> str:
    """A stable UUID for an HSDS object we have no row for (an attribute, an address…)."""
    return str(uuid.uuid5(NAMESPACE, "/".join(str(part) for part in parts)))


@dataclass(frozen=True)
class Taxonomy:
    key: str
    name: str
    description: str
    # The Service many-to-many field holding its terms; "" when not a service attribute.
    service_field: str = ""
    vocabulary: type[Vocabulary] | None = None
    choices: type[models.TextChoices] | None = None

    @property
    def id(self) -> str:
        return derived_id("taxonomy", self.key)

    def term_id(self, code: str) -> str:
        return derived_id("taxonomy", self.key, code)


class TextField(models.TextChoices):
    """Free-text parts of a listing HSDS has no field for, carried as attribute values."""

    SUMMARY = "summary", "Summary"
    FIRST_VISIT = "what-to-expect", "What to expect at your first visit"
    SLUG = "web-address-name", "Web address name (the last part of its page's address)"


TAXONOMIES: tuple[Taxonomy, ...] = (
    Taxonomy("type", "Type of support", "What kind of support it is.", "types", ServiceType),
    Taxonomy(
        "access_route",
        "Ways to get support",
        "How someone can start: refer themselves, drop in, or be referred.",
        "access_routes",
        AccessRoute,
    ),
    Taxonomy(
        "lived_experience",
        "Lived experience involvement",
        "How people with lived experience of mental health problems run or shape it.",
        "lived_experience",
        LivedExperienceInvolvement,
    ),
    Taxonomy(
        "audience", "Who it is for", "Groups of people it is meant for.", "audiences", Audience
    ),
    Taxonomy(
        "delivery",
        "Delivery mode",
        "In person, online or by phone.",
        "delivery_modes",
        DeliveryMode,
    ),
    Taxonomy(
        "accessibility",
        "Accessibility features",
        "What is true of a building (step-free access, hearing loop…). Linked to locations.",
        vocabulary=AccessibilityFeature,
    ),
    Taxonomy(
        "language",
        "Languages",
        "Languages support is offered in. Codes are ISO 639-1, or bsl for British Sign Language.",
        vocabulary=Language,
    ),
    Taxonomy(
        "intake_status",
        "Taking new people?",
        "Whether the service is taking new people. An attribute value, when present, is the "
        "date (YYYY-MM-DD) until which the status applies.",
        choices=Service.Intake,
    ),
    Taxonomy(
        "text",
        "Recovery Directory text",
        "Text fields HSDS has no place for; the attribute value holds the text.",
        choices=TextField,
    ),
)
BY_KEY = {taxonomy.key: taxonomy for taxonomy in TAXONOMIES}
BY_ID = {taxonomy.id: taxonomy for taxonomy in TAXONOMIES}
SERVICE_ATTRIBUTE_TAXONOMIES = tuple(t for t in TAXONOMIES if t.service_field)


@dataclass(frozen=True)
class Term:
    taxonomy: Taxonomy
    code: str
    name: str
    description: str

    @property
    def id(self) -> str:
        return self.taxonomy.term_id(self.code)


def vocabulary_term(taxonomy: Taxonomy, row) -> Term:
    return Term(taxonomy, row.slug, row.name, row.description)


def terms_of(taxonomy: Taxonomy) -> list[Term]:
    """Every term of a taxonomy, in the vocabulary's own order (one query for vocabularies)."""
    if taxonomy.choices is not None:
        return [Term(taxonomy, value, label, "") for value, label in taxonomy.choices.choices]
    assert taxonomy.vocabulary is not None, "a taxonomy has choices or a vocabulary"
    return [vocabulary_term(taxonomy, row) for row in taxonomy.vocabulary.objects.in_order()]


def all_terms() -> list[Term]:
    return [term for taxonomy in TAXONOMIES for term in terms_of(taxonomy)]


def taxonomy_to_hsds(taxonomy: Taxonomy) -> dict:
    return {
        "id": taxonomy.id,
        "name": taxonomy.name,
        "description": taxonomy.description,
        "uri": f"{site_url()}/api/v1/vocabularies/",
        "version": "1",
    }


def term_to_hsds(term: Term) -> dict:
    return {
        "id": term.id,
        "code": term.code,
        "name": term.name,
        "description": term.description,
        "taxonomy": term.taxonomy.name,
        "taxonomy_id": term.taxonomy.id,
        "language": "en",
    }
