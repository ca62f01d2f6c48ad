from django.urls import path

from . import views

app_name = "services"

urlpatterns = [
    path("", views.home, name="home"),
    path("search/", views.search, name="search"),
    path("services/<slug:slug>/", views.service, name="service"),
    path("services/<slug:slug>/calendar.ics", views.service_calendar, name="service_calendar"),
    path("organisations/<slug:slug>/", views.organisation, name="organisation"),
    path("embed/", views.embed, name="embed"),
    path("embed/help/", views.embed_help, name="embed_help"),
    path("areas/", views.areas, name="areas"),
    path("areas/<slug:slug>/", views.area, name="area"),
    path("help-now/", views.crisis, name="crisis"),
    path("about/", views.about, name="about"),
    path("accessibility/", views.accessibility, name="accessibility"),
    path("privacy/", views.privacy, name="privacy"),
]
