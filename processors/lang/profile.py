"""What a language module provides: the profile type and the event coder's rule set.

Nothing here knows a particular language; each module beside this one (``de.py``,
``en.py``, ...) fills these types with its own words and rules, and the registry in
``__init__`` maps codes to them. This module imports nothing of the project, so the
lexicons and language modules can be imported from anywhere without a cycle.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Token


@dataclass(frozen=True, slots=True)
class LexEntry:
    """One lexicon sense: the event type it signals, an optional mode, and how sure it is."""

    type: str
    mode: str | None = None
    weight: float = 1.0  # < 1 for ambiguous words that should lose to clearer ones
    casualty: bool = False  # kill/die/injure words: ASSAULT or ACCIDENT depending on context


@dataclass(frozen=True, slots=True)
class EventRules:
    """The event coder's language-specific rules (processors/events/ asks only these)."""

    # Triggers with a dependency parse: the lexicon has rules for one (processors/events/
    # triggers.py); the pipeline must parse too. Otherwise clause rules are used.
    parse_rules: bool
    # Parse-path cue words: lemmas that can carry a sense (empty without parse rules).
    parse_cues: frozenset[str]
    # (token, lower-case tokens later in the clause) -> (sense, citation form) or None.
    match_free: Callable[[Token, set[str]], tuple[LexEntry, str] | None]
    is_reporting: Callable[[Token], bool]
    # A speech verb may itself be the trigger ("said" is skipped in German only).
    reporting_can_trigger: bool
    # Reported speech needs a subordinate clause ("sagte, dass ..."), or any clause will do.
    reported_in_main_clause: bool
    subordinators: frozenset[str]
    negations: frozenset[str]
    hypothetical: frozenset[str]
    future: frozenset[str]
    # Words of commitment that make a clause future ("bereit", "versprach"); None: none.
    commitment: re.Pattern[str] | None
    # Nouns are told by a capital (German), not by the tagger's part of speech.
    nouns_capitalised: bool
    # "sein Land sei gegen solche Schritte": words of being against, with a copula.
    against_words: tuple[str, ...]
    copulas: frozenset[str]
    against_lemma: str
    # Pluperfect without a parse: an auxiliary and a participle prefix in a main clause.
    pluperfect_aux: frozenset[str]
    participle_prefix: str
    # Tokens (lower forms, lemmas) that can start a trigger on the parse-free paths.
    cue_tokens: Callable[[Sequence[str], Sequence[str]], list[bool]]
    # 2: a strong accident cue, 1: a weak one, 0: none (lower forms, lemmas of a sentence).
    accident_level: Callable[[Sequence[str], Sequence[str]], int]
    # Words of intent (attack, bomb): a death among them is an assault.
    intent: Callable[[Sequence[str]], bool]
    # Actors: role noun (lower case) -> sector, loosely (inflected, compounds) and strictly.
    sector_of: Callable[[str], str | None]
    is_role_noun: Callable[[str], bool]
    prepositions: frozenset[str]
    recipient_prepositions: frozenset[str]
    # Parse-free actor rules over clauses and case words (processors/events/frames.py);
    # None: the older first-free-mention rule.
    frames: ClauseFrames | None = None


@dataclass(frozen=True, slots=True)
class ClauseFrames:
    """Words the parse-free actor rules read to tell who acts and who is acted on.

    Without a parser, case shows in the determiner, the passive in its auxiliary, and
    "they"/"both leaders" point back to the people named before. All words lower case.
    """

    # Determiners and possessives that mark a dative or accusative noun phrase: an
    # object (the recipient), never the subject ("seinem Amtskollegen", "den Minister").
    object_determiners: frozenset[str]
    # A genitive noun phrase right after a noun belongs to that noun ("der Resolution
    # des UN-Sicherheitsrates"): not an argument of the verb.
    genitive_determiners: frozenset[str]
    # Prepositions of the agent in a passive clause ("von der Polizei festgenommen").
    agent_prepositions: frozenset[str]
    # Prepositions whose noun is the other side of the act ("gegen", "mit").
    recipient_prepositions: frozenset[str]
    # Prepositions of the organisation an act happens at ("Streik bei Amazon"): its
    # target, when the act is not mutual.
    venue_prepositions: frozenset[str]
    # Passive auxiliaries ("wurde"); with a participle trigger the subject is the patient.
    passive_auxiliaries: frozenset[str]
    # "und", "sowie": joins two actors.
    conjunctions: frozenset[str]
    # Personal pronouns of one person ("er") and of a group ("sie" with a plural verb).
    person_pronouns: frozenset[str]
    group_pronouns: frozenset[str]
    # Possessives of a group before the trigger noun ("in ihrem Gespräch"): the group.
    group_possessives: frozenset[str]
    # Possessives before "Land" ("sein Land"): the country of the last person named.
    possessives: frozenset[str]
    # Words of a pair ("die beiden Staats- und Regierungschefs", "beide Seiten").
    pair_words: frozenset[str]
    # First-person words inside a quote ("wir", "unser"): the speaker, named after it.
    first_person: frozenset[str]
    # Relative pronouns: their clause's subject is the noun before the comma.
    relative_pronouns: frozenset[str]
    # A plural finite verb ends so ("erörterten", "unterstrichen"): "sie" is a group.
    plural_verb_endings: tuple[str, ...]
    # Words for "country" ("Land", "Staat") after a possessive.
    country_nouns: frozenset[str]


@dataclass(frozen=True, slots=True)
class CountWords:
    """A language's words for head counts (processors/events/counts.py, numbers.py).

    Counts work on tokens and do not know the sentence's language: the tables of every
    language with count words are merged there. All words are lower case.
    """

    numbers: dict[str, int]  # "three" → 3
    compound_number: Callable[[str], int | None]  # "twenty-three", "dreiundzwanzig"
    one: frozenset[str]  # articles and "one" before a singular person noun
    units: frozenset[str]  # after a number, it is no head count: "30 years", "5 Uhr"
    vague: dict[str, tuple[str, int]]  # "dozens" → (qualifier, floor)
    multipliers: dict[str, int]  # "3 million", "drei Dutzend"
    qualifiers: tuple[tuple[tuple[str, ...], str], ...]  # ("at", "least") → "at_least"
    keywords: dict[str, dict[str, str]]  # kind → word → "verb", "noun" or "adj"
    toll_words: frozenset[str]  # "death toll rose to 30": a sentence may state a count
    participant_context: frozenset[str]  # people who take part when the event is a protest
    stops: frozenset[str]  # words that end the search for a count's number
    relative_pronouns: frozenset[str]  # stops, except to the left of the count word
    right_stops: frozenset[str]  # prepositions after an active verb: no object count
    singular_person: tuple[str, ...]  # regex alternatives of one person ("man", "Frau")
    plural_person: frozenset[str]
    pronouns_one: frozenset[str]  # "he", "er": one person
    modals: frozenset[str]  # before a casualty word: not a toll ("plans to kill")
    conditions: frozenset[str]
    negations: frozenset[str]
    none_verbs: frozenset[str]  # words between "no one" and the casualty word
    object_skip: frozenset[str]  # modifiers before an object person noun
    object_person: tuple[str, ...]  # regex alternatives of one person as an object
    self_words: frozenset[str]  # "killed himself"


@dataclass(frozen=True, slots=True)
class LanguageProfile:
    """What is specific to one language, for every part of the processors that needs it."""

    code: str  # ISO 639-1
    name: str
    # Names take a bare -s genitive ("Teherans", "Müllers"): an unknown name ending in -s
    # is tried without it.
    genitive_s: bool = False
    # pycountry's locale for country names in this language; None: the English source.
    country_locale: str | None = None
    # Demonyms: the key of this language's list in config/gazetteer/countries.json, and
    # the surface forms of one listed word ("Iranian" → "Iranians"; "iranisch" →
    # "iranische", "ostiranischen", ...).
    demonym_key: str | None = None
    demonym_forms: Callable[[str], tuple[str, ...]] | None = None
    # The event coder's rules; None: events are not coded in this language.
    events: EventRules | None = None
    # Head-count words; None: counts ignore this language's words.
    counts: CountWords | None = None
    # Month and weekday words (lower case) for event dates and for what is no head count.
    months: dict[str, int] = field(default_factory=dict)
    weekdays: dict[str, int] = field(default_factory=dict)
    # Small numbers in relative dates: "two years ago", "vor drei Jahren".
    date_numbers: dict[str, int] = field(default_factory=dict)
    # Name edges (processors/name_edges.py): words a pipeline may take into a name's span
    # that are not part of the name: articles before it ("the" in "the West Bank"), lower
    # case, and possessive endings after it ("'s" in "New York 's").
    name_articles: frozenset[str] = frozenset()
    possessive_endings: frozenset[str] = frozenset()
    # Lower-case words that join the parts of a name from another language in this
    # language's text ("de" in "Tour de France", "of" in "Tower of London" in German copy):
    # a known place right after one, with a capitalised word before it, is part of that
    # name (processors/news_names.py). Not this language's own prepositions ("von", "de").
    foreign_name_links: frozenset[str] = frozenset()
    # Every noun is capitalised (German): a capitalised word after a place says nothing about
    # a longer name ("dass Russland Truppen entsendet").
    capitalises_nouns: bool = False
    # Endings of abstract common nouns ("-ungen" in "Marathon-Verhandlungen"): a hyphenated
    # word that ends in one is no person or place, whatever its first part names.
    common_noun_endings: tuple[str, ...] = ()
