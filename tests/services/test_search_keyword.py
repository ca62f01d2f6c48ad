"""Keyword search as a person notices it: where a word is found decides the order, word
forms and misspellings still find things, accents do not matter, every word counts, and
near a place a much nearer service can come before a slightly more relevant one.

Each search is also compared with the reference (tests/search_reference.py): the same
services, in the same order, with the same relevance."""

import pytest
from django.http import QueryDict

from services.models import Service
from services.search.filterset import ServiceFilterSet
from tests.factories import OrganisationFactory, ServiceFactory
from tests.helpers import PAISLEY, located, north_of
from tests.search_reference import reference_search

pytestmark = pytest.mark.django_db

NEAR = f"lat={PAISLEY[0]}&lon={PAISLEY[1]}"


@pytest.fixture(autouse=True)
def _no_history(settings):
    settings.SIMPLE_HISTORY_ENABLED = False


def plain(name: str, summary: str = "Open to all.", description: str = "", **fields) -> Service:
    """A service whose text says only what the test gives it."""
    return ServiceFactory.create(name=name, summary=summary, description=description, **fields)


def found(query: str) -> list[str]:
    """The names of every result, in order, after checking them against the reference."""
    params = QueryDict(query)
    filterset = ServiceFilterSet(params)
    assert filterset.is_valid(), filterset.errors
    reference = reference_search(params)
    results = filterset.results()[0 : filterset.totals()[0]]
    assert [service.pk for service in results] == reference.ids, [s.name for s in results]
    assert filterset.totals() == reference.totals
    for service in results:
        assert service.search_rank == pytest.approx(reference.relevance[service.pk]), service.name
    return [service.name for service in results]


def test_a_match_in_the_name_ranks_above_summary_above_description_above_organisation():
    plain("Allotment", description="Growing food helps recovery.")
    plain("Book club", organisation=OrganisationFactory(name="Recovery Scotland"))
    plain("Recovery café")
    plain("Walking group", summary="Recovery through walking.")
    plain("Choir")

    assert found("q=recovery") == ["Recovery café", "Walking group", "Allotment", "Book club"]


def test_word_forms_find_one_another():
    plain("Peer support")
    plain("Listening ear", summary="Supporting each other.")
    plain("Carers circle", description="Carers supported by carers.")
    plain("Choir", summary="Singing together.")

    expected = ["Peer support", "Listening ear", "Carers circle"]
    assert found("q=support") == expected
    assert found("q=supports") == expected
    assert found("q=supporting") == expected


def test_a_misspelt_word_of_five_or_more_letters_still_finds_its_matches():
    plain("Recovery café")
    plain("Bereavement group")
    plain("Music for wellbeing")
    plain("Choir", summary="Singing together.")

    assert found("q=recovry") == ["Recovery café"]
    assert found("q=bereavment") == ["Bereavement group"]
    assert found("q=berevement") == ["Bereavement group"]
    assert found("q=musik") == ["Music for wellbeing"]
    assert found("q=Musik+wellbeing") == ["Music for wellbeing"]


def test_a_misspelling_too_short_or_too_far_finds_nothing():
    plain("Walking group")
    plain("Recovery café")

    assert found("q=grop") == []  # four letters: too short to guess
    assert found("q=rcovry") == []  # six letters, two mistakes: one is the most allowed
    assert found("q=group") == ["Walking group"]


def test_an_exact_word_is_not_mixed_with_near_misspellings():
    plain("Music group")
    plain("Musics")
    plain("Musik club")  # one letter from "music", but "music" is a word of the directory

    assert found("q=music") == ["Music group", "Musics"]


def test_a_word_found_in_most_services_finds_them_all_best_first():
    for number in range(30):
        plain(f"Group {number:02d}", summary="Support for anyone who asks.")
    for number in range(6):
        plain(f"Other {number}", summary="Something else entirely.")
    plain("Support line", summary="Open to all.")

    names = found("q=support")

    assert len(names) == 31
    assert names[:3] == ["Support line", "Group 00", "Group 01"]


def test_near_a_place_a_much_nearer_service_can_come_before_a_more_relevant_one():
    # relevance × 10 / (10 + km): 16 at 9 km is 8.4; 12 at 0.5 km is 11.4; 16 at 5 km 10.7.
    located(plain("Recovery walk"), point=north_of(9))
    located(plain("Recovery café", summary="A short walk after tea."), point=north_of(0.5))
    located(plain("Recovery walks"), point=north_of(5))
    plain("Recovery walk line", is_national=True)
    located(plain("Walking club"), point=north_of(1))  # "recovery" missing

    assert found(f"{NEAR}&q=recovery+walk") == [
        "Recovery café",
        "Recovery walks",
        "Recovery walk",
        "Recovery walk line",
    ]
    assert found("q=recovery+walk") == [
        "Recovery walk",
        "Recovery walk line",
        "Recovery walks",
        "Recovery café",
    ]
    assert found(f"{NEAR}&q=recovery+walk&sort=distance")[:3] == [
        "Recovery café",
        "Recovery walks",
        "Recovery walk",
    ]


def test_accents_do_not_matter():
    plain("Tuesday Café")
    plain("Cafe Corner")
    plain("Choir", summary="Singing together.")

    assert found("q=cafe") == ["Cafe Corner", "Tuesday Café"]
    assert found("q=caf%C3%A9") == ["Cafe Corner", "Tuesday Café"]
    assert found("q=CAFÉ") == ["Cafe Corner", "Tuesday Café"]


def test_every_word_must_match():
    plain("Recovery café")
    plain("Recovery walk")
    plain("Café Corner")

    assert found("q=recovery+caf%C3%A9") == ["Recovery café"]
    assert found("q=the+recovery+cafe") == ["Recovery café"]  # "the" is not needed
    assert found("q=recovery+choir") == []


def test_a_search_of_only_common_words_still_finds_them_but_other_words_drop_them():
    plain("The Walk", summary="Open to all.")
    plain("Walking group", summary="Come along.")
    plain("Choir", summary="Singing together.")

    assert found("q=the") == ["The Walk"]
    assert found("q=the+walk") == ["The Walk", "Walking group"]


def test_only_the_first_ten_words_are_searched():
    plain("Walking group", summary="One two three four five six seven eight.")
    plain("Walking club")

    ten = "walking+group+one+two+three+four+five+six+seven+eight"
    assert found(f"q={ten}") == ["Walking group"]
    assert found(f"q={ten}+nowhere") == ["Walking group"]
