"""One home per language: a profile per language code, each from its own module.

A module (``en.py``, ``de.py``, ...) holds everything the processors know of its
language beyond the spaCy pipeline: month and weekday words, event lexicon and rules,
role nouns, how names inflect. Code elsewhere asks ``profile(code)`` for an attribute
instead of comparing language codes. Adding a language is adding its module and its
line in ``PROFILES``.
"""

from __future__ import annotations

from wirestream.processors.lang import de, en, es, fr
from wirestream.processors.lang.profile import CountWords, EventRules, LanguageProfile, LexEntry

# Registration order is the order tables merged across languages are built in
# (English first), and the order of ``CODES``.
PROFILES: dict[str, LanguageProfile] = {
    p.code: p for p in (en.PROFILE, de.PROFILE, fr.PROFILE, es.PROFILE)}
CODES: tuple[str, ...] = tuple(PROFILES)
# Languages the event coder codes: those with event rules.
EVENT_CODES: tuple[str, ...] = tuple(c for c, p in PROFILES.items() if p.events is not None)


def profile(code: str | None) -> LanguageProfile | None:
    """The profile of an exact (normalised, lower-case) code; None for other languages."""
    return PROFILES.get(code) if code else None


def takes_genitive_s(code: str | None) -> bool:
    """Names in this language take a bare -s genitive ("Teherans")."""
    found = profile(code)
    return found is not None and found.genitive_s


__all__ = ["CODES", "EVENT_CODES", "PROFILES", "CountWords", "EventRules", "LanguageProfile",
           "LexEntry", "profile", "takes_genitive_s"]
