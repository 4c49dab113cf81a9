"""Publish step: an enriched record and its events, or a retraction, or a dead letter.

Events follow their story: the step is given the event ids the story has live on the
events topic and withdraws those the new version no longer reports (all of them on a
kill). It returns the ids live afterwards, for the stage to keep once the sends are
acknowledged.
"""

from __future__ import annotations

from dataclasses import dataclass

from wirestream.processors.pipeline.outputs import ENRICHED, EVENTS, EnrichmentFailed, Reject, Send
from wirestream.processors.records import (
    Enrichment,
    EnrichmentError,
    EventRetraction,
    RoutedEnvelope,
    enriched_record,
    retraction_record,
)
from wirestream.processors.records.events import EventRetractionReason


@dataclass(frozen=True, slots=True)
class PublishStep:
    sends: list[Send]
    live_events: list[str]  # the story's event ids live once the sends are acknowledged


def _withdrawn(envelope: RoutedEnvelope, event_ids: list[str], reason: EventRetractionReason,
               *, at: str, tombstones: bool) -> list[Send]:
    sends: list[Send] = []
    for event_id in event_ids:
        key = event_id.encode()
        sends.append(Send(EVENTS, key, EventRetraction(
            event_id=event_id, article_id=envelope.article.id,
            version=envelope.article.version, reason=reason, retracted_at=at)))
        if tombstones:
            sends.append(Send(EVENTS, key, None))
    return sends


def retraction_step(envelope: RoutedEnvelope, live_events: list[str], *, worker: str, at: str,
                    tombstones: bool) -> PublishStep:
    """A kill: the retraction record, then (for compacted consumers) a tombstone; then the
    same for each of the story's live events."""
    key = envelope.article.id.encode()
    sends = [Send(ENRICHED, key, retraction_record(
        envelope.article, dedup=envelope.dedup, received_at=envelope.received_at,
        retracted_at=at, source=envelope.source, worker=worker))]
    if tombstones:
        sends.append(Send(ENRICHED, key, None))
    sends.extend(_withdrawn(envelope, live_events, "story_killed", at=at,
                            tombstones=tombstones))
    return PublishStep(sends, [])


def publish_step(envelope: RoutedEnvelope, result: Enrichment | EnrichmentError,
                 live_events: list[str], *, worker: str, at: str, tombstones: bool
                 ) -> PublishStep | Reject:
    """The enriched record, then its events (key = event id, so a repeat after a crash or
    a correction's event replaces rather than adds; after the article, so a consumer
    joining events to articles finds it), then retractions of the story's events this
    version no longer reports."""
    if isinstance(result, EnrichmentError):
        return Reject(EnrichmentFailed(f"{result.stage}: {result.error_class}: "
                                       f"{result.message}"))
    record = enriched_record(envelope.article, result, dedup=envelope.dedup,
                             received_at=envelope.received_at, enriched_at=at,
                             source=envelope.source, worker=worker)
    sends = [Send(ENRICHED, envelope.article.id.encode(), record)]
    sends.extend(Send(EVENTS, event.event_id.encode(), event) for event in record.events)
    reported = list(dict.fromkeys(event.event_id for event in record.events))
    still = set(reported)
    dropped = [event_id for event_id in live_events if event_id not in still]
    sends.extend(_withdrawn(envelope, dropped, "not_in_update", at=at, tombstones=tombstones))
    return PublishStep(sends, reported)
