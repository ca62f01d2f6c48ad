"""`Authorization: Token <key>` for organisation API tokens.

The request runs as the person who created the token, so django-simple-history records API
changes as their edits, exactly like changes made in the admin.
"""

import datetime

from django.utils import timezone
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from services import faults
from services.models import OrganisationToken
from services.models.tokens import hash_key

# Writing last_used_at on every request would turn each read into a write.
LAST_USED_PRECISION = datetime.timedelta(minutes=5)


class OrganisationTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key: str):
        token = (
            OrganisationToken.objects.active()
            .select_related("created_by", "organisation")
            .filter(key_hash=hash_key(key))
            .first()
        )
        if token is None:
            raise exceptions.AuthenticationFailed("This API token is not valid or was revoked.")
        user = token.created_by
        if not user.is_active:
            raise exceptions.AuthenticationFailed("The person who created this token is inactive.")
        if not user.memberships.filter(organisation_id=token.organisation_id).exists():
            raise exceptions.AuthenticationFailed(
                "The person who created this token is no longer a member of the organisation."
            )
        now = timezone.now()
        if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
            faults.best_effort(
                "recording an API token's last use",
                lambda: OrganisationToken.objects.filter(pk=token.pk).update(last_used_at=now),
            )
        return user, token


class OrganisationTokenScheme(OpenApiAuthenticationExtension):
    target_class = OrganisationTokenAuthentication
    name = "organisationToken"

    def get_security_definition(self, auto_schema):
        return {
            "type": "apiKey",
            "in": "header",
            "name": "Authorization",
            "description": (
                'An organisation API token, sent as "Authorization: Token <key>". Members of an '
                "organisation create tokens in the admin; only writes need one."
            ),
        }
