"""Events follow their story on the real broker: an update that no longer reports an event
withdraws it, and a kill withdraws every event still live, also after a worker restart
(the story's live events come back from the enrich stage's table changelog)."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import jsonschema
import pytest

from tests.integration.helpers import (
    collect,
    record_of,
    running_worker,
    settings_from,
    wait_for_metric,
)
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce

pytestmark = [pytest.mark.integration, pytest.mark.smoke]

EVENTS_SCHEMA = json.loads((Path(__file__).resolve().parents[2]
                            / "config/schemas/event.schema.json").read_text())
TRAIN = ("At least 22 people were killed and dozens injured when a passenger train carrying "
         "more than 300 people derailed near Tabas in eastern Iran after hitting an "
         "excavator on the track, state media reported on Wednesday.")
ARREST = " Police arrested three men in Berlin on Tuesday."


def doc(version: int, body: str, **extra: object) -> OutMessage:
    return OutMessage(b"urn:story", json.dumps({
        "id": "urn:story", "version": version, "headline": "Train derails in Iran",
        "body": body, "language": "en", "version_created": "2026-06-03T08:00:00Z",
        **extra}).encode())


def test_an_update_and_a_kill_after_a_restart_withdraw_the_storys_events(
        broker, namespace_env, tmp_path):
    settings = settings_from(namespace_env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))

    with running_worker(broker.url, namespace_env, tmp_path / "one") as worker:
        asyncio.run(produce(broker.url, names["raw"], [doc(1, TRAIN + ARREST)]))
        [article] = asyncio.run(collect(broker.url, [names["enriched"]], 1, worker))
        first = [e["event_id"] for e in record_of(article)["events"]]
        types = {e["type"] for e in record_of(article)["events"]}
        assert {"ACCIDENT", "COERCE"} <= types, types  # the crash and the arrests
        assert worker.stop() == 0

    # Another worker with an empty data dir: what the story has live must come from the
    # table's changelog, not from the first worker's RocksDB.
    fresh = {**namespace_env, "WIRESTREAM_DATA_DIR": str(tmp_path / "two-data")}
    with running_worker(broker.url, fresh, tmp_path / "two") as worker:
        asyncio.run(produce(broker.url, names["raw"], [doc(2, TRAIN)]))  # no arrest now
        articles = asyncio.run(collect(broker.url, [names["enriched"]], 2, worker))
        second = [e["event_id"] for e in record_of(articles[1])["events"]]
        dropped = [i for i in first if i not in second]
        assert dropped, "the update no longer reports the arrest"
        asyncio.run(produce(broker.url, names["raw"], [doc(3, "", pub_status="canceled")]))
        # first's events, second's (replacing), the dropped ones' and then every live
        # one's retraction
        expected = len(first) + len(second) + len(dropped) + len(second)
        got = asyncio.run(collect(broker.url, [names["events"]], expected, worker))
        samples = wait_for_metric(namespace_env["WIRESTREAM_METRICS_PORT"],
                                  'wirestream_events_retracted_total{reason="story_killed"}',
                                  len(second), worker)

    records = [(m.key.decode(), record_of(m)) for m in got]
    for _, record in records:
        jsonschema.validate(record, EVENTS_SCHEMA)
    withdrawn = [(key, r["reason"], r["version"]) for key, r in records
                 if r["record_type"] == "retraction"]
    assert withdrawn == [(i, "not_in_update", 2) for i in dropped] + [
        (i, "story_killed", 3) for i in second]
    last = {key: r["record_type"] for key, r in records}  # what a compacted topic keeps
    assert set(last) == set(first) | set(second)
    assert set(last.values()) == {"retraction"}  # a killed story leaves no live event
    assert samples['wirestream_events_retracted_total{reason="not_in_update"}'] == len(dropped)
