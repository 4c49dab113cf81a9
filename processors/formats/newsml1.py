"""IPTC NewsML 1.x (1.0-1.2): ``<NewsML>`` documents carrying one or more ``NewsItem``s,
each its own article.

Mapping (paths below the ``NewsItem``):

* id = the ``PublicIdentifier`` without its revision
  (``urn:newsml:<provider>:<date>:<item>``), so every revision of a story has the same
  id (the Kafka key) and ``RevisionId`` is the version; else one built from the
  NewsIdentifier parts (when the PublicIdentifier is a constant, as Belga's); else the
  item's or its first NewsComponent's ``@Duid``.
* provider = ``ProviderId``, else ``AdministrativeMetadata/Provider/Party/@FormalName``.
* ``NewsManagement``: ``FirstCreated``, ``ThisRevisionCreated``, ``Status`` (Usable,
  Embargoed, Withheld, Canceled), ``StatusWillChange/DateAndTime`` (the embargo end when
  embargoed), ``Urgency`` (else the envelope's ``Priority``), ``Instruction``
  (Update/Correction/Rectify -> ``sig:update``/``sig:correction``).
* ``NewsLines``: ``HeadLine`` (else the embedded NITF's headline, else ``NameLabel``),
  ``ByLine``, ``DateLine``; ``DescriptiveMetadata/Language`` (else ``xml:lang``).
* body = the ``ContentItem``s that are not photo/graphic/video/audio, in document
  order: embedded NITF, XHTML, or text in ``DataContent`` (HTML in CDATA read as HTML).
  Photo/graphic/video/audio content is not article text: an item with no text is
  ``empty_body`` (unless canceled); ``Href`` references are not fetched.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterator

from lxml import etree

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import common as c
from wirestream.processors.formats import nitf
from wirestream.processors.formats.xml_text import child as _child
from wirestream.processors.formats.xml_text import inline_text, local, story_text
from wirestream.processors.formats.xml_text import path as _path

SOURCE_FORMAT = "newsml-1"
CONTENT_TYPE = "application/vnd.iptc.newsml+xml"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
_STATUS = {"usable": "usable", "embargoed": "usable", "withheld": "withheld",
           "canceled": "canceled", "cancelled": "canceled"}
_SIGNALS = {"update": "sig:update", "correction": "sig:correction",
            "rectify": "sig:correction", "rectification": "sig:correction"}
_REVISION_SUFFIX = re.compile(r":[0-9]+[NUA]?$")


def _formal(element: etree._Element | None) -> str | None:
    if element is None:
        return None
    value = (element.get("FormalName") or "").strip()
    return value or None


def _first(item: etree._Element, name: str) -> etree._Element | None:
    """The first descendant called ``name`` (NewsLines sit in nested components)."""
    return next((e for e in item.iter(name, "{*}" + name)), None)


def items(root: etree._Element) -> list[etree._Element]:
    found = [e for e in root if local(e) == "NewsItem"]
    if not found:
        raise RejectedInput("empty_body", "NewsML document carries no NewsItem")
    return found


def envelope(root: etree._Element) -> etree._Element | None:
    return _child(root, "NewsEnvelope")


def item_document(root: etree._Element, item: etree._Element) -> bytes:
    """One NewsItem as a NewsML document of its own (the root and envelope kept)."""
    single = etree.Element(root.tag, dict(root.attrib), nsmap=root.nsmap)
    if (envelope_element := envelope(root)) is not None:
        single.append(copy.deepcopy(envelope_element))
    single.append(copy.deepcopy(item))
    document: bytes = etree.tostring(single, encoding="UTF-8", xml_declaration=True)
    return document


def parse_items(root: etree._Element, *, max_body_chars: int
                ) -> Iterator[Article | RejectedInput]:
    """One outcome per NewsItem, in document order."""
    envelope = _child(root, "NewsEnvelope")
    for item in items(root):
        try:
            yield parse_item(item, envelope, max_body_chars=max_body_chars)
        except RejectedInput as exc:
            yield exc


def _story_id(item: etree._Element) -> tuple[str | None, str | None, str | None]:
    """(id, provider id, revision)"""
    ident = _path(item, "Identification", "NewsIdentifier")
    parts = {name: inline_text(_child(ident, name)) for name in
             ("ProviderId", "DateId", "NewsItemId", "RevisionId", "PublicIdentifier")}
    provider, date_id, item_id = parts["ProviderId"], parts["DateId"], parts["NewsItemId"]
    story: str | None
    public = _REVISION_SUFFIX.sub("", parts["PublicIdentifier"] or "")
    if public.count(":") >= 4:  # urn:newsml:provider:date:item, the provider's own form
        story = public
    elif provider and date_id and item_id:
        story = f"urn:newsml:{provider}:{date_id}:{item_id}"
    else:
        component = _child(item, "NewsComponent")
        duids = (item.get("Duid"), component.get("Duid") if component is not None else None)
        story = next((d.strip() for d in duids if d and d.strip()), None)
    return story, provider, parts["RevisionId"]


_NOT_TEXT = frozenset({"photo", "picture", "image", "graphic", "video", "audio", "animation"})


def _text_items(item: etree._Element) -> Iterator[etree._Element]:
    """DataContent of each ContentItem that is not a photo, graphic, video or audio
    (MediaType Text, or ComplexData with an NITF MimeType, as TASS sends)."""
    for content in item.iter("ContentItem", "{*}ContentItem"):
        media = (_formal(_child(content, "MediaType")) or "text").lower()
        mime = (_formal(_child(content, "MimeType")) or "").lower()
        data = _child(content, "DataContent")
        if data is not None and media not in _NOT_TEXT and not mime.startswith(
                ("image/", "video/", "audio/")):
            yield data


def _content_text(data: etree._Element) -> str:
    embedded = next((e for e in data.iter("nitf", "{*}nitf")), None)
    if embedded is not None:
        return nitf.story(embedded)
    return story_text(data)


def _body(item: etree._Element) -> tuple[str, etree._Element | None]:
    """(story text, the embedded NITF if any)"""
    texts, embedded = [], None
    for data in _text_items(item):
        if embedded is None:
            embedded = next((e for e in data.iter("nitf", "{*}nitf")), None)
        if text := _content_text(data):
            texts.append(text)
    return "\n".join(texts), embedded


def _urgency(item: etree._Element, envelope: etree._Element | None) -> int | None:
    value = _formal(_path(item, "NewsManagement", "Urgency")) or _formal(
        _child(envelope, "Priority"))
    if value is None or not value.isdigit():
        return None
    return c.urgency(int(value), "Urgency")


def parse_item(item: etree._Element, envelope: etree._Element | None, *,
               max_body_chars: int) -> Article:
    story, provider_id, revision = _story_id(item)
    management = _child(item, "NewsManagement")
    status_name = (_formal(_child(management, "Status")) or "usable").lower()
    # Providers add their own values (Belga: "open"); only the known ones hold a
    # story back or kill it, anything else is a usable story.
    status = _STATUS.get(status_name, "usable")
    embargo = None
    if status_name == "embargoed":
        embargo = c.sent_date(inline_text(_path(management, "StatusWillChange", "DateAndTime")),
                              "StatusWillChange/DateAndTime", guards_release=True)
    signals = [_SIGNALS[name.lower()] for e in (management if management is not None else ())
               if local(e) == "Instruction" and (name := _formal(e))
               and name.lower() in _SIGNALS]
    body, embedded = _body(item)
    headline = inline_text(_first(item, "HeadLine")) or ""
    if not c.has_text(headline) and embedded is not None:
        headline = nitf.headline(embedded)
    if not c.has_text(headline):
        headline = inline_text(_path(item, "Identification", "NameLabel")) or ""
    party = _path(_first(item, "AdministrativeMetadata"), "Provider", "Party")
    language = _formal(_child(_first(item, "DescriptiveMetadata"), "Language")) or next(
        (value for e in (item, _child(item, "NewsComponent"))
         if e is not None and (value := e.get(XML_LANG))), None)
    byline = inline_text(_first(item, "ByLine"), spaced=True)
    if byline is None and embedded is not None:
        byline = nitf.byline(embedded)
    return c.build_article(
        id=c.story_id(story, "NewsIdentifier"),
        version=c.version_number(revision, "RevisionId", allow_str=True),
        source_format=SOURCE_FORMAT,
        headline=headline,
        body=c.drop_repeated_headline(body, headline),
        max_body_chars=max_body_chars,
        provider=provider_id or _formal(party),
        language=c.language(language, "Language"),
        pub_status=status,
        signals=signals,
        version_created=c.sent_date(inline_text(_child(management, "ThisRevisionCreated")),
                                    "ThisRevisionCreated"),
        first_created=c.sent_date(inline_text(_child(management, "FirstCreated")),
                                  "FirstCreated"),
        embargoed_until=embargo,
        byline=byline,
        dateline=inline_text(_first(item, "DateLine"), spaced=True),
        urgency=_urgency(item, envelope),
    )
