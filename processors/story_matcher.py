"""One decision per article for the near-duplicate stage: copy, correction of another
story id, or a story of its own. Used by the stream and by bench/eval_dedup.py alike.

Given a store, both indexes keep their entries in it: the near-duplicate index directly,
the correction linker (in memory) as a copy under "c:" keys, updated after each article
(evictions as deletes), so ``rebuild`` brings both back after a restart and the stream
can mirror the store to a changelog topic (``streams/kafka/index_changelog.py``).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from dataclasses import dataclass

from wirestream.processors.corrections import CorrectionLinker
from wirestream.processors.near_duplicates import Fingerprint, NearDuplicateIndex

# Outside the near-duplicate index's "k:" and "a:" key spaces.
_CORRECTION_PREFIX = b"c:"


def _correction_key(key: int) -> bytes:
    return _CORRECTION_PREFIX + key.to_bytes(8, "big")


@dataclass(frozen=True, slots=True)
class StoryMatch:
    story_id: str
    is_duplicate: bool
    duplicate_of: str | None = None  # a copy: the story's first article
    similarity: float | None = None
    matched_id: str | None = None  # the article the copy was found similar to
    corrects: str | None = None  # a correction under a new id: the article it corrects


class StoryMatcher:
    def __init__(self, threshold: float = 0.8, window_s: float | None = 72 * 3600,
                 max_items: int = 1_000_000,
                 correction_window_s: float | None = 72 * 3600,
                 correction_max_items: int = 100_000,
                 store: MutableMapping[bytes, bytes] | None = None) -> None:
        self.index = NearDuplicateIndex(threshold, window_s, max_items, store)
        # Corrections follow their original within hours: a short window keeps a
        # headline like "GENERAL INSTRUMENT CORP 4TH QTR" from matching last month's,
        # and the headline index (in memory, copied to the store) stays small.
        self._store = store
        self.corrections = CorrectionLinker(correction_window_s, correction_max_items,
                                            journal=store is not None)

    def observe(self, article_id: str, headline: str, fp: Fingerprint, seen_at: float,
                is_correction: bool) -> StoryMatch:
        known = self.index.story_of(article_id) is not None
        match = self.index.observe(article_id, fp, seen_at)
        result = StoryMatch(match.story_id, match.is_duplicate, match.duplicate_of,
                            match.similarity, match.matched_id)
        if is_correction and not known and not match.is_duplicate:
            link = self.corrections.find(article_id, headline, fp.hashes, seen_at)
            if link is not None:
                self.index.assign_story(article_id, link.story_id)
                result = StoryMatch(link.story_id, False, corrects=link.article_id,
                                    similarity=link.similarity)
        if not known:
            self.corrections.remember(article_id, result.story_id, headline, fp.hashes,
                                      seen_at)
        self._save_corrections()
        return result

    def rebuild(self) -> int:
        """Bring both indexes back from the store (after a restart or a partition move);
        returns the near-duplicate index's count."""
        count = self.index.rebuild()
        if self._store is not None:
            keys = [bytes(k) for k in list(self._store.keys())
                    if bytes(k).startswith(_CORRECTION_PREFIX)]
            self.corrections.restore(
                (int.from_bytes(k[len(_CORRECTION_PREFIX):], "big"), self._store[k])
                for k in keys)
            self._save_corrections()  # entries over max_items leave the store too
        return count

    def _save_corrections(self) -> None:
        if self._store is None:
            return
        for key, data in self.corrections.take_changes():
            store_key = _correction_key(key)
            if data is not None:
                self._store[store_key] = data
            elif store_key in self._store:
                del self._store[store_key]

    def forget(self, article_id: str) -> str | None:
        return self.index.forget(article_id)
