"""Tracing on the real broker: one article's spans, stage by stage, form one trace whose id
follows from the story id and version, linked through the records' Kafka headers."""

from __future__ import annotations

import asyncio
import itertools
import json
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from tests.integration.helpers import collect, running_worker, settings_from, wait_ready
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce
from wirestream.streams.ops.tracing import trace_id_hex

pytestmark = [pytest.mark.integration]

STAGES = ["ingest", "versions", "near_duplicates", "enrich", "publish"]
ARTICLE = {"id": "urn:traced", "version": 3, "language": "en", "headline": "Train derails",
           "body": "At least 22 people were killed when a passenger train derailed near "
                   "Tabas in eastern Iran on Wednesday, state media reported."}


def spans_of(path: Path, trace_id: str, deadline_s: float = 60.0) -> dict[str, dict[str, Any]]:
    """The trace's spans by name, once all stages have written theirs (spans are written
    as they end, which can be just after the record they sent is read)."""
    give_up = time.monotonic() + deadline_s
    while True:
        spans = {}
        if path.exists():
            for line in path.read_text().splitlines():
                span = json.loads(line)
                if span["context"]["trace_id"] == f"0x{trace_id}":
                    spans[span["name"]] = span
        if set(STAGES) <= set(spans) or time.monotonic() > give_up:
            return spans
        time.sleep(0.2)  # polling the file for the condition above, not waiting on time


def test_one_article_is_one_trace_across_the_stages(broker, namespace_env, tmp_path):
    spans_file = tmp_path / "spans.jsonl"
    env = {**namespace_env, "WIRESTREAM_TRACING__FILE": str(spans_file)}
    settings = settings_from(env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))
    with running_worker(broker.url, env, tmp_path) as worker:
        wait_ready(env["WIRESTREAM_METRICS_PORT"], worker)
        asyncio.run(produce(broker.url, names["raw"], [
            OutMessage(b"urn:traced", json.dumps(ARTICLE).encode())]))
        [record] = asyncio.run(collect(broker.url, [names["enriched"]], 1, worker))
        # What an operator runs to find the story version's trace.
        trace_id = subprocess.run(
            [sys.executable, "-m", "wirestream", "trace", "urn:traced", "--version", "3"],
            capture_output=True, text=True, check=True, timeout=60).stdout.strip()
        assert trace_id == trace_id_hex("urn:traced", 3)
        spans = spans_of(spans_file, trace_id)

    # Downstream consumers get the trace context too.
    traceparent = dict(record.headers or ())["traceparent"].decode()
    assert traceparent.split("-")[1] == trace_id
    assert set(STAGES) <= set(spans), sorted(spans)
    chain = [spans[name] for name in STAGES]
    assert chain[0]["parent_id"] is None
    for parent, child in itertools.pairwise(chain):
        assert child["parent_id"] == parent["context"]["span_id"], (child["name"], parent["name"])
    assert spans["versions"]["attributes"]["wirestream.verdict"] == "new"
    assert spans["enrich"]["attributes"]["wirestream.nlp_seconds"] > 0
    assert spans["enrich"]["attributes"]["wirestream.events"] >= 1
