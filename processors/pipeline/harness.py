"""The whole pipeline in memory: raw messages in, what every topic would receive out.

The same steps as the Faust stages (ingest, versions, near-duplicates, enrich and
publish), chained for one partition in arrival order, with the versions state in a dict
and the near-duplicate index in memory. For tests and experiments without a broker:
an integration test runs one scenario both here and on a real broker and compares.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from wirestream.processors.article import Article
from wirestream.processors.near_duplicates import article_text, fingerprint
from wirestream.processors.pipeline.ingest import ParseLimits, ingest_step
from wirestream.processors.pipeline.near_duplicates import near_duplicate_step
from wirestream.processors.pipeline.outputs import (
    CANONICAL,
    DEDUPED,
    Reject,
    Send,
    reason_of,
)
from wirestream.processors.pipeline.publish import publish_step, retraction_step
from wirestream.processors.pipeline.versions import VersionStep, release_step, version_step
from wirestream.processors.records import (
    ArticleEnvelope,
    Enrichment,
    EnrichmentError,
    RoutedEnvelope,
    Source,
)
from wirestream.processors.story_matcher import StoryMatcher
from wirestream.processors.versions import StoryState

Enrich = Callable[[list[Article]], list[Enrichment | EnrichmentError]]


@dataclass(frozen=True, slots=True)
class RawMessage:
    value: bytes | None
    key: bytes | None = None
    content_type: str | None = None
    timestamp: float = 0.0  # seconds since the epoch, as the broker stamps it


@dataclass(frozen=True, slots=True)
class DeadLetter:
    key: bytes | None
    reason: str
    stage: str
    payload: bytes | None


@dataclass
class PipelineHarness:
    enrich: Enrich  # wirestream.processors.enrich.enrich_batch after configure(), or a fake
    limits: ParseLimits
    matcher: StoryMatcher = field(default_factory=StoryMatcher)
    duplicates_to_enriched: bool = False
    tombstones: bool = False
    worker: str = "harness"
    raw_topic: str = "wire.raw"
    clock: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    # What each topic role received, in order: (key, record; None is a tombstone).
    topics: dict[str, list[tuple[bytes, Any]]] = field(default_factory=dict)
    dead_letters: list[DeadLetter] = field(default_factory=list)
    version_states: dict[str, StoryState] = field(default_factory=dict)
    live_events: dict[str, list[str]] = field(default_factory=dict)  # story id -> event ids
    _offset: int = 0

    def run(self, messages: Iterable[RawMessage]) -> dict[str, list[tuple[bytes, Any]]]:
        for message in messages:
            self._ingest(message)
        return self.topics

    def release_due(self) -> None:
        """Release every held version whose time has come (the stage's timer)."""
        for story_id in list(self.version_states):
            step = release_step(self.version_states[story_id], self.clock(),
                                received_at=_iso(self.clock()), source_topic=CANONICAL)
            if step is not None:
                self._versioned(story_id, step)

    def _emit(self, send: Send) -> None:
        self.topics.setdefault(send.topic, []).append((send.key, send.record))

    def _reject(self, reject: Reject, key: bytes | None, stage: str,
                payload: bytes | None) -> None:
        self.dead_letters.append(DeadLetter(key, reason_of(reject.error), stage,
                                            reject.payload if reject.payload is not None
                                            else payload))

    def _ingest(self, message: RawMessage) -> None:
        offset, self._offset = self._offset, self._offset + 1
        received = datetime.fromtimestamp(message.timestamp, UTC) if message.timestamp \
            else self.clock()
        source = Source(topic=self.raw_topic, partition=0, offset=offset)
        for item in ingest_step(message.value, content_type=message.content_type,
                                received_at=_iso(received), source=source,
                                limits=self.limits):
            if isinstance(item, Reject):
                self._reject(item, message.key, "ingest", message.value)
                continue
            self._emit(item)
            envelope: ArticleEnvelope = item.record
            step = version_step(envelope, self.version_states.get(envelope.article.id),
                                self.clock())
            self._versioned(envelope.article.id, step)

    def _versioned(self, story_id: str, step: VersionStep) -> None:
        if step.state is not None:
            self.version_states[story_id] = step.state
        for send in step.sends:
            self._emit(send)
            self._near_duplicates(send.record)

    def _near_duplicates(self, envelope: RoutedEnvelope) -> None:
        fp = fingerprint(article_text(envelope.article))
        for send in near_duplicate_step(envelope, fp, self.matcher,
                                        duplicates_to_enriched=self.duplicates_to_enriched,
                                        worker=self.worker, seen_at=_iso(self.clock())):
            self._emit(send)
            if send.topic == DEDUPED:
                self._publish(send.record)

    def _publish(self, envelope: RoutedEnvelope) -> None:
        at = _iso(self.clock())
        story_id = envelope.article.id
        live = self.live_events.get(story_id, [])
        if envelope.retract:
            step = retraction_step(envelope, live, worker=self.worker, at=at,
                                   tombstones=self.tombstones)
        else:
            [result] = self.enrich([envelope.article])
            published = publish_step(envelope, result, live, worker=self.worker, at=at,
                                     tombstones=self.tombstones)
            if isinstance(published, Reject):
                self._reject(published, story_id.encode(), "enrich", None)
                return
            step = published
        for send in step.sends:
            self._emit(send)
        if step.live_events:
            self.live_events[story_id] = step.live_events
        else:
            self.live_events.pop(story_id, None)


def _iso(when: datetime) -> str:
    return when.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")

