"""``wirestream feed``: poll HTTP(S) feeds and watch drop directories, produce new and
changed items to the raw topic.

Sources are HTTP(S) URLs (RSS, Atom, NewsML-G2, or any JSON format ingest reads), drop
directories (the way agencies deliver by FTP: ``*.xml``, ``*.rss``, ``*.atom``,
``*.json``, ``*.jsonl``, ``*.txt``) or single files. Every payload is split into one raw
message per item (``wirestream.processors.formats.split_raw``), keyed by its story id.

What was sent is remembered in a JSON state file under the data dir, across restarts:
per story id the hash of its canonical Article and its version (an item is sent again
only when its content changed and its version did not go down), per URL the ETag and
Last-Modified of the last response (sent back as If-None-Match / If-Modified-Since, a
304 sends nothing) and the time a 429/503's Retry-After asked to wait until (the URL is
not polled before), per file its path, size, mtime and inode (an unchanged file is not
opened again, whether it was read or skipped). The state is written only after the
broker acknowledged the messages, so a crash or a broker outage re-sends rather than
loses (the version stage drops the redeliveries).

A source that fails (unreachable, HTTP error, not a feed, missing directory) is reported
on its own line and the others carry on. What one source may cost is bounded
(``FeedLimits``): a total deadline per HTTP request and a size cap per response
(``wirestream.streams.feeds.feed_http``); drop folders are read without following links and with a
size cap checked before reading (``wirestream.streams.feeds.feed_files``). Every source or file not
read is counted by reason in ``wirestream_feed_skipped_total``.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import split_raw
from wirestream.processors.input_files import SUFFIXES, RawItem, items_from_bytes
from wirestream.streams.feeds.feed_files import scan
from wirestream.streams.feeds.feed_http import FetchError, fetch
from wirestream.streams.kafka.kafka_io import OutMessage, produce
from wirestream.streams.ops import metrics

if TYPE_CHECKING:
    from wirestream.config.settings import Settings

STATE_VERSION = 1
MAX_REMEMBERED_ITEMS = 200_000  # oldest forgotten first; a forgotten item is re-sent once


class SourceError(Exception):
    """A source that could not be read this time; the message is for the user."""


def content_hash(article: Article) -> str:
    """Identity of an item's content: changes when any canonical field changes, and only
    then (feed-level noise such as RSS lastBuildDate does not reach the Article)."""
    text = json.dumps(article.to_dict(), sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# -- state ---------------------------------------------------------------------------

class FeedState:
    """What was sent, by story id, plus HTTP validators and file stats. A JSON file."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: dict[str, dict[str, Any]] = {}
        self.http: dict[str, dict[str, str]] = {}
        self.files: dict[str, list[int]] = {}
        self.retry_at: dict[str, float] = {}  # per URL: not polled before this Unix time
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return
        except (OSError, ValueError) as exc:
            # A damaged state file costs re-sending (absorbed downstream), not the poller.
            raise SourceError(f"state file {self.path} is unreadable ({exc}); "
                              "move it away to start afresh") from exc
        if isinstance(data, dict) and data.get("version") == STATE_VERSION:
            self.items = dict(data.get("items") or {})
            self.http = dict(data.get("http") or {})
            self.files = dict(data.get("files") or {})
            self.retry_at = dict(data.get("retry_at") or {})

    def save(self) -> None:
        while len(self.items) > MAX_REMEMBERED_ITEMS:
            del self.items[next(iter(self.items))]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": STATE_VERSION, "items": self.items, "http": self.http,
                "files": self.files, "retry_at": self.retry_at}
        # Write-then-rename: a crash mid-write leaves the previous state, never half a file.
        fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".feed-state.", suffix=".tmp")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(data, handle, ensure_ascii=False)
            os.replace(tmp, self.path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise

    def is_new(self, article: Article, digest: str) -> bool:
        seen = self.items.get(article.id)
        if seen is None:
            return True
        return seen.get("hash") != digest and article.version >= int(seen.get("version", 0))

    def remember(self, article: Article, digest: str) -> None:
        self.items.pop(article.id, None)  # re-insert: dict order = least recently sent first
        self.items[article.id] = {"hash": digest, "version": article.version}


# -- one poll of one source -------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class FeedLimits:
    """What one source may cost: the settings ``feed_*`` and ``max_message_bytes``."""

    deadline_s: float = 30.0  # one HTTP request, from lookup to the body's last byte
    retry_after_max_s: float = 3600.0  # a server's Retry-After is obeyed up to this
    max_item_bytes: int = 2_000_000  # one message (an item split from a document)
    max_document_bytes: int = 20_000_000  # one HTTP response
    max_file_bytes: int = 20_000_000  # one file of a drop folder

    @classmethod
    def from_settings(cls, settings: Settings, *, deadline_s: float | None = None
                      ) -> FeedLimits:
        return cls(deadline_s=deadline_s or settings.feed_deadline_s,
                   retry_after_max_s=settings.feed_retry_after_max_s,
                   max_item_bytes=settings.max_message_bytes,
                   max_document_bytes=max(20_000_000, settings.max_message_bytes),
                   max_file_bytes=settings.feed_max_file_bytes)


@dataclass
class SourceResult:
    source: str
    to_send: list[tuple[RawItem, Article, str]] = field(default_factory=list)
    unchanged: int = 0
    not_modified: bool = False
    skipped: str | None = None  # the whole source was not polled this time, and why
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    retry_at: float | None = None  # Unix time the server asked us to wait for (429/503)
    commit: Callable[[FeedState], None] | None = None  # applied once the broker has acked


def _skipped(reason: str) -> None:
    metrics.FEED_SKIPPED.labels(reason).inc()


def _sort_items(result: SourceResult, items: Iterable[RawItem], state: FeedState) -> None:
    for item in items:
        if item.article is None:
            result.warnings.append(f"{item.source}: not sent ({item.problem})")
            continue
        digest = content_hash(item.article)
        if state.is_new(item.article, digest):
            result.to_send.append((item, item.article, digest))
        else:
            result.unchanged += 1


def _split(url: str, body: bytes, content_type: str | None, limits: FeedLimits
           ) -> list[RawItem]:
    try:
        parts = split_raw(body, content_type=content_type, max_bytes=limits.max_item_bytes,
                          max_document_bytes=limits.max_document_bytes)
    except RejectedInput as exc:
        raise SourceError(f"not a usable feed ({exc.reason}: {exc})") from None
    return [RawItem(f"{url}#{index}" if len(parts) > 1 else url, part.payload,
                    part.content_type,
                    part.outcome.id if isinstance(part.outcome, Article) else None,
                    None if isinstance(part.outcome, Article)
                    else f"{part.outcome.reason}: {part.outcome}",
                    part.outcome if isinstance(part.outcome, Article) else None)
            for index, part in enumerate(parts)]


async def _poll_url(url: str, state: FeedState, limits: FeedLimits) -> SourceResult:
    result = SourceResult(url)
    wait_until = state.retry_at.get(url, 0.0)
    if wait_until > time.time():  # the server's Retry-After has not passed yet
        _skipped("retry_after")
        when = datetime.fromtimestamp(wait_until, UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
        result.skipped = f"not polled: the server asked to wait until {when} (Retry-After)"
        return result
    try:
        fetched = await fetch(url, state.http.get(url, {}), deadline_s=limits.deadline_s,
                              max_bytes=limits.max_document_bytes,
                              retry_after_max_s=limits.retry_after_max_s)
    except FetchError as exc:
        _skipped(exc.reason)
        return SourceResult(url, error=str(exc), retry_at=exc.retry_at)
    if fetched.body is None:
        result.not_modified = True
        return result
    items = await asyncio.to_thread(_split, url, fetched.body, fetched.content_type, limits)
    _sort_items(result, items, state)

    def commit(target: FeedState) -> None:
        target.http[url] = fetched.validators

    result.commit = commit
    return result


def _poll_files(source: str, directory: Path, state: FeedState, limits: FeedLimits, *,
                only: str | None = None) -> SourceResult:
    result = SourceResult(source)
    stats: dict[str, list[int]] = {}
    try:
        entries = scan(directory, state.files, max_bytes=limits.max_file_bytes,
                       suffixes=SUFFIXES, only=only)
        for entry in entries:
            if entry.data is None:
                _skipped(entry.skip or "unreadable")
                if entry.skip != "unchanged":
                    result.warnings.append(f"{entry.name}: skipped ({entry.skip}: "
                                           f"{entry.detail})")
            else:
                try:
                    _sort_items(result, items_from_bytes(entry.name, entry.data), state)
                except RejectedInput as exc:
                    result.warnings.append(str(exc))
            # Remembered: not opened again until it changes, and reported once.
            if entry.stamp is not None and entry.skip != "unchanged":
                stats[entry.key] = entry.stamp
    except OSError as exc:
        raise SourceError(f"cannot read directory: {exc.strerror or exc}") from None

    def commit(target: FeedState) -> None:
        target.files.update(stats)

    result.commit = commit
    return result


async def poll_source(source: str, state: FeedState, limits: FeedLimits | None = None
                      ) -> SourceResult:
    """Read one source. Never raises."""
    limits = limits or FeedLimits()
    try:
        if source.lower().startswith(("http://", "https://")):
            return await _poll_url(source, state, limits)
        path = Path(source)
        if path.is_dir():
            return await asyncio.to_thread(_poll_files, source, path, state, limits)
        if path.is_file():
            # A file the operator named: its own link is followed, once, here.
            real = path.resolve()
            return await asyncio.to_thread(_poll_files, source, real.parent, state, limits,
                                           only=real.name)
        if "://" in source:
            raise SourceError("only http:// and https:// URLs are supported")
        raise SourceError("no such directory or file")
    except SourceError as exc:
        return SourceResult(source, error=str(exc))
    except Exception as exc:  # one broken source must not stop the others
        return SourceResult(source, error=f"unexpected {type(exc).__name__}: {exc}")


# -- a poll of every source --------------------------------------------------------------

async def poll_all(sources: list[str], state: FeedState, broker_url: str, topic: str, *,
                   limits: FeedLimits | None = None) -> list[SourceResult]:
    """Poll every source once, produce what is new, then remember it. Raises what the
    producer raises (the state is then left as it was, so the next poll retries; a
    server's Retry-After is kept in memory even then)."""
    results = [await poll_source(source, state, limits) for source in sources]
    for result in results:
        if result.retry_at is not None:
            state.retry_at[result.source] = result.retry_at
        elif not result.skipped:
            state.retry_at.pop(result.source, None)
    messages: list[OutMessage] = []
    sent: dict[str, str] = {}
    for result in results:
        kept = []
        for item, article, digest in result.to_send:
            if sent.get(article.id) == digest:
                continue  # the same item from two sources in one poll: send it once
            sent[article.id] = digest
            kept.append((item, article, digest))
            messages.append(OutMessage(article.id.encode(), item.payload,
                                       (("content-type", item.content_type.encode()),)))
        result.to_send = kept
    if messages:
        await produce(broker_url, topic, messages)
    for result in results:
        for _item, article, digest in result.to_send:
            state.remember(article, digest)
        if result.commit is not None:
            result.commit(state)
    await asyncio.to_thread(state.save)
    return results
