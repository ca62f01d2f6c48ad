"""Reading never depends on writing, on the served app as `make run` has it (gunicorn, SQLite,
the database cache): while another process holds SQLite's write lock (as `import_hsds` or a
backup does), a search and an API read still answer 200, after one wait for the lock; they
only skip their counters and cache entries."""

import sqlite3

import pytest

from tests.services.test_served_faults import ServedApp

pytestmark = pytest.mark.faults


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    app = ServedApp("", tmp_path_factory.mktemp("served-sqlite"))
    yield app
    app.stop()


def test_search_and_api_reads_answer_while_the_database_refuses_writes(served):
    assert served.get("/search/?near=Paisley")[0] == 200
    lock = sqlite3.connect(served.env["DATA_DIR"] + "/recovery_directory.sqlite3", timeout=1)
    lock.execute("BEGIN EXCLUSIVE")
    try:
        for path in (
            "/search/?near=Paisley",
            "/api/v1/services/?near=Paisley",
            "/search/?near=Paisley&type=drop-in",
        ):
            status, body, seconds = served.get(path, timeout=20)
            assert status == 200, (path, status, body[:300])
            # One wait for the lock (DB_STATEMENT_TIMEOUT, 4 s), then no more writes are tried.
            assert seconds < 6, (path, seconds)
            assert "Paisley" in body
    finally:
        lock.rollback()
        lock.close()
    assert served.get("/search/?near=Paisley")[0] == 200
    log = served.log.read_text()
    assert "Skipped counting a search: the database refused the write" in log
    assert "Paisley" not in log
