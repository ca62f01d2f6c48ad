"""`/api/hsds/`: the Open Referral HSDS 3.0 API over the published directory."""

import uuid

from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from services.hsds import serialise
from services.hsds.query import HSDSQueryForm, LinksInOrder, search
from services.hsds.taxonomy import BY_ID, TAXONOMIES, all_terms, taxonomy_to_hsds, term_to_hsds
from services.links import site_url
from services.models import Organisation, Service, ServiceAtLocation
from services.search.filterset import StrictBooleanField

from .caching import ConditionalGetMixin
from .pagination import HSDSPagination
from .throttling import AnonymousReadThrottle

HSDS_SCHEMA = "https://raw.githubusercontent.com/openreferral/specification/3.0/schema/"


def _param(name, description, type_=OpenApiTypes.STR):
    return OpenApiParameter(name, type_, OpenApiParameter.QUERY, description=description)


PAGE_PARAMETERS = [
    _param("page", "Page number, counting from 1.", OpenApiTypes.INT),
    _param("per_page", "Results per page, 1 to 100 (default 20).", OpenApiTypes.INT),
]
FULL = _param(
    "full",
    "true for fully nested records; false (default) for one-to-one fields.",
    OpenApiTypes.BOOL,
)
SERVICE_PARAMETERS = [
    _param("search", "Words to search for (as the search page's q)."),
    *PAGE_PARAMETERS,
    _param(
        "taxonomy_term_id", "Only services with this taxonomy term (see /api/hsds/taxonomy_terms)."
    ),
    _param("taxonomy_id", "Only services with any term of this taxonomy."),
    _param("organization_id", "Only this organization's services."),
    _param(
        "modified_after",
        "Only services changed at or after this ISO 8601 date and time.",
        OpenApiTypes.DATETIME,
    ),
    FULL,
    _param("postcode", "A Scottish postcode: services covering it, or within proximity of it."),
    _param(
        "proximity",
        "With postcode: only services within this many metres of it.",
        OpenApiTypes.NUMBER,
    ),
]
ERRORS = {
    400: OpenApiResponse(
        OpenApiTypes.OBJECT, description="Bad parameters: each name lists its errors."
    ),
    404: OpenApiResponse(OpenApiTypes.OBJECT, description="No record with this id."),
}


def hsds_object(name: str, required: list[str]) -> dict:
    """A schema naming the HSDS object; the official schema has the full detail."""
    return {
        "type": "object",
        "description": f"An HSDS 3.0 {name} object, as defined by {HSDS_SCHEMA}",
        "required": required,
        "properties": {key: {"type": "string"} for key in required if key != "contents"},
        "additionalProperties": True,
    }


def page_of(item: dict) -> dict:
    return HSDSPagination().get_paginated_response_schema({"type": "array", "items": item})


SERVICE_SCHEMA = hsds_object("service", ["id", "name", "status"])
ORGANIZATION_SCHEMA = hsds_object("organization", ["id", "name", "description"])
SAL_SCHEMA = hsds_object("service_at_location", ["id"])
TAXONOMY_SCHEMA = hsds_object("taxonomy", ["id", "name", "description"])
TERM_SCHEMA = hsds_object("taxonomy_term", ["id", "name", "description"])


def _flag(request, name: str) -> bool:
    try:
        return bool(StrictBooleanField(required=False).clean(request.query_params.get(name)))
    except DjangoValidationError as error:
        raise ValidationError({name: error.messages}) from None


def _clean(form_class, request) -> dict:
    form = form_class(request.query_params)
    if not form.is_valid():
        raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
    return form.cleaned_data


class HSDSView(ConditionalGetMixin, generics.GenericAPIView):
    """The Open Referral HSDS 3.0 API (read only, anonymous)."""

    authentication_classes: list = []
    permission_classes: list = []
    throttle_classes = [AnonymousReadThrottle]
    pagination_class = HSDSPagination
    filter_backends: list = []

    def page(self, queryset, to_hsds) -> Response:
        records = self.paginate_queryset(queryset) or []
        return self.get_paginated_response([to_hsds(record) for record in records])


class HSDSRoot(HSDSView):
    """About this API and the HSDS version it implements."""

    @extend_schema(
        operation_id="getAPIMetaInformation",
        summary="About this HSDS API",
        responses={
            200: {
                "type": "object",
                "properties": {
                    "version": {"type": "string"},
                    "profile": {"type": "string"},
                    "openapi_url": {"type": "string"},
                },
            }
        },
    )
    def get(self, request):
        return Response(
            {
                "version": serialise.HSDS_VERSION,
                "profile": "https://docs.openreferral.org/en/3.0/hsds/",
                "openapi_url": site_url(request) + "/api/schema/",
            }
        )


class HSDSServiceList(HSDSView):
    """Published services, as HSDS 3.0 services."""

    @extend_schema(
        operation_id="getPaginatedListOfServices",
        summary="HSDS services",
        parameters=SERVICE_PARAMETERS,
        responses={200: page_of(SERVICE_SCHEMA), **ERRORS},
    )
    def get(self, request):
        full = _flag(request, "full")
        found = search(_clean(HSDSQueryForm, request))
        if full:
            return self.page(found.results(serialise.hsds_queryset), serialise.service_to_hsds)
        return self.page(found.results(), serialise.service_basic_to_hsds)


class HSDSServiceDetail(HSDSView):
    """One published service, fully nested, as an HSDS 3.0 service."""

    @extend_schema(
        operation_id="getFullyNestedServiceById",
        summary="One HSDS service, fully nested",
        responses={200: SERVICE_SCHEMA, **ERRORS},
    )
    def get(self, request, pk):
        queryset = serialise.hsds_queryset(Service.objects.published())
        return Response(serialise.service_to_hsds(self.get_or_404(queryset, pk)))

    @staticmethod
    def get_or_404(queryset, pk):
        record = queryset.filter(pk=pk).first() if _is_uuid(pk) else None
        if record is None:
            raise NotFound("No record has this id.")
        return record


def _is_uuid(value: str) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def _organisations():
    return Organisation.objects.live().order_by("name", "pk")


def _with_services(queryset, full_service: bool):
    services = Service.objects.published().order_by("name", "pk")
    if full_service:
        services = serialise.hsds_queryset(services)
    return queryset.prefetch_related(
        Prefetch("services", queryset=services, to_attr="published_services")
    )


def organisation_with_services(organisation, full_service: bool) -> dict:
    to_hsds = serialise.service_to_hsds if full_service else serialise.service_basic_to_hsds
    data = serialise.organisation_to_hsds(organisation)
    data["services"] = [to_hsds(service) for service in organisation.published_services]
    return data


def organisation_basic(organisation) -> dict:
    return _one_to_one(serialise.organisation_to_hsds(organisation))


FULL_SERVICE = _param("full_service", "true to nest each service in full.", OpenApiTypes.BOOL)


class HSDSOrganizationList(HSDSView):
    """Listed organisations, as HSDS 3.0 organizations."""

    @extend_schema(
        operation_id="getPaginatedListOfOrganizations",
        summary="HSDS organizations",
        parameters=[
            _param("search", "Words in the organization's name."),
            *PAGE_PARAMETERS,
            FULL,
            FULL_SERVICE,
        ],
        responses={200: page_of(ORGANIZATION_SCHEMA), **ERRORS},
    )
    def get(self, request):
        full, full_service = _flag(request, "full"), _flag(request, "full_service")
        queryset = _organisations()
        text = " ".join(request.query_params.get("search", "").split())[:200]
        if text:
            queryset = queryset.filter(name__icontains=text)
        if full or full_service:
            return self.page(
                _with_services(queryset, full_service),
                lambda org: organisation_with_services(org, full_service),
            )
        return self.page(queryset, organisation_basic)


class HSDSOrganizationDetail(HSDSView):
    """One organisation with its published services."""

    @extend_schema(
        operation_id="getOrganizationById",
        summary="One HSDS organization",
        parameters=[FULL_SERVICE],
        responses={200: ORGANIZATION_SCHEMA, **ERRORS},
    )
    def get(self, request, pk):
        full_service = _flag(request, "full_service")
        queryset = _with_services(_organisations(), full_service)
        organisation = HSDSServiceDetail.get_or_404(queryset, pk)
        return Response(organisation_with_services(organisation, full_service))


def _service_at_locations(links):
    return links.select_related("location__council_area", "service").prefetch_related(
        "location__accessibility"
    )


def _one_to_one(data: dict) -> dict:
    return {key: value for key, value in data.items() if not isinstance(value, list)}


def sal_basic(link) -> dict:
    data = serialise.service_at_location_to_hsds(link)
    data["location"] = _one_to_one(data["location"])
    data["service"] = serialise.service_basic_to_hsds(link.service)
    return data


def sal_full(link) -> dict:
    schedules = [
        serialise.schedule_to_hsds(schedule, str(link.id))
        for schedule in sorted(
            (s for s in link.service.schedules.all() if s.location_id == link.location_id),
            key=lambda s: (s.weekday, s.opens_at, s.closes_at, str(s.id)),
        )
    ]
    data = serialise.service_at_location_to_hsds(link, schedules)
    data["service"] = serialise.service_basic_to_hsds(link.service)
    return data


class HSDSServiceAtLocationList(HSDSView):
    """Each published service at each of its locations."""

    @extend_schema(
        operation_id="getPaginatedListOfServiceAtLocation",
        summary="HSDS services at locations",
        parameters=SERVICE_PARAMETERS,
        responses={200: page_of(SAL_SCHEMA), **ERRORS},
    )
    def get(self, request):
        full = _flag(request, "full")
        found = search(_clean(HSDSQueryForm, request))
        if full:
            links = LinksInOrder(
                found.result_ids,
                lambda links: _service_at_locations(links).prefetch_related("service__schedules"),
            )
            return self.page(links, sal_full)
        return self.page(LinksInOrder(found.result_ids, _service_at_locations), sal_basic)


class HSDSServiceAtLocationDetail(HSDSView):
    """One service at one location, with its sessions there."""

    @extend_schema(
        operation_id="getServiceAtLocationWithNestedDataById",
        summary="One HSDS service at a location",
        responses={200: SAL_SCHEMA, **ERRORS},
    )
    def get(self, request, pk):
        links = _service_at_locations(
            ServiceAtLocation.objects.filter(service__in=Service.objects.published())
        )
        link = HSDSServiceDetail.get_or_404(links.prefetch_related("service__schedules"), pk)
        return Response(sal_full(link))


class HSDSTaxonomyList(HSDSView):
    """Our controlled vocabularies, as HSDS taxonomies."""

    @extend_schema(
        operation_id="getPaginatedListOfTaxonomies",
        summary="HSDS taxonomies",
        parameters=[_param("search", "Words in the name."), *PAGE_PARAMETERS],
        responses={200: page_of(TAXONOMY_SCHEMA), **ERRORS},
    )
    def get(self, request):
        text = request.query_params.get("search", "").strip().lower()
        found = [t for t in TAXONOMIES if text in t.name.lower()]
        return self.page(found, taxonomy_to_hsds)


class HSDSTaxonomyDetail(HSDSView):
    """One of our vocabularies, as an HSDS taxonomy."""

    @extend_schema(
        operation_id="getTaxonomyById",
        summary="One HSDS taxonomy",
        responses={200: TAXONOMY_SCHEMA, **ERRORS},
    )
    def get(self, request, pk):
        taxonomy = BY_ID.get(str(pk))
        if taxonomy is None:
            raise NotFound("No taxonomy has this id.")
        return Response(taxonomy_to_hsds(taxonomy))


class HSDSTaxonomyTermList(HSDSView):
    """Every value of our vocabularies, as HSDS taxonomy terms."""

    @extend_schema(
        operation_id="getPaginatedListOfTaxonomyTerms",
        summary="HSDS taxonomy terms",
        parameters=[
            _param("search", "Words in the term's name."),
            *PAGE_PARAMETERS,
            _param("taxonomy_id", "Only terms of this taxonomy."),
            _param(
                "top_only",
                "Accepted for compatibility: every term is top-level.",
                OpenApiTypes.BOOL,
            ),
            _param("parent_id", "Accepted for compatibility: no term has a parent, so none match."),
        ],
        responses={200: page_of(TERM_SCHEMA), **ERRORS},
    )
    def get(self, request):
        _flag(request, "top_only")
        text = request.query_params.get("search", "").strip().lower()
        taxonomy_id = request.query_params.get("taxonomy_id", "")
        terms = [
            term
            for term in all_terms()
            if text in term.name.lower() and taxonomy_id in ("", term.taxonomy.id)
        ]
        if request.query_params.get("parent_id"):
            terms = []
        return self.page(terms, term_to_hsds)


class HSDSTaxonomyTermDetail(HSDSView):
    """One vocabulary value, as an HSDS taxonomy term."""

    @extend_schema(
        operation_id="getTaxonomyTermById",
        summary="One HSDS taxonomy term",
        responses={200: TERM_SCHEMA, **ERRORS},
    )
    def get(self, request, pk):
        for term in all_terms():
            if term.id == str(pk):
                return Response(term_to_hsds(term))
        raise NotFound("No taxonomy term has this id.")
