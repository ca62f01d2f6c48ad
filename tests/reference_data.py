"""The vocabularies and areas that data migrations seed, put back for tests whose database
is emptied between tests (live-server and other transactional tests)."""

from importlib import import_module

SEEDING_MIGRATIONS = (
    "0002_seed_vocabularies",
    "0003_seed_areas",
    "0011_seed_health_and_social_care_partnerships",
)


def seed_reference_data() -> None:
    """Run the seeding migrations' functions again (they are idempotent)."""
    from django.apps import apps

    for name in SEEDING_MIGRATIONS:
        migration = import_module(f"services.migrations.{name}").Migration
        for operation in migration.operations:
            if hasattr(operation, "code"):  # a RunPython; schema operations are done
                operation.code(apps, None)
