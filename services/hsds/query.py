"""The HSDS API's query parameters (search, taxonomy_term_id, taxonomy_id, organization_id,
modified_after, postcode, proximity), run as a directory search (`search()`)."""

from django import forms
from django.db.models import Q

from services.geo.resolve import resolve_location
from services.models import Service, ServiceAtLocation
from services.search.filterset import VOCABULARY_PARAMETERS, ServiceFilterSet, UTCDateTimeField

from .taxonomy import BY_ID, TAXONOMIES, Taxonomy

ISO_MESSAGE = "Enter a date and time in ISO 8601 format, for example 2026-01-31T09:00:00Z."
MAX_PROXIMITY_M = 200_000
TERMS_BY_ID = {
    taxonomy.term_id(code): (taxonomy, code)
    for taxonomy in TAXONOMIES
    if taxonomy.choices is not None
    for code in taxonomy.choices.values
}


class HSDSQueryForm(forms.Form):
    search = forms.CharField(required=False, max_length=200)
    taxonomy_term_id = forms.UUIDField(
        required=False, error_messages={"invalid": "Enter a taxonomy term id (a UUID)."}
    )
    taxonomy_id = forms.UUIDField(
        required=False, error_messages={"invalid": "Enter a taxonomy id (a UUID)."}
    )
    organization_id = forms.UUIDField(
        required=False, error_messages={"invalid": "Enter an organization id (a UUID)."}
    )
    modified_after = UTCDateTimeField(required=False, error_messages={"invalid": ISO_MESSAGE})
    postcode = forms.CharField(required=False, max_length=100)
    proximity = forms.FloatField(
        required=False,
        min_value=1,
        max_value=MAX_PROXIMITY_M,
        error_messages=dict.fromkeys(
            ("invalid", "min_value", "max_value"),
            f"Enter a distance in metres between 1 and {MAX_PROXIMITY_M}.",
        ),
    )

    def clean_taxonomy_term_id(self):
        value = self.cleaned_data["taxonomy_term_id"]
        if value and term_lookup(str(value)) is None:
            raise forms.ValidationError(
                "No taxonomy term has this id; see /api/hsds/taxonomy_terms."
            )
        return value

    def clean_taxonomy_id(self):
        value = self.cleaned_data["taxonomy_id"]
        if value and str(value) not in BY_ID:
            raise forms.ValidationError("No taxonomy has this id; see /api/hsds/taxonomies.")
        return value

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("proximity") and not cleaned.get("postcode"):
            self.add_error("proximity", "Give a postcode to measure the distance from.")
        postcode = cleaned.get("postcode")
        if postcode:
            place = resolve_location(near=postcode)
            if place is None or not (place.found or place.area):
                self.add_error("postcode", "We could not find that postcode or place in Scotland.")
            cleaned["place"] = place
        return cleaned


def term_lookup(term_id: str) -> tuple[Taxonomy, str] | None:
    """(taxonomy, code) for a term id, checking vocabulary terms against the database."""
    if term_id in TERMS_BY_ID:
        return TERMS_BY_ID[term_id]
    for taxonomy in TAXONOMIES:
        if taxonomy.vocabulary is None:
            continue
        for slug in taxonomy.vocabulary.objects.values_list("slug", flat=True):
            if taxonomy.term_id(slug) == term_id:
                return taxonomy, slug
    return None


def _term_q(taxonomy: Taxonomy, codes: list[str] | None) -> Q:
    """Services with the taxonomy's term `codes` (any term at all when None)."""
    if taxonomy.key == "accessibility":
        lookup = (
            {"location__accessibility__slug__in": codes}
            if codes
            else {"location__accessibility__isnull": False}
        )
        return Q(pk__in=ServiceAtLocation.objects.filter(**lookup).values("service_id"))
    if taxonomy.key == "language":
        field = "languages"
    elif taxonomy.key == "intake_status":
        return Q(intake_status__in=codes) if codes else Q()
    elif taxonomy.key == "text":
        return Q()
    else:
        field = taxonomy.service_field
    lookup = {f"{field}__slug__in": codes} if codes else {f"{field}__isnull": False}
    return Q(pk__in=Service.objects.filter(**lookup).values("pk"))


def search(cleaned: dict):
    """The HSDS list parameters as a directory search (`ServiceFilterSet`): the same core,
    results and order as /search/ and /api/v1/services/. `search` is `q`, `postcode` is
    `near` and `proximity` (metres) its radius; a term of a searchable vocabulary is that
    filter. Parameters the search page has no equivalent for (organization_id,
    modified_after, taxonomy_id, other taxonomies' terms) narrow the services it starts from."""
    params: dict[str, object] = {}
    narrowing = Q()
    if cleaned.get("search"):
        params["q"] = cleaned["search"]
    if cleaned.get("taxonomy_term_id"):
        found = term_lookup(str(cleaned["taxonomy_term_id"]))
        assert found is not None, "the form checked it"
        taxonomy, code = found
        if taxonomy.key in VOCABULARY_PARAMETERS or taxonomy.key == "accessibility":
            params[taxonomy.key] = [code]
        else:
            narrowing &= _term_q(taxonomy, [code])
    if cleaned.get("taxonomy_id"):
        narrowing &= _term_q(BY_ID[str(cleaned["taxonomy_id"])], None)
    if cleaned.get("organization_id"):
        narrowing &= Q(organisation_id=cleaned["organization_id"])
    if cleaned.get("modified_after"):
        narrowing &= Q(updated_at__gte=cleaned["modified_after"])
    radius_km = None
    if cleaned.get("place"):
        params["near"] = cleaned["postcode"]
        if cleaned.get("proximity"):
            radius_km = cleaned["proximity"] / 1000
    queryset = Service.objects.published().filter(narrowing) if narrowing else None
    filterset = ServiceFilterSet(params, queryset=queryset, radius_km=radius_km)
    if not filterset.is_valid():  # the form checked every value it passes on
        raise ValueError(filterset.errors)
    return filterset


class LinksInOrder:
    """The services-at-locations of search results, for a paginator: in the results' order,
    then by location name. Its length is counted from ids; a slice reads just those links."""

    # Up to this many results, their links are read by id; beyond it, every published
    # service's (a narrow search reads a few rows, a wide one one scan).
    BY_ID = 5000

    def __init__(self, service_ids: list, prepare):
        order = {pk: n for n, pk in enumerate(service_ids)}
        links = ServiceAtLocation.objects.all()
        if len(service_ids) <= self.BY_ID:
            rows = links.filter(service_id__in=service_ids)
        else:
            rows = links.filter(service__in=Service.objects.published())
        found = [
            (order[service], name, str(pk), pk)
            for pk, service, name in rows.values_list("pk", "service_id", "location__name")
            if service in order
        ]
        self.ids = [row[3] for row in sorted(found)]
        self.prepare = prepare

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, key: slice) -> list:
        wanted = self.ids[key]
        links = {
            link.pk: link for link in self.prepare(ServiceAtLocation.objects.filter(pk__in=wanted))
        }
        return [links[pk] for pk in wanted if pk in links]
