"""Raw wire payloads (bytes) to ``Article``.

Entry points:

* ``parse_raw_items``: every Article in a payload. JSON formats carry one item; a
  NewsML-G2 ``newsMessage`` or an RSS/Atom feed several. Items that are not articles
  (the photos and package of a newsMessage, an entry without text) are left out when
  the payload has at least one article; otherwise the payload is rejected.
* ``parse_raw_results``: the same, with each item's ``RejectedInput`` in place.
* ``parse_raw``: the one Article of a single-item payload.
* ``split_raw``: one standalone raw message per item (what a feed poller produces).

Supported: dpa digitalwires JSON, IPTC ninjs 1.x/2.x/3.x, the native JSON format (see
``native``), IPTC NewsML-G2 (``newsml_g2``), RSS/Atom (``feeds``), and plain text files
via ``article_from_text``. JSON or XML is told by the first byte ("<" is XML), the
content type deciding only what the bytes leave open; then the JSON shape or the XML
root element picks the parser. Every failure is a ``RejectedInput`` with a reason code;
no other exception escapes for any input bytes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from processors.article import Article, RejectedInput
from processors.formats import dpa, feeds, native, newsml_g2, ninjs
from processors.formats.detect import (
    DPA,
    FEED,
    NATIVE,
    NEWSML_G2,
    NINJS,
    XML,
    detect,
    payload_syntax,
    unknown_xml_message,
    xml_format,
)
from processors.formats.native import article_to_native_json
from processors.formats.plaintext import article_from_text
from processors.formats.xml_safety import parse_xml

__all__ = [
    "RawPart", "article_from_text", "article_to_native_json", "detect", "parse_raw",
    "parse_raw_items", "parse_raw_results", "split_raw",
]

Outcome = Article | RejectedInput

_PARSERS: dict[str, Callable[..., Article]] = {
    DPA: dpa.parse,
    NINJS: ninjs.parse,
    NATIVE: native.parse,
}
NATIVE_CONTENT_TYPE = "application/vnd.wirestream.article+json"
# Reasons that say "this item is no article" rather than "this article is broken".
_NOT_AN_ARTICLE = frozenset({"empty_body", "unsupported_item"})


def _no_constants(name: str) -> Any:
    # NaN/Infinity are not JSON; json.loads accepts them by default.
    raise ValueError(f"{name} is not valid JSON")


def _checked_bytes(payload: Any, max_bytes: int) -> bytes:
    if isinstance(payload, bytearray | memoryview):
        payload = bytes(payload)
    if not isinstance(payload, bytes):
        raise RejectedInput("invalid_encoding", f"payload is {type(payload).__name__}, not bytes")
    if len(payload) > max_bytes:
        raise RejectedInput("too_large", f"payload has {len(payload)} bytes (limit {max_bytes})")
    return payload


def _parse_json(payload: bytes, content_type: str | None, max_body_chars: int) -> Article:
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RejectedInput("invalid_encoding", f"not UTF-8: {exc.reason} at byte {exc.start}"
                            ) from None
    try:
        # A leading BOM is legal in UTF-8 files but not in JSON text.
        doc = json.loads(text.removeprefix("\ufeff"), parse_constant=_no_constants)
    except RecursionError:
        raise RejectedInput("not_json", "JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, NaN, over-long integer literals
        raise RejectedInput("not_json", f"not JSON: {exc}"[:300]) from None
    if not isinstance(doc, dict):
        raise RejectedInput("unknown_format", f"top-level JSON {type(doc).__name__}, not an object")
    fmt = detect(doc, content_type) or ""
    if not fmt:
        raise RejectedInput("unknown_format", "neither dpa digitalwires, ninjs nor native JSON")
    return _PARSERS[fmt](doc, max_body_chars=max_body_chars)


_FIRST_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def _first_element(payload: bytes) -> str:
    """Local name of the first element, read from the bytes (for XML lxml refused)."""
    found = _FIRST_ELEMENT.search(payload[:4096])
    return found.group(1).decode("ascii", "replace") if found else ""


def _xml_document(payload: bytes, content_type: str | None
                  ) -> tuple[str, Any]:
    """(format, root element or None): the hardened parse, then the root decides.
    A feed only feedparser's lenient mode can read comes back with root None."""
    try:
        root = parse_xml(payload)
    except RejectedInput as exc:
        if exc.reason != "not_xml" or xml_format(_first_element(payload), content_type) != FEED:
            raise
        return FEED, feeds.gate(payload)  # malformed feed: the lenient path re-checks
    name = newsml_g2.local(root)
    fmt = xml_format(name, content_type)
    if fmt is None:
        raise RejectedInput("unknown_format", unknown_xml_message(name))
    return fmt, root


def _results(payload: bytes, content_type: str | None, max_body_chars: int) -> list[Outcome]:
    if payload_syntax(payload, content_type) != XML:
        return [_parse_json(payload, content_type, max_body_chars)]
    fmt, root = _xml_document(payload, content_type)
    if fmt == NEWSML_G2:
        return list(newsml_g2.parse_items(root, max_body_chars=max_body_chars))
    return feeds.parse_document(payload, max_body_chars=max_body_chars, root=root, gated=True)


def _backstop(call: Callable[[], Any]) -> Any:
    try:
        return call()
    except (RejectedInput, MemoryError):
        raise
    except Exception as exc:
        # Parsers check shapes field by field; this is the backstop for a shape they
        # did not foresee, so one odd message is dead-lettered instead of crashing ingest.
        raise RejectedInput("invalid_field",
                            f"unexpected structure ({type(exc).__name__}: {exc})"[:300]
                            ) from exc


def parse_raw_results(
    payload: bytes,
    *,
    content_type: str | None = None,
    max_bytes: int = 2_000_000,
    max_body_chars: int = 500_000,
) -> list[Outcome]:
    """One outcome per item: an Article, or the RejectedInput saying why that item is
    none. Raises ``RejectedInput`` when the payload as a whole is unusable."""
    payload = _checked_bytes(payload, max_bytes)
    return _backstop(lambda: _results(payload, content_type, max_body_chars))


def _first_rejection(outcomes: list[Outcome]) -> RejectedInput:
    rejections = [o for o in outcomes if isinstance(o, RejectedInput)]
    if not rejections:
        return RejectedInput("empty_body", "payload carries no items")
    # A broken article says more than the photos next to it.
    broken = [r for r in rejections if r.reason not in _NOT_AN_ARTICLE]
    first = (broken or rejections)[0]
    if len(outcomes) == 1:
        return first
    return RejectedInput(first.reason, f"no article among {len(outcomes)} items; first: {first}"
                         [:300])


def parse_raw_items(
    payload: bytes,
    *,
    content_type: str | None = None,
    max_bytes: int = 2_000_000,
    max_body_chars: int = 500_000,
) -> list[Article]:
    """Every Article of a payload (at least one), or ``RejectedInput``."""
    outcomes = parse_raw_results(payload, content_type=content_type, max_bytes=max_bytes,
                                 max_body_chars=max_body_chars)
    articles = [o for o in outcomes if isinstance(o, Article)]
    if not articles:
        raise _first_rejection(outcomes)
    return articles


def parse_raw(
    payload: bytes,
    *,
    content_type: str | None = None,
    max_bytes: int = 2_000_000,
    max_body_chars: int = 500_000,
) -> Article:
    """Parse a single-item payload into its Article or raise ``RejectedInput``.

    A payload with several articles (a feed, a newsMessage) is refused rather than cut
    to its first article: use ``parse_raw_items`` for those.
    """
    articles = parse_raw_items(payload, content_type=content_type, max_bytes=max_bytes,
                               max_body_chars=max_body_chars)
    if len(articles) > 1:
        raise RejectedInput("unsupported_item",
                            f"payload carries {len(articles)} articles (use parse_raw_items)")
    return articles[0]


@dataclass(frozen=True, slots=True)
class RawPart:
    """One item of a payload as a standalone raw message, and what parsing it gives."""

    payload: bytes
    content_type: str
    outcome: Outcome


def _split(payload: bytes, content_type: str | None, max_bytes: int, max_body_chars: int
           ) -> list[RawPart]:
    def part(data: bytes, ctype: str) -> RawPart:
        try:
            outcomes = parse_raw_results(data, content_type=ctype, max_bytes=max_bytes,
                                         max_body_chars=max_body_chars)
        except RejectedInput as exc:
            return RawPart(data, ctype, exc)
        # A standalone item has exactly one outcome.
        return RawPart(data, ctype, outcomes[0])

    whole = payload_syntax(payload, content_type)
    if whole != XML:
        return [part(payload, content_type or "application/json")]
    fmt, root = _xml_document(payload, content_type)
    if fmt == NEWSML_G2:
        found = newsml_g2.items(root)
        if len(found) == 1 and found[0] is root:
            return [part(payload, newsml_g2.CONTENT_TYPE)]
        return [part(newsml_g2.item_bytes(item), newsml_g2.CONTENT_TYPE) for item in found]
    outcomes = feeds.parse_document(payload, max_body_chars=max_body_chars, root=root,
                                    gated=True)
    fmt_name = next((o.source_format for o in outcomes if isinstance(o, Article)), "rss")
    ctype = content_type or feeds.content_type_of(fmt_name)
    if len(outcomes) == 1:
        return [part(payload, ctype)]
    if root is not None:
        documents = feeds.split_entries(root)
        if len(documents) == len(outcomes):
            return [part(doc, ctype) for doc in documents]
    # A feed lxml cannot split (malformed, or entries feedparser found elsewhere): each
    # entry travels as native JSON, which keeps every field of its Article.
    return [RawPart(article_to_native_json(o), NATIVE_CONTENT_TYPE, o) if isinstance(o, Article)
            else RawPart(payload, ctype, o) for o in outcomes]


def split_raw(
    payload: bytes,
    *,
    content_type: str | None = None,
    max_bytes: int = 2_000_000,
    max_body_chars: int = 500_000,
    max_document_bytes: int | None = None,
) -> list[RawPart]:
    """The payload as one raw message per item, each with its outcome: a NewsML-G2
    newsMessage gives one newsItem document per item, a feed one single-entry feed per
    entry, anything else itself. Raises ``RejectedInput`` only when the payload as a
    whole is unusable (not XML/JSON, unsafe, no feed...).

    ``max_bytes`` limits each part (what ingest accepts), ``max_document_bytes`` the
    whole document (default: the same), since a feed may be larger than any one item.
    """
    payload = _checked_bytes(payload, max_document_bytes or max_bytes)
    return _backstop(lambda: _split(payload, content_type, max_bytes, max_body_chars))
