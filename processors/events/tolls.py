"""Published counts: text added, people shot resolved into injured against the dead.

A count read from a sentence (counts.py) may say "shot"; published counts do not: people
shot are injured unless they died, in the sentence (``finish_counts``) or, for a shot
count left over, anywhere in the article (``settle_shot``).
"""

from __future__ import annotations

from typing import Any


def finish_counts(found: dict[str, dict[str, Any]], text: str) -> dict[str, dict[str, Any]]:
    """Turn internal counts into the published ones: add text, resolve "shot".

    People shot are injured unless they died: in the sentence, injured = shot - dead;
    a shot count left over is kept under the internal key ``_shot`` so that the article
    can settle it against deaths told in other sentences (see ``settle_shot``).
    """
    out: dict[str, dict[str, Any]] = {}
    for kind, count in found.items():
        if kind == "shot":
            continue
        out[kind] = {**count, "text": text[count["start"]:count["end"]]}
    shot = found.get("shot")
    if shot is not None and "injured" not in out:
        dead = out.get("dead")
        value = shot["value"]
        if shot.get("_other"):
            out["injured"] = {k: v for k, v in shot.items() if k != "_other"}
            out["injured"]["text"] = text[shot["start"]:shot["end"]]
            return out
        if dead is not None and value is not None and dead.get("value") is not None:
            if value >= dead["value"] and shot["qualifier"] == "exact":
                value = value - dead["value"]
                if value == 0:
                    return out
                out["injured"] = {**shot, "value": value, "min": value, "max": value,
                                  "text": text[shot["start"]:shot["end"]]}
            return out
        if dead is None or (shot["start"], shot["end"]) != (dead["start"], dead["end"]):
            out["_shot"] = {**shot, "text": text[shot["start"]:shot["end"]]}
    return out


def settle_shot(counts: dict[str, dict[str, Any]], article_dead: int | None) -> None:
    """Resolve a leftover shot count in place: injured = shot - dead, where dead is the
    event's own toll or else the article's ("Teen shot" in the headline, "he died" in
    the body: nobody injured)."""
    shot = counts.pop("_shot", None)
    if shot is None or "injured" in counts:
        return
    own = counts.get("dead")
    dead = own.get("value") if own is not None else article_dead
    value = shot["value"]
    if dead is None or value is None:
        counts["injured"] = shot
        return
    if value > dead and shot["qualifier"] == "exact":
        rest = value - dead
        counts["injured"] = {**shot, "value": rest, "min": rest, "max": rest}


def join_counts(target: dict[str, dict[str, Any]], more: dict[str, dict[str, Any]]) -> None:
    """Add another mention's counts to an event's, in place: the first mention's count of
    a kind wins, and a leftover shot count is the injured count for this purpose (a later
    "42 were injured" must not beat the headline's "5 people shot")."""
    for kind, count in more.items():
        if (kind == "injured" and "_shot" in target) or (kind == "_shot" and "injured" in target):
            continue
        target.setdefault(kind, count)
