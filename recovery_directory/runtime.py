"""Garbage-collector settings for the long-running server (gunicorn, see
recovery_directory/gunicorn.py and wsgi.py); `make bench` applies the same, so its figures
are the server's.

Python's cyclic garbage collector runs when enough new container objects have piled up,
which happens in the middle of requests: with the defaults a search or API page paid for
several small collections and, every dozen pages, a full one (20-80 ms on the benchmark
machine, which set the p95). Instead:

- at start-up everything already loaded (Django, DRF, numpy, our modules), which lives as
  long as the process, is frozen out of the collector's generations (`gc.freeze`, as the
  Python documentation suggests for servers);
- the automatic threshold is raised so that no single request triggers a collection;
- the worker collects the young generations after each response has been sent (gunicorn's
  post_request hook), and everything every FULL_COLLECTION_EVERY requests, so memory stays
  flat while no request waits for the collector.
"""

import gc

YOUNG_GENERATION_THRESHOLD = 100_000
FULL_COLLECTION_EVERY = 200
_served = 0


def settle_after_startup() -> None:
    """Call once the application is loaded."""
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)


def collect_between_requests() -> None:
    """Call after a response has been sent."""
    global _served
    _served += 1
    gc.collect(2 if _served % FULL_COLLECTION_EVERY == 0 else 1)
