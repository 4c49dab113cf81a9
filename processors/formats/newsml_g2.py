"""IPTC NewsML-G2 (https://iptc.org/standards/newsml-g2/): ``newsItem`` documents and
``newsMessage`` envelopes carrying several items.

Mapping (paths below the item; the NAR namespace or none, as TT sends it):

* ``@guid`` -> id; ``@version`` -> version (default 1); ``contentMeta/language/@tag``,
  else ``@xml:lang`` -> language.
* provider: the naming authority of a ``urn:newsml:<authority>:`` guid (as for dpa and
  ninjs), else ``itemMeta/provider`` (its name, else the code of its qcode).
* ``itemMeta``:
  ``versionCreated``, ``firstCreated``, ``embargoed``; ``pubStatus/@qcode``
  (``stat:usable|withheld|canceled``); every ``signal/@qcode`` (``sig:update``,
  ``sig:correction``, the vocabulary ``wirestream.processors.versions`` reads) -> signals;
  ``edNote`` -> ednotes, except dpa's contact lists, closing line, photo-production note
  and XHTML notepad (as the dpa JSON parser does).
* ``contentMeta``: ``urgency``; ``headline`` (main role / best rank first); ``by`` ->
  byline (else the NITF ``byline``); ``dateline``, else the name of ``located``.
* body: the first ``contentSet`` rendition with text: ``inlineXML`` with XHTML/HTML (the
  ``body``) or NITF (``body.content``), or ``inlineData`` with text/plain or HTML.
  Paragraphs become lines, as for dpa's ``article_html``. Left out as not story text:
  XHTML ``header`` (headline, kicker, byline: separate fields), ``aside`` and photo
  ``figure``s (image, caption, credit; a figure wrapping a table stays), NITF
  ``body.head``/``body.end``, elements of class ``teaser`` (a summary restating the lead,
  see ``dpa``), ``dateline`` (the dateline field), ``infobox``/``linkbox`` (side boxes),
  and a first line that only repeats the headline.
* Picture/graphic/video/audio items (``itemClass`` ``ninat:picture`` ...) carry no
  article text: ``empty_body`` unless canceled (a kill), like ninjs media items.
  Package, concept, knowledge, planning and catalog items are not articles, nor is a
  text item whose only content is another XML vocabulary (SportsML statistics, event
  concepts): ``unsupported_item``.
* ``subjects`` (``contentMeta/subject``) is available through ``subjects()``; the
  canonical Article has no field for them yet.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from urllib.parse import urlsplit

from lxml import etree

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import common as c
from wirestream.processors.formats import nitf
from wirestream.processors.formats.xml_text import inline_text, story_text
from wirestream.processors.text import html_to_text, unwrap_hard_lines

SOURCE_FORMAT = "newsml-g2"
NAR = "http://iptc.org/std/nar/2006-10-01/"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
CONTENT_TYPE = "application/vnd.iptc.g2.newsitem+xml"

ITEM_TAGS = frozenset({"newsItem", "packageItem", "conceptItem", "knowledgeItem",
                       "planningItem", "catalogItem"})
ROOT_TAGS = ITEM_TAGS | {"newsMessage"}
MEDIA_CLASSES = frozenset({"picture", "graphic", "video", "audio", "animation"})

_NOT_ARTICLES = {
    "packageItem": "a package only references other items (its text items come on their own)",
    "conceptItem": "a concept item describes a person, event or term, not news content",
    "knowledgeItem": "a knowledge item carries concepts and vocabularies, not news content",
    "planningItem": "a planning item announces coverage, it carries no story",
    "catalogItem": "a catalog item lists vocabularies, it carries no story",
}
# dpa edNote roles that are not editorial notes (see wirestream.processors.formats.dpa).
_SKIPPED_EDNOTE_ROLES = frozenset({
    "dpaednoterole:contacts", "dpaednoterole:dpacontacts", "dpaednoterole:closingline",
    "dpaednoterole:picture", "dpaednoterole:notepad",
})
_DROPPED_MARKUP = frozenset({"header", "aside", "head", "body.head", "body.end", "script",
                             "style"})
# teaser: a summary restating the lead; dateline: its own field; infobox/linkbox: side
# boxes (dpa's infobox_html/linkbox_html, which the dpa JSON parser leaves out too).
_DROPPED_CLASSES = frozenset({"teaser", "dateline", "infobox", "linkbox"})
_PROSE_ROOTS = frozenset({"html", "body", "nitf", "div", "p", "section", "article", "main"})
_MEDIA_MARKUP = frozenset({"img", "picture", "video", "audio", "object", "iframe"})
# Controlled-vocabulary URIs equivalent to the qcodes we read (IPTC NewsCodes).
_CV_ALIASES = {
    "http://cv.iptc.org/newscodes/signal/": "sig:",
    "http://cv.iptc.org/newscodes/pubstatusg2/": "stat:",
    "http://cv.iptc.org/newscodes/ninature/": "ninat:",
}
_DIGITS = re.compile(r"\s*[0-9]+\s*")


# -- tree helpers ------------------------------------------------------------------

def local(element: etree._Element) -> str:
    """Local name of an element ("" for comments/PIs)."""
    tag = element.tag
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def _is_g2(element: etree._Element) -> bool:
    tag = element.tag
    return isinstance(tag, str) and (not tag.startswith("{") or tag.startswith("{" + NAR))


def _children(parent: etree._Element | None, name: str) -> list[etree._Element]:
    if parent is None:
        return []
    return [child for child in parent if local(child) == name and _is_g2(child)]


def _child(parent: etree._Element | None, name: str) -> etree._Element | None:
    found = _children(parent, name)
    return found[0] if found else None


def _text(element: etree._Element | None) -> str | None:
    """All text inside an element (inline markup flattened), or None when absent/blank."""
    return inline_text(element)


def _code(element: etree._Element | None, attribute: str = "qcode") -> str | None:
    """A qcode, or the qcode equivalent of an IPTC NewsCodes ``uri``."""
    if element is None:
        return None
    value = (element.get(attribute) or "").strip()
    if value:
        return value
    uri = (element.get("uri") or "").strip()
    for prefix, scheme in _CV_ALIASES.items():
        if uri.startswith(prefix) and len(uri) > len(prefix):
            return scheme + uri[len(prefix):].strip("/")
    return uri or None


# -- document level ----------------------------------------------------------------

def items(root: etree._Element) -> list[etree._Element]:
    """The items of a NewsML-G2 document: the root item, or a newsMessage's itemSet."""
    name = local(root)
    if name in ITEM_TAGS:
        return [root]
    if name != "newsMessage":
        raise RejectedInput("unknown_format", f"XML root <{name}> is not a NewsML-G2 item")
    found = [item for item_set in _children(root, "itemSet") for item in item_set
             if local(item) in ITEM_TAGS]
    if not found:
        raise RejectedInput("empty_body", "newsMessage carries no items")
    return found


def parse_items(root: etree._Element, *, max_body_chars: int
                ) -> Iterator[Article | RejectedInput]:
    """One outcome per item, in document order; never raises for a single bad item."""
    for item in items(root):
        try:
            yield parse_item(item, max_body_chars=max_body_chars)
        except RejectedInput as exc:
            yield exc


def subjects(item: etree._Element) -> list[tuple[str | None, str | None]]:
    """(qcode, name) of each ``contentMeta/subject``."""
    return [(_code(subject), _text(_child(subject, "name")))
            for subject in _children(_child(item, "contentMeta"), "subject")]


# -- one item ----------------------------------------------------------------------

def _provider(item_meta: etree._Element | None, guid: str) -> str | None:
    # The guid's naming authority first, as for dpa and ninjs: a distributor (dpa) is the
    # <provider> of partner agencies' items (urn:newsml:ap.org:...), not their source.
    parts = guid.split(":")
    if len(parts) > 3 and parts[0].lower() == "urn" and parts[1].lower() == "newsml" and parts[2]:
        return parts[2]
    provider = _child(item_meta, "provider")
    if provider is not None:
        if name := _text(_child(provider, "name")):
            return name
        if qcode := (provider.get("qcode") or "").strip():
            return qcode.split(":", 1)[-1] or None
        if literal := (provider.get("literal") or "").strip():
            return literal
        if uri := (provider.get("uri") or "").strip():
            return (urlsplit(uri).hostname or "").removeprefix("www.") or None
    return None


def _ednotes(item_meta: etree._Element | None) -> list[str]:
    notes = []
    for note in _children(item_meta, "edNote"):
        if (note.get("role") or "").strip() in _SKIPPED_EDNOTE_ROLES:
            continue
        if text := _text(note):
            notes.append(text)
    return notes


def _headline(content_meta: etree._Element | None) -> str:
    candidates = []
    for index, element in enumerate(_children(content_meta, "headline")):
        role = (element.get("role") or "").strip().lower()
        rank = element.get("rank") or ""
        main = 0 if role in ("", "hdrl:main", "main") else 1
        candidates.append((main, int(rank) if _DIGITS.fullmatch(rank) else 0, index,
                           _text(element) or ""))
    for *_, text in sorted(candidates):
        if c.has_text(text):
            return text
    return ""


def _urgency(content_meta: etree._Element | None) -> int | None:
    text = _text(_child(content_meta, "urgency"))
    if text is None:
        return None
    if not _DIGITS.fullmatch(text):
        c.reject("invalid_field", f"urgency: {text[:40]!r} is not an integer")
    return c.urgency(int(text), "urgency")


def _classes(element: etree._Element) -> set[str]:
    return set((element.get("class") or "").lower().split())


_MEDIA_ANYWHERE = tuple(f"{{*}}{name}" for name in _MEDIA_MARKUP)


def _dropped(element: etree._Element) -> bool:
    name = local(element)
    if name in _DROPPED_MARKUP or _classes(element) & _DROPPED_CLASSES:
        return True
    if name == "figure":
        # A photo with caption and credit is not story text; a figure wrapping a table is.
        has_media = next(element.iter(*_MEDIA_ANYWHERE), None) is not None
        return has_media and next(element.iter("{*}table"), None) is None
    return False


def _markup_text(container: etree._Element) -> str:
    """Story text of an ``inlineXML`` rendition (XHTML, HTML or NITF), read in one walk
    of the tree (no re-serialisation, no tree surgery)."""
    roots = list(container.iter("{*}body.content"))
    if not roots:
        body = next(container.iter("{*}body"), None)
        roots = [body if body is not None else container]
    return "\n".join(text for root in roots if (text := story_text(root, _dropped)))


def _readable_xml(rendition: etree._Element, ctype: str) -> bool:
    """XHTML, HTML or NITF: prose. Other vocabularies (SportsML, event concepts) are data."""
    if ctype:
        return any(hint in ctype for hint in ("html", "nitf"))
    first = next((e for e in rendition if isinstance(e.tag, str)), None)
    return first is None or local(first) in _PROSE_ROOTS


def _body(item: etree._Element) -> tuple[str, list[str]]:
    """(story text of the first rendition that has some, content types we cannot read)."""
    unreadable: list[str] = []
    renditions = [r for content_set in _children(item, "contentSet") for r in content_set]
    for rendition in renditions:
        name = local(rendition)
        ctype = (rendition.get("contenttype") or "").split(";")[0].strip().lower()
        if name == "inlineXML":
            if not _readable_xml(rendition, ctype):
                unreadable.append(ctype or "inline XML data")
                continue
            text = _markup_text(rendition)
        elif name == "inlineData" and not rendition.get("encoding"):
            raw = rendition.text or ""
            markup = c.looks_like_markup(raw)
            if ctype == "text/plain" and markup:
                # "Plain" text with <p> tags around hard-wrapped lines (ANSA): read as
                # HTML whose line breaks still count, so wrapped lines can be rejoined.
                text = html_to_text(f"<pre>{raw}</pre>")
            elif ctype == "text/plain" or (not ctype and not markup):
                text = unwrap_hard_lines(raw)
            else:
                text = html_to_text(raw)
        else:  # remoteContent: a reference we do not fetch
            continue
        if c.has_text(text):
            return text, unreadable
    return "", unreadable


def _embedded_nitf(item: etree._Element) -> etree._Element | None:
    for content_set in _children(item, "contentSet"):
        if (found := next(content_set.iter("{*}nitf"), None)) is not None:
            return found
    return None


def _nitf_byline(item: etree._Element) -> str | None:
    for content_set in _children(item, "contentSet"):
        if (found := next(content_set.iter("{*}byline"), None)) is not None:
            return inline_text(found, spaced=True)
    return None


def parse_item(item: etree._Element, *, max_body_chars: int) -> Article:
    kind = local(item)
    if kind != "newsItem":
        c.reject("unsupported_item", f"{kind}: {_NOT_ARTICLES.get(kind, 'not a news item')}")
    guid = c.story_id(item.get("guid"), "newsItem@guid")
    item_meta = _child(item, "itemMeta")
    content_meta = _child(item, "contentMeta")
    item_class = _code(_child(item_meta, "itemClass")) or ""
    status = c.pub_status(_code(_child(item_meta, "pubStatus")), "pubStatus")
    headline = _headline(content_meta)
    if not c.has_text(headline) and (embedded := _embedded_nitf(item)) is not None:
        headline = nitf.headline(embedded)  # hl1, hedline or head/title inside the NITF
    media = item_class.split(":", 1)[-1].lower() in MEDIA_CLASSES
    if media:
        if status != "canceled":
            c.reject("empty_body", f"{item_class} item: no article text (media and caption)")
        body = ""
    else:
        text, unreadable = _body(item)
        if not c.has_text(text) and unreadable and status != "canceled":
            c.reject("unsupported_item", f"{item_class or 'newsItem'} content is "
                     f"{', '.join(unreadable)}: structured data, not article text")
        body = c.drop_repeated_headline(text, headline)
    language_tag = _child(content_meta, "language")
    language = (language_tag.get("tag") if language_tag is not None else None) or item.get(
        XML_LANG)
    dateline = inline_text(_child(content_meta, "dateline"), spaced=True) or _text(
        _child(_child(content_meta, "located"), "name"))
    return c.build_article(
        id=guid,
        version=c.version_number(item.get("version"), "newsItem@version", allow_str=True),
        source_format=SOURCE_FORMAT,
        headline=headline,
        body=body,
        max_body_chars=max_body_chars,
        provider=_provider(item_meta, guid),
        language=c.language(language, "language"),
        pub_status=status,
        signals=[code for s in _children(item_meta, "signal") if (code := _code(s))],
        version_created=c.iso_date(_text(_child(item_meta, "versionCreated")),
                                   "versionCreated"),
        first_created=c.iso_date(_text(_child(item_meta, "firstCreated")), "firstCreated"),
        embargoed_until=c.iso_date(_text(_child(item_meta, "embargoed")), "embargoed"),
        byline=inline_text(_child(content_meta, "by"), spaced=True) or _nitf_byline(item),
        dateline=dateline,
        urgency=_urgency(content_meta),
        ednotes=_ednotes(item_meta),
    )


def item_bytes(item: etree._Element) -> bytes:
    """One item as a standalone document (namespaces carried over), for splitting a
    newsMessage into one raw message per item."""
    document: bytes = etree.tostring(item, encoding="UTF-8", xml_declaration=True)
    return document
