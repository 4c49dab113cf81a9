"""The news-name layer: EntityRulers with the project's gazetteer of world entities.

Small statistical models miss names that wire copy uses every day ("IAEO",
"UN-Sicherheitsrat", "Kreml"). People, organisations and other names are matched
before ``ner``, which keeps those spans and predicts around them, except where the
next word is a capitalised word of the same sentence: "NATO" in "NATO Response
Force" is the start of a longer name, so the guard leaves it to ``ner``; so is a match
after a capitalised word that does not begin its sentence ("Deutschen Bundestag"). Places, and
names the guard let go, are matched after ``ner`` and only where it found nothing: a
city name inside a longer name the model recognises ("Washington Redskins", "Real
Madrid") must not be cut out of it. Each span's ``ent_id_`` is the canonical name, so
"IAEA" and "Internationale Atomenergiebehörde" share one id.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wirestream.processors.name_edges import TRIM_PIPE_NAME, register_trim

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from wirestream.processors.countries import CountryIndex

GAZETTEER = Path(__file__).resolve().parents[1] / "config" / "gazetteer" / "news_names.json"
PIPE_NAME = "news_names"
PLACES_PIPE_NAME = "news_places"
GUARD_PIPE_NAME = "news_names_guard"
SETTLE_PIPE_NAME = "news_places_settle"
PLACE_LABEL = "LOC"  # the gazetteer's and the relabelled countries' label
# Country names that are given names too ("Jordan scored 30"): a person span stays one.
_COUNTRY_NAMES_ALSO_PEOPLE = frozenset({"jordan", "georgia", "chad", "israel", "india",
                                        "kenya", "tonga"})


@lru_cache(maxsize=2)
def load_gazetteer(path: Path = GAZETTEER) -> tuple[dict[str, Any], ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(data["entries"])


def ruler_patterns(path: Path = GAZETTEER, places: bool | None = None
                   ) -> list[dict[str, str]]:
    """Patterns for every entry, or only places (True) or only the rest (False)."""
    patterns: list[dict[str, str]] = []
    seen: set[str] = set()
    for entry in load_gazetteer(path):
        if places is not None and (entry["label"] == "LOC") != places:
            continue
        for name in entry["names"]:
            if name in seen:  # one surface form, one entity
                continue
            seen.add(name)
            patterns.append({"label": entry["label"], "pattern": name, "id": entry["canonical"]})
    return patterns


# Numbered resolutions ("Resolution 2231", "UN-Resolution 1441") are documents: MISC.
_RESOLUTION_WORDS = ["resolution", "un-resolution", "uno-resolution", "résolution",
                     "resolución"]


def numbered_document_patterns() -> list[dict[str, Any]]:
    return [{"label": "MISC", "pattern": [{"LOWER": {"IN": _RESOLUTION_WORDS}},
                                          {"SHAPE": {"IN": ["dddd", "ddd", "dd"]}}]}]


def country_place_patterns(language: str) -> list[dict[str, str]]:
    """Every country by its name in ``language`` (and its bare genitive where the language
    has one: "Venezuelas"), for the places ruler. Only the language's own names: the French
    "Malte" is a German given name, "Ireland" an English one."""
    from wirestream.processors.countries import country_index
    from wirestream.processors.lang import profile

    countries = country_index()
    genitive = bool((found := profile(language)) and found.genitive_s)
    patterns = []
    for name in countries.names_in(language):
        if name.casefold() in _COUNTRY_NAMES_ALSO_PEOPLE:
            continue
        country = countries.by_name(name)
        assert country is not None  # names_in gives only names it resolves
        forms = [name]
        if genitive and " " not in name and not name.endswith(("s", "ß", "x", "z")):
            forms.append(name + "s")
        patterns += [{"label": PLACE_LABEL, "pattern": form, "id": country.name}
                     for form in forms]
    return patterns


def _starts_earlier(doc: Doc, start: int) -> bool:
    """A capitalised word before ``start`` that does not begin its sentence ("Deutschen
    Bundestag", "Greater New Orleans"): the name may begin there."""
    if start < 2:  # nothing before, or only the first word, capitalised anyway
        return False
    before, prev = doc[start - 1], doc[start - 2]
    return (before.is_alpha and before.text[:1].isupper() and not before.is_sent_start
            and prev.text not in {".", "!", "?", ":", "\n", "\n\n"})


def leave_longer_names_to_ner(doc: Doc) -> Doc:
    """Drop a gazetteer match that a capitalised word of the same sentence continues
    ("NATO Response Force") or begins ("Deutschen Bundestag"); the other tokens stay
    unset, so ``ner`` decides them."""
    kept = []
    for ent in doc.ents:
        after = doc[ent.end] if ent.end < len(doc) else None
        continued = (after is not None and after.is_alpha and after.text[:1].isupper()
                     and not after.is_sent_start) or _starts_earlier(doc, ent.start)
        if not continued:
            kept.append(ent)
    if len(kept) != len(doc.ents):
        doc.set_ents(kept, default="missing")
    return doc


def _linked_before(doc: Doc, start: int, links: frozenset[str]) -> bool:
    """A link word of a foreign name before ``start`` and a capitalised word before it:
    "Tour de France", "Philharmonic Society of London"."""
    return (start >= 2 and doc[start - 1].text in links
            and doc[start - 2].text[:1].isupper())


def _continued_after(doc: Doc, end: int) -> bool:
    """A capitalised word of the same sentence follows that no entity begins at:
    "Vienna Art Orchestra", "Europe Online"."""
    after = doc[end] if end < len(doc) else None
    return (after is not None and after.is_alpha and after.text[:1].isupper()
            and not after.is_sent_start and after.ent_iob_ != "B")


def _common_noun_compound(ent: Span, endings: tuple[str, ...]) -> bool:
    """One hyphenated word whose head is an abstract common noun: "Marathon-Verhandlungen"."""
    if not endings or len(ent) != 1 or "-" not in ent.text:
        return False
    head = ent.text.rsplit("-", 1)[1]
    return head[:1].isupper() and head.endswith(endings)


def _grown_to_country(doc: Doc, ent: Span, countries: CountryIndex) -> Span | None:
    """The span with up to two more words, where that is a country's full name:
    "Islamische Republik" + "Iran"."""
    from spacy.tokens import Span

    for extra in (2, 1):
        end = ent.end + extra
        # Capitalised words only: "Bosnien und Herzegowina" stays two places, as gold
        # data marks it.
        if end <= len(doc) and all(t.is_alpha and t.text[:1].isupper()
                                   for t in doc[ent.end:end]):
            country = countries.by_name(doc[ent.start:end].text)
            if country is not None:
                return Span(doc, ent.start, end, label=PLACE_LABEL, span_id=country.name)
    return None


def settle_places(doc: Doc) -> Doc:
    """After the rulers: grow a span that stops short of a country's full name
    ("Islamische Republik" before "Iran"), drop a gazetteer place that is only part of a
    longer name the model did not find ("Bank Austria" aside, which no rule can tell from
    "Hauptstadt Wien"), and call a country a place where the model made it a person or an
    organisation ("China" PER)."""
    from spacy.tokens import Span

    from wirestream.processors.countries import country_index
    from wirestream.processors.lang import profile

    found = profile(doc.lang_)
    links = found.foreign_name_links if found else frozenset()
    # Where every noun is capitalised, a capitalised next word is usually just a noun.
    check_after = not (found and found.capitalises_nouns)
    countries = country_index()
    kept: list[Span] = []
    changed = False
    taken_until = 0  # a span grown to a country's full name took the tokens up to here
    for ent in doc.ents:
        if ent.start < taken_until:
            changed = True
            continue
        grown = _grown_to_country(doc, ent, countries)
        if grown is not None:
            kept.append(grown)
            taken_until = grown.end
            changed = True
            continue
        from_gazetteer = bool(ent.ent_id_)
        if from_gazetteer and ent.label_ == PLACE_LABEL and (
                _linked_before(doc, ent.start, links)
                or (check_after and _continued_after(doc, ent.end))):
            changed = True
            continue
        if (not from_gazetteer and ent.label_ in {"PER", "PERSON", "LOC", "GPE"}
                and _common_noun_compound(ent, found.common_noun_endings if found else ())):
            changed = True
            continue
        if (not from_gazetteer and ent.label_ in {"PER", "PERSON", "ORG"}
                and ent.text.casefold() not in _COUNTRY_NAMES_ALSO_PEOPLE
                and countries.by_name(ent.text) is not None):
            ent = Span(doc, ent.start, ent.end, label=PLACE_LABEL, span_id=ent.id)
            changed = True
        kept.append(ent)
    if changed:
        doc.set_ents(kept, default="outside")
    return doc


def _register_guard() -> None:
    # Registered on first use, so importing this module does not import spaCy (the
    # stream's main process imports it and never runs a pipeline).
    from spacy.language import Language

    if not Language.has_factory(GUARD_PIPE_NAME):
        Language.component(GUARD_PIPE_NAME, func=leave_longer_names_to_ner)
    if not Language.has_factory(SETTLE_PIPE_NAME):
        Language.component(SETTLE_PIPE_NAME, func=settle_places)


def add_news_names(nlp: Language, path: Path = GAZETTEER) -> bool:
    """Add the rulers around ``ner`` (or last if there is none); False if already there."""
    if PIPE_NAME in nlp.pipe_names:
        return False
    # ORTH matching: exact case, so "UN" matches and the French article "un" does not.
    config = {"phrase_matcher_attr": "ORTH", "overwrite_ents": False}
    has_ner = "ner" in nlp.pipe_names
    names = nlp.add_pipe("entity_ruler", name=PIPE_NAME, config=config,
                         before="ner" if has_ner else None)
    names.add_patterns(ruler_patterns(path, places=False))  # type: ignore[attr-defined]
    names.add_patterns(numbered_document_patterns())  # type: ignore[attr-defined]
    if has_ner:
        _register_guard()
        nlp.add_pipe(GUARD_PIPE_NAME, after=PIPE_NAME)
    # After ner: places, and the names the guard left to ner where it found nothing.
    places = nlp.add_pipe("entity_ruler", name=PLACES_PIPE_NAME, config=config,
                          after="ner" if has_ner else None)
    places.add_patterns(ruler_patterns(path))  # type: ignore[attr-defined]
    places.add_patterns(  # type: ignore[attr-defined]
        country_place_patterns(nlp.lang or "en"))
    _register_guard()
    nlp.add_pipe(SETTLE_PIPE_NAME, after=PLACES_PIPE_NAME)
    # Last: every span cut to the name (processors/name_edges.py).
    register_trim()
    nlp.add_pipe(TRIM_PIPE_NAME, after=SETTLE_PIPE_NAME)
    return True
