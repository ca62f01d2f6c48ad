"""The shape of a demo listing template, shared by the local and national wording."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Variant:
    """One believable kind of service: its name, vocabulary, timetable pattern and texts."""

    name: str
    types: tuple[str, ...]
    routes: tuple[str, ...]
    pattern: str
    summary: str
    description: str
    first_visit: str
    how_to: str
    delivery: tuple[str, ...] = ("in-person",)
    audiences: tuple[str, ...] = ("everyone",)
    languages: tuple[str, ...] = ("en",)
    lived: str = "peer-led"
    cost: str = "free"
    cost_description: str = ""
    referrals: bool = False


ORGANISATION_KINDS = (
    (
        "Peer Network",
        "A small charity run by and for people with lived experience of mental health "
        "problems in and around {town}.",
    ),
    (
        "Wellbeing Trust",
        "A community charity in {area} offering friendly places to go, things to do and "
        "people to talk to.",
    ),
    (
        "Recovery Network",
        "A network of peer-led groups across {area}, started by local people who wanted the "
        "support they had found to be there for others.",
    ),
    (
        "Mental Health Association",
        "A long-standing local charity providing drop-ins, groups and one-to-one support "
        "across {area}.",
    ),
    (
        "Community Connections",
        "Helping people in {area} find their way to groups, activities and support that "
        "help them feel better.",
    ),
    (
        "Wellbeing Collective",
        "A co-operative of volunteers and peer workers in {town}, with a board made up "
        "mainly of people who use our services.",
    ),
)
