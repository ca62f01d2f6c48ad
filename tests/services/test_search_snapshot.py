"""The index as gunicorn's workers hold it: built once, written to files, mapped read-only and
shared (`services.search.snapshot`). A mapped index must search exactly as a built one (the
reference's results), take every kind of edit although its arrays are read-only, and be built
once for workers asking at the same time but never handed to one that asked after it began."""

import logging
import subprocess
import time

import numpy as np
import pytest
import time_machine
from django.db import connection

from services.models import Area, Location, Service, ServiceType
from services.search import live, snapshot
from services.search.index import build
from tests.factories import ServiceFactory
from tests.helpers import north_of
from tests.services.test_search_index_engine import (
    MOMENT,
    NEAR,
    assert_same_results,
    build_directory,
    postcode,
    search,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _no_history(settings):
    settings.SIMPLE_HISTORY_ENABLED = False


def is_mapped(array: np.ndarray) -> bool:
    """Whether the array's memory is a mapped snapshot file (not a copy in the worker)."""
    found: np.ndarray | None = array
    while found is not None and not isinstance(found, np.memmap):
        found = found.base
    return found is not None


@pytest.fixture
def mapped(settings, tmp_path):
    """The directory, and the index every search uses loaded from a saved snapshot."""
    settings.DATA_DIR = tmp_path
    with time_machine.travel(MOMENT, tick=False):
        build_directory()
        snapshot.save(build(), tmp_path / "snapshot", started=time.time())
        live._index = snapshot.load(tmp_path / "snapshot")
        yield live._index


@pytest.mark.parametrize(
    "query",
    [
        "",
        "q=walking+group",
        "q=gardning",  # misspelt
        "near=PA1+1AA&q=recovery&radius_km=30",
        f"{NEAR}&radius_km=50&sort=distance",
        "type=drop-in&type=helpline",
        "area=renfrewshire",
        "near=PA1+1AA&area=fife&audience=lgbtq&audience=everyone",
        f"{NEAR}&accepting=true&free=true&age=20&language=pl",
        "near=KY1+1AA&radius_km=200&type=helpline&accepting=true",
        "sort=recently_checked&include_national=false",
    ],
)
def test_a_mapped_snapshot_gives_the_references_results(mapped, query):
    assert is_mapped(mapped.text.positions)

    assert_same_results(query)


def test_a_mapped_snapshot_takes_edits_of_every_kind(mapped):
    bridge = Service.objects.get(name="Bridge walking group")
    bridge.types.add(ServiceType.objects.get(slug="crisis-support"))
    assert bridge.pk in assert_same_results("type=crisis-support").result_ids

    Service.objects.filter(pk=bridge.pk).update(name="Zebra crossing group")
    assert bridge.pk in assert_same_results("q=zebra").result_ids
    assert_same_results("sort=name")

    glen = Service.objects.get(name="Glen wellbeing hub")
    Location.objects.filter(pk=glen.locations.get().pk).update(
        latitude=north_of(25)[0], longitude=north_of(25)[1]
    )
    assert glen.pk not in assert_same_results(NEAR).result_ids

    arrived = ServiceFactory(name="Aardvark arrivals", is_national=True)
    assert arrived.pk in assert_same_results("q=aardvark").result_ids
    assert search("").totals()[0] == len(assert_same_results("").result_ids)


def test_council_areas_added_after_the_build_are_covered_past_the_last_byte(mapped):
    added = [
        Area.objects.create(
            kind=Area.Kind.COUNCIL_AREA,
            name=f"New council {n}",
            slug=f"new-council-{n}",
            gss_code=f"S129{n:05d}",
        )
        for n in range(9)  # at least one more byte of the packed council areas
    ]
    postcode("ZZ1 1AA", north_of(300), added[-1].slug)
    remote = ServiceFactory(name="Helpline for the newest council", is_national=False)
    remote.areas.set([added[-1]])

    assert remote.pk in assert_same_results("near=ZZ1+1AA").result_ids
    assert remote.pk not in assert_same_results("near=PA1+1AA").result_ids


@pytest.fixture
def builder(settings, tmp_path, monkeypatch):
    """Snapshots under tmp_path, each "builder process" run here (this test's transaction
    is what it must see); the folders it was asked to fill."""
    settings.DATA_DIR = tmp_path
    runs: list = []

    def run_here(folder, lowest_priority):
        runs.append(folder)
        snapshot.write(folder)

    monkeypatch.setattr(snapshot, "_run_builder", run_here)
    monkeypatch.setattr(live, "_shared_builds", True)
    return runs


def test_workers_asking_while_a_build_runs_share_it_and_later_ones_build_again(builder):
    ServiceFactory(name="Harbour peer support", is_national=True)
    asked = time.time()

    first = snapshot.shared(asked)
    second = snapshot.shared(asked)  # asked before the first snapshot began: it will do
    assert len(builder) == 1
    assert second.size == first.size == 1

    ServiceFactory(name="Lighthouse peer support", is_national=True)
    third = snapshot.shared(time.time())  # asked after it: a new build

    assert len(builder) == 2
    assert third.size == 2
    folders = [path.name for path in snapshot.directory().iterdir() if path.is_dir()]
    assert folders == [(snapshot.directory() / "current").read_text()]


def test_a_snapshot_of_another_releases_format_is_never_taken_but_replaced(builder, monkeypatch):
    ServiceFactory(name="Harbour peer support", is_national=True)
    asked = time.time()
    snapshot.shared(asked)
    first = (snapshot.directory() / "current").read_text()

    monkeypatch.setattr(snapshot, "FORMAT", snapshot.FORMAT + 1)
    index = snapshot.shared(asked)

    assert len(builder) == 2
    assert index.size == 1
    folders = [path.name for path in snapshot.directory().iterdir() if path.is_dir()]
    assert folders == [(snapshot.directory() / "current").read_text()] != [first]
    monkeypatch.setattr(snapshot, "FORMAT", snapshot.FORMAT + 1)
    with pytest.raises(ValueError, match="format"):
        snapshot.load(snapshot.directory() / folders[0])


def test_the_live_index_of_a_worker_comes_from_the_shared_snapshot(builder):
    ServiceFactory(name="Harbour peer support", is_national=True)

    index = live.current()

    assert len(builder) == 1
    assert is_mapped(index.live)
    assert [s.name for s in search("q=harbour").results()[:10]] == ["Harbour peer support"]


def test_a_failing_builder_leaves_the_worker_building_its_own_index(builder, monkeypatch, caplog):
    ServiceFactory(name="Harbour peer support", is_national=True)

    def fail(folder, lowest_priority):
        raise subprocess.SubprocessError("the builder process failed (1): no database")

    monkeypatch.setattr(snapshot, "_run_builder", fail)
    with caplog.at_level(logging.WARNING, logger="services.search.snapshot"):
        index = live.current()

    assert index.size == 1
    assert "no shared snapshot" in caplog.text
    assert not [path for path in snapshot.directory().iterdir() if path.is_dir()]


def test_each_database_has_its_own_snapshot_folder(settings, tmp_path):
    settings.DATA_DIR = tmp_path
    mine = snapshot.directory()
    original = connection.settings_dict["NAME"]
    connection.settings_dict["NAME"] = f"{original}-other"
    try:
        other = snapshot.directory()
    finally:
        connection.settings_dict["NAME"] = original
    assert mine != other
    assert mine.parent == other.parent == tmp_path / "search-index"


@pytest.mark.django_db(transaction=True)
def test_a_bulk_change_is_rebuilt_by_a_builder_at_the_lowest_priority_and_mapped(
    builder, settings, monkeypatch
):
    priorities = []
    run_here = snapshot._run_builder

    def remember(folder, lowest_priority):
        priorities.append(lowest_priority)
        run_here(folder, lowest_priority)

    monkeypatch.setattr(snapshot, "_run_builder", remember)
    ServiceFactory(name="Harbour peer support", is_national=True)
    assert live.current().size == 1
    settings.SEARCH_BACKGROUND_REBUILD = True
    monkeypatch.setattr(live, "REBUILD_AFTER_CHANGES", 3)
    organisation = Service.objects.get().organisation
    Service.objects.bulk_create(
        [Service(organisation=organisation, name=f"Bulk {n}", slug=f"bulk-{n}") for n in range(5)]
    )

    during = live.current()
    live.wait_for_rebuild(timeout=30)
    after = live.current()

    assert during.size == 1
    assert after.size == 6
    assert is_mapped(after.text.positions)
    assert priorities == [False, True]  # the start-up build, then the background one
