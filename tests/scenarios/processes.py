"""Worker processes from the outside: the settings of one deployment, readiness, /metrics
samples, the pids below a worker and their memory."""

from __future__ import annotations

import asyncio
import time
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from wirestream.streams.brokers.local import is_tansu, parse_kind
from wirestream.streams.brokers.tansu import free_port
from wirestream.streams.tools.worker_process import WorkerProcess
from wirestream.streams.tools.worker_process import scrape as scrape_or_raise

REPO_ROOT = Path(__file__).resolve().parents[2]


def deployment_env(workdir: Path, name: str, broker: str = "tansu",
                   **extra: str) -> dict[str, str]:
    """Settings of one deployment (own topics, group, port, data dir) on a ``broker`` kind."""
    nodes = parse_kind(broker)[2]
    return {
        "WIRESTREAM_TOPICS__PREFIX": f"{name}.", "WIRESTREAM_APP_ID": f"wirestream-{name}",
        "WIRESTREAM_METRICS_PORT": str(free_port()),
        "WIRESTREAM_DATA_DIR": str(workdir / f"{name}-data"),
        "WIRESTREAM_BROKER_PROFILE": "tansu" if is_tansu(broker) else "kafka",
        # The local Kafka allows the short sessions of fast joins (group.min.session...).
        "WIRESTREAM_FAST_JOIN": "true",
        "WIRESTREAM_TOPICS__REPLICATION_FACTOR": str(min(3, nodes)),
        "WIRESTREAM_NLP_PROCESSES": "1",
        "WIRESTREAM_BATCH_WITHIN_S": "0.2", "WIRESTREAM_LAG_CHECK_S": "1", **extra,
    }


def scrape(port: str | int) -> dict[str, float]:
    """/metrics samples; {} while the worker does not answer (it may be restarting)."""
    return scrape_or_raise(port, timeout_s=5, missing_ok=True)


def metric_sum(samples: dict[str, float], name: str) -> float:
    """The sum of a metric over all its label sets."""
    return sum(v for k, v in samples.items() if k == name or k.startswith(name + "{"))


async def lag_is_zero(port: str | int) -> bool:
    """The worker reports consumer lag and all of it is 0."""
    samples = await asyncio.to_thread(scrape, port)
    lags = [v for k, v in samples.items() if k.startswith("wirestream_consumer_lag_messages{")]
    return bool(lags) and sum(lags) == 0


def is_ready(port: str | int) -> bool:
    """/ready answers 200: the worker joined its group and loaded its pipelines."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/ready", timeout=5) as resp:
            return resp.status == 200
    except OSError:
        return False  # not listening yet, or 503 until ready


def wait_ready(port: str | int, worker: WorkerProcess, deadline_s: float = 180.0) -> None:
    """Poll /ready until the worker is ready; fails early if it exited."""
    end = time.monotonic() + deadline_s
    while not is_ready(port):
        if not worker.alive():
            raise AssertionError(f"worker exited ({worker.proc.returncode}):\n"
                                 f"{worker.log_tail()}")
        if time.monotonic() > end:
            raise AssertionError(f"worker not ready within {deadline_s}s:\n{worker.log_tail()}")
        time.sleep(0.2)  # poll interval


async def await_ready(port: str | int, worker: WorkerProcess, deadline_s: float = 300) -> None:
    """``wait_ready`` for a caller on an event loop (its other tasks go on meanwhile)."""
    await asyncio.to_thread(wait_ready, port, worker, deadline_s)


def descendants(pid: int) -> list[int]:
    """All processes below pid (the spaCy pool and multiprocessing's resource tracker)."""
    found: list[int] = []
    frontier = [pid]
    while frontier:
        parent = frontier.pop()
        try:
            kids = Path(f"/proc/{parent}/task/{parent}/children").read_text().split()
        except OSError:
            continue
        for kid in map(int, kids):
            found.append(kid)
            frontier.append(kid)
    return found


def running(pid: int) -> bool:
    """True unless gone or a zombie (exited, not yet reaped)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    state = next((line.split()[1] for line in status.splitlines()
                  if line.startswith("State:")), "X")
    return state not in {"Z", "X"}


def rss_kib(pids: Iterable[int]) -> int:
    """Resident memory of these processes together (those already gone count 0)."""
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total


async def wait_gone(pids: list[int], deadline_s: float = 30) -> list[int]:
    """The pids still running after the deadline (orphans)."""
    end = time.monotonic() + deadline_s
    while time.monotonic() < end:
        alive = [pid for pid in pids if running(pid)]
        if not alive:
            return []
        await asyncio.sleep(0.2)  # poll interval
    return [pid for pid in pids if running(pid)]
