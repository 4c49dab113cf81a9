"""Grouping, identifiers and places for one article's NER mentions (no spaCy needed)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import msgspec
import pytest

from wirestream.processors.article import Article
from wirestream.processors.entities import Entity
from wirestream.processors.entity_linking import link_entities
from wirestream.processors.geocoding import geocoder
from wirestream.processors.records import Enrichment, Source, convert, dedup_block, enriched_record

SCHEMA = json.loads((Path(__file__).resolve().parents[2]
                     / "config/schemas/enriched.schema.json").read_text())


def mentions(body: str, spans: list[tuple[str, str]], headline: str = "") -> list[Entity]:
    """Entity objects for the first occurrence (after the previous one) of each text."""
    out: list[Entity] = []
    cursor = {"headline": 0, "body": 0}
    for text, label in spans:
        field = "headline" if headline and text in headline[cursor["headline"]:] else "body"
        source = headline if field == "headline" else body
        start = source.index(text, cursor[field])
        cursor[field] = start + len(text)
        out.append(Entity(text, label, label, field, start, start + len(text)))
    return out


def link(body: str, spans: list[tuple[str, str]], headline: str = "",
         language: str = "de", dateline: str | None = None) -> dict[str, Any]:
    result = link_entities(mentions(body, spans, headline), headline=headline, body=body,
                           language=language, dateline=dateline)
    return {"entities": result.entities, "places": result.places}


def by_id(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {e["id"]: e for e in result["entities"]}


def test_short_form_of_a_person_joins_the_full_name_in_the_same_article():
    body = "Die Ministerin Hanna Kowalczyk reiste ab. Kowalczyk sagte, Kowalczyks Plan gelte."
    result = link(body, [("Hanna Kowalczyk", "PER"), ("Kowalczyk", "PER"),
                         ("Kowalczyks", "PER")])
    [person] = result["entities"]
    assert person["name"] == "Hanna Kowalczyk"
    assert person["mention_count"] == 3
    assert person["id"] == "key:per:hanna kowalczyk"
    assert person["linked"] is False
    assert person["surface_forms"] == ["Hanna Kowalczyk", "Kowalczyk", "Kowalczyks"]


def test_a_surname_shared_by_two_people_is_not_guessed():
    body = "Anna Berger und Tom Berger stritten. Berger ging."
    result = link(body, [("Anna Berger", "PER"), ("Tom Berger", "PER"), ("Berger", "PER")])
    ids = sorted(e["id"] for e in result["entities"])
    assert ids == ["key:per:anna berger", "key:per:berger", "key:per:tom berger"]


def test_gazetteer_forms_share_one_wikidata_id_across_languages():
    german = link("Die Internationale Atomenergiebehörde (IAEO) prüft. Wladimir Putin "
                  "sprach mit Raisi.",
                  [("Internationale Atomenergiebehörde", "ORG"), ("IAEO", "ORG"),
                   ("Wladimir Putin", "PER"), ("Raisi", "PER")])
    english = link("The IAEA said Vladimir Putin and Ebrahim Raisi spoke.",
                   [("IAEA", "ORG"), ("Vladimir Putin", "PER"), ("Ebrahim Raisi", "PER")],
                   language="en")
    de_ids, en_ids = by_id(german), by_id(english)
    assert de_ids.keys() == en_ids.keys()
    iaea = de_ids["wikidata:Q826700"]
    assert iaea["mention_count"] == 2 and iaea["kb"] == "wikidata"
    assert de_ids["wikidata:Q7747"]["country"] == "RU"
    assert de_ids["wikidata:Q5932050"]["name"] == en_ids["wikidata:Q5932050"]["name"]


def test_acronym_introduced_in_parentheses_joins_its_long_name():
    body = "Das Bundesamt für Seeschifffahrt (BSH) warnte. Das BSH rechnet mit Sturm."
    result = link(body, [("Bundesamt für Seeschifffahrt", "ORG"), ("BSH", "ORG")])
    [org] = result["entities"]
    assert org["name"] == "Bundesamt für Seeschifffahrt" and org["mention_count"] == 2


def test_places_are_geocoded_by_exact_name_only():
    result = link("Der Zug entgleiste bei Tabas. In Athabascaville regnete es.",
                  [("Tabas", "LOC"), ("Athabascaville", "LOC")])
    ids = by_id(result)
    tabas = ids["geonames:113659"]
    assert tabas["country"] == "IR" and tabas["kb"] == "geonames"
    [place] = result["places"]
    assert place["geonames_id"] == 113659 and place["country_iso3"] == "IRN"
    assert 33 < place["latitude"] < 34 and 56 < place["longitude"] < 57
    assert ids["key:loc:athabascaville"]["linked"] is False


def test_country_names_and_demonyms_resolve_to_iso_codes():
    body = ("Die Vereinigten Staaten und die USA sind dasselbe. Der iranische Präsident "
            "sprach über die ostiranischen Provinzen und Iran.")
    result = link(body, [("Vereinigten Staaten", "LOC"), ("USA", "LOC"), ("Iran", "LOC")])
    ids = by_id(result)
    assert ids["iso3166:US"]["mention_count"] == 2
    iran = ids["iso3166:IR"]
    assert iran["surface_forms"] == ["iranische", "ostiranischen", "Iran"]
    assert [m.get("kind") for m in iran["mentions"]] == ["demonym", "demonym", None]
    assert {p["id"]: p["kind"] for p in result["places"]} == {
        "iso3166:US": "country", "iso3166:IR": "country"}


def test_english_norp_spans_become_their_country():
    result = link("Iranian officials met Russian diplomats.",
                  [("Iranian", "MISC"), ("Russian", "MISC")], language="en")
    assert set(by_id(result)) == {"iso3166:IR", "iso3166:RU"}


def test_country_context_chooses_between_places_of_similar_size():
    spain = link("In Spanien: Valencia meldet Regen.", [("Spanien", "LOC"), ("Valencia", "LOC")])
    venezuela = link("In Venezuela: Valencia meldet Regen.",
                     [("Venezuela", "LOC"), ("Valencia", "LOC")])
    [es] = [p for p in spain["places"] if p["kind"] == "city"]
    [ve] = [p for p in venezuela["places"] if p["kind"] == "city"]
    assert (es["country"], ve["country"]) == ("ES", "VE")


def test_context_does_not_move_a_capital_to_a_small_namesake():
    result = link("In den USA wurde gewählt, in Paris demonstriert.",
                  [("USA", "LOC"), ("Paris", "LOC")])
    [paris] = [p for p in result["places"] if p["kind"] == "city"]
    assert paris["country"] == "FR" and paris["capital_of"] == "FR"


def test_dateline_gives_country_context():
    # Georgia is the country, unless the article is about the US (a dateline says so).
    plain = link("Georgia voted.", [("Georgia", "LOC")], language="en")
    american = link("Georgia voted.", [("Georgia", "LOC")], language="en",
                    dateline="ATLANTA, Nov 5")
    assert plain["places"][0]["kind"] == "country"
    assert american["places"][0]["kind"] == "admin1"
    assert american["places"][0]["country"] == "US"


def test_german_genitive_of_a_place_is_found():
    result = link("Teherans Haltung ist klar.", [("Teherans", "LOC")])
    assert result["places"][0]["id"] == "geonames:112931"


def test_salience_favours_headline_and_frequent_entities():
    headline = "Putin ruft Raisi an"
    body = "Putin sprach lange. Putin lobte. Später nannte er Berlin."
    spans = [("Putin", "PER"), ("Raisi", "PER"), ("Putin", "PER"), ("Putin", "PER"),
             ("Berlin", "LOC")]
    result = link(body, spans, headline=headline)
    salience = {e["name"]: e["salience"] for e in result["entities"]}
    assert salience["Vladimir Putin"] == 1.0
    assert salience["Vladimir Putin"] > salience["Ebrahim Raisi"] > salience["Berlin"] > 0
    positions = [e["first_position"] for e in result["entities"]]
    assert positions == sorted(positions)
    raisi = next(e for e in result["entities"] if e["name"] == "Ebrahim Raisi")
    assert raisi["in_headline"] and raisi["first_position"] == headline.index("Raisi")


def test_records_with_linked_entities_match_the_schema():
    body = "Wladimir Putin sprach in Wien mit iranischen Diplomaten über die IAEO."
    result = link(body, [("Wladimir Putin", "PER"), ("Wien", "LOC"), ("IAEO", "ORG")])
    article = Article(id="x1", version=1, source_format="native", headline="", body=body)
    enrichment = convert({"language": "de", "entities": result["entities"],
                          "places": result["places"],
                          "model": {"language": "de", "name": "p", "version": "1",
                                    "layers": [], "entities_skipped": None}}, Enrichment)
    record = enriched_record(article, enrichment, dedup=dedup_block("new", story_id="x1"),
                             received_at="2026-01-01T00:00:00Z",
                             enriched_at="2026-01-01T00:00:01Z",
                             source=Source(topic="t", partition=0, offset=0), worker="w")
    jsonschema.validate(msgspec.to_builtins(record), SCHEMA)


@pytest.mark.parametrize("name", ["Wien", "Vienna", "Vienne", "Viena"])
def test_vienna_in_four_languages_is_one_place(name: str):
    place = geocoder().resolve(name)
    assert place is not None and place.geonames_id == 2761369


@pytest.mark.shared_data
def test_seed_story_entities_are_linked_with_the_shipped_german_pipeline(shared_data: Path):
    import spacy

    from wirestream.processors.entities import entities_from_doc, nlp_text
    from wirestream.processors.news_names import add_news_names

    body = next((shared_data / "seed").glob("*.txt")).read_text(encoding="utf-8")
    nlp = spacy.load("de_wirestream_ner")
    add_news_names(nlp)
    text, offset = nlp_text("", body)
    linked = link_entities(entities_from_doc(nlp(text), offset), headline="", body=body,
                           language="de")
    ids = {e["id"]: e for e in linked.entities}
    assert ids["wikidata:Q5932050"]["name"] == "Ebrahim Raisi"
    assert {"Raisi", "Ebrahim Raisi"} <= set(ids["wikidata:Q5932050"]["surface_forms"])
    assert {"Putin", "Wladimir Putin"} <= set(ids["wikidata:Q7747"]["surface_forms"])
    assert {"IAEO", "Internationale Atomenergiebehörde"} <= set(
        ids["wikidata:Q826700"]["surface_forms"])
    assert {"USA", "Vereinigten Staaten"} <= set(ids["iso3166:US"]["surface_forms"])
    places = {p["id"]: p for p in linked.places}
    expected = {"geonames:113659": ("Tabas", "IR"), "geonames:2761369": ("Vienna", "AT"),
                "geonames:112931": ("Tehran", "IR"), "geonames:524901": ("Moscow", "RU"),
                "geonames:4140963": ("Washington", "US")}
    for place_id, (name, country) in expected.items():
        assert (places[place_id]["name"], places[place_id]["country"]) == (name, country)
        assert places[place_id]["latitude"] is not None


def test_a_state_or_country_after_the_comma_qualifies_the_place():
    kentucky = link("A smelter in Henderson, Ky., closed.", [("Henderson", "LOC")],
                    language="en")
    virginia = link("Talks in Vienna, Va., ended.", [("Vienna", "LOC")], language="en")
    assert (kentucky["places"][0]["country"], kentucky["places"][0]["admin1"]) == ("US", "KY")
    assert (virginia["places"][0]["country"], virginia["places"][0]["admin1"]) == ("US", "VA")
    assert link("Talks in Vienna ended.", [("Vienna", "LOC")],
                language="en")["places"][0]["country"] == "AT"


def test_language_names_and_continental_adjectives_are_not_countries():
    result = link("Der Kurs Deutsch als Zweitsprache. Der südamerikanische Riese und die "
                  "nordirischen Parteien.", [])
    assert result["entities"] == []
