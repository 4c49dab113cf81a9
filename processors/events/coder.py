"""The event coder: sentences → triggers → typed events with arguments, counts and dates.

Event ids (``ev-`` + 20 hex chars of SHA-1) hash ``article_id | type | actors | n``:
the story id, the type, the sorted ids of who acts (for CONSULT, COOPERATE and AGREE
everyone taking part), and n, the count of earlier events with the same three. They do
not depend on the version, on character offsets or on trigger words, so a re-run, a
replay or an update that edits or rewords sentences keeps the ids (and the
``wire.events`` keys) stable. Mentions of one event (headline and body, a later
sentence coming back to it) are one event with all its mentions (mentions.py).
"""

from __future__ import annotations

import hashlib
import re
from bisect import bisect_left
from typing import TYPE_CHECKING, Any

from wirestream.processors.events.actors import (
    Mention,
    actors_in,
    country_actor,
    free_arguments,
    mentions_from_doc,
    mentions_from_records,
    norm_key,
    text_of,
)
from wirestream.processors.events.counts import extract_counts
from wirestream.processors.events.dates import find_date, is_past_background, parse_published
from wirestream.processors.events.docview import DocView
from wirestream.processors.events.factuality import factuality, ongoing
from wirestream.processors.events.frames import clause_arguments
from wirestream.processors.events.mentions import corefer
from wirestream.processors.events.tolls import finish_counts, join_counts, settle_shot
from wirestream.processors.events.triggers import clauses_of, sentence_hits
from wirestream.processors.events.types import INCIDENT_TYPES, Hit
from wirestream.processors.lang import EVENT_CODES, profile

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

    from wirestream.processors.lang import EventRules

# Languages with event rules (processors/lang/).
LANGUAGES = EVENT_CODES
_SYMMETRIC = frozenset({"CONSULT", "COOPERATE", "AGREE"})
_PHONE_RE = re.compile(r"(?i)telefon|\banruf|\bby phone\b|\bphone call|\btelephone|"
                       r"video ?(call|conference|konferenz|schalte)")
_DATELINE_RE = re.compile(r"^\s*([A-ZÄÖÜ][\w.\- ]{1,40}?)(?:/[\w.\- ]+)*\s*(?:\([^)]{0,60}\))?"
                          r"\s*[-–—:]\s")


def code_events_text(text: str, nlp: Language, *, language: str, article_id: str,
                     version: int = 1, body_offset: int = 0, published_at: str | None = None,
                     entities: list[dict[str, Any]] | None = None,
                     places: list[dict[str, Any]] | None = None,
                     dateline: str | None = None) -> list[dict[str, Any]]:
    """Run the pipeline on ``text`` and code it (for benches and tests)."""
    return code_events(nlp(text), language=language, article_id=article_id, version=version,
                       body_offset=body_offset, published_at=published_at, entities=entities,
                       places=places, dateline=dateline)


def code_events(doc: Doc, *, language: str, article_id: str, version: int, body_offset: int,
                published_at: str | None, entities: list[dict[str, Any]] | None = None,
                places: list[dict[str, Any]] | None = None,
                dateline: str | None = None) -> list[dict[str, Any]]:
    """Events of one article; ``doc`` is the Doc of ``headline + "\\n" + body``."""
    found_profile = profile((language or "").lower()[:2])
    rules = found_profile.events if found_profile is not None else None
    if rules is None or not len(doc):
        return []
    parsed = doc.has_annotation("DEP")
    if entities is not None:
        ent_mentions = mentions_from_records(entities, body_offset)
        place_mentions = mentions_from_records(places or [], body_offset, place=True) \
            if places is not None else [m for m in mentions_from_doc(doc)[1]]
    else:
        ent_mentions, doc_places = mentions_from_doc(doc)
        place_mentions = mentions_from_records(places, body_offset, place=True) \
            if places is not None else doc_places
    pub = parse_published(published_at)
    sents = _sentences(doc, body_offset)
    view = DocView(doc)
    lowers, lemmas = view.lowers, view.lemmas
    accident_by_sent = [rules.accident_level(lowers[s.start:s.end], lemmas[s.start:s.end])
                        for s in sents]
    intent_by_sent = [rules.intent(lowers[s.start:s.end]) for s in sents]
    # One date lookup per sentence: the lead date and every event of the sentence share it.
    date_cache: dict[int, dict[str, Any] | None] = {}
    lead_date = None
    for index, s in enumerate(sents[:3]):
        found = date_cache[index] = find_date(s.text, pub)
        if found is not None and found["precision"] == "day":
            lead_date = found
            break
    dateline_place = _dateline_place(doc, dateline, place_mentions, body_offset)
    # Names in the dateline ("Teheran/Moskau (ParsToday/PressTV) -") are nobody's actors.
    for origin in {0, body_offset}:
        head = _DATELINE_RE.match(text_of(doc)[origin:origin + 120])
        if head is not None:
            cut = origin + head.end()
            ent_mentions = [m for m in ent_mentions if not origin <= m.start < cut]
    drafts: list[dict[str, Any]] = []
    parse_path = parsed and rules.parse_rules
    # Tokens that can carry a sense; with the parse this is exact (a trigger's lemma is
    # always a parse cue), so skipping the others changes no output.
    cue = [lem in rules.parse_cues for lem in lemmas] if parse_path \
        else rules.cue_tokens(lowers, lemmas)
    for index, sent in enumerate(sents):
        cands = [i for i in range(sent.start, sent.end) if cue[i]]
        if not cands:
            continue  # no lexicon word at all: nothing to code, skip the costly steps
        hits = sentence_hits(sent, index, rules, parsed, cands if parse_path else None,
                             view)
        if not hits:
            continue
        counts_raw = extract_counts(sent,  # type: ignore[arg-type]  # a Span is a token sequence
                                    lowers[sent.start:sent.end],
                                    protest=any(h.type == "PROTEST" for h in hits))
        if index not in date_cache:
            date_cache[index] = find_date(sent.text, pub)
        for hit in hits:
            if not _resolve_incident(hit, index, accident_by_sent, intent_by_sent, counts_raw):
                continue
            if hit.type == "ACCUSE" and accident_by_sent[index] and hit.mode == "investigate":
                continue  # looking for the cause of an accident accuses nobody
            draft = _draft(doc, sent, hit, rules, ent_mentions, place_mentions,
                           dateline_place, pub, lead_date, date_cache[index])
            if draft is not None:
                drafts.append(draft)
        # Counts belong to the sentence's incident, whichever hit that is.
        incident = next((d for d in drafts[::-1] if d["_sent"] == index
                         and d["type"] in INCIDENT_TYPES), None)
        if incident is not None and counts_raw:
            incident["counts"] = finish_counts(counts_raw, text_of(doc))
    events = corefer(_merge_incidents(drafts), body_offset)
    # The article's toll: the first death count of an incident happening now.
    article_dead = next((e["counts"]["dead"]["value"] for e in events
                         if "dead" in e["counts"] and not e["is_background"]
                         and e["counts"]["dead"]["value"] is not None), None)
    for event in events:
        settle_shot(event["counts"], article_dead)
    return _finish(events, doc, article_id, body_offset)


def _sentences(doc: Doc, body_offset: int) -> list[Span]:
    if doc.has_annotation("SENT_START") or doc.has_annotation("DEP"):
        sents = list(doc.sents)
    else:
        sents = [doc[:]]
    out: list[Span] = []
    for s in sents:
        # The headline is its own sentence even when the pipeline glued it to the body.
        if body_offset and s.start_char < body_offset < s.end_char:
            cut = next((t.i for t in s if t.idx >= body_offset), None)
            if cut is not None and cut > s.start:
                out.extend([doc[s.start:cut], doc[cut:s.end]])
                continue
        if s.text.strip():
            out.append(s)
    return out


def _resolve_incident(hit: Hit, index: int, accident: list[int], intent: list[bool],
                      counts: dict[str, Any]) -> bool:
    """ACCIDENT wins over ASSAULT for crashes and disasters; False drops the hit."""
    near = [accident[i] for i in (index - 1, index + 1) if 0 <= i < len(accident)]
    if hit.type == "ASSAULT":
        strong = accident[index] == 2 and not intent[index]
        if strong or (hit.casualty and not intent[index] and (accident[index] or 2 in near)):
            hit.type, hit.mode = "ACCIDENT", None
    elif hit.type == "ACCIDENT" and intent[index] and accident[index] < 2:
        hit.type = "ASSAULT"  # "a car bomb explosion"
    # A death with no violence and no toll is not an event here.
    return not (hit.casualty and hit.type == "ASSAULT" and not intent[index] and not counts
                and hit.lemma in ("die", "dead", "starb", "sterb", "gestorb", "umkomm",
                                  "umkam"))


def _draft(doc: Doc, sent: Span, hit: Hit, rules: EventRules,
           ent_mentions: list[Mention], place_mentions: list[Mention],
           dateline_place: dict[str, Any] | None, pub: Any, lead_date: dict[str, Any] | None,
           found: dict[str, Any] | None) -> dict[str, Any] | None:
    used: set[int] = set()
    frames = rules.frames
    clauses = clauses_of(sent, rules) if not hit.parsed else []
    own = next((c for c in clauses if c[0] <= hit.token < c[1]), None)
    if frames is not None and not hit.parsed:
        actors: list[dict[str, Any]] = []
        recipients: list[dict[str, Any]] = []
        if hit.primary and hit.type != "ACCIDENT":
            args = clause_arguments(doc, clauses, hit.token, ent_mentions, rules, frames,
                                    hit.type in _SYMMETRIC)
            actors, recipients = args.actors, args.recipients
            used.update(args.used)
        # A subordinate clause naming nobody ("betonte, dass die Zusammenarbeit ...
        # neutralisieren wird", "Resolution 2231, die das Abkommen unterstützt") is a
        # topic of speech or a description, not an event.
        if not actors and not recipients and hit.type not in INCIDENT_TYPES and \
                own is not None and own[2]:
            return None
    else:
        if not hit.parsed and hit.primary and hit.type != "ACCIDENT":  # else cleared below
            hit.actor_tokens, hit.recipient_tokens = free_arguments(
                doc, hit.clause, hit.token, ent_mentions, rules, hit.type in _SYMMETRIC)
            if not hit.actor_tokens and hit.clause != (sent.start, sent.end):
                a, r = free_arguments(doc, (sent.start, sent.end), hit.token, ent_mentions,
                                      rules, hit.type in _SYMMETRIC)
                hit.actor_tokens, hit.recipient_tokens = a, hit.recipient_tokens or r
        if hit.type == "ACCIDENT" or not hit.primary:
            hit.actor_tokens = [] if not hit.parsed or not hit.primary else hit.actor_tokens
            hit.recipient_tokens = []
        # A subtree may run into the headline when the parser glued it to the body.
        hit.actor_tokens = _clip(hit.actor_tokens, sent)
        hit.recipient_tokens = _clip(hit.recipient_tokens, sent)
        actors = actors_in(doc, hit.actor_tokens, ent_mentions, rules, used)
        recipients = actors_in(doc, hit.recipient_tokens, ent_mentions, rules, used)
        actors = [resolved for a in actors
                  if (resolved := _resolve_pronoun(doc, a, sent, ent_mentions)) is not None]
        recipients = [r for r in (_resolve_pronoun(doc, r, sent, ent_mentions)
                                  for r in recipients) if r is not None]
    recipients = [r for r in recipients if r["id"] not in {a["id"] for a in actors}]
    trig = doc[hit.token]
    if hit.type == "CONSULT" and hit.mode is None and _PHONE_RE.search(sent.text):
        hit.mode = "phone"  # "erörterten in einem Telefongespräch", "talked by phone"
    date: dict[str, Any] | None
    if found is not None:
        before = sent.text[:found["offset"]]
        date = {"value": found["value"], "precision": found["precision"],
                "text": found["text"], "source": "text"}
        background = is_past_background(found, pub) and not ongoing(before)
    else:
        background = False
        if lead_date is not None:
            date = {"value": lead_date["value"], "precision": "day", "text": lead_date["text"],
                    "source": "context"}
        elif pub is not None:
            date = {"value": pub.isoformat(), "precision": "day", "text": None,
                    "source": "published"}
        else:
            date = None
    regions = _place_regions(doc, sent, hit, clauses, own)
    location = _place_in(doc, regions, trig.idx, place_mentions, used)
    loc_source = "text" if location is not None else "dateline"
    location = location or dateline_place
    confidence = hit.score + (0.05 if actors else -0.05)
    trigger = {"text": trig.text, "lemma": hit.lemma, "start": trig.idx,
               "end": trig.idx + len(trig.text)}
    evidence = {"text": sent.text.strip(), "start": sent.start_char, "end": sent.end_char}
    return {
        "_sent": hit.sent_index, "_primary": hit.primary, "_token": hit.token,
        "type": hit.type, "mode": hit.mode, "actors": actors, "recipients": recipients,
        "location": location, "_loc_source": loc_source, "date": date, "counts": {},
        "trigger": trigger, "evidence": evidence,
        "_mentions": [{"trigger": trigger, "evidence": evidence}],
        "factuality": factuality(hit),
        "is_background": bool(hit.pluperfect or background),
        "confidence": round(max(0.05, min(0.99, confidence)), 3),
        "method": "parse" if hit.parsed else "lexicon",
    }


def _clip(spans: list[tuple[int, int]], sent: Span) -> list[tuple[int, int]]:
    out = [(max(a, sent.start), min(b, sent.end)) for a, b in spans]
    return [(a, b) for a, b in out if a < b]


def _resolve_pronoun(doc: Doc, actor: dict[str, Any], sent: Span,
                     mentions: list[Mention]) -> dict[str, Any] | None:
    """"er/he" → the last person named before; "sein Land" → that person's country."""
    if actor.get("label") != "ROLE" and not actor["id"].startswith("role:"):
        return actor
    name = str(actor.get("name", "")).lower()
    if name not in ("er", "he", "she", "sie") and not name.endswith(("land", "country")):
        return actor
    limit = sent.end_char
    previous = [m for m in mentions if m.end <= limit and m.record.get("label") == "PER"]
    if not previous:
        return None if name in ("er", "he", "she", "sie") else actor
    person = dict(previous[-1].record)
    if name.endswith(("land", "country")):
        iso3 = person.get("country")
        if not iso3:
            return None  # "his country" of someone without one is nobody we can name
        return country_actor(str(iso3), "government")
    person.setdefault("sector", None)
    return person


Region = tuple[list[tuple[int, int]], bool]  # char ranges, locative preposition needed


def _place_regions(doc: Doc, sent: Span, hit: Hit, clauses: list[tuple[int, int, bool, str]],
                   own: tuple[int, int, bool, str] | None) -> list[Region]:
    """Where the event's place may be named, best first: its own clause; then the main
    clauses around it (with "in"/"bei" before the place) or, for an incident, its
    sentence. A place in another clause's subordinate clause ("hoped that the conflict
    in Ukraine ends") is not where the event happened."""
    def chars(a: int, b: int) -> tuple[int, int]:
        return doc[a].idx, doc[b - 1].idx + len(doc[b - 1].text)

    whole = chars(sent.start, sent.end)
    incident = hit.type in INCIDENT_TYPES
    if hit.parsed:
        inside = _parse_clause(doc, sent, hit.token)
        regions: list[Region] = [(inside, False)]
    else:
        if own is None or not hit.primary:
            return [([whole], False)]
        regions = [([chars(own[0], own[1])], False)]
        regions.append(([chars(c[0], c[1]) for c in clauses if not c[2] and c != own],
                        True))
    if incident:  # an incident's place may stand anywhere in its sentence
        regions.append(([whole], False))
    return regions


def _parse_clause(doc: Doc, sent: Span, token: int) -> list[tuple[int, int]]:
    """Character ranges of the tokens whose nearest clause head is the trigger's verb or
    one of the verbs above it (its main clauses), not a clause of their own."""
    verb = doc[token]
    for _ in range(3):
        if verb.pos_ in ("VERB", "AUX") or verb.head.i == verb.i:
            break
        verb = verb.head
    chain = {verb.i, *(a.i for a in verb.ancestors)}
    out: list[tuple[int, int]] = []
    for tok in sent:
        head = tok
        while head.head.i != head.i and not (head.i != tok.i and head.pos_ in ("VERB", "AUX")):
            head = head.head
        if head.i in chain or tok.i in chain:
            out.append((tok.idx, tok.idx + len(tok.text)))
    return out


def _place_in(doc: Doc, regions: list[Region], at: int, places: list[Mention],
              used: set[int]) -> dict[str, Any] | None:
    """The place mention nearest the trigger in the first region that has one."""
    for ranges, locative_only in regions:
        best: tuple[float, Mention] | None = None
        for low, high in ranges:
            first = bisect_left(places, low, key=_start_of)
            for m in places[first:]:
                if m.start >= high:
                    break
                if m.start in used or m.kind == "demonym":
                    continue
                locative = _locative(doc, m)
                if locative_only and not locative:
                    continue
                score = abs(m.start - at) - (50 if locative else 0)
                if best is None or score < best[0]:
                    best = (score, m)
        if best is not None:
            return dict(best[1].record)
    return None


def _start_of(m: Mention) -> int:
    return m.start


_LOCATIVES = frozenset({"in", "im", "at", "near", "bei", "nahe", "of"})
_LOCATIVE_CACHE: dict[int, tuple[Doc, dict[int, bool]]] = {}


def _locative(doc: Doc, m: Mention) -> bool:
    """A preposition of place right before the mention ("in Tabas"); memoised per doc."""
    cached = _LOCATIVE_CACHE.get(id(doc))
    if cached is None or cached[0] is not doc:
        _LOCATIVE_CACHE.clear()
        cached = _LOCATIVE_CACHE[id(doc)] = (doc, {})
    flags = cached[1]
    flag = flags.get(m.start)
    if flag is None:
        low_before = text_of(doc)[max(0, m.start - 5):m.start].lower()
        flag = flags[m.start] = not _LOCATIVES.isdisjoint(low_before.split())
    return flag


def _dateline_place(doc: Doc, dateline: str | None, places: list[Mention], body_offset: int
                    ) -> dict[str, Any] | None:
    if not dateline:
        m = _DATELINE_RE.match(text_of(doc)[body_offset:body_offset + 120]) or \
            _DATELINE_RE.match(text_of(doc)[:120])
        if m is None:
            return None
        dateline = m.group(1).strip()
    key = dateline.strip().casefold()
    for place in places:
        if str(place.record.get("name", "")).casefold() == key or \
                text_of(doc)[place.start:place.end].casefold() == key:
            return dict(place.record)
    return {"id": norm_key("LOC", dateline), "name": dateline.strip().title()
            if dateline.isupper() else dateline.strip()}


def _merge_incidents(drafts: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One incident told over adjacent sentences is one event (counts joined)."""
    out: list[dict[str, Any]] = []
    for draft in drafts:
        target = None
        if draft["type"] in INCIDENT_TYPES:
            for prev in out[::-1]:
                if draft["_sent"] - prev["_sent"] > 2:
                    break
                if prev["type"] == draft["type"] and _same_place(prev, draft):
                    target = prev
                    break
        if target is None:
            out.append(draft)
            continue
        join_counts(target["counts"], draft["counts"])
        target["_mentions"].extend(draft["_mentions"])
        for key in ("actors", "recipients"):
            ids = {a["id"] for a in target[key]}
            target[key].extend(a for a in draft[key] if a["id"] not in ids)
        if target["date"] and target["date"]["source"] != "text" and draft["date"] and \
                draft["date"]["source"] == "text":
            target["date"] = draft["date"]
        if target["_loc_source"] != "text" and draft["_loc_source"] == "text":
            target["location"], target["_loc_source"] = draft["location"], "text"
        target["confidence"] = max(target["confidence"], draft["confidence"])
        target["_primary"] = target["_primary"] or draft["_primary"]
    return out


def _same_place(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Places the text names agree (a dateline place or none agrees with any)."""
    la = a.get("location") if a.get("_loc_source") == "text" else None
    lb = b.get("location") if b.get("_loc_source") == "text" else None
    return la is None or lb is None or la.get("id") == lb.get("id")


def _field(start: int, end: int, body_offset: int) -> tuple[str, int, int]:
    if body_offset and start < body_offset:
        return "headline", start, min(end, body_offset - 1)
    return "body", start - body_offset, end - body_offset


def _finish(events: list[dict[str, Any]], doc: Doc, article_id: str, body_offset: int
            ) -> list[dict[str, Any]]:
    seen: dict[str, int] = {}
    out: list[dict[str, Any]] = []
    # A side incident never outranks its sentence's main event.
    top = {e["_sent"]: e["confidence"] for e in events if e["_primary"]}
    for event in events:
        if not event["_primary"] and event["_sent"] in top:
            event["confidence"] = round(min(event["confidence"], top[event["_sent"]] - 0.05), 3)
            event["confidence"] = max(0.05, event["confidence"])
        key = _identity(event)
        n = seen.get(key, 0)
        seen[key] = n + 1
        digest = hashlib.sha1(f"{article_id}|{key}|{n}".encode()).hexdigest()
        counts = {}
        for kind, count in event["counts"].items():
            c_field, c_start, c_end = _field(count["start"], count["end"], body_offset)
            counts[kind] = {**count, "field": c_field, "start": c_start, "end": c_end}
        mentions = [{"trigger": _trigger_out(m["trigger"], body_offset),
                     "evidence": _evidence_out(m["evidence"], body_offset)}
                    for m in event["_mentions"]]
        out.append({
            "event_id": "ev-" + digest[:20], "article_id": article_id, "type": event["type"],
            "mode": event["mode"], "actors": event["actors"],
            "recipients": event["recipients"], "location": event["location"],
            "date": event["date"], "counts": counts,
            "trigger": _trigger_out(event["trigger"], body_offset),
            "evidence": _evidence_out(event["evidence"], body_offset),
            "mentions": mentions,
            "factuality": event["factuality"], "is_background": event["is_background"],
            "confidence": event["confidence"], "method": event["method"],
        })
    return out


def _identity(event: dict[str, Any]) -> str:
    """What names an event across versions of its story: its type and who acts (everyone
    taking part in a CONSULT, COOPERATE or AGREE), never positions or trigger words, so
    an edit elsewhere, a new headline or a reworded sentence keeps the id."""
    people = event["actors"] + (event["recipients"] if event["type"] in _SYMMETRIC else [])
    return f"{event['type']}|{','.join(sorted({str(p['id']) for p in people}))}"


def _trigger_out(trig: dict[str, Any], body_offset: int) -> dict[str, Any]:
    field, start, end = _field(trig["start"], trig["end"], body_offset)
    return {"text": trig["text"], "lemma": trig["lemma"], "field": field, "start": start,
            "end": end}


def _evidence_out(evid: dict[str, Any], body_offset: int) -> dict[str, Any]:
    field, start, end = _field(evid["start"], evid["end"], body_offset)
    return {"text": evid["text"], "field": field, "start": start, "end": end}
