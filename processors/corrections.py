"""Linking a correction that arrives under a new story id to the story it corrects.

Wire services often send a correction as a new item ("CORRECTED - GM SEES RISE IN
EUROPEAN SALES") whose text differs from the original exactly where it matters,
so shingle similarity alone rarely links them. Only articles that signal a
correction are matched here, against recent articles, on what corrections keep:
the headline's words (tickers included) and most of the body.
"""

from __future__ import annotations

import re
import struct
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from wirestream.processors.near_duplicates import pack_entry, tokens, unpack_entry

_PREFIX = re.compile(
    r"^\W*(corrected|correction|korrektur|berichtigung|rectificatif|correcci[oó]n)\W*",
    re.IGNORECASE)
# Words that say little about which story a headline is about.
_STOPWORDS = frozenset({
    "a", "an", "the", "to", "of", "in", "on", "for", "and", "or", "by", "with", "at", "from",
    "as", "is", "are", "be", "vs", "its", "it", "new", "der", "die", "das", "den", "dem",
    "des", "ein", "eine", "und", "oder", "mit", "von", "zu", "im", "am", "auf", "für", "bei",
    "nach", "le", "la", "les", "de", "du", "et", "un", "une", "en", "au", "aux", "pour", "sur",
    "el", "los", "las", "del", "y", "con", "por",
})


def headline_words(headline: str) -> frozenset[str]:
    return frozenset(w for w in tokens(_PREFIX.sub("", headline)) if w not in _STOPWORDS)


def _jaccard(a: frozenset[str], b: frozenset[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Share of the smaller shingle set found in the other."""
    if a.size == 0 or b.size == 0:
        return 0.0
    return np.intersect1d(a, b, assume_unique=True).size / min(a.size, b.size)


@dataclass(frozen=True, slots=True)
class CorrectionLink:
    article_id: str  # the article being corrected
    story_id: str
    score: float  # what ranks candidates: the closer of headline and body counts most
    similarity: float  # the closer of the two alone, 0..1 (the record's ``similarity``)


@dataclass(slots=True)
class _Entry:
    article_id: str
    story_id: str
    words: frozenset[str]
    hashes: np.ndarray
    seen_at: float

    _HEAD = struct.Struct("<dIII")

    def pack(self) -> bytes:
        # Headline words are runs of \w, so a space separates them unambiguously.
        return pack_entry(self._HEAD, self.seen_at,
                          (self.article_id, self.story_id, " ".join(sorted(self.words))),
                          self.hashes)

    @classmethod
    def unpack(cls, data: bytes) -> _Entry:
        seen_at, (article, story, words), hashes = unpack_entry(cls._HEAD, data)
        return cls(article, story, frozenset(words.split()), hashes, seen_at)


class CorrectionLinker:
    """Recent articles by headline word, in memory. With ``journal=True`` every change is
    also listed for ``take_changes`` (key, exported entry; None when the entry left), so a
    caller can keep a copy elsewhere and bring the linker back with ``restore``."""

    # A headline sharing half its words, or a body mostly contained in the other
    # with some headline overlap, identifies the story on the Reuters set; see
    # bench/eval_dedup.py --corrections for the figures.
    MIN_HEADLINE = 0.5
    MIN_BODY = 0.6
    MIN_HEADLINE_WITH_BODY = 0.2

    def __init__(self, window_s: float | None = 72 * 3600, max_items: int = 1_000_000,
                 journal: bool = False) -> None:
        self.window_s = window_s
        self.max_items = max_items
        self._entries: OrderedDict[int, _Entry] = OrderedDict()
        self._by_word: dict[str, set[int]] = {}
        self._next = 0
        self._journal: list[tuple[int, bytes | None]] | None = [] if journal else None

    def __len__(self) -> int:
        return len(self._entries)

    def remember(self, article_id: str, story_id: str, headline: str, hashes: np.ndarray,
                 seen_at: float) -> int:
        """Index an article; returns its entry's key (keys grow with each entry)."""
        self._evict(seen_at)
        key = self._next
        self._next += 1
        self._add(key, _Entry(article_id, story_id, headline_words(headline), hashes, seen_at))
        if self._journal is not None:
            self._journal.append((key, self.export(key)))
        self._enforce_max_items()
        return key

    def export(self, key: int) -> bytes:
        """One entry as bytes, for ``restore``; KeyError when it is not (or no longer) held."""
        return self._entries[key].pack()

    def restore(self, entries: Iterable[tuple[int, bytes]]) -> int:
        """Replace the linker's entries with exported ones (key, bytes), in any order;
        returns how many are held. ``max_items`` holds at once (the oldest go, journaled);
        the window holds from the next ``find`` or ``remember``, which evict by event time."""
        self._entries.clear()
        self._by_word.clear()
        for key, data in sorted(entries, key=lambda item: item[0]):
            self._add(key, _Entry.unpack(data))
        self._next = max(self._entries, default=-1) + 1
        self._enforce_max_items()
        return len(self._entries)

    def take_changes(self) -> list[tuple[int, bytes | None]]:
        """The changes since the last call, oldest first: (key, exported entry), or
        (key, None) for an entry that left. Empty unless made with ``journal=True``."""
        if self._journal is None:
            return []
        changes, self._journal = self._journal, []
        return changes

    def _add(self, key: int, entry: _Entry) -> None:
        self._entries[key] = entry
        for word in entry.words:
            self._by_word.setdefault(word, set()).add(key)

    def _enforce_max_items(self) -> None:
        while len(self._entries) > self.max_items:
            self._drop(next(iter(self._entries)))

    def find(self, article_id: str, headline: str, hashes: np.ndarray, seen_at: float
             ) -> CorrectionLink | None:
        """The recent article this correction most likely corrects, if any is close enough."""
        self._evict(seen_at)
        words = headline_words(headline)
        candidates: set[int] = set()
        for word in words:
            candidates |= self._by_word.get(word, set())
        best: tuple[float, int, _Entry, float] | None = None
        for key in candidates:
            entry = self._entries[key]
            if entry.article_id == article_id:
                continue
            title = _jaccard(words, entry.words)
            body = containment(hashes, entry.hashes)
            if not (title >= self.MIN_HEADLINE
                    or (body >= self.MIN_BODY and title >= self.MIN_HEADLINE_WITH_BODY)):
                continue
            score = max(title, body) + 0.5 * min(title, body)
            # Higher score wins; on a tie the more recent article (a correction follows
            # its original closely).
            if best is None or (score, key) > (best[0], best[1]):
                best = (score, key, entry, max(title, body))
        if best is None:
            return None
        return CorrectionLink(best[2].article_id, best[2].story_id, round(best[0], 4),
                              round(best[3], 4))

    def _drop(self, key: int) -> None:
        entry = self._entries.pop(key)
        if self._journal is not None:
            self._journal.append((key, None))
        for word in entry.words:
            keys = self._by_word.get(word)
            if keys is not None:
                keys.discard(key)
                if not keys:
                    del self._by_word[word]

    def _evict(self, now: float) -> None:
        if self.window_s is None:
            return
        horizon = now - self.window_s
        while self._entries:
            key, entry = next(iter(self._entries.items()))
            if entry.seen_at >= horizon:
                break
            self._drop(key)
