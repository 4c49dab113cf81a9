"""German trigger lexicon, written for this project from the PLOVER definitions.

The German pipeline has no parser, tagger or lemmatizer, so words are matched by
stem on the lower-cased token: verbs as ``stem`` (also with the ``ge-`` participle),
separable verbs as ``particle|stem`` (joined: "abgelehnt", "abzulehnen", or split:
"lehnte ... ab" with the particle later in the clause), strong-verb forms listed
as their own stems, and nouns as the last part of a compound ("Zugunglück" ends in
"unglück").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from wirestream.processors.lang.profile import LexEntry as E

# type[:mode] -> stems
_VERBS: dict[str, tuple[str, ...]] = {
    "AGREE": ("einig", "vereinbar", "zu|sag", "versprech", "versprach", "versproch",
              "zu|stimm", "an|biet", "an|bot", "verpflicht", "ein|lad", "ein|lud",
              "schlichte"),
    "CONSULT": ("erörter", "besprech", "besprach", "berat", "beriet", "verhandel", "verhandl",
                "treff", "traf", "getroff", "konsultier", "vermittel", "vermittl",
                "zusammen|komm", "zusammen|kam", "unterred", "austausch"),
    "CONSULT:visit": ("besuch", "empfang", "empfing", "bereis", "visitier"),
    "CONSULT:phone": ("telefonier",),
    "SUPPORT": ("unterstütz", "lob", "begrüß", "befürwort", "gratulier", "würdig",
                "bekräftig", "unterzeichn", "ratifizier", "anerkenn", "an|erkenn",
                "verteidig", "dank", "bei|pflicht", "preis", "pries", "gepries"),
    "COOPERATE": ("kooperier", "zusammen|arbeit", "aus|liefer", "koordinier"),
    "AID": ("helf", "half", "geholf", "hilft", "spend", "rett", "bereit|stell",
            "finanzier", "gewähr", "schick", "liefer", "versorg"),
    "CONCEDE": ("lock", "auf|heb", "auf|hob", "erlaub", "zu|lass", "zu|ließ",
                "ein|lenk", "nach|geb", "nach|gab", "entschuldig", "begnadig", "bedauer",
                "gestatt"),
    "RETREAT": ("zurück|zieh", "zurück|zog", "ab|zieh", "ab|zog", "frei|lass",
                "frei|ließ", "zurück|tret", "zurück|trat", "kapitulier", "entwaffn",
                "räum", "ab|rück", "ab|zog"),
    "REQUEST": ("forder", "auf|ruf", "auf|rief", "verlang", "bitt", "bat", "gebet",
                "appellier", "dräng", "ersuch", "an|mahn", "mahn", "auf|forder", "pochen",
                "poch"),
    "ACCUSE": ("vor|werf", "vor|warf", "vor|wirf", "beschuldig", "kritisier", "verurteil",
               "an|klag", "beklag", "ermittel", "ermittl", "untersuch", "an|prangr",
               "an|präng", "tadel", "rüg", "verklag", "beschwer", "verdächtig"),
    "REJECT": ("ab|lehn", "zurück|weis", "zurück|wies", "verweiger", "widersetz",
               "widersprech", "widersprach", "dementier", "bestreit", "bestritt",
               "verwerf", "verwarf", "blockier", "aus|schlag", "aus|schlug", "boykottier",
               "wehr", "sträub"),
    "THREATEN": ("droh", "bedroh", "warn"),
    "PROTEST": ("demonstrier", "protestier", "streik", "marschier", "randalier"),
    "MOBILIZE": ("mobilisier", "stationier", "entsend", "entsand", "patrouillier",
                 "auf|marschier", "auf|rüst", "verleg"),
    "SANCTION": ("sanktionier", "ab|brech", "ab|brach", "aus|weis", "aus|wies",
                 "ein|frier", "ein|fror", "ab|sag", "aus|setz", "kündig", "ab|beruf",
                 "zurück|ruf", "zurück|rief", "stopp"),
    "COERCE:arrest": ("fest|nehm", "fest|nahm", "fest|genomm", "verhaft", "inhaftier",
                      "fest|halt", "fest|hielt", "ein|sperr", "fest|setz"),
    "COERCE:deport": ("ab|schieb", "ab|schob",),
    "COERCE:seize": ("beschlagnahm", "durchsuch", "konfiszier"),
    "COERCE:restrict": ("verbiet", "verbot", "zensier", "unterdrück"),
    "ASSAULT": ("an|greif", "an|griff", "attackier", "ermord", "erschieß", "erschoss",
                "beschieß", "beschoss", "bombardier", "erstech", "erstach", "entführ",
                "kämpf", "überfall", "folter", "massakrier", "hin|richt", "prügel",
                "ein|marschier", "sprengt", "schieß", "schoss", "geschoss", "erober",
                "stürm", "verschlepp", "misshandel", "misshandl", "nieder|schieß"),
    "ACCIDENT": ("kollidier", "entgleis", "verunglück", "ab|stürz", "stürzt", "kenter",
                 "ein|stürz", "zusammen|stoß", "zusammen|stieß", "überschwemm",
                 "zusammen|prall", "havarier", "überschlag", "überschlug"),
}
# Casualty words: ASSAULT or ACCIDENT by context.
_CASUALTY_VERBS = ("töt", "verletz", "verwund", "starb", "sterb", "stirbt", "gestorb",
                   "um|komm", "um|kam")
_VERB_MODES: dict[str, str] = {
    "erschieß": "firearms", "erschoss": "firearms", "schieß": "firearms",
    "beschieß": "heavy-weapons", "beschoss": "heavy-weapons", "bombardier": "aerial",
    "erstech": "primitive", "erstach": "primitive", "entführ": "abduct",
    "verschlepp": "abduct", "folter": "torture", "prügel": "beat", "hin|richt": "targeted",
    "streik": "strike", "demonstrier": "demo", "marschier": "demo", "randalier": "riot",
    "boykottier": "boycott", "blockier": "obstruct", "ermittel": "investigate",
    "ermittl": "investigate", "untersuch": "investigate", "vor|werf": "allege",
    "vor|warf": "allege", "beschuldig": "allege", "an|klag": "allege", "verklag": "allege",
    "kritisier": "disapprove", "verurteil": "disapprove", "zurück|tret": "resign",
    "zurück|trat": "resign", "frei|lass": "release", "frei|ließ": "release",
    "zurück|zieh": "withdraw", "zurück|zog": "withdraw", "ab|zieh": "withdraw",
    "ab|zog": "withdraw", "entwaffn": "disarm", "aus|weis": "expel", "aus|wies": "expel",
    "ab|brech": "discontinue", "ab|brach": "discontinue",
}
_NOUNS: dict[str, tuple[str, ...]] = {
    "AGREE": ("einigung", "vereinbarung", "zusage", "angebot", "versprechen", "einladung",
              "kompromiss"),
    "CONSULT": ("verhandlung", "gespräch", "beratung", "konsultation", "vermittlung",
                "gipfel", "gipfeltreffen", "treffen", "unterredung", "konferenz",
                "dialog"),
    "CONSULT:visit": ("besuch", "staatsbesuch", "visite", "reise"),
    "CONSULT:phone": ("telefonat", "anruf", "telefongespräch", "telefonschalte"),
    # Condolences are a statement (CAMEO 018), which PLOVER does not code.
    "SUPPORT": ("unterstützung", "solidarität", "lob", "glückwunsch", "anerkennung"),
    "COOPERATE": ("zusammenarbeit", "kooperation", "manöver", "auslieferung",
                  "militärübung"),
    "AID": ("hilfe", "hilfslieferung", "hilfsgüter", "asyl", "spende", "kredit",
            "rettung", "hilfspaket"),
    "CONCEDE": ("zugeständnis", "entschuldigung", "amnestie", "begnadigung", "lockerung"),
    "RETREAT:withdraw": ("rückzug", "abzug"),
    "RETREAT:release": ("freilassung",),
    "RETREAT:resign": ("rücktritt",),
    "RETREAT:ceasefire": ("waffenruhe", "waffenstillstand", "feuerpause"),
    "REQUEST": ("forderung", "aufruf", "appell", "bitte", "ersuchen", "aufforderung"),
    "ACCUSE:disapprove": ("kritik", "verurteilung", "beschwerde"),
    "ACCUSE:allege": ("vorwurf", "vorwürfe", "anklage", "beschuldigung", "klage"),
    "ACCUSE:investigate": ("ermittlung", "untersuchung", "ermittlungsverfahren"),
    "REJECT": ("ablehnung", "absage", "veto", "weigerung"),
    "THREATEN": ("drohung", "ultimatum", "warnung"),
    "PROTEST:demo": ("demonstration", "kundgebung", "protest", "proteste", "demo",
                     "protestmarsch", "mahnwache", "sitzblockade"),
    "PROTEST:strike": ("streik", "warnstreik", "generalstreik", "ausstand", "arbeitskampf",
                       "arbeitsniederlegung"),
    "PROTEST:hunger": ("hungerstreik",),
    "PROTEST:riot": ("krawall", "krawalle", "ausschreitung", "unruhen", "randale"),
    "MOBILIZE": ("mobilmachung", "mobilisierung", "truppenaufmarsch", "stationierung",
                 "alarmbereitschaft", "patrouille"),
    "SANCTION": ("sanktion", "embargo", "boykott", "strafzölle"),
    "COERCE:arrest": ("festnahme", "verhaftung", "haft", "inhaftierung", "gewahrsam"),
    "COERCE:curfew": ("ausgangssperre",),
    "COERCE:martial-law": ("ausnahmezustand", "kriegsrecht"),
    "COERCE:seize": ("razzia", "durchsuchung", "beschlagnahme"),
    "COERCE:deport": ("abschiebung", "ausweisung"),
    "COERCE:restrict": ("verbot",),
    "ASSAULT": ("angriff", "anschlag", "attentat", "überfall", "offensive", "beschuss",
                "bombardement", "luftangriff", "luftschlag", "massaker", "gefecht",
                "kämpfe", "schießerei", "messerangriff", "mord", "entführung", "invasion",
                "einmarsch", "sprengstoffanschlag", "bombenanschlag", "selbstmordanschlag",
                "raketenangriff", "schusswechsel", "bluttat", "tötung", "geiselnahme",
                "messerattacke", "amoklauf", "terrorangriff", "explosion:explosives"),
    "ACCIDENT": ("unglück", "unfall", "unfälle", "kollision", "zusammenstoß", "entgleisung",
                 "absturz", "crash", "brand", "feuer", "erdbeben", "beben", "erdstoß",
                 "erdstöße", "tsunami", "überschwemmung", "hochwasser", "flut", "sturm",
                 "orkan", "hurrikan", "taifun", "zyklon", "tornado", "lawine", "erdrutsch",
                 "havarie", "einsturz", "vulkanausbruch", "karambolage", "katastrophe",
                 "unwetter", "sturmflut", "waldbrand", "großbrand", "dürre",
                 "hitzewelle", "auffahrunfall", "zugunglück", "schiffbruch"),
}
_NOUN_WEIGHT = 0.8
# Words that make a casualty word an accident (and win over ASSAULT).
ACCIDENT_CUES_RE = re.compile(
    r"(unglück|unfall|unfäll|kollision|kollidier|zusammenstoß|zusammengestoßen|entgleis|"
    r"absturz|abgestürzt|stürzte|crash|erdbeben|beben|erdstoß|erdstöße|tsunami|"
    r"überschwemm|hochwasser|flut|sturm|orkan|hurrikan|taifun|zyklon|tornado|lawine|"
    r"erdrutsch|havar|einsturz|eingestürzt|vulkan|karambolage|unwetter|verunglück|kenter|"
    r"gleis|bagger|zug$|züge|brand|feuer|explosion|explodiert|dürre|hitze|ertrunken|ertrank|"
    r"schiffbruch|überschlag|überschlug)")
ACCIDENT_WEAK_RE = re.compile(r"(brand|feuer|explosion|explodiert|einsturz|eingestürzt)")
# Verbs that report speech: the event is in the dass-clause or the quote.
REPORTING_RE = re.compile(
    r"^(sag|sagt|sagte|sagten|gesagt|erklär|betont|berichte|berichtet|meldet|meldete|"
    r"teilt|teilte|mitgeteilt|äußert|verwies|verweist|unterstrich|unterstreich|hieß|heißt|"
    r"zitiert|fügte|fügt|hinzu|sprach|glaub|meint|meinte|schrieb|schreibt|versichert|"
    r"bestätigt|deutete|deutet|hin|so|laut|zufolge|kündigt|kündigte|an|hofft|hoffte|"
    r"befürchte|fürchte|bekräftigte)$")
SUBORDINATORS = frozenset({"dass", "daß", "ob", "weil", "da", "nachdem", "wenn", "falls",
                           "obwohl", "als", "damit", "sobald", "bevor", "während", "indem",
                           "sofern", "solange", "bis", "wo", "wie", "welche", "welcher",
                           "welches", "der", "die", "das", "dem", "den", "deren", "dessen"})
HYPOTHETICAL = frozenset({"wenn", "falls", "könnte", "könnten", "würde", "würden", "sollte",
                          "sollten", "möglicherweise", "vielleicht", "eventuell", "ob",
                          "sofern", "müsste", "dürfte", "könne"})
FUTURE = frozenset({"wird", "werden", "werde", "wirst", "will", "wollen", "wolle", "plant",
                    "planen", "plante", "beabsichtigt"})
COMMIT_RE = re.compile(r"^(bereit|gewillt|versprach|versprochen|sagte.*zu|zugesagt|"
                       r"angeboten|bot|will|wollen|wolle|beabsichtig\w*)$")
NEGATIONS = frozenset({"nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines",
                       "nie", "niemals", "weder", "ohne"})
CONDITIONAL = frozenset({"sofern", "falls"})
PLUPERFECT_AUX = frozenset({"hatte", "hatten", "hattest", "war", "waren", "gewesen"})
PREPOSITIONS = frozenset({
    "in", "im", "ins", "auf", "an", "am", "ans", "bei", "beim", "mit", "von", "vom", "zu",
    "zum", "zur", "nach", "aus", "über", "unter", "gegen", "für", "durch", "neben", "seit",
    "wegen", "trotz", "während", "ohne", "um", "bis", "zwischen", "vor", "hinter", "inmitten",
    "angesichts", "laut", "gegenüber", "nahe", "südlich", "nördlich", "östlich", "westlich",
})
RECIPIENT_PREPS = frozenset({"gegen", "mit", "an", "auf", "gegenüber"})

SECTORS: dict[str, str] = {}
_SECTOR_STEMS: dict[str, tuple[str, ...]] = {
    "government": ("regierung", "ministerium", "minister", "ministerin", "präsident",
                   "präsidentin", "kanzler", "kanzlerin", "kabinett", "behörde", "parlament",
                   "abgeordnete", "botschafter", "diplomat", "sprecher", "sprecherin",
                   "könig", "staatschef", "regierungschef", "amtskollege", "amtskollegen",
                   "führung", "regime", "kreml", "staats", "bürgermeister", "gouverneur",
                   "außenamt", "delegation", "unterhändler"),
    "military": ("armee", "soldat", "soldaten", "truppe", "militär", "streitkräfte",
                 "marine", "luftwaffe", "general", "bundeswehr", "panzer", "kampfjet"),
    "police": ("polizei", "polizist", "polizisten", "beamte", "beamten", "sicherheitskräfte",
               "ermittler", "staatsanwaltschaft"),
    "rebels": ("rebell", "rebellen", "aufständische", "miliz", "milizen", "kämpfer",
               "extremist", "terrorist", "islamist", "separatist", "täter", "angreifer",
               "attentäter"),
    "civilians": ("zivilist", "zivilisten", "menschen", "einwohner", "bewohner",
                  "passagier", "passagiere", "reisende", "kinder", "frau", "mann",
                  "bürger", "flüchtling", "flüchtlinge", "opfer", "fahrgäste", "fahrer"),
    "business": ("unternehmen", "konzern", "firma", "bank", "investor", "manager"),
    "labor": ("gewerkschaft", "arbeiter", "beschäftigte", "mitarbeiter", "belegschaft",
              "lokführer", "piloten"),
    "protesters": ("demonstrant", "demonstranten", "aktivist", "aktivisten", "opposition",
                   "protestierende"),
    "judiciary": ("gericht", "richter", "staatsanwalt"),
    "media": ("zeitung", "journalist", "medien", "sender", "agentur"),
}
for _sector, _words in _SECTOR_STEMS.items():
    for _w in _words:
        SECTORS[_w] = _sector


@dataclass(frozen=True, slots=True)
class _Stem:
    particle: str
    stem: str
    entry: E


_ENDINGS = r"(?:e|en|n|t|te|ten|tet|test|et|est|st|nd|end|ende|enden|ender|endes|ete|eten|" \
    r"etem|eter|etes|tem|ter|tes|em|er|es)?"


def _build() -> tuple[dict[str, _Stem], re.Pattern[str], re.Pattern[str], dict[str, E],
                      re.Pattern[str]]:
    stems: dict[str, _Stem] = {}

    def add(spec: str, words: tuple[str, ...], weight: float, casualty: bool) -> None:
        type_, _, mode = spec.partition(":")
        for word in words:
            particle, _, stem = word.rpartition("|")
            entry = E(type_, mode or _VERB_MODES.get(word), weight, casualty)
            stems[particle + stem] = _Stem(particle, stem, entry)
            if particle:
                stems[stem] = stems.get(stem) or _Stem(particle, stem, entry)

    for spec, words in _VERBS.items():
        add(spec, words, 1.0, False)
    add("ASSAULT", _CASUALTY_VERBS, 0.7, True)
    # Joined forms: particle + (ge|zu)? + stem; bare forms: (ge)? + stem.
    joined = sorted({s.particle + "|" + s.stem for s in stems.values() if s.particle},
                    key=len, reverse=True)
    joined_re = re.compile(
        "^(" + "|".join(re.escape(j.split("|")[0]) for j in joined) + ")(ge|zu)?("
        + "|".join(sorted({re.escape(j.split("|")[1]) for j in joined}, key=len, reverse=True))
        + ")" + _ENDINGS + "$")
    bare = sorted({s.stem for s in stems.values()}, key=len, reverse=True)
    bare_re = re.compile("^(?:ge)?(" + "|".join(map(re.escape, bare)) + ")" + _ENDINGS + "$")
    nouns: dict[str, E] = {}
    for spec, words in _NOUNS.items():
        type_, _, mode = spec.partition(":")
        for word in words:
            noun, _, noun_mode = word.partition(":")
            nouns[noun] = E(type_, noun_mode or mode or None, _NOUN_WEIGHT)
    noun_re = re.compile("(" + "|".join(sorted(map(re.escape, nouns), key=len, reverse=True))
                         + r")(?:e|en|n|s|es|er|ern|se|sen|ses)?$")
    return stems, joined_re, bare_re, nouns, noun_re


_STEMS, _JOINED_RE, _BARE_RE, _NOUN_ENTRIES, _NOUN_RE = _build()
# A capitalised verb form at the start of a sentence still counts as a verb.
_VERB_LIKE_RE = re.compile(r"^\w+(t|te|ten|en|tet)$")


def match_token(word: str, lower: str, later: set[str]) -> tuple[E, str] | None:
    """The lexicon sense of one token and its citation stem, or None.

    ``later`` holds the lower-cased tokens after this one in the clause, where a
    separated particle ("lehnte ... ab") would stand.
    """
    if len(lower) < 3:
        return None
    is_noun = word[:1].isupper()
    if is_noun:
        # Capitalised words are nouns in German: only the noun lexicon applies
        # ("Unterzeichner" is a signatory, not an act of signing).
        n = _NOUN_RE.search(lower)
        if n and (n.start() == 0 or len(n.group(1)) >= 4 or lower[n.start() - 1] == "-"):
            return _NOUN_ENTRIES[n.group(1)], n.group(1)
        if not _VERB_LIKE_RE.match(lower):
            return None
    if lower.startswith(("treff", "traf", "getroff")) and not later & {"sich", "mit"}:
        return None  # "eine Entscheidung treffen", "vom Beben getroffen"
    m = _JOINED_RE.match(lower)
    if m:
        key = m.group(1) + m.group(3)
        stem = _STEMS.get(key)
        if stem is not None and stem.particle == m.group(1):
            return stem.entry, stem.particle + stem.stem
    if is_noun:
        n = _NOUN_RE.search(lower)
        if n and (n.start() == 0 or len(n.group(1)) >= 4 or lower[n.start() - 1] == "-"):
            return _NOUN_ENTRIES[n.group(1)], n.group(1)
    m = _BARE_RE.match(lower)
    if m:
        stem = _STEMS.get(m.group(1))
        if stem is None:
            return None
        if stem.particle:
            # A bare stem of a separable verb counts only with its particle later on.
            if stem.particle not in later:
                full = _STEMS.get(stem.stem)
                if full is not None and not full.particle:
                    return full.entry, full.stem
                return None
            return stem.entry, stem.particle + stem.stem
        return stem.entry, stem.stem
    return None
