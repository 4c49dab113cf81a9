"""Near-duplicates step: join each article to its story, flag copies, link corrections."""

from __future__ import annotations

from wirestream.processors.near_duplicates import Fingerprint
from wirestream.processors.pipeline.outputs import DEDUPED, DUPLICATES, Send
from wirestream.processors.records import RoutedEnvelope, duplicate_record
from wirestream.processors.story_matcher import StoryMatcher
from wirestream.processors.versions import is_correction, parse_time


def near_duplicate_step(envelope: RoutedEnvelope, fp: Fingerprint, matcher: StoryMatcher, *,
                        duplicates_to_enriched: bool, worker: str, seen_at: str
                        ) -> list[Send]:
    """What to send for one article; ``matcher`` (the index) is updated in place."""
    article = envelope.article
    key = article.id.encode()
    dedup = envelope.dedup
    if envelope.retract:
        # A killed story leaves the index: later copies must not join a dead story.
        dedup.story_id = matcher.forget(article.id)
        return [Send(DEDUPED, key, envelope)]
    received = parse_time(envelope.received_at)
    match = matcher.observe(article.id, article.headline, fp,
                            received.timestamp() if received else 0.0, is_correction(article))
    dedup.story_id = match.story_id
    dedup.duplicate_of = match.duplicate_of
    dedup.similarity = match.similarity
    dedup.corrects = match.corrects
    if not match.is_duplicate:
        return [Send(DEDUPED, key, envelope)]
    dedup.verdict = "duplicate"
    sends = [Send(DUPLICATES, key, duplicate_record(
        article, dedup=dedup, received_at=envelope.received_at, seen_at=seen_at,
        source=envelope.source, worker=worker))]
    if duplicates_to_enriched:
        sends.append(Send(DEDUPED, key, envelope))
    return sends
