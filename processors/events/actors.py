"""Who did it, to whom, and where: entity mentions mapped onto the trigger's arguments.

Mentions come from the grouped entity records of the entity work (field offsets turned
into doc offsets) or, without them, from ``doc.ents`` with keys ``key:<label>:<name>``.
Role nouns ("police", "Soldaten") stand in for unnamed actors and give the sector.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from wirestream.processors.entities import map_label

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from wirestream.processors.lang import EventRules


@dataclass(frozen=True, slots=True)
class Mention:
    start: int  # doc character offsets
    end: int
    record: dict[str, Any]  # the published actor/place form
    kind: str | None = None  # "demonym": an adjective of the country ("iranische")


_TEXT_CACHE: dict[int, tuple[Doc, str]] = {}


def text_of(doc: Doc) -> str:
    """``doc.text`` rebuilds the string on every call; keep the last one."""
    cached = _TEXT_CACHE.get(id(doc))
    if cached is not None and cached[0] is doc:
        return cached[1]
    _TEXT_CACHE.clear()
    text = doc.text
    _TEXT_CACHE[id(doc)] = (doc, text)
    return text


@lru_cache(maxsize=16384)
def norm_key(label: str, name: str) -> str:
    text = unicodedata.normalize("NFKC", name).casefold()
    text = re.sub(r"[^\w]+", "-", text).strip("-")
    return f"key:{label.lower()}:{text}"


@lru_cache(maxsize=4096)
def _country_of_name(name: str) -> str | None:
    """ISO3 of a country name (English), for doc.ents without entity records."""
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a project dependency
        return None
    try:
        return str(pycountry.countries.lookup(name).alpha_3)
    except LookupError:
        pass
    from wirestream.processors.countries import country_index

    found = country_index().by_name(name)  # other languages' names ("Russland")
    return found.alpha3 if found is not None else None


@lru_cache(maxsize=4096)
def _demonym_country(word: str) -> dict[str, Any] | None:
    from wirestream.processors.countries import country_index

    country = country_index().by_demonym(word)
    if country is None:
        return None
    return {"id": f"iso3166:{country.alpha2}", "name": country.name, "label": "LOC",
            "country": country.alpha3}


@lru_cache(maxsize=512)
def iso3_from_iso2(code: str) -> tuple[str | None, str | None]:
    try:
        import pycountry
    except ImportError:  # pragma: no cover
        return None, None
    country = pycountry.countries.get(alpha_2=code.upper())
    if country is None:
        return None, None
    return str(country.alpha_3), str(getattr(country, "common_name", None) or country.name)


def _iso3(record: dict[str, Any]) -> str | None:
    if record.get("country_iso3"):
        return str(record["country_iso3"])
    country = record.get("country")
    if isinstance(country, str) and len(country) == 2:
        return iso3_from_iso2(country)[0]
    if isinstance(country, str) and len(country) == 3:
        return country
    return None


def _doc_offset(mention: dict[str, Any], body_offset: int) -> tuple[int, int]:
    shift = body_offset if mention.get("field", "body") == "body" else 0
    return int(mention["start"]) + shift, int(mention["end"]) + shift


def mentions_from_records(records: list[dict[str, Any]], body_offset: int,
                          place: bool = False) -> list[Mention]:
    out: list[Mention] = []
    for rec in records:
        label = rec.get("label", "LOC" if place else "MISC")
        published = {"id": rec.get("id") or norm_key(label, rec.get("name", "")),
                     "name": rec.get("name"), "label": label, "country": _iso3(rec)}
        if place:
            published = {k: rec.get(k) for k in ("id", "name", "country", "country_iso3",
                                                 "latitude", "longitude") if k in rec}
        for mention in rec.get("mentions") or []:
            start, end = _doc_offset(mention, body_offset)
            out.append(Mention(start, end, published, mention.get("kind")))
    out.sort(key=lambda m: m.start)
    return out


def mentions_from_doc(doc: Doc) -> tuple[list[Mention], list[Mention]]:
    """(entity mentions, place mentions) straight from the NER spans."""
    ents: list[Mention] = []
    places: list[Mention] = []
    for span in doc.ents:
        label = map_label(span.label_)
        if label is None:
            continue
        name = span.text
        if label == "MISC":
            # "Israeli", "iranische": a demonym names its country (a modifier, not an actor
            # on its own), as the entity work's demonym mentions do.
            state = _demonym_country(name)
            if state is not None:
                ents.append(Mention(span.start_char, span.end_char, state, "demonym"))
                continue
        country = _country_of_name(name) if label == "LOC" else None
        record = {"id": norm_key(label, name), "name": name, "label": label,
                  "country": country}
        ents.append(Mention(span.start_char, span.end_char, record))
        if label == "LOC":
            places.append(Mention(span.start_char, span.end_char,
                                  {"id": record["id"], "name": name, "country_iso3": country}))
    return ents, places


def sector_for(words: list[str], rules: EventRules) -> str | None:
    """The sector of the first role noun among ``words``."""
    for word in words:
        sector = rules.sector_of(word.lower())
        if sector is not None:
            return sector
    return None


def country_actor(iso3: str, sector: str | None) -> dict[str, Any]:
    """A state as actor ("der iranische Regierungschef" → Iran, government): the same id
    as the entity work gives a country (``iso3166:`` + alpha-2)."""
    alpha2, name = iso2_from_iso3(iso3)
    return {"id": f"iso3166:{alpha2 or iso3}", "name": name or iso3, "label": "LOC",
            "country": iso3, "sector": sector}


@lru_cache(maxsize=512)
def iso2_from_iso3(code: str) -> tuple[str | None, str | None]:
    try:
        import pycountry
    except ImportError:  # pragma: no cover
        return None, None
    country = pycountry.countries.get(alpha_3=code.upper())
    if country is None:
        return None, None
    return str(country.alpha_2), str(getattr(country, "common_name", None) or country.name)


def actors_in(doc: Doc, spans: list[tuple[int, int]], mentions: list[Mention],
              rules: EventRules, used: set[int]) -> list[dict[str, Any]]:
    """Actors for token spans: the named mentions inside them, else their role noun when
    its country is named ("Israeli soldiers"); a bare common noun is nobody."""
    out: list[dict[str, Any]] = []
    for s, e in spans:
        start, end = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
        # Mentions are sorted by start: jump to the span instead of scanning them all.
        first = bisect_left(mentions, start, key=_start_of)
        inside = []
        for m in mentions[first:]:
            if m.start > end:
                break
            if m.end <= end and m.record.get("label") != "MISC":
                inside.append(m)
        named = [m for m in inside if m.kind != "demonym"]
        if named:
            inside = named  # "der iranische Präsident Ebrahim Raisi" is Raisi
        elif inside:
            role = _role(doc, s, e, mentions, rules)
            if role is not None and role.get("country"):
                out.append(country_actor(str(role["country"]), role["sector"]))
                continue
        if inside:
            for m in inside:
                out.append(with_sector(doc, m, rules))
                used.add(m.start)
            continue
        role = _role(doc, s, e, mentions, rules)
        # "er", "sein Land" are resolved by the coder; "the president" alone is nobody.
        if role is not None and str(role["id"]).startswith(("role:pronoun:",
                                                            "role:anaphora:")):
            out.append(role)
    return _dedupe(out)


def _start_of(m: Mention) -> int:
    return m.start


def with_sector(doc: Doc, m: Mention, rules: EventRules) -> dict[str, Any]:
    rec = dict(m.record)
    label = rec.get("label")
    # A title before a person ("der iranische Präsident Ebrahim Raisi") gives the sector.
    before = text_of(doc)[max(0, m.start - 40):m.start].split()[-3:]
    sector = sector_for(before[::-1], rules) if label == "PER" else None
    if sector is None and label == "ORG":
        sector = sector_for(str(rec.get("name", "")).split(), rules)
    if sector is None and label == "LOC":
        sector = "government"  # a state named as the one who acts
    rec["sector"] = sector
    return rec


def _role(doc: Doc, s: int, e: int, mentions: list[Mention], rules: EventRules
          ) -> dict[str, Any] | None:
    if doc[e - 1].lower_ in ("land", "country") and e - s == 2:
        return {"id": "role:anaphora:country", "name": doc[s:e].text, "label": "ROLE",
                "country": None, "sector": "government"}
    if e - s == 1 and doc[s].lower_ in ("er", "he", "she", "sie"):
        return {"id": f"role:pronoun:{doc[s].lower_}", "name": doc[s].text, "label": "ROLE",
                "country": None, "sector": None}
    for i in range(e - 1, s - 1, -1):
        tok = doc[i]
        sector = sector_for([tok.text], rules)
        if sector is None:
            continue
        country = None
        # "Israeli soldiers", "iranische Präsident": the adjective before names the country.
        for m in mentions:
            if doc[s].idx <= m.start < tok.idx and m.record.get("country"):
                country = m.record["country"]
        name = tok.text if tok.i == s else doc[max(s, tok.i - 2):tok.i + 1].text
        return {"id": f"role:{sector}:{tok.lower_}", "name": name, "label": "ROLE",
                "country": country, "sector": sector}
    return None


def _dedupe(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    seen: set[str] = set()
    out = []
    for item in items:
        if item["id"] not in seen:
            seen.add(item["id"])
            out.append(item)
    return out


def free_arguments(doc: Doc, clause: tuple[int, int], trigger: int, mentions: list[Mention],
                   rules: EventRules, symmetric: bool) -> tuple[list[tuple[int, int]],
                                                         list[tuple[int, int]]]:
    """Parse-free actor/recipient token spans: nominal mentions not behind a preposition.

    The first free mention (and those joined to it by "und"/"and") is the actor; the
    rest, and mentions after "gegen/mit/against/with", are recipients.
    """
    s, e = clause
    preps, rec_preps = rules.prepositions, rules.recipient_prepositions
    spans: list[tuple[int, int, str | None]] = []  # (tok start, tok end, preposition)
    start_char, end_char = doc[s].idx, doc[e - 1].idx + len(doc[e - 1].text)
    for m in mentions:
        if m.start < start_char or m.end > end_char or m.record.get("label") == "MISC":
            continue
        span = doc.char_span(m.start, m.end, alignment_mode="expand")
        if span is None:
            continue
        spans.append((span.start, span.end, _prep_before(doc, span.start, s, preps)))
    for i in range(s, e):
        low = doc[i].lower_
        if rules.is_role_noun(low) and not any(a <= i < b for a, b, _ in spans):
            spans.append((i, i + 1, _prep_before(doc, i, s, preps)))
        elif low in ("er", "he", "she"):
            spans.append((i, i + 1, None))
        elif low in ("land", "country") and i > s and doc[i - 1].lower_ in _POSSESSIVES:
            spans.append((i - 1, i + 1, None))  # "sein Land": resolved to a country later
    spans.sort()
    actors: list[tuple[int, int]] = []
    recipients: list[tuple[int, int]] = []
    for a, b, prep in spans:
        if prep is None and (not actors or _joined(doc, actors[-1][1], a)):
            actors.append((a, b))
        elif prep is None or prep in rec_preps:
            recipients.append((a, b))
    if symmetric and recipients and not actors:
        actors, recipients = recipients[:1], recipients[1:]
    return actors, recipients


def _prep_before(doc: Doc, i: int, floor: int, preps: set[str] | frozenset[str]) -> str | None:
    for j in range(i - 1, max(floor, i - 4) - 1, -1):
        low = doc[j].lower_
        if low in preps:
            return low
        adjective = language_adj(low)
        if doc[j].is_punct or (doc[j].text[:1].islower() and low not in _DETS
                               and not adjective):
            return None
    return None


def language_adj(low: str) -> bool:
    # German attributive adjectives ("in der ostiranischen Stadt") sit between a
    # preposition and its noun; they end in -e/-en/-er/-es/-em.
    return len(low) > 4 and low.endswith(("en", "er", "es", "em", "e")) and low.isalpha()


_POSSESSIVES = {"sein", "seines", "seinem", "ihr", "ihres", "ihrem", "his", "her", "their",
                "its"}
_DETS = {"der", "die", "das", "dem", "den", "des", "ein", "eine", "einem", "einen", "einer",
         "the", "a", "an", "its", "their", "his", "her", "seinem", "seinen", "ihrem", "ihren"}


def _joined(doc: Doc, end: int, start: int) -> bool:
    between = [doc[i].lower_ for i in range(end, start)]
    return bool(between) and all(w in ("und", "and", ",", "sowie") for w in between)
