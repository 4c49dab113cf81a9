"""No leaks from the web server (issue 18): a real worker holds an embargoed article (its
body sits in the versions table until the release), and no path of its web server shows
that text; /metrics, /health and /ready still work."""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.error
import urllib.request
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.integration.helpers import running_worker, settings_from, wait_for_metric, wait_ready
from tests.unit.test_web import FAUST_PATHS
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, consume_with_ticks, produce
from wirestream.streams.pipeline.app import WEB_PATHS
from wirestream.streams.tools.worker_process import WorkerProcess

pytestmark = [pytest.mark.integration, pytest.mark.smoke]

TABLE = "story-versions"  # streams/pipeline/versions_stage.py
_PATHS_LINE = re.compile(r"web server paths: (.+)$", re.MULTILINE)


def _get(port: str, method: str, path: str) -> tuple[int, bytes]:
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}", method=method,
                                     data=b"{}" if method == "POST" else None)
    try:
        with urllib.request.urlopen(request, timeout=10) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as err:
        return err.code, err.read()


def _served_paths(worker: WorkerProcess, deadline_s: float = 30.0) -> list[str]:
    """The running worker's route table, as it logs it when its web server starts."""
    end = time.monotonic() + deadline_s
    while True:
        found = _PATHS_LINE.search(worker.log_path.read_text(errors="replace"))
        if found:
            return found.group(1).split()
        if time.monotonic() > end:
            raise AssertionError(f"the worker never logged its web paths:\n{worker.log_tail()}")
        time.sleep(0.2)  # poll interval


async def _changelog_holds(broker_url: str, topic: str, text: bytes,
                           deadline_s: float = 60.0) -> bool:
    async for msg in consume_with_ticks(broker_url, [topic], deadline_s=deadline_s):
        if msg is not None and text in (msg.value or b""):
            return True
    return False


def test_no_path_shows_an_embargoed_article(broker, namespace_env, tmp_path):
    settings = settings_from(namespace_env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))
    port = namespace_env["WIRESTREAM_METRICS_PORT"]
    secret = f"Embargoed{uuid.uuid4().hex}"
    story = f"urn:embargoed:{uuid.uuid4().hex}"
    article = {
        "id": story, "version": 1, "language": "en",
        "headline": f"{secret} headline",
        "body": f"The minister will announce the {secret} budget on Friday, her office said.",
        "embargoed_until": (datetime.now(UTC) + timedelta(hours=1)).isoformat(),
    }

    with running_worker(broker.url, namespace_env, tmp_path) as worker:
        wait_ready(port, worker)
        asyncio.run(produce(broker.url, names["raw"],
                            [OutMessage(story.encode(), json.dumps(article).encode())]))
        wait_for_metric(port, 'wirestream_dedup_verdicts_total{verdict="held"}', 1, worker)
        # The premise: the worker holds the text in its table (the changelog shows it).
        changelog = f"{settings.group_id}-{TABLE}-changelog"
        assert asyncio.run(_changelog_holds(broker.url, changelog, secret.encode()))

        served = _served_paths(worker)
        assert served == sorted(WEB_PATHS)
        fill = {"name": TABLE, "key": story}
        walked = sorted({re.sub(r"\{(\w+)\}", lambda m: fill.get(m.group(1), "x"), path)
                         for path in [*served, *FAUST_PATHS,
                                      f"/table/{TABLE}/{story}/", f"/router/{TABLE}/{story}/"]})
        for path in walked:
            for method in ("GET", "HEAD", "POST"):
                status, body = _get(port, method, path)
                assert secret.encode() not in body, (method, path)
                if path not in served:
                    assert status == 404, (method, path, status)

        status, body = _get(port, "GET", "/metrics")
        assert status == 200 and b"wirestream_dedup_verdicts_total" in body
        status, body = _get(port, "GET", "/health")
        assert status == 200 and json.loads(body) == {"status": "ok"}
        status, body = _get(port, "GET", "/ready")
        assert status == 200 and json.loads(body)["ready"] is True
        assert worker.alive(), worker.log_tail()
