from __future__ import annotations

from wirestream.processors.near_duplicates import NearDuplicateIndex, fingerprint, jaccard, shingles

STORY = ("The Iranian president spoke with his Russian counterpart on Wednesday about the "
         "nuclear talks in Vienna, the expansion of trade and the train crash in Tabas in "
         "which at least 22 people were killed and dozens more were injured.")
OTHER = ("Swiss glaciers lost more than four percent of their remaining ice this summer, "
         "researchers said on Monday, the second worst year since measurements began in the "
         "nineteenth century.")


def test_shingles_are_five_word_windows_and_short_texts_one_shingle():
    assert shingles("a b c d e f") == ["a b c d e", "b c d e f"]
    assert shingles("Only Three Words") == ["only three words"]
    assert shingles("") == []


def test_exact_jaccard_on_hashes():
    a = fingerprint(STORY).hashes
    assert jaccard(a, a) == 1.0
    assert jaccard(a, fingerprint(OTHER).hashes) == 0.0


def test_copy_from_another_outlet_joins_the_first_story():
    index = NearDuplicateIndex(threshold=0.8)
    first = index.observe("afp:1", fingerprint(STORY), 0)
    copy = index.observe("outlet:9", fingerprint(STORY + " (Reporting by staff.)"), 10)
    other = index.observe("sda:2", fingerprint(OTHER), 20)
    assert not first.is_duplicate and first.duplicate_of is None
    assert copy.is_duplicate and copy.story_id == first.story_id
    assert copy.duplicate_of == "afp:1" and copy.matched_id == "afp:1"
    assert 0.8 <= copy.similarity < 1.0
    assert not other.is_duplicate and other.story_id != first.story_id


def test_below_threshold_is_a_new_story():
    index = NearDuplicateIndex(threshold=0.8)
    index.observe("a", fingerprint(STORY), 0)
    half = " ".join(STORY.split()[:20]) + " " + OTHER
    assert not index.observe("b", fingerprint(half), 1).is_duplicate


def test_story_ids_are_deterministic():
    one = NearDuplicateIndex().observe("afp:1", fingerprint(STORY), 0).story_id
    two = NearDuplicateIndex().observe("afp:1", fingerprint(OTHER), 99).story_id
    assert one == two


def test_new_version_of_same_id_replaces_its_entry_and_keeps_the_story():
    index = NearDuplicateIndex()
    first = index.observe("afp:1", fingerprint(STORY), 0)
    again = index.observe("afp:1", fingerprint(STORY + " Updated."), 5)
    assert again.story_id == first.story_id and not again.is_duplicate
    assert len(index) == 1


def test_window_evicts_old_entries():
    index = NearDuplicateIndex(window_s=100)
    index.observe("a", fingerprint(STORY), 0)
    late = index.observe("b", fingerprint(STORY), 500)
    assert not late.is_duplicate
    assert len(index) == 1 and index.story_of("a") is None


def test_max_items_bounds_memory():
    index = NearDuplicateIndex(window_s=None, max_items=3)
    for i in range(10):
        index.observe(f"id{i}", fingerprint(f"{i} " + OTHER.replace("ice", f"ice{i}")), i)
    assert len(index) == 3
    assert index.story_of("id0") is None and index.story_of("id9") is not None


def test_index_comes_back_from_its_store_after_a_restart(tmp_path):
    from rocksdict import Rdict

    store = Rdict(str(tmp_path / "index"))
    first = NearDuplicateIndex(store=store)
    original = first.observe("afp:1", fingerprint(STORY), 0)
    first.observe("sda:2", fingerprint(OTHER), 1)
    store.close()

    reopened = Rdict(str(tmp_path / "index"))
    again = NearDuplicateIndex(store=reopened)
    assert again.rebuild() == 2
    copy = again.observe("outlet:9", fingerprint(STORY + " (Reporting by staff.)"), 2)
    assert copy.is_duplicate and copy.story_id == original.story_id
    assert copy.duplicate_of == "afp:1"
    reopened.close()


def test_changelog_replay_rebuilds_an_index_elsewhere_with_evictions_as_tombstones():
    from wirestream.streams.kafka.index_changelog import ChangelogStore

    # Worker A's index writes through a ChangelogStore; what it queues is the changelog.
    a_store = ChangelogStore({})
    a = NearDuplicateIndex(window_s=100, max_items=2, store=a_store)
    original = a.observe("afp:1", fingerprint(STORY), 0)
    for i in range(3):  # max_items=2: the oldest leave the index
        a.observe(f"other:{i}", fingerprint(f"{i} " + OTHER.replace("ice", f"ice{i}")), 1 + i)
    a.observe("afp:1", fingerprint(STORY), 10)  # a new version: back in, same story
    log = a_store.take_pending()
    assert any(value is None for _, value in log), "evictions must write tombstones"

    # Worker B replays the changelog into an empty store and must see the same index.
    b_store = ChangelogStore({})
    for key, value in log:
        b_store.apply(key, value)
    assert b_store.pending == []  # replayed records are not sent again
    assert set(b_store) == set(a_store)
    b = NearDuplicateIndex(window_s=100, max_items=2, store=b_store)
    assert b.rebuild() == len(a) == 2
    copy = b.observe("outlet:9", fingerprint(STORY + " (Reporting by staff.)"), 11)
    assert copy.is_duplicate and copy.story_id == original.story_id
    assert b.story_of("other:0") is None


def test_changelog_store_keeps_its_offset_out_of_the_index():
    from wirestream.streams.kafka.index_changelog import ChangelogStore

    store = ChangelogStore({})
    assert store.applied_offset == -1
    store.mark_applied(41)
    index = NearDuplicateIndex(store=store)
    index.observe("afp:1", fingerprint(STORY), 0)
    assert store.applied_offset == 41 and index.rebuild() == 1
    assert all(not key.startswith(b"m:") for key in store)


# Twelve words: eight 5-word shingles; every word added makes one more shingle.
CORE = "Floods in the north of the country cut the main railway line"


def test_a_copy_exactly_at_the_threshold_is_a_duplicate():
    # Nine shingles each, the eight of CORE shared: Jaccard 8 / 10, the threshold itself.
    original, copy = CORE + " Tuesday", CORE + " Wednesday"
    assert jaccard(fingerprint(original).hashes, fingerprint(copy).hashes) == 0.8
    index = NearDuplicateIndex(threshold=0.8)
    first = index.observe("afp:1", fingerprint(original), 0)
    match = index.observe("outlet:9", fingerprint(copy), 1)
    assert match.is_duplicate and match.similarity == 0.8
    assert match.story_id == first.story_id and match.duplicate_of == "afp:1"


def test_a_tie_between_two_stories_goes_to_the_first_seen():
    # Ten shingles each: CORE is 8 / 10 similar to both, the two only 8 / 12 to each other.
    earlier, later = CORE + " on Tuesday", CORE + " near Basel"
    assert jaccard(fingerprint(earlier).hashes, fingerprint(later).hashes) < 0.8
    index = NearDuplicateIndex(threshold=0.8)
    first = index.observe("afp:1", fingerprint(earlier), 0)
    second = index.observe("dpa:2", fingerprint(later), 1)
    assert not second.is_duplicate and second.story_id != first.story_id
    match = index.observe("outlet:9", fingerprint(CORE), 2)
    assert (match.similarity, match.matched_id, match.duplicate_of) == (0.8, "afp:1", "afp:1")
    assert match.story_id == first.story_id
