"""URLs under /api/: the directory API (v1), the HSDS 3.0 API, the schema and its docs."""

from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView
from rest_framework.routers import SimpleRouter

from . import hsds_views, places, views
from .docs import DocsView

app_name = "api"

router = SimpleRouter()
router.register("services", views.ServiceViewSet, basename="service")
router.register("organisations", views.OrganisationViewSet, basename="organisation")
router.register("locations", views.LocationViewSet, basename="location")
router.register("schedules", views.ScheduleViewSet, basename="schedule")

UUID = r"(?P<pk>[^/]+)"

hsds_patterns = [
    path("", hsds_views.HSDSRoot.as_view(), name="root"),
    re_path(r"^services/?$", hsds_views.HSDSServiceList.as_view(), name="services"),
    re_path(rf"^services/{UUID}/?$", hsds_views.HSDSServiceDetail.as_view(), name="service"),
    re_path(r"^organizations/?$", hsds_views.HSDSOrganizationList.as_view(), name="organizations"),
    re_path(
        rf"^organizations/{UUID}/?$",
        hsds_views.HSDSOrganizationDetail.as_view(),
        name="organization",
    ),
    re_path(
        r"^service_at_locations/?$",
        hsds_views.HSDSServiceAtLocationList.as_view(),
        name="service_at_locations",
    ),
    re_path(
        rf"^service_at_locations/{UUID}/?$",
        hsds_views.HSDSServiceAtLocationDetail.as_view(),
        name="service_at_location",
    ),
    re_path(r"^taxonomies/?$", hsds_views.HSDSTaxonomyList.as_view(), name="taxonomies"),
    re_path(rf"^taxonomies/{UUID}/?$", hsds_views.HSDSTaxonomyDetail.as_view(), name="taxonomy"),
    re_path(
        r"^taxonomy_terms/?$", hsds_views.HSDSTaxonomyTermList.as_view(), name="taxonomy_terms"
    ),
    re_path(
        rf"^taxonomy_terms/{UUID}/?$",
        hsds_views.HSDSTaxonomyTermDetail.as_view(),
        name="taxonomy_term",
    ),
]

urlpatterns = [
    path("v1/", include(router.urls)),
    path("v1/areas/", views.AreaList.as_view(), name="areas"),
    path("v1/places/", places.PlaceSuggestionList.as_view(), name="places"),
    path("v1/vocabularies/", views.VocabularyList.as_view(), name="vocabularies"),
    path("hsds/", include((hsds_patterns, "hsds"))),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", DocsView.as_view(url_name="api:schema"), name="docs"),
    # Anything else under /api/ (including ids that cannot be in a URL) is a JSON 404.
    re_path(r"^", views.not_found),
]
