"""``wirestream demo``: broker + worker + replay of sample stories, printed as they come out."""

from __future__ import annotations

import asyncio
import json
import shutil
import time
import urllib.request
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

from wirestream.config.settings import Settings
from wirestream.processors.input_files import read_items
from wirestream.streams.kafka.kafka_io import InMessage, OutMessage, consume_with_ticks, produce
from wirestream.streams.pipeline.worker import broker_for, prepare_topics
from wirestream.streams.tools.render import dead_letter_panel, print_record
from wirestream.streams.tools.worker_process import WorkerProcess

REPO_ROOT = Path(__file__).resolve().parents[2]
SEED_DIR = REPO_ROOT.parent / "shared" / "data" / "seed"
SAMPLES_DIR = REPO_ROOT / "samples"


def default_files() -> list[Path]:
    """The German seed story (when ../shared is there) and the project's own samples."""
    files = sorted(SEED_DIR.glob("*.txt")) if SEED_DIR.is_dir() else []
    files += sorted(p for p in SAMPLES_DIR.glob("*") if p.suffix in {".json", ".txt", ".xml"})
    return files


def scrape_metrics(host: str, port: int) -> list[str]:
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=5) as resp:
            text = resp.read().decode()
    except OSError:
        return []
    return [line for line in text.splitlines()
            if line.startswith("wirestream_") and "_bucket" not in line
            and "_created" not in line]


def run_demo(settings: Settings, files: list[Path], *, follow: bool, as_json: bool,
             timeout_s: float) -> int:

    console = Console(stderr=as_json)
    files = files or default_files()
    items, errors = read_items(files)
    for line in errors:
        console.print(f"[red]error:[/red] {line}")
    if errors:
        return 1
    if not items:
        console.print("[red]error:[/red] nothing to replay")
        return 1
    names = settings.topic_names()
    data_dir = Path(settings.data_dir)
    with broker_for(settings, data_dir) as url:
        prepare_topics(settings, url)
        console.print(f"broker [bold]{url}[/bold]  ·  metrics "
                      f"http://{settings.metrics_host}:{settings.metrics_port}/metrics")
        env = {"WIRESTREAM_BROKER_PROFILE": "tansu" if settings.tansu else "kafka"}
        if settings.embedded_broker:
            # The embedded broker starts empty; table state from an earlier run would
            # not match its changelogs (Faust refuses that), so each run starts clean.
            state_dir = data_dir / "demo-state"
            shutil.rmtree(state_dir, ignore_errors=True)
            env["WIRESTREAM_DATA_DIR"] = str(state_dir)
        worker = WorkerProcess(url, data_dir / "worker.log", env)
        try:
            messages = [OutMessage(i.key.encode() if i.key else None, i.payload,
                                   (("content-type", i.content_type.encode()),)) for i in items]
            asyncio.run(produce(url, names["raw"], messages))
            console.print(f"replayed {len(items)} article(s) from {len(files)} file(s) "
                          f"to {names['raw']}")
            ok = asyncio.run(_collect(url, names, items, worker, console, as_json=as_json,
                                      follow=follow, timeout_s=timeout_s))
            for line in scrape_metrics(settings.metrics_host, settings.metrics_port):
                console.print(f"  [dim]{line}[/dim]", soft_wrap=True)
        except KeyboardInterrupt:
            ok = True
        finally:
            worker.stop()
    return 0 if ok else 1


async def _collect(url: str, names: dict[str, str], items: list[Any], worker: WorkerProcess,
                   console: Console, *, as_json: bool, follow: bool, timeout_s: float) -> bool:
    expected = {i.key for i in items if i.key and not i.problem}
    expected_dead = sum(1 for i in items if i.problem)
    seen: set[str] = set()
    dead = 0
    started = time.monotonic()
    with Progress(TextColumn("enriched"), BarColumn(), MofNCompleteColumn(),
                  console=console, transient=True,
                  disable=len(items) < 20 or as_json) as progress:
        task = progress.add_task("enriched", total=len(items))
        async for msg in consume_with_ticks(url, [names["enriched"], names["dlq"]]):
            if msg is None:
                pass
            elif msg.topic == names["dlq"]:
                dead += 1
                console.print(dead_letter_panel(msg))
            else:
                _show(msg, console, as_json, len(items) < 200)
                seen.add((msg.key or b"").decode())
            progress.update(task, completed=len(seen) + dead)
            if not follow and expected <= seen and dead >= expected_dead:
                break
            if not worker.alive():
                console.print(f"[red]worker exited[/red]:\n{worker.log_tail()}")
                return False
            if not follow and time.monotonic() - started > timeout_s:
                break
    missing = expected - seen
    if missing:
        console.print(f"[red]{len(missing)} article(s) did not come out enriched within "
                      f"{timeout_s:.0f}s:[/red] {sorted(missing)[:10]}\n{worker.log_tail()}")
        return False
    console.print(f"[green]all {len(seen)} article(s) came out enriched[/green]"
                  + (f", {dead} dead-lettered" if dead else ""))
    return True


def _show(msg: InMessage, console: Console, as_json: bool, pretty: bool) -> None:
    record = json.loads(msg.value)
    if as_json:
        print(json.dumps(record, ensure_ascii=False), flush=True)
    elif pretty:
        print_record(console, record)
