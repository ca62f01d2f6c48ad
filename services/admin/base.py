"""The organisation-scoped admin.

A member of an organisation (anyone with an OrganisationMembership) sees and edits only
that organisation's records; directory moderators and superusers see everything. Access is
decided here, from membership, rather than from Django's per-user model permissions, so a
new editor can work as soon as they are added to an organisation.
"""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import models, transaction
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.admin import SimpleHistoryAdmin

from services.models import CourseRun, Location, Organisation, Service
from services.permissions import (
    can_edit_organisation,
    edits_listings,
    is_moderator,
    organisation_ids_for,
    scope_to_member,
)

from .conflicts import VERSION_FIELD, VersionedForm
from .history import history_entries, revert_preview

# From each scoped model to the Organisation it belongs to.
ORGANISATION_LOOKUPS = {
    Organisation: "pk",
    Location: "organisation",
    Service: "organisation",
    CourseRun: "service__organisation",
}
SCOPED_MODELS = tuple(ORGANISATION_LOOKUPS)


def scoped_choices(model: type[models.Model], user) -> models.QuerySet:
    """The rows of `model` that `user` may pick in a form: their organisations' own."""
    queryset = model._default_manager.all()
    if model is CourseRun:
        # CourseRun.__str__ may show its service's name.
        queryset = queryset.select_related("service")
    return scope_to_member(queryset, user, ORGANISATION_LOOKUPS[model])


class OrganisationScopedAdmin(SimpleHistoryAdmin):
    """History-keeping admin limited to the signed-in member's organisations."""

    # Lookup from this model to the Organisation it belongs to ("pk" for Organisation).
    organisation_lookup = "organisation"

    def organisation_id_of(self, obj) -> object | None:
        *path, last = self.organisation_lookup.split("__")
        try:
            for name in path:
                obj = getattr(obj, name)
        except ObjectDoesNotExist:
            return None
        return obj.pk if last == "pk" else getattr(obj, f"{last}_id")

    def get_queryset(self, request):
        return scope_to_member(
            super().get_queryset(request), request.user, self.organisation_lookup
        )

    def can_access(self, request, obj=None) -> bool:
        if obj is None:
            return edits_listings(request.user)
        return can_edit_organisation(request.user, self.organisation_id_of(obj))

    def has_module_permission(self, request) -> bool:
        return edits_listings(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.can_access(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.can_access(request, obj)

    def has_add_permission(self, request) -> bool:
        return edits_listings(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.can_access(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in SCOPED_MODELS and "queryset" not in kwargs:
            kwargs["queryset"] = scoped_choices(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        ids = organisation_ids_for(request.user)
        if self.organisation_lookup == "organisation" and len(ids) == 1:
            initial.setdefault("organisation", next(iter(ids)))
        return initial

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not issubclass(self.form, VersionedForm) or obj is None:
            return fieldsets
        (name, options), *rest = fieldsets
        return [(name, {**options, "fields": [*options["fields"], VERSION_FIELD]}), *rest]

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        record = getattr(request, "_reverting", None)
        if record is not None and issubclass(form, VersionedForm):
            form = type(
                form.__name__, (form,), {"opened_on_saved_record": True, "reverting_to": record}
            )
        return form

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        forms = [context["adminform"].form]
        for inline in context.get("inline_admin_formsets", []):
            forms += inline.formset.forms
        conflicted = [form for form in forms if getattr(form, "conflicts", None)]
        context["conflicts"] = [c for form in conflicted for c in form.conflicts]
        context["conflict_saved_by"] = conflicted[0].saved_by if conflicted else ""
        return super().render_change_form(request, context, add, change, form_url, obj)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        merged = getattr(form, "merged", None)
        if merged:
            self.message_user(
                request,
                f"{form.saved_by} had changed {', '.join(merged)} since you opened the page. "
                "Their change is kept alongside yours.",
                messages.INFO,
            )

    def get_object_or_404(self, request, object_id):
        obj = self.get_object(request, unquote(object_id))
        if obj is None:
            raise Http404(f"There is no {self.opts.verbose_name} with that ID that you can see.")
        return obj

    # Django's admin redirects to the index for an object outside the queryset; answer
    # 404 instead, so other organisations' records are plainly not there.
    def change_view(self, request, object_id, form_url="", extra_context=None):
        self.get_object_or_404(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        self.get_object_or_404(request, object_id)
        return super().delete_view(request, object_id, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        """The record's history in plain words (services/admin/history.py)."""
        obj = self.get_object(request, unquote(object_id))
        if obj is None and is_moderator(request.user):
            obj = self._deleted(object_id)  # deleted records' history is for moderators
            can_revert = False
        else:
            obj = obj or self.get_object_or_404(request, object_id)
            can_revert = self.has_change_permission(request, obj)
        context = {
            **self.admin_site.each_context(request),
            "title": f"History of {obj}",
            "subtitle": None,
            "object": obj,
            "opts": self.opts,
            "entries": history_entries(obj, self.form_labels(request, obj)),
            "can_revert": can_revert,
            **(extra_context or {}),
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(request, "admin/plain_history.html", context)

    def _deleted(self, object_id):
        history = self.model.history.filter(**{self.opts.pk.attname: unquote(object_id)})
        record = history.order_by("-history_date").first()
        if record is None:
            raise Http404("There is no record with that ID.")
        return record.instance

    def form_labels(self, request, obj) -> dict[str, str]:
        form = self.get_form(request, obj)
        return {name: str(f.label) for name, f in form.base_fields.items() if f.label}

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        current = self.get_object_or_404(request, object_id)
        # simple_history only asks for view permission, even to revert.
        if request.method == "POST" and not self.has_change_permission(request, current):
            raise PermissionDenied("You cannot change this record.")
        record = self.model.history.filter(
            **{self.opts.pk.attname: current.pk, "history_id": version_id}
        ).first()
        if record is None:
            raise Http404("There is no such version.")
        if getattr(record, "updated_at", None) is not None:
            # The state after that save: the last row with its updated_at also holds the
            # many-to-many values saved with it.
            record = (
                self.model.history.filter(
                    **{self.opts.pk.attname: current.pk, "updated_at": record.updated_at}
                )
                .order_by("-history_date", "-history_id")
                .first()
            )
        request._reverting = record
        form_fields = self.get_form(request, current).base_fields
        preview = revert_preview(current, record, form_fields, self.form_labels(request, current))
        context = {"revert_changes": preview, "version": record, **(extra_context or {})}
        context["version_when"] = date_format(
            timezone.localtime(record.history_date), "j F Y \\a\\t H:i"
        )
        with transaction.atomic():
            return super().history_form_view(request, object_id, version_id, context)

    def render_history_view(self, request, template, context, **kwargs):
        form = context["adminform"].form if "adminform" in context else None
        context["conflicts"] = getattr(form, "conflicts", [])
        context["conflict_saved_by"] = getattr(form, "saved_by", "")
        return super().render_history_view(request, template, context, **kwargs)


class ScopedInlineMixin:
    """Inline rows on a parent the member can change are theirs to add, edit and remove."""

    # Set by InlineModelAdmin, the class this is mixed into.
    admin_site: admin.AdminSite
    parent_model: type[models.Model]

    def _parent_access(self, request, obj) -> bool:
        parent_admin = self.admin_site._registry[self.parent_model]
        if obj is None:
            return parent_admin.has_add_permission(request)
        return parent_admin.has_change_permission(request, obj)

    def has_view_permission(self, request, obj=None) -> bool:
        parent_admin = self.admin_site._registry[self.parent_model]
        return parent_admin.has_view_permission(request, obj)

    def has_add_permission(self, request, obj=None) -> bool:
        return self._parent_access(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return self._parent_access(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self._parent_access(request, obj)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model in SCOPED_MODELS and "queryset" not in kwargs:
            kwargs["queryset"] = scoped_choices(db_field.related_model, request.user)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class ReferenceDataAdmin(admin.ModelAdmin):
    """Shared lists (vocabularies, areas): members may look, only some may change."""

    def can_edit(self, request) -> bool:
        return is_moderator(request.user)

    def has_module_permission(self, request) -> bool:
        return edits_listings(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request) -> bool:
        return self.can_edit(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return self.can_edit(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return self.can_edit(request)
