"""Every supported format plus malformed input through a real embedded broker and worker."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import jsonschema
import pytest

from tests.integration.helpers import collect, record_of, running_worker, scrape, settings_from
from wirestream.processors.input_files import items_from_file
from wirestream.processors.pipelines import choose_pipeline
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce

pytestmark = [pytest.mark.integration, pytest.mark.smoke]

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "config/schemas/enriched.schema.json").read_text())
EVENT_SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "config/schemas/event.schema.json").read_text())

EN_BODY = ("Prime Minister Keir Starmer met Chancellor Olaf Scholz in Berlin on Tuesday to "
           "discuss support for Ukraine, a Downing Street spokesman said. The two leaders "
           "agreed to meet again at the NATO summit in The Hague.")
FR_BODY = ("Le président Emmanuel Macron a reçu mardi à l'Élysée le chancelier allemand Olaf "
           "Scholz pour évoquer la guerre en Ukraine et la défense européenne, a indiqué la "
           "présidence française à Paris.")
ES_BODY = ("El presidente del Gobierno, Pedro Sánchez, se reunió el martes en Madrid con el "
           "secretario general de la OTAN para hablar de la seguridad en Europa, según informó "
           "la Moncloa en un comunicado.")
DE_BODY = ("Bundeskanzler Olaf Scholz hat am Dienstag in Berlin den französischen Präsidenten "
           "Emmanuel Macron empfangen. Beide sprachen nach Angaben eines Regierungssprechers "
           "über die Lage in der Ukraine und die Zukunft der Europäischen Union.")

VALID: dict[str, dict[str, object]] = {
    "native": {"id": "urn:test:native-en", "version": 1, "headline": "Starmer meets Scholz",
               "body": EN_BODY, "language": "en"},
    "ninjs-1": {"uri": "urn:test:ninjs1-en", "version": "2", "type": "text",
                "versioncreated": "2026-03-03T10:00:00Z", "pubstatus": "usable",
                "headline": "Starmer and Scholz talk Ukraine", "body_text": EN_BODY},
    "ninjs-2": {"uri": "urn:test:ninjs2-fr", "version": "1", "type": "text", "language": "fr",
                "versioncreated": "2026-03-03T10:00:00+01:00",
                "headlines": [{"role": "main", "value": "Macron reçoit Scholz"}],
                "bodies": [{"role": "main", "contenttype": "text/plain", "value": FR_BODY}]},
    "ninjs-3": {"$schema": "http://www.iptc.org/std/ninjs/ninjs-schema_3.0.json",
                "uri": "urn:test:ninjs3-es", "version": "3", "type": "text", "language": "es",
                "versionCreated": "2026-03-03T10:00:00+01:00", "pubStatus": "usable",
                "headlines": [{"role": "main", "value": "Sánchez recibe a la OTAN"}],
                "bodies": [{"role": "main", "contentType": "text/plain", "value": ES_BODY}]},
    "dpa-digitalwires": {"format": "digitalwires@0.9.1", "urn": "urn:test:dpa-de", "version": 1,
                         "version_created": "2026-03-03T10:00:00+01:00", "pubstatus": "usable",
                         "language": "de", "headline": "Scholz empfängt Macron",
                         "article_html": "<section class=\"main\"><p>" + DE_BODY
                                         + "</p></section>"},
}

# payload -> the dead-letter reason it must get
MALFORMED: list[tuple[str, bytes, str]] = [
    ("not-json", b"this is not json {", "not_json"),
    ("json-array", b"[1, 2, 3]", "unknown_format"),
    ("wrong-shape", json.dumps({"foo": "bar", "answer": 42}).encode(), "unknown_format"),
    ("ninjs-no-uri", json.dumps({"type": "text", "version": "1", "headline": "No uri here",
                                 "body_text": "Some text without an identifier."}).encode(),
     "missing_id"),
    ("empty-body", json.dumps({"id": "urn:test:empty", "headline": "", "body": ""}).encode(),
     "empty_body"),
    ("huge-body", json.dumps({"id": "urn:test:huge", "headline": "Huge",
                              "body": "word " * 1_048_576}).encode(), "too_large"),
    ("bad-utf8", b'{"id": "urn:test:\xff\xfe", "headline": "x", "body": "y"}',
     "invalid_encoding"),
    ("version-not-number", json.dumps({"uri": "urn:test:badversion", "version": "two",
                                       "headline": "Bad version",
                                       "body_text": "Text."}).encode(), "invalid_field"),
]


def test_formats_and_malformed_input_through_a_real_broker(broker, namespace_env, tmp_path,
                                                           request):
    # The worker compresses what it writes (lz4): the other integration tests cover "none".
    namespace_env["WIRESTREAM_COMPRESSION"] = "lz4"
    settings = settings_from(namespace_env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))

    valid = [OutMessage(str(doc.get("id") or doc.get("uri") or doc.get("urn")).encode(),
                        json.dumps(doc, ensure_ascii=False).encode())
             for doc in VALID.values()]
    seed = sorted((Path(request.config.rootpath).parent / "shared/data/seed").glob("*.txt"))
    for item in (items_from_file(seed[0]) if seed else []):
        valid.append(OutMessage(item.key.encode(), item.payload))
    malformed = [OutMessage(key.encode(), payload) for key, payload, _ in MALFORMED]

    with running_worker(broker.url, namespace_env, tmp_path) as worker:
        # Malformed first: the valid ones behind them prove the worker kept going.
        asyncio.run(produce(broker.url, names["raw"], malformed + valid))
        got = asyncio.run(collect(broker.url, [names["enriched"], names["dlq"]],
                                  len(valid) + len(malformed), worker))
        coded = [event for m in got if m.topic == names["enriched"]
                 for event in record_of(m)["events"]]
        assert coded, "the stories describe meetings and an accident: events expected"
        event_messages = asyncio.run(collect(broker.url, [names["events"]], len(coded), worker))
        metrics = scrape(namespace_env["WIRESTREAM_METRICS_PORT"])
        assert worker.alive(), worker.log_tail()

    enriched = {m.key.decode(): record_of(m) for m in got if m.topic == names["enriched"]}
    dead = {m.key.decode(): m for m in got if m.topic == names["dlq"]}

    assert set(enriched) == {m.key.decode() for m in valid}
    assert set(dead) == {key for key, _, _ in MALFORMED}

    for key, record in enriched.items():
        jsonschema.validate(record, SCHEMA)
        assert record["id"] == key
        assert record["body"] and record["headline"]
    by_format = {fmt: enriched[str(doc.get("id") or doc.get("uri") or doc.get("urn"))]
                 for fmt, doc in VALID.items()}
    for fmt, record in by_format.items():
        assert record["source_format"] == fmt
    assert by_format["ninjs-1"]["version"] == 2  # ninjs versions are strings: compared as ints
    assert by_format["ninjs-3"]["version"] == 3
    expected_language = {"native": "en", "ninjs-1": "en", "ninjs-2": "fr", "ninjs-3": "es",
                         "dpa-digitalwires": "de"}
    for fmt, language in expected_language.items():
        record = by_format[fmt]
        assert record["language"] == language, fmt
        assert record["model"]["language"] == language
        assert record["model"]["name"] == choose_pipeline(language, settings.models)
        if record["model"]["name"] is None:
            assert record["entities"] == []
    someone = {"native": "Scholz", "ninjs-1": "Scholz", "ninjs-2": "Scholz",
               "ninjs-3": "Sánchez"}
    for fmt, person in someone.items():
        people = {form for e in by_format[fmt]["entities"] if e["label"] == "PER"
                  for form in e["surface_forms"]}
        assert any(person in p for p in people), (fmt, by_format[fmt]["entities"])
        for ent in by_format[fmt]["entities"]:
            for mention in ent["mentions"]:
                field_text = by_format[fmt][mention["field"]]
                assert field_text[mention["start"]:mention["end"]] == mention["text"]
    if seed:
        seed_record = enriched[valid[-1].key.decode()]
        assert seed_record["language"] == "de"
        assert seed_record["headline"].startswith("Teheran/Moskau")
        # Events: the train accident in Tabas with its toll, on the events topic too.
        accidents = [e for e in seed_record["events"] if e["type"] == "ACCIDENT"]
        assert any((e["location"] or {}).get("id") == "geonames:113659"
                   and e["counts"]["dead"]["min"] == 22 for e in accidents), accidents
        assert not [e for e in seed_record["events"] if e["type"] == "ASSAULT"]
        # Linked across the stream: Raisi and Putin by id, Tabas on the map in Iran.
        ids = {e["id"] for e in seed_record["entities"]}
        assert {"wikidata:Q5932050", "wikidata:Q7747", "iso3166:IR"} <= ids
        tabas = [p for p in seed_record["places"] if p["geonames_id"] == 113659]
        assert tabas and tabas[0]["country"] == "IR"

    on_topic = {m.key.decode(): record_of(m) for m in event_messages}
    assert on_topic == {e["event_id"]: e for e in coded}
    for event in coded:
        jsonschema.validate(event, EVENT_SCHEMA)
    for event_type in {e["type"] for e in coded}:
        assert metrics[f'wirestream_events_total{{type="{event_type}"}}'] >= 1

    payloads = {key: payload for key, payload, _ in MALFORMED}
    for key, reason in ((k, r) for k, _, r in MALFORMED):
        msg = dead[key]
        assert msg.header("wirestream.reason") == reason, (key, msg.headers)
        assert msg.header("wirestream.original_topic") == names["raw"]
        assert int(msg.header("wirestream.original_offset") or -1) >= 0
        assert msg.header("wirestream.error_class")
        assert msg.header("wirestream.error_message")
        assert msg.value == payloads[key]  # the original bytes, untouched

    total = len(valid) + len(malformed)
    assert metrics["wirestream_articles_received_total"] == total
    for reason in {r for _, _, r in MALFORMED}:
        count = sum(1 for _, _, r in MALFORMED if r == reason)
        assert metrics[f'wirestream_articles_rejected_total{{reason="{reason}"}}'] == count
    assert metrics['wirestream_articles_enriched_total{language="fr"}'] == 1
    assert metrics["wirestream_last_processed_timestamp_seconds"] > 0
