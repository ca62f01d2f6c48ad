"""The admin site: its home page starts with the signed-in member's tasks (listings due for a
check, open problem reports, referrals waiting), then the models in plain groups rather than
every model alphabetically by app. It lives outside services/admin/ because Django creates
the site before it loads the ModelAdmins there, which register themselves on it."""

from dataclasses import dataclass, field

from django.conf import settings
from django.contrib import admin
from django.urls import NoReverseMatch, reverse

from services.permissions import organisation_ids_for

SHOWN_PER_TASK = 10

# Home page groups: (heading, [(app_label, object_name), …]). Models not named here go in a
# last "Everything else" group, so nothing the person may open is hidden.
GROUPS = [
    (
        "Your listings",
        [
            ("services", "Service"),
            ("services", "Location"),
            ("services", "Schedule"),
            ("services", "CourseRun"),
            ("services", "Organisation"),
        ],
    ),
    (
        "What people tell you",
        [
            ("engagement", "ProblemReport"),
            ("engagement", "Suggestion"),
            ("engagement", "Referral"),
        ],
    ),
    (
        "People and access",
        [
            ("services", "OrganisationMembership"),
            ("engagement", "LinkWorkerProfile"),
            ("services", "OrganisationToken"),
            ("auth", "User"),
            ("auth", "Group"),
        ],
    ),
]
REFERENCE_HEADING = "Lists of terms and areas (shared by everyone)"


@dataclass
class Task:
    heading: str
    items: list[tuple[str, str]] = field(default_factory=list)  # (text, url)
    more: int = 0
    more_url: str = ""
    empty: str = ""


def _url(name: str, *args, query: str = "") -> str:
    try:
        return reverse(name, args=args) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return ""


def _due_for_check(ids) -> Task:
    from services.models import Service

    days = 30 * settings.REVIEW_OVERDUE_MONTHS
    due = Service.objects.filter(organisation_id__in=ids).needs_review(days)
    due = due.exclude(status=Service.Status.DEFUNCT).order_by("last_checked_at", "name")
    shown = list(due[:SHOWN_PER_TASK])
    return Task(
        heading=f"Listings not checked for {settings.REVIEW_OVERDUE_MONTHS} months",
        items=[(s.name, _url("admin:services_service_change", s.pk)) for s in shown],
        more=max(due.count() - len(shown), 0),
        more_url=_url("admin:services_service_changelist", query="review=overdue"),
        empty="All your listings have been checked recently.",
    )


def _open_problems(ids, site, request) -> Task:
    from engagement.models import ProblemReport

    reports = (
        ProblemReport.objects.open()
        .filter(service__organisation_id__in=ids)
        .select_related("service")
        .order_by("created_at")
    )
    model_admin = site._registry.get(ProblemReport)
    in_admin = model_admin is not None and model_admin.has_view_permission(request)
    shown = list(reports[:SHOWN_PER_TASK])
    items = [
        (
            f"{report.service.name}: {report.get_reason_display()} "
            f"(reported {report.created_at:%-d %B %Y})",
            _url("admin:engagement_problemreport_change", report.pk)
            if in_admin
            else _url("engagement:dashboard"),
        )
        for report in shown
    ]
    return Task(
        heading="Problems reported by the public",
        items=items,
        more=max(reports.count() - len(shown), 0),
        more_url=_url("admin:engagement_problemreport_changelist", query="status__exact=open")
        if in_admin
        else _url("engagement:dashboard"),
        empty="No open problem reports.",
    )


def _waiting_referrals(ids) -> Task:
    from engagement.models import Referral

    waiting = (
        Referral.objects.filter(service__organisation_id__in=ids, status=Referral.Status.SENT)
        .select_related("service")
        .order_by("created_at")
    )
    shown = list(waiting[:SHOWN_PER_TASK])
    return Task(
        heading="Referrals waiting for a reply",
        # Personal details stay on the referral's own page, for the people allowed to see it.
        items=[
            (
                f"To {r.service.name}, sent {r.created_at:%-d %B %Y}",
                _url("engagement:referral_detail", r.pk),
            )
            for r in shown
        ],
        more=max(waiting.count() - len(shown), 0),
        more_url=_url("engagement:referral_inbox"),
        empty="No referrals waiting.",
    )


def home_tasks(user, site, request) -> list[Task]:
    """The member's to-do list, for the organisations they belong to (moderators see their
    own organisations' tasks here; the whole directory is in the lists below)."""
    ids = organisation_ids_for(user)
    if not ids:
        return []
    return [_due_for_check(ids), _open_problems(ids, site, request), _waiting_referrals(ids)]


def grouped(app_list: list[dict]) -> list[tuple[str, list[dict]]]:
    """The admin's models in the home page's groups, in the order GROUPS gives."""
    models = {(app["app_label"], m["object_name"]): m for app in app_list for m in app["models"]}
    groups: list[tuple[str, list[dict]]] = []
    placed: set[tuple[str, str]] = set()
    for heading, keys in GROUPS:
        found = [models[key] for key in keys if key in models]
        placed.update(key for key in keys if key in models)
        if found:
            groups.append((heading, found))
    rest = [model for key, model in models.items() if key not in placed]
    reference = [m for m in rest if m["model"]._meta.app_label == "services"]
    other = [m for m in rest if m not in reference]
    if reference:
        groups.append((REFERENCE_HEADING, sorted(reference, key=lambda m: str(m["name"]))))
    if other:
        groups.append(("Everything else", other))
    return groups


class DirectoryAdminSite(admin.AdminSite):
    site_header = "Recovery Directory — listings"
    site_title = "Recovery Directory admin"
    index_title = "Keep your listings up to date"
    index_template = "admin/directory_index.html"

    def index(self, request, extra_context=None):
        context = {
            "tasks": home_tasks(request.user, self, request),
            "groups": grouped(self.get_app_list(request)),
            **(extra_context or {}),
        }
        return super().index(request, context)
