"""The served configuration (recovery_directory/gunicorn.py) and the garbage-collection hook it
runs after every response, from several threads at once."""

import importlib
import threading

import pytest

from recovery_directory import runtime


def _config(monkeypatch, **env):
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT", "LOG_FORMAT"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    import recovery_directory.gunicorn as config

    return importlib.reload(config)


def test_workers_are_threaded_and_a_busy_worker_stops_accepting(monkeypatch):
    config = _config(monkeypatch)
    assert (config.worker_class, config.workers, config.threads) == ("gthread", 3, 8)
    assert config.worker_connections == config.threads
    assert config.timeout == 30


def test_workers_threads_and_timeout_come_from_the_environment(monkeypatch):
    config = _config(monkeypatch, WEB_CONCURRENCY="2", GUNICORN_THREADS="16", GUNICORN_TIMEOUT="20")
    assert (config.workers, config.threads, config.timeout) == (2, 16, 20)


@pytest.mark.parametrize("value", ["0", "many", "-3"])
def test_a_bad_thread_count_stops_the_server_with_a_message(monkeypatch, value):
    with pytest.raises(SystemExit, match="GUNICORN_THREADS must be a whole number"):
        _config(monkeypatch, GUNICORN_THREADS=value)


def test_the_access_log_has_no_client_address_or_query_string(monkeypatch):
    config = _config(monkeypatch)
    assert config.accesslog == "-"
    assert "%(h)s" not in config.access_log_format
    assert "%(U)s" in config.access_log_format
    assert "%(r)s" not in config.access_log_format
    assert "%(q)s" not in config.access_log_format


def test_json_logs_replace_gunicorns_access_log(monkeypatch):
    config = _config(monkeypatch, LOG_FORMAT="json")
    assert config.accesslog is None
    formatter = config.logconfig_dict["formatters"]["json"]["()"]
    assert formatter == "pythonjsonlogger.json.JsonFormatter"


def test_collecting_after_responses_is_safe_from_many_threads_at_once(monkeypatch):
    collections = []
    monkeypatch.setattr(runtime.gc, "collect", lambda generation: collections.append(generation))
    monkeypatch.setattr(runtime, "_served", iter(range(1, 10_000)))
    threads = [
        threading.Thread(target=lambda: [runtime.collect_between_requests() for _ in range(50)])
        for _ in range(8)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert 0 < len(collections) <= 400
    assert set(collections) <= {1, 2}
    assert not runtime._collecting.locked()


def test_the_collector_runs_after_every_eighth_response_and_fully_every_two_hundredth(
    monkeypatch,
):
    collections = []
    monkeypatch.setattr(runtime.gc, "collect", lambda generation: collections.append(generation))
    monkeypatch.setattr(runtime, "_served", iter(range(1, 10_000)))

    for _ in range(400):
        runtime.collect_between_requests()

    assert len(collections) == 400 // runtime.YOUNG_COLLECTION_EVERY == 50
    assert collections.count(2) == 2  # after the 200th and the 400th


def test_a_worker_takes_its_search_index_from_the_shared_build_before_serving(monkeypatch):
    from services.search import live

    config = _config(monkeypatch)
    seen = []
    monkeypatch.setattr(live, "_shared_builds", False)
    monkeypatch.setattr(live, "current", lambda: seen.append(live._shared_builds))

    class Worker:
        notified = 0

        def notify(self):
            self.notified += 1

    config.post_worker_init(Worker())

    assert seen == [True]  # built once, by the shared builder (services/search/snapshot.py)


def test_the_app_is_loaded_once_in_the_master_and_shared_by_the_workers(monkeypatch):
    assert _config(monkeypatch).preload_app is True


def test_loading_before_the_fork_closes_every_database_connection(monkeypatch):
    from django.db import connections

    from recovery_directory import wsgi

    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))

    wsgi._load_before_fork()

    assert closed == [True]
