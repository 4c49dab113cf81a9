"""Metrics against the real embedded broker: the lag check, and a live worker's /metrics
compared with what the dashboard and the alert rules query."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
import yaml
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from prometheus_client import REGISTRY
from prometheus_client.parser import text_string_to_metric_families

from tests.integration.helpers import (
    running_worker,
    scrape,
    settings_from,
    wait_for_metric,
    wait_ready,
)
from tests.unit.test_dashboard import TARGET_LABELS, dashboard, declared, label_problems, queries
from wirestream.streams.brokers.tansu import free_port
from wirestream.streams.kafka.admin import bootstrap_servers, ensure_app_topics, ensure_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce
from wirestream.streams.ops.consumer_lag import ConsumerLagMonitor

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
_METRIC = re.compile(r"(?<![:\w])(wirestream_[a-z_]+)\b(?!:)")


async def _produce_with_times(bootstrap: str, topic: str, partition: int,
                              stamps_ms: list[int]) -> None:
    """Messages with the given create times, sent together so they share batches."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, linger_ms=50)
    await producer.start()
    try:
        futures = [await producer.send(topic, b"m%d" % i, key=b"k", partition=partition,
                                       timestamp_ms=stamp)
                   for i, stamp in enumerate(stamps_ms)]
        await asyncio.gather(*futures)
    finally:
        await producer.stop()


async def _commit(bootstrap: str, group: str, offsets: dict[TopicPartition, int]) -> None:
    consumer = AIOKafkaConsumer(bootstrap_servers=bootstrap, group_id=group,
                                enable_auto_commit=False)
    await consumer.start()
    try:
        consumer.assign(list(offsets))
        await consumer.commit(offsets)
    finally:
        await consumer.stop()


def test_lag_check_measures_the_group_on_the_broker(broker):
    bootstrap = bootstrap_servers(broker.url)
    topic, group = f"lag-{time.time_ns()}", f"lag-group-{time.time_ns()}"
    p0, p1, p2 = (TopicPartition(topic, n) for n in range(3))
    old = int(time.time() * 1000) - 3_600_000  # an hour ago, one second apart
    stamps = [old + i * 1000 for i in range(13)]

    async def scenario() -> tuple[dict, dict | None]:
        await ensure_topics(bootstrap, {topic: 3})
        # 10 + 3 records in multi-record batches: Tansu's ListOffsets would say 11, not 13.
        await _produce_with_times(bootstrap, topic, 0, stamps[:10])
        await _produce_with_times(bootstrap, topic, 0, stamps[10:])
        await _produce_with_times(bootstrap, topic, 1, stamps[:2])
        await _commit(bootstrap, group, {p0: 5, p2: 0})
        monitor = ConsumerLagMonitor(broker.url, group, [topic], fetch_timeout_s=5.0)
        try:
            result = await monitor.check()
        finally:
            await monitor.close()
        dead = ConsumerLagMonitor(f"127.0.0.1:{free_port()}", group, [topic],
                                  request_timeout_s=3.0)
        try:
            failed = await dead.check()
        finally:
            await dead.close()
        return result, failed

    before = time.time()
    result, failed = asyncio.run(scenario())
    after = time.time()

    assert result is not None
    assert (result[p0].committed, result[p0].end, result[p0].lag) == (5, 13, 8)
    # Nothing committed on partition 1: both messages count, from the log start.
    assert (result[p1].committed, result[p1].lag) == (0, 2)
    assert result[p2].lag == 0 and result[p2].oldest_age_s == 0.0
    # The oldest unprocessed message of partition 0 is the one at offset 5.
    assert before - stamps[5] / 1000 <= result[p0].oldest_age_s <= after - stamps[5] / 1000
    assert before - stamps[0] / 1000 <= result[p1].oldest_age_s <= after - stamps[0] / 1000

    def gauge(name: str, tp: TopicPartition) -> float | None:
        return REGISTRY.get_sample_value(name, {"topic": tp.topic,
                                                "partition": str(tp.partition)})

    assert gauge("wirestream_consumer_lag_messages", p0) == 8
    assert gauge("wirestream_consumer_lag_messages", p1) == 2
    assert gauge("wirestream_consumer_oldest_unprocessed_age_seconds", p0) == pytest.approx(
        result[p0].oldest_age_s)
    # The second monitor had no broker: no result, and the broker is reported down.
    assert failed is None
    assert REGISTRY.get_sample_value("wirestream_broker_up") == 0


def _live_families(port: str) -> dict[str, tuple[str, set[str], set[str]]]:
    """family -> (type, sample names, label names) from a real /metrics scrape."""
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=10) as resp:
        text = resp.read().decode()
    families = {}
    for family in text_string_to_metric_families(text):
        names = {s.name for s in family.samples}
        labels = {key for s in family.samples for key in s.labels}
        families[family.name] = (family.type, names, labels)
    return families


def _exposed_names(families: dict[str, tuple[str, set[str], set[str]]]) -> dict[str, str]:
    """Every series name a scrape can hold -> its family; families without samples yet
    (labelled metrics nothing has incremented) still declare their type."""
    names: dict[str, str] = {}
    for family, (kind, samples, _) in families.items():
        expected = {"counter": [f"{family}_total"],
                    "histogram": [f"{family}_bucket", f"{family}_count", f"{family}_sum"],
                    }.get(kind, [family])
        for name in (*expected, *samples):
            names[name] = family
    return names


def _get_json(url: str) -> tuple[int, dict]:
    try:
        with urllib.request.urlopen(url, timeout=10) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_dashboard_and_rules_query_what_a_live_worker_exports(broker, namespace_env, tmp_path):
    # Two spaCy processes: ready must wait until both have loaded (the pool starts them
    # on demand, so a careless start would report ready with one).
    namespace_env = {**namespace_env, "WIRESTREAM_NLP_PROCESSES": "2"}
    settings = settings_from(namespace_env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))
    port = namespace_env["WIRESTREAM_METRICS_PORT"]
    article = {"id": "urn:live:1", "version": 1, "headline": "Scholz meets Macron",
               "version_created": "2026-01-05T10:00:00Z", "language": "en",
               "body": "Chancellor Olaf Scholz met President Emmanuel Macron in Paris on "
                       "Monday to talk about trade and the war in Ukraine, officials said."}

    with running_worker(broker.url, namespace_env, tmp_path) as worker:
        wait_ready(port, worker)
        status, ready = _get_json(f"http://127.0.0.1:{port}/ready")
        assert status == 200
        assert ready == {"ready": True, "joined_group": True, "models_loaded": True}
        assert scrape(port)["wirestream_nlp_processes_loaded"] == 2
        status, health = _get_json(f"http://127.0.0.1:{port}/health")
        assert (status, health) == (200, {"status": "ok"})
        asyncio.run(produce(broker.url, names["raw"], [
            OutMessage(b"urn:live:1", json.dumps(article).encode()),
            OutMessage(b"urn:live:bad", b"{not json"),
        ]))
        # Enriched, and the lag check has run (its series exist): everything has samples.
        wait_for_metric(port, 'wirestream_articles_enriched_total{language="en"}', 1, worker)
        wait_for_metric(port, "wirestream_broker_up", 1, worker)
        families = _live_families(port)
        assert worker.alive(), worker.log_tail()

    exposed = _exposed_names(families)
    code_labels = declared()
    labels_of: dict[str, set[str]] = {}
    for name, family in exposed.items():
        live_labels = families[family][2]
        labels_of[name] = live_labels or code_labels.get(family, (None, set()))[1]

    rules = yaml.safe_load((ROOT / "config/prometheus/alerts.yml").read_text())
    exprs = [(title, expr) for title, expr in queries(dashboard())]
    exprs += [(rule.get("alert") or rule["record"], rule["expr"])
              for group in rules["groups"] for rule in group["rules"]]
    checked = set()
    for title, expr in exprs:
        for name in _METRIC.findall(expr):
            assert name in exposed, f"{title}: {name} is not on a live worker's /metrics"
            checked.add(exposed[name])
        problems = label_problems(expr, labels_of)
        assert not problems, f"{title}: labels {problems} not on the live series"
    assert {"wirestream_consumer_lag_messages", "wirestream_stage_items_in",
            "wirestream_freshness_seconds", "wirestream_entities"} <= checked

    # The series the lag panel and alerts read are there for every source partition.
    lag = families["wirestream_consumer_lag_messages"]
    assert lag[2] == {"topic", "partition"}
    assert TARGET_LABELS.isdisjoint(lag[2])
    stage_samples = families["wirestream_stage_items_in"][1]
    assert stage_samples == {"wirestream_stage_items_in_total"}
