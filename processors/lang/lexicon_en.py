"""English trigger lexicon, written for this project from the PLOVER definitions.

Keys are spaCy lemmas (lower case). ``VERBS`` are predicates; ``NOUNS`` count when they
are the object of a light verb ("held talks", "imposed sanctions") or stand alone as
the only cue in a sentence. ``OBJECT_SENSES`` lets the object decide for verbs whose
meaning depends on it ("lift a ban" concedes, "send troops" mobilizes).
"""

from __future__ import annotations

from wirestream.processors.lang.profile import LexEntry as E


def _senses(table: dict[str, tuple[str, ...]], weight: float = 1.0,
            casualty: bool = False) -> dict[str, E]:
    out: dict[str, E] = {}
    for spec, words in table.items():
        type_, _, mode = spec.partition(":")
        for word in words:
            out[word] = E(type_, mode or None, weight, casualty)
    return out


VERBS: dict[str, E] = {
    **_senses({
        "AGREE": ("agree", "accept", "promise", "pledge", "offer", "commit", "consent", "propose",
                  "invite", "guarantee", "reconcile", "settle", "broker"),
        "CONSULT": ("meet", "discuss", "negotiate", "confer", "consult", "talk", "mediate",
                    "telephone", "phone", "visit", "host", "tour", "convene", "receive"),
        "SUPPORT": ("support", "praise", "welcome", "endorse", "commend", "hail", "applaud",
                    "congratulate", "thank", "laud", "approve", "defend", "recognize",
                    "recognise", "forgive", "back", "sign", "ratify", "upgrade", "normalize",
                    "normalise", "reaffirm", "champion"),
        "COOPERATE": ("cooperate", "co-operate", "collaborate", "extradite", "share",
                      "coordinate"),
        "AID": ("aid", "assist", "provide", "supply", "donate", "grant", "rescue", "fund",
                "finance", "lend", "shelter", "feed", "help"),
        "CONCEDE": ("concede", "yield", "ease", "relax", "pardon", "apologize", "apologise",
                    "regret", "acquit", "relent", "allow", "permit", "lift"),
        "RETREAT": ("withdraw", "retreat", "release", "free", "surrender", "resign",
                    "disarm", "demobilize", "repatriate", "evacuate", "abdicate"),
        "REQUEST": ("demand", "urge", "ask", "request", "appeal", "plead", "implore",
                    "petition", "insist", "press", "seek", "beg", "remind", "exhort"),
        "ACCUSE": ("accuse", "blame", "condemn", "denounce", "criticize", "criticise",
                   "charge", "allege", "sue", "complain", "investigate", "probe", "indict",
                   "prosecute", "deplore", "decry", "slam", "summon", "reprimand", "rebuke",
                   "censure", "castigate", "fault", "chide"),
        "REJECT": ("reject", "refuse", "decline", "veto", "rebuff", "oppose", "resist",
                   "defy", "violate", "spurn", "deny", "dismiss", "repudiate", "boycott"),
        "THREATEN": ("threaten", "warn", "menace"),
        "PROTEST": ("protest", "demonstrate", "rally", "march", "riot", "picket", "strike"),
        "MOBILIZE": ("mobilize", "mobilise", "deploy", "patrol", "reinforce", "station",
                     "train", "mass"),
        "SANCTION": ("sanction", "embargo", "sever", "cancel", "suspend", "freeze", "recall",
                     "downgrade", "halt", "expel"),
        "COERCE": ("arrest", "detain", "jail", "imprison", "deport", "confiscate", "seize",
                   "ban", "censor", "raid", "hack", "disperse", "evict", "repress",
                   "harass", "intimidate", "outlaw"),
        "ASSAULT": ("attack", "shoot", "bomb", "shell", "stab", "assassinate", "murder",
                    "beat", "torture", "ambush", "invade", "raze", "kidnap", "hijack",
                    "massacre", "slaughter", "execute", "fight", "clash", "battle",
                    "capture", "retake", "overrun", "storm", "behead", "rape", "bombard",
                    "gun", "strafe", "pound", "loot", "burn"),
        "ACCIDENT": ("crash", "collide", "derail", "capsize", "overturn", "collapse",
                     "sink", "flood", "erupt", "plunge", "topple", "ram"),
    }),
    # Ambiguous: "hold" (talks / detainees), "send", "block", "order".
    **_senses({"COERCE:detain": ("hold",), "AID": ("send", "give", "deliver"),
               "PROTEST:obstruct": ("block", "blockade"), "REQUEST": ("order", "call")},
              weight=0.5),
    # Casualty verbs: the context decides between ASSAULT and ACCIDENT.
    **_senses({"ASSAULT": ("kill", "wound", "injure", "hurt", "die", "explode")},
              weight=0.7, casualty=True),
}
# Mode for types whose verb says it.
VERB_MODES: dict[str, str] = {
    "visit": "visit", "host": "visit", "receive": "visit", "tour": "visit",
    "telephone": "phone", "phone": "phone", "mediate": "third-party",
    "arrest": "arrest", "detain": "arrest", "jail": "arrest", "imprison": "arrest",
    "deport": "deport", "confiscate": "seize", "seize": "seize", "raid": "seize",
    "ban": "restrict", "censor": "censor", "hack": "cyber", "evict": "restrict",
    "release": "release", "free": "release", "resign": "resign", "abdicate": "resign",
    "withdraw": "withdraw", "retreat": "withdraw", "evacuate": "withdraw",
    "disarm": "disarm", "surrender": "disarm", "investigate": "investigate",
    "probe": "investigate", "accuse": "allege", "charge": "allege", "allege": "allege",
    "sue": "allege", "indict": "allege", "prosecute": "allege", "condemn": "disapprove",
    "denounce": "disapprove", "criticize": "disapprove", "criticise": "disapprove",
    "complain": "disapprove", "deplore": "disapprove", "summon": "disapprove",
    "strike": "strike", "riot": "riot", "demonstrate": "demo", "rally": "demo",
    "march": "demo", "picket": "demo", "boycott": "boycott", "block": "obstruct",
    "blockade": "obstruct", "shoot": "firearms", "gun": "firearms", "bomb": "explosives",
    "shell": "heavy-weapons", "bombard": "heavy-weapons", "pound": "heavy-weapons",
    "stab": "primitive", "beat": "beat", "torture": "torture", "kidnap": "abduct",
    "hijack": "abduct", "abduct": "abduct", "assassinate": "targeted", "execute": "targeted",
    "behead": "targeted", "rape": "sexual", "strafe": "aerial", "burn": "primitive",
    "expel": "expel", "cancel": "discontinue", "suspend": "discontinue",
    "sever": "discontinue", "freeze": "discontinue", "embargo": "discontinue",
    "sanction": "discontinue", "recall": "withdraw",
}

NOUNS: dict[str, E] = {
    **_senses({
        "AGREE": ("agreement", "deal", "accord", "treaty", "pact", "compromise", "promise",
                  "pledge", "offer", "settlement", "memorandum", "invitation"),
        "CONSULT:": ("talk", "negotiation", "meeting", "summit", "consultation",
                     "mediation", "discussion", "dialogue", "conference", "session"),
        "CONSULT:visit": ("visit", "trip", "tour"),
        "CONSULT:phone": ("call", "phone", "telephone", "conversation"),
        "SUPPORT": ("support", "praise", "backing", "solidarity", "endorsement",
                    "tie", "relation", "recognition"),
        "COOPERATE": ("exercise", "drill", "game", "cooperation", "extradition",
                      "partnership"),
        "AID": ("aid", "assistance", "asylum", "relief", "loan", "donation", "arm",
                "medicine", "food", "help", "supply"),
        "CONCEDE": ("concession", "apology", "pardon", "amnesty", "regret"),
        "RETREAT:withdraw": ("withdrawal", "pullout", "pullback", "retreat"),
        "RETREAT:release": ("release",),
        "RETREAT:resign": ("resignation",),
        "RETREAT:ceasefire": ("ceasefire", "cease-fire", "truce", "armistice"),
        "REQUEST": ("demand", "appeal", "request", "plea", "reminder"),
        "ACCUSE:disapprove": ("criticism", "complaint", "condemnation"),
        "ACCUSE:allege": ("accusation", "allegation", "charge", "lawsuit", "indictment"),
        "ACCUSE:investigate": ("investigation", "probe", "inquiry", "inquest"),
        "REJECT": ("rejection", "refusal", "veto"),
        "THREATEN": ("ultimatum", "threat", "warning"),
        "PROTEST:demo": ("demonstration", "rally", "march", "sit-in", "vigil",
                         "signature"),
        "PROTEST:strike": ("strike", "walkout", "stoppage"),
        "PROTEST:riot": ("riot", "unrest"),
        "PROTEST:obstruct": ("blockade", "roadblock"),
        "MOBILIZE": ("mobilization", "mobilisation", "deployment", "patrol", "alert",
                     "reservist", "buildup", "build-up"),
        "SANCTION": ("sanction", "embargo", "boycott"),
        "COERCE:arrest": ("arrest", "detention", "crackdown"),
        "COERCE:curfew": ("curfew",),
        "COERCE:martial-law": ("emergency",),
        "COERCE:restrict": ("ban", "restriction"),
        "COERCE:deport": ("deportation", "expulsion"),
        "COERCE:cyber": ("hacking", "cyberattack"),
        "ASSAULT": ("attack", "offensive", "assault", "invasion", "raid", "ambush",
                    "massacre", "shooting", "gunfire", "fire", "airstrike", "bombing",
                    "shelling", "bombardment", "assassination", "murder", "killing",
                    "kidnapping", "abduction", "fighting", "clash", "battle", "gunbattle",
                    "shootout", "firefight", "stabbing", "homicide", "strike", "cleansing",
                    "torture", "execution", "hostility"),
        "ACCIDENT": ("crash", "collision", "derailment", "accident", "earthquake", "quake",
                     "flood", "flooding", "landslide", "mudslide", "avalanche", "hurricane",
                     "typhoon", "cyclone", "tornado", "storm", "tsunami", "eruption",
                     "wildfire", "blaze", "disaster", "capsizing", "shipwreck", "pileup",
                     "pile-up", "collapse", "drought", "heatwave", "explosion", "blast"),
    }, weight=0.8),
}
# Words whose presence in the sentence makes a casualty verb an accident, and wins over
# ASSAULT. "strong" ones always win; "weak" ones (fire, explosion) lose to attack cues.
ACCIDENT_STRONG = frozenset({
    "crash", "collision", "collide", "derail", "derailment", "accident", "accidental",
    "accidentally", "earthquake", "quake", "flood", "flooding", "landslide", "mudslide",
    "avalanche", "hurricane", "typhoon", "cyclone", "tornado", "tsunami", "eruption",
    "erupt", "wildfire", "capsize", "capsizing", "shipwreck", "pileup", "pile-up",
    "drown", "drought", "heatwave", "storm", "disaster", "overturn", "plunge", "train",
    "aground", "derailed", "crashed", "rollover",
})
ACCIDENT_WEAK = frozenset({"fire", "blaze", "explosion", "blast", "collapse", "explode",
                           "burn", "sink", "flame"})
# Nouns a light verb passes its meaning to ("hold talks", "impose sanctions").
LIGHT_VERBS = frozenset({
    "hold", "launch", "stage", "issue", "impose", "lodge", "make", "give", "take", "open",
    "begin", "undertake", "conduct", "carry", "mount", "continue", "renew", "express",
    "announce", "declare", "sign", "reach", "put", "place", "file", "deliver", "extend",
    "resume", "start", "initiate", "organize", "organise", "lead", "call",
    "have", "do", "engage", "unleash", "step", "wage", "order", "end", "hand",
    "establish", "restore", "upgrade", "break", "cut", "seek", "stop", "join",
})
# Light verb + noun pairs that mean something other than the noun alone.
PAIR_SENSES: dict[tuple[str, str], E] = {
    ("lodge", "protest"): E("ACCUSE", "disapprove"), ("file", "protest"): E("ACCUSE", "disapprove"),
    ("deliver", "protest"): E("ACCUSE", "disapprove"),
    ("register", "protest"): E("ACCUSE", "disapprove"),
    ("file", "complaint"): E("ACCUSE", "disapprove"),
    ("open", "fire"): E("ASSAULT", "firearms"), ("break", "tie"): E("SANCTION", "discontinue"),
    ("break", "relation"): E("SANCTION", "discontinue"),
    ("cut", "tie"): E("SANCTION", "discontinue"), ("cut", "aid"): E("SANCTION", "discontinue"),
    ("cut", "relation"): E("SANCTION", "discontinue"),
    ("sever", "tie"): E("SANCTION", "discontinue"), ("end", "ceasefire"): E("ASSAULT"),
    ("break", "ceasefire"): E("ASSAULT"), ("violate", "ceasefire"): E("ASSAULT"),
    ("sign", "agreement"): E("SUPPORT"), ("reach", "agreement"): E("AGREE"),
    ("reach", "deal"): E("AGREE"), ("hold", "talk"): E("CONSULT"),
    ("set", "fire"): E("ASSAULT", "primitive"), ("give", "welcome"): E("CONSULT", "visit"),
    ("issue", "warning"): E("THREATEN"), ("seek", "refuge"): E("REQUEST"),
    ("seek", "asylum"): E("REQUEST"),
    ("express", "support"): E("SUPPORT"), ("express", "regret"): E("CONCEDE"),
    ("hand", "medicine"): E("AID"), ("lift", "blockade"): E("RETREAT"),
    ("lift", "siege"): E("RETREAT"),
}
# Verb + particle or preposition.
PHRASAL: dict[tuple[str, str], E] = {
    ("call", "for"): E("REQUEST"), ("call", "on"): E("REQUEST"), ("call", "upon"): E("REQUEST"),
    ("push", "for"): E("REQUEST"), ("press", "for"): E("REQUEST"),
    ("step", "down"): E("RETREAT", "resign"), ("pull", "out"): E("RETREAT", "withdraw"),
    ("pull", "back"): E("RETREAT", "withdraw"), ("crack", "down"): E("COERCE", "restrict"),
    ("lay", "down"): E("RETREAT", "disarm"), ("cut", "off"): E("SANCTION", "discontinue"),
    ("break", "off"): E("SANCTION", "discontinue"), ("blow", "up"): E("ASSAULT", "explosives"),
    ("turn", "down"): E("REJECT"), ("back", "down"): E("CONCEDE"), ("give", "in"): E("CONCEDE"),
    ("lash", "out"): E("ACCUSE", "disapprove"), ("shut", "down"): E("COERCE", "restrict"),
    ("hand", "over"): E("AID"), ("round", "up"): E("COERCE", "arrest"),
    ("speak", "with"): E("CONSULT"), ("speak", "to"): E("CONSULT"),
    ("meet", "with"): E("CONSULT"), ("go", "off"): E("ACCIDENT", weight=0.5),
    ("carry", "out"): E("ASSAULT", weight=0.3), ("stand", "by"): E("SUPPORT"),
    ("side", "with"): E("SUPPORT"), ("open", "fire"): E("ASSAULT", "firearms"),
    ("walk", "out"): E("PROTEST", "strike"), ("hold", "up"): E("ASSAULT", weight=0.4),
}
# Verb senses decided by the object's lemma.
OBJECT_SENSES: dict[str, dict[str, E]] = {
    "lift": {"blockade": E("RETREAT"), "siege": E("RETREAT"), "ban": E("CONCEDE"),
             "sanction": E("CONCEDE"), "embargo": E("CONCEDE"), "curfew": E("CONCEDE"),
             "restriction": E("CONCEDE"), "emergency": E("CONCEDE")},
    "accept": {"demand": E("CONCEDE"), "condition": E("CONCEDE"), "refugee": E("AID"),
               "resignation": E("RETREAT")},
    "cancel": {"restriction": E("CONCEDE"), "ban": E("CONCEDE"), "debt": E("AID")},
    "send": {"troop": E("MOBILIZE", "troops"), "soldier": E("MOBILIZE", "troops"),
             "force": E("MOBILIZE", "troops"), "warship": E("MOBILIZE", "weapons"),
             "inspector": E("ACCUSE", "investigate"), "arm": E("AID"), "aid": E("AID"),
             "investigator": E("ACCUSE", "investigate"), "message": E("CONSULT"),
             "letter": E("CONSULT"), "observer": E("CONSULT")},
    "dispatch": {"inspector": E("ACCUSE", "investigate"), "troop": E("MOBILIZE", "troops"),
                 "investigator": E("ACCUSE", "investigate"), "aid": E("AID")},
    "deploy": {"peacekeeper": E("RETREAT", "access")},
    "block": {"resolution": E("REJECT"), "proposal": E("REJECT"), "bill": E("REJECT"),
              "plan": E("REJECT"), "deal": E("REJECT")},
    "order": {"patrol": E("MOBILIZE", "police"), "troop": E("MOBILIZE", "troops"),
              "arrest": E("COERCE", "arrest"), "evacuation": E("AID")},
    "hold": {"talk": E("CONSULT"), "meeting": E("CONSULT"), "election": E("SUPPORT", weight=0.3),
             "civilian": E("COERCE", "detain"), "hostage": E("ASSAULT", "abduct")},
    "welcome": {},
    "return": {"weapon": E("RETREAT", "disarm"), "property": E("RETREAT"),
               "refugee": E("RETREAT"), "prisoner": E("RETREAT", "release")},
    "open": {"border": E("RETREAT", "access"), "investigation": E("ACCUSE", "investigate"),
             "fire": E("ASSAULT", "firearms")},
    "refuse": {},
    "raise": {"tax": E("SANCTION", weight=0.3)},
    "withhold": {"aid": E("SANCTION"), "it": E("REJECT")},
}
# Verbs that report speech: the event is in their complement clause.
REPORTING = frozenset({
    "say", "tell", "report", "state", "add", "quote", "claim", "announce", "declare",
    "confirm", "note", "explain", "stress", "insist", "write", "believe", "think",
    "indicate", "suggest", "reveal", "disclose", "acknowledge", "admit", "assert",
    "maintain", "argue", "reiterate", "emphasize", "emphasise", "recall", "describe",
    "mention", "remark", "reply", "respond", "comment", "predict", "show", "find",
    "hear", "learn", "see", "know", "feel", "hope", "fear", "expect", "estimate",
})
# Verbs whose meaning passes through to their xcomp ("try to", "continue to").
CARRIERS = frozenset({
    "try", "attempt", "continue", "begin", "start", "want", "plan", "decide", "seek",
    "intend", "expect", "hope", "wish", "aim", "prepare", "vow", "resolve", "move",
    "go", "come", "manage", "appear", "seem", "help", "need", "use", "keep", "be",
    "remain", "get", "have", "claim", "undertake", "act",
})
# Verbs and adjectives of commitment: a cooperative act under them is AGREE.
COMMIT = frozenset({"willing", "ready", "prepared", "prepare", "promise", "pledge",
                    "offer", "vow", "commit", "agree", "plan", "intend", "decide", "resolve"})
HYPOTHETICAL_MARKERS = frozenset({"if", "unless", "could", "might", "may", "would",
                                  "should", "possibly", "perhaps", "whether", "lest"})
FUTURE_MARKERS = frozenset({"will", "'ll", "shall", "wo"})
NEGATIONS = frozenset({"not", "n't", "never", "no", "nor", "without"})
CONDITIONAL = frozenset({"unless"})

# Role nouns → sector (actors without a name, or with a title).
SECTORS: dict[str, str] = {
    **{w: "government" for w in (
        "government", "ministry", "minister", "president", "premier", "chancellor",
        "cabinet", "official", "authority", "administration", "parliament", "lawmaker",
        "legislator", "senator", "congress", "governor", "mayor", "diplomat", "ambassador",
        "embassy", "spokesman", "spokeswoman", "spokesperson", "king", "queen", "emir",
        "leader", "secretary", "regime", "state", "delegation", "envoy", "negotiator",
        "kremlin", "deputy", "council", "assembly", "foreign")},
    **{w: "military" for w in (
        "army", "troop", "soldier", "military", "force", "navy", "airforce", "marine",
        "commander", "general", "officer", "warship", "tank", "aircraft", "jet", "gunship",
        "peacekeeper", "reservist", "militiaman")},
    **{w: "police" for w in ("police", "policeman", "policemen", "cop", "sheriff",
                             "deputy", "trooper", "detective", "security", "guard")},
    **{w: "rebels" for w in ("rebel", "insurgent", "militant", "guerrilla", "militia",
                             "gunman", "gunmen", "fighter", "separatist", "terrorist",
                             "jihadist", "bomber", "attacker", "extremist", "faction")},
    **{w: "civilians" for w in ("civilian", "resident", "villager", "people", "person",
                                "passenger", "refugee", "child", "woman", "man", "student",
                                "family", "citizen", "victim", "teen", "teenager", "boy",
                                "girl", "pedestrian", "driver", "tourist", "inhabitant")},
    **{w: "business" for w in ("company", "firm", "business", "businessman", "bank",
                               "corporation", "investor", "executive", "ceo", "industry")},
    **{w: "labor" for w in ("worker", "union", "employee", "staff", "miner", "farmer")},
    **{w: "protesters" for w in ("protester", "protestor", "demonstrator", "activist",
                                 "opposition", "dissident", "crowd", "mob")},
    **{w: "judiciary" for w in ("court", "judge", "prosecutor", "tribunal", "jury")},
    **{w: "media" for w in ("newspaper", "journalist", "reporter", "media", "agency",
                            "broadcaster", "television", "radio")},
    **{w: "religious" for w in ("cleric", "imam", "priest", "bishop", "church", "mosque",
                                "ayatollah", "pope")},
    **{w: "igo" for w in ("un", "nato", "league", "union", "commission", "iaea", "who")},
}
