"""bench/eval_ner.py's gold readers: UNER's five columns and the training DocBins, whose
tokens without a known annotation must not count against a prediction."""

from __future__ import annotations

import sys
from pathlib import Path

from spacy.tokens import Doc, DocBin
from spacy.vocab import Vocab

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import eval_ner


def test_uner_rows_give_token_and_tag_not_index_and_annotator(tmp_path):
    gold = tmp_path / "uner.iob2"
    gold.write_text("# sent_id = 1\n1\tAngela\tB-PER\t-\tannotator1\n"
                    "2\tMerkel\tI-PER\t-\tannotator1\n3\tspoke\tO\t-\tannotator1\n\n")
    [(tokens, tags)] = eval_ner.read_sentences(gold, "iob2")
    assert tokens == ["Angela", "Merkel", "spoke"] and tags == ["B-PER", "I-PER", "O"]


def test_a_docbins_unknown_tokens_are_missing_and_its_entities_mapped(tmp_path):
    vocab = Vocab()
    # "deutschen" unknown (SmartData leaves lower-case place adjectives out), Berlin a place
    doc = Doc(vocab, words=["Die", "deutschen", "Bahn", "in", "Berlin"],
              ents=["O", "", "O", "O", "B-LOC"])
    path = tmp_path / "gold.spacy"
    DocBin(docs=[doc]).to_disk(path)
    [(tokens, tags)] = eval_ner.read_docbin(path)
    assert tokens == ["Die", "deutschen", "Bahn", "in", "Berlin"]
    assert tags == ["O", eval_ner.MISSING, "O", "O", "B-LOC"]
    assert eval_ner.spans(tags) == {(4, 5, "LOC")}
