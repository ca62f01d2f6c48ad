from django.urls import path

from . import views

app_name = "engagement"

urlpatterns = [
    path("services/<slug:slug>/refer/", views.refer_consent, name="refer_consent"),
    path("services/<slug:slug>/refer/details/", views.refer_details, name="refer_details"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/inbox/", views.referral_inbox, name="referral_inbox"),
    path("referrals/<uuid:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<uuid:pk>/update/", views.referral_update, name="referral_update"),
]
