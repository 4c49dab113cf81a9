"""``wirestream feed``: poll HTTP(S) feeds and watch drop directories, produce new and
changed items to the raw topic.

Sources are HTTP(S) URLs (RSS, Atom, NewsML-G2, or any JSON format ingest reads), drop
directories (the way agencies deliver by FTP: ``*.xml``, ``*.rss``, ``*.atom``,
``*.json``, ``*.jsonl``, ``*.txt``) or single files. Every payload is split into one raw
message per item (``processors.formats.split_raw``), keyed by its story id.

What was sent is remembered in a JSON state file under the data dir, across restarts:
per story id the hash of its canonical Article and its version (an item is sent again
only when its content changed and its version did not go down), per URL the ETag and
Last-Modified of the last response (sent back as If-None-Match / If-Modified-Since, a
304 sends nothing), per file its size and mtime (unchanged files are not re-read). The
state is written only after the broker acknowledged the messages, so a crash or a
broker outage re-sends rather than loses (the version stage drops the redeliveries).

A source that fails (unreachable, HTTP error, not a feed, missing directory) is reported
on its own line and the others carry on.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import json
import os
import tempfile
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from processors.article import Article, RejectedInput
from processors.formats import split_raw
from processors.input_files import SUFFIXES, RawItem, items_from_file
from streams.kafka_io import OutMessage, produce

STATE_VERSION = 1
MAX_REMEMBERED_ITEMS = 200_000  # oldest forgotten first; a forgotten item is re-sent once
_ACCEPT = ("application/rss+xml, application/atom+xml, application/vnd.iptc.g2.newsitem+xml, "
           "application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5")
_USER_AGENT = "wirestream-feed/0.1"


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

    def save(self) -> None:
        while len(self.items) > MAX_REMEMBERED_ITEMS:
            del self.items[next(iter(self.items))]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"version": STATE_VERSION, "items": self.items, "http": self.http,
                "files": self.files}
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

@dataclass
class SourceResult:
    source: str
    to_send: list[tuple[RawItem, Article, str]] = field(default_factory=list)
    unchanged: int = 0
    not_modified: bool = False
    warnings: list[str] = field(default_factory=list)
    error: str | None = None
    commit: Callable[[FeedState], None] | None = None  # applied once the broker has acked


def _opener() -> urllib.request.OpenerDirector:
    # http(s) only: no file://, ftp:// or data: handlers, so neither a source nor a
    # redirect can make the poller read local files.
    opener = urllib.request.OpenerDirector()
    for handler in (urllib.request.ProxyHandler(), urllib.request.HTTPHandler(),
                    urllib.request.HTTPSHandler(), urllib.request.HTTPRedirectHandler(),
                    urllib.request.HTTPDefaultErrorHandler(),
                    urllib.request.HTTPErrorProcessor()):
        opener.add_handler(handler)
    return opener


def fetch(url: str, validators: dict[str, str], *, timeout_s: float, max_bytes: int
          ) -> tuple[bytes | None, str | None, dict[str, str]]:
    """(body or None for 304, content type, new validators). Raises SourceError."""
    headers = {"User-Agent": _USER_AGENT, "Accept": _ACCEPT}
    if validators.get("etag"):
        headers["If-None-Match"] = validators["etag"]
    if validators.get("last_modified"):
        headers["If-Modified-Since"] = validators["last_modified"]
    request = urllib.request.Request(url, headers=headers)
    try:
        with _opener().open(request, timeout=timeout_s) as response:
            body = response.read(max_bytes + 1)
            content_type = response.headers.get("Content-Type")
            new = {key: value for key, value in (
                ("etag", response.headers.get("ETag")),
                ("last_modified", response.headers.get("Last-Modified"))) if value}
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return None, None, validators
        raise SourceError(f"HTTP {exc.code} {exc.reason}") from None
    except urllib.error.URLError as exc:
        raise SourceError(f"cannot fetch: {exc.reason}") from None
    except (OSError, ValueError) as exc:  # timeouts, resets, malformed URLs
        raise SourceError(f"cannot fetch: {exc}") from None
    if len(body) > max_bytes:
        raise SourceError(f"response larger than {max_bytes} bytes")
    return body, content_type, new


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


def _poll_url(url: str, state: FeedState, *, timeout_s: float, max_item_bytes: int,
              max_document_bytes: int) -> SourceResult:
    result = SourceResult(url)
    body, content_type, validators = fetch(url, state.http.get(url, {}), timeout_s=timeout_s,
                                           max_bytes=max_document_bytes)
    if body is None:
        result.not_modified = True
        return result
    try:
        parts = split_raw(body, content_type=content_type, max_bytes=max_item_bytes,
                          max_document_bytes=max_document_bytes)
    except RejectedInput as exc:
        raise SourceError(f"not a usable feed ({exc.reason}: {exc})") from None
    items = [RawItem(f"{url}#{index}" if len(parts) > 1 else url, part.payload,
                     part.content_type,
                     part.outcome.id if isinstance(part.outcome, Article) else None,
                     None if isinstance(part.outcome, Article)
                     else f"{part.outcome.reason}: {part.outcome}",
                     part.outcome if isinstance(part.outcome, Article) else None)
             for index, part in enumerate(parts)]
    _sort_items(result, items, state)

    def commit(target: FeedState) -> None:
        target.http[url] = validators

    result.commit = commit
    return result


def _poll_paths(source: str, paths: list[Path], state: FeedState) -> SourceResult:
    result = SourceResult(source)
    stats: dict[str, list[int]] = {}
    for path in paths:
        try:
            info = path.stat()
        except OSError as exc:
            result.warnings.append(f"{path.name}: cannot read ({exc.strerror or exc})")
            continue
        key = str(path.resolve())
        stamp = [info.st_mtime_ns, info.st_size]
        if state.files.get(key) == stamp:
            continue  # unchanged since it was last read in full
        try:
            items = items_from_file(path)
        except RejectedInput as exc:
            result.warnings.append(str(exc))
            continue
        _sort_items(result, items, state)
        stats[key] = stamp

    def commit(target: FeedState) -> None:
        target.files.update(stats)

    result.commit = commit
    return result


def _drop_files(directory: Path) -> list[Path]:
    try:
        entries = sorted(directory.iterdir())
    except OSError as exc:
        raise SourceError(f"cannot list directory: {exc.strerror or exc}") from None
    # Dot files are uploads in progress for many FTP servers (and editors' temp files).
    return [p for p in entries if p.suffix.lower() in SUFFIXES and not p.name.startswith(".")
            and p.is_file()]


def poll_source(source: str, state: FeedState, *, timeout_s: float = 30.0,
                max_item_bytes: int = 2_000_000, max_document_bytes: int = 20_000_000
                ) -> SourceResult:
    """Read one source (blocking: run it in a thread). Never raises."""
    try:
        if source.lower().startswith(("http://", "https://")):
            return _poll_url(source, state, timeout_s=timeout_s, max_item_bytes=max_item_bytes,
                             max_document_bytes=max_document_bytes)
        path = Path(source)
        if path.is_dir():
            return _poll_paths(source, _drop_files(path), state)
        if path.is_file():
            return _poll_paths(source, [path], state)
        if "://" in source:
            raise SourceError("only http:// and https:// URLs are supported")
        raise SourceError("no such directory or file")
    except SourceError as exc:
        return SourceResult(source, error=str(exc))
    except Exception as exc:  # one broken source must not stop the others
        return SourceResult(source, error=f"unexpected {type(exc).__name__}: {exc}")


# -- a poll of every source --------------------------------------------------------------

async def poll_all(sources: list[str], state: FeedState, broker_url: str, topic: str, *,
                   timeout_s: float = 30.0, max_item_bytes: int = 2_000_000,
                   max_document_bytes: int = 20_000_000) -> list[SourceResult]:
    """Poll every source once, produce what is new, then remember it. Raises what the
    producer raises (the state is then left as it was, so the next poll retries)."""
    results = []
    for source in sources:
        results.append(await asyncio.to_thread(
            poll_source, source, state, timeout_s=timeout_s, max_item_bytes=max_item_bytes,
            max_document_bytes=max_document_bytes))
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
