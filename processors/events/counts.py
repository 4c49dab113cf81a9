"""How many were killed, injured, arrested or took part: numbers next to casualty words.

Works on tokens only (no parse), so English and German share it: the words are every
language's (processors/lang/, merged in count_words.py), the number phrases come from
numbers.py, and published counts are finished in tolls.py. A count is
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

from collections.abc import Sequence
from typing import Any, Protocol

from wirestream.processors.events.count_words import (
    ANY_COUNT_WORD,
    CONDITIONS,
    KEY_INDEX,
    MODALS,
    NEGATIONS,
    NONE_VERBS,
    OBJECT_PERSON,
    OBJECT_SKIP,
    ONE,
    PARTICIPANT_CONTEXT,
    PLURAL_PERSON,
    PRONOUNS_ONE,
    RIGHT_STOP,
    SELF,
    SINGULAR_PERSON,
    STOP,
    STOP_LEFT,
)
from wirestream.processors.events.numbers import Phrase, number, phrases


class Tok(Protocol):
    text: str
    idx: int
    lower_: str


# Kinds whose count word may be an intention, a condition or a negation ("plans to kill").
_CASUALTY_KINDS = frozenset({"dead", "injured", "shot"})
# Kinds with an explicit zero ("no one was injured").
_HARM_KINDS = frozenset({"dead", "injured"})
# Kinds counted as one person without a number ("a man was shot dead").
_PERSON_KINDS = frozenset({"dead", "injured", "shot", "arrested"})
# Words that count only in their idiom: "ums Leben", "kamen ... ums Leben", "lost lives".
_LIVES_WORDS = frozenset({"leben", "lives", "kamen"})


def _as_count(tokens: Sequence[Tok], phrase: Phrase, key_index: int) -> dict[str, Any]:
    first = min(phrase.start, key_index)
    last = max(phrase.end - 1, key_index)
    start, end = tokens[first].idx, tokens[last].idx + len(tokens[last].text)
    return {"value": phrase.value, "min": phrase.min, "max": phrase.max,
            "qualifier": phrase.qualifier, "start": start, "end": end}


def extract_counts(tokens: Sequence[Tok], lowers: Sequence[str] | None = None,
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
    if words.isdisjoint(ANY_COUNT_WORD) and not (protest and not words.isdisjoint(
            PARTICIPANT_CONTEXT)):
        return {}  # no count word: most sentences end here, before the number scan
    found_phrases = phrases(lowers)
    by_end = {p.end: p for p in found_phrases}
    by_start = {p.start: p for p in found_phrases}
    found: dict[str, dict[str, Any]] = {}
    keyword_at: dict[str, int] = {}  # token of the word each count was read from
    for i, low in enumerate(lowers):
        hit = KEY_INDEX.get(low)
        if hit is None:
            if protest and low in PARTICIPANT_CONTEXT:
                hit = ("participants", "noun")
            else:
                continue
        kind: str | None
        kind, cls = hit
        kind = _kind_here(tokens, lowers, i, kind, found)
        if kind is None:
            continue
        count = _count_at(tokens, lowers, by_start, by_end, i, kind, cls)
        if count is not None:
            found[kind] = count
            keyword_at[kind] = i
    _one_fatally(tokens, lowers, by_end, found, keyword_at)
    _add_self_kill(lowers, found, keyword_at)
    if "dead" not in found:
        _toll(tokens, lowers, by_start, found)
    return found


def _kind_here(tokens: Sequence[Tok], lowers: Sequence[str], i: int, kind: str,
               found: dict[str, dict[str, Any]]) -> str | None:
    """The kind the count word at ``i`` reports, or None when it reports nothing new
    here; an explicit zero ("no one was injured") goes straight into ``found``."""
    low = lowers[i]
    if low in _LIVES_WORDS and not _lives(lowers, i):
        return None
    if kind in _CASUALTY_KINDS and _not_a_toll(lowers, i):
        return None
    if kind in _HARM_KINDS and kind not in found and _none_left(lowers, i):
        # "no one was injured", "nobody else was killed": an explicit zero.
        found[kind] = {"value": 0, "min": 0, "max": 0, "qualifier": "exact",
                       "start": tokens[max(0, i - 3)].idx,
                       "end": tokens[i].idx + len(tokens[i].text)}
        return None
    if low in ("nahm", "nahmen") and "fest" not in lowers[i + 1:i + 12]:
        return None
    if low in ("shot", "shoots") and _dead_shot(lowers, i):
        if lowers[i + 1:i + 3] == ["and", "killed"] and _has_object(tokens, i + 2):
            return None  # "shot and killed her two children": "killed" has the victims
        kind = "dead"
    # "shooting" counts only with a number after it ("shooting four"); "shoots" also
    # with one person ("shoots grandfather").
    if low in ("shooting", "shoots") and not (
            i + 1 < len(lowers) and number(lowers[i + 1])) and (
            low == "shooting" or not _object_one(lowers, i)):
        return None
    return None if kind in found else kind


def _count_at(tokens: Sequence[Tok], lowers: Sequence[str], by_start: dict[int, Phrase],
              by_end: dict[int, Phrase], i: int, kind: str, cls: str
              ) -> dict[str, Any] | None:
    """The count the word at ``i`` states: its number phrase, or one person."""
    # An active verb with an object ("a man shot his brother", "two men accused of
    # killing a baby"): the number on the left counts the shooters, not the victims.
    active = cls == "verb" and kind != "arrested" and _has_object(tokens, i)
    # Active verbs take their number after them: "killing 12", "tötete 5 Menschen".
    phrase = _number_after(lowers, by_start, i) if cls == "verb" else None
    if phrase is None and not active:
        phrase = _left(lowers, by_end, i)
    if phrase is None:
        one = _object_one(lowers, i) if active or cls == "verb" else False
        if kind in _PERSON_KINDS and (one or (not active and _singular_left(lowers, i))):
            extra = 0 if one or active else _coordinated(lowers, by_end, i, None)
            return _fixed(tokens, max(0, i - 3), i, 1 + extra)
        return None
    count = _as_count(tokens, phrase, i)
    if kind == "shot" and not {"other", "others"}.isdisjoint(
            lowers[max(0, min(phrase.start, i) - 2):max(phrase.end, i + 1)]):
        count["_other"] = True  # "three other people shot": not the dead ones
    if phrase.end <= i:  # a subject on the left: add its conjuncts ("2 men, 3 women")
        extra = _coordinated(lowers, by_end, i, phrase)
        if extra and count["value"] is not None and phrase.qualifier == "exact":
            total = count["value"] + extra
            count.update(value=total, min=total, max=total)
    return count


def _number_after(lowers: Sequence[str], by_start: dict[int, Phrase], i: int
                  ) -> Phrase | None:
    """The number phrase a few words after a verb, before any stop word."""
    phrase = None
    j = i + 1
    while j < len(lowers) and j <= i + 3 and lowers[j] not in STOP \
            and (lowers[j] not in RIGHT_STOP or lowers[j + 1:j + 2] in (
                ["least"], ["most"])):
        if j in by_start:
            phrase = by_start[j]
            break
        j += 1
    if phrase is not None and phrase.start > i + 1 and lowers[i + 1] in ("by", "von"):
        phrase = None
    return phrase


def _one_fatally(tokens: Sequence[Tok], lowers: Sequence[str], by_end: dict[int, Phrase],
                 found: dict[str, dict[str, Any]], keyword_at: dict[str, int]) -> None:
    """"Four people were shot, one fatally": the number before "fatally" died."""
    if "shot" in found and "dead" not in found and "fatally" in lowers:
        f = lowers.index("fatally")
        for k in range(f, max(-1, f - 5), -1):
            phrase = by_end.get(k)
            if phrase is not None and phrase.value is not None and phrase.start > \
                    keyword_at.get("shot", len(lowers)):
                found["dead"] = _as_count(tokens, phrase, f)
                break


def _add_self_kill(lowers: Sequence[str], found: dict[str, dict[str, Any]],
                   keyword_at: dict[str, int]) -> None:
    """"killed two children, then killed himself": the shooter's own death adds one."""
    dead = found.get("dead")
    self_at = _self_kill(lowers)
    if dead is not None and dead["value"] and dead["qualifier"] == "exact" and self_at \
            and keyword_at.get("dead") not in (None, self_at - 2):
        total = dead["value"] + 1
        dead.update(value=total, min=total, max=total)


def _toll(tokens: Sequence[Tok], lowers: Sequence[str], by_start: dict[int, Phrase],
          found: dict[str, dict[str, Any]]) -> None:
    """Toll phrases: "death toll rose to 30", "Zahl der Toten stieg auf 30"."""
    for i, low in enumerate(lowers):
        if low in ("toll", "todeszahl", "opferzahl") or (
                low == "zahl" and i + 2 < len(lowers) and lowers[i + 2] in ("toten",
                                                                            "todesopfer")):
            for j in range(i + 1, min(len(lowers), i + 8)):
                if j in by_start and lowers[j - 1] in ("to", "at", "auf", "bei", "of"):
                    found["dead"] = _as_count(tokens, by_start[j], i)
                    break
            break


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


def _left(lowers: Sequence[str], by_end: dict[int, Phrase], i: int) -> Phrase | None:
    # Walk left over modifiers and auxiliaries ("22 Menschen wurden", "four people were").
    j = i
    steps = 0
    while j > 0 and steps <= 5:
        if j in by_end:
            return by_end[j]
        prev = lowers[j - 1]
        if prev in STOP_LEFT or prev in KEY_INDEX:
            return None
        j -= 1
        steps += 1
    return by_end.get(j)


def _singular_left(lowers: Sequence[str], i: int) -> bool:
    for j in range(i - 1, max(-1, i - 5), -1):
        low = lowers[j]
        if low in STOP_LEFT or low in KEY_INDEX:
            return False
        if low in PRONOUNS_ONE:
            return True
        if SINGULAR_PERSON.match(low):
            k = j - 1
            while k >= 0 and k >= j - 3 and lowers[k] not in STOP_LEFT:
                if lowers[k] in ONE or lowers[k] in ("the", "der", "die", "a", "ein"):
                    return True
                k -= 1
            return True  # headline style: "Baby girl shot, killed"
    return False


def _not_a_toll(lowers: Sequence[str], i: int) -> bool:
    """The word does not report a casualty: infinitive, modal, condition, negation, or a
    shot fired ("fired one shot", "shot at")."""
    low = lowers[i]
    before = lowers[max(0, i - 3):i]
    if before and before[-1] in MODALS:
        return True  # "plans to kill", "was going to die", "she'd hurt"
    clause = []
    for w in reversed(lowers[max(0, i - 8):i]):
        if w in (",", ";", ":", "\n", "and", "but"):
            break
        clause.append(w)
    if not CONDITIONS.isdisjoint(clause):
        return True  # "whether he was shot", "if he was killed"
    if not NEGATIONS.isdisjoint(before):
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
    while j >= 0 and steps < 5 and lowers[j] in NONE_VERBS:
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
            i + 2 >= len(lowers) or not lowers[i + 2].isalpha() or lowers[i + 2] in STOP
            or lowers[i + 2] in RIGHT_STOP):
        return True  # "killing her,", "shot him in the chest"
    unknown = 0  # modifiers not in the list: "a store clerk", "a security guard"
    for j in range(i + 1, min(len(lowers), i + 6)):
        low = lowers[j]
        if OBJECT_PERSON.match(low) or low.endswith("-year-old"):
            # "-year-old" followed by a plural noun is not one person
            nxt = lowers[j + 1] if j + 1 < len(lowers) else ""
            return not nxt.endswith("s") or nxt in ("'s", "’s")
        if low not in OBJECT_SKIP and not low.endswith("-old"):
            unknown += 1
            if j == i + 1 or unknown > 1 or not low.isalpha() or low in STOP \
                    or low in RIGHT_STOP or low.endswith("s"):
                return False
    return False


def _coordinated(lowers: Sequence[str], by_end: dict[int, Phrase], i: int,
                 phrase: Phrase | None) -> int:
    """People joined to the subject on its left: "2 men, 3 women shot" adds 2,
    "Mother, boy fatally shot" adds 1. Only numbers and singular person nouns count."""
    # Start of the subject: the phrase, or the singular person noun before the keyword.
    if phrase is not None:
        j = phrase.start
    else:
        j = next((k for k in range(i - 1, max(-1, i - 5), -1)
                  if SINGULAR_PERSON.match(lowers[k])), -1)
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
                                            and lowers[x] not in KEY_INDEX
                                            for x in range(m + 1, end)) \
                    and _is_person(lowers[end - 1]):
                found = ("n", cand)
                break
        if found is not None:
            extra += found[1].value  # type: ignore[operator]
            j = found[1].start
            continue
        if end - 1 >= 0 and SINGULAR_PERSON.match(lowers[end - 1]) \
                and not lowers[end - 1].endswith("year-old"):
            extra += 1
            j = end - 1
            while j > 0 and lowers[j - 1] in ("a", "the", "one", "an", "his", "her"):
                j -= 1
            continue
        break
    return extra


def _is_person(low: str) -> bool:
    return low in PLURAL_PERSON or bool(SINGULAR_PERSON.match(low))


def _self_kill(lowers: Sequence[str]) -> int:
    """Index + 1 of "himself" in a "killed himself"-style phrase of the sentence, else 0."""
    for j, low in enumerate(lowers):
        if low in SELF and j > 0 and lowers[j - 1] in ("killed", "killing", "kills", "shot",
                                                        "shooting", "shoots", "on"):
            if lowers[j - 1] == "on" and "gun" not in lowers[max(0, j - 4):j]:
                continue  # "turned the gun on himself"
            return j + 1
    return 0


def _fixed(tokens: Sequence[Tok], first: int, last: int, value: int) -> dict[str, Any]:
    return {"value": value, "min": value, "max": value, "qualifier": "exact",
            "start": tokens[first].idx, "end": tokens[last].idx + len(tokens[last].text)}
