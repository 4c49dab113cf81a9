"""Reading a deployment's output topics in the background, waiting on conditions over what
came out, and summarising it against a replay plan."""

from __future__ import annotations

import asyncio
import contextlib
import json
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tests.scenarios.processes import lag_is_zero
from tests.scenarios.replay import Key, ReplayPlan
from wirestream.streams.kafka.kafka_io import InMessage, consume_with_ticks
from wirestream.streams.tools.worker_process import WorkerProcess


@dataclass
class Out:
    key: Key
    verdict: str
    duplicate_of: str | None
    record_type: str
    at: float  # monotonic time it was read


class Collector:
    """Reads output topics in the background into lists, for conditions to wait on."""

    def __init__(self, broker_url: str, enriched: str, dlq: str | None = None,
                 read_committed: bool = False) -> None:
        self.broker_url = broker_url
        self.read_committed = read_committed
        self.enriched = enriched
        self.dlq = dlq
        self.records: list[Out] = []
        self.dead: list[InMessage] = []
        self.idle_polls = 0
        self._task: asyncio.Task[None] | None = None

    async def _run(self) -> None:
        topics = [self.enriched] + ([self.dlq] if self.dlq else [])
        # read_committed: with exactly-once, records of aborted transactions are not output.
        async for msg in consume_with_ticks(self.broker_url, topics,
                                            read_committed=self.read_committed):
            if msg is None:
                self.idle_polls += 1
                continue
            self.idle_polls = 0
            if msg.topic == self.enriched:
                record = json.loads(msg.value) if msg.value else {}
                dedup = record.get("dedup") or {}
                self.records.append(Out((str(record.get("id")), int(record.get("version") or 0)),
                                        str(dedup.get("verdict")), dedup.get("duplicate_of"),
                                        str(record.get("record_type")), time.monotonic()))
            else:
                self.dead.append(msg)

    async def __aenter__(self) -> Collector:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._task

    def seen(self) -> set[Key]:
        return {r.key for r in self.records}

    async def until(self, condition: Callable[[], bool], deadline_s: float,
                    alive: Callable[[], bool] | None = None, what: str = "condition") -> None:
        end = time.monotonic() + deadline_s
        while not condition():
            if self._task is not None and self._task.done():
                self._task.result()
                raise AssertionError("output reader stopped")
            if alive is not None and not alive():
                raise AssertionError(f"worker exited while waiting for {what}")
            if time.monotonic() > end:
                raise AssertionError(f"{what}: not reached within {deadline_s}s")
            await asyncio.sleep(0.1)  # poll interval

    async def quiet(self, polls: int = 5, deadline_s: float = 60) -> None:
        """Until the topics gave nothing for a few polls in a row (200 ms each)."""
        self.idle_polls = 0
        await self.until(lambda: self.idle_polls >= polls, deadline_s, what="quiet output")


async def settle(collector: Collector, port: str | int, worker: WorkerProcess,
                 deadline_s: float = 180) -> None:
    """Until the group has no lag and the output topic is drained (repeats counted)."""
    end = time.monotonic() + deadline_s
    while not await lag_is_zero(port):
        if not worker.alive():
            raise AssertionError(f"worker exited:\n{worker.log_tail()}")
        if time.monotonic() > end:
            raise AssertionError("consumer lag did not reach 0")
        await asyncio.sleep(0.5)  # poll interval
    await collector.quiet()


async def until_complete(collector: Collector, plan: ReplayPlan, port: str | int,
                         worker: WorkerProcess, deadline_s: float
                         ) -> tuple[float, dict[str, Any]]:
    """Until every expected record came out and the group settled: when the last of them
    was read, and the summary (records dead-lettered meanwhile counted)."""
    want = set(plan.expected)
    await collector.until(lambda: want <= collector.seen(), deadline_s, worker.alive,
                          "every expected record")
    complete_at = max(r.at for r in collector.records if r.key in want)
    await settle(collector, port, worker)
    return complete_at, summarize(plan, collector.records, len(collector.dead))


def first_verdicts(records: list[Out]) -> dict[Key, tuple[str, str | None]]:
    """The verdict of each (id, version)'s first article record."""
    first: dict[Key, tuple[str, str | None]] = {}
    for record in records:
        if record.record_type == "article":
            first.setdefault(record.key, (record.verdict, record.duplicate_of))
    return first


def summarize(plan: ReplayPlan, records: list[Out], dead: int,
              sent: int | None = None) -> dict[str, Any]:
    """Input, output, lost, repeated, unexpected and mismatched verdicts against the plan."""
    counts = Counter(r.key for r in records if r.record_type == "article")
    verdicts = first_verdicts(records)
    mismatched = {f"{k[0]}@{k[1]}": [verdicts.get(k), want]
                  for k, want in plan.expected.items() if k in verdicts and verdicts[k] != want}
    return {
        "input": len(plan.messages) if sent is None else sent, "input_kinds": dict(plan.kinds),
        "expected_records": len(plan.expected), "output": sum(counts.values()),
        "dead_lettered": dead,
        "lost": len(set(plan.expected) - set(counts)),
        "lost_ids": len(plan.ids - {k[0] for k in counts}),
        "repeated": sum(c - 1 for c in counts.values()),
        "unexpected": len(set(counts) - set(plan.expected)),
        "verdict_mismatches": len(mismatched), "mismatch_examples": dict(list(
            mismatched.items())[:5]),
    }


def dead_letter_keys(dead: list[InMessage], reason: str = "publish_failed") -> set[Key]:
    """(story id, version) of the internal envelopes dead-lettered with ``reason``."""
    keys: set[Key] = set()
    for msg in dead:
        if msg.header("wirestream.reason") != reason:
            continue
        with contextlib.suppress(ValueError, KeyError, TypeError):
            article = json.loads(msg.value)["article"]
            keys.add((str(article["id"]), int(article.get("version") or 1)))
    return keys
