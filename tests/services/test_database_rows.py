"""services/database/rows.py: model instances from a fixed SELECT's rows, as the ORM makes
them, on SQLite and PostgreSQL alike."""

import datetime

import pytest
from django.db import connection
from django.db.models.signals import post_init
from django.test.utils import CaptureQueriesContext

from services.database.names import column, table
from services.database.rows import Reader, db_values, placeholders
from services.models import Service
from tests.factories import ServiceFactory

pytestmark = pytest.mark.django_db


def _read(reader: Reader, ids: list) -> list:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {reader.select('s')} FROM {table(Service)} s "
            f"WHERE s.{column(Service, 'id')} IN ({placeholders(len(ids))})",
            db_values(Service, ids),
        )
        return [reader.instance(row) for row in cursor.fetchall()]


def test_values_come_back_as_the_orm_gives_them():
    checked = datetime.datetime(2026, 1, 5, 9, 30, tzinfo=datetime.UTC)
    made = ServiceFactory.create(
        is_national=True, last_checked_at=checked, intake_status_until=datetime.date(2026, 4, 1)
    )
    names = ["last_checked_at", "is_national", "id", "organisation", "intake_status_until"]

    [read] = _read(Reader(Service, names), [made.pk])
    orm = Service.objects.get(pk=made.pk)

    for name in ("pk", "organisation_id", "is_national", "last_checked_at", "intake_status_until"):
        assert getattr(read, name) == getattr(orm, name), name
    assert read.is_national is True
    assert read._state.adding is False
    assert read._state.db == connection.alias


def test_a_field_not_read_is_read_when_first_used():
    made = ServiceFactory.create(description="The long description.")
    [read] = _read(Reader(Service, ["id", "name"]), [made.pk])

    with CaptureQueriesContext(connection) as queries:
        assert read.description == "The long description."
        assert read.name == made.name
    assert len(queries.captured_queries) == 1


def test_instances_are_made_through_init_when_something_listens_for_it():
    made = ServiceFactory.create()
    seen = []

    def listener(sender, instance, **kwargs):
        seen.append(instance)

    post_init.connect(listener, sender=Service)
    try:
        [read] = _read(Reader(Service, ["id", "name"]), [made.pk])
    finally:
        post_init.disconnect(listener, sender=Service)

    assert seen == [read]
