"""gunicorn settings (`gunicorn --config python:recovery_directory.gunicorn …`): collect
garbage after each response is sent rather than during requests (see runtime.py)."""

from recovery_directory.runtime import collect_between_requests


def post_request(worker, req, environ, resp) -> None:
    collect_between_requests()
