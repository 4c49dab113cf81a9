"""Version rules per story id: redeliveries, stale copies, updates, corrections, kills, embargoes.

Pure: ``decide`` takes what is known about a story id (a plain dict, so it can live
in a Faust table) and the new version, and returns the verdict and the new state.
The stream layer stores the state, publishes what the decision says, and asks again
when a held version's release time comes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

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


@dataclass(frozen=True, slots=True)
class Decision:
    verdict: str
    state: dict[str, Any]  # the story's new state (store it even when nothing is published)
    publish: bool  # send the article on to near-duplicates and enrichment
    retract: bool = False  # publish a retraction record for the story id
    supersedes: int | None = None  # the version this one replaces
    release_at: str | None = None  # for HELD with an embargo: when to ask again


def _state(article: Article, *, published: int | None, held: dict[str, Any] | None,
           release_at: datetime | None, killed: bool, previous: dict[str, Any] | None
           ) -> dict[str, Any]:
    return {
        "id": article.id,
        "version": article.version,  # highest version seen
        "published_version": published,
        "killed": killed,
        "held": held,  # the held article's dict, or None
        "release_at": release_at.isoformat() if release_at else None,
        "versions_seen": (previous or {}).get("versions_seen", 0) + 1,
    }


def decide(state: dict[str, Any] | None, article: Article, now: datetime) -> Decision:
    """The verdict for a new version of a story, given what is known about the story."""
    seen = state["version"] if state else None
    published = state.get("published_version") if state else None
    if seen is not None and article.version < seen:
        return Decision(STALE, state or {}, publish=False)
    if seen is not None and article.version == seen:
        return Decision(REDELIVERY, state or {}, publish=False)

    if article.pub_status == "canceled":
        new_state = _state(article, published=published, held=None, release_at=None,
                           killed=True, previous=state)
        return Decision(KILL, new_state, publish=False, retract=True, supersedes=published)

    release_at = release_time(article, now)
    if article.pub_status == "withheld" or release_at is not None:
        # Held back: a later usable version or the release time lets it out.
        new_state = _state(article, published=published, held=article.to_dict(),
                           release_at=release_at, killed=bool(state and state.get("killed")),
                           previous=state)
        return Decision(HELD, new_state, publish=False,
                        release_at=release_at.isoformat() if release_at else None)

    new_state = _state(article, published=article.version, held=None, release_at=None,
                       killed=False, previous=state)
    if published is None and not (state and state.get("killed")):
        verdict = CORRECTION if state is None and is_correction(article) else NEW
        if state is not None and state.get("held") is not None:
            verdict = CORRECTION if is_correction(article) else UPDATE
        return Decision(verdict, new_state, publish=True, supersedes=None)
    verdict = CORRECTION if is_correction(article) else UPDATE
    return Decision(verdict, new_state, publish=True, supersedes=published)


def release(state: dict[str, Any] | None, now: datetime) -> tuple[Article, Decision] | None:
    """The held version and its RELEASED decision, when its time has come; else None."""
    if not state or not state.get("held"):
        return None
    when = parse_time(state.get("release_at"))
    if when is None or when > now:
        return None
    article = Article.from_dict(state["held"])
    new_state = dict(state, held=None, release_at=None, published_version=article.version)
    return article, Decision(RELEASED, new_state, publish=True,
                             supersedes=state.get("published_version"))
