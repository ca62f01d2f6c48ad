"""A GIN index for keyword search on PostgreSQL, on exactly the expression that
`services.search.service_document()` builds. Other databases need no index (they search
with LIKE), so the operation does nothing there."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "service_search_document"


def _index() -> GinIndex:
    # Kept identical to services.search.service_document() (a test checks that PostgreSQL
    # uses it); defined here so the migration does not change if that code moves.
    document = (
        SearchVector("name", weight="A", config="english")
        + SearchVector("summary", weight="B", config="english")
        + SearchVector("description", weight="C", config="english")
    )
    return GinIndex(document, name=INDEX_NAME)


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("services", "Service"), _index())


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("services", "Service"), _index())


class Migration(migrations.Migration):
    dependencies = [("services", "0005_organisation_token")]

    operations = [migrations.RunPython(create, drop)]
