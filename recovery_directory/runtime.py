"""Garbage-collector settings for the long-running server (gunicorn, see
recovery_directory/gunicorn.py and wsgi.py); `make bench` applies the same, so its figures
are the server's.

Python's cyclic garbage collector runs when enough new container objects have piled up,
which happens in the middle of requests: with the defaults a search or API page paid for
several small collections and, every dozen pages, a full one, long enough to set the p95
(figures in the README's Performance section). Instead:

- at start-up everything already loaded (Django, DRF, numpy, our modules), which lives as
  long as the process, is frozen out of the collector's generations (`gc.freeze`, as the
  Python documentation suggests for servers);
- the automatic threshold is raised so that no single request triggers a collection;
- the worker collects the young generations after every YOUNG_COLLECTION_EVERY responses
  have been sent (gunicorn's post_request hook), and everything every FULL_COLLECTION_EVERY,
  so memory stays flat while no request waits for the collector. With gunicorn's threaded
  workers a collection also walks the objects of the requests other threads are serving,
  and holds them up meanwhile: after every response it took a seventh of a served search's
  time. A search leaves about 0.3 MB of cycles behind, so collecting after every eighth
  response holds a few megabytes at most.
"""

import contextlib
import ctypes
import gc
import itertools
import threading

YOUNG_GENERATION_THRESHOLD = 100_000
YOUNG_COLLECTION_EVERY = 8
FULL_COLLECTION_EVERY = 200
_served = itertools.count(1)  # next() on a count is atomic: safe from gunicorn's threads
_collecting = threading.Lock()


# glibc's malloc serves allocations from this size up with their own memory map, returned to
# the system when freed. Left to itself it raises that size to the largest block freed so
# far, so the search index's arrays (megabytes each, replaced on every change of the
# directory) would then come from the heap, which fragments and never shrinks: at 100 000
# services a worker grew by about 250 MB over its first twenty changes.
MMAP_THRESHOLD_BYTES = 128 * 1024
_M_MMAP_THRESHOLD = -3  # mallopt's parameter number (malloc.h)


def keep_large_blocks_returnable() -> None:
    """Fix glibc's mmap threshold (elsewhere, or on another C library, nothing happens)."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL("libc.so.6").mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD_BYTES)


def settle_after_startup() -> None:
    """Call once the application is loaded."""
    keep_large_blocks_returnable()
    gc.collect()
    gc.freeze()
    _, middle, old = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, old)


def collect_between_requests() -> None:
    """Call after a response has been sent. With threaded workers several threads finish
    requests at once: one collects, the others go on (a collection covers the whole
    process, and it pauses the threads still serving, so it is never queued twice)."""
    served = next(_served)
    if served % YOUNG_COLLECTION_EVERY or not _collecting.acquire(blocking=False):
        return
    try:
        gc.collect(2 if served % FULL_COLLECTION_EVERY == 0 else 1)
    finally:
        _collecting.release()
