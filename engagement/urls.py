from django.urls import path

from . import views, views_alerts, views_feedback, views_insight, views_reviews, views_shortlists

app_name = "engagement"

urlpatterns = [
    # Referrals
    path("services/<slug:slug>/refer/", views.refer_consent, name="refer_consent"),
    path("services/<slug:slug>/refer/details/", views.refer_details, name="refer_details"),
    path("services/<slug:slug>/refer/check/", views.refer_check, name="refer_check"),
    path("referrals/", views.referral_list, name="referral_list"),
    path("referrals/inbox/", views.referral_inbox, name="referral_inbox"),
    path("referrals/<uuid:pk>/", views.referral_detail, name="referral_detail"),
    path("referrals/<uuid:pk>/update/", views.referral_update, name="referral_update"),
    # Shortlists
    path("my-list/", views_shortlists.shortlist, name="shortlist"),
    path("my-list/add/", views_shortlists.add, name="shortlist_add"),
    path("my-list/remove/", views_shortlists.remove, name="shortlist_remove"),
    path("my-list/clear/", views_shortlists.clear, name="shortlist_clear"),
    path("my-list/share/", views_shortlists.share, name="shortlist_share"),
    path("my-list/save/", views_shortlists.save, name="shortlist_save"),
    path("my-list/saved/<int:pk>/", views_shortlists.load_saved, name="shortlist_saved"),
    path("lists/<str:token>/", views_shortlists.shared_list, name="shared_list"),
    path("lists/<str:token>/email/", views_shortlists.email_list, name="shared_list_email"),
    path("lists/<str:token>/qr.svg", views_shortlists.shared_list_qr, name="shared_list_qr"),
    # Feedback from the public
    path("services/<slug:slug>/report/", views_feedback.report_problem, name="report_problem"),
    path(
        "services/<slug:slug>/report/sent/",
        views_feedback.report_problem_sent,
        name="report_problem_sent",
    ),
    path("suggest/", views_feedback.suggest_service, name="suggest"),
    path("suggest/sent/", views_feedback.suggest_sent, name="suggest_sent"),
    # Email alerts about new support
    path("alerts/", views_alerts.sign_up, name="alerts"),
    path("alerts/check-your-email/", views_alerts.check_email, name="alert_check_email"),
    path(
        "alerts/confirm/<str:token>/",
        views_alerts.confirm,
        {"purpose": "confirm"},
        name="alert_confirm",
    ),
    path(
        "alerts/renew/<str:token>/", views_alerts.confirm, {"purpose": "renew"}, name="alert_renew"
    ),
    path("alerts/unsubscribe/<str:token>/", views_alerts.unsubscribe, name="alert_unsubscribe"),
    # Keeping listings up to date
    path("still-correct/<str:token>/", views_reviews.still_correct, name="still_correct"),
    path("dashboard/", views_reviews.dashboard, name="dashboard"),
    path(
        "dashboard/services/<uuid:pk>/checked/",
        views_reviews.dashboard_mark_checked,
        name="dashboard_mark_checked",
    ),
    # Insight for moderators
    path("insight/", views_insight.insight, name="insight"),
    path("insight/areas.csv", views_insight.insight_csv, {"kind": "areas"}, name="insight_areas"),
    path("insight/types.csv", views_insight.insight_csv, {"kind": "types"}, name="insight_types"),
]
