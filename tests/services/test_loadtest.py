"""`make loadtest` keeps working: its locust load, for a few seconds against gunicorn serving a
tiny directory, sends every kind of request and none of them fails."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import connection

from services import bench
from services.loadtest import plan, run
from services.models import OrganisationToken
from tests.helpers import free_port
from tests.reference_data import seed_reference_data


def served_database(data_dir: Path) -> str:
    """DATABASE_URL for a server process to see this test's committed rows: PostgreSQL's test
    database itself, or a file copy of SQLite's in-memory one (in `data_dir`, where the app looks
    when DATABASE_URL is empty)."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        password = f":{db['PASSWORD']}" if db["PASSWORD"] else ""
        return f"postgresql://{db['USER']}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    copy = sqlite3.connect(data_dir / "recovery_directory.sqlite3")
    connection.ensure_connection()
    connection.connection.backup(copy)
    copy.close()
    return ""


@pytest.fixture
def served_copy(transactional_db, tmp_path):
    """gunicorn (one worker) serving this test's database, with bench data in it."""
    manifest = Path(settings.STATIC_ROOT) / "staticfiles.json"
    if not manifest.exists():  # pages need collected static files when DEBUG is off
        subprocess.run(
            [sys.executable, "manage.py", "collectstatic", "--noinput", "--ignore", "src",
             "--verbosity", "0"],
            cwd=settings.BASE_DIR, check=True, timeout=120,
        )  # fmt: skip
    seed_reference_data()  # an earlier transactional test may have emptied the tables
    bench.load(services=60, locations=90, out=lambda line: None)
    plan_path = tmp_path / "plan.json"
    plan.build(plan_path)
    env = {
        "DATA_DIR": str(tmp_path),
        "DATABASE_URL": served_database(tmp_path),
        # The test database has no cache table; one worker, so a process's own cache is shared.
        "CACHE_URL": "locmem://",
        "DEBUG": "false",
    }
    server = run.Server(free_port(8900, 8999), 1, tmp_path / "server.log", env)
    try:
        server.wait_until_up(seconds=60)
        yield server, plan_path
    finally:
        server.stop()


@pytest.mark.django_db(transaction=True)
def test_every_kind_of_request_runs_and_none_fails(served_copy, tmp_path):
    server, plan_path = served_copy
    classes = [*run.READERS, "Writer"]
    figures = run.run_locust(server.base, plan_path, classes, 10, 5, tmp_path / "mix")

    by_name = {f.name: f for f in figures}
    assert set(by_name) == {"home", "search", "service page", "api services", "api write"}
    for kind in by_name.values():
        assert kind.requests > 0, kind
        assert kind.failures == 0, (kind, run.failures(tmp_path / "mix"))
    table = run.report("Mix", figures, baseline=by_name["home"].per_second)
    assert "x home" in table
    assert "search" in table


def test_the_writer_token_belongs_to_a_bench_organisation_and_is_revoked_after(db, tmp_path):
    seed_reference_data()  # an earlier transactional test may have emptied the tables
    bench.load(services=60, locations=90, out=lambda line: None)
    built = plan.build(tmp_path / "plan.json")
    token = OrganisationToken.objects.active().get()
    assert token.organisation.name.startswith(bench.BENCH_PREFIX)
    assert str(token.organisation.services.get(pk=built["writer"]["service_id"]).pk)
    assert (tmp_path / "plan.json").stat().st_mode & 0o077 == 0

    plan.revoke_tokens()

    assert not OrganisationToken.objects.active().exists()


def test_the_report_gives_each_kind_against_the_home_page_of_the_same_run_and_the_baseline():
    figures = [
        run.Figures("home", 1000, 0, 100.0, 20, 40, 60),
        run.Figures("search", 200, 3, 20.0, 300, 700, 900),
    ]

    table = run.report("Mix", figures, baseline=200.0).splitlines()

    assert table[1].split() == [
        "kind", "requests", "req/s", "p50", "ms", "p95", "ms", "p99", "ms", "failures",
        "x", "home", "x", "base",
    ]  # fmt: skip
    assert table[3].split() == ["search", "200", "20.0", "300", "700", "900", "3", "0.20", "0.10"]


def test_the_report_compares_searches_with_edits_against_searches_without():
    quiet = [run.Figures("search", 400, 0, 40.0, 100, 300, 500)]
    edited = [run.Figures("search", 360, 0, 36.0, 110, 320, 600)]

    line = run.edits_effect(quiet, edited)

    assert "0.90 x the req/s without edits" in line
    assert "p99 600 ms against 500 ms (1.20 x)" in line


def test_loadtest_refuses_too_few_users_with_a_message(db):
    with pytest.raises(CommandError, match="--users must be between 5 and 1000"):
        call_command("loadtest", users=2, seconds=5)


def _fake_process(proc: Path, pid: int, **files: str) -> None:
    (proc / str(pid)).mkdir(parents=True)
    for name, text in files.items():
        (proc / str(pid) / name).write_text(text)


ROLLUP = """00400000-7ffc0000 ---p 00000000 00:00 0    [rollup]
Rss:              153600 kB
Pss:              112640 kB
Pss_Anon:          90000 kB
Shared_Clean:      51200 kB
Shared_Dirty:       4096 kB
Private_Clean:      8192 kB
Private_Dirty:     86016 kB
Swap:                  0 kB
"""


def test_each_workers_resident_proportional_and_unique_memory_is_reported(tmp_path):
    (tmp_path / "40" / "task" / "40").mkdir(parents=True)
    (tmp_path / "40" / "task" / "40" / "children").write_text("41 42")
    _fake_process(tmp_path, 41, smaps_rollup=ROLLUP)
    status = "Name:\tgunicorn\nVmPeak:\t 200000 kB\nVmRSS:\t  102400 kB\n"
    _fake_process(tmp_path, 42, status=status)

    report = run.workers_memory(40, proc=tmp_path).splitlines()

    assert report == [
        "Workers' memory after the runs (smaps_rollup):",
        "  worker 1: RSS 150, PSS 110, unique 92 MB",  # unique: private clean + dirty
        "  worker 2: RSS 100 MB",  # no smaps_rollup: the resident size alone
    ]
    assert run.workers_memory(99, proc=tmp_path) == (
        "Workers' memory: not readable here (Linux /proc only)."
    )


def test_the_memory_of_this_process_is_read_from_the_system():
    import os

    memory = run.process_memory(os.getpid())

    assert memory.pss is not None
    assert memory.unique is not None
    assert 0 < memory.unique <= memory.pss <= memory.rss
