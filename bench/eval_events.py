"""Event coder evaluation on the gold files in ../shared/data/events.

    python bench/eval_events.py --plover ../shared/data/events/plover/PLOVER_GSR_CAMEO.dev.json
    python bench/eval_events.py --gva ../shared/data/events/gva_casualties/gva.dev.jsonl
    python bench/eval_events.py --smartdata ../shared/data/events/smartdata_de/dev.json.gz

PLOVER: one gold type per sentence (older labels mapped: DEMAND→REQUEST, DISAPPROVE and
INVESTIGATE→ACCUSE, FIGHT→ASSAULT); the prediction is the type of the most confident
event (none = wrong). Accuracy and macro-F1 over the gold types; ``--split even|odd``
scores every second sentence (GVA: every second incident), for a held-out figure when
rules were tuned on the other half.
GVA: per incident, killed/injured = the counts of the most confident incident event that
states one, over the incident's articles in file order (first article that states
it wins); exact match with the GVA numbers. ``casualty_precision``: of the incidents
where we say someone was killed (or injured), the share where GVA agrees (pooled).
SmartData: gold Accident/Disaster (→ ACCIDENT) and Strike (→ PROTEST mode strike)
relation mentions; a predicted event matches when the evidence sentence of one of its
mentions overlaps the gold span (an event told in several sentences is one event).
Precision over predicted ACCIDENT/strike events, recall over gold mentions.
Actors (``--plover``): the best event's actors against the gold ``source`` (and its
recipients against ``target``); an actor matches when its country is the gold code or
its name shares a word with the gold actor text. ``actor_accuracy``: share of sentences
with a gold source where one actor matches; ``actor_precision``: the same over the
sentences where we name an actor; ``recipient_accuracy`` and ``recipient_precision``
likewise for recipients against gold targets.
Actors (``--smartdata``): the German gold gives actor-like arguments only for strikes
(striker, union → actor; company → recipient) and places for accidents, disasters and
strikes; for each gold mention a predicted event overlaps, its actors, recipients and
location are matched by shared words with the gold argument text (``actor_accuracy``,
``recipient_accuracy``, ``location_accuracy`` with their n).
Speed: the spaCy pass is timed separately; ``articles_per_s``/``sentences_per_s`` are for
the coder alone (wall clock), ``articles_per_cpu_s`` the same per CPU second of this
process, which is the per-core figure when other work shares the machine; ``--repeat N``
counts the fastest of N coder passes over each batch. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wirestream.config.settings import Settings
from wirestream.processors.events import code_events
from wirestream.processors.news_names import add_news_names
from wirestream.processors.pipelines import NER_COMPONENTS, choose_pipeline, load_pipeline

# Events need the parse where the pipeline has one.
EVENT_COMPONENTS = NER_COMPONENTS | {"tagger", "parser", "attribute_ruler", "lemmatizer",
                                     "morphologizer", "trainable_lemmatizer"}
LABEL_MAP = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE",
             "FIGHT": "ASSAULT"}


def _nlp(language: str) -> Any:
    settings = Settings()
    name = choose_pipeline(language, settings.models)
    if name is None:
        raise SystemExit(f"no pipeline installed for {language}")
    nlp = load_pipeline(name, EVENT_COMPONENTS)
    if settings.news_names:
        add_news_names(nlp)
    print(f"pipeline {name}: {nlp.pipe_names}", file=sys.stderr)
    return nlp


class Timer:
    repeat = 1  # coder passes per batch (--repeat); the fastest one is counted

    def __init__(self) -> None:
        self.spacy = 0.0
        self.coder = 0.0
        self.coder_cpu = 0.0  # CPU time of this process: per-core speed on a busy machine
        self.articles = 0
        self.sentences = 0

    def run(self, nlp: Any, texts: list[tuple[str, int]], language: str, ids: list[str],
            published: list[str | None]) -> list[list[dict[str, Any]]]:
        started = time.perf_counter()
        docs = list(nlp.pipe([t for t, _ in texts], batch_size=32))
        self.spacy += time.perf_counter() - started
        best_wall = best_cpu = float("inf")
        for _ in range(self.repeat):  # best of N passes: less noise on a shared machine
            out = []
            started, cpu = time.perf_counter(), time.process_time()
            for doc, (_, offset), art, pub in zip(docs, texts, ids, published, strict=True):
                out.append(code_events(doc, language=language, article_id=art, version=1,
                                       body_offset=offset, published_at=pub))
            best_wall = min(best_wall, time.perf_counter() - started)
            best_cpu = min(best_cpu, time.process_time() - cpu)
        self.coder += best_wall
        self.coder_cpu += best_cpu
        self.articles += len(docs)
        self.sentences += sum(len(list(d.sents)) for d in docs)
        return out

    def figures(self) -> dict[str, float]:
        coder = max(self.coder, 1e-9)
        return {"articles": self.articles, "sentences": self.sentences,
                "coder_seconds": round(self.coder, 3), "spacy_seconds": round(self.spacy, 3),
                "coder_cpu_seconds": round(self.coder_cpu, 3),
                "articles_per_s": round(self.articles / coder, 1),
                "articles_per_cpu_s": round(self.articles / max(self.coder_cpu, 1e-9), 1),
                "sentences_per_s": round(self.sentences / coder, 1),
                "spacy_articles_per_s": round(self.articles / max(self.spacy, 1e-9), 1)}


def _best(events: list[dict[str, Any]]) -> dict[str, Any] | None:
    return max(events, key=lambda e: e["confidence"]) if events else None


_STOP = frozenset({"the", "of", "and", "a", "an", "der", "die", "das", "des", "den", "dem",
                   "und", "in", "im", "am", "von", "for", "to", "s"})


def _words(text: str | None) -> set[str]:
    return {w for w in re.findall(r"\w+", (text or "").casefold())
            if len(w) > 1 and w not in _STOP}


def _actor_matches(actor: dict[str, Any], gold: dict[str, Any]) -> bool:
    code = str(gold.get("code") or "")
    if len(code) == 3 and actor.get("country") == code:
        return True
    return bool(_words(actor.get("name")) & _words(gold.get("actorText")))


def _argument_score(events: list[list[dict[str, Any]]], rows: list[dict[str, Any]]
                    ) -> dict[str, Any]:
    """Actor and recipient accuracy of the best event of each sentence (PLOVER gold)."""
    n_src = ok_src = n_named = ok_named = n_tgt = ok_tgt = n_given = 0
    for found, row in zip(events, rows, strict=True):
        best = _best(found) or {"actors": [], "recipients": []}
        sources = [g for g in row.get("source") or [] if isinstance(g, dict)]
        targets = [g for g in row.get("target") or [] if isinstance(g, dict)]
        if sources:
            n_src += 1
            hit = any(_actor_matches(a, g) for a in best["actors"] for g in sources)
            ok_src += hit
            if best["actors"]:
                n_named += 1
                ok_named += hit
        if targets:
            n_tgt += 1
            ok_tgt += any(_actor_matches(a, g) for a in best["recipients"] for g in targets)
            n_given += bool(best["recipients"])
    return {"actor_n": n_src, "actor_accuracy": round(ok_src / max(1, n_src), 4),
            "actor_precision": round(ok_named / max(1, n_named), 4),
            "recipient_n": n_tgt, "recipient_accuracy": round(ok_tgt / max(1, n_tgt), 4),
            "recipient_precision": round(ok_tgt / max(1, n_given), 4)}


def eval_plover(path: Path, limit: int | None, split: str | None, verbose: bool
                ) -> dict[str, Any]:
    rows = [r for r in json.loads(path.read_text(encoding="utf-8"))
            if r.get("text") and r.get("event") not in (None, "DOCUMENT")]
    if split in ("even", "odd"):
        rows = [r for i, r in enumerate(rows) if (i % 2 == 0) == (split == "even")]
    rows = rows[:limit] if limit else rows
    nlp = _nlp("en")
    timer = Timer()
    results = timer.run(nlp, [(r["text"], 0) for r in rows], "en",
                        [r["id"] for r in rows], [r.get("date") for r in rows])
    gold = [LABEL_MAP.get(r["event"], r["event"]) for r in rows]
    pred = [(_best(ev) or {}).get("type", "NONE") for ev in results]
    if verbose:
        for r, g, p in zip(rows, gold, pred, strict=True):
            if g != p:
                print(f"{g:10} {p:10} {r['text'][:150]}", file=sys.stderr)
    correct = sum(g == p for g, p in zip(gold, pred, strict=True))
    f1s = {}
    for label in sorted(set(gold)):
        tp = sum(g == p == label for g, p in zip(gold, pred, strict=True))
        fp = sum(p == label != g for g, p in zip(gold, pred, strict=True))
        fn = sum(g == label != p for g, p in zip(gold, pred, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s[label] = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    for label, f1 in f1s.items():
        print(f"{label:10} F1 {f1:.2f}  n={gold.count(label)}")
    arguments = _argument_score(results, rows)
    print(f"actors     accuracy {arguments['actor_accuracy']:.3f} (n={arguments['actor_n']}), "
          f"precision {arguments['actor_precision']:.3f}; recipients accuracy "
          f"{arguments['recipient_accuracy']:.3f} (n={arguments['recipient_n']}), precision "
          f"{arguments['recipient_precision']:.3f}")
    return {"task": "plover", "split": split or "all", "n": len(rows),
            "accuracy": round(correct / max(1, len(rows)), 4),
            "macro_f1": round(sum(f1s.values()) / max(1, len(f1s)), 4), **arguments,
            **timer.figures()}


def _incident_counts(events: list[dict[str, Any]]) -> dict[str, int | None]:
    out: dict[str, int | None] = {"dead": None, "injured": None}
    for kind in out:
        stated = [e for e in events if kind in e["counts"] and not e["is_background"]]
        if stated:
            count = stated[0]["counts"][kind]
            out[kind] = count["value"] if count["value"] is not None else count["min"]
    return out


def eval_gva(path: Path, limit: int | None, split: str | None, verbose: bool
             ) -> dict[str, Any]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip()]
    rows = rows[:limit] if limit else rows
    if split in ("even", "odd"):
        rows = [r for i, r in enumerate(rows) if (i % 2 == 0) == (split == "even")]
    nlp = _nlp("en")
    timer = Timer()
    killed_ok = injured_ok = 0
    said_pos = said_pos_ok = 0
    for row in rows:
        docs = row["documents"]
        texts = []
        for d in docs:
            title, body = d.get("title") or "", d.get("content") or ""
            texts.append((f"{title}\n{body}", len(title) + 1 if title else 0))
        results = timer.run(nlp, texts, "en", [d["doc_id"] for d in docs],
                            [d.get("dct") for d in docs])
        killed = injured = None
        for events in results:
            counts = _incident_counts(events)
            killed = killed if killed is not None else counts["dead"]
            injured = injured if injured is not None else counts["injured"]
        killed, injured = killed or 0, injured or 0
        killed_ok += killed == row["num_killed"]
        injured_ok += injured == row["num_injured"]
        for ours, theirs in ((killed, row["num_killed"]), (injured, row["num_injured"])):
            if ours > 0:
                said_pos += 1
                said_pos_ok += theirs > 0
        if verbose and (killed != row["num_killed"] or injured != row["num_injured"]):
            print(f"{row['incident_id']}: gold {row['num_killed']}/{row['num_injured']} "
                  f"ours {killed}/{injured} {docs[0].get('title')}", file=sys.stderr)
    n = max(1, len(rows))
    return {"task": "gva", "split": split or "all", "n": len(rows),
            "killed_exact": round(killed_ok / n, 4),
            "injured_exact": round(injured_ok / n, 4),
            "casualty_precision": round(said_pos_ok / max(1, said_pos), 4), **timer.figures()}


def _smartdata_docs(path: Path) -> Iterator[dict[str, Any]]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        raw = handle.read()
    decoder = json.JSONDecoder()
    i = 0
    while i < len(raw):
        while i < len(raw) and raw[i].isspace():
            i += 1
        if i >= len(raw):
            break
        obj, i = decoder.raw_decode(raw, i)
        yield obj


def _spans(event: dict[str, Any]) -> list[tuple[int, int]]:
    """The evidence spans of every mention of the event (its evidence when it has none)."""
    mentions = event.get("mentions") or [event]
    return [(m["evidence"]["start"], m["evidence"]["end"]) for m in mentions]


def eval_smartdata(path: Path, limit: int | None, verbose: bool) -> dict[str, Any]:
    docs = list(_smartdata_docs(path))
    docs = docs[:limit] if limit else docs
    wanted = {"Accident": "ACCIDENT", "Disaster": "ACCIDENT", "Strike": "PROTEST"}
    nlp = _nlp("de")
    timer = Timer()
    texts = [((d.get("text") or {}).get("string") or "", 0) for d in docs]
    results = timer.run(nlp, texts, "de", [d["id"] for d in docs],
                        [(d.get("date") or {}).get("string") for d in docs])
    tp_pred = n_pred = tp_gold = n_gold = 0
    roles = {"actor": ("striker", "union"), "recipient": ("company",),
             "location": ("location",)}
    arg_n = dict.fromkeys(roles, 0)
    arg_ok = dict.fromkeys(roles, 0)
    for doc, events in zip(docs, results, strict=True):
        text = texts[docs.index(doc)][0]
        for rel in ((doc.get("relationMentions") or {}).get("array") or []):
            if rel["name"] not in wanted:
                continue
            span = rel["span"]
            event = next((e for e in events if e["type"] == wanted[rel["name"]]
                          and any(a < span["end"] and span["start"] < b
                                  for a, b in _spans(e))), None)
            if event is None:
                continue
            args = (rel.get("args") or {}).get("array") or []
            for kind, names in roles.items():
                gold_words = [_words(text[a["conceptMention"]["span"]["start"]:
                                          a["conceptMention"]["span"]["end"]])
                              for a in args if a.get("role") in names]
                if not gold_words:
                    continue
                arg_n[kind] += 1
                if kind == "location":
                    ours = [event["location"]] if event.get("location") else []
                else:
                    ours = event["actors" if kind == "actor" else "recipients"]
                arg_ok[kind] += any(_words(o.get("name")) & g for o in ours for g in gold_words)
    for doc, events in zip(docs, results, strict=True):
        gold = [(wanted[r["name"]], r["span"]["start"], r["span"]["end"])
                for r in ((doc.get("relationMentions") or {}).get("array") or [])
                if r["name"] in wanted]
        # One predicted event may have several mentions (evidence spans).
        preds = [(e["type"], _spans(e)) for e in events
                 if e["type"] == "ACCIDENT" or (e["type"] == "PROTEST" and e["mode"] == "strike")]
        n_gold += len(gold)
        n_pred += len(preds)

        def overlaps(p: tuple[str, list[tuple[int, int]]], g: tuple[str, int, int]) -> bool:
            return p[0] == g[0] and any(a < g[2] and g[1] < b for a, b in p[1])

        tp_gold += sum(any(overlaps(p, g) for p in preds) for g in gold)
        hits = [any(overlaps(p, g) for g in gold) for p in preds]
        tp_pred += sum(hits)
        if verbose:
            text = texts[docs.index(doc)][0]
            for p, ok in zip(preds, hits, strict=True):
                if not ok:
                    a, b = p[1][0]
                    print(f"FP {p[0]}: {text[a:b][:140]!r}", file=sys.stderr)
            for g in gold:
                if not any(overlaps(p, g) for p in preds):
                    print(f"FN {g[0]}: {text[g[1]:g[2]][:140]!r}", file=sys.stderr)
    arguments: dict[str, float] = {}
    for kind in roles:
        arguments[f"{kind}_n"] = arg_n[kind]
        arguments[f"{kind}_accuracy"] = round(arg_ok[kind] / max(1, arg_n[kind]), 4)
        print(f"{kind:10} accuracy {arguments[f'{kind}_accuracy']:.3f} (n={arg_n[kind]})")
    return {"task": "smartdata", "n_docs": len(docs), "gold": n_gold, "predicted": n_pred,
            "precision": round(tp_pred / max(1, n_pred), 4),
            "recall": round(tp_gold / max(1, n_gold), 4), **arguments, **timer.figures()}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--plover", type=Path)
    group.add_argument("--gva", type=Path)
    group.add_argument("--smartdata", type=Path)
    parser.add_argument("--limit", type=int)
    parser.add_argument("--split", choices=["even", "odd"],
                        help="PLOVER sentences / GVA incidents: half to score (after --limit)")
    parser.add_argument("-v", "--verbose", action="store_true", help="errors to stderr")
    parser.add_argument("--repeat", type=int, default=1,
                        help="time the coder as the best of N passes over each batch")
    args = parser.parse_args(argv)
    Timer.repeat = max(1, args.repeat)
    if args.plover:
        result = eval_plover(args.plover, args.limit, args.split, args.verbose)
    elif args.gva:
        result = eval_gva(args.gva, args.limit, args.split, args.verbose)
    else:
        result = eval_smartdata(args.smartdata, args.limit, args.verbose)
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
