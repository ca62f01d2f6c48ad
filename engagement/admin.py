from django.contrib import admin

from .models import LinkWorkerProfile, Referral


@admin.register(LinkWorkerProfile)
class LinkWorkerProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation_name", "updated_at"]
    search_fields = ["user__username", "user__email", "organisation_name"]
    autocomplete_fields = ["user"]


@admin.register(Referral)
class ReferralAdmin(admin.ModelAdmin):
    """Read-only and without personal fields: those are shown only on the referral pages,
    to the referrer, the receiving organisation and referral auditors."""

    fields = [
        "service",
        "area",
        "referrer_organisation",
        "status",
        "decline_reason",
        "created_at",
        "finished_at",
        "reminded_at",
        "purged_at",
    ]
    readonly_fields = fields
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
