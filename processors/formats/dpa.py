"""dpa digitalwires JSON (the format of dpa's wireQ API, ``"format": "digitalwires@..."``).

Mapping (field names as in dpa's samples):

* ``urn`` -> id; ``version`` (integer) -> version; ``version_created``; ``pubstatus``
  (else the ``dnltype:pubstatus`` category); ``signal`` plus ``dnltype:signal``
  categories (e.g. ``sig:correction``) -> signals; ``embargoed`` -> embargoed_until;
  ``language``, ``urgency``, ``headline``, ``byline``, ``dateline``.
* body = ``article_html`` only. The ``teaser`` is a separately written summary that
  restates the lead: appending it would duplicate the lead's entities. ``infobox_html``
  and ``linkbox_html`` are side boxes (fact box, link list), not the story.
* ednotes = ``ednotes[].ednote`` except contact lists, the technical closing line and
  photo-production notes, which are not editorial notes and carry phone numbers.
* provider = the URN's naming authority (``dpa.com``, ``ap.org``, ``europapress.es``:
  dpa redistributes partner agencies), else ``creditline``.
* Not mapped: ``kicker``, ``subhead``, ``content_created`` (creation date of the
  content, e.g. when a photo was taken, not the item's first version).
"""

from __future__ import annotations

from typing import Any

from wirestream.processors.article import Article
from wirestream.processors.formats import common as c
from wirestream.processors.text import html_to_text

SOURCE_FORMAT = "dpa-digitalwires"

_SKIPPED_EDNOTE_ROLES = frozenset({
    "dpaednoterole:contacts", "dpaednoterole:dpacontacts", "dpaednoterole:closingline",
    "dpaednoterole:picture",
})


def _categories(doc: dict[str, Any], kind: str) -> list[str]:
    qcodes = []
    for index, cat in enumerate(c.opt_list(doc.get("categories"), "categories")):
        field = f"categories[{index}]"
        cat = c.opt_dict(cat, field) or {}
        if cat.get("type") == kind and (qcode := c.opt_str(cat.get("qcode"), f"{field}.qcode")):
            qcodes.append(qcode)
    return qcodes


def _ednotes(doc: dict[str, Any]) -> list[str]:
    notes = []
    for index, note in enumerate(c.opt_list(doc.get("ednotes"), "ednotes")):
        field = f"ednotes[{index}]"
        note = c.opt_dict(note, field) or {}
        if c.opt_str(note.get("role"), f"{field}.role") in _SKIPPED_EDNOTE_ROLES:
            continue
        if text := c.opt_str(note.get("ednote"), f"{field}.ednote"):
            notes.append(text)
    return notes


def _provider(urn: str, doc: dict[str, Any]) -> str | None:
    parts = urn.split(":")
    if len(parts) > 3 and parts[0].lower() == "urn" and parts[1].lower() == "newsml" and parts[2]:
        return parts[2]
    return c.opt_str(doc.get("creditline"), "creditline")


def parse(doc: dict[str, Any], *, max_body_chars: int) -> Article:
    urn = c.story_id(doc.get("urn"), "urn")
    status = doc.get("pubstatus")
    status_field = "pubstatus"
    if status is None and (from_category := _categories(doc, "dnltype:pubstatus")):
        status, status_field = from_category[0], "categories[dnltype:pubstatus]"
    signal = c.opt_str(doc.get("signal"), "signal")
    signals = ([signal] if signal else []) + _categories(doc, "dnltype:signal")
    body_html = c.opt_str(doc.get("article_html"), "article_html") or ""
    return c.build_article(
        id=urn,
        version=c.version_number(doc.get("version"), "version", allow_str=False),
        source_format=SOURCE_FORMAT,
        headline=c.opt_str(doc.get("headline"), "headline") or "",
        body=html_to_text(body_html),
        max_body_chars=max_body_chars,
        provider=_provider(urn, doc),
        language=c.language(doc.get("language"), "language"),
        pub_status=c.pub_status(status, status_field),
        signals=signals,
        version_created=c.iso_date(doc.get("version_created"), "version_created"),
        embargoed_until=c.iso_date(doc.get("embargoed"), "embargoed"),
        byline=c.opt_str(doc.get("byline"), "byline"),
        dateline=c.opt_str(doc.get("dateline"), "dateline"),
        urgency=c.urgency(doc.get("urgency"), "urgency"),
        ednotes=_ednotes(doc),
    )
