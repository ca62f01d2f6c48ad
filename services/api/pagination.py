"""Pagination for `/api/v1/` (page, page_size) and the HSDS envelope for `/api/hsds/`."""

import math

from django.db.models import QuerySet
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

MAX_PAGE_SIZE = 100


def positive_int(request, name: str, default: int, maximum: int | None = None) -> int:
    """A whole-number query parameter, or a 400 naming it."""
    raw = request.query_params.get(name)
    if raw in (None, ""):
        return default
    limit = f" between 1 and {maximum}" if maximum else " of 1 or more"
    try:
        value = int(raw)
    except ValueError:
        raise ValidationError({name: [f"Enter a whole number{limit}."]}) from None
    if value < 1 or (maximum and value > maximum):
        raise ValidationError({name: [f"Enter a whole number{limit}."]})
    return value


class DirectoryPagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "Which page of results, counting from 1."
    page_size_query_description = (
        f"How many results per page, from 1 to {MAX_PAGE_SIZE} (20 if not given)."
    )

    def get_page_size(self, request) -> int:
        return positive_int(request, self.page_size_query_param, self.page_size, MAX_PAGE_SIZE)

    def paginate_queryset(self, queryset, request, view=None):
        positive_int(request, self.page_query_param, 1)
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound({"page": ["There is no page with that number."]}) from None


class ServiceSearchPagination(DirectoryPagination):
    """Search results, with the searched place and (on request) facet counts."""

    def get_paginated_response_schema(self, schema: dict) -> dict:
        response = super().get_paginated_response_schema(schema)
        option = {
            "type": "object",
            "properties": {
                "slug": {"type": "string", "description": "The option's value."},
                "name": {"type": "string", "description": "The option's name."},
                "count": {"type": "integer", "description": "Results if it were also chosen."},
                "selected": {"type": "boolean", "description": "Whether it is chosen now."},
            },
        }
        response["properties"]["facets"] = {
            "type": "object",
            "description": "Only with facets=true: for each filter, every option with a count.",
            "additionalProperties": {"type": "array", "items": option},
        }
        response["properties"]["location"] = {
            "type": "object",
            "nullable": True,
            "description": "Where near, lat and lon were understood to be (null if not given). "
            "kind is postcode, district, place, island, area, coordinates, ambiguous (see "
            "choices), not_found or invalid. A place with a latitude and longitude filters and "
            "sorts by distance; an area (council area, health board or partnership) filters "
            "like the area parameter.",
            "properties": {
                "kind": {"type": "string"},
                "label": {"type": "string", "description": "The place in words."},
                "latitude": {"type": "number", "nullable": True},
                "longitude": {"type": "number", "nullable": True},
                "council_area": {"type": "string", "nullable": True, "description": "Slug."},
                "area": {
                    "type": "string",
                    "nullable": True,
                    "description": "For kind area: the slug of the area searched in.",
                },
                "radius_km": {
                    "type": "number",
                    "nullable": True,
                    "description": "For kind island: the radius that covers it, used "
                    "unless radius_km is given.",
                },
                "description": {
                    "type": "string",
                    "description": 'What it was understood as, e.g. "island in Highland".',
                },
                "choices": {
                    "type": "array",
                    "description": "Places with that name: search again with one's value.",
                    "items": {
                        "type": "object",
                        "properties": {
                            "name": {"type": "string"},
                            "council_area": {"type": "string"},
                            "value": {"type": "string"},
                        },
                    },
                },
            },
        }
        return response


class HSDSPagination(PageNumberPagination):
    """The HSDS 3.0 paginated envelope. A page past the end is an empty page, not an error."""

    page_size = 20
    page_size_query_param = "per_page"
    max_page_size = MAX_PAGE_SIZE
    page_query_description = "Page number of paginated result, counting from 1."
    page_size_query_description = f"Number of results in a single page, 1 to {MAX_PAGE_SIZE}."

    def paginate_queryset(self, queryset, request, view=None):
        self.number = positive_int(request, self.page_query_param, 1)
        self.size = positive_int(request, self.page_size_query_param, self.page_size, MAX_PAGE_SIZE)
        self.total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        start = (self.number - 1) * self.size
        return list(queryset[start : start + self.size]) if start < self.total else []

    def get_paginated_response(self, data) -> Response:
        total_pages = max(1, math.ceil(self.total / self.size))
        return Response(
            {
                "total_items": self.total,
                "total_pages": total_pages,
                "page_number": self.number,
                "size": len(data),
                "first_page": self.number == 1,
                "last_page": self.number >= total_pages,
                "empty": len(data) == 0,
                "contents": data,
            }
        )

    def get_paginated_response_schema(self, schema: dict) -> dict:
        return {
            "type": "object",
            "required": [
                "total_items",
                "total_pages",
                "page_number",
                "size",
                "first_page",
                "last_page",
                "empty",
                "contents",
            ],
            "properties": {
                "total_items": {"type": "integer", "description": "How many results in all."},
                "total_pages": {"type": "integer", "description": "How many pages in all."},
                "page_number": {"type": "integer", "description": "The number of this page."},
                "size": {"type": "integer", "description": "How many results on this page."},
                "first_page": {"type": "boolean", "description": "Whether this is page 1."},
                "last_page": {"type": "boolean", "description": "Whether this is the last page."},
                "empty": {"type": "boolean", "description": "Whether this page has no results."},
                "contents": schema,
            },
        }
