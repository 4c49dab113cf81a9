"""``wirestream demo``: broker + worker + replay of sample stories, printed as they come out.

On a terminal it shows each start-up step as it happens (broker, worker, spaCy pipelines
loaded, consumer group joined: read from the worker's /ready), then a progress bar while
articles flow, then a summary table. Piped, or with ``--json``, it prints plain lines.

Stopping (Ctrl-C, SIGTERM) is ordered: the worker first, the broker last. Both run in
sessions of their own, so the terminal's Ctrl-C reaches only this process, which then
stops them; a broker that died first would leave the worker retrying its connection.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import signal
import time
from collections.abc import AsyncGenerator
from pathlib import Path
from types import FrameType
from typing import Any, cast

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from wirestream.config.settings import Settings
from wirestream.processors.input_files import read_items
from wirestream.streams.kafka.kafka_io import InMessage, OutMessage, consume_with_ticks, produce
from wirestream.streams.pipeline.worker import broker_for, prepare_topics
from wirestream.streams.tools import doctor
from wirestream.streams.tools.demo_feedback import (
    Feedback,
    MetricsSnapshot,
    Tally,
    print_summary,
    read_readiness,
    scrape_metrics,
    wirestream_lines,
)
from wirestream.streams.tools.render import dead_letter_panel, print_record
from wirestream.streams.tools.worker_process import WorkerProcess

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = REPO_ROOT.parent / "shared" / "data" / "seed"
SAMPLES_DIR = REPO_ROOT / "samples"
# Exit codes: 1 = the demo ran and something failed; 2 = it could not start (a setting,
# a port, a file to fix first).
EXIT_FAILED = 1
EXIT_CANNOT_START = 2
WORKER_STOP_S = 10.0  # the worker stops in well under a second; a hung one is killed


def default_files() -> list[Path]:
    """The German seed story (when ../shared is there) and the project's own samples."""
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    files += sorted(p for p in SAMPLES_DIR.glob("*") if p.suffix in {".json", ".txt", ".xml"})
    return files


class StopSignals:
    """Ctrl-C (SIGINT), SIGTERM and SIGHUP, turned into one ordered stop.

    While articles are read (``polling``) a signal only sets ``requested``; the read
    loop sees it within one poll (200 ms) and ends normally, closing its consumer. At
    any other moment it raises KeyboardInterrupt, as Ctrl-C does by default. Not
    asyncio.run's own Ctrl-C handling (it cancels the main task) nor an exception
    raised into the event loop: both break off the loop at whatever await it is in,
    consumer and threads included (with SIGTERM raised so, one bench/stops.py run in
    ten took 5.7 s to stop, the broker still up after 2 s; the others 0.6 s)."""

    def __init__(self) -> None:
        self.requested = False
        self.polling = False
        self._previous: dict[int, Any] = {}

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        if not self.polling:
            raise KeyboardInterrupt

    def __enter__(self) -> StopSignals:
        # SIGHUP: the terminal was closed; by default it would end only this process.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, previous in self._previous.items():
            signal.signal(signum, previous)

    @staticmethod
    def ignore() -> None:
        """While stopping: a second Ctrl-C must not cut the ordered stop short (it is
        bounded by WORKER_STOP_S and the broker's own stop timeout)."""
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, signal.SIG_IGN)


def run_demo(settings: Settings, files: list[Path], *, follow: bool, as_json: bool,
             timeout_s: float, raw_metrics: bool = False) -> int:
    console = Console(stderr=as_json, highlight=False)
    if not console.is_terminal or as_json:
        # Plain lines for logs and pipes: never wrapped at 80 columns, no markup read
        # into record text (a "[de]" would vanish as a tag).
        console = Console(stderr=as_json, highlight=False, soft_wrap=True, markup=False)
    feedback = Feedback(console, live=console.is_terminal and not as_json)
    chosen = files or default_files()
    if not files and not SEED_DIR.is_dir():
        feedback.note(f"the German seed story is not replayed: {SEED_DIR} is not there "
                      "(put the shared data folder beside the repository as ../shared)")
    items, errors = read_items(chosen)
    for line in errors:
        feedback.error(line)
    if errors:
        console.print("fix or leave out the file(s) above; without file arguments the demo "
                      "replays the samples in samples/", highlight=False)
        return EXIT_CANNOT_START
    if not items:
        feedback.error("nothing to replay: the files hold no articles")
        return EXIT_CANNOT_START
    problems = doctor.start_problems(settings)
    for problem in problems:
        feedback.error(problem.message())
    if problems:
        return EXIT_CANNOT_START
    for warning in doctor.model_warnings(settings):
        feedback.note(warning)

    names = settings.topic_names()
    data_dir = Path(settings.data_dir)
    metrics_url = f"http://{settings.metrics_host}:{settings.metrics_port}/metrics"
    with StopSignals() as stop:
        try:
            feedback.step("starting the embedded broker" if settings.embedded_broker
                          else f"connecting to the broker at {settings.broker_url}")
            with broker_for(settings, data_dir) as url:
                prepare_topics(settings, url)
                where = url.removeprefix("kafka://")
                feedback.done(f"broker {where} "
                              + ("(embedded Tansu)" if settings.embedded_broker
                                 else "(WIRESTREAM_BROKER_URL)") + ", topics ready")
                return _with_worker(settings, url, data_dir, items, chosen, names, feedback,
                                    stop, follow=follow, as_json=as_json,
                                    timeout_s=timeout_s, raw_metrics=raw_metrics,
                                    metrics_url=metrics_url)
        except KeyboardInterrupt:
            # Ctrl-C before the worker ran (the broker was stopped by its context).
            feedback.end_steps()
            return 0
        finally:
            feedback.end_steps()


def _with_worker(settings: Settings, url: str, data_dir: Path, items: list[Any],
                 files: list[Path], names: dict[str, str], feedback: Feedback,
                 stop: StopSignals, *, follow: bool, as_json: bool, timeout_s: float,
                 raw_metrics: bool, metrics_url: str) -> int:
    env = {"WIRESTREAM_BROKER_PROFILE": "tansu" if settings.tansu else "kafka"}
    if settings.embedded_broker:
        # The embedded broker starts empty; table state from an earlier run would
        # not match its changelogs (Faust refuses that), so each run starts clean.
        state_dir = data_dir / "demo-state"
        shutil.rmtree(state_dir, ignore_errors=True)
        env["WIRESTREAM_DATA_DIR"] = str(state_dir)
    feedback.step("starting the worker")
    worker = WorkerProcess(url, data_dir / "worker.log", env)
    snapshot = MetricsSnapshot()
    tally = Tally(replayed=0)  # set once the articles are on the raw topic
    ok = False
    try:
        if not _wait_ready(settings, worker, feedback, timeout_s):
            return EXIT_FAILED
        messages = [OutMessage(i.key.encode() if i.key else None, i.payload,
                               (("content-type", i.content_type.encode()),)) for i in items]
        asyncio.run(produce(url, names["raw"], messages))
        tally.replayed = len(items)
        feedback.done(f"replayed {len(items)} article(s) from {len(files)} file(s) "
                      f"to {names['raw']}")
        feedback.end_steps()
        stop.polling = True
        try:
            ok, snapshot = asyncio.run(_collect(
                settings, url, names, items, worker, feedback, tally, stop,
                as_json=as_json, follow=follow, timeout_s=timeout_s))
        finally:
            stop.polling = False
        if stop.requested:
            raise KeyboardInterrupt
    except KeyboardInterrupt:
        ok = True
        feedback.end_steps()
        feedback.console.print("stopping: worker, then broker", highlight=False)
    finally:
        stop.ignore()
        worker.stop(timeout_s=WORKER_STOP_S)
    if tally.replayed:  # stopped before the replay: nothing to sum up
        print_summary(feedback, tally, snapshot, metrics_url, worker)
    if raw_metrics:
        for line in wirestream_lines(snapshot.text):
            feedback.console.print(f"  {line}", soft_wrap=True, highlight=False)
    return 0 if ok else EXIT_FAILED


def _wait_ready(settings: Settings, worker: WorkerProcess, feedback: Feedback,
                timeout_s: float) -> bool:
    """Follow the worker's start through /ready until it is ready; False (said why) when
    it exits or does not get ready in time."""
    host, port = settings.metrics_host, settings.metrics_port
    deadline = time.monotonic() + timeout_s
    seen: set[str] = set()
    feedback.step(f"starting the worker (pid {worker.pid}): Faust, RocksDB, web server")
    while time.monotonic() < deadline:
        if not worker.alive():
            feedback.error(doctor.explain_worker_exit(worker.log_tail(200), settings)
                           + f" (worker log: {worker.log_path})")
            return False
        state = read_readiness(host, port)
        if state is not None and "web" not in seen:
            seen.add("web")
            feedback.done(f"worker started (pid {worker.pid}), serving "
                          f"http://{host}:{port}/ready")
            feedback.step(f"loading spaCy pipelines in {settings.effective_nlp_processes} "
                          "process(es), joining the consumer group")
        if state is not None:
            if state.get("models_loaded") and "models" not in seen:
                seen.add("models")
                feedback.done("spaCy pipelines loaded: " + _models_in_use(host, port))
            if state.get("joined_group") and "group" not in seen:
                seen.add("group")
                feedback.done(f"joined consumer group {settings.group_id}")
            if state.get("ready"):
                feedback.step("replaying articles")
                return True
        time.sleep(0.2)  # poll interval of /ready, not a readiness guess
    feedback.error(f"the worker was not ready within {timeout_s:.0f} s (--timeout); "
                   f"see {worker.log_path}")
    return False


def _models_in_use(host: str, port: int) -> str:
    snap = MetricsSnapshot.parse(scrape_metrics(host, port, timeout_s=2))
    found = []
    for key, value in sorted(snap.samples.items()):
        if key.startswith("wirestream_model_info{") and value == 1:
            labels = dict(part.split("=", 1) for part in key[len("wirestream_model_info{"):-1]
                          .split(","))
            found.append(f"{labels['language'].strip(chr(34))} "
                         f"{labels['name'].strip(chr(34))}")
    return ", ".join(found) or "none installed"


async def _collect(settings: Settings, url: str, names: dict[str, str], items: list[Any],
                   worker: WorkerProcess, feedback: Feedback, tally: Tally,
                   stop: StopSignals, *, as_json: bool, follow: bool, timeout_s: float
                   ) -> tuple[bool, MetricsSnapshot]:
    console = feedback.console
    expected = {i.key for i in items if i.key and not i.problem}
    expected_dead = sum(1 for i in items if i.problem)
    started = time.monotonic()
    snapshot = MetricsSnapshot()
    last_scrape = 0.0
    # Panels while they stay readable; a large replay shows only the progress bar.
    pretty = feedback.live and len(items) < 200
    progress = Progress(TextColumn("enriched"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("· dead-lettered {task.fields[dead]} · held "
                                   "{task.fields[held]}"), TimeElapsedColumn(),
                        console=console, transient=True, disable=not feedback.live)
    # aclosing: the consumer closes when the loop is left, not when the generator is
    # collected; a connection left open makes the embedded broker wait for it at stop.
    # (An async generator function, annotated as the AsyncIterator it is used as.)
    reading = cast(AsyncGenerator[InMessage | None, None],
                   consume_with_ticks(url, [names["enriched"], names["dlq"]]))
    async with contextlib.aclosing(reading) as messages:
        with progress:
            task = progress.add_task("enriched", total=len(items), dead=0, held=0)
            async for msg in messages:
                if msg is None:
                    pass
                elif msg.topic == names["dlq"]:
                    tally.add_dead(msg)
                    if pretty:
                        console.print(dead_letter_panel(msg))
                    elif not feedback.live:
                        key = (msg.key or b"").decode(errors="replace")
                        console.print(f"dead-lettered {key}: "
                                      f"{msg.header('wirestream.reason')}", highlight=False)
                else:
                    record = json.loads(msg.value)
                    tally.add_record(record, (msg.key or b"").decode())
                    _show(record, console, as_json=as_json, pretty=pretty, live=feedback.live)
                now = time.monotonic()
                if now - last_scrape > 1.0:
                    last_scrape = now
                    text = await asyncio.to_thread(scrape_metrics, settings.metrics_host,
                                                   settings.metrics_port, 2.0)
                    if text:
                        snapshot = MetricsSnapshot.parse(text)
                progress.update(task, completed=len(tally.enriched) + tally.dead_total,
                                dead=tally.dead_total, held=snapshot.held)
                if stop.requested:
                    return True, snapshot
                if not follow and expected <= tally.enriched and tally.dead_total >= expected_dead:
                    break
                if not worker.alive():
                    feedback.error(doctor.explain_worker_exit(worker.log_tail(200), settings)
                                   + f" (worker log: {worker.log_path})")
                    return False, snapshot
                if not follow and now - started > timeout_s:
                    break
    # The final figures, taken while the worker still runs.
    text = await asyncio.to_thread(scrape_metrics, settings.metrics_host,
                                   settings.metrics_port, 2.0)
    if text:
        snapshot = MetricsSnapshot.parse(text)
    missing = expected - tally.enriched
    if missing:
        feedback.error(f"{len(missing)} article(s) did not come out enriched within "
                       f"{timeout_s:.0f} s (--timeout): {sorted(missing)[:10]}; "
                       f"see {worker.log_path}")
        return False, snapshot
    done = f"all {len(tally.enriched)} article(s) came out enriched" + (
        f", {tally.dead_total} dead-lettered" if tally.dead_total else "")
    console.print(f"[green]{done}[/green]" if feedback.live else done, highlight=False)
    return True, snapshot


def _show(record: dict[str, Any], console: Console, *, as_json: bool, pretty: bool,
          live: bool) -> None:
    if as_json:
        print(json.dumps(record, ensure_ascii=False), flush=True)
    elif pretty:
        print_record(console, record)
    elif not live:
        headline = str(record.get("headline") or "")
        headline = headline if len(headline) <= 80 else headline[:79] + "…"
        console.print(f"enriched {record.get('id')} [{record.get('language')}] "
                      f"{headline!r}: {len(record.get('entities') or [])} entities, "
                      f"{len(record.get('events') or [])} events")
