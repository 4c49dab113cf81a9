"""Shared vocabulary of the event coder: types, count kinds, factuality values, hits."""

from __future__ import annotations

from dataclasses import dataclass, field

# Lexicon senses are written by the language modules; the coder uses them by this name.
from wirestream.processors.lang.profile import LexEntry as LexEntry

# The 16 PLOVER types plus ACCIDENT: non-political accidents and disasters, which must
# never be coded as ASSAULT (a derailment kills people, but nobody attacked anyone).
EVENT_TYPES: tuple[str, ...] = (
    "AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT", "REQUEST",
    "ACCUSE", "REJECT", "THREATEN", "PROTEST", "MOBILIZE", "SANCTION", "COERCE", "ASSAULT",
    "ACCIDENT",
)
# Incident types happen at a place and have casualties; adjacent mentions of one
# incident are merged into one event.
INCIDENT_TYPES = frozenset({"ASSAULT", "ACCIDENT", "PROTEST", "COERCE"})
# Cooperative acts that, announced for the future, are coded AGREE (PLOVER manual, AGREE).
FUTURE_TO_AGREE = frozenset({"CONSULT", "SUPPORT", "COOPERATE", "AID"})
# Hostile acts that, announced for the future or made conditional, are THREATEN.
FUTURE_TO_THREATEN = frozenset({"SANCTION", "COERCE", "ASSAULT", "PROTEST", "MOBILIZE"})
COUNT_KINDS: tuple[str, ...] = ("dead", "injured", "arrested", "participants")
FACTUALITY: tuple[str, ...] = ("asserted", "negated", "hypothetical", "reported_speech")
QUALIFIERS: tuple[str, ...] = (
    "exact", "at_least", "at_most", "about", "more_than", "less_than", "several", "dozens",
    "scores", "hundreds", "thousands", "tens_of_thousands", "hundreds_of_thousands",
    "millions", "some",
)


@dataclass(slots=True)
class Hit:
    """A trigger chosen for one clause, with what the clause says about it."""

    type: str
    mode: str | None
    token: int  # doc token index of the trigger
    lemma: str
    score: float
    sent_index: int
    primary: bool = True  # the sentence's main event (False: incident noun on the side)
    negated: bool = False
    hypothetical: bool = False
    future: bool = False
    reported: bool = False
    pluperfect: bool = False
    casualty: bool = False
    parsed: bool = False  # chosen with the dependency parse
    actor_tokens: list[tuple[int, int]] = field(default_factory=list)  # token spans
    recipient_tokens: list[tuple[int, int]] = field(default_factory=list)
    clause: tuple[int, int] = (0, 0)  # token span the arguments are looked for in
