"""API tokens in the admin. Members create tokens for their own organisations; the key is
shown once, straight after creation, and only its hash is kept. Tokens cannot be edited,
only revoked (or deleted)."""

from django.contrib import admin, messages
from django.utils import timezone

from services.models import OrganisationToken
from services.permissions import (
    can_edit_organisation,
    edits_listings,
    scope_to_member,
    visible_organisations,
)


class OwnOrganisationFilter(admin.SimpleListFilter):
    """Lists only the organisations the member belongs to (every one, for moderators): the
    plain `list_filter = ["organisation"]` named every organisation in the directory."""

    title = "organisation"
    parameter_name = "organisation"

    def lookups(self, request, model_admin):
        organisations = visible_organisations(request.user).order_by("name")
        return [(str(pk), name) for pk, name in organisations.values_list("pk", "name")]

    def queryset(self, request, queryset):
        if self.value() in {value for value, _ in self.lookup_choices}:
            return queryset.filter(organisation_id=self.value())
        return queryset


@admin.register(OrganisationToken)
class OrganisationTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "prefix", "created_by", "created_at", "last_used_at",
                    "revoked_at"]  # fmt: skip
    list_filter = [OwnOrganisationFilter]
    readonly_fields = ["prefix", "created_by", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related("organisation", "created_by")
        return scope_to_member(queryset, request.user)

    def get_fields(self, request, obj=None):
        return (
            ["organisation", "name"]
            if obj is None
            else ["organisation", "name", *self.readonly_fields]
        )

    def get_readonly_fields(self, request, obj=None):
        return (
            self.readonly_fields if obj is None else ["organisation", "name", *self.readonly_fields]
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "organisation":
            kwargs["queryset"] = visible_organisations(request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _may_use(self, request) -> bool:
        return edits_listings(request.user)

    def _owns(self, request, obj) -> bool:
        if obj is None:
            return self._may_use(request)
        return can_edit_organisation(request.user, obj.organisation_id)

    def has_module_permission(self, request) -> bool:
        return self._may_use(request)

    def has_add_permission(self, request) -> bool:
        return self._may_use(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return self._owns(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        # Shown read-only; the revoke action changes tokens (no form edits them).
        return obj is None and self._may_use(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._owns(request, obj)

    def save_model(self, request, obj, form, change):
        if change:
            return
        obj.created_by = request.user
        key = obj.set_new_key()
        obj.save()
        messages.warning(
            request,
            f"The key for “{obj.name}” is {key} — copy it now: it will not be shown again. "
            "Send it as the header “Authorization: Token <key>”.",
        )

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"Revoked {count} tokens.")
