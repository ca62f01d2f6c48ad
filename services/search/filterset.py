"""The one search definition, shared by the search page and the REST API.

    filterset = ServiceFilterSet(request.GET)
    filterset.is_valid()          # False: filterset.errors (field -> messages)
    filterset.location            # geo.LocationResult for near/lat/lon, or None
                                  # (an area named in `near` filters like `area`)
    filterset.is_grouped          # True when searching near a point that was found
    filterset.results(prepare)    # every result, in order, for a paginator
    filterset.totals()            # (results, results in the national/online group)
    filterset.facets()            # {parameter: [FacetOption(slug, name, count, selected)]}

Results come from the in-memory index (`services.search.index`); the filters it does not
hold (area, accessibility, day, open now) run in SQL, in one query, and narrow it.

Values within one parameter are OR'ed (type=a&type=b: either); parameters are AND'ed.
When grouped, the results list the local group first; otherwise it is one list. Listings overdue
for review come after fresher ones in every order. A `near` that cannot be found is not a
form error: no location filter is applied and `location` says why (not found with
suggestions, or ambiguous with choices).
"""

import copy
import datetime
from collections.abc import Iterable, Iterator
from functools import cached_property
from typing import overload

import django_filters
from django import forms
from django.db import models
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django_filters.constants import EMPTY_VALUES

from services.geo.resolve import LocationResult, resolve_location
from services.models import (
    WEEKDAY_SLUGS,
    AccessibilityFeature,
    AccessRoute,
    Area,
    Audience,
    DeliveryMode,
    Language,
    LivedExperienceInvolvement,
    Service,
    ServiceType,
    Weekday,
)
from services.models.listings import stale_cutoff
from services.search import index as search_index
from services.search import keyword, live
from services.search import sql as search
from services.vocabulary_loader import registry

DEFAULT_RADIUS_KM = 10
MIN_RADIUS_KM, MAX_RADIUS_KM = 1, 200
RADIUS_MESSAGE = f"Enter a number between {MIN_RADIUS_KM} and {MAX_RADIUS_KM}."
# Parameter -> (relation on Service, vocabulary) for the multi-valued vocabulary filters.
VOCABULARY_PARAMETERS = {
    "type": ("types", ServiceType),
    "access_route": ("access_routes", AccessRoute),
    "lived_experience": ("lived_experience", LivedExperienceInvolvement),
    "audience": ("audiences", Audience),
    "delivery": ("delivery_modes", DeliveryMode),
    "language": ("languages", Language),
}
# Facets are counted for these (definition: the number of results if the option were also
# selected, i.e. added to the parameter's current values).
FACET_PARAMETERS = ("type", "access_route", "lived_experience", "delivery", "audience")
# Filters the in-memory index does not hold: they run in SQL (services.search.index).
SQL_PARAMETERS = ("area", "accessibility", "day", "open_now")


class Sort(models.TextChoices):
    DISTANCE = "distance", "Distance"
    NAME = "name", "Name"
    RECENTLY_CHECKED = "recently_checked", "Most recently checked"
    RELEVANCE = "relevance", "Best match"


class StrictBooleanField(forms.Field):
    """true/false (also 1/0, on/off, yes/no). Anything else is an error, not ignored."""

    TRUE, FALSE = {"true", "1", "on", "yes"}, {"false", "0", "off", "no"}

    def to_python(self, value) -> bool | None:
        if isinstance(value, bool):
            return value
        text = str(value if value is not None else "").strip().lower()
        if not text:
            return None
        if text in self.TRUE | self.FALSE:
            return text in self.TRUE
        raise forms.ValidationError("Enter true or false.", code="invalid")


class UTCDateTimeField(forms.DateTimeField):
    """A date and time, converted to UTC. ISO 8601 allows offsets PostgreSQL refuses
    (`+16:43`); in UTC every valid value can be compared with stored times."""

    def to_python(self, value):
        result = super().to_python(value)
        if result is None or result.tzinfo is None:
            return result
        try:
            return result.astimezone(datetime.UTC)
        except OverflowError:  # the first or last moments datetime can hold, moved past
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None


class BooleanFilter(django_filters.Filter):
    field_class = StrictBooleanField


class FloatFilter(django_filters.Filter):
    field_class = forms.FloatField


class IntegerFilter(django_filters.Filter):
    field_class = forms.IntegerField


def _range_messages(message: str) -> dict[str, str]:
    return {"invalid": message, "min_value": message, "max_value": message}


class CachedTermsField(django_filters.fields.ModelMultipleChoiceField):
    """Checks slugs against the cached vocabulary registry rather than with a query per
    parameter; cleans to the matching terms (or areas) in display order."""

    def __init__(self, *args, parameter: str, **kwargs):
        self.parameter = parameter
        super().__init__(*args, **kwargs)

    def _check_values(self, value):
        known = registry().areas if self.parameter == "area" else registry().terms[self.parameter]
        try:
            wanted = frozenset(value)
        except TypeError:
            raise forms.ValidationError(
                self.error_messages["invalid_list"], code="invalid_list"
            ) from None
        for slug in sorted(wanted - known.keys()):
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": slug}
            )
        return [term for slug, term in known.items() if slug in wanted]

    def clean(self, value):
        # Not given: no choice, without the `queryset.none()` Django's field builds for it.
        if not self.required and not value:
            return []
        return super().clean(value)

    def __deepcopy__(self, memo):
        # Each search's form copies its fields; Django's version also clones the queryset,
        # which this field never runs (slugs are checked against the registry).
        return forms.Field.__deepcopy__(self, memo)


class CachedTermsFilter(django_filters.ModelMultipleChoiceFilter):
    field_class = CachedTermsField


def _vocabulary_filter(parameter: str, label: str) -> django_filters.Filter:
    relation, model = VOCABULARY_PARAMETERS[parameter]
    return CachedTermsFilter(
        field_name=relation,
        queryset=model.objects.in_order(),
        to_field_name="slug",
        method="filter_nothing",
        label=label,
        parameter=parameter,
    )


def _as_multivalue(data) -> MultiValueDict:
    """A query string's parameters. No data means no filters, as an empty query string
    does; a plain dict's list values are repeated parameters."""
    if isinstance(data, MultiValueDict):
        return data
    return MultiValueDict(
        {
            key: list(value) if isinstance(value, list | tuple) else [value]
            for key, value in (data or {}).items()
        }
    )


def _is_empty(value) -> bool:
    """A parameter that filters nothing: not given, blank, or an empty choice."""
    if isinstance(value, QuerySet):
        return value.query.is_empty()  # an empty multiple choice cleans to `.none()`
    return value in EMPTY_VALUES


class _ShallowCopies(dict):
    """A FilterSet's declared filters. django-filter deep-copies them for every search; a
    filter's only per-search state is its `model` and `parent`, set right after the copy,
    and deep-copying the querysets each holds took a tenth of a search's time."""

    def __deepcopy__(self, memo) -> dict:
        copies = {}
        for name, declared in self.items():
            copied = copy.copy(declared)
            copied.extra = dict(declared.extra)
            if declared.method is not None:  # its FilterMethod is bound to the filter
                copied.method = declared.method
            copies[name] = copied
        return copies


class _FilterSetMetaclass(django_filters.filterset.FilterSetMetaclass):
    def __new__(mcs, name, bases, attrs):
        new_class = super().__new__(mcs, name, bases, attrs)
        new_class.base_filters = _ShallowCopies(new_class.base_filters)
        return new_class


_FORM_CLASSES: dict[type, type] = {}


class _SharedFields(dict):
    """A search form's fields. Django deep-copies a form's fields for every form, so that
    one form can change its own; search forms never do, and the copies (and their widgets),
    tied into the form's reference cycles, were most of what a search left for the cycle
    collector. Every search form shares them (read-only, so safe across threads)."""

    def __deepcopy__(self, memo) -> dict:
        return dict(self)


class ServiceFilterForm(forms.Form):
    def clean(self):
        cleaned = super().clean()
        has_lat, has_lon = cleaned.get("lat") is not None, cleaned.get("lon") is not None
        if has_lat and not has_lon and "lon" not in self.errors:
            self.add_error("lon", "Enter a longitude as well as a latitude.")
        if has_lon and not has_lat and "lat" not in self.errors:
            self.add_error("lat", "Enter a latitude as well as a longitude.")
        return cleaned


class ServiceFilterSet(django_filters.FilterSet, metaclass=_FilterSetMetaclass):
    q = django_filters.CharFilter(method="filter_nothing", max_length=200, label="Search for")
    near = django_filters.CharFilter(method="filter_nothing", max_length=100, label="Near")
    lat = FloatFilter(
        method="filter_nothing",
        min_value=-90,
        max_value=90,
        error_messages=_range_messages("Enter a latitude between -90 and 90."),
    )
    lon = FloatFilter(
        method="filter_nothing",
        min_value=-180,
        max_value=180,
        error_messages=_range_messages("Enter a longitude between -180 and 180."),
    )
    radius_km = FloatFilter(
        method="filter_nothing",
        min_value=MIN_RADIUS_KM,
        max_value=MAX_RADIUS_KM,
        error_messages=_range_messages(RADIUS_MESSAGE),
        label="Distance in kilometres",
    )
    type = _vocabulary_filter("type", "Type of support")
    access_route = _vocabulary_filter("access_route", "How to get support")
    lived_experience = _vocabulary_filter("lived_experience", "Lived experience")
    audience = _vocabulary_filter("audience", "Who it is for")
    delivery = _vocabulary_filter("delivery", "How it is delivered")
    language = _vocabulary_filter("language", "Language")
    accessibility = CachedTermsFilter(
        queryset=AccessibilityFeature.objects.in_order(),
        to_field_name="slug",
        method="filter_accessibility",
        label="Accessibility",
        parameter="accessibility",
    )
    area = CachedTermsFilter(
        queryset=Area.objects.all(),
        to_field_name="slug",
        method="filter_area",
        label="Area",
        parameter="area",
    )
    free = BooleanFilter(method="filter_nothing", label="Free")
    age = IntegerFilter(
        method="filter_nothing",
        min_value=0,
        max_value=120,
        error_messages={
            "invalid": "Enter an age in whole years, for example 30.",
            "min_value": "Enter an age between 0 and 120.",
            "max_value": "Enter an age between 0 and 120.",
        },
        label="Age",
    )
    day = django_filters.MultipleChoiceFilter(
        choices=[(slug, Weekday(number).label) for number, slug in enumerate(WEEKDAY_SLUGS)],
        method="filter_day",
        label="Day",
    )
    open_now = BooleanFilter(method="filter_open_now", label="Open now")
    accepting = BooleanFilter(method="filter_nothing", label="Taking new people")
    takes_referrals = BooleanFilter(method="filter_nothing", label="Takes referrals")
    include_national = BooleanFilter(method="filter_nothing", label="Include national")
    sort = django_filters.ChoiceFilter(choices=Sort.choices, method="filter_nothing")

    class Meta:
        model = Service
        fields: list[str] = []
        form = ServiceFilterForm

    def __init__(self, data=None, queryset=None, *, radius_km: float | None = None, **kwargs):
        # Results come from the index of published services; a narrower starting queryset
        # (the API's modified_after) is applied in SQL. Without one, the published services'
        # queryset is built only when a search needs SQL (`criteria`): building it for every
        # search took a twentieth of a search's time.
        self._narrowed = queryset is not None
        self._radius_km = radius_km  # a radius given another way (HSDS: proximity in metres)
        super().__init__(_as_multivalue(data), queryset, **kwargs)

    def get_form_class(self):
        """django-filter builds a new form class, with new fields, for every search; the
        fields never change, so build it once per FilterSet class."""
        form_class = _FORM_CLASSES.get(type(self))
        if form_class is None:
            form_class = super().get_form_class()
            form_class.base_fields = _SharedFields(form_class.base_fields)
            _FORM_CLASSES[type(self)] = form_class
        return form_class

    # One parameter each ----------------------------------------------------------------

    def filter_nothing(self, queryset, name, value):
        """Held by the index: applied together, through `criteria`."""
        return queryset

    def filter_accessibility(self, queryset, name, value):
        return queryset.filter(
            pk__in=Service.locations.through.objects.filter(
                location__accessibility__in=value
            ).values("service_id")
        )

    def filter_area(self, queryset, name, value):
        return queryset.filter(search.in_areas_q(list(value)))

    def filter_day(self, queryset, name, value):
        return search.running_on_filter(queryset, [WEEKDAY_SLUGS.index(day) for day in value])

    def filter_open_now(self, queryset, name, value):
        return queryset.filter(self._open_now_q) if value else queryset

    @cached_property
    def _open_now_q(self) -> Q:
        return search.open_at_q(timezone.now())

    # Location --------------------------------------------------------------------------

    @property
    def _data(self) -> dict:
        self.errors  # noqa: B018 - validates the form once, so cleaned_data exists.
        return self.form.cleaned_data

    @cached_property
    def location(self) -> LocationResult | None:
        data = self._data
        return resolve_location(data.get("near") or "", data.get("lat"), data.get("lon"))

    @property
    def is_grouped(self) -> bool:
        return bool(self.location and self.location.found)

    @property
    def point(self) -> tuple[float, float] | None:
        """(latitude, longitude) of the place searched near, when one was found."""
        location = self.location
        if not self.is_grouped or location is None:
            return None
        if location.lat is None or location.lon is None:
            return None
        return location.lat, location.lon

    @property
    def search_radius_km(self) -> float:
        """The radius asked for; else, for an island, one that covers it; else the default."""
        asked = self._radius_km or self._data.get("radius_km")
        return asked or (self.location and self.location.radius_km) or DEFAULT_RADIUS_KM

    @cached_property
    def _near_area(self) -> list:
        """The area `near` named ("Renfrewshire", "NHS Lothian"), searched as an area
        filter (AND'ed with any `area` values), or nothing."""
        slug = self.location.area if self.location else None
        return [registry().areas[slug]] if slug and slug in registry().areas else []

    @property
    def _include_national(self) -> bool:
        return self._data.get("include_national") is not False

    # Whole search ----------------------------------------------------------------------

    @property
    def chosen_sort(self) -> str:
        """The order the results are in (the one asked for, if it applies, else the default:
        best match with words, else nearest first with a place, else by name)."""
        sort = self._data.get("sort") or ""
        if (sort == Sort.DISTANCE and not self.is_grouped) or (
            sort == Sort.RELEVANCE and not self.words
        ):
            sort = ""
        if sort:
            return sort
        if self.words:
            return Sort.RELEVANCE
        return Sort.DISTANCE if self.is_grouped else Sort.NAME

    @cached_property
    def words(self) -> list[keyword.Word]:
        """The words searched for (`q`), as the keyword search sees them."""
        return keyword.query_words(self._data.get("q") or "")

    # Results from the in-memory index ----------------------------------------------------

    @cached_property
    def criteria(self) -> search_index.Criteria:
        """This search in the index's terms. Filters the index does not hold (and a
        narrowed starting queryset, such as the API's `modified_after`) run in SQL, all in
        one query, and pass on the ids they match."""
        data = self._data
        sql_filters = {
            name: data[name]
            for name in SQL_PARAMETERS
            if not _is_empty(data.get(name)) and not (name == "open_now" and not data[name])
        }
        only_ids = None
        sort = self.chosen_sort
        if sql_filters or self._narrowed or self._near_area:
            queryset = self.queryset if self._narrowed else Service.objects.published()
            assert queryset is not None, "given to __init__ when narrowed"
            for name, value in sql_filters.items():
                queryset = self.filters[name].filter(queryset, value)
            if self._near_area:
                queryset = queryset.filter(search.in_areas_q(self._near_area))
            only_ids = search.raw_keys(queryset)
        terms = {}
        for parameter, (relation, _model) in VOCABULARY_PARAMETERS.items():
            value = data.get(parameter)
            terms[relation] = [term.pk for term in value] if value else []
        return search_index.Criteria(
            terms=terms,
            today=timezone.localdate(),
            stale_cutoff=stale_cutoff(),
            sort=sort,
            free=data.get("free") is True,
            age=data.get("age"),
            accepting=data.get("accepting") is True,
            takes_referrals=data.get("takes_referrals") is True,
            include_national=self._include_national,
            point=(*self.point, self.search_radius_km) if self.point else None,
            council_area=self.location.council_area if self.location and self.point else None,
            only_ids=only_ids,
            words=self.words,
            facet_relations=[VOCABULARY_PARAMETERS[name][0] for name in FACET_PARAMETERS],
        )

    @cached_property
    def hits(self) -> search_index.Hits:
        """Every result, in order, from the in-memory index (`services.search.index`)."""
        return search_index.search(live.current(), self.criteria)

    def results(self, prepare=None, relations=(), fetch=None) -> "ResultList":
        """The results as a sequence for a paginator: slicing it reads just those services
        from the database, through `prepare` (for example `with_listing_data`), or with
        `fetch` (ids -> services) when given, with the vocabulary `relations` filled in from
        the index."""
        if fetch is None:
            prepare = prepare or (lambda queryset: queryset)

            def fetch(ids: list) -> Iterable[Service]:
                return prepare(Service.objects.filter(pk__in=ids))

        return ResultList(self.hits, fetch, relations)

    @property
    def result_ids(self) -> list:
        """The ids of every result, in order."""
        return self.hits.ids

    def totals(self) -> tuple[int, int]:
        """(all results, results in the national/online group)."""
        return self.hits.total, self.hits.national_total

    def facets(self) -> dict[str, list[search.FacetOption]]:
        """For every option of the FACET_PARAMETERS: how many results there would be if it
        were also selected (added to that parameter's current values)."""
        terms = registry().terms
        counts = self.hits.facets
        result = {}
        for parameter in FACET_PARAMETERS:
            relation = VOCABULARY_PARAMETERS[parameter][0]
            chosen = {term.pk for term in self._data.get(parameter) or ()}
            result[parameter] = [
                search.FacetOption(
                    slug=slug,
                    name=term.name,
                    count=counts[relation].get(term.pk, 0),
                    selected=term.pk in chosen,
                )
                for slug, term in terms[parameter].items()
            ]
        return result


class ResultList:
    """Search results for Django's (and so DRF's) paginator: its length is the number of
    results, and a slice is a list of services read from the database."""

    def __init__(self, hits: search_index.Hits, fetch, relations=()):
        self.hits, self.fetch, self.relations = hits, fetch, relations

    def __len__(self) -> int:
        return self.hits.total

    def count(self) -> int:
        return self.hits.total

    def __iter__(self) -> Iterator[Service]:
        return iter(self[0 : self.hits.total])

    @overload
    def __getitem__(self, key: int) -> Service: ...

    @overload
    def __getitem__(self, key: slice) -> list[Service]: ...

    def __getitem__(self, key: int | slice) -> Service | list[Service]:
        if isinstance(key, slice):
            return self.hits.page(key, self.fetch, self.relations)
        page = self.hits.page(
            slice(key, key + 1 if key != -1 else None), self.fetch, self.relations
        )
        if not page:
            raise IndexError(key)
        return page[0]
