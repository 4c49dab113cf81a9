"""Choosing the trigger of each sentence: the main predicate with a parse, clause rules without.

With a dependency parse (English pipelines) the main verb is the root, or the
complement of a speech verb ("X rejected Y, an official said" → "rejected"), passed
through verbs like "try to"/"continue to" and through light verbs to their object
("held talks" → talks). Without a parse (the German pipeline) the sentence is cut into
clauses at punctuation and subordinators; words in main clauses beat words in
subordinate ones, verbs beat nouns, speech verbs are skipped. What differs between
languages on that path (lexicon match, subordinators, markers) comes from the
language's ``EventRules`` (processors/lang/).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wirestream.processors.events.types import (
    FUTURE_TO_AGREE,
    FUTURE_TO_THREATEN,
    Hit,
    LexEntry,
)
from wirestream.processors.lang import lexicon_de as de
from wirestream.processors.lang import lexicon_en as en
from wirestream.processors.lang.en import lemma_of as _en_lemma

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from wirestream.processors.events.docview import DocView
    from wirestream.processors.lang import EventRules

_INCIDENT_SIDE = ("ACCIDENT", "ASSAULT", "PROTEST")
_COOPERATIVE = frozenset({"AGREE", "CONCEDE", "SUPPORT"})
# Not accepting, allowing or meeting is a refusal (PLOVER REJECT), whatever the object.
_ACCEPTING = frozenset({"accept", "allow", "permit", "agree", "approve", "meet", "sign",
                        "consent", "zulass", "zustimm", "erlaub", "akzeptier", "einig"})
_CONDITION_MARKS = frozenset({"if", "unless", "whether"})
_READY = frozenset({"willing", "ready", "prepared"})
_EDGE_COST = {"xcomp": 0.3, "conj": 0.6, "dobj": 0.4, "ccomp": 0.8, "advcl": 1.2,
              "pobj": 0.8, "prep": 0.3, "attr": 0.4, "acomp": 0.3, "dative": 0.5,
              "nsubj": 1.0, "nsubjpass": 1.0, "relcl": 1.6, "acl": 1.2, "appos": 1.5,
              "compound": 0.5, "amod": 1.0, "npadvmod": 1.5, "parataxis": 1.0}


# Adjectives that are a casualty on their own ("two dead").
_DEAD_ADJECTIVES = frozenset({"dead"})
# A relative pronoun opens a subordinate clause only after a comma ("die Regierung, die").
_RELATIVE_PRONOUNS = frozenset({"der", "die", "das", "dem", "den"})


# ------------------------------------------------------------------ parse (English lexicon)
def _en_sense(tok: Token) -> LexEntry | None:
    lemma = _en_lemma(tok)
    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
        for child in tok.children:
            if child.dep_ in ("prt", "prep"):
                entry = en.PHRASAL.get((lemma, child.lower_))
                if entry is not None:
                    return entry
            if child.dep_ == "dobj":
                obj = _en_lemma(child)
                entry = en.PAIR_SENSES.get((lemma, obj)) or en.OBJECT_SENSES.get(
                    lemma, {}).get(obj)
                if entry is not None:
                    return entry
        entry = en.VERBS.get(lemma)
        if entry is not None:
            mode = entry.mode or en.VERB_MODES.get(lemma)
            return LexEntry(entry.type, mode, entry.weight, entry.casualty)
        return None
    if tok.pos_ in ("NOUN", "PROPN") or tok.tag_.startswith("NN"):
        entry = en.NOUNS.get(lemma)
        if entry is None:
            return None
        head = tok.head
        pair = en.PAIR_SENSES.get((_en_lemma(head), lemma)) if tok.dep_ == "dobj" else None
        if pair is not None:
            return pair
        return entry
    if tok.pos_ == "ADJ" and _en_lemma(tok) in _DEAD_ADJECTIVES:
        return LexEntry("ASSAULT", None, 0.6, True)
    return None


def _descend_reporting(root: Token) -> tuple[Token, bool]:
    pred, reported = root, False
    for _ in range(3):
        if _en_lemma(pred) not in en.REPORTING:
            break
        comp = next((c for c in pred.children if c.dep_ in ("ccomp", "xcomp")), None)
        if comp is None:
            break
        # "announced a ceasefire": a speech verb with an event object keeps its object.
        pred, reported = comp, True
    return pred, reported


def _distance(tok: Token, pred: Token) -> float:
    cost, cur, steps = 0.0, tok, 0
    while cur.i != pred.i and steps < 12:
        if cur.head.i == cur.i:
            return 4.0 + cost  # outside the main clause (e.g. the speech verb's subject)
        cost += _EDGE_COST.get(cur.dep_, 0.9)
        cur, steps = cur.head, steps + 1
    return cost if cur.i == pred.i else 4.0 + cost


def _en_parsed(sent: Span, sent_index: int, candidates: list[int] | None = None,
               view: DocView | None = None) -> list[Hit]:
    doc = sent.doc
    tokens = [doc[i] for i in candidates] if candidates is not None else list(sent)
    root = sent.root
    pred, reported = _descend_reporting(root)
    # Carriers ("try to", "continue to", "be ready to") pass the predicate to their xcomp.
    carried: list[Token] = []
    for _ in range(3):
        lemma = _en_lemma(pred)
        xcomp = next((c for c in pred.children if c.dep_ in ("xcomp", "acomp")), None)
        if xcomp is not None and xcomp.dep_ == "acomp":
            xcomp = next((c for c in xcomp.children if c.dep_ == "xcomp"), xcomp)
        if xcomp is None or (lemma not in en.CARRIERS and lemma not in en.COMMIT
                             and lemma != "fail" and en.VERBS.get(lemma) is None):
            break
        if en.VERBS.get(lemma) is not None and lemma not in en.COMMIT:
            break  # "threatened to cut": the outer verb is the event
        if lemma in en.COMMIT and en.VERBS.get(lemma) is not None and lemma == "agree":
            break
        carried.append(pred)
        pred = xcomp
    hits: list[tuple[float, Token, LexEntry]] = []
    for tok in tokens:
        entry = _en_sense(tok)
        if entry is None:
            continue
        lemma = _en_lemma(tok)
        if lemma in en.REPORTING and tok.i == root.i and pred.i != root.i:
            continue
        dist = _distance(tok, pred)
        if tok.head.i == pred.i and tok.dep_ == "dobj" and _en_lemma(pred) in en.LIGHT_VERBS \
                and _en_sense(pred) is None:
            dist = 0.0
        is_noun = tok.pos_ in ("NOUN", "PROPN")
        score = entry.weight - 0.25 * dist - (0.15 if is_noun else 0.0)
        hits.append((score, tok, entry))
    if not hits:
        return []
    hits.sort(key=lambda h: (-h[0], h[1].i))
    score, tok, entry = hits[0]
    hit = Hit(type=entry.type, mode=entry.mode, token=tok.i, lemma=_en_lemma(tok),
              score=max(0.05, min(1.0, 0.55 + 0.45 * score)), sent_index=sent_index,
              casualty=entry.casualty, parsed=True, reported=reported,
              clause=(sent.start, sent.end))
    if view is not None:
        sent_lowers = view.lowers[sent.start:sent.end]
        sent_lemmas = view.lemmas[sent.start:sent.end]
    else:
        sent_lowers = [t.lower_ for t in sent]
        sent_lemmas = [_en_lemma(t) for t in sent]
    _en_modifiers(hit, tok, carried, sent_lowers, sent_lemmas)
    _en_arguments(hit, tok)
    out = [hit]
    out.extend(_side_incidents(hit, [(s, t.i, e, _en_lemma(t)) for s, t, e in hits[1:]],
                               sent_index, (sent.start, sent.end)))
    return out


def _verb_of(tok: Token) -> Token:
    cur = tok
    for _ in range(3):
        if cur.pos_ in ("VERB", "AUX") or cur.head.i == cur.i:
            return cur
        cur = cur.head
    return cur


def _en_modifiers(hit: Hit, tok: Token, carried: list[Token], sent_lowers: list[str],
                  sent_lemmas: list[str]) -> None:
    verb = _verb_of(tok)
    chain = [tok, verb, *carried]
    children = [c for t in chain for c in t.children]
    lowers = {c.lower_ for c in children}
    if any(c.dep_ == "neg" for c in children) or (tok.pos_ == "NOUN" and any(
            c.lower_ == "no" for c in tok.children)):
        hit.negated = True
    if lowers & en.FUTURE_MARKERS or any(_en_lemma(t) in en.COMMIT for t in carried) or (
            not _READY.isdisjoint(sent_lemmas)
            and any(_en_lemma(c) in _READY for c in children)):
        hit.future = True
    if hit.reported and "would" in lowers:
        hit.future = True  # "said it would send": the future of reported speech
    elif lowers & {"could", "might", "may", "would", "should"}:
        hit.hypothetical = True
    # Only a sentence with one of the words can have it as a clause marker.
    if not _CONDITION_MARKS.isdisjoint(sent_lowers):
        marks = {c.lower_ for t in chain for a in [t, *t.ancestors] for c in a.children
                 if c.dep_ == "mark"}
        if marks & _CONDITION_MARKS:
            hit.hypothetical = True
    if "unless" in sent_lowers:
        hit.future = True
        if hit.type in FUTURE_TO_THREATEN or hit.type in ("SANCTION", "RETREAT"):
            hit.type, hit.mode = "THREATEN", None
    if any(c.lower_ == "had" and c.dep_ == "aux" for c in verb.children) and \
            verb.tag_ == "VBN":
        hit.pluperfect = True
    if any(_en_lemma(t) == "fail" for t in carried) and hit.type in ("AGREE", "CONSULT"):
        hit.type, hit.mode = "REJECT", None
    # "X said Y must do Z" is a demand.
    if hit.reported and any(c.lower_ in ("must", "should") for c in verb.children) and \
            hit.type not in ("THREATEN", "REQUEST"):
        hit.type, hit.mode = "REQUEST", None
    _transform(hit)


def _transform(hit: Hit) -> None:
    """PLOVER's rules for negated and announced acts."""
    if hit.negated and (hit.type in _COOPERATIVE or hit.lemma in _ACCEPTING):
        hit.type, hit.mode, hit.negated = "REJECT", None, False
    elif hit.future and not hit.negated:
        if hit.type in FUTURE_TO_AGREE:
            hit.type, hit.mode = "AGREE", None
        elif hit.type == "RETREAT":
            hit.type = "CONCEDE"
        elif hit.type in FUTURE_TO_THREATEN:
            hit.type = "THREATEN"


def _span(tok: Token) -> tuple[int, int]:
    return (tok.left_edge.i, tok.right_edge.i + 1)


def _en_arguments(hit: Hit, tok: Token) -> None:
    verb = _verb_of(tok)
    subj = None
    cur = verb
    low, high = hit.clause  # the sentence: not a headline the parser glued to it
    for _ in range(4):
        subj = next((c for c in cur.children if c.dep_ in ("nsubj", "nsubjpass", "csubj")
                     and low <= c.i < high), None)
        if subj is not None or cur.dep_ not in ("xcomp", "conj", "advcl", "acomp") \
                or cur.head.i == cur.i:
            break
        cur = cur.head
    if subj is not None and subj.dep_ == "nsubjpass":
        hit.recipient_tokens.append(_span(subj))
        agent = next((c for c in verb.children if c.dep_ == "agent"), None)
        if agent is not None:
            hit.actor_tokens.extend(_span(p) for p in agent.children if p.dep_ == "pobj")
    elif subj is not None:
        hit.actor_tokens.append(_span(subj))
    # "During the call, Putin expressed hope that ...": a noun trigger behind a preposition
    # is not what the verb is done to; only its own "with"/"to" phrase names the other side.
    holders = (verb, tok) if verb.i != tok.i else (verb,)
    if tok.dep_ == "pobj" and verb.i != tok.i:
        holders = (tok,)
    for holder in holders:  # fixed order: stable ids
        _en_recipients(hit, holder, tok)
    # "threatened to break relations with Russia", "refused to meet King Abdullah": the
    # other side is in the verb the trigger governs.
    for child in verb.children:
        if child.dep_ == "xcomp" and child.pos_ in ("VERB", "AUX") and child.i != tok.i:
            _en_recipients(hit, child, tok)


def _en_recipients(hit: Hit, holder: Token, tok: Token) -> None:
    for child in holder.children:
        if child.i == tok.i:
            continue
        if child.dep_ in ("dobj", "dative", "iobj"):
            if _en_sense(child) is None:
                hit.recipient_tokens.append(_span(child))
            else:  # "held talks with X": the noun's own preposition or owner
                for p in child.children:
                    if p.dep_ == "prep" and p.lower_ in ("with", "to", "against", "on",
                                                         "for", "from", "between", "by"):
                        hit.recipient_tokens.extend(_span(o) for o in p.children
                                                    if o.dep_ == "pobj")
                    # "rejected a U.S. request", "an Australian ultimatum", "Israel's
                    # demands": whoever made the request is the one answered.
                    elif p.dep_ in ("compound", "amod", "poss", "nmod") and p.i < child.i:
                        hit.recipient_tokens.append(_span(p))
        elif child.dep_ == "prep" and child.lower_ in ("with", "to", "against", "on",
                                                       "from", "between", "upon"):
            hit.recipient_tokens.extend(_span(o) for o in child.children
                                        if o.dep_ == "pobj")


def _side_incidents(primary: Hit, rest: list[tuple[float, int, LexEntry, str]],
                    sent_index: int, clause: tuple[int, int]) -> list[Hit]:
    """Incident nouns beside the main event ("condolences over the train crash")."""
    out: list[Hit] = []
    seen = {primary.type}
    for score, index, entry, lemma in rest:
        if entry.type in _INCIDENT_SIDE and entry.type not in seen and not entry.casualty:
            seen.add(entry.type)
            out.append(Hit(type=entry.type, mode=entry.mode, token=index, lemma=lemma,
                           score=max(0.05, min(0.6, 0.4 + 0.3 * score)), sent_index=sent_index,
                           primary=False, clause=clause, reported=primary.reported))
    return out


# ----------------------------------------------------------------------------- parse-free
_CLAUSE_BREAK = {",", ";", ":", "–", "—", "(", ")", "\"", "“", "”", "„", "«", "»"}


def _clauses(sent: Span, rules: EventRules) -> list[tuple[int, int, bool, str]]:
    """(start, end, subordinate, subordinator) token spans of the sentence."""
    out: list[tuple[int, int, bool, str]] = []
    start = sent.start
    subs = rules.subordinators
    for tok in sent:
        if tok.text in _CLAUSE_BREAK or tok.text == "\n":
            if tok.i > start:
                out.append((start, tok.i))  # type: ignore[arg-type]
            start = tok.i + 1
    if start < sent.end:
        out.append((start, sent.end))  # type: ignore[arg-type]
    doc = sent.doc
    result: list[tuple[int, int, bool, str]] = []
    carried = ""  # "dass „...": a lone subordinator before a quote opens the next clause
    for s, e in out:  # type: ignore[misc]
        first = doc[s].lower_
        sub = first in subs or (first == "um" and any(doc[i].lower_ == "zu" for i in range(s, e)))
        if first in _RELATIVE_PRONOUNS and (s == sent.start or doc[s - 1].text != ","):
            sub = False  # "Die Regierung lehnte ... ab": an article, not a relative clause
        if carried and not sub:
            sub, first = True, carried
        carried = first if sub and e - s == 1 else ""
        result.append((s, e, sub, first if sub else ""))
    return result


def clauses_of(sent: Span, rules: EventRules) -> list[tuple[int, int, bool, str]]:
    """The sentence's clauses as the parse-free rules cut it (start, end, subordinate,
    subordinator)."""
    return _clauses(sent, rules)


def free_hits(sent: Span, sent_index: int, rules: EventRules) -> list[Hit]:
    doc = sent.doc
    clauses = _clauses(sent, rules)
    neg, hyp, fut = rules.negations, rules.hypothetical, rules.future
    has_reporting = any(rules.is_reporting(t) for t in sent)
    cands: list[tuple[float, int, LexEntry, str, tuple[int, int, bool, str]]] = []
    for clause in clauses:
        s, e, sub, _ = clause
        lowers = [doc[i].lower_ for i in range(s, e)]
        for i in range(s, e):
            tok = doc[i]
            if not rules.reporting_can_trigger and rules.is_reporting(tok):
                continue
            found = rules.match_free(tok, set(lowers[i - s + 1:]))
            if found is None:
                continue
            entry, lemma = found
            is_noun = tok.text[:1].isupper() and i != sent.start if rules.nouns_capitalised \
                else tok.pos_ in ("NOUN", "PROPN")
            score = entry.weight + (0.0 if sub else 0.3) - (0.15 if is_noun else 0.0) \
                - 0.01 * (i - sent.start) / 10
            cands.append((score, i, entry, lemma, clause))
    # German "sein Land sei gegen solche Schritte": being against something is REJECT.
    if rules.against_words:
        for clause in clauses:
            s, e, sub, _ = clause
            lowers = [doc[i].lower_ for i in range(s, e)]
            word = next((w for w in rules.against_words if w in lowers), None)
            if word is not None and set(lowers) & rules.copulas:
                i = s + lowers.index(word)
                cands.append((1.0 + (0.0 if sub else 0.3), i, LexEntry("REJECT"),
                              rules.against_lemma, clause))
    if not cands:
        return []
    cands.sort(key=lambda c: (-c[0], c[1]))
    score, index, entry, lemma, clause = cands[0]
    s, e, sub, subordinator = clause
    clause_lowers = {doc[i].lower_ for i in range(s, e)}
    hit = Hit(type=entry.type, mode=entry.mode, token=index, lemma=lemma,
              score=max(0.05, min(0.95, 0.45 + 0.4 * score)), sent_index=sent_index,
              casualty=entry.casualty, clause=(s, e))
    hit.negated = bool(clause_lowers & neg) and "nur" not in clause_lowers
    hit.hypothetical = bool(clause_lowers & hyp) or subordinator in ("wenn", "falls", "if",
                                                                     "ob", "whether")
    commitment = rules.commitment
    hit.future = bool(clause_lowers & fut) or (commitment is not None and any(
        commitment.match(doc[i].lower_) for i in range(s, e)))
    conditional = "unless" in {t.lower_ for t in sent} or bool(clause_lowers & de.CONDITIONAL)
    if conditional and hit.type in FUTURE_TO_THREATEN:
        hit.type, hit.mode = "THREATEN", None
    hit.reported = (has_reporting and (sub or rules.reported_in_main_clause)) \
        or _in_quote(sent, index)
    if not sub and clause_lowers & rules.pluperfect_aux and \
            any(doc[i].lower_.startswith(rules.participle_prefix) for i in range(s, e)):
        hit.pluperfect = True
    if hit.hypothetical and hit.type in _COOPERATIVE | {"COOPERATE"} and hit.future:
        hit.future = False
    _transform(hit)
    out = [hit]
    out.extend(_side_incidents(hit, [(c[0], c[1], c[2], c[3]) for c in cands[1:]],
                               sent_index, (sent.start, sent.end)))
    return out


def _in_quote(sent: Span, index: int) -> bool:
    from wirestream.processors.events.factuality import inside_quotes

    doc = sent.doc
    return inside_quotes(sent.text, doc[index].idx - sent.start_char)


def sentence_hits(sent: Span, sent_index: int, rules: EventRules, parsed: bool,
                  candidates: list[int] | None = None,
                  view: DocView | None = None) -> list[Hit]:
    """Hits of one sentence. ``candidates``: doc indices of the only tokens that can carry
    a sense (the caller's cue filter; None: all); ``view``: the doc's token strings."""
    if parsed and rules.parse_rules:
        return _en_parsed(sent, sent_index, candidates, view)
    return free_hits(sent, sent_index, rules)
