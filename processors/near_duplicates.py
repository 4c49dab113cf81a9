"""Near-duplicate detection across story ids: MinHash + LSH candidates, exact Jaccard check.

One index per deployment (a single ordered stage): the first article seen starts a
story; a later article whose 5-word-shingle Jaccard with an indexed one reaches the
threshold joins that story. LSH is tuned well below the threshold (16 bands of 4
rows catch a 0.8-similar pair with probability 0.9998) and every candidate is
checked exactly on the stored shingle hashes, so precision does not depend on luck.
Entries leave the index after ``window_s`` seconds of event time or when it holds
``max_items``, whichever comes first. Only the LSH tables live in memory (under 1 KB
an article); each article's entry (ids, time, shingle hashes) is kept in a key-value
store: a dict by default, RocksDB on disk in the stream, where the index also comes
back after a restart (``rebuild``). Every change goes through the store's mapping
interface (evictions and kills as deletes), so the stream can mirror it to a changelog
topic and rebuild the index on another worker (``streams/kafka/index_changelog.py``).
"""

from __future__ import annotations

import hashlib
import re
import struct
import zlib
from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass

import numpy as np
from rensa import RMinHash, RMinHashLSH

from wirestream.processors.article import Article

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


def minhash_of(hashes: np.ndarray) -> RMinHash:
    """MinHash over the shingle hashes themselves, so it can be rebuilt from storage."""
    minhash = RMinHash(NUM_PERM, SEED)
    if hashes.size:
        minhash.update([int(h).to_bytes(4, "little") for h in hashes])
    return minhash


def article_text(article: Article) -> str:
    """What near-duplicates are judged on: the headline and the body."""
    return f"{article.headline}\n{article.body}"


def fingerprint(text: str, k: int = 5) -> Fingerprint:
    hashes = shingle_hashes(shingles(text, k))
    return Fingerprint(hashes, minhash_of(hashes))


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

    _HEAD = struct.Struct("<dHHH")

    def pack(self) -> bytes:
        return pack_entry(self._HEAD, self.seen_at,
                          (self.article_id, self.story_id, self.root_id), self.hashes)

    @classmethod
    def unpack(cls, data: bytes) -> _Entry:
        seen_at, (article, story, root), hashes = unpack_entry(cls._HEAD, data)
        return cls(article, story, root, hashes, seen_at)


def pack_entry(head: struct.Struct, seen_at: float, texts: Sequence[str],
               hashes: np.ndarray) -> bytes:
    """An index entry as bytes: ``head`` (a time, then one length per text), the texts
    in UTF-8, the shingle hashes as little-endian uint32."""
    parts = [text.encode("utf-8") for text in texts]
    return (head.pack(seen_at, *(len(part) for part in parts)) + b"".join(parts)
            + hashes.astype("<u4").tobytes())


def unpack_entry(head: struct.Struct, data: bytes) -> tuple[float, list[str], np.ndarray]:
    seen_at, *lengths = head.unpack_from(data)
    at = head.size
    texts = []
    for length in lengths:
        texts.append(data[at:at + length].decode("utf-8"))
        at += length
    return float(seen_at), texts, np.frombuffer(data, dtype="<u4", offset=at).astype(np.uint32)


def open_store(path: str) -> MutableMapping[bytes, bytes]:
    """The on-disk entry store (RocksDB), with small write buffers and block cache: reads
    are point lookups for LSH candidates, so memory is better spent elsewhere."""
    from rocksdict import BlockBasedOptions, Cache, Options, Rdict

    options = Options()
    options.create_if_missing(True)
    options.set_write_buffer_size(8 * 2**20)
    options.set_max_write_buffer_number(2)
    table = BlockBasedOptions()
    table.set_block_cache(Cache(16 * 2**20))
    options.set_block_based_table_factory(table)
    store: MutableMapping[bytes, bytes] = Rdict(path, options)  # type: ignore[assignment]
    return store  # Rdict has the mapping methods; its stubs do not say so


def _key_bytes(key: int) -> bytes:
    return b"k:" + key.to_bytes(8, "big")


def _id_bytes(article_id: str) -> bytes:
    return b"a:" + article_id.encode("utf-8")


class NearDuplicateIndex:
    def __init__(self, threshold: float = 0.8, window_s: float | None = 72 * 3600,
                 max_items: int = 1_000_000,
                 store: MutableMapping[bytes, bytes] | None = None) -> None:
        if not 0 < threshold <= 1:
            raise ValueError("threshold must be in (0, 1]")
        self.threshold = threshold
        self.window_s = window_s
        self.max_items = max_items
        self._lsh = RMinHashLSH(threshold, NUM_PERM, NUM_BANDS)
        self._store: MutableMapping[bytes, bytes] = store if store is not None else {}
        self._count = 0
        self._oldest = 0  # keys grow with insertion (event-time) order
        self._next_key = 0

    def __len__(self) -> int:
        return self._count

    def _entry(self, key: int) -> _Entry | None:
        data = self._store.get(_key_bytes(key))
        return _Entry.unpack(data) if data is not None else None

    def _key_of(self, article_id: str) -> int | None:
        data = self._store.get(_id_bytes(article_id))
        return int.from_bytes(data, "big") if data is not None else None

    def story_of(self, article_id: str) -> str | None:
        key = self._key_of(article_id)
        entry = self._entry(key) if key is not None else None
        return entry.story_id if entry is not None else None

    def rebuild(self) -> int:
        """Re-create the LSH tables from the store (after a restart); returns the count."""
        keys = sorted(int.from_bytes(k[2:], "big") for k in list(self._store.keys())
                      if bytes(k).startswith(b"k:"))
        self._lsh = RMinHashLSH(self.threshold, NUM_PERM, NUM_BANDS)
        for key in keys:
            entry = self._entry(key)
            if entry is not None and entry.hashes.size:
                self._lsh.insert(key, minhash_of(entry.hashes))
        self._count = len(keys)
        self._oldest = keys[0] if keys else 0
        self._next_key = keys[-1] + 1 if keys else 0
        return self._count

    def assign_story(self, article_id: str, story_id: str) -> None:
        """Move an indexed article (and copies that join it later) to another story."""
        key = self._key_of(article_id)
        entry = self._entry(key) if key is not None else None
        if key is not None and entry is not None:
            entry.story_id = story_id
            self._store[_key_bytes(key)] = entry.pack()

    def forget(self, article_id: str) -> str | None:
        """Drop a killed article from the index; returns the story it belonged to."""
        key = self._key_of(article_id)
        entry = self._entry(key) if key is not None else None
        if key is None or entry is None:
            return None
        self._remove(key, entry)
        return entry.story_id

    def observe(self, article_id: str, fp: Fingerprint, seen_at: float) -> Match:
        """Classify an article and index it. A new version of an indexed article id
        replaces its entry and keeps its story."""
        self.evict(seen_at)
        previous = self._key_of(article_id)
        old = self._entry(previous) if previous is not None else None
        if previous is not None and old is not None:
            self._remove(previous, old)
            self._insert(article_id, old.story_id, old.root_id, fp, seen_at)
            copy = old.root_id != article_id
            return Match(old.story_id, old.root_id if copy else None, None, copy)
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
            entry = self._entry(key)
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
        entry = _Entry(article_id, story_id, root_id, fp.hashes, seen_at)
        self._store[_key_bytes(key)] = entry.pack()
        self._store[_id_bytes(article_id)] = key.to_bytes(8, "big")
        self._count += 1
        if fp.hashes.size:
            self._lsh.insert(key, fp.minhash)
        while self._count > self.max_items:
            self._drop_oldest()

    def _remove(self, key: int, entry: _Entry) -> None:
        del self._store[_key_bytes(key)]
        if self._key_of(entry.article_id) == key:
            del self._store[_id_bytes(entry.article_id)]
        self._count -= 1
        if entry.hashes.size:
            self._lsh.remove(key)

    def _drop_oldest(self) -> None:
        while self._oldest < self._next_key:
            key = self._oldest
            self._oldest += 1
            entry = self._entry(key)
            if entry is not None:
                self._remove(key, entry)
                return

    def evict(self, now: float) -> int:
        """Drop entries older than the window; returns how many went."""
        if self.window_s is None:
            return 0
        horizon = now - self.window_s
        gone = 0
        while self._oldest < self._next_key:
            entry = self._entry(self._oldest)
            if entry is not None:
                if entry.seen_at >= horizon:
                    break
                self._remove(self._oldest, entry)
                gone += 1
            self._oldest += 1
        return gone
