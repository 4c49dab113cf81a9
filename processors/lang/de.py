"""German: what the processors know of the language beyond its spaCy pipeline.

The German pipeline has no parser, tagger or lemmatizer, so the event coder works on
clauses and matches words by stem (``lexicon_de``); nouns are told by their capital.
Names and places take a bare -s genitive ("Teherans", "Müllers").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from processors.lang import lexicon_de as lex
from processors.lang.profile import EventRules, LanguageProfile, LexEntry

if TYPE_CHECKING:
    from spacy.tokens import Token

MONTHS = {
    "januar": 1, "jänner": 1, "februar": 2, "märz": 3, "april": 4, "mai": 5, "juni": 6,
    "juli": 7, "august": 8, "september": 9, "oktober": 10, "okt": 10, "november": 11,
    "dezember": 12, "dez": 12,
}
WEEKDAYS = {"montag": 0, "dienstag": 1, "mittwoch": 2, "donnerstag": 3, "freitag": 4,
            "samstag": 5, "sonnabend": 5, "sonntag": 6}
# Words of intent: a death among them is an attack, not an accident (stems, compounds).
INTENT_RE = re.compile(r"(angriff|anschlag|attentat|bombe|sprengsatz|terror|mörder|mord|"
                       r"messer|rakete|granate|rebell|miliz|massaker|täter|beschuss)")
# "sein Land sei gegen solche Schritte": being against something is a refusal.
AGAINST = ("gegen", "dagegen")
COPULAS = frozenset({"sei", "ist", "sind", "seien", "war", "waren"})
# Particles a separable verb may leave at the end of its clause; the cue filter accepts
# a stem with any of them.
_ALL_PARTICLES = {"ab", "an", "auf", "aus", "bei", "ein", "fest", "frei", "hin", "mit", "nach",
                  "um", "vor", "zu", "zurück", "zusammen", "sich"}
_BARE_ENDING = re.compile(r"(en|n|s|e)$")


def match_free(tok: Token, later: set[str]) -> tuple[LexEntry, str] | None:
    return lex.match_token(tok.text, tok.lower_, later)


def is_reporting(tok: Token) -> bool:
    return bool(lex.REPORTING_RE.match(tok.lower_))


def cue_tokens(lowers: Sequence[str], lemmas: Sequence[str]) -> list[bool]:
    """German matches by stem: each distinct form is tested once, in both spellings (a
    capital makes a German word a noun)."""
    cache: dict[str, bool] = {}
    out: list[bool] = []
    for low in lowers:
        flag = cache.get(low)
        if flag is None:
            flag = cache[low] = low in AGAINST or any(
                lex.match_token(word, low, _ALL_PARTICLES) is not None
                for word in (low, low.capitalize()))
        out.append(flag)
    return out


def accident_level(lowers: Sequence[str], lemmas: Sequence[str]) -> int:
    level = 0
    for low in lowers:
        if lex.ACCIDENT_CUES_RE.search(low):
            if not lex.ACCIDENT_WEAK_RE.search(low):
                return 2
            level = 1
    return level


def intent(lowers: Sequence[str]) -> bool:
    return any(INTENT_RE.search(low) for low in lowers)


def sector_of(low: str) -> str | None:
    """Sector of a role noun, also inflected or as the end of a compound
    ("Polizeibeamten", "Regierungssprecher")."""
    if low in lex.SECTORS:
        return lex.SECTORS[low]
    bare = _BARE_ENDING.sub("", low)
    for stem, sector in lex.SECTORS.items():
        if len(stem) >= 5 and (low.endswith(stem) or bare.endswith(stem)):
            return sector
    return None


def is_role_noun(low: str) -> bool:
    # Strict: a free-standing argument must be the role noun itself.
    return low in lex.SECTORS


EVENTS = EventRules(
    parse_rules=False, parse_cues=frozenset(), match_free=match_free,
    is_reporting=is_reporting, reporting_can_trigger=False, reported_in_main_clause=False,
    subordinators=lex.SUBORDINATORS, negations=lex.NEGATIONS,
    hypothetical=lex.HYPOTHETICAL, future=lex.FUTURE, commitment=lex.COMMIT_RE,
    nouns_capitalised=True, against_words=AGAINST, copulas=COPULAS,
    against_lemma="gegen sein", pluperfect_aux=lex.PLUPERFECT_AUX, participle_prefix="ge",
    cue_tokens=cue_tokens, accident_level=accident_level, intent=intent,
    sector_of=sector_of, is_role_noun=is_role_noun, prepositions=lex.PREPOSITIONS,
    recipient_prepositions=lex.RECIPIENT_PREPS)

PROFILE = LanguageProfile(code="de", name="German", genitive_s=True, country_locale="de",
                          events=EVENTS, months=MONTHS, weekdays=WEEKDAYS)
