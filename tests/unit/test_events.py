"""Behaviour of the event coder on sentences written for these tests (English and German)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import msgspec
import pytest

from wirestream.processors.events import EVENT_TYPES, code_events, code_events_text
from wirestream.processors.records import Event

SCHEMA = json.loads((Path(__file__).resolve().parents[2] / "config" / "schemas"
                     / "event.schema.json").read_text(encoding="utf-8"))
PUB = "2024-05-15T09:30:00Z"  # a Wednesday


def code(nlp: Any, text: str, language: str, **kwargs: Any) -> list[dict[str, Any]]:
    events = code_events_text(text, nlp, language=language, article_id="t-1", version=1,
                              published_at=kwargs.pop("published_at", PUB), **kwargs)
    for event in events:
        jsonschema.validate(msgspec.to_builtins(msgspec.convert(event, Event)), SCHEMA)
    return events


def main(events: list[dict[str, Any]]) -> dict[str, Any]:
    assert events, "no event coded"
    return max(events, key=lambda e: e["confidence"])


@pytest.mark.parametrize(("text", "expected"), [
    ("The foreign ministers of Chile and Peru met in Lima to discuss fishing rights.",
     "CONSULT"),
    ("The government rejected the union's wage demands, a spokesman said.", "REJECT"),
    ("The president threatened to impose new tariffs on steel imports from the neighbour.",
     "THREATEN"),
    ("Opposition leaders called on the prime minister to resign immediately.", "REQUEST"),
    ("Rebels attacked an army post near the border on Sunday.", "ASSAULT"),
    ("Thousands of farmers demonstrated outside parliament against the fuel tax.", "PROTEST"),
    ("Police arrested the mayor of the town on corruption charges.", "COERCE"),
    ("The country will not accept any more asylum seekers, the interior minister said.",
     "REJECT"),
    ("The army withdrew its troops from the disputed valley.", "RETREAT"),
    ("Human rights groups accused the security forces of torturing detainees.", "ACCUSE"),
    ("The ministry said it would send 30 tonnes of medicine to the flood victims.", "AGREE"),
])
def test_english_type_is_the_main_verb(en_nlp: Any, text: str, expected: str) -> None:
    assert main(code(en_nlp, text, "en"))["type"] == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("Die Regierung lehnte den Vorschlag der Opposition am Montag ab.", "REJECT"),
    ("Die Außenminister beider Länder verhandelten in Genf über einen Waffenstillstand.",
     "CONSULT"),
    ("Die Polizei nahm nach der Kundgebung 15 Demonstranten fest.", "COERCE"),
    ("Tausende Menschen demonstrierten in Hamburg gegen die neue Reform.", "PROTEST"),
    ("Die Opposition forderte den Rücktritt des Innenministers.", "REQUEST"),
    ("Der Präsident drohte mit neuen Sanktionen gegen das Nachbarland.", "THREATEN"),
])
def test_german_type_without_a_parser(de_nlp: Any, text: str, expected: str) -> None:
    event = main(code(de_nlp, text, "de"))
    assert event["type"] == expected
    assert event["method"] == "lexicon"


def test_accident_wins_over_assault_in_english(en_nlp: Any) -> None:
    events = code(en_nlp, "A passenger train derailed near the station on Tuesday, killing "
                          "three people and injuring dozens of others.", "en")
    assert {e["type"] for e in events} == {"ACCIDENT"}
    counts = events[0]["counts"]
    assert counts["dead"]["value"] == 3 and counts["dead"]["qualifier"] == "exact"
    assert counts["injured"]["min"] == 24 and counts["injured"]["qualifier"] == "dozens"
    assert counts["injured"]["value"] is None


def test_accident_wins_over_assault_in_german(de_nlp: Any) -> None:
    events = code(de_nlp, "Bei einem Busunglück in den Alpen sind mindestens zwölf Menschen "
                          "getötet und drei Dutzend verletzt worden.", "de")
    assert [e["type"] for e in events] == ["ACCIDENT"]
    dead, injured = events[0]["counts"]["dead"], events[0]["counts"]["injured"]
    assert (dead["value"], dead["min"], dead["max"], dead["qualifier"]) == (12, 12, None,
                                                                           "at_least")
    assert (injured["value"], injured["qualifier"]) == (36, "exact")


def test_an_attack_with_casualties_stays_assault(en_nlp: Any) -> None:
    events = code(en_nlp, "Gunmen attacked a checkpoint, killing at least 12 soldiers and "
                          "wounding more than 20.", "en")
    event = main(events)
    assert event["type"] == "ASSAULT"
    assert event["counts"]["dead"]["min"] == 12
    assert event["counts"]["dead"]["qualifier"] == "at_least"
    assert event["counts"]["injured"]["min"] == 21
    assert event["counts"]["injured"]["qualifier"] == "more_than"


def test_negation_is_marked(en_nlp: Any, de_nlp: Any) -> None:
    en_event = main(code(en_nlp, "The minister did not criticize the court ruling.", "en"))
    assert (en_event["type"], en_event["factuality"]) == ("ACCUSE", "negated")
    de_event = main(code(de_nlp, "Der Minister kritisierte das Urteil nicht.", "de"))
    assert (de_event["type"], de_event["factuality"]) == ("ACCUSE", "negated")


def test_reported_speech_and_assertion(en_nlp: Any) -> None:
    said = main(code(en_nlp, "Troops shelled the village overnight, residents said.", "en"))
    plain = main(code(en_nlp, "Troops shelled the village overnight.", "en"))
    assert said["factuality"] == "reported_speech"
    assert plain["factuality"] == "asserted"
    assert said["type"] == plain["type"] == "ASSAULT"


def test_hypothetical(en_nlp: Any) -> None:
    event = main(code(en_nlp, "If talks fail, the army could attack the rebel stronghold.",
                      "en"))
    assert event["factuality"] == "hypothetical"


def test_relative_dates_resolve_against_publication(en_nlp: Any, de_nlp: Any) -> None:
    monday = main(code(en_nlp, "Police arrested 40 protesters on Monday.", "en"))
    assert monday["date"] == {"value": "2024-05-13", "precision": "day", "text": "Monday",
                              "source": "text"}
    assert monday["counts"]["arrested"]["value"] == 40
    same_day = main(code(de_nlp, "Am Mittwoch nahm die Polizei drei Männer fest.", "de"))
    assert same_day["date"]["value"] == "2024-05-15"  # the publication day is a Wednesday
    yesterday = main(code(de_nlp, "Gestern demonstrierten Hunderte Menschen in Wien.", "de"))
    assert yesterday["date"]["value"] == "2024-05-14"
    assert yesterday["counts"]["participants"]["min"] == 200
    undated = main(code(en_nlp, "Police arrested 40 protesters.", "en", published_at=None))
    assert undated["date"] is None


def test_background_events(en_nlp: Any, de_nlp: Any) -> None:
    past = main(code(en_nlp, "The two countries had agreed in 2015 to cut tariffs.", "en"))
    assert past["is_background"] is True
    assert past["date"]["precision"] == "year" and past["date"]["value"] == "2015-01-01"
    de_past = main(code(de_nlp, "Die beiden Länder hatten sich im Jahr 2015 auf ein Abkommen "
                                "geeinigt.", "de"))
    assert de_past["type"] == "AGREE" and de_past["is_background"] is True
    now = main(code(en_nlp, "The two countries agreed on Tuesday to cut tariffs.", "en"))
    assert now["is_background"] is False


def test_ids_are_deterministic_and_depend_on_article(en_nlp: Any) -> None:
    text = "Rebels attacked an army post. The government condemned the attack."
    first = [e["event_id"] for e in code(en_nlp, text, "en")]
    again = [e["event_id"] for e in code(en_nlp, text, "en")]
    other = [e["event_id"] for e in code_events_text(text, en_nlp, language="en",
                                                     article_id="t-2", published_at=PUB)]
    assert first == again
    assert len(set(first)) == len(first) >= 2
    assert not set(first) & set(other)


def test_entity_records_give_ids_countries_and_field_offsets(en_nlp: Any) -> None:
    headline = "Putin calls Raisi"
    body = "Russian President Vladimir Putin spoke with Ebrahim Raisi by phone on Tuesday."
    doc = en_nlp(headline + "\n" + body)
    offset = len(headline) + 1
    entities = [
        {"id": "wikidata:Q7747", "name": "Vladimir Putin", "label": "PER", "country": "RU",
         "country_iso3": "RUS", "mentions": [
             {"text": "Putin", "field": "headline", "start": 0, "end": 5},
             {"text": "Vladimir Putin", "field": "body", "start": body.index("Vladimir"),
              "end": body.index("Vladimir") + 14}]},
        {"id": "wikidata:Q5932050", "name": "Ebrahim Raisi", "label": "PER", "country": "IR",
         "country_iso3": None, "mentions": [
             {"text": "Raisi", "field": "headline", "start": 12, "end": 17},
             {"text": "Ebrahim Raisi", "field": "body", "start": body.index("Ebrahim"),
              "end": body.index("Ebrahim") + 13}]},
    ]
    events = code_events(doc, language="en", article_id="a", version=2, body_offset=offset,
                         published_at=PUB, entities=entities, places=[])
    for event in events:
        jsonschema.validate(msgspec.to_builtins(msgspec.convert(event, Event)), SCHEMA)
    consult = [e for e in events if e["type"] == "CONSULT" and e["evidence"]["field"] == "body"]
    assert consult, events
    event = consult[0]
    people = {a["id"]: a for a in event["actors"] + event["recipients"]}
    assert set(people) == {"wikidata:Q7747", "wikidata:Q5932050"}
    assert people["wikidata:Q7747"]["country"] == "RUS"
    assert people["wikidata:Q5932050"]["country"] == "IRN"  # from the alpha-2
    assert people["wikidata:Q7747"]["sector"] == "government"  # "President" before the name
    assert event["mode"] == "phone"
    assert event["date"]["value"] == "2024-05-14"
    trig = event["trigger"]
    assert body[trig["start"]:trig["end"]] == trig["text"]
    ev = event["evidence"]
    assert body[ev["start"]:ev["end"]].strip() == ev["text"]


def test_unsupported_language_codes_nothing(en_nlp: Any) -> None:
    assert code(en_nlp, "Rebels attacked an army post.", "fr") == []


def test_every_type_is_in_the_schema() -> None:
    assert sorted(SCHEMA["$defs"]["Event"]["properties"]["type"]["enum"]) == sorted(EVENT_TYPES)


@pytest.mark.parametrize(("text", "kind", "recipient"), [
    # The other side in the verb the trigger governs.
    ("Chile threatened on Monday to cut diplomatic ties with Bolivia.", "THREATEN", "BOL"),
    # Whoever made the request or the call is the one answered.
    ("Peru flatly rejected calls by Ecuador for new border talks.", "REJECT", "ECU"),
    ("Norway rejected a Swedish demand to close the fishing grounds.", "REJECT", "SWE"),
])
def test_english_recipient_behind_an_infinitive_or_in_the_objects_owner(
        en_nlp: Any, text: str, kind: str, recipient: str) -> None:
    event = main(code(en_nlp, text, "en"))
    assert event["type"] == kind
    assert recipient in {r.get("country") for r in event["recipients"]}, event["recipients"]
