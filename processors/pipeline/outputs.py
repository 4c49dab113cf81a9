"""What a step asks its stage to do: send records (by topic role) or dead-letter the input."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from wirestream.processors.article import RejectedInput

# Topic roles; the stage maps them to the configured topic names.
CANONICAL = "canonical"  # ingest -> versions
VERSIONED = "versioned"  # versions -> near-duplicates
DEDUPED = "deduped"  # near-duplicates -> enrich
ENRICHED = "enriched"
EVENTS = "events"
DUPLICATES = "duplicates"


class EnrichmentFailed(RuntimeError):
    """spaCy or another enrichment step raised on this article."""

    reason = "enrichment_failed"


@dataclass(frozen=True, slots=True)
class Send:
    topic: str  # a role above
    key: bytes
    record: Any  # a record of wirestream.processors.records; None is a tombstone


@dataclass(frozen=True, slots=True)
class Reject:
    """Dead-letter with ``error``'s reason: ``payload`` is the original bytes of the part
    refused (one item of a feed), or None for the whole input as consumed."""

    error: BaseException
    payload: bytes | None = None


def reason_of(exc: BaseException) -> str:
    """The short reason code for headers and metric labels (a small fixed set)."""
    if isinstance(exc, RejectedInput):
        return exc.reason
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, str) else "internal_error"
