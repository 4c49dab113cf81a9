"""Near-duplicate quality and speed of the dedup processors against an answer key.

    python bench/eval_dedup.py \\
        --corpus ../shared/data/corpora/reuters21578/reuters21578.jsonl \\
        --pairs ../shared/data/corpora/reuters21578/reuters21578_title_body.pairs_ge_0.5.tsv \\
        --id-field newid --text-fields title,body --min-jaccard 0.8

Replays the corpus in file order through the same code the stream uses (fingerprint
+ NearDuplicateIndex, no time window), then scores: a gold pair (Jaccard >=
--min-jaccard in the key) is found when both ids end up in the same story; a link
the index made is correct when its pair is in the key at or above --min-jaccard.
The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from processors.near_duplicates import NearDuplicateIndex, fingerprint


def read_corpus(path: Path, id_field: str, text_fields: list[str]) -> list[tuple[str, str]]:
    docs: list[tuple[str, str]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            parts = [str(record.get(f) or "") for f in text_fields]
            text = "\n".join(parts) if any(parts) else str(record.get("text") or "")
            docs.append((str(record[id_field]), text))
    return docs


def read_pairs(path: Path) -> dict[frozenset[str], float]:
    pairs: dict[frozenset[str], float] = {}
    with path.open(encoding="utf-8") as lines:
        header = next(lines).rstrip("\n").split("\t")
        ia, ib, ij = header.index("id_a"), header.index("id_b"), header.index("jaccard_5shingle")
        for line in lines:
            cols = line.rstrip("\n").split("\t")
            pairs[frozenset((cols[ia], cols[ib]))] = float(cols[ij])
    return pairs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, required=True)
    parser.add_argument("--pairs", type=Path, required=True)
    parser.add_argument("--min-jaccard", type=float, default=0.8)
    parser.add_argument("--id-field", default="id")
    parser.add_argument("--text-fields", default="title,body")
    args = parser.parse_args()
    for path in (args.corpus, args.pairs):
        if not path.is_file():
            sys.exit(f"error: {path} is not a readable file")
    docs = read_corpus(args.corpus, args.id_field, args.text_fields.split(","))
    key = read_pairs(args.pairs)
    gold = {pair for pair, j in key.items() if j >= args.min_jaccard}

    index = NearDuplicateIndex(threshold=args.min_jaccard, window_s=None, max_items=10**9)
    story: dict[str, str] = {}
    links: list[frozenset[str]] = []
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    for position, (doc_id, text) in enumerate(docs):
        match = index.observe(doc_id, fingerprint(text), float(position))
        story[doc_id] = match.story_id
        if match.is_duplicate and match.matched_id:
            links.append(frozenset((doc_id, match.matched_id)))
    seconds = time.perf_counter() - started
    # Growth of peak RSS while indexing: includes the Rust LSH tables (KiB on Linux).
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - rss_before) * 1024

    members: dict[str, list[str]] = defaultdict(list)
    for doc_id, story_id in story.items():
        members[story_id].append(doc_id)
    same_story = {frozenset(p) for ids in members.values() if len(ids) > 1
                  for p in combinations(ids, 2)}
    found = gold & same_story
    correct_links = [link for link in links if key.get(link, 0.0) >= args.min_jaccard]
    precision = len(correct_links) / len(links) if links else 1.0
    recall = len(found) / len(gold) if gold else 1.0
    result = {
        "precision": round(precision, 4), "recall": round(recall, 4),
        "pairs_gold": len(gold), "pairs_found": len(found), "links": len(links),
        "same_story_pairs": len(same_story),
        "articles": len(docs), "articles_per_s": round(len(docs) / seconds),
        "index_rss_mb": round(grown / 2**20, 1),
        "bytes_per_article": round(grown / max(1, len(docs))),
    }
    print(f"articles {len(docs)} in {seconds:.2f}s = {result['articles_per_s']} articles/s "
          "(one core, fingerprint + index)")
    print(f"gold pairs (J >= {args.min_jaccard}): {len(gold)}; found in one story: {len(found)}"
          f"; recall {recall:.4f}")
    print(f"links made: {len(links)}; correct: {len(correct_links)}; precision {precision:.4f}")
    print(f"index memory (peak RSS growth) {result['index_rss_mb']} MB "
          f"({result['bytes_per_article']} bytes/article)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
