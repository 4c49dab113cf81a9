"""The head-count words of every language with count words, merged into one set of tables.

Counts work on tokens only and are not told the sentence's language (wire copy quotes
and mixes), so a table here is the union of the languages' own tables in
processors/lang/ (English first). Punctuation is the same in every language and is
added here.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from wirestream.processors.lang import PROFILES, CountWords

_LANGUAGES: tuple[CountWords, ...] = tuple(p.counts for p in PROFILES.values() if p.counts)
_PUNCTUATION = frozenset({",", ";", ":", "(", ")", "–", "—", "-", "/", "\n", "\n\n", "“",
                          "”", "„", '"'})


def _union(pick: Callable[[CountWords], frozenset[str]]) -> frozenset[str]:
    return frozenset().union(*(pick(words) for words in _LANGUAGES))


def _alternatives(pick: Callable[[CountWords], tuple[str, ...]]) -> re.Pattern[str]:
    """One whole-word pattern of every language's regex alternatives."""
    return re.compile("^(" + "|".join(a for words in _LANGUAGES for a in pick(words)) + ")$")


NUMBERS: dict[str, int] = {w: n for words in _LANGUAGES for w, n in words.numbers.items()}
COMPOUND_NUMBERS = tuple(words.compound_number for words in _LANGUAGES)
ONE = _union(lambda w: w.one)
# Symbols are units in every language; the rest are each language's words.
UNITS = _union(lambda w: w.units) | {"$", "€", "£", "%"}
VAGUE: dict[str, tuple[str, int]] = {
    w: v for words in _LANGUAGES for w, v in words.vague.items()}
MULTIPLIERS: dict[str, int] = {
    w: n for words in _LANGUAGES for w, n in words.multipliers.items()}
# (words before the number, lower case) → qualifier; longest first.
QUALIFIERS: list[tuple[tuple[str, ...], str]] = sorted(
    (q for words in _LANGUAGES for q in words.qualifiers), key=lambda q: -len(q[0]))
# word → (kind, class): "verb" (numbers may follow when active: "killing 12"),
# "noun" (numbers precede: "22 Tote") or "adj".
KEY_INDEX: dict[str, tuple[str, str]] = {
    w: (kind, cls) for words in _LANGUAGES for kind, table in words.keywords.items()
    for w, cls in table.items()}
# Any of these must be in a sentence for it to state a count.
ANY_COUNT_WORD = frozenset(KEY_INDEX) | _union(lambda w: w.toll_words)
PARTICIPANT_CONTEXT = _union(lambda w: w.participant_context)
STOP = _union(lambda w: w.stops) | _PUNCTUATION
STOP_LEFT = STOP - _union(lambda w: w.relative_pronouns)
RIGHT_STOP = _union(lambda w: w.right_stops)
SINGULAR_PERSON = _alternatives(lambda w: w.singular_person)
PLURAL_PERSON = _union(lambda w: w.plural_person)
PRONOUNS_ONE = _union(lambda w: w.pronouns_one)
MODALS = _union(lambda w: w.modals)
CONDITIONS = _union(lambda w: w.conditions)
NEGATIONS = _union(lambda w: w.negations)
NONE_VERBS = _union(lambda w: w.none_verbs)
OBJECT_SKIP = _union(lambda w: w.object_skip)
OBJECT_PERSON = _alternatives(lambda w: w.object_person)
SELF = _union(lambda w: w.self_words)
# A number after a month name is a day of the month ("killed June 5").
MONTH_NAMES = frozenset(m for p in PROFILES.values() for m in p.months)
