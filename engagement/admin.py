from django.contrib import admin, messages

from services.permissions import scope_to_member

from . import outbox
from .actions import draft_from_suggestion, resolve_problem_report
from .models import LinkWorkerProfile, OutgoingEmail, ProblemReport, Referral, Suggestion


@admin.register(LinkWorkerProfile)
class LinkWorkerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation_name", "updated_at"]
    search_fields = ["user__username", "user__email", "organisation_name"]
    autocomplete_fields = ["user"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-only and without personal fields: those are shown only on the referral pages,
    to the referrer, the receiving organisation and referral auditors."""

    fields = readonly_fields = (
        "service",
        "area",
        "referrer_organisation",
        "status",
        "decline_reason",
        "created_at",
        "finished_at",
        "reminded_at",
        "purged_at",
    )
    list_display = ["created_at", "service", "area", "status", "decline_reason", "purged_at"]
    list_filter = ["status", "decline_reason", "area"]
    list_select_related = ["service", "area"]
    date_hierarchy = "created_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ProblemReport)
class ProblemReportAdmin(admin.ModelAdmin):
    list_display = ["created_at", "service", "reason", "status"]
    list_filter = ["status", "reason"]
    list_select_related = ["service"]
    search_fields = ["service__name", "details"]
    fields = readonly_fields = (
        "service",
        "reason",
        "details",
        "status",
        "created_at",
        "resolved_at",
        "resolved_by",
    )
    actions = ["resolve_and_tell", "resolve_quietly", "dismiss"]

    def has_add_permission(self, request) -> bool:
        return False

    def get_queryset(self, request):
        return scope_to_member(super().get_queryset(request), request.user, "service__organisation")

    def _resolve(self, request, queryset, *, tell: bool) -> None:
        told = sum(
            resolve_problem_report(report, by=request.user, tell_reporter=tell)
            for report in queryset.open().select_related("service")
        )
        message = "Marked as resolved."
        if tell:
            message += f" Emailed {told} reporter{'s' if told != 1 else ''}."
        self.message_user(request, message, messages.SUCCESS)

    @admin.action(description="Mark resolved and email the reporter (if they asked)")
    def resolve_and_tell(self, request, queryset) -> None:
        self._resolve(request, queryset, tell=True)

    @admin.action(description="Mark resolved without emailing")
    def resolve_quietly(self, request, queryset) -> None:
        self._resolve(request, queryset, tell=False)

    @admin.action(description="Dismiss (not a real problem)")
    def dismiss(self, request, queryset) -> None:
        count = queryset.open().update(status=ProblemReport.Status.DISMISSED, reporter_email="")
        self.message_user(request, f"Dismissed {count} report(s).", messages.SUCCESS)


@admin.register(Suggestion)
class SuggestionAdmin(admin.ModelAdmin):
    list_display = ["created_at", "name", "organisation_name", "where", "status"]
    list_filter = ["status", "how_known"]
    search_fields = ["name", "organisation_name", "where"]
    readonly_fields = ["draft_service", "created_at"]
    actions = ["make_draft", "reject"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Create a draft organisation and service (inactive until reviewed)")
    def make_draft(self, request, queryset) -> None:
        made = [draft_from_suggestion(s) for s in queryset.filter(status=Suggestion.Status.NEW)]
        names = ", ".join(service.name for service in made) or "none (already handled)"
        self.message_user(request, f"Drafts created: {names}.", messages.SUCCESS)

    @admin.action(description="Mark as not added")
    def reject(self, request, queryset) -> None:
        count = queryset.filter(status=Suggestion.Status.NEW).update(
            status=Suggestion.Status.REJECTED
        )
        self.message_user(request, f"Marked {count} suggestion(s) as not added.", messages.SUCCESS)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    """The outbox: emails waiting for a retry, and those that failed for good (a sent email
    is deleted). Moderators can queue failed ones again."""

    list_display = ["created_at", "kind", "subject", "status", "attempts", "next_attempt_at"]
    list_filter = ["status", "kind"]
    fields = readonly_fields = (
        "kind",
        "subject",
        "to",
        "body",
        "status",
        "attempts",
        "last_error",
        "next_attempt_at",
        "created_at",
    )
    actions = ["try_again"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.action(description="Try again (a fresh set of attempts)", permissions=["change"])
    def try_again(self, request, queryset) -> None:
        count = outbox.retry(queryset)
        self.message_user(request, f"Queued {count} email(s) again.", messages.SUCCESS)
