from functools import wraps

from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest

from services.permissions import is_link_worker, organisation_ids_for


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind `login_required` or `link_worker_required` gets (for type
    checking: its user is signed in, never AnonymousUser)."""

    user: User


def link_worker_required(view):
    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_link_worker(request.user):
            raise PermissionDenied("Only link workers can make referrals.")
        return view(request, *args, **kwargs)

    return wrapper


def receives(user, referral) -> bool:
    """Whether the user is a member of the organisation the referral was sent to."""
    return referral.service.organisation_id in organisation_ids_for(user)
