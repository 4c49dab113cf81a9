"""Output record shapes. Each output topic has a JSON Schema in config/schemas/."""

from __future__ import annotations

from typing import Any

ENRICHED_SCHEMA_VERSION = 1

_ARTICLE_FIELDS = (
    "id", "version", "provider", "source_format", "headline", "body", "pub_status", "signals",
    "version_created", "first_created", "embargoed_until", "byline", "dateline", "urgency",
    "ednotes",
)


def enriched_record(
    article: dict[str, Any],
    enrichment: dict[str, Any],
    *,
    received_at: str,
    enriched_at: str,
    source: dict[str, Any],
    worker: str,
) -> dict[str, Any]:
    """The record published on the enriched topic (key = the story id)."""
    record: dict[str, Any] = {"schema_version": ENRICHED_SCHEMA_VERSION}
    for name in _ARTICLE_FIELDS:
        record[name] = article.get(name)
    record["language_declared"] = article.get("language")
    record["language"] = enrichment.get("language")
    record["language_detection"] = enrichment.get("language_detection")
    record["word_count"] = len(str(article.get("body") or "").split())
    record["entities"] = enrichment.get("entities", [])
    record["model"] = enrichment.get("model")
    record["processing"] = {
        "received_at": received_at,
        "enriched_at": enriched_at,
        "worker": worker,
        "source": source,
    }
    return record
