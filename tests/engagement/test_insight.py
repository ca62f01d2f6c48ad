import datetime

import time_machine

from engagement.insight import record_search
from engagement.models import SearchAggregate
from services.models import ServiceType


def _stored_text() -> str:
    return " ".join(str(row) for row in SearchAggregate.objects.values())


def test_searches_are_counted_per_day_area_filters_and_bucket(db):
    day = datetime.datetime(2026, 6, 1, 12, 0, tzinfo=datetime.UTC)
    with time_machine.travel(day, tick=False):
        for _ in range(2):
            record_search(
                council_area_slug="renfrewshire",
                filters={"type": ["peer-support-group"], "day": ["tue", "mon"]},
                result_count=0,
            )
        for _ in range(3):
            record_search(council_area_slug=None, filters={}, result_count=30)
    rows = list(
        SearchAggregate.objects.order_by("-count").values_list(
            "day", "council_area__slug", "filters", "result_bucket", "count"
        )
    )
    assert rows == [
        (datetime.date(2026, 6, 1), None, "", "21+", 3),
        (
            datetime.date(2026, 6, 1),
            "renfrewshire",
            "day=mon;day=tue;type=peer-support-group",
            "0",
            2,
        ),
    ]


def test_stored_rows_contain_no_free_text_postcode_or_ip(db):
    record_search(
        council_area_slug="renfrewshire",
        filters={
            "q": ["feeling lonely after my divorce"],
            "near": ["PA1 1AA", "pa11aa"],
            "type": ["peer-support-group", "<script>"],
            "ip": ["203.0.113.7"],
            "Bad Name!": ["peer-support-group"],
        },
        result_count=3,
    )
    record_search(council_area_slug="PA1 1AA", filters={}, result_count=1)
    text = _stored_text().lower()
    for forbidden in ("lonely", "divorce", "pa1", "pa11aa", "203.0.113", "script", "bad name"):
        assert forbidden not in text
    assert set(SearchAggregate.objects.values_list("filters", flat=True)) == {
        "type=peer-support-group",
        "",
    }
    assert SearchAggregate.objects.filter(council_area__isnull=True).count() == 1


def test_a_term_added_after_searches_were_counted_is_counted_too(db):
    record_search(council_area_slug=None, filters={"type": ["walking-group"]}, result_count=1)
    ServiceType.objects.create(slug="walking-group", name="Walking group")
    record_search(council_area_slug=None, filters={"type": ["walking-group"]}, result_count=1)

    assert sorted(SearchAggregate.objects.values_list("filters", "count")) == [
        ("", 1),
        ("type=walking-group", 1),
    ]
