"""Who may do what. Per-organisation authorisation is decided here, on the server, and used
by the admin, the API and the staff pages alike."""

from django.conf import settings
from django.db.models import QuerySet


def is_moderator(user) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.is_superuser:
        return True
    cache = getattr(user, "_is_moderator_cache", None)
    if cache is None:
        cache = user.groups.filter(name=settings.MODERATORS_GROUP).exists()
        user._is_moderator_cache = cache
    return cache


def is_link_worker(user) -> bool:
    """A member of the "Link workers" group (they shortlist and make referrals)."""
    if not getattr(user, "is_authenticated", False):
        return False
    cache = getattr(user, "_is_link_worker_cache", None)
    if cache is None:
        cache = user.groups.filter(name=settings.LINK_WORKERS_GROUP).exists()
        user._is_link_worker_cache = cache
    return cache


def organisation_ids_for(user) -> set:
    """Ids of the organisations a member belongs to (empty for anonymous users)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = getattr(user, "_organisation_ids_cache", None)
    if cache is None:
        cache = set(user.memberships.values_list("organisation_id", flat=True))
        user._organisation_ids_cache = cache
    return cache


def managed_organisation_ids(user) -> set:
    """Organisations where the user is a manager (can add and remove editors)."""
    if not getattr(user, "is_authenticated", False):
        return set()
    cache = getattr(user, "_managed_organisation_ids_cache", None)
    if cache is None:
        memberships = user.memberships.filter(role="manager")
        cache = set(memberships.values_list("organisation_id", flat=True))
        user._managed_organisation_ids_cache = cache
    return cache


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
