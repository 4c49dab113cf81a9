"""Raw wire payloads (bytes) to ``Article``.

Entry points:

* ``parse_raw_items``: every Article in a payload. JSON formats carry one item; a
  NewsML-G2 ``newsMessage``, a NewsML 1.x document or an RSS/Atom feed several. Items
  that are not articles (the photos and package of a newsMessage, an entry without
  text) are left out when the payload has at least one article; otherwise the payload
  is rejected.
* ``parse_raw_results``: the same, with each item's ``RejectedInput`` in place.
* ``parse_raw``: the one Article of a single-item payload.
* ``split_raw``: each item with its outcome and its own original bytes (what ingest
  dead-letters), and, when asked, as a standalone message (what a feed poller produces).

Supported: dpa digitalwires JSON, IPTC ninjs 1.x/2.x/3.x (``uri`` or ``guid``), AP Media
API item JSON (its ninjs-like ``data.item``), the native JSON format (see ``native``),
IPTC NewsML-G2 (``newsml_g2``), NewsML 1.x (``newsml1``), NITF 3.x (``nitf``), RSS/Atom
(``feeds``), and plain text files via ``article_from_text``. JSON or XML is told by the
first byte ("<" is XML), the content type deciding only what the bytes leave open; then
the JSON shape or the XML root element picks the parser. Every failure is a
``RejectedInput`` with a reason code; no other exception escapes for any input bytes.

Every document is parsed once, whatever the entry point: splitting reuses the outcomes
and cuts each item's bytes out of the payload (``item_bytes``).

Timestamps without a zone are read in the provider's zone (``zones``: provider -> IANA
zone name, default UTC); the Article's ``zone_assumed`` names the zone used.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import dpa, feeds, native, newsml1, newsml_g2, ninjs, nitf
from wirestream.processors.formats.common import with_zone
from wirestream.processors.formats.detect import (
    DPA,
    FEED,
    NATIVE,
    NEWSML_1,
    NEWSML_G2,
    NINJS,
    NITF,
    XML,
    detect,
    payload_syntax,
    unknown_xml_message,
    xml_format,
)
from wirestream.processors.formats.item_bytes import ItemTest, item_spans
from wirestream.processors.formats.native import article_to_native_json
from wirestream.processors.formats.plaintext import article_from_text
from wirestream.processors.formats.xml_safety import Limits, parse_xml

__all__ = [
    "RawPart", "article_from_text", "article_to_native_json", "detect", "parse_raw",
    "parse_raw_items", "parse_raw_results", "split_raw",
]

Outcome = Article | RejectedInput
Zones = Mapping[str, str]

_PARSERS: dict[str, Callable[..., Article]] = {
    DPA: dpa.parse,
    NINJS: ninjs.parse,
    NATIVE: native.parse,
}
NATIVE_CONTENT_TYPE = "application/vnd.wirestream.article+json"
# Reasons that say "this item is no article" rather than "this article is broken".
_NOT_AN_ARTICLE = frozenset({"empty_body", "unsupported_item"})
# Longest JSON array any parser walks (categories, headlines, ednotes...).
MAX_JSON_LIST = 10_000


def _no_constants(name: str) -> Any:
    # NaN/Infinity are not JSON; json.loads accepts them by default.
    raise ValueError(f"{name} is not valid JSON")


def _checked_bytes(payload: Any, max_bytes: int) -> bytes:
    if payload is None:
        # A null-valued record (a tombstone) on the raw topic carries no document.
        raise RejectedInput("empty_body", "message value is null (a tombstone), not a document")
    if isinstance(payload, bytearray | memoryview):
        payload = bytes(payload)
    if not isinstance(payload, bytes):
        raise RejectedInput("invalid_encoding", f"payload is {type(payload).__name__}, not bytes")
    if len(payload) > max_bytes:
        raise RejectedInput("too_large", f"payload has {len(payload)} bytes (limit {max_bytes})")
    return payload


def _checked_lists(value: Any) -> None:
    """Refuse JSON with an array longer than any real item has (iterative: no recursion)."""
    stack = [value]
    while stack:
        current = stack.pop()
        if isinstance(current, dict):
            stack.extend(v for v in current.values() if isinstance(v, dict | list))
        elif isinstance(current, list):
            if len(current) > MAX_JSON_LIST:
                raise RejectedInput("too_complex", f"a JSON array has {len(current)} entries "
                                    f"(limit {MAX_JSON_LIST})")
            stack.extend(v for v in current if isinstance(v, dict | list))


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
        raise RejectedInput("too_complex", "JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, NaN, over-long integer literals
        start = text.lstrip("\ufeff \t\r\n")[:1]
        what = "not JSON" if start in ("{", "[") else "neither JSON nor XML (ANPA or plain text?)"
        raise RejectedInput("not_json", f"{what}: {exc}"[:300]) from None
    if not isinstance(doc, dict):
        raise RejectedInput("unknown_format", f"top-level JSON {type(doc).__name__}, not an object")
    _checked_lists(doc)
    if (item := ninjs.ap_media_item(doc)) is not None:
        return ninjs.parse_ap_media(item, max_body_chars=max_body_chars)
    if (item := ninjs.enveloped_item(doc)) is not None:
        return ninjs.parse(item, max_body_chars=max_body_chars)
    fmt = detect(doc, content_type) or ""
    if not fmt:
        raise RejectedInput("unknown_format", "neither dpa digitalwires, ninjs nor native JSON")
    return _PARSERS[fmt](doc, max_body_chars=max_body_chars)


_FIRST_ELEMENT = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)")


def _first_element(payload: bytes) -> str:
    """Local name of the first element, read from the bytes (for XML lxml refused)."""
    found = _FIRST_ELEMENT.search(payload[:4096])
    return found.group(1).decode("ascii", "replace") if found else ""


def _xml_document(payload: bytes, content_type: str | None) -> tuple[str, Any]:
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


@dataclass(slots=True)
class _Document:
    """A payload parsed once: its format, root, items and their outcomes."""

    fmt: str
    root: Any  # etree._Element | None
    outcomes: list[Outcome]
    elements: list[Any] | None = None  # the item elements, when the items are XML elements
    several: bool = False  # the payload carries several items (a message, a feed)


def _checked_count(count: int) -> None:
    if count > Limits.ITEMS:
        raise RejectedInput("too_complex", f"document carries {count} items (limit "
                            f"{Limits.ITEMS})")


def _each(elements: list[Any], parse: Callable[[Any], Article]) -> list[Outcome]:
    outcomes: list[Outcome] = []
    for element in elements:
        try:
            outcomes.append(parse(element))
        except RejectedInput as exc:
            outcomes.append(exc)
    return outcomes


def _document(payload: bytes, content_type: str | None, max_body_chars: int) -> _Document:
    if payload_syntax(payload, content_type) != XML:
        return _Document("json", None, [_parse_json(payload, content_type, max_body_chars)])
    fmt, root = _xml_document(payload, content_type)
    if fmt == NEWSML_G2:
        elements = newsml_g2.items(root)
        _checked_count(len(elements))
        outcomes = _each(elements, lambda e: newsml_g2.parse_item(
            e, max_body_chars=max_body_chars))
        return _Document(fmt, root, outcomes, elements,
                         several=not (len(elements) == 1 and elements[0] is root))
    if fmt == NEWSML_1:
        elements = newsml1.items(root)
        _checked_count(len(elements))
        envelope = newsml1.envelope(root)
        outcomes = _each(elements, lambda e: newsml1.parse_item(
            e, envelope, max_body_chars=max_body_chars))
        return _Document(fmt, root, outcomes, elements, several=len(elements) > 1)
    if fmt == NITF:
        return _Document(fmt, root, _each([root], lambda e: nitf.parse(
            e, max_body_chars=max_body_chars)))
    if root is not None:
        _checked_count(len(feeds.entry_elements(root)))
    outcomes = feeds.parse_document(payload, max_body_chars=max_body_chars, root=root,
                                    gated=True)
    entries: list[Any] | None = feeds.entry_elements(root) if root is not None else None
    if entries is not None and len(entries) != len(outcomes):
        entries = None  # feedparser found entries lxml does not see as such
    return _Document(fmt, root, outcomes, entries, several=len(outcomes) > 1)


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


def _zoned(outcomes: list[Outcome], zones: Zones | None) -> list[Outcome]:
    return [with_zone(o, zones or {}) if isinstance(o, Article) else o for o in outcomes]


def parse_raw_results(
    payload: bytes,
    *,
    content_type: str | None = None,
    max_bytes: int = 2_000_000,
    max_body_chars: int = 500_000,
    zones: Zones | None = None,
) -> list[Outcome]:
    """One outcome per item: an Article, or the RejectedInput saying why that item is
    none. Raises ``RejectedInput`` when the payload as a whole is unusable."""
    payload = _checked_bytes(payload, max_bytes)
    document: _Document = _backstop(lambda: _document(payload, content_type, max_body_chars))
    outcomes: list[Outcome] = _backstop(lambda: _zoned(document.outcomes, zones))
    return outcomes


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
    zones: Zones | None = None,
) -> list[Article]:
    """Every Article of a payload (at least one), or ``RejectedInput``."""
    outcomes = parse_raw_results(payload, content_type=content_type, max_bytes=max_bytes,
                                 max_body_chars=max_body_chars, zones=zones)
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
    zones: Zones | None = None,
) -> Article:
    """Parse a single-item payload into its Article or raise ``RejectedInput``.

    A payload with several articles (a feed, a newsMessage) is refused rather than cut
    to its first article: use ``parse_raw_items`` for those.
    """
    articles = parse_raw_items(payload, content_type=content_type, max_bytes=max_bytes,
                               max_body_chars=max_body_chars, zones=zones)
    if len(articles) > 1:
        raise RejectedInput("unsupported_item",
                            f"payload carries {len(articles)} articles (use parse_raw_items)")
    return articles[0]


@dataclass(frozen=True, slots=True)
class RawPart:
    """One item of a payload: what parsing it gave, its own original bytes (a dead
    letter carries these), and ``payload``/``content_type``: the item as a standalone
    message (with ``standalone=False``, the original bytes again)."""

    payload: bytes
    content_type: str
    outcome: Outcome
    original: bytes


def _item_test(document: _Document) -> ItemTest:
    if document.fmt == NEWSML_G2:
        return lambda depth, name, parent: (depth == 2 and parent == "itemSet"
                                            and name in newsml_g2.ITEM_TAGS)
    if document.fmt == NEWSML_1:
        return lambda depth, name, _parent: depth == 1 and name == "NewsItem"
    in_channel = newsml_g2.local(document.root) == "rss"
    return lambda depth, name, parent: name in feeds.ENTRY_TAGS and (
        (depth == 2 and parent == "channel") if in_channel else depth == 1)


def _originals(payload: bytes, document: _Document) -> list[bytes] | None:
    spans = item_spans(payload, _item_test(document))
    if spans is None or len(spans) != len(document.outcomes):
        return None
    return [payload[start:end] for start, end in spans]


def _standalone(document: _Document) -> list[bytes]:
    elements = document.elements or []
    if document.fmt == NEWSML_G2:
        return [newsml_g2.item_bytes(e) for e in elements]
    if document.fmt == NEWSML_1:
        return [newsml1.item_document(document.root, e) for e in elements]
    return feeds.split_entries(document.root)


def _split(payload: bytes, content_type: str | None, max_bytes: int, max_body_chars: int,
           zones: Zones | None, standalone: bool) -> list[RawPart]:
    document = _document(payload, content_type, max_body_chars)
    outcomes = _zoned(document.outcomes, zones)
    if document.fmt == "json":
        ctype = content_type or "application/json"
    elif document.fmt == NEWSML_G2:
        ctype = newsml_g2.CONTENT_TYPE
    elif document.fmt == NEWSML_1:
        ctype = newsml1.CONTENT_TYPE
    elif document.fmt == NITF:
        ctype = content_type or "application/nitf+xml"
    else:
        fmt_name = next((o.source_format for o in outcomes if isinstance(o, Article)), "rss")
        ctype = content_type or feeds.content_type_of(fmt_name)
    if not document.several:
        return [RawPart(payload, ctype, outcomes[0], payload)]
    if document.elements is None:
        # A feed lxml cannot split (malformed, or entries feedparser found elsewhere): each
        # entry travels as native JSON, which keeps every field of its Article.
        return [RawPart(article_to_native_json(o), NATIVE_CONTENT_TYPE, o, payload)
                if isinstance(o, Article) else RawPart(payload, ctype, o, payload)
                for o in outcomes]
    originals = _originals(payload, document)
    documents = _standalone(document) if standalone or originals is None else originals
    if originals is None:
        originals = documents  # UTF-16/32: the serialised item is the closest we have
    return [RawPart(doc if standalone else original, ctype,
                    _fits(outcome, original, max_bytes), original)
            for doc, original, outcome in zip(documents, originals, outcomes, strict=True)]


def _fits(outcome: Outcome, original: bytes, max_bytes: int) -> Outcome:
    if len(original) > max_bytes and isinstance(outcome, Article):
        return RejectedInput("too_large", f"item has {len(original)} bytes (limit {max_bytes})")
    return outcome


def split_raw(
    payload: bytes | None,
    *,
    content_type: str | None = None,
    max_bytes: int = 2_000_000,
    max_body_chars: int = 500_000,
    max_document_bytes: int | None = None,
    zones: Zones | None = None,
    standalone: bool = True,
) -> list[RawPart]:
    """Each item of the payload with its outcome and original bytes: a NewsML-G2
    newsMessage or NewsML 1.x document gives one part per item, a feed one per entry,
    anything else itself. ``standalone`` also builds each item as a document of its
    own (a newsItem, a one-item NewsML, a one-entry feed) in ``payload``, for a producer
    that re-publishes items one by one; ingest needs only outcomes and original bytes.
    Raises ``RejectedInput`` only when the payload as a whole is unusable (not XML/JSON,
    unsafe, too complex, no feed...).

    ``max_bytes`` limits a single-item payload (what ingest accepts), and
    ``max_document_bytes`` a multi-item document (default: the same), since a feed may be
    larger than any one item.
    """
    payload = _checked_bytes(payload, max(max_document_bytes or max_bytes, max_bytes))
    parts: list[RawPart] = _backstop(lambda: _split(
        payload, content_type, max_bytes, max_body_chars, zones, standalone))
    if len(parts) == 1 and len(payload) > max_bytes:
        raise RejectedInput("too_large", f"payload has {len(payload)} bytes (limit {max_bytes})")
    return parts
