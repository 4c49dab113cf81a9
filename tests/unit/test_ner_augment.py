"""Mention-swap augmentation for the German NER training (training/de_ner/augment.py)."""

from __future__ import annotations

import random
import sys
from pathlib import Path

import spacy
from spacy.tokens import Doc

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "training" / "de_ner"))

from augment import swap_mentions

POOL = {
    "PER": [(("Angela", "Merkel"), (True, False))],
    "LOC": [(("Rio", "de", "Janeiro"), (True, True, False))],
    "ORG": [(("UNO",), (False,))],
}


def make_doc(words: list[str], tags: list[str | None]) -> Doc:
    return Doc(spacy.blank("de").vocab, words=words, ents=tags)


def test_names_are_replaced_by_same_label_mentions_and_context_is_kept() -> None:
    doc = make_doc(["Putin", "flog", "nach", "Wien", "zur", "IAEO", "."],
                   ["B-PER", "O", "O", "B-LOC", "O", "B-ORG", "O"])
    swapped = swap_mentions(doc, POOL, random.Random(0))
    assert swapped is not None
    assert [t.text for t in swapped] == [
        "Angela", "Merkel", "flog", "nach", "Rio", "de", "Janeiro", "zur", "UNO", "."]
    # Inside a mention its own spacing, after it the sentence's: "UNO ." keeps its space.
    assert swapped.text == "Angela Merkel flog nach Rio de Janeiro zur UNO . "
    assert [(e.text, e.label_) for e in swapped.ents] == [
        ("Angela Merkel", "PER"), ("Rio de Janeiro", "LOC"), ("UNO", "ORG")]
    assert [t.ent_iob_ for t in swapped if not t.ent_type_] == ["O", "O", "O", "O"]


def test_misc_and_unannotated_tokens_stay_as_they_are() -> None:
    doc = make_doc(["Die", "iranische", "Regierung", "in", "Teheran", "sagte"],
                   [None, "B-MISC", "O", "O", "B-LOC", None])
    swapped = swap_mentions(doc, POOL, random.Random(0))
    assert swapped is not None
    assert [(e.text, e.label_) for e in swapped.ents] == [
        ("iranische", "MISC"), ("Rio de Janeiro", "LOC")]
    # Unannotated stays unannotated (missing), it does not become "O".
    assert swapped[0].ent_iob_ == "" and swapped[-1].ent_iob_ == ""
    assert swapped[2].ent_iob_ == "O"


def test_a_sentence_without_swappable_names_gives_no_copy() -> None:
    doc = make_doc(["Die", "iranische", "Regierung"], ["O", "B-MISC", "O"])
    assert swap_mentions(doc, POOL, random.Random(0)) is None
