"""Parsing untrusted XML without letting it reach the network, the disk or all our memory.

Wire XML (NewsML-G2, RSS, Atom) never needs a DTD, so any ``<!DOCTYPE`` is refused
outright: that is where entity declarations live, i.e. billion-laughs expansion and
external entities (``SYSTEM "file:///etc/passwd"``). The parser is configured so that
even a declaration we failed to spot could not be acted on: no entity substitution,
no DTD loading, no network, libxml2's default limits (256 levels of nesting, 10 MB per
text node, entity amplification cap) kept on (``huge_tree=False``).
"""

from __future__ import annotations

import re

from lxml import etree

from processors.article import RejectedInput

__all__ = ["is_xml", "parse_xml", "prolog_declares_dtd"]

_NO_DTD = "XML with a DOCTYPE/ENTITY declaration is refused (entity expansion, external entities)"
# Up to the root element's start tag: XML declaration, comments, PIs, DOCTYPE.
_ROOT_START = re.compile(rb"<[A-Za-z_:\x80-\xff]")
_DECLARATION = re.compile(rb"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def _parser() -> etree.XMLParser:
    # One per call: lxml parsers are not thread-safe and ingest may parse in threads.
    return etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, dtd_validation=False,
        huge_tree=False, attribute_defaults=False, collect_ids=False, remove_pis=True,
        remove_comments=True, recover=False,
    )


def is_xml(payload: bytes) -> bool:
    """Sniff: the first non-blank character (after a BOM) is ``<``; UTF-16 included."""
    head = payload[:64]
    for bom in _BOMS:
        if head.startswith(bom):
            head = head[len(bom):]
            break
    if head[:2] in (b"<\x00", b"\x00<") or head[:4] in (b"\x00\x00\x00<", b"<\x00\x00\x00"):
        return True  # UTF-16/32 without BOM
    return head.lstrip(b" \t\r\n").startswith(b"<")


def prolog_declares_dtd(payload: bytes) -> bool:
    """A cheap pre-check before parsing: a DOCTYPE or ENTITY before the root element.

    Only the prolog is scanned, so "<!DOCTYPE html>" quoted inside a CDATA body is no
    reason to refuse a feed. Encodings this byte scan cannot read (UTF-16) are caught
    after parsing by ``parse_xml``'s docinfo check.
    """
    start = _ROOT_START.search(payload)
    prolog = payload[: start.start()] if start else payload
    return bool(_DECLARATION.search(prolog))


def parse_xml(payload: bytes) -> etree._Element:
    """The root element of a well-formed, DTD-free XML document, or ``RejectedInput``:
    ``unsafe_xml`` for DOCTYPE/ENTITY declarations or entity bombs, ``too_large`` when
    libxml2's size/depth limits are hit, ``not_xml`` for anything not well-formed."""
    if prolog_declares_dtd(payload):
        raise RejectedInput("unsafe_xml", _NO_DTD)
    try:
        root = etree.fromstring(payload, _parser())
    except etree.XMLSyntaxError as exc:
        message = str(exc)
        lowered = message.lower()
        if "amplification" in lowered or ("entity" in lowered and "loop" in lowered):
            raise RejectedInput("unsafe_xml", f"XML refused: {message}"[:300]) from None
        if "depth" in lowered or "huge" in lowered:
            raise RejectedInput("too_large", f"XML exceeds parser limits: {message}"[:300]
                                ) from None
        raise RejectedInput("not_xml", f"not well-formed XML: {message}"[:300]) from None
    except (ValueError, etree.LxmlError) as exc:  # e.g. unsupported encoding declaration
        raise RejectedInput("not_xml", f"unreadable XML: {exc}"[:300]) from None
    if root is None:
        raise RejectedInput("not_xml", "XML document without a root element")
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None:
        raise RejectedInput("unsafe_xml", _NO_DTD)
    return root
