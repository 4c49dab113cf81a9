"""How often a pipeline's names are names, on text no NER gold exists for: UD's proper nouns.

    U=../shared/data/parse/ud_german_gsd
    python bench/eval_ner_propn.py --lang de $U/de_gsd-ud-test.conllu
    python bench/eval_ner_propn.py --lang de --no-news-names ...   # the model alone

Universal Dependencies treebanks mark proper nouns (UPOS ``PROPN``) in news, web and wiki
sentences: the kind of text Universal NER annotates, in a style none of the German NER
training data has. No entity types are there, so this is no F1. It gives:

- *name precision*: the share of predicted PER/ORG/LOC spans with at least one proper noun
  in them. A span without one ("Marathon-Verhandlungen", "Präsident") is almost always
  spurious; a nationality adjective is not counted, as it is no PER/ORG/LOC.
- *proper-noun coverage*: the share of proper-noun tokens inside a predicted span. UD calls
  months, titles and products proper nouns too, so this stays well below a recall; it is
  for comparing pipelines on the same file.

Multi-word tokens ("im" = "in dem") are read as the surface word. The last line is one
JSON object.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.eval_ner import pipeline_for
from wirestream.processors.entities import map_label

CORE = ("PER", "ORG", "LOC")
Sentence = tuple[list[str], list[bool]]  # surface words, "is a proper noun"


def read_conllu(path: Path) -> Iterator[Sentence]:
    words: list[str] = []
    proper: list[bool] = []
    covered_until = 0  # the last word id a multi-word token line already stood for
    with path.open(encoding="utf-8") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if not line:
                if words:
                    yield words, proper
                words, proper, covered_until = [], [], 0
                continue
            if line.startswith("#"):
                continue
            cols = line.split("\t")
            if "-" in cols[0]:  # "6-7 im": one surface word for the syntactic words 6 and 7
                covered_until = int(cols[0].split("-")[1])
                words.append(cols[1])
                proper.append(False)
                continue
            if "." in cols[0]:  # empty nodes carry no surface word
                continue
            if int(cols[0]) <= covered_until:
                proper[-1] = proper[-1] or cols[3] == "PROPN"
                continue
            words.append(cols[1])
            proper.append(cols[3] == "PROPN")
    if words:
        yield words, proper


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", required=True)
    parser.add_argument("--pipeline", help="a pipeline name instead of the configured choice")
    parser.add_argument("--no-news-names", action="store_true",
                        help="evaluate without the gazetteer layer")
    parser.add_argument("--show", type=int, default=15,
                        help="print the N most frequent spans without a proper noun")
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()
    name, nlp = pipeline_for(args)
    from spacy.tokens import Doc

    sentences = [s for path in args.paths for s in read_conllu(path)]
    if not sentences:
        sys.exit("error: no sentences read")
    spans = with_proper = proper_tokens = proper_covered = 0
    spurious: Counter[str] = Counter()
    started = time.perf_counter()
    docs = (Doc(nlp.vocab, words=words) for words, _ in sentences)
    for doc, (_, proper) in zip(nlp.pipe(docs, batch_size=64), sentences, strict=True):
        inside = [False] * len(doc)
        for ent in doc.ents:
            if map_label(ent.label_) not in CORE:
                continue
            spans += 1
            if any(proper[ent.start:ent.end]):
                with_proper += 1
            else:
                spurious[f"{ent.text} ({map_label(ent.label_)})"] += 1
            inside[ent.start:ent.end] = [True] * len(ent)
        proper_tokens += sum(proper)
        proper_covered += sum(p and i for p, i in zip(proper, inside, strict=True))
    seconds = time.perf_counter() - started
    result = {
        "pipeline": name + ("" if args.no_news_names else "+news_names"),
        "sentences": len(sentences), "spans": spans,
        "name_precision": round(with_proper / spans, 4) if spans else 0.0,
        "spans_without_proper_noun": spans - with_proper,
        "proper_noun_coverage": round(proper_covered / proper_tokens, 4) if proper_tokens else 0.0,
        "proper_noun_tokens": proper_tokens, "seconds": round(seconds, 1),
    }
    print(f"pipeline {result['pipeline']}  sentences {len(sentences)}")
    print(f"PER/ORG/LOC spans {spans}: {with_proper} with a proper noun "
          f"(name precision {result['name_precision']:.3f})")
    print(f"proper-noun tokens inside a span: {proper_covered} of {proper_tokens} "
          f"({result['proper_noun_coverage']:.3f})")
    for text, count in spurious.most_common(args.show):
        print(f"  without a proper noun: {count:3d}  {text}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
