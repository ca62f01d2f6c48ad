"""gunicorn settings (`gunicorn --config python:recovery_directory.gunicorn …`), shared by
`make run` and the container.

- Threaded workers (`gthread`): a worker serves GUNICORN_THREADS requests at once, so visitors
  who send their requests slowly (a phone on a bad line, or an attacker) hold a thread each
  rather than a whole process. A worker whose threads are all busy stops accepting
  connections (`worker_connections` = threads), so the others take new visitors. This is a
  second line: in production a buffering proxy (nginx) in front reads requests completely
  before passing them on (README, "Running in production").
- Each worker builds its search index before taking requests, and collects garbage after
  responses rather than during them (see runtime.py).
- The access log has no client address and no query string (searches hold postcodes). With
  LOG_FORMAT=json the app writes one JSON line per request instead (services/logs.py), and
  gunicorn's own messages are JSON lines too.
"""

import logging
import os

from recovery_directory.runtime import collect_between_requests

logger = logging.getLogger(__name__)


def _positive_int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or int(raw) < 1:
        raise SystemExit(f"{name} must be a whole number of at least 1, not {raw!r}.")
    return int(raw)


worker_class = "gthread"
# The app is loaded once, in the master, before the workers are forked (recovery_directory/
# wsgi.py then freezes what it loaded out of the garbage collector's reach): the workers
# share those pages instead of each holding its own copy of Django, the libraries and the
# place tables. No connection or thread is open at that point (wsgi.py makes sure).
preload_app = True
workers = _positive_int("WEB_CONCURRENCY", 3)
threads = _positive_int("GUNICORN_THREADS", 8)
worker_connections = threads
# A worker that stops answering its master (stuck, not merely busy) is replaced.
timeout = _positive_int("GUNICORN_TIMEOUT", 30)
graceful_timeout = timeout

if os.environ.get("LOG_FORMAT", "text").strip().lower() == "json":
    accesslog = None
    logconfig_dict = {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "json": {
                "()": "pythonjsonlogger.json.JsonFormatter",
                "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
                "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
            }
        },
        "handlers": {
            "console": {"class": "logging.StreamHandler", "formatter": "json"},
        },
        "loggers": {
            "gunicorn.error": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
else:
    accesslog = "-"
    access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(M)sms'


def post_worker_init(worker) -> None:
    """Build the search index before taking requests. The build runs in a thread while this
    one tells the master the worker is alive: at 100 000 services a build on a busy machine
    can take longer than the master's `timeout`, and a worker that says nothing is killed.
    Whole builds come from a builder process whose files the workers map and share
    (services/search/snapshot.py): one build for all of them, and no build garbage in any."""
    import threading

    from django.db import DatabaseError, connection

    from services.search import live

    live.share_builds()
    failed: list[BaseException] = []

    def build() -> None:
        try:
            live.current()
        except DatabaseError as error:  # not migrated yet, or down: the first search builds
            failed.append(error)
        finally:
            connection.close()

    builder = threading.Thread(target=build, name="search-index-build", daemon=True)
    builder.start()
    while builder.is_alive():
        worker.notify()
        builder.join(1)
    if failed:
        logger.warning("Search index not built at start-up: the database is not ready.")


def post_request(worker, req, environ, resp) -> None:
    collect_between_requests()
