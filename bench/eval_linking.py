"""Entity linking and geocoding on real articles: coverage, cost, and a sheet to hand-check.

    python bench/eval_linking.py [--n 200] [--seed 0] [--review review.tsv]
    python bench/eval_linking.py --judged judged.tsv

Samples n articles (half English Reuters, half German 10kGNAD; a seeded random sample),
runs each language's configured pipeline with the news-name layer, then the linker, and
prints:

- the share of PER/ORG/LOC mentions that get an identifier (by label and by source),
- linking time as a share of spaCy time (the issue's budget is 10%),
- with ``--review``: one row per linked place/country (and person/organisation) with the
  text around its first mention, to be judged by hand: fill the ``verdict`` column with
  ``ok`` or ``wrong``.

``--judged FILE`` reads such a filled-in sheet and prints precision per kind. The last
output line is one JSON object with every figure.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.scenarios.corpora import GNAD, REUTERS, require_shared
from wirestream.config.settings import load_settings
from wirestream.processors.entities import entities_from_doc, nlp_text
from wirestream.processors.entity_linking import link_entities, warm_up_linker
from wirestream.processors.news_names import add_news_names
from wirestream.processors.pipelines import choose_pipeline, load_pipeline

REVIEW_COLUMNS = ("article", "language", "kind", "surface_forms", "id", "name", "country",
                  "context", "verdict")


def sample_articles(n: int, seed: int) -> list[dict[str, Any]]:
    rng = random.Random(seed)
    with REUTERS.open(encoding="utf-8") as lines:
        reuters = [d for d in map(json.loads, lines) if (d.get("body") or "").strip()]
    with GNAD.open(encoding="utf-8") as lines:
        gnad = [json.loads(line) for line in lines]
    out: list[dict[str, Any]] = []
    for doc in rng.sample(reuters, n // 2):
        out.append({"id": f"reuters:{doc['newid']}", "language": "en",
                    "headline": doc.get("title") or "", "body": doc["body"],
                    "dateline": doc.get("dateline") or None})
    for doc in rng.sample(gnad, n - n // 2):
        text = str(doc["text"])
        out.append({"id": f"10kgnad:{doc['id']}", "language": "de",
                    "headline": text.split(". ")[0][:200], "body": text, "dateline": None})
    return out


def context(article: dict[str, Any], mention: dict[str, Any], width: int = 60) -> str:
    text = article[mention["field"]]
    start, end = mention["start"], mention["end"]
    snippet = f"{text[max(0, start - width):start]}[[{text[start:end]}]]{text[end:end + width]}"
    return " ".join(snippet.split())


def kind_of(entity: dict[str, Any]) -> str:
    if entity["kb"] == "iso3166":
        return "country"
    if entity["kb"] == "geonames":
        return "place"
    return entity["label"].lower()


def run(args: argparse.Namespace) -> dict[str, Any]:
    require_shared()
    settings = load_settings()
    articles = sample_articles(args.n, args.seed)
    warm_up_linker()
    nlp_seconds = link_seconds = 0.0
    mentions: Counter[str] = Counter()
    with_id: Counter[str] = Counter()
    by_source: Counter[str] = Counter()
    rows: list[dict[str, str]] = []
    for language in ("en", "de"):
        group = [a for a in articles if a["language"] == language]
        name = choose_pipeline(language, settings.models)
        if name is None:
            sys.exit(f"no pipeline installed for {language}")
        nlp = load_pipeline(name)
        add_news_names(nlp)
        texts = [nlp_text(a["headline"], a["body"]) for a in group]
        started = time.perf_counter()
        docs = list(nlp.pipe([t for t, _ in texts], batch_size=16))
        nlp_seconds += time.perf_counter() - started
        for article, doc, (_, offset) in zip(group, docs, texts, strict=True):
            started = time.perf_counter()
            linked = link_entities(entities_from_doc(doc, offset), headline=article["headline"],
                                   body=article["body"], language=language,
                                   dateline=article["dateline"])
            link_seconds += time.perf_counter() - started
            for entity in linked.entities:
                names = [m for m in entity["mentions"] if "kind" not in m]
                if entity["label"] in ("PER", "ORG", "LOC"):
                    mentions[entity["label"]] += len(names)
                    if entity["linked"]:
                        with_id[entity["label"]] += len(names)
                        by_source[entity["kb"]] += len(names)
                if entity["linked"]:
                    rows.append({
                        "article": article["id"], "language": language, "kind": kind_of(entity),
                        "surface_forms": " | ".join(entity["surface_forms"]),
                        "id": entity["id"], "name": entity["name"],
                        "country": entity["country"] or "",
                        "context": context(article, entity["mentions"][0]), "verdict": ""})
    if args.review:
        with open(args.review, "w", encoding="utf-8", newline="") as out:
            writer = csv.DictWriter(out, REVIEW_COLUMNS, delimiter="\t")
            writer.writeheader()
            writer.writerows(rows)
    total = sum(mentions.values())
    figures: dict[str, Any] = {
        "articles": len(articles),
        "mentions": dict(mentions),
        "share_with_id": round(sum(with_id.values()) / total, 4) if total else None,
        "share_with_id_by_label": {k: round(with_id[k] / v, 4) for k, v in mentions.items()},
        "mentions_by_source": dict(by_source),
        "linked_entities_by_kind": dict(Counter(r["kind"] for r in rows)),
        "nlp_seconds": round(nlp_seconds, 3),
        "link_seconds": round(link_seconds, 3),
        "link_share_of_nlp": round(link_seconds / nlp_seconds, 4) if nlp_seconds else None,
    }
    print(f"{len(articles)} articles; PER/ORG/LOC mentions with an id: "
          f"{figures['share_with_id']:.1%} {figures['share_with_id_by_label']}")
    print(f"mentions by id source: {dict(by_source)}")
    print(f"spaCy {nlp_seconds:.2f} s, linking {link_seconds:.3f} s "
          f"({figures['link_share_of_nlp']:.1%} of spaCy)")
    if args.review:
        print(f"review sheet: {args.review} ({len(rows)} linked entities)")
    return figures


def judge(path: str) -> dict[str, Any]:
    with open(path, encoding="utf-8", newline="") as sheet:
        rows = [r for r in csv.DictReader(sheet, delimiter="\t") if r.get("verdict")]
    figures: dict[str, Any] = {"judged": len(rows), "precision": {}}
    for kind in sorted({r["kind"] for r in rows}):
        judged = [r for r in rows if r["kind"] == kind]
        ok = sum(r["verdict"].strip().lower() == "ok" for r in judged)
        figures["precision"][kind] = {"ok": ok, "judged": len(judged),
                                      "precision": round(ok / len(judged), 4)}
        print(f"{kind:8} {ok}/{len(judged)} = {ok / len(judged):.3f}")
    geo = [r for r in rows if r["kind"] in ("place", "country")]
    if geo:
        ok = sum(r["verdict"].strip().lower() == "ok" for r in geo)
        figures["places_and_countries_precision"] = round(ok / len(geo), 4)
        print(f"places and countries: {ok}/{len(geo)} = {ok / len(geo):.3f}")
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--review", help="write the hand-check sheet (TSV) here")
    parser.add_argument("--judged", help="score a filled-in sheet instead of running")
    args = parser.parse_args()
    figures = judge(args.judged) if args.judged else run(args)
    print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
