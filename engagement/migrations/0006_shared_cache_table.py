"""The table of the shared database cache (used when CACHE_URL is not set), created by the
migrate step so `make run`, the container and CI need no extra command."""

from django.core.management import call_command
from django.db import migrations


def create_cache_table(apps, schema_editor):
    # Creates the table of every database cache in CACHES that does not exist yet; nothing
    # when the cache is Redis or in memory.
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)


class Migration(migrations.Migration):
    dependencies = [("engagement", "0005_review_reminders")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop)]
