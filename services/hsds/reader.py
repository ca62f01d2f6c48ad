"""Read an HSDS 3.0 file as a stream of service records, so memory stays flat however large
the feed: only one service (or one organisation with its services) is held at a time.

The file may be a JSON list of services, a list of organisations with their services, a
package object with "services" and/or "organizations", or one service object. Anything else
is a `DatasetError` whose message is one plain sentence (never a traceback): not UTF-8, not
JSON, nested deeper than any HSDS record, or the wrong shape.

ijson's low-level events are used rather than its `items()` helper because that helper
builds a dotted path for every level, which costs memory quadratic in the nesting depth."""

from collections.abc import Iterator
from typing import Any, BinaryIO

import ijson

# An HSDS service nests about eight levels (service, service_at_locations, location,
# addresses, ...); a file nested far deeper is not a dataset.
MAX_DEPTH = 32
_STARTS = {"start_map": dict, "start_array": list}
_ENDS = {"end_map", "end_array"}


class DatasetError(ValueError):
    """The file is not an HSDS dataset we can read."""


def read_services(stream: BinaryIO) -> Iterator[dict]:
    """Yield each service in the file, an organisation's services carrying it as
    "organization" (as the API's nested form does)."""
    events = ijson.basic_parse(stream, use_float=True)
    try:
        yield from _top_level(events)
    except ijson.JSONError as error:
        detail = _first_line(error)
        if "UTF8" in detail:
            raise DatasetError("This file is not UTF-8 text.") from None
        raise DatasetError(f"This is not valid JSON ({detail}).") from None
    except UnicodeDecodeError:
        raise DatasetError("This file is not UTF-8 text.") from None


def expand(item: Any, where: str) -> list[dict]:
    """One item of a list: a service, or an organisation with its services."""
    if not isinstance(item, dict):
        raise DatasetError(f"{where} is not a JSON object.")
    if "services" in item and "status" not in item:
        return services_of(item, where)
    return [item]


def services_of(organisation: Any, where: str) -> list[dict]:
    if not isinstance(organisation, dict):
        raise DatasetError(f"{where} is not a JSON object.")
    services = organisation.get("services") or []
    if not isinstance(services, list):
        raise DatasetError(f'The "services" of {where.lower()} are not a list.')
    brief = {key: value for key, value in organisation.items() if key != "services"}
    found = []
    for number, service in enumerate(services, start=1):
        if not isinstance(service, dict):
            raise DatasetError(f"Service {number} of {where.lower()} is not a JSON object.")
        found.append({**service, "organization": service.get("organization") or brief})
    return found


def _top_level(events) -> Iterator[dict]:
    event, value = _next(events)
    if event == "start_array":
        for number, item in enumerate(_elements(events, depth=1), start=1):
            yield from expand(item, f"Item {number} of the list")
    elif event == "start_map":
        yield from _package(events)
    else:
        raise DatasetError(
            "Expected a JSON list of services or organizations, or a package object."
        )


def _package(events) -> Iterator[dict]:
    rest, streamed = {}, False
    while True:
        event, key = _next(events)
        if event == "end_map":
            break
        event, value = _next(events)
        if key in ("services", "organizations"):
            if event != "start_array":
                raise DatasetError(f'"{key}" must be a JSON list.')
            streamed = True
            what = "Service" if key == "services" else "Organization"
            for number, item in enumerate(_elements(events, depth=2), start=1):
                where = f"{what} {number} in the package"
                yield from (
                    services_of(item, where) if key == "organizations" else [_object(item, where)]
                )
        else:
            rest[key] = _build(events, event, value, depth=1)
    if not streamed and "id" in rest and "status" in rest:
        yield rest


def _object(item: Any, where: str) -> dict:
    if not isinstance(item, dict):
        raise DatasetError(f"{where} is not a JSON object.")
    return item


def _elements(events, depth: int) -> Iterator[Any]:
    """The values of the array whose start event was just read."""
    while True:
        event, value = _next(events)
        if event == "end_array":
            return
        yield _build(events, event, value, depth)


def _build(events, event: str, value: Any, depth: int) -> Any:
    """The whole JSON value that starts with (event, value), built without recursion."""
    if event not in _STARTS:
        return value
    root = _STARTS[event]()
    stack: list[list] = [[root, None]]  # [container, the map key waiting for its value]
    while stack:
        event, value = _next(events)
        top = stack[-1]
        if event == "map_key":
            top[1] = value
            continue
        if event in _ENDS:
            stack.pop()
            continue
        child = _STARTS[event]() if event in _STARTS else value
        if isinstance(top[0], list):
            top[0].append(child)
        else:
            top[0][top[1]] = child
        if event in _STARTS:
            if depth + len(stack) >= MAX_DEPTH:
                raise DatasetError(
                    f"The file is nested more than {MAX_DEPTH} levels deep; HSDS records are not."
                )
            stack.append([child, None])
    return root


def _next(events) -> tuple[str, Any]:
    try:
        return next(events)
    except StopIteration:
        raise DatasetError("The file ends before its JSON is complete.") from None


def _first_line(error: Exception) -> str:
    detail = error.args[0] if error.args else ""
    text = detail.decode("utf-8", "replace") if isinstance(detail, bytes) else str(detail)
    lines = text.strip().splitlines()
    return lines[0].rstrip(".") if lines else "unreadable"
