from django.contrib import admin

from services.models import VOCABULARIES, Area

from .base import ReferenceDataAdmin


class VocabularyAdmin(ReferenceDataAdmin):
    """Members may look; moderators change. Slugs are a public contract (URLs, API), so
    they are fixed once a term exists."""

    list_display = ["name", "slug", "position"]
    search_fields = ["name", "slug"]
    fields = ["name", "slug", "description", "position"]

    def get_readonly_fields(self, request, obj=None):
        return ["slug"] if obj is not None else []


for vocabulary in VOCABULARIES:
    admin.site.register(vocabulary, VocabularyAdmin)


@admin.register(Area)
class AreaAdmin(ReferenceDataAdmin):
    """Council areas, health boards and health and social care partnerships are seeded from
    official lists: read-only except for superusers."""

    list_display = ["name", "kind", "gss_code", "health_board", "partnership"]
    list_filter = ["kind"]
    list_select_related = ["health_board", "partnership"]
    search_fields = ["name", "gss_code"]

    def can_edit(self, request) -> bool:
        return request.user.is_superuser
