"""`wirestream doctor` against a real broker: topics as created, and a mis-shaped one."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from tests.integration.helpers import settings_from
from wirestream.streams.kafka.admin import ensure_app_topics, ensure_topics
from wirestream.streams.tools.doctor import broker_findings

pytestmark = pytest.mark.integration


def test_doctor_finds_the_topics_as_wirestream_creates_them(broker, namespace_env):
    settings = settings_from(namespace_env, broker.url)
    asyncio.run(ensure_app_topics(settings, broker.url))

    findings = asyncio.run(broker_findings(settings))

    assert all(f.ok for f in findings), [f.message() for f in findings if not f.ok]
    assert "APIs" in findings[0].detail  # reachable, and what it speaks
    topics = [f.detail for f in findings if f.check == "topic"]
    assert len(topics) == len(settings.topic_names()) + 1
    assert any(settings.index_changelog_topic() in t and "compacted" in t for t in topics)


def test_doctor_reports_a_topic_created_with_another_shape(broker, namespace_env):
    settings = settings_from(namespace_env, broker.url)
    changelog = settings.index_changelog_topic()
    # Created by someone else first: two partitions, not compacted.
    asyncio.run(ensure_topics(broker.url, {changelog: 2},
                              configs={changelog: {"cleanup.policy": "delete"}}))

    env = {**os.environ, **namespace_env, "WIRESTREAM_BROKER_URL": broker.bootstrap}
    result = subprocess.run([sys.executable, "-m", "wirestream", "doctor"],
                            capture_output=True, text=True, timeout=120, env=env)

    assert result.returncode == 1, result.stdout + result.stderr
    line = next(x for x in result.stdout.splitlines() if changelog in x)
    assert line.startswith("FIX") and "2 partition(s), expected 1" in line
    assert "cleanup.policy=delete, expected compact" in line, result.stdout
