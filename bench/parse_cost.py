"""Worst-case parse cost below the size cap: adversarial documents of every accepted format.

    python bench/parse_cost.py [--size 1998976] [--cap 2000000] [--timeout 120]
                               [--only SUBSTRING] [--jobs 1] [--mem-limit-mb 8192]

Generates, for every format the ingest stage accepts (dpa digitalwires JSON, ninjs 1.x,
2.x and 3.x, native JSON, NewsML-G2 newsItem and newsMessage, RSS 2.0, Atom, bare NITF
3.x, NewsML 1.x and plain text files), hostile documents just under the cap (default
``--cap`` 2,000,000 bytes, as ``max_message_bytes`` in config/settings.py; documents of
``--size`` = cap - 1 KB) and one honest ~500 KB article as a baseline. Hostile shapes:

* combining marks of alternating canonical classes (U+0301 U+0316 ...) in headline and
  body: NFC reorders such a run in quadratic time;
* HTML bodies (escaped in JSON strings, CDATA, ``inlineData``): nested ``<title>``
  (the text extractor's skip stack), unmatched end tags against a deep skip stack,
  deep ``<div>`` nesting, many small paragraphs, character references, many
  attributes, unterminated markup at the end (``<a<a<a...``), elements with tails;
* plain text: a million newlines (ftfy works line by line), one long line without spaces;
* XML structure: thousands of namespace declarations (on the root, on every element,
  on the story-text roots, on the root above many split items), the deepest nesting
  libxml2 accepts (and deeper), many dropped elements with tails, nested figures;
* feeds and newsMessages with thousands of items, a big RSS/Atom channel that the
  split re-serialises per item;
* JSON: huge lists (categories, signals, headlines arrays, body_<x> keys), deep nesting.

Each document is measured in a fresh process (this script with ``--child``): the
parser is imported, the payload read, the peak-RSS mark reset (``/proc/self/clear_refs``),
then ``split_raw(payload, max_bytes=cap, max_body_chars=500_000)`` (what ingest and the
feed poller call; plain text files go through ``article_from_text`` as the drop folder
does) is timed; the memory figure is VmHWM after the parse minus VmRSS before it (the
idle process with its payload). A document still parsing after ``--timeout`` seconds is
killed and recorded as a timeout (its memory then is a lower bound, read at the kill);
the child's address space is capped at ``--mem-limit-mb`` so one document cannot take
the machine down (hitting it is a MemoryError or a crash, recorded as such).

Target (issue 18): every document parsed or rejected in <= 2 s and <= 256 MB above the
idle process. Prints one row per document, the worst time and memory, then one JSON
object on the last line.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import queue
import random
import resource
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

DEFAULT_CAP = 2_000_000
MAX_BODY_CHARS = 500_000  # config/settings.py max_body_chars
REALISTIC_BYTES = 500_000
TARGET_SECONDS = 2
TARGET_MB = 256
HEADLINE_SHARE = 50  # a hostile headline gets size/50 bytes (40 KB), the body the rest
XML_DEPTH = 240  # below libxml2's limit of 256 levels (huge_tree off), body depth included

Enc = Callable[[str], str]
Unit = str | Callable[[int], str]


# -- encodings of text inside each container ---------------------------------------

def enc_json(text: str) -> str:
    """Inside a JSON string (UTF-8, as providers send it)."""
    return json.dumps(text, ensure_ascii=False)[1:-1]


def enc_xml(text: str) -> str:
    """Character data of an XML element."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def enc_cdata(text: str) -> str:
    return text.replace("]]>", "]]]]><![CDATA[>")


def enc_raw(text: str) -> str:
    """Markup written as is (inline XHTML/NITF; the fill must be well-formed)."""
    return text


# -- filling a template up to a byte budget ----------------------------------------

@dataclass(frozen=True)
class Fill:
    """``head + unit * n + close * n + tail`` with n as large as the budget allows; a
    callable unit gets the index (for unique ids, attribute or namespace names)."""

    unit: Unit
    head: str = ""
    close: str = ""
    tail: str = ""

    def render(self, budget: int, enc: Enc) -> bytes:
        head, close, tail = (enc(part).encode() for part in (self.head, self.close, self.tail))
        room = budget - len(head) - len(tail)
        if room <= 0:
            return b""
        if isinstance(self.unit, str):
            unit = enc(self.unit).encode()
            count = room // (len(unit) + len(close))
            return head + unit * count + close * count + tail
        pieces: list[bytes] = []
        used = 0
        while True:
            piece = enc(self.unit(len(pieces))).encode()
            if used + len(piece) + len(close) > room:
                break
            pieces.append(piece)
            used += len(piece) + len(close)
        return head + b"".join(pieces) + close * len(pieces) + tail


@dataclass(frozen=True)
class Slot:
    """A marker in a template, what replaces it, and its byte budget (None: the rest)."""

    marker: str
    fill: Fill
    enc: Enc = enc_raw
    budget: int | None = None


def compose(template: str, size: int, *slots: Slot) -> bytes:
    """The template with fixed-budget slots filled first, then the one open slot given
    whatever keeps the document within ``size`` bytes."""
    document = template.encode()
    rest = [slot for slot in slots if slot.budget is None]
    assert len(rest) <= 1, "one open slot at most"
    for slot in slots:
        if slot.budget is not None:
            marker = slot.marker.encode()
            # A headline appears in several places (NITF title and hl1): split the budget.
            budget = slot.budget // max(1, document.count(marker))
            document = document.replace(marker, slot.fill.render(budget, slot.enc))
    if rest:
        before, after = document.split(rest[0].marker.encode())
        room = size - len(before) - len(after)
        document = before + rest[0].fill.render(room, rest[0].enc) + after
    return document


# -- honest text ---------------------------------------------------------------------

_VOCABULARY = (
    "the of and to in a is that for it as was with be by on not he this are or his from "
    "at which but have an they you were her she there been one all we their has would when "
    "what more said will about if can some out other into could time only new its also "
    "government minister report market city council police court season company percent "
    "year week Tuesday Wednesday spokesperson agency announced according statement "
    "officials million billion economy election parliament investigation hospital "
    "Zürich München Kraków São Paulo Montréal Malmö Ærø café naïve résumé Straße"
)
_WORDS = _VOCABULARY.split()
_NAMES = ("Anja Petersen", "José Álvarez", "Henrik Vogt", "Chloé Martin", "Łukasz Nowak",
          "Siobhán O'Neill", "Mehmet Yılmaz", "Ingrid Sørensen")


def paragraphs(seed: str) -> Callable[[int], str]:
    """Paragraph i of a deterministic, wire-like article (no markup characters)."""
    def paragraph(index: int) -> str:
        rng = random.Random(f"{seed}:{index}")
        sentences = []
        for _ in range(rng.randint(2, 5)):
            words = [rng.choice(_WORDS) for _ in range(rng.randint(8, 24))]
            if rng.random() < 0.4:
                words.insert(rng.randrange(len(words)), rng.choice(_NAMES))
            if rng.random() < 0.3:
                words.insert(rng.randrange(len(words)), f"{rng.randint(2, 9_999):,}")
            sentence = " ".join(words)
            sentences.append(sentence[0].upper() + sentence[1:] + ".")
        if rng.random() < 0.25:
            sentences.append(f"«{rng.choice(_WORDS).capitalize()} {rng.choice(_WORDS)}», "
                             f"said {rng.choice(_NAMES)}.")
        return " ".join(sentences)
    return paragraph


# -- the formats and their containers ------------------------------------------------
#
# Each format maps a container to (template, encoding of the body there). Templates hold
# @@H@@ (headline) and @@B@@ (body). Containers:
#   html    HTML as a string: in a JSON string, XML-escaped, or CDATA
#   plain   plain text where line breaks survive (text/plain, <pre>, a .txt file)
#   inline  markup inside the XML document itself (XHTML, NITF); the fill must be XML

H, B = "@@H@@", "@@B@@"
NS, ITEMS = "@@N@@", "@@I@@"
G2_NS = "http://iptc.org/std/nar/2006-10-01/"
XHTML_NS = "http://www.w3.org/1999/xhtml"


def _json_template(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1)


def _dpa(body_html: str, **extra: Any) -> str:
    doc: dict[str, Any] = {
        "format": "digitalwires@0.9.1", "type": "text",
        "urn": "urn:newsml:dpa.com:20260415:bench-dpa", "version": 1,
        "version_created": "2026-04-15T11:42:00+02:00", "pubstatus": "usable",
        "language": "de", "urgency": 4, "headline": H, "byline": "Von Lena Brandt",
        "dateline": "Hamburg - ", "article_html": body_html,
        "ednotes": [], "categories": [{"type": "dnltype:pubstatus", "qcode": "stat:usable"}],
    }
    doc.update(extra)
    return _json_template(doc)


def _ninjs1(key: str, **extra: Any) -> str:
    doc: dict[str, Any] = {
        "uri": "urn:newsml:example.com:20260415:bench-ninjs1", "type": "text",
        "version": "1", "versioncreated": "2026-04-15T11:42:00Z", "pubstatus": "usable",
        "language": "en", "headline": H, "byline": "By Bench Reporter", key: B,
    }
    doc.update(extra)
    return _json_template(doc)


def _ninjs2(ctype: str, **extra: Any) -> str:
    doc: dict[str, Any] = {
        "uri": "urn:newsml:example.com:20260415:bench-ninjs2", "type": "text",
        "version": "1", "versioncreated": "2026-04-15T11:42:00Z", "pubstatus": "usable",
        "standard": {"name": "ninjs", "version": "2.1",
                     "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_2.1.json"},
        "language": "en", "headlines": [{"role": "main", "value": H}],
        "by": "By Bench Reporter",
        "bodies": [{"role": "main", "contenttype": ctype, "value": B}],
    }
    doc.update(extra)
    return _json_template(doc)


def _ninjs3(ctype: str, **extra: Any) -> str:
    doc: dict[str, Any] = {
        "$schema": "https://www.iptc.org/std/ninjs/ninjs-schema_3.0.json",
        "uri": "urn:newsml:example.com:20260415:bench-ninjs3", "type": "text",
        "version": "1", "versionCreated": "2026-04-15T11:42:00Z", "pubStatus": "usable",
        "language": "en", "headlines": [{"role": "main", "value": H}],
        "by": "By Bench Reporter",
        "bodies": [{"role": "main", "contentType": ctype, "value": B}],
    }
    doc.update(extra)
    return _json_template(doc)


def _native(body_format: str, **extra: Any) -> str:
    doc: dict[str, Any] = {
        "id": "urn:wirestream:bench:native", "version": 1, "headline": H, "body": B,
        "body_format": body_format, "language": "en", "provider": "example.com",
    }
    doc.update(extra)
    return _json_template(doc)


def g2_item(guid: str, rendition: str, *, headline: str = H, root_ns: str = "",
            standalone: bool = True) -> str:
    xmlns = f' xmlns="{G2_NS}"' if standalone else ""
    return (
        f'<newsItem{xmlns} guid="{guid}" version="1" standard="NewsML-G2" '
        f'standardversion="2.33" conformance="power" xml:lang="en"{root_ns}>'
        '<catalogRef href="http://www.iptc.org/std/catalog/catalog.IPTC-G2-Standards_38.xml"/>'
        '<itemMeta><itemClass qcode="ninat:text"/><provider qcode="nprov:EXAMPLE"/>'
        '<versionCreated>2026-04-15T11:42:00Z</versionCreated>'
        '<pubStatus qcode="stat:usable"/></itemMeta>'
        f'<contentMeta><urgency>4</urgency><headline>{headline}</headline>'
        '<language tag="en"/></contentMeta>'
        f'<contentSet>{rendition}</contentSet></newsItem>'
    )


G2_RENDITIONS = {
    "inline": ('<inlineXML contenttype="application/xhtml+xml">'
               f'<html xmlns="{XHTML_NS}"><head><title>t</title></head>'
               f'<body>{B}</body></html></inlineXML>', enc_raw),
    "html": (f'<inlineData contenttype="text/html">{B}</inlineData>', enc_xml),
    "plain": (f'<inlineData contenttype="text/plain">{B}</inlineData>', enc_xml),
}
XML_DECL = '<?xml version="1.0" encoding="UTF-8"?>\n'


def _g2_message(item: str, items: str = "", root_ns: str = "") -> str:
    normal = g2_item("urn:newsml:example.com:20260415:bench-g2m-0",
                     G2_RENDITIONS["plain"][0].replace(B, "A normal item before the other."),
                     headline="Normal item", standalone=False)
    return (f'{XML_DECL}<newsMessage xmlns="{G2_NS}"{root_ns}>'
            '<header><sent>2026-04-15T11:42:00Z</sent></header>'
            f'<itemSet>{normal}{item}{items}</itemSet></newsMessage>')


RSS_HEAD = (f'{XML_DECL}<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/'
            f'content/" xmlns:dc="http://purl.org/dc/elements/1.1/"{NS}><channel>'
            '<title>Bench feed</title><link>https://example.com/</link>'
            '<description>@@C@@</description><language>en</language>')
RSS_NORMAL = ('<item><title>Normal entry</title><link>https://example.com/a/0</link>'
              '<guid>https://example.com/a/0</guid>'
              '<pubDate>Wed, 15 Apr 2026 11:42:00 GMT</pubDate>'
              '<description>A normal entry before the other.</description></item>')


def _rss(body: str) -> str:
    hostile = ('<item><title>@@H@@</title><link>https://example.com/a/1</link>'
               '<guid>https://example.com/a/1</guid>'
               '<pubDate>Wed, 15 Apr 2026 11:43:00 GMT</pubDate>'
               f'<dc:creator>Bench Reporter</dc:creator>{body}</item>')
    return f"{RSS_HEAD}{RSS_NORMAL}{hostile}{ITEMS}</channel></rss>"


ATOM_HEAD = (f'{XML_DECL}<feed xmlns="http://www.w3.org/2005/Atom"{NS}>'
             '<title>Bench feed</title><subtitle>@@C@@</subtitle><id>urn:bench:feed</id>'
             '<updated>2026-04-15T11:42:00Z</updated><link href="https://example.com/"/>')
ATOM_NORMAL = ('<entry><id>urn:bench:entry:0</id><title>Normal entry</title>'
               '<updated>2026-04-15T11:42:00Z</updated>'
               '<content type="text">A normal entry before the other.</content></entry>')


def _atom(content: str) -> str:
    hostile = ('<entry><id>urn:bench:entry:1</id><title>@@H@@</title>'
               '<updated>2026-04-15T11:43:00Z</updated>'
               f'<author><name>Bench Reporter</name></author>{content}</entry>')
    return f"{ATOM_HEAD}{ATOM_NORMAL}{hostile}{ITEMS}</feed>"


def nitf(doc_id: str, content: str, *, headline: str = H, root_ns: str = "") -> str:
    return (f'<nitf{root_ns}><head><title>{headline}</title><docdata>'
            f'<doc-id id-string="{doc_id}"/><date.issue norm="20260415T114200Z"/></docdata>'
            f'</head><body><body.head><hedline><hl1>{headline}</hl1></hedline>'
            '<byline>By Bench Reporter</byline></body.head>'
            f'<body.content>{content}</body.content></body></nitf>')


NITF_CONTENTS = {
    "inline": (B, enc_raw),
    "html": (f"<![CDATA[{B}]]>", enc_cdata),
    "plain": (f"<pre>{B}</pre>", enc_xml),
}


def newsml1_item(index: int, content: str, *, headline: str = H) -> str:
    item_id = f"bench-{index}"
    return (
        '<NewsItem><Identification><NewsIdentifier><ProviderId>example.com</ProviderId>'
        f'<DateId>20260415</DateId><NewsItemId>{item_id}</NewsItemId>'
        '<RevisionId PreviousRevision="0" Update="N">1</RevisionId>'
        f'<PublicIdentifier>urn:newsml:example.com:20260415:{item_id}:1</PublicIdentifier>'
        '</NewsIdentifier></Identification><NewsManagement>'
        '<NewsItemType FormalName="News"/><FirstCreated>20260415T114200Z</FirstCreated>'
        '<ThisRevisionCreated>20260415T114200Z</ThisRevisionCreated>'
        '<Status FormalName="Usable"/></NewsManagement><NewsComponent><NewsLines>'
        f'<HeadLine>{headline}</HeadLine></NewsLines><ContentItem>'
        '<MediaType FormalName="Text"/><Format FormalName="NITF"/><DataContent>'
        f'{nitf(item_id, content, headline=headline)}</DataContent></ContentItem>'
        '</NewsComponent></NewsItem>'
    )


def _newsml1(content: str, root_ns: str = "") -> str:
    normal = newsml1_item(0, "<p>A normal item before the other.</p>", headline="Normal item")
    return (f'{XML_DECL}<NewsML{root_ns}><NewsEnvelope><DateAndTime>20260415T114200Z'
            f'</DateAndTime></NewsEnvelope>{normal}{newsml1_item(1, content)}{ITEMS}</NewsML>')


@dataclass(frozen=True)
class Format:
    name: str
    containers: dict[str, tuple[str, Enc]]
    headline_enc: Enc
    natural: str  # container of the honest baseline article
    entry: str = "raw"  # "raw": split_raw; "text": article_from_text (drop-folder .txt)


def _clean(template: str) -> str:
    """Slots not used by a case are emptied (channel description gets a word)."""
    return template.replace(NS, "").replace(ITEMS, "").replace("@@C@@", "Bench")


FORMATS: dict[str, Format] = {
    "dpa": Format("dpa", {
        "html": (_dpa(f'<section class="main">{B}</section>'), enc_json),
        "plain": (_dpa(f"<pre>{B}</pre>"), enc_json),
    }, enc_json, "html"),
    "ninjs1": Format("ninjs1", {
        "html": (_ninjs1("body_html"), enc_json),
        "plain": (_ninjs1("body_text"), enc_json),
    }, enc_json, "html"),
    "ninjs2": Format("ninjs2", {
        "html": (_ninjs2("text/html"), enc_json),
        "plain": (_ninjs2("text/plain"), enc_json),
    }, enc_json, "html"),
    "ninjs3": Format("ninjs3", {
        "html": (_ninjs3("text/html"), enc_json),
        "plain": (_ninjs3("text/plain"), enc_json),
    }, enc_json, "html"),
    "native": Format("native", {
        "html": (_native("html"), enc_json),
        "plain": (_native("text"), enc_json),
    }, enc_json, "html"),
    "g2-item": Format("g2-item", {
        name: (XML_DECL + g2_item("urn:newsml:example.com:20260415:bench-g2", rendition,
                                  root_ns=NS), enc)
        for name, (rendition, enc) in G2_RENDITIONS.items()
    }, enc_xml, "inline"),
    "g2-message": Format("g2-message", {
        name: (_g2_message(g2_item("urn:newsml:example.com:20260415:bench-g2m-1", rendition,
                                   standalone=False)), enc)
        for name, (rendition, enc) in G2_RENDITIONS.items()
    }, enc_xml, "inline"),
    "rss": Format("rss", {
        "html": (_rss(f"<content:encoded><![CDATA[{B}]]></content:encoded>"), enc_cdata),
        "plain": (_rss(f"<content:encoded><![CDATA[<pre>{B}</pre>]]></content:encoded>"),
                  enc_cdata),
    }, enc_xml, "html"),
    "atom": Format("atom", {
        "html": (_atom(f'<content type="html">{B}</content>'), enc_xml),
        "plain": (_atom(f'<content type="text">{B}</content>'), enc_xml),
        "inline": (_atom(f'<content type="xhtml"><div xmlns="{XHTML_NS}">{B}</div></content>'),
                   enc_raw),
    }, enc_xml, "html"),
    "nitf": Format("nitf", {
        name: (XML_DECL + nitf("bench-nitf-1", content, root_ns=NS), enc)
        for name, (content, enc) in NITF_CONTENTS.items()
    }, enc_xml, "inline"),
    "newsml1": Format("newsml1", {
        name: (_newsml1(content), enc) for name, (content, enc) in NITF_CONTENTS.items()
    }, enc_xml, "inline"),
    "text": Format("text", {"plain": (f"{H}\n\n{B}", enc_raw)}, enc_raw, "plain",
                   entry="text"),
}


# -- cases ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Case:
    fmt: str
    shape: str
    build: Callable[[int], bytes]  # size in bytes -> document
    entry: str = "raw"
    note: str = ""

    @property
    def name(self) -> str:
        return f"{self.fmt}/{self.shape}"


@dataclass(frozen=True)
class Shape:
    """A hostile body (and maybe headline) that fits any format with one of ``containers``
    (the first the format has is used)."""

    name: str
    containers: tuple[str, ...]
    body: Callable[[int, str], Fill]  # (size, container) -> body fill
    headline: Fill | None = None
    formats: frozenset[str] | None = None  # None: every format with a container
    note: str = ""


COMBINING = "\u0301\u0316"  # acute (class 230), grave below (class 220), alternating


def _attributes(size: int, container: str) -> Fill:
    if container == "inline":  # XML attribute names must be unique
        return Fill(lambda i: f' a{i}="1"', head="<p", tail=">x</p>")
    return Fill(' a="1"', head="<p", tail=">x</p>")


def _tails(size: int, container: str) -> Fill:
    # Inline: <aside> is dropped from NewsML-G2 story text, its tail moved to the parent.
    return Fill("<aside/>t" if container == "inline" else "<span></span>t",
                head="<p>Text</p><p>", tail="</p>")


SHAPES: tuple[Shape, ...] = (
    Shape("combining-marks", ("plain",),
          lambda size, _: Fill(COMBINING, head="Text before the marks: a"),
          headline=Fill(COMBINING, head="a"),
          note="U+0301 U+0316 alternating in headline and body (NFC reordering)"),
    Shape("million-newlines", ("plain",), lambda size, _: Fill("a\n", head="First line\n"),
          note="a line per two bytes: ftfy fixes text line by line"),
    Shape("long-line", ("plain",), lambda size, _: Fill("x"), note="no spaces"),
    Shape("small-paragraphs", ("html", "inline"), lambda size, _: Fill("<p>a</p>")),
    Shape("char-references", ("html", "inline"), lambda size, _: Fill("&#233;")),
    Shape("nested-skip", ("html",),
          lambda size, _: Fill("<title>", head="<p>Text</p>", close="</title>"),
          note="nested <title>: text extractor's skip stack, copied per end tag"),
    Shape("skip-end-tags", ("html",),
          lambda size, _: Fill("</noscript>", head="<p>Text</p>" + "<title>" * (size // 40)),
          note="deep skip stack, then end tags it does not hold"),
    Shape("deep-html", ("html",),
          lambda size, _: Fill("<div>", head="<p>Text</p>", close="</div>")),
    Shape("unterminated", ("html",), lambda size, _: Fill("<a", head="<p>Text</p>"),
          note="<a<a<a... at end of input"),
    Shape("attributes", ("html", "inline"), _attributes, note="one element, all attributes"),
    Shape("tails", ("inline", "html"), _tails, note="elements with text after each"),
    Shape("max-depth", ("inline",),
          lambda size, _: Fill("<div>" * XML_DEPTH + "x" + "</div>" * XML_DEPTH),
          note=f"{XML_DEPTH}-deep subtrees, repeated"),
    Shape("too-deep", ("inline",), lambda size, _: Fill("<div>", close="</div>"),
          note="deeper than libxml2 allows"),
    Shape("nested-figures", ("inline",),
          lambda size, _: Fill("<figure>" * XML_DEPTH + "<img/>" + "</figure>" * XML_DEPTH,
                               head="<p>Text</p>"),
          formats=frozenset({"g2-item", "g2-message"}),
          note="each figure's subtree is walked"),
    Shape("xmlns-elements", ("inline",),
          lambda size, _: Fill(lambda i: f'<p xmlns:p{i}="urn:ns:{i}">x</p>'),
          note="a namespace declaration on every paragraph"),
)


def shape_cases() -> list[Case]:
    cases = []
    for fmt in FORMATS.values():
        def realistic(size: int, fmt: Format = fmt) -> bytes:
            template, enc = fmt.containers[fmt.natural]
            paragraph = paragraphs(fmt.name)
            plain = fmt.natural == "plain"

            def unit(index: int) -> str:
                return paragraph(index) + "\n\n" if plain else f"<p>{paragraph(index)}</p>"
            headline = paragraph(10_000)[:90].rsplit(" ", 1)[0]
            template = _clean(template).replace(H, fmt.headline_enc(headline))
            return compose(template, min(size, REALISTIC_BYTES), Slot(B, Fill(unit), enc))
        cases.append(Case(fmt.name, "realistic-500k", realistic, fmt.entry,
                          "honest article, baseline"))
        for shape in SHAPES:
            if shape.formats is not None and fmt.name not in shape.formats:
                continue
            container = next((c for c in shape.containers if c in fmt.containers), None)
            if container is None:
                continue

            def build(size: int, fmt: Format = fmt, shape: Shape = shape,
                      container: str = container) -> bytes:
                template, enc = fmt.containers[container]
                template = _clean(template)
                slots = [Slot(B, shape.body(size, container), enc)]
                if shape.headline is None:
                    template = template.replace(H, "Hostile document headline")
                else:
                    slots.append(Slot(H, shape.headline, fmt.headline_enc, size // HEADLINE_SHARE))
                return compose(template, size, *slots)
            cases.append(Case(fmt.name, shape.name, build, fmt.entry, shape.note))
    return cases


# -- structural cases: lists, nesting, namespaces, many items ------------------------

def _json_list(template: str, key_marker: str, first: str, unit: Unit, size: int) -> bytes:
    """A JSON template whose string value ``"key_marker"`` becomes a list: ``first`` and
    as many ``,unit`` as fit."""
    template = template.replace(H, "Headline").replace(B, "<p>Body text.</p>")
    template = template.replace(f'"{key_marker}"', f"[{first}{key_marker}]")
    more = (lambda i: "," + unit(i)) if callable(unit) else "," + unit
    return compose(template, size, Slot(key_marker, Fill(more)))


def _deep_json(template: str, size: int) -> bytes:
    template = template.replace(H, "Headline").replace(B, "<p>Body text.</p>")
    template = template.replace('"@@L@@"', "@@L@@")
    return compose(template, size, Slot("@@L@@", Fill("[", close="]")))


def _xmlns(i: int) -> str:
    return f' xmlns:p{i}="urn:ns:{i}"'


def rss_item(i: int) -> str:
    return (f"<item><guid>https://example.com/e/{i}</guid><title>Entry {i}</title>"
            f"<description>Entry {i} text.</description></item>")


def atom_entry(i: int) -> str:
    return (f"<entry><id>urn:bench:e:{i}</id><title>Entry {i}</title>"
            f"<updated>2026-04-15T11:42:00Z</updated>"
            f"<content type=\"text\">Entry {i} text.</content></entry>")


def g2_small_item(i: int) -> str:
    return (f'<newsItem guid="urn:newsml:example.com:20260415:i{i}"><contentMeta>'
            f'<headline>Item {i}</headline></contentMeta><contentSet>'
            f'<inlineData contenttype="text/plain">Item {i} text.</inlineData>'
            '</contentSet></newsItem>')


def newsml1_small_item(i: int) -> str:
    return newsml1_item(i + 2, f"<p>Item {i} text.</p>", headline=f"Item {i}")


def _plain(template: str) -> str:
    return template.replace(H, "Headline").replace(B, "Body text of the hostile entry.")


def structural_cases() -> list[Case]:
    cases: list[Case] = []

    def add(fmt: str, shape: str, build: Callable[[int], bytes], note: str = "") -> None:
        cases.append(Case(fmt, shape, build, FORMATS[fmt].entry, note))

    # JSON lists and nesting.
    add("dpa", "signal-categories", lambda size: _json_list(
        _dpa(B, categories="@@L@@"), "@@L@@",
        '{"type":"dnltype:pubstatus","qcode":"stat:usable"}',
        lambda i: f'{{"type":"dnltype:signal","qcode":"sig:s{i}"}}', size),
        "categories list: every dnltype:signal is a signal")
    add("dpa", "ednotes", lambda size: _json_list(
        _dpa(B, ednotes="@@L@@"), "@@L@@", '{"role":"x","ednote":"first"}',
        lambda i: f'{{"ednote":"note {i}"}}', size), "ednotes list")
    add("ninjs1", "body-keys", lambda size: compose(
        _ninjs1("body_html").replace(H, "Headline").replace(f'"{B}"', '"<p>Body</p>"@@L@@'),
        size, Slot("@@L@@", Fill(lambda i: f',"body_x{i}":"<b></b>"'))),
        "thousands of body_<x> properties holding markup without text")
    for name, template in (("ninjs2", _ninjs2("text/html", headlines="@@L@@")),
                           ("ninjs3", _ninjs3("text/html", headlines="@@L@@"))):
        add(name, "headlines-list", lambda size, template=template: _json_list(
            template, "@@L@@", '{"role":"main","value":"<b></b>"}',
            '{"role":"main","value":"<b></b>"}', size),
            "headlines array: thousands of entries with markup and no text")
    add("native", "signals-list", lambda size: _json_list(
        _native("html", signals="@@L@@"), "@@L@@", '"sig:update"',
        lambda i: f'"sig:s{i}"', size), "signals array, every entry cleaned")
    add("native", "ednotes-list", lambda size: _json_list(
        _native("html", ednotes="@@L@@"), "@@L@@", '"first"', lambda i: f'"note {i}"', size))
    for name, template in (("dpa", _dpa(B, associations="@@L@@")),
                           ("ninjs1", _ninjs1("body_html", associations="@@L@@")),
                           ("ninjs2", _ninjs2("text/html", associations="@@L@@")),
                           ("ninjs3", _ninjs3("text/html", associations="@@L@@")),
                           ("native", _native("html", extra="@@L@@"))):
        add(name, "deep-json", lambda size, template=template: _deep_json(template, size),
            "[[[[...]]]] in an unread property")

    # NewsML-G2 namespaces and items.
    g2_html = FORMATS["g2-item"].containers["inline"][0]
    add("g2-item", "xmlns-root", lambda size: compose(
        _plain(g2_html).replace(H, "Headline"), size, Slot(NS, Fill(_xmlns))),
        "namespace declarations on the item root (inherited by the story-text root)")
    nitf_root = ('<inlineXML contenttype="application/nitf+xml"><nitf' + NS + '><body>'
                 + ITEMS + '</body></nitf></inlineXML>')
    add("g2-item", "xmlns-story-roots", lambda size: compose(
        XML_DECL + g2_item("urn:newsml:example.com:20260415:bench-g2", nitf_root)
        .replace(H, "Headline"), size,
        Slot(NS, Fill(_xmlns), budget=size // 2),
        Slot(ITEMS, Fill("<body.content><p>x</p></body.content>"))),
        "declarations above many NITF body.content roots, each serialised")
    g2_message = _g2_message("", ITEMS, NS)
    add("g2-message", "many-items", lambda size: compose(
        g2_message.replace(NS, ""), size, Slot(ITEMS, Fill(g2_small_item))),
        "thousands of newsItems")
    add("g2-message", "xmlns-items", lambda size: compose(
        g2_message, size, Slot(NS, Fill(_xmlns), budget=size // 4),
        Slot(ITEMS, Fill(g2_small_item))),
        "declarations on the newsMessage root, copied into every split item")

    # Feeds.
    rss = _rss("<description>Entry text.</description>")
    atom = _atom('<content type="text">Entry text.</content>')
    for name, template, entry in (("rss", rss, rss_item), ("atom", atom, atom_entry)):
        add(name, "many-entries", lambda size, t=template, e=entry: compose(
            _plain(t).replace(NS, "").replace("@@C@@", "Bench"), size, Slot(ITEMS, Fill(e))),
            "thousands of entries, small channel")
        add(name, "big-channel", lambda size, t=template, e=entry: compose(
            _plain(t).replace(NS, ""), size,
            Slot("@@C@@", Fill("channel text "), enc_xml, budget=size // 2),
            Slot(ITEMS, Fill(e))),
            "1 MB channel description and thousands of entries (channel copied per entry)")
        add(name, "xmlns-entries", lambda size, t=template, e=entry: compose(
            _plain(t).replace("@@C@@", "Bench"), size,
            Slot(NS, Fill(_xmlns), budget=size // 4), Slot(ITEMS, Fill(e))),
            "declarations on the feed root and thousands of entries")

    # NITF and NewsML 1.x.
    nitf_template = FORMATS["nitf"].containers["inline"][0]
    add("nitf", "xmlns-root", lambda size: compose(
        nitf_template.replace(H, "Headline").replace(B, "<p>Body text.</p>"), size,
        Slot(NS, Fill(_xmlns))), "namespace declarations on the nitf root")
    newsml1 = _newsml1("<p>Body text.</p>").replace(H, "Headline")
    add("newsml1", "many-items", lambda size: compose(
        newsml1, size, Slot(ITEMS, Fill(newsml1_small_item))), "thousands of NewsItems")
    add("newsml1", "xmlns-items", lambda size: compose(
        newsml1.replace("<NewsML>", f"<NewsML{NS}>"), size,
        Slot(NS, Fill(_xmlns), budget=size // 4), Slot(ITEMS, Fill(newsml1_small_item))),
        "declarations on the NewsML root and thousands of NewsItems")
    return cases


def all_cases() -> list[Case]:
    order = {name: index for index, name in enumerate(FORMATS)}
    cases = shape_cases() + structural_cases()
    return sorted(cases, key=lambda case: order[case.fmt])  # stable: shapes first


# -- the measured child process ------------------------------------------------------

def _status_kb(pid: int | str = "self") -> dict[str, int]:
    values: dict[str, int] = {}
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
        for line in status:
            key, _, rest = line.partition(":")
            if key in ("VmHWM", "VmRSS"):
                values[key] = int(rest.split()[0])
    return values


def _reset_peak() -> bool:
    """Reset VmHWM to the current RSS (Linux >= 4.0); False when not permitted."""
    try:
        with open("/proc/self/clear_refs", "w") as clear:
            clear.write("5")
    except OSError:
        return False
    status = _status_kb()
    return status.get("VmHWM", 0) <= status.get("VmRSS", 0) + 64


def _summary(parts: list[Any], article_type: type) -> str:
    articles = sum(isinstance(part.outcome, article_type) for part in parts)
    rejected = Counter(part.outcome.reason for part in parts
                       if not isinstance(part.outcome, article_type))
    text = f"{articles} article{'s' if articles != 1 else ''}"
    if rejected:
        reasons = ", ".join(f"{reason}" + (f" x{n}" if n > 1 else "")
                            for reason, n in rejected.most_common(3))
        text += f", {sum(rejected.values())} rejected ({reasons})"
    return text


def child(path: Path, entry: str, cap: int, mem_limit_mb: int) -> None:
    """Runs in the fresh process: one document, two JSON lines on stdout."""
    if mem_limit_mb > 0:
        limit = mem_limit_mb * 2**20
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    from wirestream.processors.article import Article, RejectedInput
    from wirestream.processors.formats import article_from_text, split_raw

    payload = path.read_bytes()
    text = payload.decode("utf-8") if entry == "text" else ""
    gc.collect()
    reset = _reset_peak()
    idle = _status_kb()
    print(json.dumps({"idle_kb": idle.get("VmRSS", 0), "hwm_reset": reset}), flush=True)
    detail = ""
    started = time.perf_counter()
    cpu_started = time.process_time()
    try:
        if entry == "text":
            article_from_text(path.name, text, max_body_chars=MAX_BODY_CHARS)
            outcome = "1 article"
        else:
            parts = split_raw(payload, max_bytes=cap, max_body_chars=MAX_BODY_CHARS)
            outcome = _summary(parts, Article)
            rejections = [p.outcome for p in parts if not isinstance(p.outcome, Article)]
            detail = str(rejections[0])[:200] if rejections else ""
        status = "ok"
    except RejectedInput as exc:
        outcome, detail, status = f"rejected: {exc.reason}", str(exc)[:200], "ok"
    except MemoryError:
        outcome, status = "MemoryError", "memory"
    except Exception as exc:  # the parsers promise RejectedInput only: report, do not hide
        outcome, detail, status = f"raised {type(exc).__name__}", str(exc)[:200], "error"
    seconds = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    peak = _status_kb().get("VmHWM", 0)
    print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_kb": peak,
                      "outcome": outcome, "detail": detail, "status": status}), flush=True)


# -- the parent: run, time out, tabulate -----------------------------------------------

@dataclass
class Result:
    case: Case
    size: int
    seconds: float | None = None  # None: timed out or died
    mb: float | None = None  # above idle; a lower bound when seconds is None
    outcome: str = ""
    status: str = "ok"  # ok | timeout | memory | crash | error
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def time_for_worst(self, timeout: float) -> float:
        return timeout if self.seconds is None else self.seconds

    @property
    def over(self) -> bool:
        return (self.status != "ok" or self.seconds is None or self.seconds > TARGET_SECONDS
                or (self.mb or 0.0) > TARGET_MB)


def _reader(stream: Any, lines: queue.Queue[str | None]) -> None:
    for line in stream:
        lines.put(line)
    lines.put(None)


def measure(case: Case, size: int, cap: int, timeout: float, mem_limit_mb: int,
            workdir: Path) -> Result:
    payload = case.build(size)
    path = workdir / (case.name.replace("/", "__") + (".txt" if case.entry == "text" else ""))
    path.write_bytes(payload)
    result = Result(case, len(payload))
    stderr_path = path.with_suffix(path.suffix + ".err")
    command = [sys.executable, str(Path(__file__).resolve()), "--child", str(path),
               "--entry", case.entry, "--cap", str(cap), "--mem-limit-mb", str(mem_limit_mb)]
    with open(stderr_path, "w") as stderr:
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr, text=True,
                                cwd=ROOT)
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=_reader, args=(proc.stdout, lines), daemon=True).start()
    idle_kb = 0
    try:
        first = lines.get(timeout=60)  # imports and reading the payload
        if first is not None:
            idle_kb = json.loads(first)["idle_kb"]
            result.extra["hwm_reset"] = json.loads(first)["hwm_reset"]
            last = lines.get(timeout=timeout)
        else:
            last = None
    except queue.Empty:
        peak = _status_kb(proc.pid).get("VmHWM", 0)
        proc.kill()
        proc.wait()
        result.status, result.outcome = "timeout", f"timeout (> {timeout:g} s)"
        result.mb = max(0.0, (peak - idle_kb) / 1024) if idle_kb else None
    else:
        proc.wait()
        if last is None:
            result.status = "crash"
            result.outcome = f"crashed (exit {proc.returncode})"
            result.detail = stderr_path.read_text(errors="replace")[-300:]
        else:
            data = json.loads(last)
            result.seconds = data["seconds"]
            result.mb = max(0.0, (data["peak_kb"] - idle_kb) / 1024)
            result.outcome, result.status = data["outcome"], data["status"]
            result.detail = data["detail"]
            result.extra["cpu_seconds"] = data["cpu_seconds"]
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        with contextlib.suppress(OSError):
            path.unlink()
    return result


def _row(result: Result) -> str:
    seconds = (f"{result.seconds:8.2f}" if result.seconds is not None
               else f"{'>' + format(result.extra.get('timeout', 0), 'g'):>8}")
    if result.mb is None:
        mb = f"{'?':>8}"
    else:
        mb = f"{('>=' if result.seconds is None else '') + format(result.mb, '.0f'):>8}"
    flag = "  OVER" if result.over else ""
    return (f"{result.case.fmt:<11} {result.case.shape:<19} {result.size:>9,} {seconds} "
            f"{mb}  {result.outcome}{flag}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cap", type=int, default=DEFAULT_CAP,
                        help="max_bytes given to split_raw (default: %(default)s)")
    parser.add_argument("--size", type=int, default=None,
                        help="bytes per hostile document (default: cap - 1024)")
    parser.add_argument("--timeout", type=float, default=120.0,
                        help="seconds per document before it is killed")
    parser.add_argument("--only", default="", help="run the cases whose name contains this")
    parser.add_argument("--jobs", type=int, default=1,
                        help="documents measured in parallel (timings skew on few cores)")
    parser.add_argument("--mem-limit-mb", type=int, default=8192,
                        help="address-space cap of each child (0: none)")
    parser.add_argument("--list", action="store_true", help="list the cases and exit")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--entry", default="raw", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child is not None:
        child(args.child, args.entry, args.cap, args.mem_limit_mb)
        return
    size = args.size or args.cap - 1024
    cases = [case for case in all_cases() if args.only in case.name]
    if args.list:
        for case in cases:
            print(f"{case.name:<32} {case.note}")
        return
    print(f"parsers: {ROOT}/processors")
    print(f"{len(cases)} documents of {size:,} bytes (cap {args.cap:,}; baselines "
          f"{min(size, REALISTIC_BYTES):,}), timeout {args.timeout:g} s, "
          f"{os.cpu_count()} cores, {args.jobs} at a time", flush=True)
    print(f"{'format':<11} {'case':<19} {'bytes':>9} {'seconds':>8} {'MB>idle':>8}  outcome",
          flush=True)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="wirestream-parse-cost-") as tmp:
        def run(case: Case) -> Result:
            result = measure(case, size, args.cap, args.timeout, args.mem_limit_mb, Path(tmp))
            result.extra["timeout"] = args.timeout
            return result

        if args.jobs <= 1:
            for case in cases:
                results.append(run(case))
                print(_row(results[-1]), flush=True)
        else:
            from concurrent.futures import ThreadPoolExecutor
            with ThreadPoolExecutor(args.jobs) as pool:
                for result in pool.map(run, cases):
                    results.append(result)
                    print(_row(result), flush=True)
    if not results:
        print(json.dumps({"bench": "parse_cost", "cases": 0}))
        return
    worst_time = max(results, key=lambda r: r.time_for_worst(args.timeout))
    worst_mem = max(results, key=lambda r: r.mb or 0.0)
    over = [r for r in results if r.over]
    worst_seconds = worst_time.time_for_worst(args.timeout)
    worst_mb = worst_mem.mb or 0.0
    timed_out = [r for r in results if r.seconds is None]
    print()
    print(f"worst time:   {'>' if worst_time.seconds is None else ''}{worst_seconds:.2f} s "
          f"({worst_time.case.name}); target <= {TARGET_SECONDS:g} s")
    print(f"worst memory: {'>=' if worst_mem.seconds is None else ''}{worst_mb:.0f} MB above "
          f"idle ({worst_mem.case.name}); target <= {TARGET_MB:g} MB")
    print(f"{len(over)} of {len(results)} documents over target ({len(timed_out)} timed out "
          f"at {args.timeout:g} s)" + ("" if over else ": within target"))
    if any(r.extra.get("hwm_reset") is False for r in results):
        print("note: /proc/self/clear_refs refused; memory is VmHWM - VmRSS before the parse")
    print(json.dumps({
        "bench": "parse_cost", "worst_seconds": round(worst_seconds, 3),
        "worst_mb": round(worst_mb, 1), "target_seconds": TARGET_SECONDS,
        "target_mb": TARGET_MB, "within_target": not over, "cases": len(results),
        "timeouts": len(timed_out), "size": size, "cap": args.cap,
        "over_target": [r.case.name for r in over],
    }))


if __name__ == "__main__":
    main()
