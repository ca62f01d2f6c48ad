"""Process tuning for the long-running server (gunicorn via wsgi.py); `make bench` applies the
same so its figures are the server's."""

import gc

# Collect the youngest generation after this many new container objects (Python's default
# is 2 000). One search or API page creates about 10 000, so with the default a page paid
# for several collections, and every dozen pages for a full one (20-80 ms on the benchmark
# machine: the p95). Request garbage still dies young; memory stays flat (see README).
YOUNG_GENERATION_THRESHOLD = 50_000


def settle_after_startup() -> None:
    """Call once the application is loaded. Everything loaded so far (Django, DRF, numpy,
    our modules) lives as long as the process: freezing it keeps full collections to what
    requests create (gc.freeze, as the Python documentation suggests for servers)."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)
