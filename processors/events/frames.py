"""Parse-free actors and recipients: clause structure, case words and verb frames.

Without a dependency parse (the German pipeline) the arguments of a trigger are read
from its clause (the sentence cut at punctuation and subordinators, triggers.py):

* a noun phrase is a named entity, a role noun with its country ("der iranische
  Regierungschef" → Iran), a pronoun or a phrase that points back ("er", "sie" with a
  plural verb, "die beiden Staats- und Regierungschefs", "sein Land");
* behind a preposition it is a place or a time, unless the preposition names the other
  side ("gegen", "mit") or, in a passive clause, the agent ("von der Polizei");
* a dative or accusative article marks an object; a genitive one after a noun belongs
  to that noun; of the other phrases the first (with those joined by "und") is the
  subject, the rest are objects;
* the subject acts and the objects are acted on, except in the passive, where the
  subject is acted on;
* a relative clause's subject is the noun before its comma; an infinitive clause with
  "zu" and no subject of its own takes the subject of the main clause before it;
* a noun trigger after a possessive ("in ihrem Gespräch") belongs to whom it points to.

A phrase that resolves to nobody still takes its slot, so that "Der Präsident
kritisierte Russland" never makes Russia the critic. Words come from the language's
``ClauseFrames`` (processors/lang/).
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wirestream.processors.events.actors import Mention, country_actor, with_sector

if TYPE_CHECKING:
    from spacy.tokens import Doc

    from wirestream.processors.lang import EventRules
    from wirestream.processors.lang.profile import ClauseFrames

Clause = tuple[int, int, bool, str]  # token start, end, subordinate, subordinator
_DETERMINERS = frozenset({"der", "die", "das", "ein", "eine", "the", "a", "an"})


@dataclass(slots=True)
class Unit:
    """One noun phrase of a clause and whom it resolves to (empty: nobody we can name)."""

    start: int
    end: int
    prep: str | None
    object_case: bool
    genitive: bool
    joined: bool  # "und" before it
    records: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Arguments:
    actors: list[dict[str, Any]]
    recipients: list[dict[str, Any]]
    used: frozenset[int]  # mention starts that became actors or recipients


def clause_arguments(doc: Doc, clauses: list[Clause], trigger: int,
                     mentions: list[Mention], rules: EventRules, frames: ClauseFrames,
                     symmetric: bool) -> Arguments:
    """Actors and recipients of the trigger at token ``trigger`` from its clause."""
    k = next((n for n, c in enumerate(clauses) if c[0] <= trigger < c[1]), None)
    if k is None:
        return Arguments([], [], frozenset())
    s, e, sub, subordinator = clauses[k]
    units = _units(doc, s, e, mentions, rules, frames)
    actors: list[dict[str, Any]] = []
    recipients: list[dict[str, Any]] = []
    trig = doc[trigger]
    nominal = trig.text[:1].isupper() and trigger != s
    # "in ihrem Gespräch", "Russlands Angriff": the possessor of a noun trigger.
    possessor = _possessor(doc, trigger, s, units, mentions, frames) if nominal else None
    passive = not nominal and _passive(doc, s, e, trigger, frames, rules)
    subject: list[Unit] = []
    objects: list[Unit] = []
    agents: list[Unit] = []
    previous: Unit | None = None
    for unit in units:
        if unit.start <= trigger < unit.end:
            continue
        if unit.prep is not None:
            if passive and unit.prep in frames.agent_prepositions:
                agents.append(unit)
            elif unit.prep in frames.recipient_prepositions or (
                    unit.prep in rules.recipient_prepositions and unit.start > trigger):
                objects.append(unit)
            elif unit.prep in frames.venue_prepositions and not symmetric and \
                    any(r.get("label") == "ORG" for r in unit.records):
                objects.append(unit)  # "Streik bei der Lufthansa": where it is aimed
        elif unit.genitive:
            pass
        elif unit.object_case or (subject and not (unit.joined and previous is subject[-1])):
            objects.append(unit)
        else:
            subject.append(unit)
        previous = unit
    relative = sub and subordinator in frames.relative_pronouns
    if relative and not subject:
        subject = [_antecedent(doc, clauses, k, mentions, rules, frames)]
    if not subject and not relative and (not sub or subordinator == "um"):
        # "..., sich solchen Aktionen zu widersetzen": the main clause's subject.
        for j in range(k - 1, -1, -1):
            ps, pe, psub, _ = clauses[j]
            if psub:
                continue
            before = [u for u in _units(doc, ps, pe, mentions, rules, frames)
                      if u.prep is None and not u.genitive and not u.object_case]
            if before:
                subject = _first_group(before)
                break
    if possessor is not None:
        subject = [possessor]
    first_person = _first_person(doc, s, e, frames)
    if not subject and first_person:
        speaker = _speaker(doc, clauses, k, mentions, rules, frames)
        if speaker is not None:
            subject = [speaker]
    if passive:
        actors = [r for u in agents for r in u.records]
        recipients = [r for u in subject + objects for r in u.records]
    else:
        actors = [r for u in subject for r in u.records]
        recipients = [r for u in objects for r in u.records]
    if symmetric and recipients and not actors and not subject:
        actors, recipients = recipients[:1], recipients[1:]
    used = frozenset(int(r["_start"]) for r in actors + recipients if "_start" in r)
    return Arguments(_clean(actors), _clean(recipients), used)


def _first_group(units: list[Unit]) -> list[Unit]:
    group = [units[0]]
    for unit in units[1:]:
        if not unit.joined:
            break
        group.append(unit)
    return group


def _clean(records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for record in records:
        clean = {k: v for k, v in record.items() if not k.startswith("_")}
        if clean["id"] not in seen:
            seen.add(clean["id"])
            out.append(clean)
    return out


def _mention_at(mentions: list[Mention], start: int, end: int) -> list[Mention]:
    first = bisect_left(mentions, start, key=_start_of)
    out = []
    for m in mentions[first:]:
        if m.start >= end:
            break
        out.append(m)
    return out


def _start_of(m: Mention) -> int:
    return m.start


def _units(doc: Doc, s: int, e: int, mentions: list[Mention], rules: EventRules,
           frames: ClauseFrames) -> list[Unit]:
    """The clause's noun phrases that can be arguments, in order."""
    start_char = doc[s].idx
    end_char = doc[e - 1].idx + len(doc[e - 1].text)
    inside = [m for m in _mention_at(mentions, start_char, end_char) if m.end <= end_char]
    by_token: dict[int, Mention] = {}
    for found in inside:
        span = doc.char_span(found.start, found.end, alignment_mode="expand")
        if span is not None and span.start not in by_token:
            by_token[span.start] = found
    units: list[Unit] = []
    i = s
    while i < e:
        tok = doc[i]
        low = tok.lower_
        m = by_token.get(i)
        if m is not None and m.kind != "demonym" and m.record.get("label") != "MISC":
            span = doc.char_span(m.start, m.end, alignment_mode="expand")
            end = span.end if span is not None else i + 1
            record = {**with_sector(doc, m, rules), "_start": m.start}
            units.append(_unit(doc, i, end, s, rules, frames, [record]))
            i = end
            continue
        if low in frames.pair_words and i + 1 < e and doc[i + 1].text[:1].isupper():
            end = i + 1
            while end < e and (doc[end].text[:1].isupper() or doc[end].lower_ in
                               frames.conjunctions or doc[end].text.endswith("-")):
                end += 1
            records = _recent_people(mentions, doc[i].idx, 2)
            units.append(_unit(doc, i, end, s, rules, frames, records))
            i = end
            continue
        if low in frames.possessives and i + 1 < e and \
                doc[i + 1].lower_ in frames.country_nouns:
            person = _recent_people(mentions, tok.idx, 1)
            records = [_state(mentions, str(person[0]["country"]), "government")] \
                if person and person[0].get("country") else []
            units.append(_unit(doc, i, i + 2, s, rules, frames, records))
            i += 2
            continue
        if low in frames.person_pronouns or (
                low in frames.group_pronouns and _plural_verb_next(doc, i, e, frames)):
            count = 1 if low in frames.person_pronouns else 2
            records = _recent_people(mentions, tok.idx, count)
            if count == 2 and len(records) < 2:
                records = []
            units.append(_unit(doc, i, i + 1, s, rules, frames, records))
            i += 1
            continue
        sector = rules.sector_of(low) if tok.text[:1].isupper() or not \
            rules.nouns_capitalised else None
        if sector is not None and (rules.is_role_noun(low) or tok.text[:1].isupper()):
            nxt = by_token.get(i + 1)
            if nxt is not None and nxt.kind != "demonym" and \
                    nxt.record.get("label") == "PER":
                i += 1  # a title before a name ("Präsident Raisi"): the name is the unit
                continue
            country = _country_before(doc, i, s, by_token)
            records = [_state(mentions, country, sector)] if country else []
            units.append(_unit(doc, i, i + 1, s, rules, frames, records))
            i += 1
            continue
        i += 1
    return units


def _state(mentions: list[Mention], iso3: str, sector: str | None) -> dict[str, Any]:
    """A country as actor, as the entity work named it in this article when it did."""
    for m in mentions:
        if m.record.get("country") == iso3 and str(m.record["id"]).startswith("iso3166:"):
            return {**m.record, "sector": sector}
    return country_actor(iso3, sector)


def _unit(doc: Doc, start: int, end: int, floor: int, rules: EventRules,
          frames: ClauseFrames, records: list[dict[str, Any]]) -> Unit:
    """A phrase with what stands before it: preposition, case article, "und"."""
    prep: str | None = None
    object_case = genitive = joined = False
    j = start - 1
    det_seen = False
    while j >= floor and start - j <= 5:
        tok = doc[j]
        low = tok.lower_
        if low in frames.conjunctions:
            joined = True
            break
        if tok.is_punct:
            break
        if low in frames.object_determiners and not det_seen:
            object_case = True
            det_seen = True
        elif low in frames.genitive_determiners and not det_seen:
            det_seen = True
            genitive = j > floor and not doc[j - 1].is_punct and (
                doc[j - 1].text[:1].isupper() or doc[j - 1].like_num)
        elif low in _DETERMINERS or low in frames.possessives:
            det_seen = True
        elif low in rules.prepositions:
            prep = low
            object_case = genitive = False
            break
        elif tok.text[:1].islower() and not _adjective(low) and not tok.like_num:
            break
        j -= 1
    return Unit(start, end, prep, object_case, genitive, joined, records)


def _adjective(low: str) -> bool:
    return len(low) > 3 and low.isalpha() and low.endswith(("e", "en", "er", "es", "em"))


def _country_before(doc: Doc, i: int, floor: int, by_token: dict[int, Mention]) -> str | None:
    """The country of a demonym or country name just before a role noun
    ("iranische Präsident", "Russlands Regierung")."""
    for j in range(i - 1, max(floor, i - 3) - 1, -1):
        m = by_token.get(j)
        if m is not None and m.record.get("country"):
            return str(m.record["country"])
        if doc[j].is_punct:
            break
    return None


def _plural_verb_next(doc: Doc, i: int, e: int, frames: ClauseFrames) -> bool:
    """"Sie unterstrichen", "unterstrichen sie": the finite verb beside it is plural."""
    for j in (i + 1, i - 1):
        if j < 0 or j >= e or j >= len(doc):
            continue
        tok = doc[j]
        if tok.text[:1].islower() and tok.lower_.endswith(frames.plural_verb_endings) \
                and tok.is_alpha:
            return True
    return False


def _recent_people(mentions: list[Mention], before: int, count: int) -> list[dict[str, Any]]:
    """The last ``count`` different persons named before ``before`` (a character)."""
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    end = bisect_left(mentions, before, key=_start_of)
    for m in reversed(mentions[:end]):
        if m.record.get("label") != "PER" or m.kind == "demonym":
            continue
        if m.record["id"] in seen:
            continue
        seen.add(m.record["id"])
        out.append({**m.record, "sector": m.record.get("sector", None)})
        if len(out) == count:
            break
    return out


def _possessor(doc: Doc, trigger: int, floor: int, units: list[Unit],
               mentions: list[Mention], frames: ClauseFrames) -> Unit | None:
    before = doc[trigger - 1].lower_ if trigger - 1 >= floor else ""
    if before in frames.group_possessives:
        # "Die Flugbegleiter setzen ihren Streik fort": the subject's own; without one,
        # the pair named before ("in ihrem Gespräch").
        subject = [u for u in units if u.end <= trigger and u.prep is None
                   and not u.genitive and not u.object_case]
        if subject:
            return subject[0]
        records = _recent_people(mentions, doc[trigger].idx, 2)
        return Unit(trigger - 1, trigger, None, False, False, False,
                    records if len(records) == 2 else [])
    for unit in units:
        if unit.end == trigger and unit.prep is None and unit.records and \
                doc[unit.end - 1].lower_.endswith("s"):
            return unit  # "Russlands Angriff": a name's genitive before the noun
    return None


def _passive(doc: Doc, s: int, e: int, trigger: int, frames: ClauseFrames,
             rules: EventRules) -> bool:
    if not any(doc[i].lower_ in frames.passive_auxiliaries for i in range(s, trigger)):
        return False
    tok = doc[trigger]
    low = tok.lower_
    # A participle: "getötet", "verhaftet", "festgenommen" (the prefix after a particle);
    # not an infinitive of the future ("wird ... festnehmen").
    return tok.text[:1].islower() and (low.endswith("t") or (
        rules.participle_prefix in low[:8] and low.endswith("en")))


def _first_person(doc: Doc, s: int, e: int, frames: ClauseFrames) -> bool:
    return any(doc[i].lower_ in frames.first_person for i in range(s, e))


def _antecedent(doc: Doc, clauses: list[Clause], k: int, mentions: list[Mention],
                rules: EventRules, frames: ClauseFrames) -> Unit:
    """The noun before a relative clause's comma; a phrase that is nobody when that noun
    is a common noun ("der Resolution ... des UN-Sicherheitsrates, die ...")."""
    start = clauses[k][0]
    if k == 0:
        return Unit(start, start, None, False, False, False, [])
    ps, pe, _, _ = clauses[k - 1]
    units = _units(doc, ps, pe, mentions, rules, frames)
    last = pe - 1
    for unit in reversed(units):
        if unit.end == last + 1 and not unit.genitive:
            return unit
    return Unit(start, start, None, False, False, False, [])


def _speaker(doc: Doc, clauses: list[Clause], k: int, mentions: list[Mention],
             rules: EventRules, frames: ClauseFrames) -> Unit | None:
    """"„Wir ...“, sagte Raisi": whoever speaks in the clause after (or before) the quote."""
    order = list(range(k + 1, len(clauses))) + list(range(k - 1, -1, -1))
    for j in order:
        ps, pe, _, _ = clauses[j]
        if not any(rules.is_reporting(doc[i]) for i in range(ps, pe)):
            continue
        found = [u for u in _units(doc, ps, pe, mentions, rules, frames)
                 if u.prep is None and u.records]
        if found:
            return found[0]
    return None
