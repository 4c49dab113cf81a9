"""English: what the processors know of the language beyond its spaCy pipeline.

English pipelines parse, so the event coder reads triggers off the dependency parse
(processors/events/triggers.py) with the lemma-keyed lexicon in ``lexicon_en``; the
rules below serve the parse-free path (a pipeline without a parser) and the steps
around it: cue words, accident and intent cues, role nouns, prepositions.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

from wirestream.processors.lang import lexicon_en as lex
from wirestream.processors.lang.profile import CountWords, EventRules, LanguageProfile, LexEntry

if TYPE_CHECKING:
    from spacy.tokens import Token

MONTHS = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4,
    "apr": 4, "may": 5, "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8,
    "september": 9, "sep": 9, "sept": 9, "october": 10, "oct": 10, "november": 11,
    "nov": 11, "december": 12, "dec": 12,
}
WEEKDAYS = {"monday": 0, "tuesday": 1, "wednesday": 2, "thursday": 3, "friday": 4,
            "saturday": 5, "sunday": 6}
SUBORDINATORS = frozenset({
    "that", "if", "unless", "because", "after", "when", "while", "although", "which",
    "who", "whether", "before", "since", "as", "so"})
PREPOSITIONS = frozenset({
    "in", "at", "on", "from", "of", "by", "near", "to", "for", "with", "against", "into",
    "during", "after", "before", "since", "over", "under", "between", "across"})
RECIPIENT_PREPOSITIONS = frozenset({"with", "against", "to", "on"})
# Words of intent: a death among them is an attack, not an accident.
INTENT = frozenset({"attack", "bomb", "bomber", "bombing", "gunman", "gunmen", "militant",
                    "terrorist", "suicide", "airstrike", "shelling", "missile", "rocket",
                    "grenade", "massacre", "ambush", "assassinate", "murder", "homicide",
                    "stab", "stabbing", "arson", "insurgent", "rebel", "shooter"})
_SPEECH_FORMS = frozenset({"said", "says", "told", "according"})
_LEMMA_FIXES = {"troops": "troop"}  # the small model leaves "troops" as its own lemma


def lemma_of(tok: Token) -> str:
    """The lower-case lemma the lexicon is keyed by (the lower form without a lemma)."""
    lemma = tok.lemma_.lower() if tok.lemma_ else tok.lower_
    return _LEMMA_FIXES.get(lemma, lemma)


def guesses(word: str) -> list[str]:
    """The word and its possible bases without a lemmatizer ("talks" → "talk")."""
    out = [word]
    for suffix, repl in (("ies", "y"), ("ied", "y"), ("ing", ""), ("ing", "e"), ("ed", ""),
                         ("ed", "e"), ("es", ""), ("s", ""), ("d", "")):
        if word.endswith(suffix) and len(word) > len(suffix) + 2:
            base = word[: -len(suffix)] + repl
            out.append(base)
            if len(base) > 3 and base[-1] == base[-2]:
                out.append(base[:-1])
    return out


def match_free(tok: Token, later: set[str]) -> tuple[LexEntry, str] | None:
    """A verb sense of any guessed base first, then a noun sense."""
    lemma = lemma_of(tok) if tok.lemma_ else tok.lower_
    for cand in guesses(lemma):
        entry = lex.VERBS.get(cand)
        if entry is not None:
            return LexEntry(entry.type, entry.mode or lex.VERB_MODES.get(cand), entry.weight,
                            entry.casualty), cand
    for cand in guesses(lemma):
        entry = lex.NOUNS.get(cand)
        if entry is not None:
            return entry, cand
    return None


def is_reporting(tok: Token) -> bool:
    return lemma_of(tok) in lex.REPORTING or tok.lower_ in _SPEECH_FORMS


def _cue_words() -> frozenset[str]:
    words = set(lex.VERBS) | set(lex.NOUNS) | {v for v, _ in lex.PHRASAL}
    words |= set(lex.OBJECT_SENSES) | {v for v, _ in lex.PAIR_SENSES} | {"dead"}
    # Plural and inflected forms are covered by the lemma; without a lemmatizer the
    # lower-case forms below catch the common ones.
    words |= {w + "s" for w in list(words)} | {w + "ed" for w in list(words)}
    return frozenset(words)


def _parse_cues() -> frozenset[str]:
    # Exact for the parse path: a trigger's lemma is always one of these.
    keys = set(lex.VERBS) | set(lex.NOUNS) | {v for v, _ in lex.PHRASAL}
    keys |= set(lex.OBJECT_SENSES) | {v for v, _ in lex.PAIR_SENSES} | {"dead"}
    keys |= set(_LEMMA_FIXES)  # lemmatised by lemma_of, after the cue filter
    return frozenset(keys)


CUE_WORDS = _cue_words()


def cue_tokens(lowers: Sequence[str], lemmas: Sequence[str]) -> list[bool]:
    return [low in CUE_WORDS or lem in CUE_WORDS for low, lem in zip(lowers, lemmas,
                                                                     strict=True)]


def accident_level(lowers: Sequence[str], lemmas: Sequence[str]) -> int:
    words = set(lemmas) | set(lowers)
    if not words.isdisjoint(lex.ACCIDENT_STRONG):
        return 2
    return 1 if not words.isdisjoint(lex.ACCIDENT_WEAK) else 0


def intent(lowers: Sequence[str]) -> bool:
    return bool(set(lowers) & INTENT)


def sector_of(low: str) -> str | None:
    """Sector of a role noun, singular or plural ("soldiers")."""
    if low in lex.SECTORS:
        return lex.SECTORS[low]
    if low.endswith("s") and low[:-1] in lex.SECTORS:
        return lex.SECTORS[low[:-1]]
    return None


def is_role_noun(low: str) -> bool:
    return sector_of(low) is not None


EVENTS = EventRules(
    parse_rules=True, parse_cues=_parse_cues(), match_free=match_free,
    is_reporting=is_reporting, reporting_can_trigger=True, reported_in_main_clause=True,
    subordinators=SUBORDINATORS, negations=lex.NEGATIONS,
    hypothetical=lex.HYPOTHETICAL_MARKERS, future=lex.FUTURE_MARKERS, commitment=None,
    nouns_capitalised=False, against_words=(), copulas=frozenset(), against_lemma="",
    pluperfect_aux=frozenset(), participle_prefix="", cue_tokens=cue_tokens,
    accident_level=accident_level, intent=intent, sector_of=sector_of,
    is_role_noun=is_role_noun, prepositions=PREPOSITIONS,
    recipient_prepositions=RECIPIENT_PREPOSITIONS)

# ----------------------------------------------------------------------- head counts
NUMBERS = {
    "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90, "hundred": 100, "thousand": 1000,
    "both": 2, "a dozen": 12, "dozen": 12,
}
_COMPOUND = re.compile(r"^(twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)-"
                       r"(one|two|three|four|five|six|seven|eight|nine)$")


def compound_number(lower: str) -> int | None:
    """"twenty-three" → 23."""
    if "-" not in lower:
        return None
    m = _COMPOUND.match(lower)
    return NUMBERS[m.group(1)] + NUMBERS[m.group(2)] if m else None


COUNTS = CountWords(
    numbers=NUMBERS,
    compound_number=compound_number,
    one=frozenset({"a", "an", "one", "single"}),
    units=frozenset({
        "percent", "per", "year", "years", "year-old", "years-old", "old", "a.m.", "p.m.",
        "am", "pm", "km", "kilometer", "kilometers", "kilometres", "meter", "meters",
        "metres", "miles", "mile", "euro", "dollar", "dollars", "cent", "cents", "degrees",
        "minutes", "hours", "days", "weeks", "months", "times", "tons", "kg", "block",
        "calibre", "caliber", "mm", "millimeter", "rounds", "shots", "feet", "foot",
        "inches", "square", "acres", "points", "th", "st", "nd", "rd", "pounds", "kilo",
        "mph", "mbar", "hectares", "votes", "seats", "lbs"}),
    vague={
        "dozens": ("dozens", 24), "scores": ("scores", 40), "hundreds": ("hundreds", 200),
        "thousands": ("thousands", 2000), "millions": ("millions", 2000000),
        "several": ("several", 2), "numerous": ("several", 2), "some": ("some", 2),
        "few": ("some", 2), "many": ("several", 2)},
    multipliers={"dozen": 12, "hundred": 100, "thousand": 1000, "million": 1_000_000,
                 "million.": 1_000_000},
    qualifiers=(
        (("at", "least"), "at_least"), (("no", "fewer", "than"), "at_least"),
        (("no", "less", "than"), "at_least"), (("more", "than"), "more_than"),
        (("over",), "more_than"), (("upwards", "of"), "more_than"), (("up", "to"), "at_most"),
        (("at", "most"), "at_most"), (("as", "many", "as"), "at_most"),
        (("fewer", "than"), "less_than"), (("less", "than"), "less_than"),
        (("under",), "less_than"), (("about",), "about"), (("around",), "about"),
        (("some",), "about"), (("approximately",), "about"), (("roughly",), "about"),
        (("nearly",), "about"), (("almost",), "about"), (("an", "estimated"), "about"),
        (("estimated",), "about")),
    keywords={
        "dead": {
            "killed": "verb", "kill": "verb", "kills": "verb", "killing": "verb",
            "dead": "adj", "died": "adj", "die": "adj", "dies": "adj", "slain": "adj",
            "deaths": "noun", "fatalities": "noun", "fatally": "adj", "murdered": "verb",
            "bodies": "noun", "lives": "adj", "perished": "adj", "drowned": "adj"},
        "injured": {
            "injured": "verb", "injuring": "verb", "wounded": "verb", "wounding": "verb",
            "hurt": "verb", "injuries": "noun", "hospitalized": "adj",
            "hospitalised": "adj"},
        "shot": {"shot": "verb", "shooting": "verb", "shoots": "verb"},
        "arrested": {
            "arrested": "verb", "arresting": "verb", "detained": "verb", "detaining": "verb",
            "jailed": "verb", "arrests": "noun", "custody": "adj", "imprisoned": "verb"},
        "participants": {
            "protesters": "noun", "protestors": "noun", "demonstrators": "noun",
            "marchers": "noun", "strikers": "noun", "participants": "noun",
            "passengers": "noun", "demonstrated": "adj", "protested": "adj",
            "rallied": "adj", "marched": "adj", "gathered": "adj", "pilgrims": "noun"},
    },
    toll_words=frozenset({"toll"}),
    participant_context=frozenset({"people", "students", "workers", "residents"}),
    stops=frozenset({"and", "but", "after", "when", "while", "before", "since", "or",
                     "which", "who", "that", "where"}),
    relative_pronouns=frozenset({"that"}),
    right_stops=frozenset({"in", "at", "on", "near", "during", "by", "into", "outside",
                           "inside", "through", "with", "while", "for"}),
    singular_person=(
        "man", "woman", "boy", "girl", "child", "person", "teen", "teenager", "officer",
        "victim", "student", "baby", "toddler", "infant", "son", "daughter", "father",
        "mother", "brother", "sister", "friend", "suspect", "gunman", "bystander", "driver",
        "passenger", "pedestrian", "resident", "soldier", "policeman", "worker", "youth",
        "juvenile", "adult", r"\d+-year-old", "year-old"),
    plural_person=frozenset({
        "men", "women", "people", "persons", "boys", "girls", "children", "kids", "adults",
        "teens", "teenagers", "officers", "deputies", "students", "victims", "others",
        "brothers", "sisters", "sons", "daughters", "juveniles", "males", "females",
        "toddlers", "infants", "babies", "residents", "friends", "relatives", "customers",
        "soldiers", "police", "civilians"}),
    pronouns_one=frozenset({"he", "she"}),
    modals=frozenset({"to", "would", "'d", "could", "might", "may", "will", "'ll", "should",
                      "can", "must", "wo", "ca"}),
    conditions=frozenset({"if", "whether", "unless"}),
    negations=frozenset({"not", "n't", "never"}),
    none_verbs=frozenset({"was", "were", "is", "are", "been", "be", "being", "else", "one",
                          "other", "others", "seriously", "critically", "reportedly",
                          "immediately", "physically", "also"}),
    object_skip=frozenset({"his", "her", "their", "a", "an", "the", "its", "one", "another",
                           "own", "young", "infant", "baby", "little", "teenage", "elderly",
                           "old", "unarmed", "pregnant", "estranged", "ex", "former", "-"}),
    object_person=(
        "man", "woman", "boy", "girl", "child", "person", "teen", "teenager", "officer",
        "deputy", "trooper", "victim", "student", "baby", "toddler", "infant", "son",
        "daughter", "father", "mother", "brother", "sister", "friend", "bystander", "driver",
        "pedestrian", "resident", "neighbou?r", "wife", "husband", "girlfriend", "boyfriend",
        "grandfather", "grandmother", "grandson", "granddaughter", "uncle", "aunt", "nephew",
        "niece", "cousin", "stepfather", "stepmother", "stepson", "stepdaughter", "roommate",
        "classmate", "relative", "customer", "clerk", "employee", "worker", "guard", "pastor",
        "deacon", "fiancee?", "partner", "kid", r"\d+-year-old"),
    self_words=frozenset({"himself", "herself", "themself"}),
)
DATE_NUMBERS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
                "eight": 8, "nine": 9, "ten": 10, "a": 1, "an": 1, "fifteen": 15,
                "twenty": 20}



def demonym_forms(word: str) -> tuple[str, ...]:
    """"Iranian" and its plural "Iranians" (not "Chineses", "Britishs")."""
    if word.endswith(("ese", "sh", "ch", "ss", ".")):
        return (word,)
    return word, word + "s"


# English pipelines (OntoNotes) put the article into a name's span, "the United Nations",
# and sometimes the possessive, "Iran 's"; names as readers and gold data (Universal NER,
# CoNLL) count them do not have either.
NAME_ARTICLES = frozenset({"the"})
POSSESSIVE_ENDINGS = frozenset({"'s", "\u2019s", "'", "\u2019"})

# Romance links in names English copy quotes as they are ("Tour de France", "Banco do
# Brasil"); not "of", which English names and places share ("the City of London").
FOREIGN_NAME_LINKS = frozenset({"de", "du", "des", "di", "del", "della", "da", "do", "dos",
                                "la", "le", "y"})

PROFILE = LanguageProfile(code="en", name="English", events=EVENTS, counts=COUNTS,
                          months=MONTHS, weekdays=WEEKDAYS, date_numbers=DATE_NUMBERS,
                          demonym_key="adjectives_en", demonym_forms=demonym_forms,
                          name_articles=NAME_ARTICLES, possessive_endings=POSSESSIVE_ENDINGS,
                          foreign_name_links=FOREIGN_NAME_LINKS)
