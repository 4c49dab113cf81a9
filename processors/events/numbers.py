"""Number phrases in a sentence: where a number stands, its value, and how sure it is.

Digits ("22", "2,500", German "2.500"), number words of every language with count words
("three", "dreiundzwanzig"), multipliers ("3 million", "drei Dutzend") and vague
quantities ("dozens", "Tausende": a floor, no value), each with the qualifier in front
("at least", "mehr als") turned into bounds. Numbers that are no head count are left
out: units after them ("30 years", "5 Uhr"), years, days of the month, prices.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from wirestream.processors.events.count_words import (
    COMPOUND_NUMBERS,
    MONTH_NAMES,
    MULTIPLIERS,
    NUMBERS,
    ONE,
    QUALIFIERS,
    UNITS,
    VAGUE,
)

# Thousands separated by dots, as German writes them: 2.500
_DOT_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


@lru_cache(maxsize=65536)
def number(lower: str) -> int | None:
    """The value of one lower-case token, or None if it is not a number."""
    first = lower[:1]
    if first.isdigit() or first in ",’'":
        clean = lower.replace(",", "").replace("’", "").replace("'", "")
        if clean.isdigit():
            return int(clean)
        if _DOT_THOUSANDS.fullmatch(lower):
            return int(lower.replace(".", ""))
        return None
    value = NUMBERS.get(lower)
    if value is not None:
        return value
    for compound in COMPOUND_NUMBERS:
        value = compound(lower)
        if value is not None:
            return value
    return None


class Phrase:
    __slots__ = ("end", "max", "min", "qualifier", "start", "value")

    def __init__(self, start: int, end: int, value: int | None, qualifier: str,
                 minimum: int | None, maximum: int | None) -> None:
        self.start, self.end = start, end  # token indices, end exclusive
        self.value, self.qualifier, self.min, self.max = value, qualifier, minimum, maximum


def phrases(lowers: Sequence[str]) -> list[Phrase]:
    """Every number phrase in the sentence, with the qualifier in front of it."""
    out: list[Phrase] = []
    n = len(lowers)
    # Most tokens are neither a number nor a vague quantity: visit only those that are.
    i = 0
    for k in [k for k, low in enumerate(lowers)
              if low in VAGUE or low == "tens" or number(low) is not None]:
        if k < i:
            continue  # inside the phrase before
        i = k
        low = lowers[i]
        start, end = i, i + 1
        value: int | None = None
        qualifier, floor = "exact", None
        if low in ("tens", "hundreds") and i + 2 < n and lowers[i + 1] == "of" \
                and lowers[i + 2] == "thousands":
            qualifier, floor = ("tens_of_thousands", 20000) if low == "tens" \
                else ("hundreds_of_thousands", 200000)
            end = i + 3
        elif low in VAGUE:
            qualifier, floor = VAGUE[low]
            if low == "some" and i + 1 < n and number(lowers[i + 1]) is not None:
                i += 1  # "some 800,000" is a qualifier, handled below
                continue
            if low == "few" and (i == 0 or lowers[i - 1] != "a"):
                i += 1
                continue
            if i + 1 < n and lowers[i + 1] in UNITS:
                i += 1  # "many times", "several rounds"
                continue
        else:
            value = number(low)
            if value is None:
                i += 1
                continue
            if low in ("dozen", "dutzend") and i > 0 and lowers[i - 1] in ONE:
                start, value = i - 1, 12
            # "drei Dutzend", "3 million", "two hundred"
            while end < n and lowers[end] in MULTIPLIERS:
                value *= MULTIPLIERS[lowers[end]]
                end += 1
            if end < n and (lowers[end] in UNITS or lowers[end].endswith("-year-old")
                            or lowers[end].startswith("-")):
                i = end
                continue
            if end + 2 < n and lowers[end] in ("to", "or") and \
                    number(lowers[end + 1]) is not None and lowers[end + 2] in UNITS:
                i = end + 2  # "three to four times", "two or three rounds"
                continue
            if start > 0 and lowers[start - 1] in ("$", "€", "£", "no.", "nr.", "#", "route"):
                i = end
                continue
            if 1900 <= value <= 2100 and low.isdigit():
                i = end  # a year, not a head count
                continue
            if start > 0 and lowers[start - 1].rstrip(".") in MONTH_NAMES:
                i = end  # a day of the month: "killed June 5", "the May 3 killing"
                continue
        # Qualifier words right before the number.
        for words, name in QUALIFIERS:
            k = len(words)
            if start - k >= 0 and tuple(lowers[start - k:start]) == words:
                if qualifier == "exact":
                    qualifier = name
                start -= k
                break
        lo: int | None
        hi: int | None
        if value is None:
            lo, hi = floor, None
        elif qualifier == "exact":
            lo, hi = value, value
        elif qualifier == "at_least":
            lo, hi = value, None
        elif qualifier == "more_than":
            lo, hi = value + 1, None
        elif qualifier == "at_most":
            lo, hi = None, value
        elif qualifier == "less_than":
            lo, hi = None, max(0, value - 1)
        else:
            lo, hi = None, None
        out.append(Phrase(start, end, value, qualifier, lo, hi))
        i = end
    return out
