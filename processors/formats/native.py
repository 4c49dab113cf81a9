"""Native JSON: wirestream's own minimal article format.

One JSON object per message (content type ``application/json`` or
``application/vnd.wirestream.article+json``)::

    {
      "id": "urn:wirestream:...",     required, non-empty string, at most 512 characters
      "headline": "...",              plain text
      "body": "...",                  plain text or HTML
      "body_format": "text" | "html", optional; when absent, HTML is assumed if the body
                                      contains tags or entities
      "version": 1,                   integer >= 0, default 1
      "language": "en",               BCP 47 tag, optional
      "provider": "...",              optional
      "version_created": "2026-...",  ISO 8601, optional
      "first_created": "2026-...",    ISO 8601, optional
      "pub_status": "usable",         usable | withheld | canceled, default usable
      "embargoed_until": "2026-...",  ISO 8601, optional
      "signals": ["sig:update"],      optional
      "byline": "...", "dateline": "...", "urgency": 1..9, "ednotes": ["..."]  optional
      "zone_assumed": "Europe/Rome"   optional: the zone zone-less timestamps were read in
    }

Keys not listed are ignored, so producers may add their own. ``first_created`` to
``ednotes`` exist so that every ``Article`` can be written out and read back
unchanged (``article_to_native_json``).
"""

from __future__ import annotations

import json
from typing import Any

from wirestream.processors.article import Article
from wirestream.processors.formats import common as c
from wirestream.processors.text import html_to_text

SOURCE_FORMAT = "native"


def parse(doc: dict[str, Any], *, max_body_chars: int) -> Article:
    story = c.story_id(doc.get("id"), "id")
    headline = c.opt_str(doc.get("headline"), "headline") or ""
    body = c.opt_str(doc.get("body"), "body") or ""
    body_format = c.opt_str(doc.get("body_format"), "body_format")
    if body_format not in (None, "text", "html"):
        c.reject("invalid_field", f"body_format: expected 'text' or 'html', got {body_format!r}")
    if body_format == "html" or (body_format is None and c.looks_like_markup(body)):
        body = html_to_text(body)
    return c.build_article(
        id=story,
        version=c.version_number(doc.get("version"), "version", allow_str=False),
        source_format=SOURCE_FORMAT,
        headline=headline,
        body=body,
        max_body_chars=max_body_chars,
        provider=c.opt_str(doc.get("provider"), "provider"),
        language=c.language(doc.get("language"), "language"),
        pub_status=c.pub_status(doc.get("pub_status"), "pub_status"),
        signals=c.str_items(doc.get("signals"), "signals"),
        version_created=c.iso_date(doc.get("version_created"), "version_created"),
        first_created=c.iso_date(doc.get("first_created"), "first_created"),
        embargoed_until=c.iso_date(doc.get("embargoed_until"), "embargoed_until"),
        byline=c.opt_str(doc.get("byline"), "byline"),
        dateline=c.opt_str(doc.get("dateline"), "dateline"),
        urgency=c.urgency(doc.get("urgency"), "urgency"),
        ednotes=c.str_items(doc.get("ednotes"), "ednotes"),
        zone_assumed=c.opt_str(doc.get("zone_assumed"), "zone_assumed"),
    )


def article_to_native_json(article: Article) -> bytes:
    """Render any Article as native JSON (UTF-8); ``parse_raw`` reads it back equal
    except for ``source_format``. The body is written as plain text and said so,
    so text that merely looks like markup ("a <b> c") survives the round trip."""
    doc: dict[str, Any] = {
        "id": article.id,
        "version": article.version,
        "headline": article.headline,
        "body": article.body,
        "body_format": "text",
        "pub_status": article.pub_status,
    }
    optional = {
        "language": article.language,
        "provider": article.provider,
        "version_created": article.version_created,
        "first_created": article.first_created,
        "embargoed_until": article.embargoed_until,
        "byline": article.byline,
        "dateline": article.dateline,
        "urgency": article.urgency,
        "signals": list(article.signals) or None,
        "ednotes": list(article.ednotes) or None,
        "zone_assumed": article.zone_assumed,
    }
    doc.update((key, value) for key, value in optional.items() if value is not None)
    return json.dumps(doc, ensure_ascii=False, indent=2).encode("utf-8")
