"""Load Scottish postcodes from the ONS Postcode Directory or OS Code-Point Open.

Streams the CSV (flat memory), upserts in batches (one transaction each), and is idempotent:
re-running replaces coordinates and council areas. After a failure, re-run with
`start_row` set to the last "committed" row count it printed."""

import csv
import dataclasses
import functools
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TextIO

from django.db import transaction

from services.geo.postcodes import normalise_postcode
from services.models import Area, Postcode

from .osgb import osgb36_to_wgs84

DEFAULT_BATCH_SIZE = 5000
SCOTTISH_COUNCIL_PREFIX = "S12"
# Council area codes replaced in 2018/2019 (boundary changes), still found in older files.
REPLACED_COUNCIL_CODES = {
    "S12000015": "S12000047",  # Fife
    "S12000024": "S12000048",  # Perth and Kinross
    "S12000044": "S12000050",  # North Lanarkshire
    "S12000046": "S12000049",  # Glasgow City
}
CODE_POINT_DISTRICT_COLUMN = 8
_LAD_COLUMN = re.compile(r"^lad\d{2}cd$")


class PostcodeFileError(Exception):
    """The file is not a format we can read."""


@dataclass
class ImportSummary:
    format: str = ""
    read: int = 0
    imported: int = 0
    skipped_non_scottish: int = 0
    skipped_terminated: int = 0
    skipped_bad: int = 0
    removed_terminated: int = 0
    skipped_before_start: int = 0
    committed_rows: int = 0


@dataclass(frozen=True)
class _Row:
    postcode: str
    council_code: str
    terminated: bool = False
    latitude: float | None = None
    longitude: float | None = None


@dataclass
class _Batch:
    live: dict[str, _Row] = field(default_factory=dict)
    terminated: set[str] = field(default_factory=set)

    def __len__(self) -> int:
        return len(self.live) + len(self.terminated)


def _onspd_columns(header: list[str]) -> dict[str, int]:
    names = [name.strip().lower() for name in header]
    postcode = next((names.index(n) for n in ("pcds", "pcd") if n in names), None)
    council = next((i for i, n in enumerate(names) if n == "oslaua" or _LAD_COLUMN.match(n)), None)
    if postcode is None or council is None or "lat" not in names or "long" not in names:
        raise PostcodeFileError(
            "This looks like an ONS Postcode Directory file, but it needs the columns "
            "pcds (or pcd), lat, long and oslaua."
        )
    return {
        "postcode": postcode,
        "council": council,
        "lat": names.index("lat"),
        "long": names.index("long"),
        "doterm": names.index("doterm") if "doterm" in names else -1,
    }


def _onspd_row(values: list[str], columns: dict[str, int]) -> _Row:
    terminated = columns["doterm"] >= 0 and bool(values[columns["doterm"]].strip())
    latitude, longitude = float(values[columns["lat"]]), float(values[columns["long"]])
    # ONSPD marks postcodes without a grid reference with latitude 99.999999.
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise ValueError("no coordinates")
    return _Row(
        postcode=values[columns["postcode"]],
        council_code=values[columns["council"]].strip().upper(),
        terminated=terminated,
        latitude=latitude,
        longitude=longitude,
    )


def _code_point_row(values: list[str]) -> _Row:
    easting, northing = float(values[2]), float(values[3])
    # Code-Point Open gives 0, 0 for postcodes with no coordinates.
    if easting <= 0 or northing <= 0 or easting > 700_000 or northing > 1_300_000:
        raise ValueError("no coordinates")
    latitude, longitude = osgb36_to_wgs84(easting, northing)
    return _Row(
        postcode=values[0],
        council_code=values[CODE_POINT_DISTRICT_COLUMN].strip().upper(),
        latitude=latitude,
        longitude=longitude,
    )


def _open(handle: TextIO, summary: ImportSummary):
    """(parser, rows) for the file, after detecting its format from the first row."""
    reader = csv.reader(handle)
    first = next(reader, None)
    if first is None:
        raise PostcodeFileError("The file is empty.")
    if {name.strip().lower() for name in first} & {"pcds", "pcd"}:
        summary.format = "ONS Postcode Directory"
        return functools.partial(_onspd_row, columns=_onspd_columns(first)), reader
    if len(first) > CODE_POINT_DISTRICT_COLUMN and normalise_postcode(first[0]):
        summary.format = "Code-Point Open"
        # Code-Point Open has no header row: the first row is data.
        return _code_point_row, itertools.chain([first], reader)
    raise PostcodeFileError(
        "Unrecognised file: expected an ONS Postcode Directory CSV (with a header row "
        "naming pcds, lat, long, oslaua) or a Code-Point Open CSV (no header row)."
    )


def _parse_or_none(parse: Callable[[list[str]], _Row], values: list[str]) -> _Row | None:
    try:
        return parse(values)
    except (IndexError, ValueError):
        return None


def _council_ids() -> dict[str, int]:
    ids = dict(Area.objects.council_areas().values_list("gss_code", "pk"))
    for old, new in REPLACED_COUNCIL_CODES.items():
        if new in ids:
            ids.setdefault(old, ids[new])
    return ids


def _postcode(row: _Row, council_ids: dict[str, int]) -> Postcode:
    assert row.latitude is not None, "a live postcode has a place"
    assert row.longitude is not None, "a live postcode has a place"
    return Postcode(
        postcode=row.postcode,
        district=row.postcode.split(" ")[0],
        latitude=row.latitude,
        longitude=row.longitude,
        council_area_id=council_ids.get(row.council_code),
    )


def _write(batch: _Batch, council_ids: dict[str, int]) -> int:
    """Upsert the batch's live postcodes and delete its terminated ones, atomically."""
    objects = [_postcode(row, council_ids) for row in batch.live.values()]
    with transaction.atomic():
        Postcode.objects.bulk_create(
            objects,
            update_conflicts=True,
            unique_fields=["postcode"],
            update_fields=["district", "latitude", "longitude", "council_area"],
        )
        removed, _ = Postcode.objects.filter(postcode__in=batch.terminated).delete()
    return removed


def _classify(row: _Row | None, batch: _Batch, summary: ImportSummary) -> None:
    postcode = normalise_postcode(row.postcode) if row else None
    if row is None or postcode is None:
        summary.skipped_bad += 1
    elif not row.council_code.startswith(SCOTTISH_COUNCIL_PREFIX):
        summary.skipped_non_scottish += 1
    elif row.terminated:
        summary.skipped_terminated += 1
        batch.terminated.add(postcode)
    else:
        # A postcode repeated within one batch keeps its last row (one upsert per key).
        batch.live[postcode] = dataclasses.replace(row, postcode=postcode)


def import_postcodes(
    handle: TextIO,
    *,
    start_row: int = 0,
    batch_size: int = DEFAULT_BATCH_SIZE,
    progress: Callable[[ImportSummary], None] | None = None,
) -> ImportSummary:
    """Import Scottish postcodes from an open CSV file (format detected from its first row).

    `start_row` skips that many data rows (the header is not counted). `progress` is called
    after each committed batch."""
    summary = ImportSummary()
    council_ids = _council_ids()
    batch = _Batch()

    def commit() -> None:
        summary.imported += len(batch.live)
        summary.removed_terminated += _write(batch, council_ids)
        summary.committed_rows = summary.read
        batch.live.clear()
        batch.terminated.clear()
        if progress:
            progress(summary)

    parse, rows = _open(handle, summary)
    for values in rows:
        summary.read += 1
        if summary.read <= start_row:
            summary.skipped_before_start += 1
            continue
        _classify(_parse_or_none(parse, values), batch, summary)
        if len(batch) >= batch_size:
            commit()
    if len(batch) or summary.committed_rows < summary.read:
        commit()
    return summary
