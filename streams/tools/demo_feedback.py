"""What ``wirestream demo`` shows: start-up steps, progress while articles flow, the
summary at the end (rich on a terminal, plain lines otherwise), and the worker's /ready
and /metrics it reads them from."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from wirestream.streams.kafka.kafka_io import InMessage
from wirestream.streams.tools.worker_process import WorkerProcess


def scrape_metrics(host: str, port: int, timeout_s: float = 5.0) -> str:
    """The worker's /metrics text ('' when it does not answer)."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/metrics",
                                    timeout=timeout_s) as resp:
            return str(resp.read().decode())
    except OSError:
        return ""


def wirestream_lines(metrics_text: str) -> list[str]:
    """The raw wirestream_* samples of a /metrics text, histogram buckets left out."""
    return [line for line in metrics_text.splitlines()
            if line.startswith("wirestream_") and "_bucket" not in line
            and "_created" not in line]


def read_readiness(host: str, port: int) -> dict[str, bool] | None:
    """The worker's /ready answer ({"ready", "joined_group", "models_loaded"}); None while
    its web server does not answer. Not ready is a 503 with the same JSON body."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/ready", timeout=2) as resp:
            return dict(json.loads(resp.read()))
    except urllib.error.HTTPError as exc:
        try:
            return dict(json.loads(exc.read()))
        except ValueError:
            return None
    except (OSError, ValueError):
        return None


@dataclass
class MetricsSnapshot:
    """What the demo reads from the worker's /metrics: counters and a latency histogram."""

    samples: dict[str, float] = field(default_factory=dict)
    # wirestream_end_to_end_seconds: (upper bound, cumulative count), sorted by bound
    latency_buckets: list[tuple[float, float]] = field(default_factory=list)
    text: str = ""

    @classmethod
    def parse(cls, text: str) -> MetricsSnapshot:
        from prometheus_client.parser import text_string_to_metric_families

        snap = cls(text=text)
        if not text:
            return snap
        for family in text_string_to_metric_families(text):
            for sample in family.samples:
                labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
                if sample.name == "wirestream_end_to_end_seconds_bucket":
                    bound = float(sample.labels["le"])
                    snap.latency_buckets.append((bound, sample.value))
                elif not sample.name.endswith("_bucket"):
                    snap.samples[f"{sample.name}{{{labels}}}" if labels else sample.name] = \
                        sample.value
        snap.latency_buckets.sort()
        return snap

    def value(self, name: str, **labels: str) -> float:
        key = ",".join(f'{k}="{v}"' for k, v in sorted(labels.items()))
        return self.samples.get(f"{name}{{{key}}}" if key else name, 0.0)

    @property
    def held(self) -> int:
        """Versions held (embargoed, withheld) and not yet released."""
        held = self.value("wirestream_dedup_verdicts_total", verdict="held")
        released = self.value("wirestream_dedup_verdicts_total", verdict="released")
        return max(0, int(held - released))

    def latency_quantile(self, q: float) -> float | None:
        """The q-quantile of end-to-end latency, read off the histogram's buckets (the
        bucket's upper bound, as Prometheus' histogram_quantile gives at bucket edges;
        linear inside a bucket). None without observations."""
        if not self.latency_buckets or self.latency_buckets[-1][1] <= 0:
            return None
        total = self.latency_buckets[-1][1]
        rank = q * total
        lower_bound, lower_count = 0.0, 0.0
        for bound, count in self.latency_buckets:
            if count >= rank:
                if bound == float("inf"):
                    return lower_bound
                inside = count - lower_count
                share = (rank - lower_count) / inside if inside else 1.0
                return lower_bound + (bound - lower_bound) * share
            lower_bound, lower_count = bound, count
        return None


@dataclass
class Tally:
    """What came out: enriched records and dead letters, counted for the summary."""

    replayed: int
    enriched: set[str] = field(default_factory=set)
    languages: Counter[str] = field(default_factory=Counter)
    entities: int = 0
    linked: int = 0
    events: int = 0
    duplicates: int = 0
    dead: Counter[str] = field(default_factory=Counter)

    def add_record(self, record: dict[str, Any], key: str) -> None:
        if key in self.enriched:
            return
        self.enriched.add(key)
        self.languages[str(record.get("language"))] += 1
        entities = record.get("entities") or []
        self.entities += len(entities)
        self.linked += sum(1 for e in entities if e.get("linked"))
        self.events += len(record.get("events") or [])
        if (record.get("dedup") or {}).get("verdict") == "duplicate":
            self.duplicates += 1

    def add_dead(self, message: InMessage) -> None:
        self.dead[message.header("wirestream.reason") or "unknown"] += 1

    @property
    def dead_total(self) -> int:
        return sum(self.dead.values())


class Feedback:
    """What a person sees while the demo runs. ``live``: spinners, a progress bar and
    tables (a terminal); otherwise one plain line per step, for logs and pipes."""

    def __init__(self, console: Console, live: bool) -> None:
        self.console = console
        self.live = live
        self._status: Any = None
        self._step_started = time.monotonic()

    def step(self, text: str) -> None:
        """A step has begun (a spinner on a terminal; nothing when piped)."""
        self._step_started = time.monotonic()
        if not self.live:
            return
        if self._status is None:
            self._status = self.console.status(text)
            self._status.start()
        else:
            self._status.update(text)

    def done(self, text: str) -> None:
        elapsed = time.monotonic() - self._step_started
        mark = "[green]✓[/green] " if self.live else ""
        self.console.print(f"{mark}{escape(text)} [dim]({elapsed:.1f} s)[/dim]" if self.live
                           else f"{text} ({elapsed:.1f} s)", highlight=False)
        self._step_started = time.monotonic()

    def note(self, text: str) -> None:
        self.console.print(f"[yellow]note:[/yellow] {escape(text)}" if self.live
                           else f"note: {text}", highlight=False)

    def error(self, text: str) -> None:
        self.end_steps()
        self.console.print(f"[red]error:[/red] {escape(text)}" if self.live else f"error: {text}",
                           highlight=False)

    def end_steps(self) -> None:
        if self._status is not None:
            self._status.stop()
            self._status = None


def summary_rows(tally: Tally, snapshot: MetricsSnapshot, metrics_url: str
                 ) -> list[tuple[str, str]]:
    """The end-of-run summary as (what, figure) rows."""
    languages = ", ".join(f"{lang} {n}" for lang, n in tally.languages.most_common())
    rows = [
        ("articles", f"{tally.replayed} replayed, {len(tally.enriched)} enriched"
                     + (f" ({languages})" if languages else "")
                     + (f", {tally.duplicates} near-duplicate" if tally.duplicates else "")),
        ("entities", f"{tally.entities} ({tally.linked} linked to an id)"),
        ("events", str(tally.events)),
        ("dead letters", ", ".join(f"{reason} {n}" for reason, n in tally.dead.most_common())
         if tally.dead else "none"),
    ]
    if snapshot.held:
        rows.append(("held", f"{snapshot.held} (embargoed or withheld)"))
    p50, p99 = snapshot.latency_quantile(0.5), snapshot.latency_quantile(0.99)
    if p50 is not None and p99 is not None:
        rows.append(("latency", f"p50 {p50:.2f} s, p99 {p99:.2f} s (raw topic to enriched, "
                                "from histogram buckets)"))
    rows.append(("metrics", f"{metrics_url} while the worker runs (--metrics prints them)"))
    return rows


def print_summary(feedback: Feedback, tally: Tally, snapshot: MetricsSnapshot,
                   metrics_url: str, worker: WorkerProcess) -> None:
    rows = [*summary_rows(tally, snapshot, metrics_url), ("worker log", str(worker.log_path))]
    if feedback.live:
        table = Table(title="summary", show_header=False, title_justify="left")
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for what, figure in rows:
            table.add_row(what, escape(figure))
        feedback.console.print(table)
    else:
        for what, figure in rows:
            feedback.console.print(f"{what}: {figure}", highlight=False, soft_wrap=True)
