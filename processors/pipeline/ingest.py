"""Ingest step: raw bytes in any supported format -> one canonical envelope per article."""

from __future__ import annotations

from dataclasses import dataclass, field

from wirestream.processors.article import Article
from wirestream.processors.formats import split_raw
from wirestream.processors.pipeline.outputs import CANONICAL, Reject, Send
from wirestream.processors.records import ArticleEnvelope, Source


@dataclass(frozen=True, slots=True)
class ParseLimits:
    max_bytes: int
    max_body_chars: int
    zones: dict[str, str] = field(default_factory=dict)  # provider -> IANA zone


def ingest_step(payload: bytes | None, *, content_type: str | None, received_at: str,
                source: Source, limits: ParseLimits) -> list[Send | Reject]:
    """An envelope per article in the message (a NewsML-G2 newsMessage or a feed carries
    several); the photo next to a story or a broken entry is refused on its own, with its
    own original bytes, while the message's articles go on. Never raises."""
    try:
        parts = split_raw(payload, content_type=content_type, max_bytes=limits.max_bytes,
                          max_body_chars=limits.max_body_chars, zones=limits.zones,
                          standalone=False)
    except Exception as exc:  # anything the parser raises: dead-letter, never crash
        return [Reject(exc, payload)]
    out: list[Send | Reject] = []
    for part in parts:
        if not isinstance(part.outcome, Article):
            out.append(Reject(part.outcome, part.original))
            continue
        envelope = ArticleEnvelope(article=part.outcome, received_at=received_at,
                                   source=source)
        out.append(Send(CANONICAL, part.outcome.id.encode(), envelope))
    return out
