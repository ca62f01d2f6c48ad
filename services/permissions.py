"""Who may do what. Per-organisation authorisation is decided here, on the server, and used
by the admin, the API and the staff pages alike."""

from django.conf import settings


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
    return set(user.memberships.filter(role="manager").values_list("organisation_id", flat=True))


def can_edit_organisation(user, organisation_id) -> bool:
    return is_moderator(user) or organisation_id in organisation_ids_for(user)
