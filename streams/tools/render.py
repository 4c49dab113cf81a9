"""Readable terminal output of enriched and dead-lettered records (rich)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from wirestream.streams.kafka.kafka_io import InMessage


def enriched_panel(record: dict[str, Any]) -> Panel:
    model = record.get("model") or {}
    model_text = model.get("name") or f"none installed for '{model.get('language')}'"
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold cyan", no_wrap=True)
    grid.add_column()
    grid.add_row("id", f"{record['id']}  (v{record['version']}, {record['source_format']})")
    detection = record.get("language_detection") or {}
    grid.add_row("language", f"{record.get('language')}  (detected {detection.get('detected')} "
                             f"@ {detection.get('confidence')}, declared "
                             f"{detection.get('declared')})")
    grid.add_row("model", model_text)
    dedup = record.get("dedup") or {}
    extra = ""
    if dedup.get("duplicate_of"):
        extra = f", copy of {dedup['duplicate_of']} (similarity {dedup.get('similarity')})"
    elif dedup.get("corrects"):
        extra = f", corrects {dedup['corrects']}"
    elif dedup.get("supersedes") is not None:
        extra = f", supersedes v{dedup['supersedes']}"
    grid.add_row("dedup", f"{dedup.get('verdict')}  {dedup.get('story_id')}{extra}")
    grid.add_row("words", str(record.get("word_count")))
    by_label: dict[str, list[str]] = defaultdict(list)
    for ent in sorted(record.get("entities", []), key=lambda e: -e["salience"]):
        # Linked entities show their canonical name and id; the rest their name.
        shown = f"{ent['name']} [{ent['id']}]" if ent["linked"] else ent["name"]
        by_label[ent["label"]].append(shown)
    for label in ("PER", "ORG", "LOC", "MISC"):
        if by_label.get(label):
            grid.add_row(label, ", ".join(by_label[label][:15])
                         + (" …" if len(by_label[label]) > 15 else ""))
    if not record.get("entities"):
        grid.add_row("entities", "—")
    places = [f"{p['name']} ({p['country'] or p['kind']})" for p in record.get("places", [])]
    if places:
        grid.add_row("places", ", ".join(places[:10]) + (" …" if len(places) > 10 else ""))
    title = Text(record.get("headline") or "(no headline)", style="bold")
    return Panel(grid, title=title, title_align="left", border_style="green")


def dead_letter_panel(message: InMessage) -> Panel:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold red", no_wrap=True)
    grid.add_column()
    for name in ("reason", "error_class", "error_message", "stage", "original_topic",
                 "original_partition", "original_offset"):
        grid.add_row(name, message.header(f"wirestream.{name}") or "")
    grid.add_row("bytes", str(len(message.value)))
    return Panel(grid, title="dead-lettered", title_align="left", border_style="red")


def print_record(console: Console, record: dict[str, Any]) -> None:
    console.print(enriched_panel(record))
