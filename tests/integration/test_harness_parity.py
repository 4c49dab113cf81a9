"""The broker-free harness gives the records the real pipeline gives, topic by topic."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict
from typing import Any

import msgspec
import pytest

from tests.integration.helpers import collect, running_worker, settings_from, wait_ready
from wirestream.processors.enrich import EnrichConfig, configure, enrich_batch
from wirestream.processors.pipeline.harness import PipelineHarness, RawMessage
from wirestream.processors.pipeline.ingest import ParseLimits
from wirestream.processors.pipeline.outputs import DUPLICATES, ENRICHED, EVENTS
from wirestream.processors.records import DeadLetterHeaders
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce

pytestmark = [pytest.mark.integration]

TRAIN = ("At least 22 people were killed and dozens injured when a passenger train carrying "
         "more than 300 people derailed near Tabas in eastern Iran after hitting an "
         "excavator on the track, state media reported on Wednesday. President Ebrahim "
         "Raisi spoke with Vladimir Putin by phone. Police arrested three men in Berlin.")
GLACIER = ("Swiss glaciers lost four percent of their remaining ice this summer, researchers "
           "said on Monday, the second worst melt since measurements began more than a "
           "century ago, after a dry winter and a long heatwave in August.")


def doc(story: str, version: int, body: str, **extra: object) -> bytes:
    return json.dumps({"id": story, "version": version, "headline": f"{story} v{version}",
                       "body": body, "language": "en",
                       "version_created": "2026-06-03T08:00:00Z", **extra}).encode()


SCENARIO = [
    (b"urn:a", doc("urn:a", 1, TRAIN)),
    (b"urn:a", doc("urn:a", 1, TRAIN)),  # redelivery
    (b"urn:a", doc("urn:a", 2, TRAIN + " The toll rose.", signals=["sig:correction"])),
    (b"urn:e", doc("urn:e", 1, GLACIER, headline="Swiss glaciers shrink")),
    (b"urn:f", doc("urn:f", 1, GLACIER + " (Reporting by a local outlet.)",
                   headline="Swiss glaciers shrink")),  # a copy of urn:e
    (b"urn:a", doc("urn:a", 3, "", pub_status="canceled")),  # kill
    (b"junk", b"{not json"),
]


def by_key(records: list[tuple[bytes, Any]]) -> dict[bytes, list[Any]]:
    """Records per key in order, without the processing block (times, worker, offsets)
    or an event retraction's time."""
    grouped: dict[bytes, list[Any]] = defaultdict(list)
    for key, record in records:
        if isinstance(record, dict):
            record.pop("processing", None)
            record.pop("retracted_at", None)
        grouped[key].append(record)
    return dict(grouped)


def test_harness_and_broker_give_the_same_records(broker, namespace_env, tmp_path):
    env = {**namespace_env, "WIRESTREAM_TOPICS__PARTITIONS": "1"}  # one order end to end
    settings = settings_from(env, broker.url)
    names = settings.topic_names()
    configure(EnrichConfig(models=settings.models, languages=tuple(settings.languages),
                           news_names=settings.news_names, events=settings.events))
    harness = PipelineHarness(
        enrich=enrich_batch,
        limits=ParseLimits(max_bytes=settings.max_message_bytes,
                           max_body_chars=settings.max_body_chars),
        duplicates_to_enriched=settings.duplicates_to_enriched,
        tombstones=settings.tombstones)
    expected = harness.run(RawMessage(value, key=key) for key, value in SCENARIO)
    assert expected[ENRICHED] and expected[EVENTS] and expected[DUPLICATES]
    # The kill withdrew every event urn:a still had (its last record per key).
    last = {key: type(r).__name__ for key, r in expected[EVENTS]
            if r is not None and r.article_id == "urn:a"}
    assert last and set(last.values()) == {"EventRetraction"}, last

    asyncio.run(ensure_app_topics(settings, broker.url))
    with running_worker(broker.url, env, tmp_path) as worker:
        wait_ready(env["WIRESTREAM_METRICS_PORT"], worker)
        asyncio.run(produce(broker.url, names["raw"],
                            [OutMessage(key, value) for key, value in SCENARIO]))
        total = sum(len(expected[role]) for role in (ENRICHED, EVENTS, DUPLICATES)) + len(
            harness.dead_letters)
        got = asyncio.run(collect(broker.url, [names["enriched"], names["events"],
                                               names["duplicates"], names["dlq"]],
                                  total, worker))
    for role in (ENRICHED, EVENTS, DUPLICATES):
        on_broker = [(m.key, json.loads(m.value)) for m in got if m.topic == names[role]]
        in_memory = [(key, msgspec.to_builtins(r)) for key, r in expected[role]]
        assert by_key(on_broker) == by_key(in_memory), role
    letters = [(m.key, DeadLetterHeaders.from_kafka(list(m.headers or ())).reason)
               for m in got if m.topic == names["dlq"]]
    assert letters == [(d.key, d.reason) for d in harness.dead_letters] == [
        (b"junk", "not_json")]
