"""Who may do what. Per-organisation authorisation is decided here, on the server, and used
by the admin, the API and the staff pages alike."""

import functools
import uuid
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.db.models import QuerySet

T = TypeVar("T")


def _remembered(anonymous: Callable[[], T]) -> Callable[[Callable[[Any], T]], Callable[[Any], T]]:
    """A question about a signed-in user, asked of the database once per request: the answer
    is kept on the user object, which lives as long as the request. Anonymous users get
    `anonymous()` without a query."""

    def decorate(question: Callable[[Any], T]) -> Callable[[Any], T]:
        attribute = f"_{question.__name__}_cache"

        @functools.wraps(question)
        def answer(user) -> T:
            if not getattr(user, "is_authenticated", False):
                return anonymous()
            cached = getattr(user, attribute, None)
            if cached is None:
                cached = question(user)
                setattr(user, attribute, cached)
            return cached

        return answer

    return decorate


@_remembered(anonymous=bool)
def is_moderator(user) -> bool:
    return user.is_superuser or user.groups.filter(name=settings.MODERATORS_GROUP).exists()


@_remembered(anonymous=bool)
def is_link_worker(user) -> bool:
    """A member of the "Link workers" group (they shortlist and make referrals)."""
    return user.groups.filter(name=settings.LINK_WORKERS_GROUP).exists()


@_remembered(anonymous=set[uuid.UUID])
def organisation_ids_for(user) -> set[uuid.UUID]:
    """Ids of the organisations a member belongs to (empty for anonymous users)."""
    return set(user.memberships.values_list("organisation_id", flat=True))


@_remembered(anonymous=set[uuid.UUID])
def managed_organisation_ids(user) -> set[uuid.UUID]:
    """Organisations where the user is a manager (can add and remove editors)."""
    memberships = user.memberships.filter(role="manager")
    return set(memberships.values_list("organisation_id", flat=True))


def is_member(user) -> bool:
    """A member of at least one organisation."""
    return bool(organisation_ids_for(user))


def edits_listings(user) -> bool:
    """A moderator or a member of an organisation: someone the admin and the dashboard are
    for."""
    return is_moderator(user) or is_member(user)


def can_edit_organisation(user, organisation_id) -> bool:
    return is_moderator(user) or organisation_id in organisation_ids_for(user)


def scope_to_member(queryset: QuerySet, user, lookup: str = "organisation") -> QuerySet:
    """The rows of `queryset` belonging to organisations the user may see and edit: all of
    them for moderators, their own organisations' for members, none for anyone else.
    `lookup` leads from the queryset's model to its organisation ("pk" for organisations)."""
    if is_moderator(user):
        return queryset
    return queryset.filter(**{f"{lookup}__in": organisation_ids_for(user)})


def scope_to_manager(queryset: QuerySet, user, lookup: str = "organisation") -> QuerySet:
    """Like `scope_to_member`, for the organisations where the user is a manager."""
    if is_moderator(user):
        return queryset
    return queryset.filter(**{f"{lookup}__in": managed_organisation_ids(user)})


def visible_organisations(user) -> QuerySet:
    """The organisations the user may see and edit (every one, for moderators)."""
    from services.models import Organisation

    return scope_to_member(Organisation.objects.all(), user, "pk")


def managed_organisations(user) -> QuerySet:
    """The organisations whose members the user may invite and remove."""
    from services.models import Organisation

    return scope_to_manager(Organisation.objects.all(), user, "pk")
