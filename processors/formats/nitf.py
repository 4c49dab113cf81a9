"""IPTC NITF 3.x (https://iptc.org/standards/nitf/): a bare ``<nitf>`` document, and the
NITF that NewsML 1.x and NewsML-G2 items carry inside.

Mapping (paths below ``nitf``; the NITF namespace or none):

* id = ``head/docdata/doc-id/@id-string``, else ``docdata/du-key/@key`` (the key that
  ties versions of a story together), else a fallback made from what identifies the
  document (provider, issue date, headline): ``nitf:<digest>``, so a redelivery of the
  same file gets the same id.
* version = ``du-key/@version``, else 1.
* provider = ``doc-id/@regsrc``, else ``doc.copyright/@holder``, else
  ``body.head/distributor``.
* ``docdata/date.issue/@norm`` -> version_created,
  ``date.release/@norm`` -> embargoed_until when the status says embargoed or the
  release is a separate time, ``@management-status`` (usable, embargoed, withheld,
  canceled) -> pub_status, ``urgency/@ed-urg`` -> urgency, ``ed-msg/@info`` -> ednotes,
  ``correction`` -> the ``sig:correction`` signal. Dates may be ISO 8601 basic
  (``20240131T123000Z``) or extended.
* headline = ``body.head/hedline/hl1``, else the whole ``hedline``, else ``head/title``.
* byline = each ``body.head/byline``, pieces spaced as written (person, title, place);
  dateline = ``body.head/dateline``.
* body = ``body/body.content``: paragraphs, tables as rows of cells; photos (``media``)
  left out; HTML sent inside CDATA read as HTML.
* language = ``xml:lang`` (or ``lang``, ``baselang``) on ``nitf``, ``body`` or ``body.content``.
"""

from __future__ import annotations

import hashlib

from lxml import etree

from wirestream.processors.article import Article
from wirestream.processors.formats import common as c
from wirestream.processors.formats.xml_text import child as _child
from wirestream.processors.formats.xml_text import inline_text, local, story_text
from wirestream.processors.formats.xml_text import path as _path

SOURCE_FORMAT = "nitf"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_DROPPED = frozenset({"media", "body.head", "body.end"})
_STATUS = {"usable": "usable", "embargoed": "usable", "withheld": "withheld",
           "canceled": "canceled", "cancelled": "canceled"}


def _attr(element: etree._Element | None, name: str) -> str | None:
    if element is None:
        return None
    value = (element.get(name) or "").strip()
    return value or None


def headline(nitf: etree._Element) -> str:
    """hl1, else the whole hedline, else head/title ("" when none has text)."""
    hedline = _path(nitf, "body", "body.head", "hedline")
    for candidate in (_child(hedline, "hl1"), hedline, _path(nitf, "head", "title")):
        text = inline_text(candidate)
        if text and c.has_text(text):
            return text
    return ""


def _dropped(element: etree._Element) -> bool:
    return local(element) in _DROPPED


def story(nitf: etree._Element) -> str:
    """The story text of ``body.content`` (every one, in order)."""
    contents = [e for e in nitf.iter("{*}body.content", "body.content")]
    return "\n".join(text for root in contents if (text := story_text(root, _dropped)))


def byline(nitf: etree._Element) -> str | None:
    head = _path(nitf, "body", "body.head")
    lines = [text for e in (head if head is not None else ()) if local(e) == "byline"
             and (text := inline_text(e, spaced=True))]
    return "; ".join(dict.fromkeys(lines)) or None


def dateline(nitf: etree._Element) -> str | None:
    return inline_text(_path(nitf, "body", "body.head", "dateline"), spaced=True)


def language(nitf: etree._Element) -> str | None:
    body = _child(nitf, "body")
    for element in (nitf, body, _child(body, "body.content")):
        if element is None:
            continue
        value = element.get(XML_LANG) or element.get("lang") or element.get("baselang")
        if isinstance(value, str) and value.strip():
            return value.strip()
    return None


def _date(element: etree._Element | None, field: str, *, guards_release: bool = False
          ) -> str | None:
    return c.sent_date(_attr(element, "norm") or inline_text(element), field,
                       guards_release=guards_release)


def _fallback_id(provider: str | None, issued: str | None, title: str, body: str) -> str:
    # Same document, same id: what a redelivery repeats, nothing a receiver adds.
    basis = "\x1f".join((provider or "", issued or "", title or body[:2000]))
    return "nitf:" + hashlib.sha256(basis.encode("utf-8", "replace")).hexdigest()[:24]


def parse(nitf: etree._Element, *, max_body_chars: int) -> Article:
    docdata = _path(nitf, "head", "docdata")
    doc_id = _child(docdata, "doc-id")
    du_key = _child(docdata, "du-key")
    provider = (_attr(doc_id, "regsrc") or _attr(_child(docdata, "doc.copyright"), "holder")
                or inline_text(_path(nitf, "body", "body.head", "distributor")))
    status_text = (_attr(docdata, "management-status") or "usable").lower()
    # Providers add their own values (Belga: "open"); only the known ones hold a
    # story back or kill it, anything else is a usable story.
    status = _STATUS.get(status_text, "usable")
    issued = _date(_child(docdata, "date.issue"), "date.issue")
    release = _date(_child(docdata, "date.release"), "date.release", guards_release=True)
    title = headline(nitf)
    body = story(nitf)
    story_id = _attr(doc_id, "id-string") or _attr(du_key, "key") or _fallback_id(
        provider, issued, title, body)
    urgency_text = _attr(_child(docdata, "urgency"), "ed-urg")
    ednotes = [note for e in (docdata if docdata is not None else ())
               if local(e) == "ed-msg" and (note := _attr(e, "info") or inline_text(e))]
    signals = ["sig:correction"] if _child(docdata, "correction") is not None else []
    return c.build_article(
        id=c.story_id(story_id, "doc-id@id-string"),
        version=c.version_number(_attr(du_key, "version"), "du-key@version", allow_str=True),
        source_format=SOURCE_FORMAT,
        headline=title,
        body=c.drop_repeated_headline(body, title),
        max_body_chars=max_body_chars,
        provider=provider,
        language=c.language(language(nitf), "xml:lang"),
        pub_status=status,
        signals=signals,
        version_created=issued,
        embargoed_until=release if release and release != issued else None,
        byline=byline(nitf),
        dateline=dateline(nitf),
        urgency=c.urgency(int(urgency_text), "urgency@ed-urg")
        if urgency_text and urgency_text.isdigit() else None,
        ednotes=ednotes,
    )
