"""Output record shapes. Each output topic has a JSON Schema in config/schemas/."""

from __future__ import annotations

from typing import Any

SCHEMA_VERSION = 2

_ARTICLE_FIELDS = (
    "id", "version", "provider", "source_format", "headline", "body", "pub_status", "signals",
    "version_created", "first_created", "embargoed_until", "byline", "dateline", "urgency",
    "ednotes", "zone_assumed",
)


def dedup_block(verdict: str, *, story_id: str | None = None, duplicate_of: str | None = None,
                similarity: float | None = None, supersedes: int | None = None,
                corrects: str | None = None) -> dict[str, Any]:
    """The ``dedup`` object every output record carries."""
    return {"verdict": verdict, "story_id": story_id, "duplicate_of": duplicate_of,
            "similarity": similarity, "supersedes": supersedes, "corrects": corrects}


def enriched_record(
    article: dict[str, Any],
    enrichment: dict[str, Any],
    *,
    dedup: dict[str, Any],
    received_at: str,
    enriched_at: str,
    source: dict[str, Any],
    worker: str,
) -> dict[str, Any]:
    """The record published on the enriched topic (key = the story id)."""
    record: dict[str, Any] = {"schema_version": SCHEMA_VERSION, "record_type": "article"}
    for name in _ARTICLE_FIELDS:
        record[name] = article.get(name)
    record["dedup"] = dedup
    record["language_declared"] = article.get("language")
    record["language"] = enrichment.get("language")
    record["language_detection"] = enrichment.get("language_detection")
    record["word_count"] = len(str(article.get("body") or "").split())
    record["entities"] = enrichment.get("entities", [])
    record["places"] = enrichment.get("places", [])
    record["events"] = enrichment.get("events", [])
    record["model"] = enrichment.get("model")
    record["processing"] = {
        "received_at": received_at,
        "enriched_at": enriched_at,
        "worker": worker,
        "source": source,
    }
    return record


def retraction_record(article: dict[str, Any], *, dedup: dict[str, Any], received_at: str,
                      retracted_at: str, source: dict[str, Any], worker: str
                      ) -> dict[str, Any]:
    """A kill: consumers drop what they hold for this story id (same key)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "record_type": "retraction",
        "id": article["id"],
        "version": article["version"],
        "provider": article.get("provider"),
        "headline": article.get("headline") or "",
        "ednotes": list(article.get("ednotes") or []),
        "dedup": dedup,
        "processing": {"received_at": received_at, "enriched_at": retracted_at,
                       "worker": worker, "source": source},
    }


def duplicate_record(article: dict[str, Any], *, dedup: dict[str, Any], received_at: str,
                     seen_at: str, source: dict[str, Any], worker: str) -> dict[str, Any]:
    """A copy of an earlier story (topic wire.articles.duplicates, key = the copy's id)."""
    return {
        "schema_version": SCHEMA_VERSION,
        "record_type": "duplicate",
        "id": article["id"],
        "version": article["version"],
        "provider": article.get("provider"),
        "source_format": article.get("source_format"),
        "headline": article.get("headline") or "",
        "version_created": article.get("version_created"),
        "dedup": dedup,
        "processing": {"received_at": received_at, "enriched_at": seen_at, "worker": worker,
                       "source": source},
    }
