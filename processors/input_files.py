"""Turning files on disk into raw wire messages (what a feed would push to the raw topic)."""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import (
    article_from_text,
    article_to_native_json,
    parse_raw,
    split_raw,
)

CONTENT_TYPES = {".json": "application/json", ".jsonl": "application/json",
                 ".xml": "application/xml", ".rss": "application/rss+xml",
                 ".atom": "application/atom+xml", ".txt": "application/json"}
# What a directory of dropped files may hold (the suffixes items_from_file reads).
SUFFIXES = frozenset(CONTENT_TYPES)


@dataclass(frozen=True, slots=True)
class RawItem:
    """One message to produce. ``key`` is the story id when the payload parses locally."""

    source: str  # file name, with ":line" for JSONL
    payload: bytes
    content_type: str
    key: str | None
    problem: str | None = None  # why it will be dead-lettered, if it will
    article: Article | None = None  # what ingest will make of it


def _item(source: str, payload: bytes, content_type: str) -> RawItem:
    try:
        article = parse_raw(payload, content_type=content_type)
    except RejectedInput as exc:
        return RawItem(source, payload, content_type, None, f"{exc.reason}: {exc}")
    return RawItem(source, payload, content_type, article.id, article=article)


def _xml_items(source: str, payload: bytes, content_type: str) -> list[RawItem]:
    """A NewsML-G2 newsMessage or a feed becomes one message per item, keyed by its id."""
    try:
        parts = split_raw(payload, content_type=content_type)
    except RejectedInput as exc:
        return [RawItem(source, payload, content_type, None, f"{exc.reason}: {exc}")]
    items = []
    for index, part in enumerate(parts):
        name = source if len(parts) == 1 else f"{source}[{index}]"
        if isinstance(part.outcome, Article):
            items.append(RawItem(name, part.payload, part.content_type, part.outcome.id,
                                 article=part.outcome))
        else:
            items.append(RawItem(name, part.payload, part.content_type, None,
                                 f"{part.outcome.reason}: {part.outcome}"))
    return items


def items_from_file(path: Path, *, max_bytes: int | None = None) -> list[RawItem]:
    """Read one file; raise RejectedInput('unreadable_file') when it cannot be read, and
    RejectedInput('too_large') when it holds more than ``max_bytes`` (checked before
    reading; no more than ``max_bytes + 1`` bytes are read)."""
    try:
        with path.open("rb") as handle:
            size = os.fstat(handle.fileno()).st_size
            if max_bytes is not None and size > max_bytes:
                raise RejectedInput("too_large", f"{path}: {size} bytes, more than "
                                                 f"{max_bytes}; not read")
            data = handle.read() if max_bytes is None else handle.read(max_bytes + 1)
    except OSError as exc:
        raise RejectedInput("unreadable_file", f"{path}: {exc.strerror or exc}") from exc
    if max_bytes is not None and len(data) > max_bytes:
        raise RejectedInput("too_large", f"{path}: more than {max_bytes} bytes; not read")
    return items_from_bytes(path.name, data)


def items_from_bytes(name: str, data: bytes) -> list[RawItem]:
    """The messages in a file's bytes; its name's suffix says the format (see
    CONTENT_TYPES). Raises RejectedInput('unreadable_file') for text that is not UTF-8."""
    path = Path(name)
    suffix = path.suffix.lower()
    if suffix == ".txt":
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise RejectedInput("unreadable_file", f"{path}: not UTF-8 text ({exc})") from exc
        article = article_from_text(path.name, text)
        return [RawItem(path.name, article_to_native_json(article), "application/json",
                        article.id, article=article)]
    if suffix == ".jsonl":
        return [
            _item(f"{path.name}:{lineno}", line.encode("utf-8"), "application/json")
            for lineno, line in enumerate(data.decode("utf-8", "replace").splitlines(), 1)
            if line.strip()
        ]
    if suffix == ".json":
        # A JSON array of documents is a batch; anything else is one message as is.
        try:
            doc = json.loads(data)
        except (ValueError, RecursionError):
            doc = None
        if isinstance(doc, list):
            return [_item(f"{path.name}[{i}]", json.dumps(d, ensure_ascii=False).encode(),
                          "application/json") for i, d in enumerate(doc)]
    if suffix in (".xml", ".rss", ".atom"):
        return _xml_items(path.name, data, CONTENT_TYPES[suffix])
    return [_item(path.name, data, CONTENT_TYPES.get(suffix, "application/octet-stream"))]


def read_items(paths: list[Path]) -> tuple[list[RawItem], list[str]]:
    """All messages from the files, and one error line per unreadable file."""
    items: list[RawItem] = []
    errors: list[str] = []
    for path in paths:
        try:
            items.extend(items_from_file(path))
        except RejectedInput as exc:
            errors.append(str(exc))
    return items, errors
