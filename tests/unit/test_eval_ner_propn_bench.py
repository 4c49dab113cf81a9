"""bench/eval_ner_propn.py reads CoNLL-U as the surface words a pipeline sees: a
multi-word token is one word, a proper noun when any of its syntactic words is one."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import eval_ner_propn

CONLLU = """# sent_id = 1
# text = Er wohnt im Haus am Rhein.
1\tEr\ter\tPRON\tPPER\t_\t2\tnsubj\t_\t_
2\twohnt\twohnen\tVERB\tVVFIN\t_\t0\troot\t_\t_
3-4\tim\t_\t_\t_\t_\t_\t_\t_\t_
3\tin\tin\tADP\tAPPR\t_\t5\tcase\t_\t_
4\tdem\tder\tDET\tART\t_\t5\tdet\t_\t_
5\tHaus\tHaus\tNOUN\tNN\t_\t2\tobl\t_\t_
6-7\tam\t_\t_\t_\t_\t_\t_\t_\t_
6\tan\tan\tADP\tAPPR\t_\t8\tcase\t_\t_
7\tdem\tder\tDET\tART\t_\t8\tdet\t_\t_
8\tRhein\tRhein\tPROPN\tNE\t_\t5\tnmod\t_\tNamedEntity=Yes
9\t.\t.\tPUNCT\t$.\t_\t2\tpunct\t_\t_

# sent_id = 2
1\tBerlin\tBerlin\tPROPN\tNE\t_\t0\troot\t_\t_
"""


def test_multiword_tokens_are_one_surface_word_and_proper_nouns_are_flagged(tmp_path):
    path = tmp_path / "gold.conllu"
    path.write_text(CONLLU, encoding="utf-8")
    first, second = eval_ner_propn.read_conllu(path)
    assert first == (["Er", "wohnt", "im", "Haus", "am", "Rhein", "."],
                     [False, False, False, False, False, True, False])
    assert second == (["Berlin"], [True])
