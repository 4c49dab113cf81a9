"""The feed poller's bounds, by outcome: a total deadline per HTTP request, Retry-After,
drop folders that never follow a link, a size cap checked before reading, files read
once. Real servers on 127.0.0.1 and real files, links and FIFOs in tmp_path; no broker
(a poll with nothing to send produces nothing)."""

from __future__ import annotations

import asyncio
import email.utils
import os
import shutil
import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiohttp import web
from prometheus_client import REGISTRY

from wirestream.processors.article import RejectedInput
from wirestream.processors.input_files import items_from_file
from wirestream.streams.feeds.feed_http import retry_after_delay
from wirestream.streams.feeds.feed_poller import (
    FeedLimits,
    FeedState,
    SourceResult,
    poll_all,
    poll_source,
)

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
RSS = FEEDS / "world.rss"
NO_BROKER = "127.0.0.1:9"  # never contacted: these polls have nothing to send
SECRET = "root:x:0:0:root:/root:/bin/bash"


def skipped(reason: str) -> float:
    return REGISTRY.get_sample_value("wirestream_feed_skipped_total", {"reason": reason}) or 0.0


class Counts:
    """The skip counters' increase since it was made."""

    def __init__(self) -> None:
        self.start = {r: skipped(r) for r in ("deadline", "retry_after", "too_large",
                                              "http_error", "unchanged", "symlink",
                                              "not_regular_file", "unreadable")}

    def __getitem__(self, reason: str) -> float:
        return skipped(reason) - self.start[reason]


def commit(state: FeedState, result: SourceResult) -> None:
    for _item, article, digest in result.to_send:
        state.remember(article, digest)
    if result.commit is not None:
        result.commit(state)
    state.save()


def sent_bytes(result: SourceResult) -> bytes:
    return b"".join(item.payload for item, _a, _d in result.to_send)


# -- HTTP: a total deadline --------------------------------------------------------------

class DripServer:
    """A raw TCP server on 127.0.0.1 that answers every request with ``head`` and then
    one byte every 10 ms, forever: never silent long enough for a per-read timeout."""

    def __init__(self, head: bytes) -> None:
        self.head = head
        self.stop = asyncio.Event()
        self.handlers: set[asyncio.Task] = set()

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.handlers.add(asyncio.current_task())  # type: ignore[arg-type]
        try:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(self.head)
            while not self.stop.is_set():
                writer.write(b"x")
                await writer.drain()
                await asyncio.sleep(0.01)
        except (ConnectionError, asyncio.IncompleteReadError):
            pass  # the poller hung up: what the test wants
        finally:
            writer.close()

    async def __aenter__(self) -> str:
        self.server = await asyncio.start_server(self.handle, "127.0.0.1", 0)
        return f"http://127.0.0.1:{self.server.sockets[0].getsockname()[1]}/feed.rss"

    async def __aexit__(self, *exc: object) -> None:
        self.stop.set()
        self.server.close()
        await asyncio.gather(*self.handlers, return_exceptions=True)


DRIP_HEADERS = b"HTTP/1.1 200 OK\r\nX-Padding: "
# No Content-Length and no chunking: the body runs until the server closes.
DRIP_BODY = (b"HTTP/1.1 200 OK\r\nContent-Type: application/rss+xml\r\nConnection: close"
             b"\r\n\r\n<rss>")


@pytest.mark.parametrize("head", [DRIP_HEADERS, DRIP_BODY], ids=["headers", "body"])
async def test_a_dripping_server_is_abandoned_at_the_deadline(tmp_path: Path,
                                                              head: bytes) -> None:
    counts = Counts()
    async with DripServer(head) as url:
        # The guard only turns a hang (a per-read timeout) into a failure; no time is asserted.
        async with asyncio.timeout(120):
            result = await poll_source(url, FeedState(tmp_path / "s.json"),
                                       FeedLimits(deadline_s=0.3))
    assert result.error is not None and "deadline" in result.error
    assert result.to_send == []
    assert counts["deadline"] == 1


# -- HTTP: Retry-After -------------------------------------------------------------------

class FeedServer:
    """aiohttp on 127.0.0.1: answers from a queue of (status, headers), then the feed."""

    def __init__(self) -> None:
        self.answers: list[tuple[int, dict[str, str]]] = []
        self.requests = 0
        self.body = RSS.read_bytes()

    async def handle(self, request: web.Request) -> web.StreamResponse:
        self.requests += 1
        if self.answers:
            status, headers = self.answers.pop(0)
            return web.Response(status=status, headers=headers, text="busy")
        if request.path == "/big.rss":  # no Content-Length: only reading tells the size
            response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await response.prepare(request)
            for _ in range(64):
                await response.write(b"<!-- padding -->" * 1024)
            await response.write_eof()
            return response
        return web.Response(body=self.body, content_type="application/rss+xml")


@pytest.fixture
async def feed_server() -> AsyncIterator[tuple[FeedServer, str]]:
    server = FeedServer()
    app = web.Application()
    app.router.add_get("/{name}", server.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    try:
        yield server, f"http://127.0.0.1:{port}"
    finally:
        await runner.cleanup()


async def test_429_retry_after_seconds_holds_the_next_poll(tmp_path: Path, feed_server) -> None:
    server, base = feed_server
    url = f"{base}/world.rss"
    server.answers = [(429, {"Retry-After": "120"})]
    state = FeedState(tmp_path / "s.json")
    counts = Counts()

    before = time.time()
    [first] = await poll_all([url], state, NO_BROKER, "raw")
    after = time.time()
    assert first.error is not None and "HTTP 429" in first.error
    assert before + 120 <= state.retry_at[url] <= after + 120
    assert server.requests == 1

    restarted = FeedState(tmp_path / "s.json")  # remembered across restarts
    assert restarted.retry_at[url] == state.retry_at[url]
    [second] = await poll_all([url], restarted, NO_BROKER, "raw")
    assert second.error is None and second.skipped and "Retry-After" in second.skipped
    assert server.requests == 1  # the server was not asked again
    assert counts["retry_after"] == 1 and counts["http_error"] == 1

    restarted.retry_at[url] = time.time() - 1  # the wait is over
    third = await poll_source(url, restarted)
    assert server.requests == 2 and third.error is None and len(third.to_send) == 3


@pytest.mark.parametrize(("ahead_s", "cap_s", "expect_capped"), [
    (7200, 3 * 3600.0, False), (7200, 600.0, True)])
async def test_503_retry_after_http_date_with_a_cap(tmp_path: Path, feed_server, ahead_s: int,
                                                    cap_s: float, expect_capped: bool) -> None:
    server, base = feed_server
    url = f"{base}/world.rss"
    date = email.utils.formatdate(time.time() + ahead_s, usegmt=True)
    server.answers = [(503, {"Retry-After": date})]
    state = FeedState(tmp_path / "s.json")

    before = time.time()
    [result] = await poll_all([url], state, NO_BROKER, "raw",
                              limits=FeedLimits(retry_after_max_s=cap_s))
    after = time.time()
    assert result.error is not None and "HTTP 503" in result.error
    if expect_capped:
        assert before + cap_s <= state.retry_at[url] <= after + cap_s
    else:
        assert state.retry_at[url] == email.utils.parsedate_to_datetime(date).timestamp()
    [again] = await poll_all([url], state, NO_BROKER, "raw")
    assert again.skipped and server.requests == 1


@pytest.mark.parametrize(("value", "expected"), [
    ("120", 120.0), (" 30 ", 30.0), ("99999999", 3600.0),  # capped
    ("Wed, 21 Oct 2015 07:28:00 GMT", None),  # in the past
    ("0", None), ("soon", None), ("-5", None), ("", None), (None, None)])
def test_retry_after_values(value: str | None, expected: float | None) -> None:
    assert retry_after_delay(value, now=time.time(), cap_s=3600.0) == expected


async def test_a_response_over_the_cap_is_not_read_to_the_end(tmp_path: Path,
                                                              feed_server) -> None:
    _server, base = feed_server
    counts = Counts()
    limits = FeedLimits(max_document_bytes=10_000)
    state = FeedState(tmp_path / "s.json")
    with_length = await poll_source(f"{base}/world.rss", state,
                                    FeedLimits(max_document_bytes=1000))
    streamed = await poll_source(f"{base}/big.rss", state, limits)
    for result in (with_length, streamed):
        assert result.error is not None and "larger than" in result.error
        assert result.to_send == []
    assert counts["too_large"] == 2


async def test_a_redirect_to_a_local_file_is_refused(tmp_path: Path, feed_server,
                                                    secret: Path) -> None:
    server, base = feed_server
    server.answers = [(302, {"Location": secret.as_uri()})]
    result = await poll_source(f"{base}/world.rss", FeedState(tmp_path / "s.json"))
    assert result.error is not None and result.to_send == []
    assert "cannot fetch" in result.error and SECRET not in result.error


# -- drop folders ------------------------------------------------------------------------

@pytest.fixture
def drop(tmp_path: Path) -> Path:
    folder = tmp_path / "drop"
    folder.mkdir()
    return folder


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    outside = tmp_path / "outside"
    outside.mkdir()
    path = outside / "passwd"
    path.write_text(SECRET + "\n")
    return path


async def test_symlinks_in_a_drop_folder_are_never_followed(tmp_path: Path, drop: Path,
                                                            secret: Path) -> None:
    (drop / "passwd.txt").symlink_to(secret)  # a file outside the folder
    (drop / "etc.xml").symlink_to(secret.parent)  # a directory
    (drop / "note.txt").write_text("Ferry delayed\n\nThe ferry left two hours late.\n")
    (drop / "again.txt").symlink_to(drop / "note.txt")  # inside, but still a link
    state = FeedState(tmp_path / "s.json")
    counts = Counts()

    result = await poll_source(str(drop), state)

    assert [a.id for _i, a, _d in result.to_send] == ["file:note"]
    assert SECRET.encode() not in sent_bytes(result)
    assert sorted(w.split(":")[0] for w in result.warnings) == [
        "again.txt", "etc.xml", "passwd.txt"]
    assert all("symlink" in w for w in result.warnings)
    assert counts["symlink"] == 3

    commit(state, result)
    again = await poll_source(str(drop), state)  # reported once, not at every poll
    assert again.warnings == [] and again.to_send == []
    assert counts["symlink"] == 3 and counts["unchanged"] == 4


async def test_a_file_swapped_for_a_link_after_the_look_is_not_followed(
        tmp_path: Path, drop: Path, secret: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    victim = drop / "story.txt"
    victim.write_text("Harmless\n\nA harmless story.\n")
    real_stat = os.stat

    def stat_then_swap(name, *args, **kwargs):  # the race, made to happen every time
        info = real_stat(name, *args, **kwargs)
        if name == "story.txt":
            victim.unlink()
            victim.symlink_to(secret)
        return info

    monkeypatch.setattr(os, "stat", stat_then_swap)
    result = await poll_source(str(drop), FeedState(tmp_path / "s.json"))
    monkeypatch.undo()

    assert result.to_send == [] and SECRET.encode() not in sent_bytes(result)
    assert len(result.warnings) == 1 and "symlink" in result.warnings[0]


async def test_a_fifo_is_skipped_without_blocking(tmp_path: Path, drop: Path) -> None:
    os.mkfifo(drop / "pipe.xml")  # no writer: a blocking open would hang the poller
    counts = Counts()
    async with asyncio.timeout(120):  # turns a hang into a failure; no time is asserted
        result = await poll_source(str(drop), FeedState(tmp_path / "s.json"))
    assert result.error is None and result.to_send == []
    assert "not_regular_file" in result.warnings[0] and counts["not_regular_file"] == 1


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names the code under test opens (a spy on os.open; the files are real)."""
    names: list[str] = []
    real_open = os.open

    def spy(path, *args, **kwargs):
        names.append(os.fsdecode(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", spy)
    return names


async def test_a_too_large_file_is_not_read_and_reported_once(
        tmp_path: Path, drop: Path, opened: list[str]) -> None:
    shutil.copy(RSS, drop / "world.rss")
    big = drop / "big.jsonl"
    big.write_text('{"uri": "x", "headline": "H", "body_text": "B"}\n' * 200)  # ~10 KB
    limits = FeedLimits(max_file_bytes=4096)
    state = FeedState(tmp_path / "s.json")
    counts = Counts()

    first = await poll_source(str(drop), state, limits)
    assert "big.jsonl" not in opened  # refused on its size, before any open or read
    assert [w for w in first.warnings if "big.jsonl" in w] == [
        f"big.jsonl: skipped (too_large: {big.stat().st_size} bytes, more than the cap of "
        "4096; not read)"]
    assert len(first.to_send) == 3 and counts["too_large"] == 1
    commit(state, first)

    opened.clear()
    second = await poll_source(str(drop), state, limits)
    assert second.warnings == [] and second.to_send == []  # logged once
    assert counts["too_large"] == 1 and counts["unchanged"] == 2
    assert [name for name in opened if name.endswith((".rss", ".jsonl"))] == []

    big.write_text('{"uri": "x", "headline": "H", "body_text": "B"}\n')  # now small
    third = await poll_source(str(drop), state, limits)
    assert [a.id for _i, a, _d in third.to_send] == ["x"]


async def test_a_file_already_produced_is_not_read_again(
        tmp_path: Path, drop: Path, opened: list[str]) -> None:
    note = drop / "note.txt"
    note.write_text("Ferry delayed\n\nThe ferry left two hours late.\n")
    state = FeedState(tmp_path / "s.json")
    first = await poll_source(str(drop), state)
    assert [a.id for _i, a, _d in first.to_send] == ["file:note"]
    commit(state, first)

    opened.clear()
    restarted = FeedState(tmp_path / "s.json")
    second = await poll_source(str(drop), restarted)
    assert "note.txt" not in opened and second.to_send == [] and second.unchanged == 0

    # Replaced by another file of the same size and mtime (a copy that keeps times): a
    # different inode, so it is read again; its content changed, so it is sent.
    info = note.stat()
    replacement = drop / ".incoming"
    replacement.write_text("Ferry delayed\n\nThe ferry left six hours late.\n")
    os.utime(replacement, ns=(info.st_atime_ns, info.st_mtime_ns))
    os.replace(replacement, note)
    assert (note.stat().st_size, note.stat().st_mtime_ns) == (info.st_size, info.st_mtime_ns)
    third = await poll_source(str(drop), restarted)
    assert "note.txt" in opened
    [(_item, article, _digest)] = third.to_send
    assert "six hours late" in article.body


async def test_a_file_named_by_the_operator_may_be_a_link(tmp_path: Path, drop: Path) -> None:
    shutil.copy(RSS, drop / "world.rss")
    current = tmp_path / "current.rss"
    current.symlink_to(drop / "world.rss")
    result = await poll_source(str(current), FeedState(tmp_path / "s.json"))
    assert result.error is None and len(result.to_send) == 3


def test_items_from_file_checks_the_size_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_bytes(b"[" + b" " * 5000 + b"]")
    with pytest.raises(RejectedInput) as info:
        items_from_file(path, max_bytes=4096)
    assert info.value.reason == "too_large"
    assert items_from_file(RSS, max_bytes=1_000_000) == items_from_file(RSS)
