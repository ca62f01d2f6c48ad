"""Writes the demo plan to the database: only rows that are missing, in bulk.

Re-running changes nothing, because every demo row has a fixed primary key and existing rows
are left exactly as they are (so a review date or an edit made in the admin survives).
bulk_create skips django-simple-history, so demo rows start without history; edits made
later in the admin are recorded as usual."""

import uuid
from dataclasses import dataclass, field
from typing import TypeVar, cast

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from services.geo.places import load_places
from services.models import (
    Area,
    CourseRun,
    Location,
    Organisation,
    Schedule,
    Service,
    ServiceAtLocation,
)

from .accounts import DEMO_USERS, ensure_demo_users, ensure_memberships, sign_in_lines
from .plan import AreaInfo, DemoDataError, DemoPlan, build_plan

CHUNK = 500
M = TypeVar("M", bound=models.Model)


@dataclass
class SeedResult:
    skipped: bool = False
    created: dict[str, int] = field(default_factory=dict)
    member_organisation: str = ""

    def lines(self) -> list[str]:
        if self.skipped:
            return ["Organisations already exist, so no demo data was added."]
        added = [f"{count} {name}" for name, count in self.created.items() if count]
        if added:
            lines = ["Added demo data: " + ", ".join(added) + "."]
        else:
            lines = ["The demo data is already there: nothing was added or changed."]
        lines.append("Demo sign-ins (local demonstrations only):")
        lines += sign_in_lines(self.member_organisation)
        if self.created.get("users", 0) < len(DEMO_USERS):
            lines.append("Sign-ins that already existed keep whatever password they now have.")
        return lines


def seed_demo(*, if_empty: bool = False) -> SeedResult:
    if not (settings.DEBUG or settings.DEMO_MODE):
        raise DemoDataError(
            "The demo data includes accounts with published passwords, so seed_demo only runs "
            "with DEBUG=true or DEMO_MODE=true."
        )
    if if_empty and Organisation.objects.exists():
        return SeedResult(skipped=True)
    with transaction.atomic():
        users, users_created = ensure_demo_users()
        plan = build_plan(
            places=load_places(),
            areas=_council_areas(),
            now=timezone.now(),
            checked_by_id=users["moderator"].pk,
        )
        _refuse_slug_clashes(plan)
        created = {"users": users_created, **_write(plan)}
        member_organisation = plan.member_organisation
        assert member_organisation is not None, "the plan has a member organisation"
        created["memberships"] = ensure_memberships(users, member_organisation)
    return SeedResult(created=created, member_organisation=member_organisation.name)


def _council_areas() -> dict[str, AreaInfo]:
    areas = Area.objects.council_areas().select_related("health_board")
    found = {
        area.slug: AreaInfo(id=area.pk, name=area.name, health_board=area.health_board.slug)
        for area in areas
    }
    if len(found) != 32:
        raise DemoDataError(f"Expected Scotland's 32 council areas, found {len(found)}.")
    return found


def _refuse_slug_clashes(plan: DemoPlan) -> None:
    for model, rows in ((Organisation, plan.organisations), (Service, plan.services)):
        clashes = model.objects.filter(slug__in=[row.slug for row in rows]).exclude(
            pk__in=[row.pk for row in rows]
        )
        clash = clashes.values_list("slug", flat=True).first()
        if clash:
            raise DemoDataError(
                f"Cannot add the demo data: the web address {clash!r} is already used by a "
                f"{model._meta.verbose_name} that is not part of the demo."
            )


def _write(plan: DemoPlan) -> dict[str, int]:
    created = {
        "organisations": _create_missing(Organisation, plan.organisations),
        "locations": _create_missing(Location, plan.locations),
        "services": _create_missing(Service, plan.services),
        "service locations": _create_missing(ServiceAtLocation, plan.service_locations),
        "course runs": _create_missing(CourseRun, plan.course_runs),
        "schedules": _create_missing(Schedule, plan.schedules),
    }
    links = _create_missing_links(Location.accessibility.field, plan.location_features)
    for name, pairs in plan.service_links.items():
        links += _create_missing_links(
            cast(models.ManyToManyField, Service._meta.get_field(name)), pairs
        )
    created["tags and areas"] = links
    return created


def _existing_ids(model: type[models.Model], ids: list) -> set:
    found: set = set()
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        found.update(model._default_manager.filter(pk__in=chunk).values_list("pk", flat=True))
    return found


def _create_missing(model: type[M], rows: list[M]) -> int:
    existing = _existing_ids(model, [row.pk for row in rows])
    missing = [row for row in rows if row.pk not in existing]
    model._default_manager.bulk_create(missing, batch_size=CHUNK)
    return len(missing)


def _create_missing_links(m2m: models.ManyToManyField, pairs: list[tuple[uuid.UUID, str]]) -> int:
    """Adds the (owner id, related slug) rows of a many-to-many field that are not there."""
    # django-stubs types it as optional: a many-to-many field of a model always has one.
    through = cast(type[models.Model], m2m.remote_field.through)
    owner, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    ids_by_slug = dict(m2m.related_model._default_manager.values_list("slug", "pk"))
    unknown = sorted({slug for _, slug in pairs} - set(ids_by_slug))
    if unknown:
        raise DemoDataError(f"Unknown {m2m.name} in the demo data: {', '.join(unknown)}.")
    owners = sorted({owner_id for owner_id, _ in pairs})
    existing: set = set()
    for start in range(0, len(owners), CHUNK):
        existing.update(
            through._default_manager.filter(
                **{f"{owner}__in": owners[start : start + CHUNK]}
            ).values_list(owner, target)
        )
    wanted = {(owner_id, ids_by_slug[slug]) for owner_id, slug in pairs}
    missing = sorted(wanted - existing, key=str)
    through._default_manager.bulk_create(
        [through(**{owner: a, target: b}) for a, b in missing], batch_size=CHUNK
    )
    return len(missing)
