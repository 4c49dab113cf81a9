"""NER mentions -> one record per real-world entity, with identifiers and places.

For each article:

1. Demonyms and country adjectives ("iranische", "Iranian") become mentions of
   their country, as do NORP-style MISC spans that are demonyms.
2. The article's country context is collected: countries named, countries of
   demonyms, the dateline's place, the countries the known people and
   organisations act for. The geocoder uses it to choose between places of one name.
3. Each mention gets an identity, in this order: the project's knowledge base
   (Wikidata or gazetteer id); a country by name (ISO 3166); a place by name
   (GeoNames); for people, the full name earlier or later in the same article whose
   last words it is ("Raisi" -> "Ebrahim Raisi"); for organisations, the long name
   an acronym was introduced with ("... Behörde (XYZ)"); otherwise a stable key from
   the normalised name and type ("key:per:jane doe").
4. Mentions with one identity form one entity record: canonical name, type, all
   surface forms with their spans, mention count, first position and salience.

Salience = (mentions + 2 if named in the headline + 1 if named in the lead) divided by
the same figure for the article's most salient entity, so it is 1.0 for the top
entity and comparable within an article, not across articles.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from wirestream.processors.countries import Country, CountryIndex, country_index, normalise
from wirestream.processors.entities import Entity
from wirestream.processors.entity_kb import KbEntry, KnowledgeBase, knowledge_base
from wirestream.processors.geocoding import Geocoder, Place, geocoder
from wirestream.processors.lang import takes_genitive_s

HEADLINE_WEIGHT = 2.0
LEAD_WEIGHT = 1.0
LEAD_CHARS = 400  # the body's first ~2 sentences count as the lead
_WORD = re.compile(r"[^\W\d_][\w]*(?:-[\w]+)*")
_ACRONYM_AFTER = re.compile(r"\s*\(([A-ZÄÖÜ][A-Za-zÄÖÜ&.-]{1,9})\)")
# "Henderson, Ky." / "Vienna, Virginia" / "Valencia, Spain": the state or country after a comma.
_QUALIFIER_AFTER = re.compile(r",\s*((?:[A-Z][a-z]*\.){1,2}|[A-Z][a-z]+(?: [A-Z][a-z]+)?)")


@dataclass(slots=True)
class _Mention:
    text: str
    label: str
    field: str
    start: int
    end: int
    kind: str = "name"  # "name" (an NER span) or "demonym"

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"text": self.text, "field": self.field, "start": self.start,
                               "end": self.end}
        if self.kind != "name":
            out["kind"] = self.kind
        return out


@dataclass(slots=True)
class _Group:
    id: str
    kb: str | None  # wikidata | gazetteer | geonames | iso3166 | None (unlinked)
    name: str | None = None
    label: str | None = None
    wikidata: str | None = None
    country: Country | None = None
    place: Place | None = None
    mentions: list[_Mention] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LinkedEntities:
    entities: list[dict[str, Any]]
    places: list[dict[str, Any]]


class EntityLinker:
    def __init__(self, kb: KnowledgeBase | None = None, countries: CountryIndex | None = None,
                 places: Geocoder | None = None) -> None:
        self.kb = kb or knowledge_base()
        self.countries = countries or country_index()
        self.geocoder = places or geocoder()

    def link(self, mentions: list[Entity], *, headline: str, body: str,
             language: str | None = None, dateline: str | None = None) -> LinkedEntities:
        names = [_Mention(m.text, m.label, m.field, m.start, m.end) for m in mentions]
        names, demonyms = self._split_demonyms(names, headline, body)
        context = self._context(names, demonyms, dateline)
        fields = {"headline": headline, "body": body}
        groups: dict[str, _Group] = {}
        pending: list[_Mention] = []
        for mention in names:
            group = self._identify(mention, context, language, fields)
            if group is None:
                pending.append(mention)
                continue
            groups.setdefault(group.id, group).mentions.append(mention)
        for mention, country in demonyms:
            place = self.geocoder.country_place(country)
            group = groups.setdefault(place.id, _place_group(place))
            group.mentions.append(mention)
        self._resolve_unlinked(pending, groups, headline, body, language)
        body_offset = len(headline) + 2 if headline else 0
        records = [_record(g, body_offset) for g in groups.values()]
        _add_salience(records)
        records.sort(key=lambda r: (r["first_position"], r["id"]))
        places = [_place_record(groups[r["id"]], r) for r in records if groups[r["id"]].place]
        return LinkedEntities(entities=records, places=places)

    # -- steps -----------------------------------------------------------------

    def _split_demonyms(self, names: list[_Mention], headline: str, body: str
                        ) -> tuple[list[_Mention], list[tuple[_Mention, Country]]]:
        kept: list[_Mention] = []
        demonyms: list[tuple[_Mention, Country]] = []
        for mention in names:
            country = self.countries.by_demonym(mention.text) if mention.label == "MISC" else None
            if country is not None:
                mention.kind, mention.label = "demonym", "LOC"
                demonyms.append((mention, country))
            else:
                kept.append(mention)
        taken = {(m.field, i) for m in names for i in range(m.start, m.end)}
        for field_name, text in (("headline", headline), ("body", body)):
            for match in _WORD.finditer(text):
                if (field_name, match.start()) in taken:
                    continue
                country = self.countries.by_demonym(match.group())
                if country is not None:
                    demonyms.append((_Mention(match.group(), "LOC", field_name, match.start(),
                                              match.end(), kind="demonym"), country))
        return kept, demonyms

    def _context(self, names: list[_Mention], demonyms: list[tuple[_Mention, Country]],
                 dateline: str | None) -> frozenset[str]:
        codes = {country.alpha2 for _, country in demonyms}
        for mention in names:
            entry = self.kb.lookup(mention.text)
            if entry is not None and entry.country:
                codes.add(entry.country)
            country = self.countries.by_name(entry.canonical if entry else mention.text)
            if country is not None:
                codes.add(country.alpha2)
        if dateline:
            head = re.split(r"[,(/\n]| - ", dateline, maxsplit=1)[0].strip()
            place = self.geocoder.resolve(head.title() if head.isupper() else head)
            if place is not None and place.country is not None:
                codes.add(place.country.alpha2)
        return frozenset(codes)

    def _qualifier(self, mention: _Mention, fields: dict[str, str]
                   ) -> tuple[str, str | None] | None:
        after = _QUALIFIER_AFTER.match(fields[mention.field], mention.end)
        return self.geocoder.qualifier(after.group(1)) if after else None

    def _identify(self, mention: _Mention, context: frozenset[str], language: str | None,
                  fields: dict[str, str]) -> _Group | None:
        entry = self.kb.lookup(mention.text)
        if entry is not None:
            if entry.label == "LOC":
                place = self.geocoder.resolve(entry.canonical, context,
                                              within=self._qualifier(mention, fields))
                if place is not None:
                    return _place_group(place)
            return _kb_group(entry, self.countries)
        if mention.label == "LOC":
            place = self.geocoder.resolve(mention.text, context, language,
                                          within=self._qualifier(mention, fields))
            if place is not None:
                return _place_group(place)
        elif mention.label != "MISC":
            # Country names are countries whatever the model called them ("Iran" as ORG
            # is the state acting: still Iran).
            country = self.countries.by_name(mention.text)
            if country is not None:
                return _place_group(self.geocoder.country_place(country))
        return None

    def _resolve_unlinked(self, pending: list[_Mention], groups: dict[str, _Group],
                          headline: str, body: str, language: str | None) -> None:
        fields = {"headline": headline, "body": body}
        # Full person names in the article (linked or not) that short forms may refer to.
        full_names: dict[str, set[str]] = {}  # last word -> group ids

        def note_full_name(text: str, group_id: str) -> None:
            words = text.split()
            if len(words) >= 2:
                full_names.setdefault(words[-1], set()).add(group_id)

        for group in groups.values():
            if group.label == "PER":
                for mention in group.mentions:
                    note_full_name(mention.text, group.id)
        unlinked: dict[str, _Group] = {}
        for mention in pending:
            if mention.label == "PER" and len(mention.text.split()) >= 2:
                group = unlinked.setdefault(_key(mention), _Group(_key(mention), None))
                note_full_name(mention.text, group.id)
        acronyms: dict[str, str] = {}
        for mention in pending:
            if mention.label == "ORG" and len(mention.text.split()) >= 2:
                after = _ACRONYM_AFTER.match(fields[mention.field], mention.end)
                if after:
                    acronyms[after.group(1)] = _key(mention)
        genitive_s = takes_genitive_s(language)
        for mention in pending:
            target = _key(mention)
            if mention.label == "PER" and len(mention.text.split()) == 1:
                candidates = full_names.get(mention.text, set())
                if not candidates and genitive_s and mention.text.endswith("s"):
                    candidates = full_names.get(mention.text[:-1], set())  # "Müllers"
                if len(candidates) == 1:  # two Müllers: leave it unresolved
                    target = next(iter(candidates))
            elif mention.text in acronyms:
                target = acronyms[mention.text]
            elif genitive_s and mention.text.endswith("s"):
                shorter = _key(mention)[:-1]
                if any(_key(m) == shorter for m in pending):
                    target = shorter
            group = groups.get(target) or unlinked.setdefault(target, _Group(target, None))
            group.mentions.append(mention)
        for key, group in unlinked.items():
            if group.mentions:
                groups[key] = group


def _key(mention: _Mention) -> str:
    name = " ".join(mention.text.casefold().split())
    return f"key:{mention.label.lower()}:{name}"


def _kb_group(entry: KbEntry, countries: CountryIndex) -> _Group:
    return _Group(id=entry.id, kb="wikidata" if entry.wikidata else "gazetteer",
                  name=entry.canonical, label=entry.label, wikidata=entry.wikidata,
                  country=countries.get(entry.country) if entry.country else None)


def _place_group(place: Place) -> _Group:
    return _Group(id=place.id, kb="iso3166" if place.kind == "country" else "geonames",
                  name=place.name, label="LOC", country=place.country, place=place)


def _position(mention: _Mention, body_offset: int) -> int:
    return mention.start if mention.field == "headline" else body_offset + mention.start


def _record(group: _Group, body_offset: int) -> dict[str, Any]:
    mentions = sorted(group.mentions, key=lambda m: _position(m, body_offset))
    names = [m for m in mentions if m.kind == "name"] or mentions
    forms = list(dict.fromkeys(m.text for m in mentions))
    label = group.label or Counter(m.label for m in names).most_common(1)[0][0]
    name = group.name
    if name is None:
        if label == "PER":  # the fullest form of a person's name
            name = max((m.text for m in names), key=lambda t: (len(t.split()), len(t)))
        else:
            counts = Counter(m.text for m in names)
            name = max(counts, key=lambda t: (counts[t], len(t)))
    in_headline = any(m.field == "headline" for m in mentions)
    in_lead = any(m.field == "body" and m.start < LEAD_CHARS for m in mentions)
    return {
        "id": group.id,
        "name": name,
        "label": label,
        "linked": group.kb is not None,
        "kb": group.kb,
        "wikidata": group.wikidata,
        "geonames_id": group.place.geonames_id if group.place else None,
        "country": group.country.alpha2 if group.country else None,
        "country_iso3": group.country.alpha3 if group.country else None,
        "surface_forms": forms,
        "mentions": [m.to_dict() for m in mentions],
        "mention_count": len(mentions),
        "first_position": _position(mentions[0], body_offset),
        "in_headline": in_headline,
        "salience": len(mentions) + HEADLINE_WEIGHT * in_headline + LEAD_WEIGHT * in_lead,
    }


def _add_salience(records: list[dict[str, Any]]) -> None:
    top = max((r["salience"] for r in records), default=0.0)
    for record in records:
        record["salience"] = round(record["salience"] / top, 3) if top else 0.0


def _place_record(group: _Group, record: dict[str, Any]) -> dict[str, Any]:
    assert group.place is not None
    out = group.place.to_dict()
    out["surface_forms"] = record["surface_forms"]
    out["mention_count"] = record["mention_count"]
    return out


def link_entities(mentions: list[Entity], *, headline: str, body: str,
                  language: str | None = None, dateline: str | None = None) -> LinkedEntities:
    """Group and link one article's mentions with the process-wide linker."""
    return _linker().link(mentions, headline=headline, body=body, language=language,
                          dateline=dateline)


@lru_cache(maxsize=1)
def _linker() -> EntityLinker:
    return EntityLinker()


def warm_up_linker() -> None:
    """Build the indexes now (GeoNames takes ~2 s), not on the first article."""
    _linker()


__all__ = ["EntityLinker", "LinkedEntities", "link_entities", "normalise", "warm_up_linker"]
