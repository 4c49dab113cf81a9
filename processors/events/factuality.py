"""Factuality and background: was the event asserted, negated, hypothetical, reported?

One value per event, the first that applies: negated > hypothetical > reported_speech >
asserted. ``reported_speech`` means the clause is embedded under a speech verb or
inside quotation marks (wire attribution "..., police said" counts).
"""

from __future__ import annotations

from wirestream.processors.events.types import Hit

_QUOTES = "\"“”„«»"


def factuality(hit: Hit) -> str:
    if hit.negated:
        return "negated"
    if hit.hypothetical:
        return "hypothetical"
    if hit.reported:
        return "reported_speech"
    return "asserted"


def inside_quotes(text: str, offset: int) -> bool:
    """An odd number of quote marks before ``offset`` in the sentence: inside a quote."""
    return sum(text.count(q, 0, offset) for q in _QUOTES) % 2 == 1


def ongoing(text_before_date: str) -> bool:
    """"since April", "seit April": an ongoing state, not a past event in passing."""
    tail = text_before_date[-8:].lower()
    return "seit" in tail or "since" in tail
