"""Producing to and collecting from a real broker in integration tests."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# One readiness loop for every test, shared with the reliability scenarios.
from tests.scenarios.processes import wait_ready  # noqa: F401 - for the tests
from wirestream.config.settings import settings_with_env as settings_from  # noqa: F401 - for the tests
from wirestream.streams.kafka.kafka_io import InMessage, consume_with_ticks
from wirestream.streams.tools.worker_process import WorkerProcess, scrape


@contextmanager
def running_worker(broker_url: str, env: dict[str, str], log_dir: Path
                   ) -> Iterator[WorkerProcess]:
    worker = WorkerProcess(broker_url, log_dir / "worker.log", env)
    try:
        yield worker
    finally:
        worker.stop()


async def collect(broker_url: str, topics: list[str], expected: int, worker: WorkerProcess,
                  deadline_s: float = 240.0) -> list[InMessage]:
    """Read until ``expected`` messages arrived; fails early if the worker died."""
    got: list[InMessage] = []
    async for msg in consume_with_ticks(broker_url, topics, deadline_s=deadline_s):
        if msg is not None:
            got.append(msg)
            if len(got) >= expected:
                break
        if not worker.alive():
            raise AssertionError(f"worker exited:\n{worker.log_tail()}")
    return got


def record_of(msg: InMessage) -> dict[str, Any]:
    return json.loads(msg.value)


def wait_for_metric(port: str | int, name: str, at_least: float, worker: WorkerProcess,
                    deadline_s: float = 120.0) -> dict[str, float]:
    """Poll /metrics until ``name`` reaches ``at_least`` (a readiness condition, not a sleep)."""
    import time

    end = time.monotonic() + deadline_s
    while True:
        if not worker.alive():
            raise AssertionError(f"worker exited:\n{worker.log_tail()}")
        try:
            samples = scrape(port)
        except OSError:
            samples = {}
        if samples.get(name, 0.0) >= at_least:
            return samples
        if time.monotonic() > end:
            raise AssertionError(f"{name} did not reach {at_least}: {samples.get(name)}")
        time.sleep(0.2)  # poll interval


async def collect_keys(broker_url: str, topics: list[str], keys: set[str],
                       worker: WorkerProcess, deadline_s: float = 240.0) -> list[InMessage]:
    """Read until a message with each of ``keys`` arrived (repeats and others kept too:
    at-least-once may repeat a record); fails early if the worker died."""
    got: list[InMessage] = []
    async for msg in consume_with_ticks(broker_url, topics, deadline_s=deadline_s):
        if msg is not None:
            got.append(msg)
            if keys <= {(m.key or b"").decode() for m in got}:
                break
        if not worker.alive():
            raise AssertionError(f"worker exited:\n{worker.log_tail()}")
    return got
