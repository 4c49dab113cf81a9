"""The output topics' JSON Schemas, generated from the record types.

``python -m wirestream.processors.records.schemas`` writes config/schemas/*.schema.json;
``--check`` exits 1 when a committed file differs from what the types give (CI runs
it through the test suite, so a schema cannot drift from the code).
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

import msgspec

from wirestream.processors.records.events import EventsTopicRecord
from wirestream.processors.records.output import DuplicateRecord, EnrichedTopicRecord

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
ID_BASE = "https://wirestream.dev/schemas/"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "config" / "schemas"

# file stem -> (record type, title, description)
TOPICS: dict[str, tuple[Any, str, str]] = {
    "enriched": (
        EnrichedTopicRecord, "wirestream enriched topic record",
        "Topic wire.articles.enriched, key = story id (UTF-8). An enriched article version "
        "(record_type article), or a retraction when a story is killed (record_type "
        "retraction, same key). With WIRESTREAM_TOMBSTONES=true a kill is also followed by "
        "a null value for compacted consumers."),
    "event": (
        EventsTopicRecord, "wirestream events topic record",
        "Topic wire.events, key = event_id: one coded event (record_type event; PLOVER type "
        "or ACCIDENT) with its evidence, the same records as the enriched record's events; "
        "or a retraction (record_type retraction, same key) when the story is killed or a "
        "later version no longer reports the event. With WIRESTREAM_TOMBSTONES=true a "
        "retraction is also followed by a null value for compacted consumers."),
    "duplicates": (
        DuplicateRecord, "wirestream duplicate record",
        "Topic wire.articles.duplicates, key = the copy's id: a later article whose text is "
        "a near-copy of an earlier story."),
}


def topic_schema(stem: str) -> dict[str, Any]:
    kind, title, description = TOPICS[stem]
    (root,), defs = msgspec.json.schema_components([kind], ref_template="#/$defs/{name}")
    return {"$schema": SCHEMA_DIALECT, "$id": f"{ID_BASE}{stem}.schema.json",
            "title": title, "description": description, **root, "$defs": defs}


def render(stem: str) -> str:
    return json.dumps(topic_schema(stem), indent=2, ensure_ascii=False) + "\n"


def stale(directory: Path = DEFAULT_DIR) -> list[str]:
    """The schema files in ``directory`` that differ from the generated ones."""
    return [stem for stem in TOPICS
            if not (directory / f"{stem}.schema.json").is_file()
            or (directory / f"{stem}.schema.json").read_text(encoding="utf-8") != render(stem)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DEFAULT_DIR)
    parser.add_argument("--check", action="store_true",
                        help="only compare; exit 1 when a file differs")
    args = parser.parse_args(argv)
    if args.check:
        differing = stale(args.out)
        for stem in differing:
            print(f"{args.out / stem}.schema.json differs from the record types; "
                  "run: python -m wirestream.processors.records.schemas", file=sys.stderr)
        return 1 if differing else 0
    args.out.mkdir(parents=True, exist_ok=True)
    for stem in TOPICS:
        (args.out / f"{stem}.schema.json").write_text(render(stem), encoding="utf-8")
        print(f"wrote {args.out / stem}.schema.json")
    return 0


if __name__ == "__main__":
    sys.exit(main())
