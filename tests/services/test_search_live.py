"""The search sees every change, however it is written, at once and without a rebuild.

The database's triggers log each change (`SearchChange`); each process's index applies the
services they name before its next search (`services.search.live`). These tests change the
directory in every way the issue lists — bulk_create, QuerySet.update, raw SQL, cascaded
deletes, history reverts, vocabulary rows — and search straight after, as a visitor would;
then check that no whole rebuild happened, that a rolled-back write never reaches the index,
that a bulk change is rebuilt in the background while searches go on, and that an edit made
in one process reaches every gunicorn worker's next search."""

import datetime
import io
import subprocess
import sys
import time
import urllib.request
import uuid

import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection, transaction
from django.http import QueryDict
from django.utils import timezone

from services.models import (
    Location,
    Organisation,
    SearchChange,
    Service,
    ServiceAtLocation,
    ServiceType,
)
from services.search import index as search_index
from services.search import live
from services.search.filterset import ServiceFilterSet
from tests.factories import OrganisationFactory, ServiceFactory
from tests.helpers import PAISLEY, located, north_of
from tests.reference_data import seed_reference_data

pytestmark = pytest.mark.django_db


def names(query: str = "") -> list[str]:
    filterset = ServiceFilterSet(QueryDict(query))
    assert filterset.is_valid(), filterset.errors
    by_id = dict(Service.objects.values_list("pk", "name"))
    return [by_id[pk] for pk in filterset.result_ids]


@pytest.fixture
def settled():
    """A directory with one service near Paisley, and the index built over it."""
    service = located(name="Harbour peer support", summary="Tea and talk.")
    live.rebuild_now()
    return service


# Every write path is seen by the next search --------------------------------------------


def test_services_added_with_bulk_create_are_found_at_once(settled):
    organisation = settled.organisation
    added = Service.objects.bulk_create(
        [
            Service(organisation=organisation, name="Lighthouse drop-in", slug="lighthouse"),
            Service(organisation=organisation, name="Beacon group", slug="beacon"),
        ]
    )
    drop_in = ServiceType.objects.get(slug="drop-in")
    Service.types.through.objects.bulk_create(
        [Service.types.through(service_id=added[0].pk, servicetype_id=drop_in.pk)]
    )

    assert names("q=lighthouse") == ["Lighthouse drop-in"]
    assert names("type=drop-in") == ["Lighthouse drop-in"]
    assert "Beacon group" in names()


def test_a_rename_by_queryset_update_is_found_by_its_new_name(settled):
    Service.objects.filter(pk=settled.pk).update(name="Quayside recovery cafe")

    assert names("q=quayside") == ["Quayside recovery cafe"]
    assert names("q=harbour") == []


@pytest.mark.django_db(transaction=True)
def test_words_of_a_name_changed_twice_are_forgotten_each_time():
    seed_reference_data()
    service = located(name="Harbour peer support")
    live.rebuild_now()

    for name in ("Lighthouse peer support", "Quayside peer support"):
        Service.objects.filter(pk=service.pk).update(name=name)
        live.current()  # applied to the process's index, not a copy

    assert names("q=quayside") == ["Quayside peer support"]
    assert names("q=lighthouse") == []
    assert names("q=harbour") == []
    assert names("q=peer") == ["Quayside peer support"]


def test_a_change_made_in_raw_sql_is_seen(settled):
    table = Service._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {table} SET is_national = %s WHERE id = %s", [True, settled.pk.hex])

    assert names("include_national=false") == []
    assert names() == ["Harbour peer support"]


def test_a_location_moved_by_queryset_update_is_seen_by_a_search_near_it(settled):
    near_paisley = f"lat={PAISLEY[0]}&lon={PAISLEY[1]}&radius_km=5&include_national=false"
    assert names(near_paisley) == ["Harbour peer support"]

    far = north_of(60)
    Location.objects.filter(service_locations__service=settled).update(
        latitude=far[0], longitude=far[1]
    )

    assert names(near_paisley) == []


def test_an_organisation_delisted_or_renamed_by_update_is_seen(settled):
    Organisation.objects.filter(pk=settled.organisation_id).update(name="Seaview Trust")
    assert names("q=seaview") == ["Harbour peer support"]

    Organisation.objects.filter(pk=settled.organisation_id).update(is_active=False)
    assert names() == []


def test_a_deleted_service_and_a_removed_place_are_seen(settled):
    other = located(name="Anchor drop-in")
    ServiceAtLocation.objects.filter(service=settled).delete()  # no location: the online group
    near = f"lat={PAISLEY[0]}&lon={PAISLEY[1]}&radius_km=5"
    assert names(near) == ["Anchor drop-in", "Harbour peer support"]

    other.delete()
    assert names(near) == ["Harbour peer support"]


def test_a_history_revert_is_seen(settled):
    settled.name = "Renamed by mistake"
    settled.save()
    assert names("q=mistake") == ["Renamed by mistake"]

    reverted = settled.history.earliest().instance  # as the admin's "revert" does
    reverted._state.adding = False
    reverted.save()

    assert names("q=mistake") == []
    assert names("q=harbour") == ["Harbour peer support"]


def test_a_term_added_in_bulk_is_a_filter_at_once_in_the_registry_and_the_index(settled):
    ServiceType.objects.bulk_create([ServiceType(slug="walking-group", name="Walking group")])
    assert ServiceFilterSet(QueryDict("type=walking-group")).is_valid()
    assert names("type=walking-group") == []

    settled.types.add(ServiceType.objects.get(slug="walking-group"))

    assert names("type=walking-group") == ["Harbour peer support"]


def test_every_write_leaves_a_change_naming_the_service(settled):
    before = SearchChange.objects.count()
    Service.objects.filter(pk=settled.pk).update(summary="Changed.")
    assert list(SearchChange.objects.filter(pk__gt=before).values_list("service_id", flat=True))[
        -1
    ] == (settled.pk)


# No rebuild, no rolled-back writes, bulk changes in the background -------------------------


@pytest.mark.django_db(transaction=True)
def test_an_edit_is_applied_to_the_index_without_rebuilding_it(monkeypatch):
    seed_reference_data()
    service = located(name="Harbour peer support")
    first = live.rebuild_now()
    monkeypatch.setattr(live, "build", lambda: pytest.fail("a whole rebuild"))

    Service.objects.filter(pk=service.pk).update(name="Harbour peer support (Tuesdays)")
    ServiceFactory(name="Anchor drop-in")

    index = live.current()
    assert index is not first
    assert index.changes_applied == 2
    assert names("q=tuesdays") == ["Harbour peer support (Tuesdays)"]
    assert names() == ["Anchor drop-in", "Harbour peer support (Tuesdays)"]
    assert live.current() is index  # nothing new: the same index, after one query


@pytest.mark.django_db(transaction=True)
def test_a_request_reads_the_change_log_once_for_its_searches_and_its_vocabularies():
    from django.test.utils import CaptureQueriesContext

    from services.vocabulary_loader import new_request, registry

    seed_reference_data()
    located(name="Harbour peer support")
    live.rebuild_now()
    new_request()  # what request_started does
    with CaptureQueriesContext(connection) as queries:
        assert "peer-support-group" in registry().terms["type"]
        assert names("type=peer-support-group") == ["Harbour peer support"]
        assert names("q=harbour") == ["Harbour peer support"]
    reads = [query for query in queries if "services_searchchange" in query["sql"]]
    assert len(reads) == 1

    ServiceType.objects.create(slug="walking-group", name="Walking group")
    assert "walking-group" not in registry().terms["type"]  # this request has looked already
    new_request()  # the next request sees the new term, read with the index's changes
    with CaptureQueriesContext(connection) as queries:
        assert ServiceFilterSet(QueryDict("type=walking-group")).is_valid()
        assert names("type=walking-group") == []
    statements = [query["sql"] for query in queries]
    assert not any(sql.startswith("SELECT COUNT(") for sql in statements)  # no query of its own


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_write_never_reaches_the_index():
    seed_reference_data()
    service = located(name="Harbour peer support")
    live.rebuild_now()

    with transaction.atomic():
        Service.objects.filter(pk=service.pk).update(name="Never saved")
        assert names("q=never") == ["Never saved"]  # the writer's own search sees its write
        transaction.set_rollback(True)

    assert names("q=never") == []
    assert names() == ["Harbour peer support"]


@pytest.mark.django_db(transaction=True)
def test_a_bulk_change_is_rebuilt_in_the_background_while_searches_go_on(settings, monkeypatch):
    seed_reference_data()
    located(name="Harbour peer support")
    live.rebuild_now()
    settings.SEARCH_BACKGROUND_REBUILD = True
    monkeypatch.setattr(live, "REBUILD_AFTER_CHANGES", 3)
    organisation = OrganisationFactory()
    Service.objects.bulk_create(
        [Service(organisation=organisation, name=f"Bulk {n}", slug=f"bulk-{n}") for n in range(5)]
    )

    during = live.current()  # does not wait for the rebuild
    live.wait_for_rebuild(timeout=30)
    after = live.current()

    assert during.size == 1
    assert after.size == 6
    assert names("q=bulk") == [f"Bulk {n}" for n in range(5)]


def test_the_index_holds_every_relation_the_triggers_watch():
    """A relation the index reads but no trigger watches would go stale silently."""
    from services.search import triggers
    from services.vocabulary_loader import VOCABULARY_RELATIONS

    assert set(VOCABULARY_RELATIONS) | {"areas", "locations"} == set(triggers.SERVICE_RELATIONS)
    assert search_index.ROW_ARRAYS  # and the service row itself is watched
    tables = {
        Service._meta.db_table,
        *(
            Service._meta.get_field(name).remote_field.through._meta.db_table
            for name in triggers.SERVICE_RELATIONS
        ),
    }
    statements = " ".join(triggers.statements(_apps(), connection.vendor))
    for table in tables:
        assert f" ON {table} " in statements or f" ON {table}\n" in statements, table


def _apps():
    from django.apps import apps

    return apps


# Served: an edit reaches every worker ----------------------------------------------------


@pytest.mark.slow
@pytest.mark.django_db(transaction=False)
def test_an_edit_in_one_process_reaches_every_workers_next_search(tmp_path):
    """gunicorn with 3 workers on a SQLite file; the listing is renamed by raw SQL from
    another process (this one); every request after that, whichever worker answers it,
    finds the new name."""
    from tests.engagement.test_limits_across_workers import prepare, served

    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3":
        pytest.skip("served over a SQLite file (PostgreSQL runs the same code in-process)")
    migrated = prepare(tmp_path / "migrated")
    pk = uuid.uuid4()
    create = (
        "from services.models import Organisation, Service;"
        "o = Organisation.objects.create(name='Harbour Trust', slug='harbour-trust');"
        f"Service.objects.create(id='{pk}', organisation=o, name='Harbour peer support',"
        " slug='harbour', is_national=True)"
    )
    done = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", create],
        env={**_environment_of(migrated)},
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    workdir = tmp_path / "served"
    workdir.mkdir()
    with served(migrated, workdir, "") as (base, _log):

        def search(word: str) -> str:
            with urllib.request.urlopen(f"{base}/search/?q={word}", timeout=10) as response:
                return response.read().decode()

        for _ in range(12):  # every worker has built its index
            assert "Harbour peer support" in search("harbour")
        import sqlite3

        database = sqlite3.connect(workdir / "recovery_directory.sqlite3", timeout=10)
        with database:
            database.execute(
                "UPDATE services_service SET name = 'Lighthouse peer support' WHERE id = ?",
                [pk.hex],
            )
        database.close()
        changed_at = time.monotonic()
        answers = [search("lighthouse") for _ in range(12)]
        elapsed = time.monotonic() - changed_at

    assert all("Lighthouse peer support" in answer for answer in answers)
    assert elapsed < 10  # twelve searches, none waiting for a rebuild


def _environment_of(workdir):
    from tests.engagement.test_limits_across_workers import _environment

    return _environment(workdir, "")


# The change log is pruned ---------------------------------------------------------------


def test_old_changes_are_pruned_and_recent_ones_kept(settled, settings):
    Service.objects.filter(pk=settled.pk).update(summary="Recent.")
    old = timezone.now() - datetime.timedelta(minutes=settings.SEARCH_CHANGES_KEPT_MINUTES + 1)
    first = SearchChange.objects.order_by("pk").first()
    SearchChange.objects.filter(pk=first.pk).update(created_at=old)
    total = SearchChange.objects.count()

    out = io.StringIO()
    call_command("prune_search_changes", stdout=out)

    assert "Deleted" in out.getvalue()
    if connection.vendor == "sqlite":  # PostgreSQL keeps rows of the test's open transaction
        assert SearchChange.objects.count() == total - 1
        assert not SearchChange.objects.filter(pk=first.pk).exists()
    assert names("q=harbour") == ["Harbour peer support"]
