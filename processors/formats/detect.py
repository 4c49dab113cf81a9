"""Which parser a payload goes to: JSON or XML, then the JSON shape or the XML root element;
the content type is a hint that never overrides an unambiguous shape."""

from __future__ import annotations

from typing import Any

from wirestream.processors.formats import ninjs
from wirestream.processors.formats.newsml_g2 import ROOT_TAGS as _G2_ROOTS
from wirestream.processors.formats.xml_safety import is_xml

DPA = "dpa-digitalwires"
NINJS = "ninjs"
NATIVE = "native"


def format_from_content_type(content_type: str | None) -> str | None:
    """``application/vnd.dpa.digitalwires+json`` -> dpa, ``application/ninjs+json`` (or any
    "ninjs" type) -> ninjs, ``application/vnd.wirestream.article+json`` -> native; plain
    ``application/json`` says nothing."""
    if not isinstance(content_type, str):
        return None
    media = content_type.split(";")[0].strip().lower()
    if "digitalwires" in media:
        return DPA
    if "ninjs" in media:
        return NINJS
    if "wirestream" in media:
        return NATIVE
    return None


def candidates(doc: dict[str, Any]) -> list[str]:
    """Formats whose shape ``doc`` has, most specific first (possibly none)."""
    found: list[str] = []
    fmt = doc.get("format")
    # The "format" tag alone is decisive, so a dpa item without urn is missing_id, not native.
    if (isinstance(fmt, str) and fmt.lower().startswith("digitalwires")) or (
        "urn" in doc and "article_html" in doc
    ):
        found.append(DPA)
    if "uri" in doc or ninjs.is_ninjs_schema(doc) or (
            isinstance(doc.get("guid"), str) and not found):
        found.append(NINJS)
    if "id" in doc:
        found.append(NATIVE)
    # Weaker signs, for documents that lack their id field (-> missing_id, not unknown_format).
    if not found and (
        not ninjs.MARKER_KEYS.isdisjoint(doc)
        or (isinstance(item_type := doc.get("type"), str) and item_type in ninjs.TYPES
            and ("headline" in doc or "headlines" in doc))
    ):
        found.append(NINJS)
    if not found and ("headline" in doc or "body" in doc):
        found.append(NATIVE)
    return found


def detect(doc: dict[str, Any], content_type: str | None = None) -> str | None:
    """The format to parse ``doc`` as, or None when nothing fits.

    The content type decides only between shapes that match (or when none does),
    so a generic or wrong header cannot send a clear dpa/ninjs/native shape astray.
    """
    hint = format_from_content_type(content_type)
    shapes = candidates(doc)
    if hint is not None and (hint in shapes or not shapes):
        return hint
    return shapes[0] if shapes else None


# -- raw payloads: JSON or XML, and which XML -----------------------------------------

JSON = "json"
XML = "xml"
NEWSML_G2 = "newsml-g2"
NEWSML_1 = "newsml-1"
NITF = "nitf"
FEED = "feed"

_XML_MEDIA = {
    "application/vnd.iptc.g2.newsitem+xml": NEWSML_G2,
    "application/vnd.iptc.g2.newsmessage+xml": NEWSML_G2,
    "application/vnd.iptc.g2.packageitem+xml": NEWSML_G2,
    "application/rss+xml": FEED,
    "application/atom+xml": FEED,
    "application/rdf+xml": FEED,
    "application/vnd.iptc.newsml+xml": NEWSML_1,
    "application/nitf+xml": NITF,
    "application/vnd.iptc.nitf+xml": NITF,
}
_FEED_ROOTS = frozenset({"rss", "RDF", "feed"})
_OTHER_ROOTS = {"nitf": NITF, "NewsML": NEWSML_1}


def _media(content_type: str | None) -> str:
    if not isinstance(content_type, str):
        return ""
    return content_type.split(";")[0].strip().lower()


def syntax_from_content_type(content_type: str | None) -> str | None:
    """"xml" for XML media types (``+xml``, ``text/xml``), "json" for JSON ones, else None."""
    media = _media(content_type)
    if media in _XML_MEDIA or media.endswith(("/xml", "+xml")):
        return XML
    if media.endswith(("/json", "+json")) or "ninjs" in media or "digitalwires" in media:
        return JSON
    return None


def _first_char(payload: bytes) -> bytes:
    return payload.removeprefix(b"\xef\xbb\xbf")[:256].lstrip(b" \t\r\n")[:1]


def payload_syntax(payload: bytes, content_type: str | None = None) -> str:
    """"xml" or "json": the content type is read first, but bytes that plainly are one
    or the other (a leading "<", or "{"/"[") win over a wrong header, the same rule as
    ``detect`` for JSON shapes; anything else follows the header, default JSON."""
    if is_xml(payload):
        return XML
    hint = syntax_from_content_type(content_type)
    if _first_char(payload) in (b"{", b"["):
        return JSON
    return hint or JSON


def xml_format(root_name: str, content_type: str | None = None) -> str | None:
    """NEWSML_G2, NEWSML_1, NITF or FEED by the root element's local name; the content
    type decides only for roots we do not know (None when nothing fits)."""
    if root_name in _G2_ROOTS:
        return NEWSML_G2
    if root_name in _FEED_ROOTS:
        return FEED
    if root_name in _OTHER_ROOTS:
        return _OTHER_ROOTS[root_name]
    return _XML_MEDIA.get(_media(content_type))


def unknown_xml_message(root_name: str) -> str:
    return (f"XML root <{root_name}> is none of NewsML-G2, NewsML 1.x, NITF or an RSS/Atom "
            "feed")
