"""Keyword search: words, word forms, misspellings and relevance.

A service's text is four fields, each with a weight: its name (8), summary (4), description
(2) and its organisation's name (1). A searched word matches a field when their stems are the
same (Snowball's English stemmer: support, supports and supporting are one stem). A word of
five or more letters whose stem is nowhere in the directory matches the stems within one edit
of it (two for words of eight or more letters), at half weight. A service matches when every
word does; its relevance is the sum, over the words, of the heaviest field each matches.

The postings (which services have each stem, with the heaviest field) are built with the rest
of the index (`services.search.index`); this module holds the rules both sides share.
"""

import functools
import re
import unicodedata
from dataclasses import dataclass

import snowballstemmer
from rapidfuzz import process
from rapidfuzz.distance import Levenshtein

MAX_WORDS = 10
FUZZY_MIN_LETTERS = 5  # shorter misspellings are too often another real word
FUZZY_TWO_EDITS_LETTERS = 8
FUZZY_WEIGHT = 0.5
# Field weights: a match in the name ranks above the summary, the description, the organisation.
NAME, SUMMARY, DESCRIPTION, ORGANISATION = 8, 4, 2, 1

_WORD = re.compile(r"[^\W_]+")
# Words too common to narrow a search; dropped from a search unless it has no other words.
STOP_WORDS = frozenset(
    """a about an and are as at be by for from how i in is it me my of on or our so that the
    their them they this to us was we what when where who with you your""".split()
)
_stemmer = snowballstemmer.stemmer("english")


def _fold(text: str) -> str:
    """Lower case, without accents: "Café" -> "cafe"."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def words(text: str) -> list[str]:
    """The words of `text`: runs of letters and digits, lower case, accents removed."""
    return _WORD.findall(_fold(text or ""))


def stem(word: str) -> str:
    if word.isdigit():  # numbers have no word forms
        return word
    return _stem(word)


@functools.lru_cache(maxsize=32_768)
def _stem(word: str) -> str:
    return _stemmer.stemWord(word)


@functools.lru_cache(maxsize=1024)  # summaries and organisation names repeat
def field_stems(text: str) -> frozenset[str]:
    return frozenset(stem(word) for word in words(text))


def forget_texts() -> None:
    """Empty the cache of texts' stems (after a whole build: a thousand descriptions held
    for nothing, about 10 MB at 100 000 services)."""
    field_stems.cache_clear()


def document(name: str, summary: str, description: str, organisation: str) -> dict[str, int]:
    """Stem -> the weight of the heaviest field it appears in."""
    weights: dict[str, int] = {}
    for text, weight in (
        (organisation, ORGANISATION),
        (description, DESCRIPTION),
        (summary, SUMMARY),
        (name, NAME),
    ):
        for found in field_stems(text):
            weights[found] = weight
    return weights


@dataclass(frozen=True)
class Word:
    text: str
    stem: str

    @property
    def may_be_misspelt(self) -> bool:
        return len(self.text) >= FUZZY_MIN_LETTERS

    @property
    def edits(self) -> int:
        return 2 if len(self.text) >= FUZZY_TWO_EDITS_LETTERS else 1


def query_words(text: str) -> list[Word]:
    """The words a search looks for: stop words left out unless nothing else is left."""
    found = words(text)
    kept = [word for word in found if word not in STOP_WORDS] or found
    unique = list(dict.fromkeys(kept))[:MAX_WORDS]
    return [Word(word, stem(word)) for word in unique]


def near_stems(word: Word, stems: list[str]) -> list[str]:
    """The stems of `stems` within the word's allowed edits of its stem (itself excluded)."""
    if not word.may_be_misspelt:
        return []
    found = process.extract(
        word.stem, stems, scorer=Levenshtein.distance, score_cutoff=word.edits, limit=None
    )
    return [candidate for candidate, _distance, _index in found if candidate != word.stem]
