"""`/api/v1/`: the directory for anyone to read, and organisation tokens to write."""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, cast

from django.db import transaction
from django.db.models import Max, Prefetch, Q
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.authentication import BaseAuthentication
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.filters import BaseFilterBackend
from rest_framework.generics import GenericAPIView
from rest_framework.pagination import BasePagination
from rest_framework.response import Response
from rest_framework.throttling import BaseThrottle
from rest_framework.views import APIView

from services.hsds.taxonomy import BY_KEY as TAXONOMIES
from services.models import (
    VOCABULARIES,
    WEEKDAY_SLUGS,
    Area,
    Location,
    Organisation,
    Schedule,
    Service,
    Weekday,
)
from services.querysets import located_at
from services.search.filterset import Sort
from services.vocabulary_loader import VOCABULARY_RELATIONS

from .authentication import OrganisationTokenAuthentication

if TYPE_CHECKING:
    from rest_framework.generics import BaseFilterProtocol  # only in the stubs
from .caching import ConditionalGetMixin
from .pagination import DirectoryPagination, ServiceSearchPagination
from .params import SERVICE_LIST_PARAMETERS, facet_data, location_data, service_search
from .permissions import OrganisationTokenOnly, ReadOrOrganisationTokenWrite, token_of
from .serializers import (
    AreaSerializer,
    OrganisationDetailSerializer,
    OrganisationSerializer,
    ServiceDetailSerializer,
    ServiceListSerializer,
    VocabularySerializer,
)
from .throttling import AnonymousReadThrottle, TokenThrottle
from .versions import IfMatchMixin
from .write_serializers import (
    LocationWriteSerializer,
    ScheduleWriteSerializer,
    ServiceWriteSerializer,
)

ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="Bad parameters: each name lists its errors."
    ),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No such record, or no such page."),
}
WRITE_ERRORS = {
    **ERRORS,
    401: OpenApiResponse(OpenApiTypes.OBJECT, description="No valid organisation token."),
    403: OpenApiResponse(OpenApiTypes.OBJECT, description="Another organisation's record."),
}
CONDITIONAL_WRITE_ERRORS = {
    **WRITE_ERRORS,
    412: OpenApiResponse(
        OpenApiTypes.OBJECT,
        description="If-Match did not match: the record changed since it was read. The body "
        "gives the current `etag`; nothing was changed.",
    ),
}
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=False,
    description="The record's ETag from your GET. If it has changed since, the answer is "
    "412 and nothing is written. Optional: without it, the write applies to the record as "
    "it is now.",
)


class DirectoryAPIView(ConditionalGetMixin):
    # Typed as DRF's own views declare them, so that the views mixing this in agree.
    authentication_classes: Sequence[type[BaseAuthentication]] = [OrganisationTokenAuthentication]
    throttle_classes: Sequence[type[BaseThrottle]] = [AnonymousReadThrottle, TokenThrottle]
    pagination_class: type[BasePagination] | None = DirectoryPagination
    filter_backends: "Sequence[type[BaseFilterBackend | BaseFilterProtocol[Any]]]" = []
    last_modified = None

    def get_last_modified(self, response):
        return self.last_modified

    def get_serializer_context(self) -> dict:
        view = cast(GenericAPIView, super())  # mixed into DRF views (their request, context)
        token = token_of(cast(GenericAPIView, self).request)
        context = view.get_serializer_context()
        return {**context, "organisation": token and token.organisation}

    def newest(self, records) -> None:
        self.last_modified = max((record.updated_at for record in records), default=None)


@csrf_exempt
def not_found(request, *args, **kwargs) -> JsonResponse:
    return JsonResponse({"detail": "There is nothing at this address."}, status=404)


def service_list_queryset(queryset):
    """What a search result in the API shows (ServiceListSerializer), in 4 queries whatever
    the page size; its vocabularies come from the search index."""
    return queryset.select_related("organisation").prefetch_related(
        "areas",
        located_at(),
        Prefetch("schedules", queryset=Schedule.objects.order_by("weekday", "opens_at")),
    )


def service_detail_queryset():
    return Service.objects.with_listing_data().prefetch_related(
        "service_locations__location__accessibility"
    )


@extend_schema_view(
    list=extend_schema(
        summary="Search services",
        description="The search page's search, with the same parameters and results.",
        parameters=SERVICE_LIST_PARAMETERS,
        responses={200: ServiceListSerializer(many=True), **ERRORS},
    ),
    retrieve=extend_schema(
        summary="One service's full record", responses={200: ServiceDetailSerializer, **ERRORS}
    ),
    create=extend_schema(
        summary="Add a service (organisation token)",
        responses={201: ServiceDetailSerializer, **WRITE_ERRORS},
    ),
    partial_update=extend_schema(
        summary="Change a service (organisation token)",
        parameters=[IF_MATCH],
        responses={200: ServiceDetailSerializer, **CONDITIONAL_WRITE_ERRORS},
    ),
)
class ServiceViewSet(
    IfMatchMixin,
    DirectoryAPIView,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Services in the directory. Anyone can search and read them; an organisation token
    can add its organisation's services, change them and archive them."""

    http_method_names = ["get", "post", "patch", "head", "options"]
    permission_classes = [ReadOrOrganisationTokenWrite]
    pagination_class = ServiceSearchPagination

    def get_queryset(self):
        visible = Q(status=Service.Status.ACTIVE, organisation__is_active=True)
        token = token_of(self.request)
        if token is not None:
            visible |= Q(organisation_id=token.organisation_id)
        return service_detail_queryset().filter(visible)

    def get_serializer_class(self):
        if self.action in ("create", "partial_update", "update"):
            return ServiceWriteSerializer
        return ServiceDetailSerializer

    def list(self, request, *args, **kwargs):
        filterset, with_facets = service_search(request.query_params)
        page = self.paginate_queryset(
            filterset.results(service_list_queryset, VOCABULARY_RELATIONS)
        )
        self.newest(page)
        response = self.get_paginated_response(ServiceListSerializer(page, many=True).data)
        response.data["location"] = location_data(filterset)
        if with_facets:
            response.data["facets"] = facet_data(filterset)
        return response

    def retrieve(self, request, *args, **kwargs):
        service = self.get_object()
        self.last_modified = service.updated_at
        return Response(self.representation(service))

    def representation(self, instance) -> dict:
        return ServiceDetailSerializer(instance).data

    @extend_schema(
        summary="Archive a service (organisation token)",
        description="Marks it closed for good (status defunct): it leaves the directory.",
        request=None,
        parameters=[IF_MATCH],
        responses={200: ServiceDetailSerializer, **CONDITIONAL_WRITE_ERRORS},
    )
    @action(detail=True, methods=["post"])
    def archive(self, request, pk=None):
        from .actions import archive_service

        with transaction.atomic():
            archive_service(service=self.locked_object())
        return self._with_new_etag(Response(ServiceDetailSerializer(self.get_object()).data))


@extend_schema_view(
    list=extend_schema(
        summary="Organisations", responses={200: OrganisationSerializer(many=True), **ERRORS}
    ),
    retrieve=extend_schema(
        summary="One organisation, with its services",
        responses={200: OrganisationDetailSerializer, **ERRORS},
    ),
)
class OrganisationViewSet(DirectoryAPIView, viewsets.ReadOnlyModelViewSet):
    """Organisations listed in the directory."""

    def get_queryset(self):
        queryset = Organisation.objects.live().order_by("name", "pk")
        if self.action == "retrieve":
            published = Service.objects.published().order_by("name")
            queryset = queryset.prefetch_related(
                Prefetch("services", queryset=published, to_attr="published_services")
            )
        return queryset

    def get_serializer_class(self):
        return OrganisationDetailSerializer if self.action == "retrieve" else OrganisationSerializer

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        self.last_modified = self.get_queryset().aggregate(Max("updated_at"))["updated_at__max"]
        return response


@extend_schema(
    summary="Council areas, health boards and health and social care partnerships",
    parameters=[
        OpenApiParameter(
            "kind",
            OpenApiTypes.STR,
            OpenApiParameter.QUERY,
            description="Only areas of this kind.",
            enum=Area.Kind.values,
        )
    ],
    responses={200: AreaSerializer(many=True), **ERRORS},
)
class AreaList(DirectoryAPIView, APIView):
    """Scotland's 32 council areas, 14 health boards and 31 health and social care
    partnerships: the values of the area parameter."""

    pagination_class = None

    def get(self, request):
        kind = request.query_params.get("kind")
        if kind is not None and kind not in Area.Kind.values:
            raise ValidationError({"kind": [f"Enter one of: {', '.join(Area.Kind.values)}."]})
        every = list(Area.objects.select_related("health_board", "partnership"))
        for area in every:
            area.covered_council_areas = [
                council.slug
                for council in every
                if area.pk in (council.health_board_id, council.partnership_id)
            ]
        areas = [area for area in every if kind in (None, area.kind)]
        return Response(AreaSerializer(areas, many=True).data)


def _choices(parameter: str, name: str, description: str, choices) -> dict:
    terms = [{"slug": slug, "name": label, "description": ""} for slug, label in choices]
    return {"parameter": parameter, "name": name, "description": description, "terms": terms}


@extend_schema(
    summary="Every controlled vocabulary",
    description="Slugs, names and descriptions of every value a search parameter accepts.",
    responses={200: VocabularySerializer(many=True)},
)
class VocabularyList(DirectoryAPIView, APIView):
    """Every controlled vocabulary, so clients can build filters."""

    pagination_class = None

    def get(self, request):
        data = [
            {
                "parameter": model.parameter,
                "name": TAXONOMIES[model.parameter].name,
                "description": TAXONOMIES[model.parameter].description,
                "terms": list(model.objects.in_order().values("slug", "name", "description")),
            }
            for model in VOCABULARIES
        ]
        days = [(slug, Weekday(number).label) for number, slug in enumerate(WEEKDAY_SLUGS)]
        data += [
            _choices("day", "Days of the week", "Days a session runs on.", days),
            _choices("sort", "Sort orders", "How results are ordered.", Sort.choices),
            _choices(
                "intake", "Taking new people?", "A service's intake status.", Service.Intake.choices
            ),
            _choices("cost", "Cost", "What a service costs.", Service.Cost.choices),
            _choices(
                "frequency",
                "Session frequency",
                "How often a session runs.",
                Schedule.Frequency.choices,
            ),
        ]
        return Response(VocabularySerializer(data, many=True).data)


class OwnRecordsViewSet(
    IfMatchMixin,
    DirectoryAPIView,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Your organisation's own records (organisation token needed for every method)."""

    http_method_names = ["get", "post", "patch", "delete", "head", "options"]
    permission_classes = [OrganisationTokenOnly]


def own_records_schema(serializer, one: str, many: str, removed: str):
    """The OpenAPI descriptions of an OwnRecordsViewSet's five operations."""
    return extend_schema_view(
        list=extend_schema(
            summary=f"Your organisation's {many} (organisation token)",
            responses={200: serializer(many=True), **WRITE_ERRORS},
        ),
        retrieve=extend_schema(
            summary=f"One of your {many}", responses={200: serializer, **WRITE_ERRORS}
        ),
        create=extend_schema(summary=f"Add a {one}", responses={201: serializer, **WRITE_ERRORS}),
        partial_update=extend_schema(
            summary=f"Change a {one}",
            parameters=[IF_MATCH],
            responses={200: serializer, **CONDITIONAL_WRITE_ERRORS},
        ),
        destroy=extend_schema(
            summary=removed,
            parameters=[IF_MATCH],
            responses={204: None, **CONDITIONAL_WRITE_ERRORS},
        ),
    )


@own_records_schema(
    LocationWriteSerializer,
    "location",
    "locations",
    "Remove a location (its sessions become online/phone)",
)
class LocationViewSet(OwnRecordsViewSet):
    """Your organisation's buildings (organisation token needed)."""

    serializer_class = LocationWriteSerializer
    queryset = Location.objects.none()  # For the schema; get_queryset() is what runs.

    def get_queryset(self):
        organisation_id = token_of(self.request).organisation_id
        return (
            Location.objects.filter(organisation=organisation_id)
            .select_related("council_area")
            .prefetch_related("accessibility")
            .order_by("name", "pk")
        )


@own_records_schema(ScheduleWriteSerializer, "session", "sessions", "Remove a session")
class ScheduleViewSet(OwnRecordsViewSet):
    """Your organisation's regular sessions (organisation token needed)."""

    serializer_class = ScheduleWriteSerializer
    queryset = Schedule.objects.none()  # For the schema; get_queryset() is what runs.

    def get_queryset(self):
        organisation_id = token_of(self.request).organisation_id
        return Schedule.objects.filter(service__organisation=organisation_id).order_by(
            "service__name", "weekday", "opens_at", "pk"
        )
