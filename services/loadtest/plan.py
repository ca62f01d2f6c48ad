"""What the load needs to know about the directory, read from the database once before a run
and handed to locust as a JSON file: service page addresses, filter vocabularies, and an API
token for the writer with one service of its organisation to change."""

import json
import random
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from services.bench import BENCH_PREFIX
from services.models import (
    AccessRoute,
    Audience,
    DeliveryMode,
    LivedExperienceInvolvement,
    OrganisationMembership,
    OrganisationToken,
    Service,
    ServiceType,
)

WRITER_USERNAME = "loadtest-writer"
TOKEN_NAME = "make loadtest"
SERVICE_PAGES = 2000
# The writer alternates the service's summary with and without this ending.
CHANGED = " Changed."

# Search parameter -> vocabulary whose slugs it takes.
VOCABULARIES = {
    "type": ServiceType,
    "access_route": AccessRoute,
    "delivery": DeliveryMode,
    "audience": Audience,
    "lived_experience": LivedExperienceInvolvement,
}


def _writer_service() -> Service:
    """A published service of a bench organisation, or of any organisation without bench data."""
    published = Service.objects.published().order_by("slug")
    service = published.filter(organisation__name__startswith=BENCH_PREFIX).first()
    service = service or published.first()
    if service is None:
        raise SystemExit("The directory has no published service: run `make bench` first.")
    return service


@transaction.atomic
def writer_token(service: Service) -> str:
    """A fresh API token of the service's organisation, created by a member kept for the load
    test; earlier load-test tokens are revoked."""
    user, _ = get_user_model().objects.get_or_create(
        username=WRITER_USERNAME, defaults={"email": "loadtest@example.invalid"}
    )
    OrganisationMembership.objects.get_or_create(
        user=user,
        organisation=service.organisation,
        defaults={"role": OrganisationMembership.Role.EDITOR},
    )
    for old in OrganisationToken.objects.active().filter(created_by=user):
        old.revoke()
    token = OrganisationToken(organisation=service.organisation, created_by=user, name=TOKEN_NAME)
    key = token.set_new_key()
    token.save()
    return key


def revoke_tokens() -> None:
    for token in OrganisationToken.objects.active().filter(created_by__username=WRITER_USERNAME):
        token.revoke()


def build(path: Path) -> dict:
    """Write the plan to `path` (kept private: it holds the writer's key) and return it."""
    slugs = list(Service.objects.published().values_list("slug", flat=True)[:50_000])
    service = _writer_service()
    plan = {
        "service_pages": [
            reverse("services:service", kwargs={"slug": slug})
            for slug in random.Random(2026).sample(slugs, k=min(SERVICE_PAGES, len(slugs)))
        ],
        "vocabularies": {
            parameter: sorted(model.objects.values_list("slug", flat=True))
            for parameter, model in VOCABULARIES.items()
        },
        "writer": {"service_id": str(service.pk), "summary": service.summary.removesuffix(CHANGED)},
        "token": writer_token(service),
    }
    path.touch(mode=0o600)
    path.write_text(json.dumps(plan))
    return plan
