from __future__ import annotations

from wirestream.processors.corrections import CorrectionLinker, headline_words
from wirestream.processors.near_duplicates import fingerprint
from wirestream.processors.records import Dedup, decode, dedup_block, encode
from wirestream.processors.story_matcher import StoryMatcher

ORIGINAL = ("General Motors hopes to sell between 7,000 and 8,000 vehicles in Europe this "
            "year, a five-fold rise over the year before, a vice-president said.")
CORRECTED = ("General Motors hopes to sell between 7,000 and 8,000 North American-made "
             "vehicles in Europe this year, a five-fold rise over the year before, a "
             "vice-president said.")
UNRELATED = "Swiss banks raised customer time deposit rates by a quarter point on Tuesday."


def test_headline_words_drop_the_correction_marker_and_small_words():
    assert headline_words("CORRECTED - GM <GM> SEES RISE IN EUROPEAN SALES") == {
        "gm", "sees", "rise", "european", "sales"}
    assert headline_words("(CORRECTED)-GM SEES RISE") == {"gm", "sees", "rise"}


def test_correction_under_a_new_id_joins_the_original_story():
    matcher = StoryMatcher()
    first = matcher.observe("r:1081", "GM <GM> HOPES FOR FIVE-FOLD RISE IN EUROPEAN SALES",
                            fingerprint(ORIGINAL), 0, False)
    matcher.observe("r:1100", "SWISS BANKS RAISE DEPOSIT RATES", fingerprint(UNRELATED), 10,
                    False)
    fix = matcher.observe("r:1202", "CORRECTED - GM SEES RISE IN EUROPEAN SALES",
                          fingerprint(CORRECTED), 20, True)
    assert fix.corrects == "r:1081"
    assert fix.story_id == first.story_id and not fix.is_duplicate


def test_a_close_corrections_similarity_is_a_fraction_the_record_accepts():
    # Same headline (1.0) and most of the body: the ranking score is above 1 (seen in
    # bench/throughput.py on Reuters, where it made the enrich stage refuse the envelope).
    matcher = StoryMatcher()
    matcher.observe("r:1", "GM HOPES FOR FIVE-FOLD RISE IN EUROPEAN SALES",
                    fingerprint(ORIGINAL), 0, False)
    fix = matcher.observe("r:2", "CORRECTED - GM HOPES FOR FIVE-FOLD RISE IN EUROPEAN SALES",
                          fingerprint(CORRECTED), 20, True)
    assert fix.corrects == "r:1" and fix.similarity is not None
    dedup = dedup_block("correction", story_id=fix.story_id, similarity=fix.similarity,
                        corrects=fix.corrects)
    assert 0 < decode(encode(dedup), Dedup).similarity <= 1


def test_articles_not_marked_as_corrections_are_not_linked_this_way():
    matcher = StoryMatcher()
    matcher.observe("r:1", "GM SEES RISE IN EUROPEAN SALES", fingerprint(ORIGINAL), 0, False)
    other = matcher.observe("r:2", "GM SEES RISE IN EUROPEAN SALES AGAIN",
                            fingerprint(UNRELATED), 5, False)
    assert other.corrects is None


def test_no_link_without_enough_headline_or_body_in_common():
    linker = CorrectionLinker()
    linker.remember("a", "story:a", "SWISS BANKS RAISE DEPOSIT RATES",
                    fingerprint(UNRELATED).hashes, 0)
    assert linker.find("b", "CORRECTED - GM SEES RISE IN EUROPEAN SALES",
                       fingerprint(CORRECTED).hashes, 1) is None


def test_window_keeps_old_stories_out():
    linker = CorrectionLinker(window_s=3600)
    linker.remember("a", "story:a", "GM SEES RISE IN EUROPEAN SALES",
                    fingerprint(ORIGINAL).hashes, 0)
    late = linker.find("b", "CORRECTED - GM SEES RISE IN EUROPEAN SALES",
                       fingerprint(CORRECTED).hashes, 7200)
    assert late is None and len(linker) == 0


GM = "GM <GM> HOPES FOR FIVE-FOLD RISE IN EUROPEAN SALES"
FIX = "CORRECTED - GM SEES RISE IN EUROPEAN SALES"


def _filler(linker: CorrectionLinker, n: int, start: float) -> None:
    for i in range(n):
        linker.remember(f"x:{i}", f"story:x{i}", f"UNRELATED ITEM NUMBER W{i}",
                        fingerprint(f"{i} " + UNRELATED).hashes, start + i)


def test_exported_entries_restore_a_linker_that_links_as_the_original():
    first = CorrectionLinker(journal=True)
    key = first.remember("r:1081", "story:gm", GM, fingerprint(ORIGINAL).hashes, 0)
    _filler(first, 3, 1)
    exported = [(k, first.export(k)) for k in range(4)]
    assert [k for k, _ in first.take_changes()] == [0, 1, 2, 3] and key == 0

    again = CorrectionLinker()
    assert again.restore(reversed(exported)) == 4  # any order
    link = again.find("r:1202", FIX, fingerprint(CORRECTED).hashes, 20)
    assert link == first.find("r:1202", FIX, fingerprint(CORRECTED).hashes, 20)
    assert link is not None and (link.article_id, link.story_id) == ("r:1081", "story:gm")
    assert [again.export(k) for k in range(4)] == [data for _, data in exported]
    # New entries continue after the restored keys.
    assert again.remember("r:1300", "story:z", "SWISS BANKS", fingerprint(UNRELATED).hashes,
                          30) == 4


def test_max_items_holds_after_a_restore_and_drops_the_oldest():
    first = CorrectionLinker(window_s=None, max_items=10, journal=True)
    first.remember("r:1081", "story:gm", GM, fingerprint(ORIGINAL).hashes, 0)
    _filler(first, 5, 1)
    exported = [(k, first.export(k)) for k in range(6)]

    smaller = CorrectionLinker(window_s=None, max_items=3, journal=True)
    assert smaller.restore(exported) == 3
    assert smaller.take_changes() == [(0, None), (1, None), (2, None)]  # journaled
    assert smaller.find("r:1202", FIX, fingerprint(CORRECTED).hashes, 10) is None
    smaller.remember("r:1400", "story:y", "ANOTHER", fingerprint(UNRELATED).hashes, 11)
    assert len(smaller) == 3 and smaller.take_changes()[-1] == (3, None)


def test_window_holds_after_a_restore():
    first = CorrectionLinker(window_s=3600)
    first.remember("r:1081", "story:gm", GM, fingerprint(ORIGINAL).hashes, 0)
    _filler(first, 2, 3000)
    again = CorrectionLinker(window_s=3600, journal=True)
    again.restore([(k, first.export(k)) for k in range(3)])
    assert again.find("r:1202", FIX, fingerprint(CORRECTED).hashes, 4000) is None
    assert len(again) == 2 and again.take_changes() == [(0, None)]


def test_a_matcher_on_a_store_links_a_correction_after_a_restart():
    from wirestream.streams.kafka.index_changelog import ChangelogStore

    store = ChangelogStore({})
    before = StoryMatcher(store=store)
    first = before.observe("r:1081", GM, fingerprint(ORIGINAL), 0, False)
    assert any(key.startswith(b"c:") for key, _ in store.take_pending())

    # A new worker: the store replayed from the changelog, the indexes rebuilt from it.
    replayed = ChangelogStore({})
    for key in store:
        replayed.apply(key, store[key])
    after = StoryMatcher(store=replayed)
    assert after.rebuild() == 1 and len(after.corrections) == 1
    fix = after.observe("r:1202", FIX, fingerprint(CORRECTED), 20, True)
    assert fix.corrects == "r:1081" and fix.story_id == first.story_id
    # Without a rebuild, as before the correction index was kept: no link.
    assert StoryMatcher(store=replayed).corrections.find(
        "r:1202", FIX, fingerprint(CORRECTED).hashes, 20) is None


def test_evicted_correction_entries_leave_the_store():
    store: dict[bytes, bytes] = {}
    matcher = StoryMatcher(correction_window_s=100, correction_max_items=2, store=store)
    for i in range(4):
        matcher.observe(f"x:{i}", f"UNRELATED ITEM W{i}",
                        fingerprint(f"{i} " + UNRELATED), i, False)
    assert sorted(k for k in store if k.startswith(b"c:")) == [
        b"c:" + (2).to_bytes(8, "big"), b"c:" + (3).to_bytes(8, "big")]
    matcher.observe("x:9", "LATE ITEM", fingerprint(ORIGINAL), 1000, False)
    assert [k for k in store if k.startswith(b"c:")] == [b"c:" + (4).to_bytes(8, "big")]
