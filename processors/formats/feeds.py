"""RSS (0.9x, 1.0, 2.0) and Atom feeds, read with feedparser: one Article per entry.

Mapping (feedparser's normalised names):

* id: the entry's ``guid`` / ``atom:id``, else its ``link`` (RSS items may have neither
  guid nor id; the link is then the only stable identity).
* version: feeds have none, so it is the entry's ``updated`` (else ``published``) time
  in Unix seconds: an entry edited later gets a higher version and passes the version
  stage as an update; an unchanged entry polled again is a redelivery. Without dates: 1.
* version_created = updated (else published), first_created = published; both in UTC
  ISO 8601 (RSS sends RFC 822 dates).
* headline = title; body = the first ``content`` with text (``content:encoded``, Atom
  ``content``), else ``summary``/``description``; HTML to plain text.
* language: the entry's ``xml:lang``, else the channel's ``language``; a malformed tag
  is dropped rather than rejecting the entry (feeds are sloppy about it).
* byline = author; provider = host of the feed's link, else of the entry's link.

feedparser is only ever given bytes wrapped in a stream: given a ``str`` or ``bytes`` it
would fetch URLs or open local files named by the payload.
"""

from __future__ import annotations

import calendar
import copy
import io
import re
import time
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import feedparser
from lxml import etree

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import common as c
from wirestream.processors.formats.xml_safety import parse_xml
from wirestream.processors.text import html_to_text

ROOT_TAGS = frozenset({"rss", "RDF", "feed"})
ENTRY_TAGS = frozenset({"item", "entry"})
# Channel metadata copied into each one-entry feed; a bigger child (a hostile 1 MB
# description) is left out of the copies rather than repeated once per entry.
_SKELETON_CHILD_CHARS = 4096
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def _local(element: etree._Element) -> str:
    tag = element.tag
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def source_format(version: str) -> str:
    """feedparser's ``version`` ("rss20", "atom10", ...) to "rss" or "atom"."""
    return "atom" if version.startswith("atom") else "rss"


def content_type_of(fmt: str) -> str:
    return "application/atom+xml" if fmt == "atom" else "application/rss+xml"


def _iso(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    try:
        return datetime(*parsed[:6], tzinfo=UTC).isoformat()
    except (ValueError, OverflowError):
        return None


def _version(parsed: time.struct_time | None) -> int:
    if not parsed:
        return 1
    try:
        seconds = calendar.timegm(parsed)
    except (ValueError, OverflowError):
        return 1
    return seconds if seconds >= 1 else 1


def _detail_text(value: str, detail: Any) -> str:
    kind = (detail or {}).get("type") or ""
    if kind == "text/plain":
        return value
    if "html" in kind or "xml" in kind or c.looks_like_markup(value):
        return html_to_text(value)
    return value


def _body(entry: Any) -> str:
    for content in entry.get("content") or []:
        text = _detail_text(content.get("value") or "", content)
        if c.has_text(text):
            return text
    summary = entry.get("summary") or ""
    return _detail_text(summary, entry.get("summary_detail"))


def _language(entry: Any, feed: Any) -> str | None:
    candidates = [content.get("language") for content in entry.get("content") or []]
    for key in ("summary_detail", "title_detail"):
        candidates.append((entry.get(key) or {}).get("language"))
    candidates.append(feed.get("language"))
    for candidate in candidates:
        if not isinstance(candidate, str) or not candidate.strip():
            continue
        try:
            return c.language(candidate, "language")
        except RejectedInput:
            continue  # sloppy tag: try the next source rather than reject the entry
    return None


def _host(url: Any) -> str | None:
    if not isinstance(url, str) or not url.startswith(("http://", "https://")):
        return None
    try:
        host = urlsplit(url).hostname or ""
    except ValueError:
        return None
    return host.removeprefix("www.") or None


def parse_entry(entry: Any, feed: Any, fmt: str, *, max_body_chars: int) -> Article:
    if str(entry.get("wp_post_type") or "").strip().lower() == "attachment":
        # A WordPress export lists uploaded files as items: a photo, not a story.
        c.reject("unsupported_item", "WordPress attachment (an uploaded file), not an article")
    raw_id = entry.get("id") or entry.get("guid") or entry.get("link")
    story = c.story_id(raw_id.strip() if isinstance(raw_id, str) else raw_id, "entry id/guid")
    updated = entry.get("updated_parsed") or entry.get("published_parsed")
    title = entry.get("title") or ""
    return c.build_article(
        id=story,
        version=_version(updated),
        source_format=fmt,
        headline=_detail_text(title, entry.get("title_detail")),
        body=_body(entry),
        max_body_chars=max_body_chars,
        provider=_host(feed.get("link")) or _host(entry.get("link")),
        language=_language(entry, feed),
        version_created=_iso(updated),
        first_created=_iso(entry.get("published_parsed")),
        byline=entry.get("author") or None,
    )


def gate(payload: bytes) -> etree._Element | None:
    """The hardened parse first; the root, or None for XML only feedparser's lenient mode
    can read (unescaped "&" and the like). Unsafe or over-limit XML never gets further."""
    try:
        return parse_xml(payload)
    except RejectedInput as exc:
        if exc.reason != "not_xml":
            raise
    if _DECLARATION.search(payload):
        raise RejectedInput("unsafe_xml", "malformed XML with a DOCTYPE/ENTITY declaration")
    return None


def _feedparser(payload: bytes) -> Any:
    # No relative-URI resolution (nothing to resolve against) and no HTML sanitising:
    # bodies become plain text here (html_to_text), never HTML, and feedparser's
    # sanitiser re-parses every entry's markup (seconds for a hostile 2 MB feed).
    return feedparser.parse(io.BytesIO(payload), resolve_relative_uris=False,
                            sanitize_html=False)


def parse_document(payload: bytes, *, max_body_chars: int, root: etree._Element | None = None,
                   gated: bool = False) -> list[Article | RejectedInput]:
    """One outcome per entry; ``RejectedInput`` for a document that is no feed at all."""
    if not gated:
        root = gate(payload)
    parsed = _feedparser(payload)
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    if not version and not entries:
        if parsed.get("bozo") and root is None:
            problem = parsed.get("bozo_exception")
            raise RejectedInput("not_xml", f"not a readable feed: {problem}"[:300])
        raise RejectedInput("unknown_format", "XML is neither NewsML-G2 nor an RSS/Atom feed")
    if not entries:
        raise RejectedInput("empty_body", "feed has no entries")
    fmt = source_format(version or ("atom" if root is not None and _local(root) == "feed"
                                    else "rss"))
    outcomes: list[Article | RejectedInput] = []
    for entry in entries:
        try:
            outcomes.append(parse_entry(entry, parsed.get("feed") or {}, fmt,
                                        max_body_chars=max_body_chars))
        except RejectedInput as exc:
            outcomes.append(exc)
    return outcomes


def _entry_container(root: etree._Element) -> etree._Element | None:
    if _local(root) == "rss":
        return next((child for child in root if _local(child) == "channel"), None)
    return root


def entry_elements(root: etree._Element) -> list[etree._Element]:
    """The item/entry elements of a feed, in document order."""
    container = _entry_container(root)
    if container is None:
        return []
    return [child for child in container if _local(child) in ENTRY_TAGS]


def _small(element: etree._Element) -> bool:
    size = 0
    for text in element.itertext():
        size += len(text)
        if size > _SKELETON_CHILD_CHARS:
            return False
    return True


def split_entries(root: etree._Element) -> list[bytes]:
    """One standalone feed document per entry (the channel/feed metadata kept, the other
    entries removed), so each entry travels as its own raw message in its own format.
    The metadata is copied once into a skeleton, and only its small elements: the cost
    is linear in the feed, whatever the channel holds."""
    container = _entry_container(root)
    if container is None:
        return []
    entries = entry_elements(root)
    if len(entries) <= 1:
        return []
    skeleton = etree.Element(root.tag, dict(root.attrib), nsmap=root.nsmap)
    target = skeleton
    if container is not root:
        for child in root:
            if child is container:
                target = etree.SubElement(skeleton, container.tag, dict(container.attrib))
            elif isinstance(child.tag, str) and _small(child):
                skeleton.append(copy.deepcopy(child))
    for child in container:
        if isinstance(child.tag, str) and _local(child) not in ENTRY_TAGS and _small(child):
            target.append(copy.deepcopy(child))
    documents = []
    for entry in entries:
        target.append(copy.deepcopy(entry))
        documents.append(etree.tostring(skeleton, encoding="UTF-8", xml_declaration=True))
        target.remove(target[-1])
    return documents
