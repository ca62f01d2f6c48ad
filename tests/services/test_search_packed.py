"""The index's compact containers (`services.search.packed`): ids, names and stems held as
arrays and buffers must give back exactly what was put in, and find it."""

import uuid

import numpy as np

from services.models import Service
from services.search.packed import Ids, Positions, Stems, Strings
from services.search.sql import raw_keys
from tests.factories import ServiceFactory

# numpy hands back an "S16" value without its trailing zero bytes; these must survive.
ENDS_IN_ZERO = uuid.UUID("12345678-1234-5678-1234-567812345600")
ALL_ZERO = uuid.UUID(int=0)
STEP = 0x1F2E3D4C5B6A79881726354453627181
OTHERS = [uuid.UUID(int=(n * STEP) % (1 << 128)) for n in range(1, 40)]


def test_ids_give_back_every_uuid_and_find_its_position():
    pks = [*OTHERS[:20], ENDS_IN_ZERO, ALL_ZERO, *OTHERS[20:]]
    ids = Ids.of(pks)

    assert [ids[n] for n in range(len(ids))] == [pk.int for pk in pks]
    assert ids.uuids(np.arange(len(ids))) == pks
    assert [ids.position(pk.int) for pk in pks] == list(range(len(pks)))
    assert ids.position(uuid.UUID(int=7).int) is None
    wanted = [ENDS_IN_ZERO, uuid.UUID(int=7), OTHERS[3], ALL_ZERO]
    assert ids.positions_of(wanted).tolist() == [20, 3, 21]


def test_ids_with_arrivals_keep_the_old_positions_and_find_the_new():
    ids = Ids.of(OTHERS[:10])
    more = ids.plus([ENDS_IN_ZERO.int, OTHERS[30].int])

    assert len(ids) == 10  # the old one is untouched (copy on write)
    assert more.position(ENDS_IN_ZERO.int) == 10
    assert more.position(OTHERS[30].int) == 11
    assert [more.position(pk.int) for pk in OTHERS[:10]] == list(range(10))
    positions = Positions(more)
    assert positions[OTHERS[30].int] == 11
    assert ENDS_IN_ZERO.int in positions
    assert OTHERS[31].int not in positions


def test_strings_give_back_names_with_any_letters_and_take_changes_copy_on_write():
    names = ["Café Recovery", "Łódź wsparcie", "", "Cròileagan 🌱", "Harbour"]
    strings = Strings(names)

    changed = strings.with_changes({1: "Renamed", 5: "Arrived"})

    assert [strings[n] for n in range(len(strings))] == names
    assert [changed[n] for n in range(len(changed))] == [
        "Café Recovery",
        "Renamed",
        "",
        "Cròileagan 🌱",
        "Harbour",
        "Arrived",
    ]
    mapped = Strings.of_parts(strings.buffer_array(), strings.starts, {})
    assert [mapped[n] for n in range(len(mapped))] == names


def test_stems_are_found_by_length_and_a_misspelling_reads_only_its_lengths():
    words = ["recoveri", "peer", "support", "group", "recov", "12345", "łódź", "a"]
    order = Stems.order(words)
    stems = Stems.of_ordered([words[n] for n in order])

    assert [stems.find(word) for word in words] == [order.index(n) for n in range(len(words))]
    assert stems.find("recovery") is None
    assert stems.find("zzzzzzzzzzzzzzzzzzzz") is None
    assert sorted(stems.of_lengths(4, 5)) == sorted(["peer", "group", "recov", "12345", "łódź"])
    assert stems.of_lengths(20, 22) == []
    assert len(stems.of_lengths(-1, 99)) == len(words)


def test_ids_are_found_from_the_keys_a_filter_held_in_sql_reads(db):
    made = ServiceFactory.create_batch(4)
    ids = Ids.of([OTHERS[0], made[2].pk, made[0].pk, ENDS_IN_ZERO])
    chosen = Service.objects.filter(pk__in=[made[0].pk, made[2].pk, made[3].pk])

    keys = raw_keys(chosen)

    assert sorted(keys.tolist()) == sorted(
        s.pk.bytes.rstrip(b"\0") for s in (made[0], made[2], made[3])
    )
    assert sorted(ids.positions_of(keys).tolist()) == [1, 2]
    assert len(raw_keys(Service.objects.none())) == 0
