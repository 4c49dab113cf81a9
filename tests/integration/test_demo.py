"""`wirestream demo --json`: its own broker and worker, every sample out enriched."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from wirestream.streams.brokers.tansu import free_port
from wirestream.streams.tools.demo import default_files

pytestmark = pytest.mark.integration

SCHEMA = json.loads((Path(__file__).resolve().parents[2]
                     / "config/schemas/enriched.schema.json").read_text())


def test_demo_replays_every_sample_and_exits_zero(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith("WIRESTREAM_")}
    env.update({"WIRESTREAM_METRICS_PORT": str(free_port()),
                "WIRESTREAM_DATA_DIR": str(tmp_path / "data"),
                "WIRESTREAM_NLP_PROCESSES": "1"})
    result = subprocess.run([sys.executable, "-m", "wirestream", "demo", "--json",
                             "--metrics"], capture_output=True, text=True, timeout=600,
                            env=env)
    assert result.returncode == 0, result.stderr[-3000:]
    records = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    files = default_files()
    assert len(records) == len(files) >= 5
    for record in records:
        jsonschema.validate(record, SCHEMA)
    assert {r["language"] for r in records} >= {"en", "de", "fr", "es"}
    assert "wirestream_articles_enriched_total" in result.stderr  # metrics were served
    # --json keeps stdout to records; the steps and the summary go to stderr, plain.
    assert f"articles: {len(files)} replayed, {len(files)} enriched" in result.stderr
    assert "joined consumer group" in result.stderr and "\x1b[" not in result.stderr
    seed = [r for r in records if r["id"].startswith("file:")]
    if seed:  # the German seed story, when ../shared is there
        assert seed[0]["language"] == "de"

    # A second run in the same data dir starts a new empty broker: it must not trip
    # over the table state the first run left behind.
    again = subprocess.run([sys.executable, "-m", "wirestream", "demo", "--json"],
                           capture_output=True, text=True, timeout=600, env=env)
    assert again.returncode == 0, again.stderr[-3000:]
