"""Near-duplicate detection across story ids: MinHash + LSH candidates, exact Jaccard check.

One index per deployment (a single ordered stage): the first article seen starts a
story; a later article whose 5-word-shingle Jaccard with an indexed one reaches the
threshold joins that story. LSH is tuned well below the threshold (16 bands of 4
rows catch a 0.8-similar pair with probability 0.9998) and every candidate is
checked exactly on the stored shingle hashes, so precision does not depend on luck.
Entries leave the index after ``window_s`` seconds of event time or when it holds
``max_items``, whichever comes first, so memory stays bounded.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import OrderedDict
from dataclasses import dataclass

import numpy as np
from rensa import RMinHash, RMinHashLSH

_WORD = re.compile(r"\w+")
NUM_PERM = 64
NUM_BANDS = 16
SEED = 1987


def tokens(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def shingles(text: str, k: int = 5) -> list[str]:
    """Distinct k-word shingles; a text shorter than k words is one shingle."""
    words = tokens(text)
    if len(words) < k:
        return [" ".join(words)] if words else []
    return list(dict.fromkeys(" ".join(words[i:i + k]) for i in range(len(words) - k + 1)))


def shingle_hashes(items: list[str]) -> np.ndarray:
    """Sorted distinct 32-bit hashes: what the exact check compares (4 bytes a shingle)."""
    hashed = np.fromiter((zlib.crc32(s.encode("utf-8")) for s in items), dtype=np.uint32,
                         count=len(items))
    return np.unique(hashed)


def jaccard(a: np.ndarray, b: np.ndarray) -> float:
    if a.size == 0 or b.size == 0:
        return 0.0
    inter = np.intersect1d(a, b, assume_unique=True).size
    return inter / (a.size + b.size - inter)


def new_story_id(article_id: str) -> str:
    """Deterministic, so a replay after a crash gives the same story ids."""
    return "story:" + hashlib.blake2b(article_id.encode("utf-8"), digest_size=10).hexdigest()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What the index needs of an article; computed off the event loop."""

    hashes: np.ndarray
    minhash: RMinHash


def fingerprint(text: str, k: int = 5) -> Fingerprint:
    items = shingles(text, k)
    minhash = RMinHash(NUM_PERM, SEED)
    if items:
        minhash.update(items)
    return Fingerprint(shingle_hashes(items), minhash)


@dataclass(frozen=True, slots=True)
class Match:
    story_id: str
    duplicate_of: str | None  # the story's first article, for a copy
    similarity: float | None  # exact Jaccard with ``matched_id``
    is_duplicate: bool
    matched_id: str | None = None  # the indexed article this one was found similar to


@dataclass(slots=True)
class _Entry:
    article_id: str
    story_id: str
    root_id: str
    hashes: np.ndarray
    seen_at: float


class NearDuplicateIndex:
    def __init__(self, threshold: float = 0.8, window_s: float | None = 72 * 3600,
                 max_items: int = 1_000_000) -> None:
        if not 0 < threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.window_s = window_s
        self.max_items = max_items
        self._lsh = RMinHashLSH(threshold, NUM_PERM, NUM_BANDS)
        self._entries: dict[int, _Entry] = {}
        self._by_article: dict[str, int] = {}
        self._order: OrderedDict[int, float] = OrderedDict()  # insertion (event-time) order
        self._next_key = 0

    def __len__(self) -> int:
        return len(self._entries)

    def story_of(self, article_id: str) -> str | None:
        key = self._by_article.get(article_id)
        return self._entries[key].story_id if key is not None else None

    def assign_story(self, article_id: str, story_id: str) -> None:
        """Move an indexed article (and copies that join it later) to another story."""
        key = self._by_article.get(article_id)
        if key is not None:
            entry = self._entries[key]
            entry.story_id = story_id

    def forget(self, article_id: str) -> str | None:
        """Drop a killed article from the index; returns the story it belonged to."""
        key = self._by_article.get(article_id)
        if key is None:
            return None
        story_id = self._entries[key].story_id
        self._remove(key)
        return story_id

    def observe(self, article_id: str, fp: Fingerprint, seen_at: float) -> Match:
        """Classify an article and index it. A new version of an indexed article id
        replaces its entry and keeps its story."""
        self.evict(seen_at)
        previous = self._by_article.get(article_id)
        if previous is not None:
            entry = self._entries[previous]
            self._remove(previous)
            self._insert(article_id, entry.story_id, entry.root_id, fp, seen_at)
            return Match(entry.story_id, entry.root_id if entry.root_id != article_id else None,
                         None, entry.root_id != article_id)
        best = self._best_match(fp)
        if best is None:
            story_id = new_story_id(article_id)
            self._insert(article_id, story_id, article_id, fp, seen_at)
            return Match(story_id, None, None, False)
        entry, similarity = best
        self._insert(article_id, entry.story_id, entry.root_id, fp, seen_at)
        return Match(entry.story_id, entry.root_id, round(similarity, 4), True,
                     entry.article_id)

    def _best_match(self, fp: Fingerprint) -> tuple[_Entry, float] | None:
        if fp.hashes.size == 0:
            return None
        best: tuple[_Entry, float] | None = None
        # Ascending keys with a strict ">": ties go to the earliest-indexed entry.
        for key in sorted(self._lsh.query(fp.minhash)):
            entry = self._entries.get(key)
            if entry is None:
                continue
            similarity = jaccard(fp.hashes, entry.hashes)
            if similarity >= self.threshold and (best is None or similarity > best[1]):
                best = (entry, similarity)
        return best

    def _insert(self, article_id: str, story_id: str, root_id: str, fp: Fingerprint,
                seen_at: float) -> None:
        key = self._next_key
        self._next_key += 1
        self._entries[key] = _Entry(article_id, story_id, root_id, fp.hashes, seen_at)
        self._by_article[article_id] = key
        self._order[key] = seen_at
        if fp.hashes.size:
            self._lsh.insert(key, fp.minhash)
        while len(self._entries) > self.max_items:
            self._remove(next(iter(self._order)))

    def _remove(self, key: int) -> None:
        entry = self._entries.pop(key)
        self._order.pop(key, None)
        if self._by_article.get(entry.article_id) == key:
            del self._by_article[entry.article_id]
        if entry.hashes.size:
            self._lsh.remove(key)

    def evict(self, now: float) -> int:
        """Drop entries older than the window; returns how many went."""
        if self.window_s is None:
            return 0
        horizon = now - self.window_s
        gone = 0
        while self._order:
            key, seen_at = next(iter(self._order.items()))
            if seen_at >= horizon:
                break
            self._remove(key)
            gone += 1
        return gone
