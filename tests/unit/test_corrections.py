from __future__ import annotations

from processors.corrections import CorrectionLinker, headline_words
from processors.near_duplicates import fingerprint
from processors.story_matcher import StoryMatcher

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
