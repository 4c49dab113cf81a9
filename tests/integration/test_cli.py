"""The command line against a real embedded broker."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys

import pytest

from tests.integration.helpers import settings_from
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import consume

pytestmark = pytest.mark.integration


def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wirestream", *args], capture_output=True,
                          text=True, timeout=120, env={**os.environ, **env})


def test_produce_sends_readable_files_and_fails_on_unreadable(broker, namespace_env, tmp_path):
    env = {**namespace_env, "WIRESTREAM_BROKER_URL": broker.bootstrap}
    settings = settings_from(namespace_env, broker.url)
    asyncio.run(ensure_app_topics(settings, broker.url))
    story = tmp_path / "tabas-train.txt"
    story.write_text("Train derails near Tabas\n\nAt least 22 people were killed.\n",
                     encoding="utf-8")
    batch = tmp_path / "batch.jsonl"
    batch.write_text(json.dumps({"id": "urn:test:a", "headline": "A", "body": "Alpha."}) + "\n"
                     + json.dumps({"id": "urn:test:b", "headline": "B", "body": "Beta."}) + "\n",
                     encoding="utf-8")
    missing = tmp_path / "does-not-exist.json"

    result = _cli(["produce", str(story), str(missing), str(batch)], env)

    assert result.returncode == 1
    assert "does-not-exist.json" in result.stderr
    assert "produced 3 message(s)" in result.stdout

    async def read() -> dict[bytes, bytes]:
        got: dict[bytes, bytes] = {}
        async for msg in consume(broker.url, [settings.topic_names()["raw"]], deadline_s=60):
            got[msg.key or b""] = msg.value
            if len(got) == 3:
                break
        return got

    got = asyncio.run(read())
    assert set(got) == {b"file:tabas-train", b"urn:test:a", b"urn:test:b"}
    assert json.loads(got[b"file:tabas-train"])["headline"] == "Train derails near Tabas"


def test_produce_without_a_broker_says_how_to_get_one(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "WIRESTREAM_BROKER_URL"}
    result = subprocess.run([sys.executable, "-m", "wirestream", "produce", str(tmp_path)],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2
    assert "WIRESTREAM_BROKER_URL" in result.stderr


def test_invalid_settings_stop_the_cli_naming_the_variable(tmp_path):
    env = {**os.environ, "WIRESTREAM_TOPICS__PARTITIONS": "zero"}
    result = subprocess.run([sys.executable, "-m", "wirestream", "tail", "raw"],
                            capture_output=True, text=True, timeout=60, env=env)
    assert result.returncode == 2
    assert "WIRESTREAM_TOPICS__PARTITIONS" in result.stderr


def test_tail_prints_json_lines(broker, namespace_env, tmp_path):
    env = {**namespace_env, "WIRESTREAM_BROKER_URL": broker.bootstrap}
    settings = settings_from(namespace_env, broker.url)
    asyncio.run(ensure_app_topics(settings, broker.url))
    doc = tmp_path / "one.json"
    doc.write_text(json.dumps({"id": "urn:test:tail", "headline": "H", "body": "Body."}))
    assert _cli(["produce", str(doc)], env).returncode == 0
    result = _cli(["tail", "raw", "--max", "1", "--json"], env)
    assert result.returncode == 0, result.stderr
    line = json.loads(result.stdout.strip().splitlines()[-1])
    assert line["key"] == "urn:test:tail"
    assert line["value"]["headline"] == "H"
