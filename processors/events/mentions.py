"""One record per event: mentions of the same event in an article become one event.

A story tells its main event in the headline and again in the body, and comes back to
it ("Die beiden Staats- und Regierungschefs erörterten auch ...", "in ihrem
Gespräch"). Two coded mentions are the same event when they have the same type and
nothing tells them apart:

* modes agree (or one has none), and so do negation and being background;
* the participants agree: one side's actors (for CONSULT, COOPERATE, AGREE: everyone
  taking part) are among the other's, a country matching a person of that country, or
  one side names nobody;
* the places the text names agree (a dateline place or none agrees with any), and a
  phone call is not the meeting held at a named place;
* the dates agree where both come from the text or the article's lead date.

The merged event keeps every mention (trigger and evidence) in text order; its own
trigger and evidence are the first body mention (the lead tells the event most fully),
its participants the union of all mentions', and its confidence the highest.
"""

from __future__ import annotations

from typing import Any

from wirestream.processors.events.tolls import join_counts

_SYMMETRIC = frozenset({"CONSULT", "COOPERATE", "AGREE"})


def corefer(drafts: list[dict[str, Any]], body_offset: int = 0) -> list[dict[str, Any]]:
    """Merge the drafts (the coder's events, in text order) that tell the same event."""
    out: list[dict[str, Any]] = []
    for draft in drafts:
        target = next((e for e in out if same_event(e, draft)), None)
        if target is None:
            out.append(draft)
        else:
            _absorb(target, draft, body_offset)
    for event in out:
        event["_mentions"].sort(key=lambda m: m["trigger"]["start"])
    return out


def same_event(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["type"] != b["type"]:
        return False
    if a["mode"] and b["mode"] and a["mode"] != b["mode"]:
        return False
    if (a["factuality"] == "negated") != (b["factuality"] == "negated") or \
            a["is_background"] != b["is_background"]:
        return False
    return _places_agree(a, b) and _dates_agree(a, b) and _participants_agree(a, b)


def _places_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    la = a["location"] if a.get("_loc_source") == "text" else None
    lb = b["location"] if b.get("_loc_source") == "text" else None
    if la is not None and lb is not None:
        return bool(la.get("id") == lb.get("id"))
    # A phone call has no venue: it is not the talks held in Vienna.
    return not (("phone" in (a["mode"], b["mode"])) and (la is not None or lb is not None))


def _dates_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    da, db = a.get("date"), b.get("date")
    if da is None or db is None or "published" in (da["source"], db["source"]):
        return True
    coarse = {"year": 4, "month": 7, "day": 10}
    width = min(coarse[da["precision"]], coarse[db["precision"]])
    return bool(da["value"][:width] == db["value"][:width])


def _participants_agree(a: dict[str, Any], b: dict[str, Any]) -> bool:
    if a["type"] in _SYMMETRIC:
        return _within(a["actors"] + a["recipients"], b["actors"] + b["recipients"])
    return _within(a["actors"], b["actors"]) and _within(a["recipients"], b["recipients"])


def _within(xs: list[dict[str, Any]], ys: list[dict[str, Any]]) -> bool:
    """One list names nobody, or every one of it is matched in the other."""
    if not xs or not ys:
        return True
    return all(any(_match(x, y) for y in ys) for x in xs) or \
        all(any(_match(y, x) for x in xs) for y in ys)


def _match(x: dict[str, Any], y: dict[str, Any]) -> bool:
    if x["id"] == y["id"]:
        return True
    # Unlinked names (``key:`` ids): "Putin" is "Vladimir Putin".
    if str(x["id"]).startswith("key:per:") and str(y["id"]).startswith("key:per:"):
        a, b = str(x.get("name") or "").split(), str(y.get("name") or "").split()
        if a and b and a[-1] == b[-1]:
            return True
    # A state and a person (or body) of that state: "Russland" and "Putin".
    state = str(x["id"]).startswith("iso3166:") or str(y["id"]).startswith("iso3166:")
    return state and bool(x.get("country")) and x.get("country") == y.get("country")


def _absorb(target: dict[str, Any], draft: dict[str, Any], body_offset: int) -> None:
    target["_mentions"].extend(draft["_mentions"])
    in_headline = body_offset and target["trigger"]["start"] < body_offset
    if in_headline and draft["trigger"]["start"] >= body_offset:
        # The body's first mention speaks for the event.
        for key in ("trigger", "evidence", "factuality", "method", "_sent", "_primary"):
            target[key] = draft[key]
    for key in ("actors", "recipients"):
        ids = {x["id"] for x in target[key]}
        target[key].extend(x for x in draft[key] if x["id"] not in ids)
    taken = {x["id"] for x in target["actors"]}
    target["recipients"] = [r for r in target["recipients"] if r["id"] not in taken]
    if target.get("_loc_source") != "text" and draft.get("_loc_source") == "text":
        target["location"], target["_loc_source"] = draft["location"], "text"
    if target["mode"] is None:
        target["mode"] = draft["mode"]
    date, other = target.get("date"), draft.get("date")
    if other is not None and (date is None or (date["source"] != "text"
                                               and other["source"] == "text")):
        target["date"] = other
    join_counts(target["counts"], draft["counts"])
    target["confidence"] = max(target["confidence"], draft["confidence"])
