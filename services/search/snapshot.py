"""The search index built once, in a process of its own, and mapped by every worker.

Why: each gunicorn worker held a whole index (about 45 MB of arrays at 100 000 services) and
the memory its build left behind (the allocator keeps the arenas of the build's short-lived
objects: another 30-100 MB). Here a worker that needs a whole index asks a short-lived
process (`manage.py search_index_snapshot`) to build one and write its arrays to files under
DATA_DIR; the worker maps them read-only (`np.load(mmap_mode="r")`), so

- the build's garbage dies with that process;
- the workers of one machine share the mapped pages (the system keeps one copy of a file's
  pages however many processes map it): a worker whose build was requested while another's
  was running takes that snapshot, if the snapshot began after its request (so it holds
  everything the worker asked for), instead of building again.

A worker then applies the change log to it as to any index (`Index.apply`): the arrays a
change touches are copied into the worker's own memory (copy on write), the rest stays
shared. When anything here fails (no writable DATA_DIR, the builder process failing), the
worker builds in its own process as before and logs why.
"""

import fcntl
import hashlib
import logging
import os
import pickle
import shutil
import subprocess
import sys
import time
from array import array
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db import connection

from services.search.index import ROW_ARRAYS, Index, Points, Terms, Text, build
from services.search.packed import Ids, Stems, Strings

logger = logging.getLogger(__name__)

# A builder process taking longer than this is stopped (the worker then builds itself).
BUILD_TIMEOUT_S = 900
# Saved with each snapshot: a release that changes what a snapshot holds never reads another
# release's (two may run side by side during a deploy); it builds its own in their place.
FORMAT = 3
_META = "meta.pickle"
# One row per service: the flags an edit rewrites (index.ROW_ARRAYS) and the others.
_ROW_ARRAYS = ("live", "name_rank", *ROW_ARRAYS, "covers", "covers_any")


def directory() -> Path:
    """Where this database's snapshots are: one folder per database, so processes of two
    databases (tests, a second site) never take each other's."""
    database = connection.settings_dict
    identity = f"{connection.vendor}:{database['HOST']}:{database['PORT']}:{database['NAME']}"
    key = hashlib.sha256(identity.encode()).hexdigest()[:16]
    return Path(settings.DATA_DIR) / "search-index" / key


def save(index: Index, folder: Path, started: float) -> None:
    """Write `index` (a whole build, `started` at this time.time()) into `folder`."""
    folder.mkdir(parents=True)
    arrays = {
        "ids.keys": index.ids.keys,
        "ids.order": index.ids.order,
        "ids.sorted": index.ids.sorted,
        "by_name": np.frombuffer(index.by_name, dtype=np.int32),
        "labels.buffer": index.labels.buffer_array(),
        "labels.starts": index.labels.starts,
        "points.lat": index.points.lat,
        "points.lon": index.points.lon,
        "points.service": index.points.service,
        "text.stems.buffer": index.text.stems.strings.buffer_array(),
        "text.stems.starts": index.text.stems.strings.starts,
        "text.stems.runs": index.text.stems.runs,
        "text.starts": index.text.starts,
        "text.positions": index.text.positions,
        "text.weights": index.text.weights,
        "text.dirty": index.text.dirty,
        **{name: getattr(index, name) for name in _ROW_ARRAYS},
        **{f"terms.{relation}": held.matrix for relation, held in index.terms.items()},
    }
    for name, values in arrays.items():
        np.save(folder / f"{name}.npy", np.ascontiguousarray(values), allow_pickle=False)
    meta = {
        "format": FORMAT,
        "started": started,
        "cursor": index.cursor,
        "terms": {relation: (held.terms, held.columns) for relation, held in index.terms.items()},
        "councils": index.councils,
        "area_wholes": index.area_wholes,
        "labels.changed": index.labels.changed,
        "text.overlay": index.text.overlay,
        "text.overlay_stems": index.text.overlay_stems,
        "changes_applied": index.changes_applied,
    }
    # Written last: a folder without it is an unfinished snapshot.
    (folder / _META).write_bytes(pickle.dumps(meta))


def load(folder: Path) -> Index:
    """The index saved in `folder`, its arrays mapped read-only from the files."""
    meta = _meta(folder)
    if meta.get("format") != FORMAT:
        raise ValueError(f"a snapshot of format {meta.get('format')}, not {FORMAT}")

    def mapped(name: str) -> np.ndarray:
        # A plain array over the mapped file (it keeps the map open): numpy's memmap class
        # runs Python code on every slice and on every array derived from one, which cost a
        # twentieth of a served search.
        found = np.load(folder / f"{name}.npy", mmap_mode="r", allow_pickle=False)
        return found.view(np.ndarray)

    text = Text(
        stems=Stems(
            Strings.of_parts(mapped("text.stems.buffer"), mapped("text.stems.starts"), {}),
            mapped("text.stems.runs"),
        ),
        starts=mapped("text.starts"),
        positions=mapped("text.positions"),
        weights=mapped("text.weights"),
        dirty=mapped("text.dirty"),
        overlay=meta["text.overlay"],
        overlay_stems=meta["text.overlay_stems"],
    )
    return Index(
        cursor=meta["cursor"],
        ids=Ids(mapped("ids.keys"), mapped("ids.order"), mapped("ids.sorted")),
        by_name=array("i", mapped("by_name").tobytes()),  # changed in place: a copy
        labels=Strings.of_parts(
            mapped("labels.buffer"), mapped("labels.starts"), meta["labels.changed"]
        ),
        terms={
            relation: Terms(listed, columns, mapped(f"terms.{relation}"))
            for relation, (listed, columns) in meta["terms"].items()
        },
        points=Points(mapped("points.lat"), mapped("points.lon"), mapped("points.service")),
        councils=meta["councils"],
        area_wholes=meta["area_wholes"],
        text=text,
        changes_applied=meta["changes_applied"],
        **{name: mapped(name) for name in _ROW_ARRAYS},
    )


def _meta(folder: Path) -> dict:
    # Written by this application's own builder process into its own data folder.
    return pickle.loads((folder / _META).read_bytes())  # noqa: S301


def write(folder: Path) -> None:
    """Build the whole index and save it into `folder` (the builder process's work)."""
    started = time.time()
    save(build(), folder, started)


def shared(requested_at: float, lowest_priority: bool = False) -> Index:
    """A whole index whose snapshot began after `requested_at` (a time.time()): the one
    another worker has just had built, or a new one from a builder process. Falls back to
    building in this process."""
    root = directory()
    try:
        root.mkdir(parents=True, exist_ok=True)
        with (root / "lock").open("a") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)  # one builder at a time; others wait
            latest = _latest(root)
            if latest is None or not _will_do(_meta(latest), requested_at):
                latest = _make(root, lowest_priority)
            return load(latest)
    except Exception as error:  # whatever it is, this process can still build its own
        logger.warning("Search index built in this process: no shared snapshot (%r).", error)
        return build()


def _will_do(meta: dict, requested_at: float) -> bool:
    """A snapshot of this release's format, begun after the build was asked for (so it has
    every change the asker had seen)."""
    return meta.get("format") == FORMAT and meta["started"] >= requested_at


def _latest(root: Path) -> Path | None:
    try:
        folder = root / (root / "current").read_text().strip()
    except FileNotFoundError:
        return None
    return folder if (folder / _META).is_file() else None


def _make(root: Path, lowest_priority: bool) -> Path:
    """Run the builder process into a new folder, make it the current one, and remove the
    older ones (processes still mapping their files keep them until they let go)."""
    target = root / f"{time.time_ns()}-{os.getpid()}"
    unfinished = root / f"{target.name}.part"
    try:
        _run_builder(unfinished, lowest_priority)
    except BaseException:
        shutil.rmtree(unfinished, ignore_errors=True)
        raise
    unfinished.rename(target)
    pointer = root / "current.part"
    pointer.write_text(target.name)
    pointer.replace(root / "current")
    for old in root.iterdir():
        if old.is_dir() and old != target:
            shutil.rmtree(old, ignore_errors=True)
    return target


def _run_builder(folder: Path, lowest_priority: bool) -> None:
    """`manage.py search_index_snapshot FOLDER` in a process of its own (same settings)."""
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "search_index_snapshot"]
    if lowest_priority:
        command.append("--lowest-priority")
    done = subprocess.run(
        [*command, str(folder)],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_S,
        check=False,
    )
    if done.returncode != 0:
        raise subprocess.SubprocessError(
            f"the builder process failed ({done.returncode}): {done.stderr.strip()[-500:]}"
        )
