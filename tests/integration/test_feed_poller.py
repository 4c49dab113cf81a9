"""``wirestream feed`` against a local HTTP server and the real embedded broker."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from aiokafka import AIOKafkaProducer

from tests.integration.helpers import settings_from
from wirestream.streams.kafka.admin import bootstrap_servers, ensure_app_topics
from wirestream.streams.kafka.kafka_io import consume

pytestmark = pytest.mark.integration

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
TT_SAMPLE = "newsml-g2-samples/newsinjson__tools__xslt__TT_newsmlg2_sample.xml"


class FeedServer:
    """Serves byte documents with ETags; answers If-None-Match with 304; logs requests."""

    def __init__(self) -> None:
        self.documents: dict[str, tuple[bytes, str, str]] = {}
        self.log: list[tuple[str, str | None, int]] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                conditional = self.headers.get("If-None-Match")
                if self.path == "/broken.xml":
                    status, body, headers = 500, b"oops", {}
                elif self.path == "/busy.rss":
                    status, body, headers = 429, b"slow down", {"Retry-After": "600"}
                elif self.path not in server.documents:
                    status, body, headers = 404, b"", {}
                else:
                    body, ctype, etag = server.documents[self.path]
                    headers = {"Content-Type": ctype, "ETag": etag}
                    status = 304 if conditional == etag else 200
                    if status == 304:
                        body = b""
                server.log.append((self.path, conditional, status))
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self) -> FeedServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def feed_server(shared_data: Path) -> Iterator[FeedServer]:
    with FeedServer() as server:
        server.documents = {
            "/world.rss": ((FEEDS / "world.rss").read_bytes(), "application/rss+xml", '"r1"'),
            "/science.atom": ((FEEDS / "science.atom").read_bytes(), "application/atom+xml",
                              '"a1"'),
            # A newsMessage: TT's package, story and photo; only the story is an article.
            "/tt.xml": ((shared_data / "formats" / TT_SAMPLE).read_bytes(), "application/xml",
                        '"t1"'),
            "/page.html": (b"<html><body><p>Not a feed</p></body></html>", "text/html",
                           '"h1"'),
        }
        yield server


def _feed(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "wirestream", "feed", "--once", *args],
                          capture_output=True, text=True, timeout=120,
                          env={**os.environ, **env})


async def _records_before_markers(broker_url: str, topic: str) -> list[tuple[str, bytes]]:
    """Everything on the topic so far: a marker goes to every partition after the poller
    exited, and all records ahead of the markers are read (no waiting for silence)."""
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap_servers(broker_url))
    await producer.start()
    try:
        partitions = await producer.partitions_for(topic)
        for partition in partitions:
            await producer.send_and_wait(topic, b"marker", key=b"marker", partition=partition)
    finally:
        await producer.stop()
    got: list[tuple[str, bytes]] = []
    markers = 0
    async for msg in consume(broker_url, [topic], deadline_s=60):
        if msg.key == b"marker":
            markers += 1
            if markers == len(partitions):
                break
            continue
        got.append(((msg.key or b"").decode(), msg.value))
    assert markers == len(partitions), "did not read up to the markers"
    return got


def test_feed_poller_sends_each_item_once_and_survives_bad_sources(
        broker, namespace_env, feed_server):
    env = {**namespace_env, "WIRESTREAM_BROKER_URL": broker.bootstrap}
    settings = settings_from(namespace_env, broker.url)
    asyncio.run(ensure_app_topics(settings, broker.url))
    raw = settings.topic_names()["raw"]
    base = feed_server.url
    sources = [f"{base}/world.rss", f"{base}/broken.xml", f"{base}/science.atom",
               f"{base}/page.html", f"{base}/tt.xml"]

    first = _feed(sources, env)

    assert first.returncode == 1, first.stderr  # two sources failed...
    assert f"{base}/broken.xml: HTTP 500" in first.stderr
    assert f"{base}/page.html: not a usable feed" in first.stderr
    assert f"{base}/world.rss: sent 3" in first.stdout  # ...and the others went on
    assert f"{base}/science.atom: sent 2" in first.stdout
    assert f"{base}/tt.xml: sent 1" in first.stdout
    assert "not sent (empty_body" in first.stderr  # TT's photo, reported
    assert (Path(namespace_env["WIRESTREAM_DATA_DIR"]) / "feed-state.json").is_file()

    second = _feed(sources, env)  # a restart: same sources, nothing new

    assert second.returncode == 1
    for name in ("world.rss", "science.atom", "tt.xml"):
        assert f"{base}/{name}: not modified" in second.stdout
        # The second request was conditional (the ETag sent back) and the server said 304.
        conditional, status = [(c, s) for p, c, s in feed_server.log if p == f"/{name}"][-1]
        assert conditional == feed_server.documents[f"/{name}"][2] and status == 304
    assert "warning" not in second.stderr  # nothing re-read, so nothing re-reported

    # One Atom entry is edited: only it is sent on the next poll.
    atom = (FEEDS / "science.atom").read_bytes().replace(
        b"lost 3 kilometres", b"lost 3.4 kilometres").replace(
        b"<updated>2026-03-03T10:05:00+01:00</updated>\n    <content",
        b"<updated>2026-03-03T11:00:00+01:00</updated>\n    <content")
    assert b"3.4 kilometres" in atom and b"T11:00:00+01:00" in atom  # later update time
    feed_server.documents["/science.atom"] = (atom, "application/atom+xml", '"a2"')
    third = _feed([f"{base}/world.rss", f"{base}/science.atom"], env)
    assert third.returncode == 0, third.stderr
    assert f"{base}/science.atom: sent 1, unchanged 1" in third.stdout

    records = asyncio.run(_records_before_markers(broker.url, raw))
    keys = [key for key, _value in records]
    assert sorted(keys) == sorted([
        "hg-world-20260303-0001", "hg-world-20260303-0002",
        "https://www.harbour-gazette.example/world/2026/03/03/weather-map",
        "tag:ticker.example.org,2026:wissen-4711",
        "tag:ticker.example.org,2026:wissen-4712", "tag:ticker.example.org,2026:wissen-4712",
        "http://tt.se/media/text/210919-janguillou-879f202b",
    ])
    # Each record is a standalone document of the source format, one item each.
    by_key = dict(records)
    assert by_key["http://tt.se/media/text/210919-janguillou-879f202b"].lstrip().startswith(
        b"<?xml")
    assert b"<packageItem" not in by_key["http://tt.se/media/text/210919-janguillou-879f202b"]
    assert by_key["hg-world-20260303-0001"].count(b"<item>") == 1
    assert b"3.4 kilometres" in by_key["tag:ticker.example.org,2026:wissen-4712"]


def test_feed_poller_skips_links_large_files_and_busy_servers_with_reasons(
        broker, namespace_env, feed_server, tmp_path):
    env = {**namespace_env, "WIRESTREAM_BROKER_URL": broker.bootstrap,
           "WIRESTREAM_FEED_MAX_FILE_BYTES": "4096", "COLUMNS": "1000"}  # rich: no wrapping
    settings = settings_from(namespace_env, broker.url)
    asyncio.run(ensure_app_topics(settings, broker.url))
    raw = settings.topic_names()["raw"]
    secret = tmp_path / "secret"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "passwd.txt").symlink_to(secret)
    (drop / "huge.txt").write_text("Huge\n\n" + "word " * 2000)
    (drop / "note.txt").write_text("Ferry delayed\n\nThe ferry left two hours late.\n")
    busy = f"{feed_server.url}/busy.rss"
    sources = [str(drop), busy]

    first = _feed(sources, env)

    assert first.returncode == 1, first.stderr  # the 429 is a failed source
    assert f"{drop}: sent 1, unchanged 0" in first.stdout
    assert "passwd.txt: skipped (symlink" in first.stderr
    assert "huge.txt: skipped (too_large" in first.stderr
    assert f"{busy}: HTTP 429" in first.stderr

    second = _feed(sources, env)  # a restart: skips are not re-reported, the wait is kept

    assert second.returncode == 0, second.stderr
    assert f"{drop}: sent 0, unchanged 0" in second.stdout
    assert f"{busy}: not polled: the server asked to wait until" in second.stdout
    assert "warning" not in second.stderr
    assert [p for p, _c, _s in feed_server.log].count("/busy.rss") == 1

    records = asyncio.run(_records_before_markers(broker.url, raw))
    assert [key for key, _value in records] == ["file:note"]
    assert not any(b"root:x:0:0" in value for _key, value in records)
