"""RSS/Atom parsing, per-entry splitting, and the feed poller's memory (no broker needed)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import (
    feeds,
    parse_raw,
    parse_raw_items,
    parse_raw_results,
    split_raw,
)
from wirestream.processors.input_files import items_from_file
from wirestream.streams.feeds.feed_poller import FeedLimits, FeedState, content_hash, poll_source

FEEDS = Path(__file__).resolve().parents[1] / "data" / "feeds"
RSS = FEEDS / "world.rss"
ATOM = FEEDS / "science.atom"


def rss(*items: str, channel: str = "<language>en</language>") -> bytes:
    return ('<?xml version="1.0"?><rss version="2.0"><channel><title>T</title>'
            f"<link>https://news.example.net/</link>{channel}{''.join(items)}</channel></rss>"
            ).encode()


def item(guid: str = "g-1", *, date: str = "Mon, 02 Mar 2026 10:00:00 GMT",
         text: str = "The river rose by two metres overnight.") -> str:
    return (f"<item><title>River rises</title><guid>{guid}</guid><pubDate>{date}</pubDate>"
            f"<description>{text}</description></item>")


def test_rss_entries() -> None:
    articles = parse_raw_items(RSS.read_bytes(), content_type="application/rss+xml")
    assert [a.id for a in articles] == [
        "hg-world-20260303-0001", "hg-world-20260303-0002",
        # No guid: the link is the entry's identity.
        "https://www.harbour-gazette.example/world/2026/03/03/weather-map"]
    storm = articles[0]
    assert storm.source_format == "rss"
    assert storm.headline == "Storm closes Rotterdam container terminals"
    # content:encoded wins over the description; HTML to text, one line per paragraph.
    assert storm.body.startswith("ROTTERDAM – Gale-force winds halted loading")
    assert storm.body.count("\n") == 1 and "<p>" not in storm.body
    assert (storm.language, storm.provider, storm.byline) == (
        "en-gb", "harbour-gazette.example", "Anna de Vries")
    assert storm.version_created == storm.first_created == "2026-03-03T07:15:00+00:00"
    assert storm.version == 1772522100  # the pubDate in Unix seconds


def test_atom_entries() -> None:
    first, second = parse_raw_items(ATOM.read_bytes())
    assert (first.id, first.source_format, first.language) == (
        "tag:ticker.example.org,2026:wissen-4711", "atom", "de")
    assert first.version_created == "2026-03-03T08:12:00+00:00"  # updated, in UTC
    assert first.first_created == "2026-03-02T17:00:00+00:00"  # published
    assert first.body.startswith("BREMERHAVEN - Nach fünf Monaten")
    assert first.byline == "Jonas Berger"
    assert second.language == "en"  # the entry's own xml:lang
    assert second.body == ("Radar images show that the glacier lost 3 kilometres of its "
                           "front since 2021.")


def test_a_later_update_is_a_higher_version() -> None:
    old = parse_raw(rss(item(date="Mon, 02 Mar 2026 10:00:00 GMT")))
    new = parse_raw(rss(item(date="Mon, 02 Mar 2026 11:30:00 GMT")))
    assert new.version - old.version == 5400
    undated = parse_raw(rss("<item><guid>u</guid><title>T</title>"
                            "<description>Some words here.</description></item>"))
    assert (undated.version, undated.version_created) == (1, None)


def test_split_gives_standalone_single_entry_feeds() -> None:
    parts = split_raw(RSS.read_bytes())
    assert len(parts) == 3
    for part in parts:
        assert part.content_type == "application/rss+xml"
        again = parse_raw(part.payload, content_type=part.content_type)
        assert again == part.outcome
        assert again.language == "en-gb"  # channel metadata travels with each entry
    assert [p.outcome.id for p in parts] == [a.id for a in parse_raw_items(RSS.read_bytes())]


def test_entries_without_text_or_id_are_reported_not_fatal() -> None:
    payload = rss(item("good"), "<item><title>No id</title><description>Words.</description>"
                  "</item>", "<item><guid>empty</guid><title>Headline only</title></item>")
    outcomes = parse_raw_results(payload)
    assert [o.reason if isinstance(o, RejectedInput) else o.id for o in outcomes] == [
        "good", "missing_id", "empty_body"]
    assert [a.id for a in parse_raw_items(payload)] == ["good"]


def test_sloppy_language_is_dropped_not_fatal() -> None:
    article = parse_raw(rss(item(), channel="<language>English (UK)</language>"))
    assert article.language is None


def test_malformed_feed_is_read_leniently() -> None:
    payload = rss(item(text="Salt & pepper <b>prices</b> rose")).replace(
        b"&amp;", b"&")
    assert b"Salt & pepper" in payload  # not well-formed XML
    article = parse_raw(payload, content_type="application/rss+xml")
    assert article.body == "Salt & pepper prices rose"
    assert parse_raw(payload) == article  # the root element name alone says "feed"
    parts = split_raw(payload, content_type="application/rss+xml")
    assert [p.outcome.id for p in parts] == ["g-1"]


@pytest.mark.parametrize("payload", [
    b'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<rss version='2.0'><channel><item><guid>a</guid><description>&x;</description>"
    b"</item></channel></rss>",
    # Malformed as well ("&" bare): the lenient path must refuse declarations too.
    b'<!DOCTYPE rss [<!ENTITY a "aaaaaaaaaa">]><rss version="2.0"><channel><item>'
    b"<guid>a</guid><description>Tom & &a;</description></item></channel></rss>",
])
def test_feeds_with_declarations_are_refused(payload: bytes) -> None:
    with pytest.raises(RejectedInput) as info:
        parse_raw_items(payload, content_type="application/rss+xml")
    assert info.value.reason == "unsafe_xml"


def test_feedparser_never_reads_a_path_or_url_from_the_payload() -> None:
    # Given bytes, feedparser itself would open a file of that name; we hand it a stream.
    for payload in (b"/etc/hostname", b"http://127.0.0.1:9/feed.xml"):
        with pytest.raises(RejectedInput):
            feeds.parse_document(payload, max_body_chars=1000)


@pytest.mark.parametrize(("payload", "reason"), [
    (b'<rss version="2.0"><channel><title>Empty</title></channel></rss>', "empty_body"),
    (b"<feed xmlns='http://www.w3.org/2005/Atom'><title>No entries</title></feed>",
     "empty_body"),
])
def test_feeds_without_entries(payload: bytes, reason: str) -> None:
    with pytest.raises(RejectedInput) as info:
        parse_raw_items(payload)
    assert info.value.reason == reason


def test_feed_files_become_one_item_per_entry(tmp_path: Path) -> None:
    items = items_from_file(RSS)
    assert [i.key for i in items] == [a.id for a in parse_raw_items(RSS.read_bytes())]
    assert all(i.content_type == "application/rss+xml" and i.article for i in items)


# -- the poller's memory (streams/feeds/feed_poller.py, without a broker) -------------------

def _commit(state: FeedState, result) -> None:
    for _item, article, digest in result.to_send:
        state.remember(article, digest)
    result.commit(state)
    state.save()


async def test_drop_directory_sends_new_and_changed_items_once(tmp_path: Path) -> None:
    drop = tmp_path / "drop"
    drop.mkdir()
    shutil.copy(ATOM, drop / "science.xml")
    (drop / "note.txt").write_text("Ferry delayed\n\nThe ferry left two hours late.\n")
    (drop / ".upload.xml.part").write_text("<half")  # in-progress upload: ignored
    (drop / "broken.xml").write_text("<rss><channel>")
    state_path = tmp_path / "state.json"
    state = FeedState(state_path)

    first = await poll_source(str(drop), state)
    assert first.error is None
    assert sorted(a.id for _i, a, _d in first.to_send) == [
        "file:note", "tag:ticker.example.org,2026:wissen-4711",
        "tag:ticker.example.org,2026:wissen-4712"]
    assert any("broken.xml" in w for w in first.warnings)
    _commit(state, first)

    restarted = FeedState(state_path)  # remembered across restarts
    assert (await poll_source(str(drop), restarted)).to_send == []

    # The same content again under a new file name: read, but nothing to send.
    shutil.copy(ATOM, drop / "science-copy.xml")
    again = await poll_source(str(drop), restarted)
    assert (again.to_send, again.unchanged) == ([], 2)

    # An edited story: sent again.
    (drop / "note.txt").write_text("Ferry delayed\n\nThe ferry left three hours late.\n")
    changed = await poll_source(str(drop), restarted)
    assert [a.id for _i, a, _d in changed.to_send] == ["file:note"]


def test_lower_versions_are_not_resent(tmp_path: Path) -> None:
    state = FeedState(tmp_path / "s.json")
    new = parse_raw(rss(item(date="Mon, 02 Mar 2026 11:00:00 GMT")))
    old = parse_raw(rss(item(date="Mon, 02 Mar 2026 10:00:00 GMT")))
    state.remember(new, content_hash(new))
    assert not state.is_new(old, content_hash(old))
    assert not state.is_new(new, content_hash(new))


@pytest.mark.parametrize(("source", "message"), [
    ("/nonexistent/drop/dir", "no such directory or file"),
    ("ftp://example.com/feed.xml", "only http:// and https://"),
    ("http://127.0.0.1:9/feed.xml", "cannot fetch"),
])
async def test_bad_sources_are_reported(tmp_path: Path, source: str, message: str) -> None:
    result = await poll_source(source, FeedState(tmp_path / "s.json"),
                               FeedLimits(deadline_s=5))
    assert result.error is not None and message in result.error
    assert result.to_send == []


def test_damaged_state_file_is_an_error_not_a_silent_reset(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    path.write_text("{not json")
    with pytest.raises(Exception, match="unreadable"):
        FeedState(path)


def test_content_hash_ignores_nothing_of_the_article() -> None:
    article = parse_raw(rss(item()))
    assert isinstance(article, Article)
    other = parse_raw(rss(item(text="The river rose by three metres overnight.")))
    assert content_hash(article) != content_hash(other)
    assert content_hash(article) == content_hash(parse_raw(rss(item())))
