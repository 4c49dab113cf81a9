"""How many were killed, injured, arrested or took part: numbers next to casualty words.

Works on tokens only (no parse), so English and German share it. A count is
``{value, min, max, qualifier, text, start, end}``; documented rules:

- exact "22" → value 22, min 22, max 22; "at least/mindestens 22" → min 22 (at_least);
  "more than/über/mehr als 300" → value 300, min 301 (more_than); "up to/bis zu 100" →
  max 100 (at_most); "fewer than/weniger als 10" → max 9 (less_than); "about/rund/etwa/
  nearly/knapp 30" → value 30, no bounds (about).
- vague quantities carry no value, only a floor: "dozens/Dutzende" min 24 (two dozen is
  the least plural of dozen), "scores" min 40, "hundreds/Hunderte" min 200, "thousands/
  Tausende" min 2000, "tens of thousands/Zehntausende" min 20000, "hundreds of
  thousands" min 200000, "millions" min 2000000, "several/mehrere/some/einige" min 2.
- "a/an/one/ein" + a singular person noun ("a man was shot dead") → exactly 1.
- "shot" alone means hit: injured = shot - dead when no injured count is given; a shot
  count with no death in its sentence waits for the article's toll (``settle_shot``):
  "Teen shot" + "he died" → nobody injured; "three other people shot" is never reduced.
- "N shot, one fatally" → dead 1, injured N - 1.
- An active verb with an object counts its object, not its subject: "two men shot a
  clerk" → 1 ("his grandfather", "her" → 1); the number on the left is the shooters.
- Coordinated subjects add up: "2 men, 3 women shot" → 5, "Mother, boy killed" → 2.
- "killed two children, then killed himself" adds the shooter: 3.
- "no one/nobody/niemand ... injured" → an explicit 0; "was not injured", "to kill",
  "could die", "whether he was shot", "fired one shot", "shot at him" → no count.
- Not head counts: days of the month ("killed June 5"), "three to four times",
  "many times".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from typing import Any, Protocol


class Tok(Protocol):
    text: str
    idx: int
    lower_: str


_UNITS = {
    "$", "€", "£", "%", "percent", "per", "prozent", "year", "years", "jahre", "jahren",
    "jahr", "jährige", "jährigen", "year-old", "years-old", "old", "uhr", "a.m.", "p.m.", "am",
    "pm", "km", "kilometer", "kilometers", "kilometres", "kilometern", "meter", "meters",
    "metres", "metern", "miles", "mile", "meilen", "euro", "dollar", "dollars", "cent",
    "cents", "grad", "degrees", "minutes", "minuten", "hours", "stunden", "days", "tage",
    "tagen", "weeks", "wochen", "months", "monate", "monaten", "times", "mal", "tons",
    "tonnen", "kg", "block", "calibre", "caliber", "mm", "millimeter", "rounds", "shots",
    "schüsse", "feet", "foot", "inches", "square", "acres", "points", "punkte", "th", "st",
    "nd", "rd", "pounds", "pfund", "kilo", "mph", "mbar", "hektar", "hectares", "votes",
    "seats", "stimmen", "sitze", "lbs",
}
_WORDS: dict[str, int] = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "both": 2, "a dozen": 12, "dozen": 12,
    "eins": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
    "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17,
    "achtzehn": 18, "neunzehn": 19, "zwanzig": 20, "dreißig": 30, "vierzig": 40,
    "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90,
    "hundert": 100, "tausend": 1000, "beide": 2, "beiden": 2, "dutzend": 12,
}
_ONE = {"a", "an", "one", "ein", "eine", "einen", "einer", "einem", "single"}
_DE_TENS = {"zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
            "siebzig": 70, "achtzig": 80, "neunzig": 90}
_DE_UNITS = {"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
             "acht": 8, "neun": 9}
_DE_COMPOUND = re.compile(r"^(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und"
                          r"(zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig)$")
_EN_COMPOUND = re.compile(r"^(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-"
                          r"(one|two|three|four|five|six|seven|eight|nine)$")
# Vague quantities: qualifier and floor.
_VAGUE: dict[str, tuple[str, int]] = {
    "dozens": ("dozens", 24), "dutzende": ("dozens", 24), "dutzenden": ("dozens", 24),
    "scores": ("scores", 40), "hundreds": ("hundreds", 200), "hunderte": ("hundreds", 200),
    "hunderten": ("hundreds", 200), "thousands": ("thousands", 2000),
    "tausende": ("thousands", 2000), "tausenden": ("thousands", 2000),
    "zehntausende": ("tens_of_thousands", 20000), "zehntausenden": ("tens_of_thousands", 20000),
    "hunderttausende": ("hundreds_of_thousands", 200000),
    "millions": ("millions", 2000000), "millionen": ("millions", 2000000),
    "several": ("several", 2), "mehrere": ("several", 2), "mehreren": ("several", 2),
    "numerous": ("several", 2), "zahlreiche": ("several", 2), "zahlreichen": ("several", 2),
    "some": ("some", 2), "einige": ("some", 2), "einigen": ("some", 2), "few": ("some", 2),
    "many": ("several", 2), "viele": ("several", 2), "vielen": ("several", 2),
}
_MULT = {"dozen": 12, "dutzend": 12, "hundred": 100, "hundert": 100, "thousand": 1000,
         "tausend": 1000, "million": 1_000_000, "millionen": 1_000_000, "million.": 1_000_000,
         "mio": 1_000_000, "mio.": 1_000_000}
# (words before the number, lower case) → qualifier; longest first.
_QUALIFIERS: list[tuple[tuple[str, ...], str]] = sorted([
    (("at", "least"), "at_least"), (("no", "fewer", "than"), "at_least"),
    (("no", "less", "than"), "at_least"), (("mindestens",), "at_least"),
    (("wenigstens",), "at_least"), (("zumindest",), "at_least"),
    (("more", "than"), "more_than"), (("over",), "more_than"), (("upwards", "of"), "more_than"),
    (("über",), "more_than"), (("mehr", "als"), "more_than"), (("weit", "über"), "more_than"),
    (("up", "to"), "at_most"), (("at", "most"), "at_most"), (("bis", "zu"), "at_most"),
    (("höchstens",), "at_most"), (("as", "many", "as"), "at_most"),
    (("fewer", "than"), "less_than"), (("less", "than"), "less_than"),
    (("under",), "less_than"), (("weniger", "als"), "less_than"), (("unter",), "less_than"),
    (("about",), "about"), (("around",), "about"), (("some",), "about"),
    (("approximately",), "about"), (("roughly",), "about"), (("nearly",), "about"),
    (("almost",), "about"), (("an", "estimated"), "about"), (("estimated",), "about"),
    (("rund",), "about"), (("etwa",), "about"), (("ca.",), "about"), (("circa",), "about"),
    (("knapp",), "about"), (("fast",), "about"), (("nahezu",), "about"),
    (("beinahe",), "about"), (("gut",), "about"), (("schätzungsweise",), "about"),
    (("ungefähr",), "about"), (("annähernd",), "about"),
], key=lambda q: -len(q[0]))

# Count words per kind. Values: "verb" (numbers may follow when active: "killing 12")
# or "noun" (numbers precede: "22 Tote").
_KEYWORDS: dict[str, dict[str, str]] = {
    "dead": {
        "killed": "verb", "kill": "verb", "kills": "verb", "killing": "verb", "dead": "adj",
        "died": "adj", "die": "adj", "dies": "adj", "slain": "adj", "deaths": "noun",
        "fatalities": "noun", "fatally": "adj", "murdered": "verb", "bodies": "noun",
        "getötet": "verb", "tötete": "verb", "töteten": "verb", "tot": "adj", "tote": "noun",
        "toten": "noun", "todesopfer": "noun", "todesopfern": "noun", "starben": "adj",
        "starb": "adj", "gestorben": "adj", "ermordet": "verb", "erschossen": "verb",
        "leben": "adj", "lives": "adj", "perished": "adj", "drowned": "adj",
        "ertrunken": "adj", "umgekommen": "adj", "kamen": "adj",
    },
    "injured": {
        "injured": "verb", "injuring": "verb", "wounded": "verb", "wounding": "verb",
        "hurt": "verb", "injuries": "noun", "hospitalized": "adj", "hospitalised": "adj",
        "verletzt": "verb", "verletzte": "verb", "verletzten": "verb", "verwundet": "verb",
        "verwundete": "verb", "verwundeten": "verb", "schwerverletzte": "noun",
        "schwerverletzten": "noun", "leichtverletzte": "noun", "leichtverletzten": "noun",
        "schwerverletzt": "adj", "leichtverletzt": "adj",
    },
    "shot": {"shot": "verb", "shooting": "verb", "shoots": "verb", "beschossen": "verb",
             "angeschossen": "verb"},
    "arrested": {
        "arrested": "verb", "arresting": "verb", "detained": "verb", "detaining": "verb",
        "jailed": "verb", "arrests": "noun", "festgenommen": "verb", "verhaftet": "verb",
        "inhaftiert": "verb", "festnahmen": "noun", "nahm": "verb", "nahmen": "verb",
        "custody": "adj", "gewahrsam": "adj", "imprisoned": "verb",
    },
    "participants": {
        "protesters": "noun", "protestors": "noun", "demonstrators": "noun",
        "marchers": "noun", "strikers": "noun", "participants": "noun",
        "passengers": "noun", "demonstranten": "noun", "teilnehmer": "noun",
        "teilnehmern": "noun", "passagiere": "noun", "passagieren": "noun",
        "fahrgäste": "noun", "fahrgästen": "noun", "streikende": "noun",
        "streikenden": "noun", "insassen": "noun", "demonstrated": "adj",
        "demonstrierten": "adj", "protested": "adj", "protestierten": "adj",
        "rallied": "adj", "marched": "adj", "gathered": "adj", "versammelten": "adj",
        "pilgrims": "noun", "pilger": "noun",
    },
}
_KEY_INDEX: dict[str, tuple[str, str]] = {w: (k, c) for k, ws in _KEYWORDS.items()
                                          for w, c in ws.items()}
_STOP = {",", ";", ":", "(", ")", "and", "und", "but", "aber", "after", "nachdem", "when",
         "als", "while", "während", "before", "bevor", "since", "seit", "–", "—", "-", "/",
         "or", "oder", "which", "who", "that", "dass", "der", "die", "das", "wo", "where",
         "\n", "\n\n", "“", "”", "„", '"'}
_STOP_LEFT = _STOP - {"der", "die", "das", "that"}
_SINGULAR_PERSON = re.compile(
    r"^(man|woman|boy|girl|child|person|teen|teenager|officer|victim|student|baby|toddler|"
    r"infant|son|daughter|father|mother|brother|sister|friend|suspect|gunman|bystander|"
    r"driver|passenger|pedestrian|resident|soldier|policeman|worker|youth|juvenile|adult|"
    r"\d+-year-old|year-old|mann|frau|junge|mädchen|kind|person|polizist|soldat|fahrer|"
    r"passant|jugendliche|jugendlicher|beamter|beamtin|\w+jähriger|\w+jährige)$")
_PRON_ONE = {"he", "she", "er"}
# Any of these must be in a sentence for it to state a count.
_ANY_COUNT_WORD = frozenset(_KEY_INDEX) | {"toll", "todeszahl", "opferzahl", "zahl"}
_PARTICIPANT_CONTEXT = {"people", "menschen", "personen", "students", "workers", "studenten",
                        "arbeiter", "beschäftigte", "residents", "einwohner"}


_DE_THOUSANDS = re.compile(r"\d{1,3}(\.\d{3})+")


@lru_cache(maxsize=65536)
def _number(lower: str) -> int | None:
    first = lower[:1]
    if first.isdigit() or first in ",’'":
        clean = lower.replace(",", "").replace("’", "").replace("'", "")
        if clean.isdigit():
            return int(clean)
        if _DE_THOUSANDS.fullmatch(lower):  # German thousands: 2.500
            return int(lower.replace(".", ""))
        return None
    value = _WORDS.get(lower)
    if value is not None:
        return value
    if "und" in lower:
        m = _DE_COMPOUND.match(lower)
        if m:
            return _DE_UNITS[m.group(1)] + _DE_TENS[m.group(2)]
    elif "-" in lower:
        m = _EN_COMPOUND.match(lower)
        if m:
            return _WORDS[m.group(1)] + _WORDS[m.group(2)]
    return None


class _Phrase:
    __slots__ = ("end", "max", "min", "qualifier", "start", "value")

    def __init__(self, start: int, end: int, value: int | None, qualifier: str,
                 minimum: int | None, maximum: int | None) -> None:
        self.start, self.end = start, end  # token indices, end exclusive
        self.value, self.qualifier, self.min, self.max = value, qualifier, minimum, maximum


def _phrases(lowers: Sequence[str]) -> list[_Phrase]:
    """Every number phrase in the sentence, with the qualifier in front of it."""
    out: list[_Phrase] = []
    n = len(lowers)
    # Most tokens are neither a number nor a vague quantity: visit only those that are.
    i = 0
    for k in [k for k, low in enumerate(lowers)
              if low in _VAGUE or low == "tens" or _number(low) is not None]:
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
        elif low in _VAGUE:
            qualifier, floor = _VAGUE[low]
            if low == "some" and i + 1 < n and _number(lowers[i + 1]) is not None:
                i += 1  # "some 800,000" is a qualifier, handled below
                continue
            if low == "few" and (i == 0 or lowers[i - 1] != "a"):
                i += 1
                continue
            if i + 1 < n and lowers[i + 1] in _UNITS:
                i += 1  # "many times", "several rounds"
                continue
        else:
            value = _number(low)
            if value is None:
                i += 1
                continue
            if low in ("dozen", "dutzend") and i > 0 and lowers[i - 1] in _ONE:
                start, value = i - 1, 12
            # "drei Dutzend", "3 million", "two hundred"
            while end < n and lowers[end] in _MULT:
                value *= _MULT[lowers[end]]
                end += 1
            if end < n and (lowers[end] in _UNITS or lowers[end].endswith("-year-old")
                            or lowers[end].startswith("-")):
                i = end
                continue
            if end + 2 < n and lowers[end] in ("to", "or") and \
                    _number(lowers[end + 1]) is not None and lowers[end + 2] in _UNITS:
                i = end + 2  # "three to four times", "two or three rounds"
                continue
            if start > 0 and lowers[start - 1] in ("$", "€", "£", "no.", "nr.", "#", "route"):
                i = end
                continue
            if 1900 <= value <= 2100 and low.isdigit():
                i = end  # a year, not a head count
                continue
            if start > 0 and lowers[start - 1].rstrip(".") in _MONTH_NAMES:
                i = end  # a day of the month: "killed June 5", "the May 3 killing"
                continue
        # Qualifier words right before the number.
        for words, name in _QUALIFIERS:
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
        out.append(_Phrase(start, end, value, qualifier, lo, hi))
        i = end
    return out


def _as_count(tokens: Sequence[Tok], phrase: _Phrase, key_index: int) -> dict[str, Any]:
    first = min(phrase.start, key_index)
    last = max(phrase.end - 1, key_index)
    start, end = tokens[first].idx, tokens[last].idx + len(tokens[last].text)
    return {"value": phrase.value, "min": phrase.min, "max": phrase.max,
            "qualifier": phrase.qualifier, "start": start, "end": end}


def extract_counts(  # noqa: C901  # one pass over the sentence; splitting it by job is open
        tokens: Sequence[Tok], lowers: Sequence[str] | None = None,
        protest: bool = False) -> dict[str, dict[str, Any]]:
    """Counts per kind (dead, injured, arrested, participants, and internal "shot").

    ``tokens``: the sentence (a Span or a token list); ``lowers``: their lower-case forms
    when the caller has them already. ``start``/``end`` are doc character offsets; the
    caller adds ``text``. ``protest``: head counts of people in the sentence are
    participants.
    """
    if lowers is None:
        lowers = [t.lower_ for t in tokens]
    words = set(lowers)
    if words.isdisjoint(_ANY_COUNT_WORD) and not (protest and not words.isdisjoint(
            _PARTICIPANT_CONTEXT)):
        return {}  # no count word: most sentences end here, before the number scan
    phrases = _phrases(lowers)
    by_end = {p.end: p for p in phrases}
    by_start = {p.start: p for p in phrases}
    found: dict[str, dict[str, Any]] = {}
    keyword_at: dict[str, int] = {}  # token of the word each count was read from
    for i, low in enumerate(lowers):
        hit = _KEY_INDEX.get(low)
        if hit is None:
            if protest and low in _PARTICIPANT_CONTEXT:
                hit = ("participants", "noun")
            else:
                continue
        kind, cls = hit
        # German "ums Leben", "kamen ... ums Leben", English "lost their lives".
        if low in ("leben", "lives", "kamen") and not _lives(lowers, i):
            continue
        if kind in ("dead", "injured", "shot") and _not_a_toll(lowers, i):
            continue
        if kind in ("dead", "injured") and kind not in found and _none_left(lowers, i):
            # "no one was injured", "nobody else was killed": an explicit zero.
            found[kind] = {"value": 0, "min": 0, "max": 0, "qualifier": "exact",
                           "start": tokens[max(0, i - 3)].idx,
                           "end": tokens[i].idx + len(tokens[i].text)}
            continue
        if low in ("nahm", "nahmen") and "fest" not in lowers[i + 1:i + 12]:
            continue
        if low in ("shot", "shoots") and _dead_shot(lowers, i):
            if lowers[i + 1:i + 3] == ["and", "killed"] and _has_object(tokens, i + 2):
                continue  # "shot and killed her two children": "killed" has the victims
            kind = "dead"
        # "shooting" counts only with a number after it ("shooting four"); "shoots" also
        # with one person ("shoots grandfather").
        if low in ("shooting", "shoots") and not (
                i + 1 < len(lowers) and _number(lowers[i + 1])) and (
                low == "shooting" or not _object_one(lowers, i)):
            continue
        if kind in found:
            continue
        # An active verb with an object ("a man shot his brother", "two men accused of
        # killing a baby"): the number on the left counts the shooters, not the victims.
        active = cls == "verb" and kind != "arrested" and _has_object(tokens, i)
        phrase = None
        # Active verbs take their number after them: "killing 12", "tötete 5 Menschen".
        if cls == "verb":
            j = i + 1
            while j < len(lowers) and j <= i + 3 and lowers[j] not in _STOP \
                    and (lowers[j] not in _RIGHT_STOP or lowers[j + 1:j + 2] in (
                        ["least"], ["most"])):
                if j in by_start:
                    phrase = by_start[j]
                    break
                j += 1
            if phrase is not None and phrase.start > i + 1 and lowers[i + 1] in ("by", "von"):
                phrase = None
        if phrase is None and not active:
            phrase = _left(lowers, by_end, i)
        if phrase is None:
            one = _object_one(lowers, i) if active or cls == "verb" else False
            if kind in ("dead", "injured", "shot", "arrested") and (
                    one or (not active and _singular_left(lowers, i))):
                extra = 0 if one or active else _coordinated(lowers, by_end, i, None)
                found[kind] = _fixed(tokens, max(0, i - 3), i, 1 + extra)
                keyword_at[kind] = i
            continue
        count = _as_count(tokens, phrase, i)
        if kind == "shot" and not {"other", "others"}.isdisjoint(
                lowers[max(0, min(phrase.start, i) - 2):max(phrase.end, i + 1)]):
            count["_other"] = True  # "three other people shot": not the dead ones
        if phrase.end <= i:  # a subject on the left: add its conjuncts ("2 men, 3 women")
            extra = _coordinated(lowers, by_end, i, phrase)
            if extra and count["value"] is not None and phrase.qualifier == "exact":
                total = count["value"] + extra
                count.update(value=total, min=total, max=total)
        found[kind] = count
        keyword_at[kind] = i
    # "Four people were shot, one fatally": the number before "fatally" died.
    if "shot" in found and "dead" not in found and "fatally" in lowers:
        f = lowers.index("fatally")
        for k in range(f, max(-1, f - 5), -1):
            phrase = by_end.get(k)
            if phrase is not None and phrase.value is not None and phrase.start > \
                    keyword_at.get("shot", len(lowers)):
                found["dead"] = _as_count(tokens, phrase, f)
                break
    # "killed two children, then killed himself": the shooter's own death adds one.
    dead = found.get("dead")
    self_at = _self_kill(lowers)
    if dead is not None and dead["value"] and dead["qualifier"] == "exact" and self_at \
            and keyword_at.get("dead") not in (None, self_at - 2):
        total = dead["value"] + 1
        dead.update(value=total, min=total, max=total)
    # Toll phrases: "death toll rose to 30", "Zahl der Toten stieg auf 30".
    if "dead" not in found:
        for i, low in enumerate(lowers):
            if low in ("toll", "todeszahl", "opferzahl") or (
                    low == "zahl" and i + 2 < len(lowers) and lowers[i + 2] in ("toten",
                                                                                "todesopfer")):
                for j in range(i + 1, min(len(lowers), i + 8)):
                    if j in by_start and lowers[j - 1] in ("to", "at", "auf", "bei", "of"):
                        found["dead"] = _as_count(tokens, by_start[j], i)
                        break
                break
    return found


def _lives(lowers: Sequence[str], i: int) -> bool:
    if lowers[i] == "leben":
        return i > 0 and lowers[i - 1] in ("ums", "das")
    if lowers[i] == "lives":
        return i > 1 and lowers[i - 2] in ("lost", "losing", "claimed")
    if lowers[i] == "kamen":
        return "ums" in lowers[i + 1:i + 6]
    return True


def _dead_shot(lowers: Sequence[str], i: int) -> bool:
    after = lowers[i + 1:i + 4]
    before = lowers[max(0, i - 2):i]
    return ("dead" in after[:1] or after[:2] == ["to", "death"] or "fatally" in before
            or after[:2] == ["and", "killed"])


def _left(lowers: Sequence[str], by_end: dict[int, _Phrase], i: int) -> _Phrase | None:
    # Walk left over modifiers and auxiliaries ("22 Menschen wurden", "four people were").
    j = i
    steps = 0
    while j > 0 and steps <= 5:
        if j in by_end:
            return by_end[j]
        prev = lowers[j - 1]
        if prev in _STOP_LEFT or prev in _KEY_INDEX:
            return None
        j -= 1
        steps += 1
    return by_end.get(j)


def _singular_left(lowers: Sequence[str], i: int) -> bool:
    for j in range(i - 1, max(-1, i - 5), -1):
        low = lowers[j]
        if low in _STOP_LEFT or low in _KEY_INDEX:
            return False
        if low in _PRON_ONE:
            return True
        if _SINGULAR_PERSON.match(low):
            k = j - 1
            while k >= 0 and k >= j - 3 and lowers[k] not in _STOP_LEFT:
                if lowers[k] in _ONE or lowers[k] in ("the", "der", "die", "a", "ein"):
                    return True
                k -= 1
            return True  # headline style: "Baby girl shot, killed"
    return False


_MONTH_NAMES = frozenset({
    "january", "jan", "february", "feb", "march", "mar", "april", "apr", "may", "june",
    "jun", "july", "jul", "august", "aug", "september", "sep", "sept", "october", "oct",
    "november", "nov", "december", "dec", "januar", "jänner", "februar", "märz", "mai",
    "juni", "juli", "oktober", "okt", "dezember", "dez"})
_RIGHT_STOP = {"in", "at", "on", "near", "during", "by", "into", "outside", "inside",
               "through", "with", "while", "for", "im", "am", "bei", "mit"}
_MODALS = {"to", "would", "'d", "could", "might", "may", "will", "'ll", "should", "can",
           "must", "wo", "ca"}
_CONDITIONS = {"if", "whether", "unless", "wenn", "falls", "ob"}
_NEGATIONS = {"not", "n't", "never", "nicht", "nie", "kein", "keine"}
_NO_VERB = {"was", "were", "is", "are", "been", "be", "being", "else", "one", "other",
            "others", "wurde", "wurden", "ist", "sind", "seriously", "critically",
            "reportedly", "immediately", "physically", "also"}
_OBJECT_SKIP = {"his", "her", "their", "a", "an", "the", "its", "one", "another",
                "own", "young", "infant", "baby", "little", "teenage", "elderly", "old",
                "unarmed", "pregnant", "estranged", "ex", "former", "-"}
_OBJECT_PERSON = re.compile(
    r"^(man|woman|boy|girl|child|person|teen|teenager|officer|deputy|trooper|victim|student|"
    r"baby|toddler|infant|son|daughter|father|mother|brother|sister|friend|bystander|"
    r"driver|pedestrian|resident|neighbou?r|wife|husband|girlfriend|boyfriend|grandfather|"
    r"grandmother|grandson|granddaughter|uncle|aunt|nephew|niece|cousin|stepfather|"
    r"stepmother|stepson|stepdaughter|roommate|classmate|relative|customer|clerk|"
    r"employee|worker|guard|pastor|deacon|fiancee?|partner|kid|\d+-year-old)$")
_SELF = {"himself", "herself", "themself", "sich"}


def _not_a_toll(lowers: Sequence[str], i: int) -> bool:
    """The word does not report a casualty: infinitive, modal, condition, negation, or a
    shot fired ("fired one shot", "shot at")."""
    low = lowers[i]
    before = lowers[max(0, i - 3):i]
    if before and before[-1] in _MODALS:
        return True  # "plans to kill", "was going to die", "she'd hurt"
    clause = []
    for w in reversed(lowers[max(0, i - 8):i]):
        if w in (",", ";", ":", "\n", "and", "but"):
            break
        clause.append(w)
    if not _CONDITIONS.isdisjoint(clause):
        return True  # "whether he was shot", "if he was killed"
    if not _NEGATIONS.isdisjoint(before):
        return True  # "were not injured": no count (the zero is "no one was injured")
    if low == "shot":
        if lowers[i + 1:i + 2] == ["at"] and lowers[i + 2:i + 3] and lowers[i + 2] in (
                "him", "her", "them", "me", "us", "police", "officers", "deputies", "cars",
                "vehicles"):
            return True  # "shot at him": fired at, not hit
        if any(w in ("fired", "fire", "firing", "fires", "heard", "hear") for w in before):
            return True  # "fired one shot": a round, not a victim
    return False


def _none_left(lowers: Sequence[str], i: int) -> bool:
    """"no one (else) was injured", "nobody was hurt", "none of them were killed"."""
    j = i - 1
    steps = 0
    while j >= 0 and steps < 5 and lowers[j] in _NO_VERB:
        j -= 1
        steps += 1
    if j < 0:
        return False
    if lowers[j] in ("nobody", "niemand", "keiner") or (
            lowers[j] in ("one", "else", "other", "others") and j > 0 and lowers[j - 1] == "no"):
        return True
    if lowers[j] == "one" and j > 0 and lowers[j - 1] == "no":
        return True
    return j + 1 < i and lowers[j] == "no" and lowers[j + 1] in ("one", "else", "other")


def _has_object(tokens: Sequence[Tok], i: int) -> bool:
    """The verb has a direct object in the parse (empty without a parser)."""
    children = getattr(tokens[i], "children", None)
    if children is None:
        return False
    return any(getattr(c, "dep_", "") == "dobj" for c in children)


def _object_one(lowers: Sequence[str], i: int) -> bool:
    """One person as the object: "shot his grandfather", "killed a 3-year-old girl"."""
    if i + 1 < len(lowers) and lowers[i + 1] in ("him", "her") and (
            i + 2 >= len(lowers) or not lowers[i + 2].isalpha() or lowers[i + 2] in _STOP
            or lowers[i + 2] in _RIGHT_STOP):
        return True  # "killing her,", "shot him in the chest"
    unknown = 0  # modifiers not in the list: "a store clerk", "a security guard"
    for j in range(i + 1, min(len(lowers), i + 6)):
        low = lowers[j]
        if _OBJECT_PERSON.match(low) or low.endswith("-year-old"):
            # "-year-old" followed by a plural noun is not one person
            nxt = lowers[j + 1] if j + 1 < len(lowers) else ""
            return not nxt.endswith("s") or nxt in ("'s", "’s")
        if low not in _OBJECT_SKIP and not low.endswith("-old"):
            unknown += 1
            if j == i + 1 or unknown > 1 or not low.isalpha() or low in _STOP \
                    or low in _RIGHT_STOP or low.endswith("s"):
                return False
    return False


def _coordinated(lowers: Sequence[str], by_end: dict[int, _Phrase], i: int,
                 phrase: _Phrase | None) -> int:
    """People joined to the subject on its left: "2 men, 3 women shot" adds 2,
    "Mother, boy fatally shot" adds 1. Only numbers and singular person nouns count."""
    # Start of the subject: the phrase, or the singular person noun before the keyword.
    if phrase is not None:
        j = phrase.start
    else:
        j = next((k for k in range(i - 1, max(-1, i - 5), -1)
                  if _SINGULAR_PERSON.match(lowers[k])), -1)
        if j < 0:
            return 0
        while j > 0 and lowers[j - 1] in ("a", "the", "one", "an", "his", "her"):
            j -= 1
    extra = 0
    for _ in range(4):
        if j < 2 or lowers[j - 1] not in (",", "and", "&"):
            break
        k = j - 1
        if lowers[k] == "and" and k > 0 and lowers[k - 1] == ",":
            k -= 1
        # The conjunct before: "N <adjectives> noun" or a singular person noun.
        end = k
        start = max(0, end - 4)
        found = None
        for m in range(end - 1, start - 1, -1):
            cand = by_end.get(m + 1)
            if cand is not None and cand.value is not None and cand.qualifier == "exact" \
                    and m + 1 < end and all(lowers[x].isalpha() and x not in (i,)
                                            and lowers[x] not in _KEY_INDEX
                                            for x in range(m + 1, end)) \
                    and _is_person(lowers[end - 1]):
                found = ("n", cand)
                break
        if found is not None:
            extra += found[1].value  # type: ignore[operator]
            j = found[1].start
            continue
        if end - 1 >= 0 and _SINGULAR_PERSON.match(lowers[end - 1]) \
                and not lowers[end - 1].endswith("year-old"):
            extra += 1
            j = end - 1
            while j > 0 and lowers[j - 1] in ("a", "the", "one", "an", "his", "her"):
                j -= 1
            continue
        break
    return extra


_PLURAL_PERSON = frozenset({
    "men", "women", "people", "persons", "boys", "girls", "children", "kids", "adults",
    "teens", "teenagers", "officers", "deputies", "students", "victims", "others",
    "brothers", "sisters", "sons", "daughters", "juveniles", "males", "females",
    "toddlers", "infants", "babies", "residents", "friends", "relatives", "customers",
    "soldiers", "police", "civilians", "menschen", "personen", "männer", "frauen",
    "kinder", "jugendliche", "polizisten", "soldaten"})


def _is_person(low: str) -> bool:
    return low in _PLURAL_PERSON or bool(_SINGULAR_PERSON.match(low))


def _self_kill(lowers: Sequence[str]) -> int:
    """Index + 1 of "himself" in a "killed himself"-style phrase of the sentence, else 0."""
    for j, low in enumerate(lowers):
        if low in _SELF and j > 0 and lowers[j - 1] in ("killed", "killing", "kills", "shot",
                                                        "shooting", "shoots", "on"):
            if lowers[j - 1] == "on" and "gun" not in lowers[max(0, j - 4):j]:
                continue  # "turned the gun on himself"
            return j + 1
    return 0


def _fixed(tokens: Sequence[Tok], first: int, last: int, value: int) -> dict[str, Any]:
    return {"value": value, "min": value, "max": value, "qualifier": "exact",
            "start": tokens[first].idx, "end": tokens[last].idx + len(tokens[last].text)}


def finish_counts(found: dict[str, dict[str, Any]], text: str) -> dict[str, dict[str, Any]]:
    """Turn internal counts into the published ones: add text, resolve "shot".

    People shot are injured unless they died: in the sentence, injured = shot - dead;
    a shot count left over is kept under the internal key ``_shot`` so that the article
    can settle it against deaths told in other sentences (see ``settle_shot``).
    """
    out: dict[str, dict[str, Any]] = {}
    for kind, count in found.items():
        if kind == "shot":
            continue
        out[kind] = {**count, "text": text[count["start"]:count["end"]]}
    shot = found.get("shot")
    if shot is not None and "injured" not in out:
        dead = out.get("dead")
        value = shot["value"]
        if shot.get("_other"):
            out["injured"] = {k: v for k, v in shot.items() if k != "_other"}
            out["injured"]["text"] = text[shot["start"]:shot["end"]]
            return out
        if dead is not None and value is not None and dead.get("value") is not None:
            if value >= dead["value"] and shot["qualifier"] == "exact":
                value = value - dead["value"]
                if value == 0:
                    return out
                out["injured"] = {**shot, "value": value, "min": value, "max": value,
                                  "text": text[shot["start"]:shot["end"]]}
            return out
        if dead is None or (shot["start"], shot["end"]) != (dead["start"], dead["end"]):
            out["_shot"] = {**shot, "text": text[shot["start"]:shot["end"]]}
    return out


def settle_shot(counts: dict[str, dict[str, Any]], article_dead: int | None) -> None:
    """Resolve a leftover shot count in place: injured = shot - dead, where dead is the
    event's own toll or else the article's ("Teen shot" in the headline, "he died" in
    the body: nobody injured)."""
    shot = counts.pop("_shot", None)
    if shot is None or "injured" in counts:
        return
    own = counts.get("dead")
    dead = own.get("value") if own is not None else article_dead
    value = shot["value"]
    if dead is None or value is None:
        counts["injured"] = shot
        return
    if value > dead and shot["qualifier"] == "exact":
        rest = value - dead
        counts["injured"] = {**shot, "value": rest, "min": rest, "max": rest}
