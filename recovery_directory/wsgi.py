"""The WSGI application. gunicorn loads it once in its master before forking the workers
(`preload_app`, recovery_directory/gunicorn.py), so everything loaded here is shared by
them: the URLs and the views they import are loaded now rather than on each worker's first
request, no database connection is left open to be inherited, and then what has been loaded
is frozen out of the garbage collector's generations (runtime.py), which also keeps the
shared pages from being written to by every collection."""

import os

from django.core.wsgi import get_wsgi_application

from recovery_directory.runtime import settle_after_startup

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "recovery_directory.settings")

application = get_wsgi_application()


def _load_before_fork() -> None:
    from django.db import connections
    from django.urls import get_resolver

    get_resolver().url_patterns  # noqa: B018 - imports every view module now
    connections.close_all()


_load_before_fork()
settle_after_startup()
