"""German: what the processors know of the language beyond its spaCy pipeline.

The German pipeline has no parser, tagger or lemmatizer, so the event coder works on
clauses and matches words by stem (``lexicon_de``); nouns are told by their capital.
Names and places take a bare -s genitive ("Teherans", "Müllers").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wirestream.processors.lang import lexicon_de as lex
from wirestream.processors.lang.profile import (
    ClauseFrames,
    CountWords,
    EventRules,
    LanguageProfile,
    LexEntry,
)

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


# Who acts without a parser: case shows in the article, the passive in "wurde".
FRAMES = ClauseFrames(
    object_determiners=frozenset({
        "dem", "einem", "seinem", "ihrem", "meinem", "unserem", "eurem", "keinem",
        "diesem", "jenem", "den", "einen", "seinen", "ihren", "meinen", "unseren",
        "keinen", "diesen"}),
    genitive_determiners=frozenset({"des", "eines", "seines", "ihres", "dieses"}),
    agent_prepositions=frozenset({"von", "vom", "durch"}),
    recipient_prepositions=frozenset({"gegen", "gegenüber", "mit"}),
    venue_prepositions=frozenset({"bei", "beim"}),
    passive_auxiliaries=frozenset({"wurde", "wurden", "worden", "wird", "werden",
                                   "werde"}),
    conjunctions=frozenset({"und", "sowie"}),
    person_pronouns=frozenset({"er"}),
    group_pronouns=frozenset({"sie"}),
    group_possessives=frozenset({"ihr", "ihre", "ihrem", "ihren", "ihres", "ihrer"}),
    possessives=frozenset({"sein", "seines", "seinem", "seinen", "seine", "ihr", "ihres",
                           "ihrem", "ihren", "ihre"}),
    pair_words=frozenset({"beiden", "beide"}),
    first_person=frozenset({"wir", "unser", "unsere", "unseren", "unserem", "uns"}),
    relative_pronouns=frozenset({"der", "die", "das", "dem", "den", "welche", "welcher"}),
    plural_verb_endings=("en", "ten"),
    country_nouns=frozenset({"land", "landes", "staat", "staates"}),
)

EVENTS = EventRules(
    parse_rules=False, parse_cues=frozenset(), match_free=match_free,
    is_reporting=is_reporting, reporting_can_trigger=False, reported_in_main_clause=False,
    subordinators=lex.SUBORDINATORS, negations=lex.NEGATIONS,
    hypothetical=lex.HYPOTHETICAL, future=lex.FUTURE, commitment=lex.COMMIT_RE,
    nouns_capitalised=True, against_words=AGAINST, copulas=COPULAS,
    against_lemma="gegen sein", pluperfect_aux=lex.PLUPERFECT_AUX, participle_prefix="ge",
    cue_tokens=cue_tokens, accident_level=accident_level, intent=intent,
    sector_of=sector_of, is_role_noun=is_role_noun, prepositions=lex.PREPOSITIONS,
    recipient_prepositions=lex.RECIPIENT_PREPS, frames=FRAMES)

# ----------------------------------------------------------------------- head counts
NUMBERS = {
    "eins": 1, "zwei": 2, "zwo": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6,
    "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "elf": 11, "zwölf": 12,
    "dreizehn": 13, "vierzehn": 14, "fünfzehn": 15, "sechzehn": 16, "siebzehn": 17,
    "achtzehn": 18, "neunzehn": 19, "zwanzig": 20, "dreißig": 30, "vierzig": 40,
    "fünfzig": 50, "sechzig": 60, "siebzig": 70, "achtzig": 80, "neunzig": 90,
    "hundert": 100, "tausend": 1000, "beide": 2, "beiden": 2, "dutzend": 12,
}
_TENS = {"zwanzig": 20, "dreißig": 30, "vierzig": 40, "fünfzig": 50, "sechzig": 60,
         "siebzig": 70, "achtzig": 80, "neunzig": 90}
_UNITS = {"ein": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5, "sechs": 6, "sieben": 7,
          "acht": 8, "neun": 9}
_COMPOUND = re.compile(r"^(ein|zwei|drei|vier|fünf|sechs|sieben|acht|neun)und"
                       r"(zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig)$")


def compound_number(lower: str) -> int | None:
    """"dreiundzwanzig" → 23 (units before tens)."""
    if "und" not in lower:
        return None
    m = _COMPOUND.match(lower)
    return _UNITS[m.group(1)] + _TENS[m.group(2)] if m else None


COUNTS = CountWords(
    numbers=NUMBERS,
    compound_number=compound_number,
    one=frozenset({"ein", "eine", "einen", "einer", "einem"}),
    units=frozenset({
        "prozent", "jahre", "jahren", "jahr", "jährige", "jährigen", "uhr", "km", "kilometer",
        "kilometern", "meter", "metern", "meilen", "euro", "grad", "minuten", "stunden",
        "tage", "tagen", "wochen", "monate", "monaten", "mal", "tonnen", "kg", "mm",
        "millimeter", "schüsse", "punkte", "pfund", "kilo", "hektar", "stimmen", "sitze"}),
    vague={
        "dutzende": ("dozens", 24), "dutzenden": ("dozens", 24),
        "hunderte": ("hundreds", 200), "hunderten": ("hundreds", 200),
        "tausende": ("thousands", 2000), "tausenden": ("thousands", 2000),
        "zehntausende": ("tens_of_thousands", 20000),
        "zehntausenden": ("tens_of_thousands", 20000),
        "hunderttausende": ("hundreds_of_thousands", 200000),
        "millionen": ("millions", 2000000), "mehrere": ("several", 2),
        "mehreren": ("several", 2), "zahlreiche": ("several", 2),
        "zahlreichen": ("several", 2), "einige": ("some", 2), "einigen": ("some", 2),
        "viele": ("several", 2), "vielen": ("several", 2)},
    multipliers={"dutzend": 12, "hundert": 100, "tausend": 1000, "millionen": 1_000_000,
                 "mio": 1_000_000, "mio.": 1_000_000},
    qualifiers=(
        (("mindestens",), "at_least"), (("wenigstens",), "at_least"),
        (("zumindest",), "at_least"), (("über",), "more_than"), (("mehr", "als"), "more_than"),
        (("weit", "über"), "more_than"), (("bis", "zu"), "at_most"),
        (("höchstens",), "at_most"), (("weniger", "als"), "less_than"),
        (("unter",), "less_than"), (("rund",), "about"), (("etwa",), "about"),
        (("ca.",), "about"), (("circa",), "about"), (("knapp",), "about"),
        (("fast",), "about"), (("nahezu",), "about"), (("beinahe",), "about"),
        (("gut",), "about"), (("schätzungsweise",), "about"), (("ungefähr",), "about"),
        (("annähernd",), "about")),
    keywords={
        "dead": {
            "getötet": "verb", "tötete": "verb", "töteten": "verb", "tot": "adj",
            "tote": "noun", "toten": "noun", "todesopfer": "noun", "todesopfern": "noun",
            "starben": "adj", "starb": "adj", "gestorben": "adj", "ermordet": "verb",
            "erschossen": "verb", "leben": "adj", "ertrunken": "adj", "umgekommen": "adj",
            "kamen": "adj"},
        "injured": {
            "verletzt": "verb", "verletzte": "verb", "verletzten": "verb",
            "verwundet": "verb", "verwundete": "verb", "verwundeten": "verb",
            "schwerverletzte": "noun", "schwerverletzten": "noun", "leichtverletzte": "noun",
            "leichtverletzten": "noun", "schwerverletzt": "adj", "leichtverletzt": "adj"},
        "shot": {"beschossen": "verb", "angeschossen": "verb"},
        "arrested": {
            "festgenommen": "verb", "verhaftet": "verb", "inhaftiert": "verb",
            "festnahmen": "noun", "nahm": "verb", "nahmen": "verb", "gewahrsam": "adj"},
        "participants": {
            "demonstranten": "noun", "teilnehmer": "noun", "teilnehmern": "noun",
            "passagiere": "noun", "passagieren": "noun", "fahrgäste": "noun",
            "fahrgästen": "noun", "streikende": "noun", "streikenden": "noun",
            "insassen": "noun", "demonstrierten": "adj", "protestierten": "adj",
            "versammelten": "adj", "pilger": "noun"},
    },
    toll_words=frozenset({"todeszahl", "opferzahl", "zahl"}),
    participant_context=frozenset({"menschen", "personen", "studenten", "arbeiter",
                                   "beschäftigte", "einwohner"}),
    stops=frozenset({"und", "aber", "nachdem", "als", "während", "bevor", "seit", "oder",
                     "dass", "der", "die", "das", "wo"}),
    relative_pronouns=frozenset({"der", "die", "das"}),
    right_stops=frozenset({"im", "am", "bei", "mit"}),
    singular_person=(
        "mann", "frau", "junge", "mädchen", "kind", "person", "polizist", "soldat", "fahrer",
        "passant", "jugendliche", "jugendlicher", "beamter", "beamtin", r"\w+jähriger",
        r"\w+jährige"),
    plural_person=frozenset({"menschen", "personen", "männer", "frauen", "kinder",
                             "jugendliche", "polizisten", "soldaten"}),
    pronouns_one=frozenset({"er"}),
    modals=frozenset(),
    conditions=frozenset({"wenn", "falls", "ob"}),
    negations=frozenset({"nicht", "nie", "kein", "keine"}),
    none_verbs=frozenset({"wurde", "wurden", "ist", "sind"}),
    object_skip=frozenset(),
    object_person=(),
    self_words=frozenset({"sich"}),
)
DATE_NUMBERS = {"einem": 1, "einer": 1, "zwei": 2, "drei": 3, "vier": 4, "fünf": 5,
                "sechs": 6, "sieben": 7, "acht": 8, "neun": 9, "zehn": 10, "zwanzig": 20,
                "fünfzehn": 15}

# ------------------------------------------------------------------------- demonyms
# Adjectives inflect: iranisch, iranische, iranischen, iranischer, iranisches, iranischem.
_ADJECTIVE_ENDINGS = ("", "e", "en", "er", "es", "em")
# Compass prefixes glue onto adjectives: "ostiranischen", "nordsyrische".
_ADJECTIVE_PREFIXES = ("", "ost", "west", "nord", "süd", "nordost", "nordwest", "südost",
                       "südwest", "zentral", "pro", "anti")
# "südamerikanisch" is South American, "nordirisch" British: no prefixes.
_NO_PREFIX_STEMS = frozenset({"amerikanisch", "irisch"})


def demonym_forms(stem: str) -> tuple[str, ...]:
    """Every inflected (and compass-prefixed) form of an adjective stem; inflected forms
    also capitalised ("Iranische"), the bare stem not ("auf Deutsch" is the language)."""
    out: list[str] = []
    prefixes = ("",) if stem in _NO_PREFIX_STEMS else _ADJECTIVE_PREFIXES
    for prefix in prefixes:
        for ending in _ADJECTIVE_ENDINGS:
            form = prefix + stem + ending
            out.append(form)
            if ending:
                out.append(form[:1].upper() + form[1:])
    return tuple(out)


# French, Spanish, Italian, Portuguese and English links in names German copy quotes as
# they are ("Tour de France", "Philharmonic Society of London", "Banco do Brasil").
# Not "des" (German genitive: "die Hauptstadt des Iran").
FOREIGN_NAME_LINKS = frozenset({"de", "du", "di", "del", "della", "da", "do", "dos", "la", "le",
                                "y", "of", "for", "the"})

# Not for organisations: "Friedrich-Ebert-Stiftung", "Max-Planck-Gesellschaft".
COMMON_NOUN_ENDINGS = ("ung", "ungen", "heit", "heiten", "keit", "keiten", "tion", "tionen",
                       "ismus", "ität", "itäten", "schaft", "schaften")

PROFILE = LanguageProfile(code="de", name="German", genitive_s=True, country_locale="de",
                          events=EVENTS, counts=COUNTS, months=MONTHS, weekdays=WEEKDAYS,
                          date_numbers=DATE_NUMBERS, demonym_key="adjective_stems_de",
                          demonym_forms=demonym_forms, capitalises_nouns=True,
                          foreign_name_links=FOREIGN_NAME_LINKS,
                          common_noun_endings=COMMON_NOUN_ENDINGS)
