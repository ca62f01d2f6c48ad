"""Keyword search runs in the search index (services/search/keyword.py) on every database,
so the PostgreSQL GIN index of migration 0006 is no longer read; dropping it saves computing
a text-search document on every write of a service."""

from importlib import import_module

from django.db import migrations

_gin = import_module("services.migrations.0006_service_search_index")


class Migration(migrations.Migration):
    dependencies = [("services", "0013_search_change_log")]

    operations = [migrations.RunPython(_gin.drop, _gin.create)]
