"""Token attributes of one Doc, read once per article.

Every ``tok.lower_``/``tok.lemma_`` access builds a Token and looks a string up; the
coder needs these strings for every sentence several times (cue filter, accident and
intent cues, counts, "unless" checks), so they are read in one pass over the tokens.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

# Lemma → lower-case lemma, shared by all documents; cleared past the limit (a stream
# sees new words forever).
_LOWER: dict[str, str] = {}
_LIMIT = 200_000


class DocView:
    """``lowers[i]`` and ``lemmas[i]`` (lower-case lemma, or the lower form without one)."""

    __slots__ = ("lemmas", "lowers")

    def __init__(self, doc: Doc) -> None:
        if len(_LOWER) > _LIMIT:
            _LOWER.clear()
        pairs = [(t.lower_, t.lemma_) for t in doc]
        get = _LOWER.get
        self.lowers = [low for low, _ in pairs]
        self.lemmas = [get(lemma) or _lower(lemma, low) for low, lemma in pairs]


def _lower(lemma: str, low: str) -> str:
    """The lower-case lemma (cached), or the lower form for a token without a lemma."""
    if not lemma:
        return low
    lowered = _LOWER[lemma] = lemma.lower()
    return lowered
