"""Memory and speed of the near-duplicate state at scale.

    python bench/dedup_memory.py --n 1000000

Feeds N distinct articles built from real Reuters text (each Reuters story with a
different window of another story's words appended, so shingle sets differ like
real articles do) through StoryMatcher with no eviction and its entries in RocksDB,
as in the stream, then prints the process's resident memory growth per article
(LSH tables, the correction headline index capped at 100,000, RocksDB's caches) and
the articles/s. Last line: one JSON object.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.scenarios.corpora import REUTERS, require_shared
from wirestream.processors.near_duplicates import fingerprint, open_store
from wirestream.processors.story_matcher import StoryMatcher


def rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * resource.getpagesize() / 2**20


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    args = parser.parse_args()
    require_shared()
    stories = []
    with REUTERS.open(encoding="utf-8") as lines:
        for line in lines:
            doc = json.loads(line)
            if doc.get("body"):
                stories.append((doc["title"], doc["body"].split()))
    # As in the stream: index entries in RocksDB on disk, LSH tables in memory.
    store = open_store(tempfile.mkdtemp(prefix="wirestream-dedup-"))
    matcher = StoryMatcher(window_s=None, max_items=args.n + 1, correction_window_s=None,
                           store=store)
    before = rss_mb()
    started = time.perf_counter()
    for i in range(args.n):
        title, words = stories[i % len(stories)]
        other = stories[(i * 7919 + 13) % len(stories)][1]
        start = (i // len(stories)) % max(1, len(other) - 40)
        text = title + "\n" + " ".join(words + other[start:start + 40])
        matcher.observe(f"synthetic:{i}", title, fingerprint(text), float(i), False)
        if i and i % 200_000 == 0:
            print(f"{i:>9} articles  {rss_mb() - before:8.1f} MB", flush=True)
    seconds = time.perf_counter() - started
    grown = rss_mb() - before
    result = {"articles": args.n, "rss_growth_mb": round(grown, 1),
              "bytes_per_article": round(grown * 2**20 / args.n),
              "articles_per_s": round(args.n / seconds), "indexed": len(matcher.index)}
    print(f"{args.n} articles: +{result['rss_growth_mb']} MB resident "
          f"({result['bytes_per_article']} bytes/article), {result['articles_per_s']} "
          "articles/s on one core (fingerprint + near-duplicate index + correction index)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
