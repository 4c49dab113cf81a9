"""Versions step: the verdict on a story's new version and what goes on to near-duplicates.

The state (what is known about the story id, a ``StoryState``) comes in and goes out; the
stage keeps it in its table, the harness in a dict.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from wirestream.processors.article import Article
from wirestream.processors.pipeline.outputs import VERSIONED, Send
from wirestream.processors.records import ArticleEnvelope, RoutedEnvelope, Source, dedup_block
from wirestream.processors.records.common import Verdict
from wirestream.processors.versions import Decision, StoryState, decide, release


@dataclass(frozen=True, slots=True)
class VersionStep:
    verdict: str  # also a metric label: redeliveries and held versions are verdicts too
    sends: list[Send]
    state: StoryState | None  # to store once the sends are acknowledged; None: unchanged
    release_at: str | None = None  # a held version: when to ask for its release


def _routed(envelope: ArticleEnvelope, decision: Decision, *, retract: bool = False
            ) -> Send:
    # Only publishing verdicts get here (new, update, correction, released, kill).
    dedup = dedup_block(cast(Verdict, decision.verdict), supersedes=decision.supersedes)
    return Send(VERSIONED, envelope.article.id.encode(), RoutedEnvelope(
        article=envelope.article, received_at=envelope.received_at, source=envelope.source,
        dedup=dedup, retract=retract))


def version_step(envelope: ArticleEnvelope, state: StoryState | None, now: datetime
                 ) -> VersionStep:
    decision = decide(state, envelope.article, now)
    sends: list[Send] = []
    if decision.retract:
        # Same path as the article versions, so a consumer never sees the kill
        # overtaken by the version it retracts.
        sends.append(_routed(envelope, decision, retract=True))
    if decision.publish:
        sends.append(_routed(envelope, decision))
    changed = decision.state is not state  # redeliveries and stale copies change nothing
    return VersionStep(decision.verdict, sends, decision.state if changed else None,
                       decision.release_at)


def release_step(state: StoryState | None, now: datetime, *, received_at: str,
                 source_topic: str) -> VersionStep | None:
    """The held version, released, once its time has come; None when nothing is due
    (already released, superseded, or not yet)."""
    released: tuple[Article, Decision] | None = release(state, now)
    if released is None:
        return None
    article, decision = released
    held = ArticleEnvelope(article=article, received_at=received_at,
                           source=Source(topic=source_topic, partition=-1, offset=-1))
    return VersionStep(decision.verdict, [_routed(held, decision)], decision.state)
