"""Parsing untrusted XML without letting it reach the network, the disk or all our memory.

The DTD rule: a DOCTYPE that only names an external DTD (NITF files often carry
``<!DOCTYPE nitf SYSTEM "nitf-3-3.dtd">``, some add an internal subset that pulls in a
DTD module, ``[<!ENTITY % nitf SYSTEM "nitf-3-0.dtd"> %nitf;]``) is accepted and the
DTD ignored: never fetched, never read, never expanded. An internal subset that
declares any other ENTITY (a general entity, or one with a value) is refused: that is
where billion-laughs expansion and external entities (``SYSTEM "file:///etc/passwd"``)
live. The rule is applied to the decoded prolog, so a
UTF-16 document is judged like a UTF-8 one, and checked again on lxml's own view of
the document after parsing.

The parser is configured so that even a declaration we failed to spot could not be acted
on: no entity substitution, no DTD loading, no network, libxml2's default limits (256
levels of nesting, 10 MB per text node, entity amplification cap) kept on
(``huge_tree=False``). Entity references the external DTD would define (``&nbsp;``) stay
as entity nodes; ``xml_text`` reads them as their HTML characters.

Structural limits are checked on the bytes before the parse (namespace declarations) and
on the tree right after it (elements, attributes per element), so later stages never see
a document whose shape makes them slow: ``too_complex``.
"""

from __future__ import annotations

import codecs
import re

from lxml import etree

from wirestream.processors.article import RejectedInput

__all__ = ["Limits", "is_xml", "parse_xml", "prolog_declares_entities", "xml_prolog"]

_ENTITIES = ("XML whose DOCTYPE declares entities is refused (entity expansion, "
             "external entities)")
# Up to the root element's start tag: XML declaration, comments, PIs, DOCTYPE.
_ROOT_START = re.compile(r"<[A-Za-z_:\u0080-\U0010ffff]")
_DOCTYPE = re.compile(r"<!\s*DOCTYPE", re.IGNORECASE)
_ENTITY = re.compile(r"<!\s*ENTITY", re.IGNORECASE)
# A parameter entity that only names an external DTD module (``<!ENTITY % nitf SYSTEM
# "nitf-3-0.dtd"> %nitf;``, as ATS and Kyodo send): the same as naming an external DTD,
# never fetched, so allowed. Anything with a value or a general entity is not.
_EXTERNAL_MODULE = re.compile(
    r"""<!\s*ENTITY\s+%\s+[\w.:-]+\s+(?:SYSTEM|PUBLIC\s+(?:"[^"<>]*"|'[^'<>]*'))\s+"""
    r"""(?:"[^"<>]*"|'[^'<>]*')\s*>""", re.IGNORECASE)
_ENCODING_DECL = re.compile(
    rb"""^(\s*<\?xml[^>]{0,200}?encoding\s*=\s*["'])([A-Za-z0-9._-]{1,40})(["'])""")
_XML_DECL = re.compile(rb"\s*<\?xml([^>]{0,200}?)\s*\?>")
_SINGLE_BYTE = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii",
                          "windows-1252", "cp1252", "iso-8859-15", "iso8859-15"})
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")
_PROLOG_BYTES = 64 * 1024


class Limits:
    """Shape limits for any accepted XML document (far above real wire files: a NewsML-G2
    newsItem has 10-30 namespace declarations, a few hundred elements, < 10 attributes
    on an element)."""

    NAMESPACE_DECLARATIONS = 512
    ATTRIBUTES_PER_ELEMENT = 64
    ELEMENTS = 100_000
    ITEMS = 1_000  # items in a newsMessage / NewsML document, entries in a feed


class _NothingExternal(etree.Resolver):  # type: ignore[misc]  # lxml ships no stubs
    """Answers every external reference (a DOCTYPE's DTD, a DTD module) with an empty
    document. ``load_dtd=False`` alone does not stop libxml2 from opening a local DTD
    file (seen with strace): a path like /dev/zero or a FIFO would hang the parser, and
    a module's entity declarations would be read in."""

    def resolve(self, system_url: str, public_id: str, context: object) -> object:
        return self.resolve_string("", context)


def _parser() -> etree.XMLParser:
    # One per call: lxml parsers are not thread-safe and ingest may parse in threads.
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, attribute_defaults=False, collect_ids=False, remove_pis=True,
        remove_comments=True, recover=False,
    )
    parser.resolvers.add(_NothingExternal())
    return parser


def _utf16_or_32(head: bytes) -> str | None:
    """The codec of a UTF-16/32 document (BOM or the "<" pattern), else None."""
    if head.startswith((b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")):
        return "utf-32"
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "utf-16"
    if head[:4] == b"<\x00\x00\x00":
        return "utf-32-le"
    if head[:4] == b"\x00\x00\x00<":
        return "utf-32-be"
    if head[:2] == b"<\x00":
        return "utf-16-le"
    if head[:2] == b"\x00<":
        return "utf-16-be"
    return None


def is_xml(payload: bytes) -> bool:
    """Sniff: the first non-blank character (after a BOM) is ``<``; UTF-16/32 included."""
    head = payload[:64]
    if codec := _utf16_or_32(head):
        text = head[: len(head) // 4 * 4].decode(codec, "replace")
        return text.lstrip("\ufeff \t\r\n").startswith("<")
    head = head.removeprefix(_BOMS[0])
    return head.lstrip(b" \t\r\n").startswith(b"<")


def xml_prolog(payload: bytes) -> str:
    """The decoded text before the root element (BOM, XML declaration, comments, DOCTYPE),
    whatever the document's encoding; the start of the document if no root is found."""
    codec = _utf16_or_32(payload[:4])
    if codec is None:
        # ASCII-compatible encodings all spell the prolog's markup the same way.
        text = payload[:_PROLOG_BYTES].decode("latin-1")
    else:
        text = codecs.getincrementaldecoder(codec)("replace").decode(
            payload[: _PROLOG_BYTES * 4])
    text = text.removeprefix("\ufeff").removeprefix("\u00ef\u00bb\u00bf")
    start = _ROOT_START.search(text)
    return text[: start.start()] if start else text


def prolog_declares_entities(payload: bytes) -> bool:
    """A cheap pre-check before parsing: a DOCTYPE whose internal subset declares an
    ENTITY (or a stray ENTITY declaration) before the root element.

    Only the prolog is read, so "<!ENTITY" quoted inside a CDATA body is no reason to
    refuse a feed.
    """
    return bool(_ENTITY.search(_EXTERNAL_MODULE.sub("", xml_prolog(payload))))


def _count_namespace_declarations(payload: bytes) -> int:
    # Over-counts "xmlns" in text too; the limit is far above real documents.
    codec = _utf16_or_32(payload[:4])
    if codec is None:
        return payload.count(b"xmlns")
    return payload.decode(codec, "replace").count("xmlns")


def _contradicted_declaration(payload: bytes) -> bytes:
    """UTF-8 bytes under a single-byte encoding declaration (a common export bug: the
    file says ISO-8859-1 and holds UTF-8) are read as UTF-8: text that decodes as UTF-8
    with multi-byte sequences is practically never Latin-1."""
    found = _ENCODING_DECL.match(payload)
    if not found or found.group(2).decode("ascii").lower() not in _SINGLE_BYTE:
        return payload
    if payload.isascii():
        return payload
    try:
        payload.decode("utf-8")
    except UnicodeDecodeError:
        return payload
    return found.group(1) + b"UTF-8" + found.group(3) + payload[found.end():]


def _undeclared_utf8(payload: bytes, message: str) -> bytes | None:
    """Windows-1252 bytes in a document that declares nothing (so is UTF-8 by rule) or
    UTF-8: the other common export bug. None when that is not the problem."""
    if "utf-8" not in message.lower() and "encoding" not in message.lower():
        return None
    found = _ENCODING_DECL.match(payload)
    if found and found.group(2).decode("ascii").lower().replace("_", "-") not in ("utf-8", "utf8"):
        return None
    try:
        payload.decode("utf-8")
        return None  # valid UTF-8: the error is something else
    except UnicodeDecodeError:
        pass
    if found:
        return found.group(1) + b"windows-1252" + found.group(3) + payload[found.end():]
    body = payload.removeprefix(_BOMS[0])
    declaration = _XML_DECL.match(body)
    if declaration:  # <?xml version="1.0"?> without an encoding
        return body[: declaration.end(1)] + b' encoding="windows-1252"' + body[
            declaration.end(1):]
    return b'<?xml version="1.0" encoding="windows-1252"?>' + body


def _check_shape(root: etree._Element) -> None:
    for count, element in enumerate(root.iter(), start=1):
        if count > Limits.ELEMENTS:
            raise RejectedInput("too_complex", f"XML has more than {Limits.ELEMENTS} elements")
        if len(element.attrib) > Limits.ATTRIBUTES_PER_ELEMENT:
            raise RejectedInput("too_complex", f"an XML element has {len(element.attrib)} "
                                f"attributes (limit {Limits.ATTRIBUTES_PER_ELEMENT})")


def _fromstring(payload: bytes) -> etree._Element:
    try:
        return etree.fromstring(payload, _parser())
    except etree.XMLSyntaxError as exc:
        message = str(exc)
        lowered = message.lower()
        if "amplification" in lowered or ("entity" in lowered and "loop" in lowered):
            raise RejectedInput("unsafe_xml", f"XML refused: {message}"[:300]) from None
        if "depth" in lowered or "huge" in lowered:
            raise RejectedInput("too_complex", f"XML exceeds parser limits: {message}"[:300]
                                ) from None
        raise RejectedInput("not_xml", f"not well-formed XML: {message}"[:300]) from None
    except (ValueError, etree.LxmlError) as exc:  # e.g. unsupported encoding declaration
        raise RejectedInput("not_xml", f"unreadable XML: {exc}"[:300]) from None


def parse_xml(payload: bytes) -> etree._Element:
    """The root element of a well-formed XML document without entity declarations, or
    ``RejectedInput``: ``unsafe_xml`` for ENTITY declarations or entity bombs,
    ``too_complex`` over a structural limit, ``not_xml`` for anything not well-formed."""
    prolog = xml_prolog(payload)
    if _ENTITY.search(_EXTERNAL_MODULE.sub("", prolog)):
        raise RejectedInput("unsafe_xml", _ENTITIES)
    declarations = _count_namespace_declarations(payload)
    if declarations > Limits.NAMESPACE_DECLARATIONS:
        raise RejectedInput("too_complex", f"XML has {declarations} namespace declarations "
                            f"(limit {Limits.NAMESPACE_DECLARATIONS})")
    payload = _contradicted_declaration(payload)
    try:
        root = _fromstring(payload)
    except RejectedInput as exc:
        retry = _undeclared_utf8(payload, str(exc)) if exc.reason == "not_xml" else None
        if retry is None:
            raise
        root = _fromstring(retry)
    if root is None:
        raise RejectedInput("not_xml", "XML document without a root element")
    docinfo = root.getroottree().docinfo
    dtd = docinfo.internalDTD
    if dtd is not None and any(entity.content is not None or entity.system_url is None
                               for entity in dtd.iterentities()):
        raise RejectedInput("unsafe_xml", _ENTITIES)
    if docinfo.doctype and _DOCTYPE.search(prolog) is None:
        # lxml saw a DOCTYPE our prolog scan did not: an encoding trick; refuse.
        raise RejectedInput("unsafe_xml", "DOCTYPE hidden from the prolog check")
    _check_shape(root)
    return root
