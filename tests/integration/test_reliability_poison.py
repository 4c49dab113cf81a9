"""A poison article through the real stream: one article makes the event coder raise,
another kills its spaCy process; each is dead-lettered alone and the rest of the batch is
published. The poison is injected by a test-only entry point (tests/integration/
poison_worker.py) that patches the pool's initializer; product code has no switch for it."""

from __future__ import annotations

import asyncio
import json

import pytest

from tests.integration.helpers import collect, record_of, scrape, settings_from, wait_ready
from tests.integration.poison_worker import EXIT_MARKER, RAISE_MARKER
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce
from wirestream.streams.tools.worker_process import WorkerProcess

pytestmark = pytest.mark.integration

BODY = ("Rescue teams searched on Tuesday for survivors after a ferry carrying {n} passengers "
        "sank off the coast of Sumatra in heavy seas, the Indonesian navy said in a statement.")


def article(story: str, n: int) -> OutMessage:
    doc = {"id": story, "version": 1, "headline": f"Ferry sinks off Sumatra ({n})",
           "body": BODY.format(n=100 + n) + f" Report number {n} of the day.", "language": "en"}
    return OutMessage(story.encode(), json.dumps(doc).encode())


def test_poison_articles_are_dead_lettered_alone(broker, namespace_env, tmp_path):
    # One batch for the burst: up to 32 articles or 2 s.
    env = {**namespace_env, "WIRESTREAM_BATCH_WITHIN_S": "2"}
    settings = settings_from(env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))
    port = env["WIRESTREAM_METRICS_PORT"]
    healthy = [f"urn:healthy:{i}" for i in range(10)]
    poison = [f"urn:{RAISE_MARKER}:1", f"urn:{EXIT_MARKER}:1"]
    stories = healthy[:4] + poison[:1] + healthy[4:7] + poison[1:] + healthy[7:]
    messages = [article(story, i) for i, story in enumerate(stories)]

    worker = WorkerProcess(broker.url, tmp_path / "worker.log", env,
                           module="tests.integration.poison_worker")
    try:
        wait_ready(port, worker)
        asyncio.run(produce(broker.url, names["raw"], messages))
        got = asyncio.run(collect(broker.url, [names["enriched"], names["dlq"]], len(messages),
                                  worker, deadline_s=240))
        samples = scrape(port)
        assert worker.alive(), worker.log_tail()
    finally:
        worker.stop()

    enriched = {m.key.decode(): record_of(m) for m in got if m.topic == names["enriched"]}
    dead = {m.key.decode(): m for m in got if m.topic == names["dlq"]}
    assert set(enriched) == set(healthy)
    assert set(dead) == set(poison)
    for msg in dead.values():
        assert msg.header("wirestream.reason") == "enrichment_failed", msg.headers
        assert msg.header("wirestream.stage") == "enrich"
        assert msg.header("wirestream.original_topic") == names["deduped"]
    assert "RuntimeError" in (dead[poison[0]].header("wirestream.error_message") or "")
    assert "died" in (dead[poison[1]].header("wirestream.error_message") or "")
    for record in enriched.values():
        assert record["entities"], record["id"]  # really enriched, not a fallback
    assert samples['wirestream_articles_rejected_total{reason="enrichment_failed"}'] == 2
    assert samples['wirestream_stage_errors_total{stage="enrich"}'] == 2
