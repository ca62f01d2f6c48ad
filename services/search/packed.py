"""Compact containers for the search index's per-service values that are not numbers.

At 100 000 services, a Python object per service (a UUID as an int, a name, a stem) and a
dictionary to find them cost about 45 MB per process, and the build that made them left the
allocator's memory fragmented around them. Here each kind is one numpy array or one buffer:
ids as 16 bytes each with a sorted copy to find a position, names and stems end to end in one
UTF-8 buffer. Both are immutable; a change makes a new one (copy on write), sharing what it can.
"""

import bisect
import uuid
from collections.abc import Iterable, Mapping

import numpy as np

KEY = np.dtype("S16")  # a UUID's 16 bytes, big-endian: byte order is the integers' order


def _uuid(raw: bytes) -> uuid.UUID:
    # numpy drops trailing zero bytes of an "S" value when it hands one back.
    return uuid.UUID(bytes=raw.ljust(16, b"\0"))


class Ids:
    """The services' UUIDs by position (`ids[position]` is the UUID as an int), and where
    each is: a sorted copy and the positions in that order, searched with `np.searchsorted`
    instead of a dictionary of 100 000 Python ints."""

    __slots__ = ("keys", "order", "sorted")

    def __init__(self, keys: np.ndarray, order: np.ndarray | None = None, sorted_=None) -> None:
        self.keys = keys
        if order is None:
            order = np.argsort(keys, kind="stable").astype(np.int32)
            sorted_ = keys[order]
        self.order = order
        self.sorted = sorted_

    @classmethod
    def of(cls, pks: Iterable[uuid.UUID]) -> "Ids":
        return cls(np.array([pk.bytes for pk in pks], dtype=KEY).reshape(-1))

    def __len__(self) -> int:
        return len(self.keys)

    def __getitem__(self, position) -> int:
        return int.from_bytes(self.keys[position].ljust(16, b"\0"), "big")

    def uuids(self, positions: np.ndarray) -> list[uuid.UUID]:
        return [_uuid(raw) for raw in self.keys[positions].tolist()]

    def position(self, pk: int) -> int | None:
        """The position of the service whose UUID is `pk` (as an int), or None."""
        key = np.array([pk.to_bytes(16, "big")], dtype=KEY)
        at = int(np.searchsorted(self.sorted, key[0]))
        if at < len(self.sorted) and self.sorted[at : at + 1] == key:
            return int(self.order[at])
        return None

    def positions_of(self, pks: Iterable[uuid.UUID] | np.ndarray) -> np.ndarray:
        """The positions of those of `pks` (UUIDs, or an array of their 16-byte KEYs) held,
        in the order given, as int64."""
        if isinstance(pks, np.ndarray):
            wanted = pks.astype(KEY, copy=False)
        else:
            wanted = np.array([pk.bytes for pk in pks], dtype=KEY).reshape(-1)
        if not len(self.sorted) or not len(wanted):
            return np.empty(0, np.int64)
        at = np.minimum(np.searchsorted(self.sorted, wanted), len(self.sorted) - 1)
        found = self.sorted[at] == wanted
        return self.order[at[found]].astype(np.int64)

    def plus(self, pks: list[int]) -> "Ids":
        """With `pks` (ints, none held yet) appended at the next positions."""
        if not pks:
            return self
        added = np.array([pk.to_bytes(16, "big") for pk in pks], dtype=KEY)
        new_positions = np.arange(len(self.keys), len(self.keys) + len(added), dtype=np.int32)
        in_order = np.argsort(added, kind="stable")
        at = np.searchsorted(self.sorted, added[in_order])
        return Ids(
            np.concatenate([self.keys, added]),
            np.insert(self.order, at, new_positions[in_order]),
            np.insert(self.sorted, at, added[in_order]),
        )


class Positions(Mapping):
    """`index.positions` as it was (UUID int -> position), read from the `Ids`."""

    def __init__(self, ids: Ids) -> None:
        self.ids = ids

    def __getitem__(self, pk: int) -> int:
        position = self.ids.position(pk)
        if position is None:
            raise KeyError(pk)
        return position

    def __contains__(self, pk: object) -> bool:
        return isinstance(pk, int) and self.ids.position(pk) is not None

    def __iter__(self):
        return (self.ids[position] for position in range(len(self.ids)))

    def __len__(self) -> int:
        return len(self.ids)


# After each string in the buffer (strings are found by their offsets; `tolist` splits the
# stems, runs of letters and digits, at it).
_END = "\0"


class Strings:
    """Strings by position, end to end in one UTF-8 buffer (each followed by a NUL), found by
    their start offsets: a few bytes each instead of a Python object each. Changed or added
    strings are held in `changed` (position -> string), so a change copies only that
    dictionary. The buffer is bytes, or a uint8 array (mapped from a snapshot file). When
    the strings are in sorted order (the stems), `find` looks one up by bisection (UTF-8
    bytes sort as their code points, as Python compares strings)."""

    __slots__ = ("buffer", "changed", "length", "starts")

    def __init__(self, items: Iterable[str]) -> None:
        encoded = [(item + _END).encode() for item in items]
        self.buffer: bytes | np.ndarray = b"".join(encoded)
        self.starts = np.zeros(len(encoded) + 1, np.int64)
        np.cumsum(np.fromiter(map(len, encoded), np.int64, len(encoded)), out=self.starts[1:])
        self.changed: dict[int, str] = {}
        self.length = len(encoded)

    @classmethod
    def of_parts(cls, buffer, starts: np.ndarray, changed: dict[int, str]) -> "Strings":
        """From a buffer and offsets as `Strings` holds them (a snapshot's)."""
        made = object.__new__(cls)
        made.buffer, made.starts, made.changed = buffer, starts, dict(changed)
        made.length = max(len(starts) - 1, max(changed, default=-1) + 1)
        return made

    def buffer_array(self) -> np.ndarray:
        """The buffer as a uint8 array (to save it)."""
        return np.frombuffer(self.buffer, dtype=np.uint8)

    def __len__(self) -> int:
        return self.length

    def _raw(self, position: int) -> bytes:
        return bytes(self.buffer[self.starts[position] : self.starts[position + 1] - 1])

    def __getitem__(self, position: int) -> str:
        found = self.changed.get(position)
        if found is not None:
            return found
        if not 0 <= position < len(self.starts) - 1:
            raise IndexError(position)
        return self._raw(position).decode()

    def with_changes(self, changes: dict[int, str]) -> "Strings":
        """A copy with the strings at the positions of `changes` replaced or added (added
        positions follow the last one)."""
        return Strings.of_parts(self.buffer, self.starts, {**self.changed, **changes})

    def find(self, text: str, start: int = 0, stop: int | None = None) -> int | None:
        """The position of `text` among the buffer's strings from `start` to `stop`
        (sorted there), or None."""
        key = text.encode()
        stop = len(self.starts) - 1 if stop is None else stop
        at = start + bisect.bisect_left(range(start, stop), key, key=self._raw)
        return at if at < stop and self._raw(at) == key else None

    def tolist(self, start: int = 0, stop: int | None = None) -> list[str]:
        """The buffer's strings from `start` to `stop` as a list (made for the occasion)."""
        stop = len(self.starts) - 1 if stop is None else stop
        if stop <= start:
            return []
        chunk = bytes(self.buffer[self.starts[start] : self.starts[stop]])
        return chunk.decode().split(_END)[:-1]


class Stems:
    """The keyword postings' stems in `Strings`, ordered by length (in characters), then as
    strings: the stems of one length are one run, so a stem is found by bisection within
    its length's run, and the stems a misspelt word may stand for (a few edits away, so at
    most that many characters longer or shorter) are one slice of the buffer rather than
    the whole vocabulary. `runs[n]` is where the stems of length n begin."""

    __slots__ = ("runs", "strings")

    def __init__(self, strings: Strings, runs: np.ndarray) -> None:
        self.strings, self.runs = strings, runs

    @staticmethod
    def order(stems: list[str]) -> list[int]:
        """The indexes of `stems` in the order `Stems` keeps them."""
        return sorted(range(len(stems)), key=lambda n: (len(stems[n]), stems[n]))

    @classmethod
    def of_ordered(cls, stems: list[str]) -> "Stems":
        """From stems already in `order`."""
        lengths = np.fromiter(map(len, stems), np.int64, len(stems))
        longest = int(lengths.max()) if len(stems) else 0
        runs = np.searchsorted(lengths, np.arange(longest + 2), side="left")
        return cls(Strings(stems), runs.astype(np.int64))

    def __len__(self) -> int:
        return len(self.strings)

    def _run(self, shortest: int, longest: int) -> tuple[int, int]:
        """Where the stems of `shortest` to `longest` characters are."""
        last = len(self.runs) - 1  # runs[last] is the end of the longest stems
        start = int(self.runs[min(max(shortest, 0), last)])
        return start, int(self.runs[min(max(longest + 1, 0), last)])

    def find(self, stem: str) -> int | None:
        return self.strings.find(stem, *self._run(len(stem), len(stem)))

    def of_lengths(self, shortest: int, longest: int) -> list[str]:
        return self.strings.tolist(*self._run(shortest, longest))
