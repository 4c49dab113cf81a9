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
from datetime import UTC, datetime
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wirestream.processors.near_duplicates import fingerprint
from wirestream.processors.story_matcher import StoryMatcher
from wirestream.processors.versions import looks_like_correction


def event_time(value: object, position: int) -> float:
    """Seconds for the time window: the record's date (ISO 8601 or Reuters'
    "26-FEB-1987 15:01:01.79") when it has one, else its position in the file."""
    if isinstance(value, str) and value.strip():
        for parse in (lambda v: datetime.fromisoformat(v.replace("Z", "+00:00")),
                      lambda v: datetime.strptime(v.strip(), "%d-%b-%Y %H:%M:%S.%f")):
            try:
                parsed = parse(value)
            except ValueError:
                continue
            return parsed.replace(tzinfo=parsed.tzinfo or UTC).timestamp()
    return float(position)


def read_corpus(path: Path, id_field: str, text_fields: list[str], time_field: str = "date"
                ) -> list[tuple[str, str, str, float]]:
    """(id, headline = first text field, text, event time) per record."""
    docs: list[tuple[str, str, str, float]] = []
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            if not line.strip():
                continue
            record = json.loads(line)
            parts = [str(record.get(f) or "") for f in text_fields]
            text = "\n".join(parts) if any(parts) else str(record.get("text") or "")
            docs.append((str(record[id_field]), parts[0], text,
                         event_time(record.get(time_field), len(docs))))
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
    parser.add_argument("--time-field", default="date",
                        help="record field with the article's time (else file position)")
    parser.add_argument("--correction-window-h", type=float, default=72.0)
    parser.add_argument("--corrections", type=Path,
                        help="JSON list of {corrected_newid, original_newid_guess}: score the "
                             "links from corrections to the stories they correct")
    args = parser.parse_args()
    for path in (args.corpus, args.pairs, *([args.corrections] if args.corrections else [])):
        if not path.is_file():
            sys.exit(f"error: {path} is not a readable file")
    docs = read_corpus(args.corpus, args.id_field, args.text_fields.split(","),
                       args.time_field)
    key = read_pairs(args.pairs)
    gold = {pair for pair, j in key.items() if j >= args.min_jaccard}

    matcher = StoryMatcher(threshold=args.min_jaccard, window_s=None, max_items=10**9,
                           correction_window_s=args.correction_window_h * 3600)
    story: dict[str, str] = {}
    links: list[frozenset[str]] = []
    correction_links: dict[str, str] = {}
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    started = time.perf_counter()
    for doc_id, headline, text, seen_at in docs:
        match = matcher.observe(doc_id, headline, fingerprint(text), seen_at,
                                looks_like_correction(headline))
        story[doc_id] = match.story_id
        if match.is_duplicate and match.matched_id:
            links.append(frozenset((doc_id, match.matched_id)))
        if match.corrects:
            correction_links[doc_id] = match.corrects
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
    if args.corrections:
        result.update(score_corrections(json.loads(args.corrections.read_text()), story,
                                        correction_links))
        print(f"corrections linked to the story they correct: {result['corrections_linked']}"
              f" of {result['corrections']}; links to anything else: "
              f"{result['correction_false_links']}")
    print(json.dumps(result))


def score_corrections(expected: list[dict[str, int]], story: dict[str, str],
                      links: dict[str, str]) -> dict[str, int]:
    """A correction counts as linked when it ends up in its original's story (as a
    correction or a copy); a correction link to any other article is a false link."""
    pairs = {str(e["corrected_newid"]): str(e["original_newid_guess"]) for e in expected}
    linked = sum(1 for new, old in pairs.items() if story.get(new) == story.get(old))
    false_links = sum(1 for new, old in links.items() if pairs.get(new) != old
                      and story.get(old) != story.get(pairs.get(new, "")))
    return {"corrections": len(pairs), "corrections_linked": linked,
            "correction_links": len(links), "correction_false_links": false_links}


if __name__ == "__main__":
    main()
