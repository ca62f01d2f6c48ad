"""A GIN index for keyword search on PostgreSQL, on exactly the expression that
the keyword search of that time built. Other databases need no index (they searched
with LIKE), so the operation does nothing there. Migration 0014 drops it again."""

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import migrations

INDEX_NAME = "service_search_document"


def _index() -> GinIndex:
    # As the keyword search of that time built it (it used this index on PostgreSQL);
    # defined here so the migration does not change when that code moves.
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
