"""Replay plans: real articles with redeliveries, updates and near-duplicate copies mixed
in, and the dedup verdict each (story id, version) must come out with."""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from aiokafka.partitioner import murmur2

from tests.scenarios.corpora import mixed_articles
from wirestream.processors.formats import parse_raw
from wirestream.processors.near_duplicates import NearDuplicateIndex, fingerprint
from wirestream.processors.versions import is_correction
from wirestream.streams.kafka.kafka_io import OutMessage

MIN_WORDS = 80  # updates and copies stay above the 0.8 Jaccard threshold of their original
Key = tuple[str, int]  # (story id, version)


@dataclass
class ReplayPlan:
    """Messages for the raw topic and what each (id, version) must come out as."""

    messages: list[OutMessage]
    expected: dict[Key, tuple[str, str | None]]  # -> (verdict, duplicate_of)
    kinds: Counter[str] = field(default_factory=Counter)

    @property
    def ids(self) -> set[str]:
        return {story for story, _ in self.expected}


def corpus(n: int) -> list[dict[str, Any]]:
    """Enough real articles for a plan of n messages."""
    # Some slack for the corpus's own near-duplicates, which are dropped.
    return mixed_articles(int(n * 1.3) + 50)


def partition_of(key: bytes, partitions: int) -> int:
    """The producer's default partitioner (murmur2), as aiokafka and Java clients do it."""
    return (murmur2(key) & 0x7FFFFFFF) % partitions


def distinct_articles(articles: Iterable[dict[str, Any]], threshold: float = 0.8
                      ) -> list[dict[str, Any]]:
    """Drop the corpus's own near-duplicates: their verdicts would depend on which of two
    partitions the pipeline happens to read first, and the scenarios compare verdicts."""
    index = NearDuplicateIndex(threshold=threshold, window_s=None)
    kept = []
    for article in articles:
        text = f"{article['headline']}\n{article['body']}"
        if not index.observe(str(article["id"]), fingerprint(text), 0).is_duplicate:
            kept.append(article)
    return kept


def copy_id(original: str, partitions: int) -> str:
    """A new story id on the original's partition: raw, canonical and the versions stage
    keep per-partition order, so the copy reaches the one-partition near-duplicate stage
    after its original in every run, and "first seen" is the same in every run."""
    target = partition_of(original.encode(), partitions)
    for n in range(10_000):
        candidate = f"copy{n}:{original}"
        if partition_of(candidate.encode(), partitions) == target:
            return candidate
    raise AssertionError("no copy id found")  # pragma: no cover - 4 partitions: ~4 tries


def version_verdict(doc: dict[str, Any]) -> str:
    """What the versions stage calls a first or higher version of this document (Reuters
    has "CORRECTED - ..." stories: corrections from their first version on)."""
    article = parse_raw(json.dumps(doc).encode())
    if is_correction(article):
        return "correction"
    return "new" if article.version == 1 else "update"


def build_replay(articles: list[dict[str, Any]], n: int, seed: int, partitions: int,
                 shares: tuple[float, float, float] = (0.1, 0.1, 0.1)) -> ReplayPlan:
    """n messages: originals, then redeliveries, updates (version 2) and near-duplicate
    copies (new id, same text plus a credit line) of earlier originals, shuffled in at a
    random distance after their original."""
    rng = random.Random(seed)
    n_extra = [int(n * share) for share in shares]
    n_orig = n - sum(n_extra)
    pool = [a for a in distinct_articles(articles)]
    if len(pool) < n_orig:
        raise SystemExit(f"only {len(pool)} distinct articles for {n_orig} originals")
    originals = pool[:n_orig]
    long_ones = [a for a in originals if len(str(a["body"]).split()) >= MIN_WORDS]
    expected: dict[Key, tuple[str, str | None]] = {}
    kinds: Counter[str] = Counter()
    dependents: dict[str, list[tuple[str, dict[str, Any]]]] = {}

    def add(after: dict[str, Any], kind: str, doc: dict[str, Any]) -> None:
        dependents.setdefault(str(after["id"]), []).append((kind, doc))

    for article in rng.sample(originals, min(n_extra[0], len(originals))):
        add(article, "redelivery", dict(article))
    for article in rng.sample(long_ones, min(n_extra[1], len(long_ones))):
        add(article, "update", {**article, "version": 2,
                                "body": f"{article['body']} This story was updated."})
    for article in rng.choices(long_ones, k=n_extra[2]):
        copy = {**article, "id": copy_id(str(article["id"]), partitions),
                "provider": "Other Wire", "body": f"{article['body']} (Other Wire report)"}
        add(article, "copy", copy)

    sequence: list[tuple[str, dict[str, Any]]] = []
    waiting: list[tuple[int, str, dict[str, Any]]] = []  # (due step, kind, doc)
    for step, article in enumerate(originals):
        sequence.append(("original", article))
        for kind, doc in dependents.get(str(article["id"]), []):
            waiting.append((step + rng.randint(1, 60), kind, doc))
        waiting.sort(key=lambda item: item[0])
        while waiting and waiting[0][0] <= step:
            _, kind, doc = waiting.pop(0)
            sequence.append((kind, doc))
    sequence.extend((kind, doc) for _, kind, doc in waiting)

    messages = []
    for kind, doc in sequence:
        kinds[kind] += 1
        story, version = str(doc["id"]), int(doc.get("version") or 1)
        if kind in {"original", "update"}:
            expected[(story, version)] = (version_verdict(doc), None)
        elif kind == "copy":
            original = story.split(":", 1)[1]
            expected[(story, version)] = ("duplicate", original)
        messages.append(OutMessage(story.encode(), json.dumps(doc).encode()))
    return ReplayPlan(messages, expected, kinds)
