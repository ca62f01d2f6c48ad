"""gunicorn settings (`gunicorn --config python:recovery_directory.gunicorn …`): each worker
builds its search index before taking requests, and collects garbage after each response
is sent rather than during requests (see runtime.py)."""

import logging

from recovery_directory.runtime import collect_between_requests

logger = logging.getLogger(__name__)


def post_worker_init(worker) -> None:
    from django.db import DatabaseError

    from services import search_index

    try:
        search_index.current()
    except DatabaseError:  # not migrated yet: the first search builds it instead
        logger.warning("Search index not built at start-up: the database is not ready.")


def post_request(worker, req, environ, resp) -> None:
    collect_between_requests()
