"""Compacted state: the version table's changelog and the near-duplicate index's changelog
are compacted topics. Kafka's log cleaner is made to compact them (segments rolled every
100 ms, cleaned at 1 % dirty); a worker with an empty data dir then rebuilds its state
from what compaction left and decides later versions, redeliveries, copies and kills as
an uninterrupted worker would."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.conftest import TEST_BROKER
from tests.integration.helpers import collect, settings_from, wait_for_metric, wait_ready
from wirestream.streams.kafka.admin import alter_topic_config, ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, consume, produce
from wirestream.streams.tools.worker_process import WorkerProcess

pytestmark = pytest.mark.integration

if TEST_BROKER == "tansu":
    pytest.skip("the embedded broker does not compact topics", allow_module_level=True)

STORIES = 6
FAST_COMPACTION = {"cleanup.policy": "compact", "segment.ms": "100",
                   "min.cleanable.dirty.ratio": "0.01", "min.compaction.lag.ms": "0",
                   "max.message.bytes": str(16 * 1024 * 1024)}


def body(story: int, version: int) -> str:
    sentences = [f"The council of district {story} met for session {n} and approved budget "
                 f"line {story * 100 + n} after a long debate about schools and roads."
                 for n in range(12)]
    return " ".join(sentences) + f" Revision {version}."


def doc(story: int, version: int, **extra: object) -> OutMessage:
    article = {"id": f"urn:compact:{story}", "version": version, "language": "en",
               "headline": f"District {story} approves budget", "body": body(story, version),
               **extra}
    return OutMessage(str(article["id"]).encode(), json.dumps(article).encode())


async def records_and_end(broker_url: str, topic: str) -> tuple[int, int]:
    """Records a reader finds in the topic, and the offsets they span (max offset + 1)."""
    seen = [m async for m in consume(broker_url, [topic], idle_timeout_s=1.5)]
    return len(seen), (max(m.offset for m in seen) + 1) if seen else 0


def test_a_worker_recovers_from_compacted_changelogs(broker, namespace_env, tmp_path):
    env = dict(namespace_env)
    settings = settings_from(env, broker.url)
    names = settings.topic_names()
    changelogs = [f"{settings.group_id}-story-versions-changelog",
                  settings.index_changelog_topic()]
    asyncio.run(ensure_app_topics(settings, broker.url))
    port = env["WIRESTREAM_METRICS_PORT"]

    first = WorkerProcess(broker.url, tmp_path / "worker-1.log", env)
    try:
        wait_ready(port, first)  # Faust has created its table changelog by now
        for topic in changelogs:
            asyncio.run(alter_topic_config(broker.url, topic, FAST_COMPACTION))
        # Three versions of every story: each version rewrites the story's table key.
        for version in (1, 2, 3):
            asyncio.run(produce(broker.url, names["raw"],
                                [doc(s, version) for s in range(STORIES)]))
            asyncio.run(collect(broker.url, [names["enriched"]], STORIES * version, first))
        # The cleaner never touches the active segment: keep writing (new versions of one
        # story) until compaction has removed superseded records from both changelogs.
        compacted = {}
        for version in range(4, 60):
            asyncio.run(produce(broker.url, names["raw"], [doc(0, version)]))
            asyncio.run(collect(broker.url, [names["enriched"]], STORIES * 3 + version - 3,
                                first))
            compacted = {t: asyncio.run(records_and_end(broker.url, t)) for t in changelogs}
            if all(count < end for count, end in compacted.values()):
                break
        assert all(count < end for count, end in compacted.values()), compacted
        latest_0 = version
    finally:
        first.stop()

    # A worker with an empty data dir: state comes from the compacted changelogs only.
    env2 = {**env, "WIRESTREAM_DATA_DIR": str(tmp_path / "data-2")}
    second = WorkerProcess(broker.url, tmp_path / "worker-2.log", env2)
    try:
        wait_ready(port, second)
        before = len(asyncio.run(collect(broker.url, [names["enriched"]],
                                         STORIES * 3 + latest_0 - 3, second)))
        copy = json.loads(doc(2, 3).value)
        copy["id"] = "urn:compact:copy-of-2"
        asyncio.run(produce(broker.url, names["raw"], [
            doc(1, 3),  # a redelivery: dropped
            doc(4, 2),  # stale: dropped
            doc(5, 4),  # an update of version 3
            OutMessage(b"urn:compact:copy-of-2", json.dumps(copy).encode()),
            doc(3, 4, pub_status="canceled"),  # a kill
        ]))
        got = asyncio.run(collect(broker.url, [names["enriched"]], before + 3, second))
        samples = wait_for_metric(port, 'wirestream_dedup_verdicts_total{verdict="stale"}',
                                  1, second)
    finally:
        second.stop()
    after = [json.loads(m.value) for m in got[before:]]
    by_id = {r["id"]: r for r in after}
    assert set(by_id) == {"urn:compact:5", "urn:compact:copy-of-2", "urn:compact:3"}, after
    assert by_id["urn:compact:5"]["dedup"]["verdict"] == "update"
    assert by_id["urn:compact:5"]["dedup"]["supersedes"] == 3
    assert by_id["urn:compact:copy-of-2"]["dedup"]["verdict"] == "duplicate"
    assert by_id["urn:compact:copy-of-2"]["dedup"]["duplicate_of"] == "urn:compact:2"
    assert by_id["urn:compact:3"]["record_type"] == "retraction"
    assert samples['wirestream_dedup_verdicts_total{verdict="redelivery"}'] == 1
