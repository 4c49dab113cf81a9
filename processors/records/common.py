"""Blocks every output record shares: where the input came from, and the dedup verdict."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta, Struct

SCHEMA_VERSION: Literal[2] = 2  # raised when a record changes incompatibly

Verdict = Literal["new", "update", "correction", "released", "duplicate", "kill"]
DateTime = Annotated[str, Meta(extra_json_schema={"format": "date-time"})]
Fraction = Annotated[float, Meta(ge=0, le=1)]


class Source(Struct, kw_only=True):
    """The input record an output derives from (-1/-1 for an embargo release)."""

    topic: str
    partition: int
    offset: int


class Dedup(Struct, kw_only=True, forbid_unknown_fields=True):
    """What the versions and near-duplicate stages decided about one article."""

    verdict: Annotated[Verdict, Meta(description=(
        "new: first version seen; update/correction: a higher version (correction when the "
        "source signals one); released: an embargoed version whose time came; duplicate: a "
        "near-copy of an earlier story; kill: the story was withdrawn (retraction records "
        "only)"))]
    story_id: Annotated[str | None, Meta(description=(
        "Same for every copy and version of one story (null on a retraction of a story "
        "this worker never indexed)."))]
    duplicate_of: Annotated[str | None, Meta(description=(
        "For a copy: the id of the story's first article."))]
    similarity: Annotated[Fraction | None, Meta(description=(
        "Exact 5-word-shingle Jaccard with the article a copy matched; for a correction "
        "under a new id, the headline/body match score."))]
    supersedes: Annotated[int | None, Meta(description=(
        "The version this one replaces."))]
    corrects: Annotated[str | None, Meta(description=(
        "A correction sent under a new story id: the id of the article it corrects (it "
        "joins that article's story_id)."))]


def dedup_block(verdict: Verdict, *, story_id: str | None = None,
                duplicate_of: str | None = None, similarity: float | None = None,
                supersedes: int | None = None, corrects: str | None = None) -> Dedup:
    """The ``dedup`` block every output record carries (unknown parts null)."""
    return Dedup(verdict=verdict, story_id=story_id, duplicate_of=duplicate_of,
                 similarity=similarity, supersedes=supersedes, corrects=corrects)


class Processing(Struct, kw_only=True, forbid_unknown_fields=True):
    """When and where the record was made."""

    received_at: DateTime
    enriched_at: DateTime
    worker: str
    source: Source
