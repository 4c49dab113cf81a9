"""Version rules per story id: redeliveries, stale copies, updates, corrections, kills, embargoes.

Pure: ``decide`` takes what is known about a story id (a ``StoryState``, which the stage
keeps in a Faust table as JSON) and the new version, and returns the verdict and the new
state.
The stream layer stores the state, publishes what the decision says, and asks again
when a held version's release time comes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

import msgspec

from wirestream.processors.article import Article

# Verdicts, also the values of the ``verdict`` metric label.
NEW, REDELIVERY, STALE, UPDATE, CORRECTION, KILL, HELD, RELEASED = (
    "new", "redelivery", "stale", "update", "correction", "kill", "held", "released")

_CORRECTION_SIGNALS = frozenset({"sig:correction", "correction"})
# Wire conventions for corrections in notes and headlines (AP "CORRECTS", Reuters
# "CORRECTED -", dpa "Korrektur"/"korrigiert", AFP "RECTIFICATIF", EFE "CORRECCIÓN").
_CORRECTION_WORDS = re.compile(
    r"\b(correct(s|ed|ion)|korrektur|korrigiert|berichtigt|berichtigung|rectificatif|"
    r"correcci[oó]n|corregido)\b", re.IGNORECASE)
_CORRECTION_HEADLINE = re.compile(
    r"^\W*(corrected|correction|korrektur|berichtigung|rectificatif|correcci[oó]n)\b",
    re.IGNORECASE)


def parse_time(value: str | None) -> datetime | None:
    """ISO 8601 to an aware UTC datetime; naive times are taken as UTC."""
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed.astimezone(UTC)


def looks_like_correction(headline: str) -> bool:
    """A headline marked as a correction ("CORRECTED - ...", "(CORRECTED)-...")."""
    return bool(_CORRECTION_HEADLINE.match(headline))


def is_correction(article: Article) -> bool:
    if _CORRECTION_SIGNALS & {s.lower() for s in article.signals}:
        return True
    if looks_like_correction(article.headline):
        return True
    return any(_CORRECTION_WORDS.search(note) for note in article.ednotes)


def release_time(article: Article, now: datetime) -> datetime | None:
    """When a held version may go out: the embargo time if it is in the future."""
    until = parse_time(article.embargoed_until)
    return until if until is not None and until > now else None


class StoryState(msgspec.Struct, kw_only=True, frozen=True):
    """What is known about one story id."""

    id: str
    version: int  # highest version seen
    published_version: int | None = None
    killed: bool = False
    held: Article | None = None  # a version held back (embargo, withheld)
    release_at: str | None = None  # when the held version may go out
    versions_seen: int = 0


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: str
    state: StoryState  # the story's new state (store it even when nothing is published)
    publish: bool  # send the article on to near-duplicates and enrichment
    retract: bool = False  # publish a retraction record for the story id
    supersedes: int | None = None  # the version this one replaces
    release_at: str | None = None  # for HELD with an embargo: when to ask again


def _state(article: Article, *, published: int | None, held: Article | None,
           release_at: datetime | None, killed: bool, previous: StoryState | None
           ) -> StoryState:
    return StoryState(
        id=article.id, version=article.version, published_version=published,
        killed=killed, held=held,
        release_at=release_at.isoformat() if release_at else None,
        versions_seen=(previous.versions_seen if previous else 0) + 1)


def decide(state: StoryState | None, article: Article, now: datetime) -> Decision:
    """The verdict for a new version of a story, given what is known about the story."""
    published = state.published_version if state else None
    if state is not None and article.version < state.version:
        return Decision(STALE, state, publish=False)
    if state is not None and article.version == state.version:
        return Decision(REDELIVERY, state, publish=False)

    if article.pub_status == "canceled":
        new_state = _state(article, published=published, held=None, release_at=None,
                           killed=True, previous=state)
        return Decision(KILL, new_state, publish=False, retract=True, supersedes=published)

    release_at = release_time(article, now)
    if article.pub_status == "withheld" or release_at is not None:
        # Held back: a later usable version or the release time lets it out.
        new_state = _state(article, published=published, held=article,
                           release_at=release_at, killed=bool(state and state.killed),
                           previous=state)
        return Decision(HELD, new_state, publish=False,
                        release_at=release_at.isoformat() if release_at else None)

    new_state = _state(article, published=article.version, held=None, release_at=None,
                       killed=False, previous=state)
    if published is None and not (state and state.killed):
        verdict = CORRECTION if state is None and is_correction(article) else NEW
        if state is not None and state.held is not None:
            verdict = CORRECTION if is_correction(article) else UPDATE
        return Decision(verdict, new_state, publish=True, supersedes=None)
    verdict = CORRECTION if is_correction(article) else UPDATE
    return Decision(verdict, new_state, publish=True, supersedes=published)


def release(state: StoryState | None, now: datetime) -> tuple[Article, Decision] | None:
    """The held version and its RELEASED decision, when its time has come; else None."""
    if state is None or state.held is None:
        return None
    when = parse_time(state.release_at)
    if when is None or when > now:
        return None
    article = state.held
    new_state = msgspec.structs.replace(state, held=None, release_at=None,
                                        published_version=article.version)
    return article, Decision(RELEASED, new_state, publish=True,
                             supersedes=state.published_version)
