"""Who may write: only requests carrying an organisation API token, and only to records of
that token's organisation."""

from rest_framework.permissions import SAFE_METHODS, BasePermission

from services.models import OrganisationToken

WRONG_ORGANISATION = "This token can only change its own organisation's listings."


def token_of(request) -> OrganisationToken | None:
    return request.auth if isinstance(request.auth, OrganisationToken) else None


class ReadOrOrganisationTokenWrite(BasePermission):
    """Anyone may read; writing needs a token, and the record must be its organisation's."""

    message = WRONG_ORGANISATION

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or token_of(request) is not None

    def has_object_permission(self, request, view, obj) -> bool:
        if request.method in SAFE_METHODS:
            return True
        token = token_of(request)
        return token is not None and obj.organisation_id == token.organisation_id


class OrganisationTokenOnly(BasePermission):
    """Every method needs a token; querysets are already limited to its organisation."""

    def has_permission(self, request, view) -> bool:
        return token_of(request) is not None
