"""`/healthz` and `/readyz` for load balancers and the container's HEALTHCHECK.

- `/healthz`: the process is alive and serving. It touches nothing else, so a database outage
  never makes a load balancer restart healthy app containers.
- `/readyz`: the database answers, every migration on disk is applied and the shared cache
  answers; 503 otherwise, within the database timeouts (services/faults.py).

Answered by a middleware near the top of the stack, before the host check and the HTTPS
redirect: a load balancer or `docker` probes the container by its own address over plain
HTTP, which is neither an allowed host nor HTTPS. Only GET and HEAD are answered; the
bodies name which check failed and never the error (which may describe the servers).
"""

from collections.abc import Callable

from django.core.cache import cache, caches
from django.core.cache.backends.db import DatabaseCache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse, JsonResponse

from services import faults

HEALTH_PATHS = {"/healthz", "/readyz"}


def pending_migrations() -> int:
    connection = connections[DEFAULT_DB_ALIAS]
    executor = MigrationExecutor(connection)
    return len(executor.migration_plan(executor.loader.graph.leaf_nodes()))


def readiness() -> dict[str, str]:
    """Each check's result: "ok", or why the app cannot serve yet."""
    checks = {"database": "ok", "migrations": "ok", "cache": "ok"}
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.execute_wrapper(faults.guard_query):
            if pending_migrations():
                checks["migrations"] = "pending"
    except faults.UNAVAILABLE_ERRORS:
        checks["database"] = "unavailable"
        checks["migrations"] = "unknown"
        connection.close()
    if checks["database"] != "ok" and isinstance(caches["default"], DatabaseCache):
        checks["cache"] = "unknown"  # it lives in the database: asking would wait again
        return checks
    try:
        cache.get("readyz")
    except Exception:  # any cache backend's connection error
        checks["cache"] = "unavailable"
    return checks


def _answer(request: HttpRequest) -> HttpResponse:
    if request.path_info == "/healthz":
        response: HttpResponse = JsonResponse({"status": "ok"})
    else:
        checks = readiness()
        ready = all(value == "ok" for value in checks.values())
        response = JsonResponse(
            {"status": "ok" if ready else "unavailable", **checks}, status=200 if ready else 503
        )
    response["Cache-Control"] = "no-store"
    return response


class HealthCheckMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info in HEALTH_PATHS and request.method in ("GET", "HEAD"):
            return _answer(request)
        return self.get_response(request)
