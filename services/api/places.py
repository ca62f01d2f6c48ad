"""`GET /api/v1/places/?q=`: place suggestions while someone types in a "near" box (the
search box's autocomplete uses it). Answers are the same for everyone, so they are kept in
the shared cache for API_CACHE_MAX_AGE seconds under the normalised text, and sent with the
API's usual Cache-Control and ETag. Rate limited like the rest of the API. What is typed is
never logged."""

import hashlib

from django.conf import settings
from django.core.cache import cache
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from services.geo.placenames import normalise_name
from services.geo.suggest import MAX_RESULTS, MIN_LENGTH, suggest

from .views import ERRORS, DirectoryAPIView

MAX_LENGTH = 100
CACHE_VERSION = 1
TOO_SHORT = f"Type at least {MIN_LENGTH} letters or numbers of a place or postcode."
TOO_LONG = f"Type at most {MAX_LENGTH} characters."


class PlaceQuerySerializer(serializers.Serializer):
    q = serializers.CharField(
        max_length=MAX_LENGTH,
        error_messages={"required": TOO_SHORT, "blank": TOO_SHORT, "max_length": TOO_LONG},
    )

    def validate_q(self, value: str) -> str:
        typed = normalise_name(value)
        if len(typed.replace(" ", "")) < MIN_LENGTH:
            raise serializers.ValidationError(TOO_SHORT)
        return typed


class SuggestionSerializer(serializers.Serializer):
    name = serializers.CharField(help_text="What to show: 'Kirkcaldy'.")
    kind = serializers.ChoiceField(
        choices=["place", "island", "council-area", "health-board", "hscp", "district", "other"],
        help_text="place (town or village), island (or island group), council-area, "
        "health-board, hscp (health and social care partnership), district (postcode "
        "district) or other (a well-known other name, such as 'Glesga').",
    )
    description = serializers.CharField(
        help_text="Where or what it is: the council area of a town, 'island in Highland', "
        "'council area', 'postcode district, Paisley'."
    )
    value = serializers.CharField(
        help_text="What to search for: pass it as `near` to /search/ or /api/v1/services/."
    )


def cached_suggestions(typed: str) -> list[dict]:
    """Suggestions for normalised text, from the shared cache when another request (in any
    process) has just asked for the same."""
    digest = hashlib.sha256(typed.encode()).hexdigest()[:32]
    key = f"places:suggest:{CACHE_VERSION}:{digest}"
    found = cache.get(key)
    if found is None:
        found = [vars(suggestion) for suggestion in suggest(typed)]
        cache.set(key, found, settings.API_CACHE_MAX_AGE)
    return found


@extend_schema(
    summary="Suggest places while typing",
    description=(
        f"Up to {MAX_RESULTS} towns and villages, islands, council areas, health boards, "
        "health and social care partnerships and postcode districts whose name (or a word "
        "of it) starts with the text, best first: whole-name matches, then names starting "
        "with the text, then by population, then kind. Each `value` is what to search for."
    ),
    parameters=[
        OpenApiParameter(
            "q",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            required=True,
            description=f"What has been typed so far: {MIN_LENGTH} to {MAX_LENGTH} characters.",
        )
    ],
    responses={
        200: inline_serializer("PlaceSuggestions", {"results": SuggestionSerializer(many=True)}),
        400: ERRORS[400],
    },
)
class PlaceSuggestionList(DirectoryAPIView, APIView):
    """Place suggestions for a search box."""

    pagination_class = None

    def get(self, request):
        query = PlaceQuerySerializer(data=request.query_params)
        if not query.is_valid():
            raise ValidationError(query.errors)
        return Response({"results": cached_suggestions(query.validated_data["q"])})
