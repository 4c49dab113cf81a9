"""IPTC ninjs 1.x, 2.x and 3.x (https://iptc.org/standards/ninjs/).

Differences handled here:

* 1.x: ``headline`` / ``headline_<x>``, ``body_<x>`` (``body_text``, ``body_html`` ...),
  ``description_<x>``, ``byline``, lowercase names (``versioncreated``, ``pubstatus``,
  ``embargoed``, ``copyrightholder``, ``ednote``).
* 2.x: arrays ``headlines[]`` / ``bodies[]`` / ``descriptions[]`` with ``role`` and
  ``contenttype``, ``by``; still lowercase.
* 3.x: the same arrays, camelCase names (``versionCreated``, ``pubStatus``,
  ``embargoedUntil``, ``copyrightHolder``, ``edNote``, ``contentType``).

The id is ``uri``, else ``guid`` (Superdesk's ninjs and some agencies send only that).
The major version comes from ``$schema`` / ``standard.schema`` / ``$standard`` when
present, else from the property names. Lookups fall back to the other spelling, since
real feeds mix them. ``version`` is a string in ninjs ("2") and is parsed as an int.
"""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from wirestream.processors.article import Article
from wirestream.processors.formats import common as c
from wirestream.processors.text import html_to_text, unwrap_hard_lines

TYPES = frozenset({
    "text", "audio", "video", "picture", "graphic", "composite", "component", "event",
    "planning",
})
# Items whose bodies/descriptions are captions or shot lists, not article text.
MEDIA_TYPES = frozenset({"picture", "graphic", "audio", "video"})

_SCHEMA_VERSION = re.compile(r"ninjs-schema_(\d+)\.\d+")
_STANDARD_VERSION = re.compile(r"(\d+)(?:\.\d+)*")
_V3_KEYS = frozenset({
    "versionCreated", "firstCreated", "contentCreated", "pubStatus", "embargoedUntil",
    "copyrightHolder", "copyrightNotice", "usageTerms", "edNote", "altIds",
    "representationType", "infoSources", "rightsInfo", "trustIndicators", "eventDetails",
    "plannedCoverage",
})
_V2_KEYS = frozenset({
    "headlines", "bodies", "descriptions", "by", "people", "organisations", "places",
    "subjects", "objects", "events", "genres", "infosources", "altids", "trustindicators",
    "standard",
})
# Properties that mark a document as ninjs even without "uri" (used by detection).
MARKER_KEYS = frozenset({"headlines", "bodies", "body_text", "body_html", "body_xhtml"})

# 1.x body_<x> properties in order of preference; other body_<x> are sniffed.
_PLAIN_BODY_KEYS = ("body_text", "body_main")
_MARKUP_BODY_KEYS = ("body_html", "body_xhtml", "body_richtext")


def is_ninjs_schema(doc: dict[str, Any]) -> bool:
    """True when ``$schema`` or ``standard``/``$standard`` names ninjs."""
    return _declared_major(doc) is not None


def _declared_major(doc: dict[str, Any]) -> int | None:
    schema = doc.get("$schema")
    if isinstance(schema, str) and (found := _SCHEMA_VERSION.search(schema)):
        return int(found.group(1))
    for key in ("standard", "$standard"):
        standard = doc.get(key)
        if not isinstance(standard, dict):
            continue
        schema = standard.get("schema")
        if isinstance(schema, str) and (found := _SCHEMA_VERSION.search(schema)):
            return int(found.group(1))
        version = standard.get("version")
        if (str(standard.get("name", "")).lower() == "ninjs" and isinstance(version, str)
                and (found := _STANDARD_VERSION.match(version.strip()))):
            return int(found.group(1))
    return None


def major_version(doc: dict[str, Any]) -> int:
    declared = _declared_major(doc)
    if declared in (1, 2, 3):
        return declared
    if not _V3_KEYS.isdisjoint(doc) or _camel_items(doc):
        return 3
    if not _V2_KEYS.isdisjoint(doc):
        return 2
    return 1


def _camel_items(doc: dict[str, Any]) -> bool:
    # 3.x-only documents may use no camelCase top-level key but "contentType" in items.
    for key in ("headlines", "bodies", "descriptions"):
        items = doc.get(key)
        if isinstance(items, list) and any(
                isinstance(item, dict) and "contentType" in item for item in items):
            return True
    return False


def _pick(doc: dict[str, Any], major: int, camel: str, lower: str) -> tuple[str, Any]:
    """(field name, value): the spelling of this major version first, then the other."""
    names = (camel, lower) if major >= 3 else (lower, camel)
    for name in names:
        if doc.get(name) is not None:
            return name, doc[name]
    return names[0], None


def _provider(doc: dict[str, Any], major: int, uri: str) -> str | None:
    name, holder = _pick(doc, major, "copyrightHolder", "copyrightholder")
    if holder_name := c.opt_str(holder, name):
        return holder_name
    # Fall back to the uri's authority when it names one (http(s) host or urn:newsml:<domain>:).
    if uri.startswith(("http://", "https://")):
        host = urlsplit(uri).hostname or ""
        return host.removeprefix("www.") or None
    parts = uri.split(":")
    if len(parts) > 3 and parts[0].lower() == "urn" and parts[1].lower() == "newsml":
        return parts[2] or None
    return None


# -- text selection ------------------------------------------------------------------

def _item_text(item: Any, field: str) -> tuple[str, bool] | None:
    """(value, is_markup) of one headlines/bodies/descriptions element, or None if empty."""
    if not isinstance(item, dict):
        c.reject("invalid_field", f"{field}: expected an object, got {c.type_name(item)}")
    value = c.opt_str(item.get("value"), f"{field}.value")
    if not value:
        return None
    ctype = item.get("contentType", item.get("contenttype"))
    ctype = (c.opt_str(ctype, f"{field}.contentType") or "").split(";")[0].strip().lower()
    if ctype == "text/plain":
        return value, False
    if any(hint in ctype for hint in ("html", "xml", "nitf")):
        return value, True
    # No (usable) content type: roles are unreliable ("text" is used for XHTML too), sniff.
    return value, c.looks_like_markup(value)


def _to_text(value: str, is_markup: bool) -> str:
    return html_to_text(value) if is_markup else unwrap_hard_lines(value)


def _best_of(candidates: list[tuple[str, bool]]) -> str:
    """Plain text first (no conversion losses), else markup; skip entries without text."""
    ordered = [x for x in candidates if not x[1]] + [x for x in candidates if x[1]]
    for value, is_markup in ordered:
        text = _to_text(value, is_markup)
        if c.has_text(text):
            return text
    return ""


def _array_text(doc: dict[str, Any], key: str, *, prefer_role: str | None = None) -> str:
    items = c.opt_list(doc.get(key), key)
    candidates: list[tuple[str, bool]] = []
    preferred: list[tuple[str, bool]] = []
    for index, item in enumerate(items):
        found = _item_text(item, f"{key}[{index}]")
        if found is None:
            continue
        candidates.append(found)
        if prefer_role and item.get("role") == prefer_role:
            preferred.append(found)
    return _best_of(preferred) or _best_of(candidates)


def _prefixed_text(doc: dict[str, Any], prefix: str, plain: tuple[str, ...],
                   markup: tuple[str, ...]) -> str:
    """1.x ``body_<x>`` / ``description_<x>`` / ``headline_<x>`` properties."""
    candidates: list[tuple[str, bool]] = []
    for key in plain:
        if value := c.opt_str(doc.get(key), key):
            candidates.append((value, False))
    for key in markup:
        if value := c.opt_str(doc.get(key), key):
            candidates.append((value, True))
    for key, raw in doc.items():
        if key in plain or key in markup or not key.startswith(prefix):
            continue
        if value := c.opt_str(raw, key):
            is_markup = key.endswith(("html", "richtext")) or c.looks_like_markup(value)
            candidates.append((value, is_markup))
    return _best_of(candidates)


def _headline(doc: dict[str, Any]) -> str:
    text = c.opt_str(doc.get("headline"), "headline") or ""
    if c.has_text(text):
        return text
    text = _array_text(doc, "headlines", prefer_role="main")
    if not text:
        text = _prefixed_text(doc, "headline_", ("headline_main",), ())
    if not text:
        # ninjs "title" is "a short natural-language name for the item".
        text = c.opt_str(doc.get("title"), "title") or ""
    return text


def _body(doc: dict[str, Any], item_type: str | None) -> str:
    if item_type in MEDIA_TYPES:
        return ""
    text = _array_text(doc, "bodies") or _prefixed_text(
        doc, "body_", _PLAIN_BODY_KEYS, _MARKUP_BODY_KEYS)
    if not text and item_type == "text":
        # Some text items (e.g. NTB's) carry the story only as a description.
        text = _array_text(doc, "descriptions") or _prefixed_text(
            doc, "description_", ("description_text",), ("description_html",))
    return text


# -- parse ---------------------------------------------------------------------------

def _draft_arrays(doc: dict[str, Any]) -> dict[str, Any]:
    """Early 2.0 drafts (IPTC's own examples) spell the arrays ``headline``/``body`` with
    ``{"name", "text"|"value"}`` entries: read them as ``headlines``/``bodies``."""
    renamed: dict[str, Any] = {}
    for draft, standard in (("headline", "headlines"), ("body", "bodies")):
        entries = doc.get(draft)
        if isinstance(entries, list) and standard not in doc:
            renamed[standard] = [
                {"value": e.get("value", e.get("text")), "role": e.get("role", e.get("name")),
                 **({"contenttype": e["contenttype"]} if "contenttype" in e else {})}
                if isinstance(e, dict) else e for e in entries]
            renamed[draft] = None
    return {**doc, **renamed} if renamed else doc


def parse(doc: dict[str, Any], *, max_body_chars: int) -> Article:
    doc = _draft_arrays(doc)
    # Superdesk and some agencies send the item id as "guid" and no "uri".
    uri = c.story_id(doc["uri"], "uri") if doc.get("uri") is not None else c.story_id(
        doc.get("guid"), "uri (or guid)")
    major = major_version(doc)
    item_type = c.opt_str(doc.get("type"), "type")

    def date(camel: str, lower: str) -> str | None:
        name, value = _pick(doc, major, camel, lower)
        return c.iso_date(value, name)

    status_name, status = _pick(doc, major, "pubStatus", "pubstatus")
    embargo_name, embargo = _pick(doc, major, "embargoedUntil", "embargoed")
    ednote_name, ednote = _pick(doc, major, "edNote", "ednote")
    byline_name, byline = ("by", doc["by"]) if doc.get("by") is not None else (
        "byline", doc.get("byline"))
    ednote_text = c.opt_str(ednote, ednote_name)
    pub = c.pub_status(status, status_name)
    return c.build_article(
        id=uri,
        version=c.version_number(doc.get("version"), "version", allow_str=True),
        source_format=f"ninjs-{major}",
        headline=_headline(doc),
        body=_body(doc, item_type),
        max_body_chars=max_body_chars,
        provider=_provider(doc, major, uri),
        language=c.language(doc.get("language"), "language"),
        pub_status=pub,
        version_created=date("versionCreated", "versioncreated"),
        first_created=date("firstCreated", "firstcreated"),
        embargoed_until=c.iso_date(embargo, embargo_name),
        byline=c.opt_str(byline, byline_name),
        urgency=c.urgency(doc.get("urgency"), "urgency"),
        ednotes=[ednote_text] if ednote_text else [],
    )


# -- AP Media API ----------------------------------------------------------------------

_TEXT_KEYS = ("bodies", "body_text", "body_html", "body_nitf", "body_xhtml", "body_richtext",
              "descriptions", "description_text")


def enveloped_item(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The one ninjs item of a search-API envelope (``{"total": 1, "item": [{...}]}``), or
    None when ``doc`` is not such an envelope."""
    listed = doc.get("item")
    if ("uri" in doc or "guid" in doc or not isinstance(listed, list) or len(listed) != 1
            or not isinstance(listed[0], dict)):
        return None
    item = listed[0]
    return item if ("uri" in item or "guid" in item) else None


def ap_media_item(doc: dict[str, Any]) -> dict[str, Any] | None:
    """The ninjs-like item of an AP Media API response (``{"api_version": ..., "data":
    {"item": {...}}}``), or None when ``doc`` is not one."""
    data = doc.get("data")
    if not isinstance(data, dict) or not isinstance(item := data.get("item"), dict):
        return None
    if "api_version" not in doc and not isinstance(item.get("altids"), dict):
        return None
    return item


def parse_ap_media(item: dict[str, Any], *, max_body_chars: int) -> Article:
    """An AP Media API item as ninjs 1.x: id = ``altids.itemid`` (stable across versions;
    the ``uri`` is a request URL with query parameters), bylines joined. The API sends
    a text item's story as a separate NITF rendition, so an item without text is refused
    as ``unknown_format`` saying so, rather than as an item with no headline."""
    item = dict(item)
    altids = item.get("altids")
    if isinstance(altids, dict) and isinstance(altids.get("itemid"), str):
        item["uri"] = altids["itemid"]
    bylines = item.get("bylines")
    if isinstance(bylines, list) and "byline" not in item:
        names = [b["by"] for b in bylines if isinstance(b, dict) and isinstance(b.get("by"), str)]
        item["byline"] = "; ".join(names) or None
    item_type = item.get("type")
    if item_type not in MEDIA_TYPES and not any(item.get(key) for key in _TEXT_KEYS) and \
            item.get("pubstatus") != "canceled":
        renditions = item.get("renditions")
        where = (" (renditions.nitf.href)" if isinstance(renditions, dict)
                 and "nitf" in renditions else "")
        c.reject("unknown_format", "AP Media API item metadata without the story text: the "
                 f"text is in its NITF rendition{where}, which is not fetched; send the NITF "
                 "document instead")
    return parse(item, max_body_chars=max_body_chars)
