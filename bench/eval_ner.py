"""Exact-span NER evaluation of a language's configured pipeline on gold files.

    python bench/eval_ner.py --lang de --format germeval \
        ../shared/data/ner/germeval2014/NER-de-test.tsv
    python bench/eval_ner.py --lang en --format iob2 --no-news-names \
        ../shared/data/ner/wikiann/en/test

Formats: ``docbin`` (a spaCy DocBin as training/de_ner/convert.py writes them, e.g.
``build/corpus/smartdata_news.dev.spacy``: tokens whose annotation is unknown there, such as
lower-case place adjectives in SmartData, are missing, and a predicted span touching one is
not counted), ``iob2`` (token<TAB>tag, blank line between sentences, ``#`` lines ignored;
a ``xx:`` language prefix on tokens, as in WikiANN, is removed; Universal NER's
index<TAB>token<TAB>tag<TAB>…, read as token and tag), ``conll2003``
(columns, NER tag last, IOB1, ``-DOCSTART-``), ``germeval`` (GermEval 2014 TSV,
outer tags). Gold and predicted labels go through the same mapping (PER, ORG, LOC,
MISC; GermEval OTH/deriv/part count as MISC). PER/ORG/LOC make the overall score;
MISC is reported separately. The last line is one JSON object.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from wirestream.config.settings import Settings
from wirestream.processors.entities import map_label
from wirestream.processors.news_names import add_news_names
from wirestream.processors.pipelines import choose_pipeline, load_pipeline

Sentence = tuple[list[str], list[str]]  # tokens, IOB2 tags with mapped labels
CORE = ("PER", "ORG", "LOC")
_LANG_PREFIX = re.compile(r"^[a-z]{2,3}:(?=.)")


def _gold_label(raw: str) -> str:
    raw = raw.upper()
    if raw.endswith(("DERIV", "PART")) or raw in {"OTH", "MISC"}:
        return "MISC"
    return map_label(raw) or "MISC"


def _to_iob2(tags: list[str]) -> list[str]:
    """IOB1 or IOB2 in, IOB2 out, with labels mapped."""
    out: list[str] = []
    prev_label = None
    for tag in tags:
        if tag == "O" or not tag:
            out.append("O")
            prev_label = None
            continue
        prefix, _, raw = tag.partition("-") if "-" in tag else ("I", "", tag)
        label = _gold_label(raw)
        begins = prefix == "B" or label != prev_label
        out.append(("B-" if begins else "I-") + label)
        prev_label = label
    return out


def read_sentences(path: Path, fmt: str) -> Iterator[Sentence]:
    tokens: list[str] = []
    tags: list[str] = []
    encoding = "utf-8"
    with path.open(encoding=encoding, errors="replace") as lines:
        for line in lines:
            line = line.rstrip("\n")
            if fmt == "conll2003" and line.startswith("-DOCSTART-"):
                continue
            if fmt in {"iob2", "germeval"} and line.startswith("#"):
                continue
            if not line.strip():
                if tokens:
                    yield tokens, _to_iob2(tags)
                tokens, tags = [], []
                continue
            cols = line.split("\t") if fmt != "conll2003" else line.split()
            if fmt == "germeval":
                token, tag = cols[1], cols[2]
            elif fmt == "iob2" and len(cols) >= 3 and cols[0].isdigit():
                # UNER: index, token, tag, then misc and annotator columns
                token, tag = cols[1], cols[2]
            elif fmt == "iob2":
                token, tag = _LANG_PREFIX.sub("", cols[0]), cols[-1]
            else:
                token, tag = cols[0], cols[-1]
            tokens.append(token)
            tags.append(tag)
    if tokens:
        yield tokens, _to_iob2(tags)


MISSING = "-"  # a token whose gold annotation is unknown


def read_docbin(path: Path) -> Iterator[Sentence]:
    from spacy.tokens import DocBin
    from spacy.vocab import Vocab

    for doc in DocBin().from_disk(path).get_docs(Vocab()):
        tags = [MISSING if not t.ent_iob_ else
                "O" if t.ent_iob_ == "O" else f"{t.ent_iob_}-{t.ent_type_}" for t in doc]
        mapped = _to_iob2([tag if tag != MISSING else "O" for tag in tags])
        yield ([t.text for t in doc],
               [MISSING if tag == MISSING else m for tag, m in zip(tags, mapped, strict=True)])


def spans(tags: list[str]) -> set[tuple[int, int, str]]:
    out: set[tuple[int, int, str]] = set()
    start, label = None, None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == label):
            out.add((start, i, label or ""))
            start, label = None, None
        if tag.startswith("B-"):
            start, label = i, tag[2:]
    return out


def score(tp: Counter, fp: Counter, fn: Counter, labels: tuple[str, ...]) -> dict[str, float]:
    t, p, n = (sum(c[label] for label in labels) for c in (tp, fp, fn))
    precision = t / (t + p) if t + p else 0.0
    recall = t / (t + n) if t + n else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4),
            "support": t + n}


def pipeline_for(args: argparse.Namespace) -> tuple[str, Any]:
    """The pipeline ``--lang``/``--pipeline``/``--no-news-names`` ask for, after checking that
    every path in ``args.paths`` is a file; exits with the reason otherwise."""
    for path in args.paths:
        if not path.is_file():
            sys.exit(f"error: {path} is not a readable file")
    name = args.pipeline or choose_pipeline(args.lang, Settings().models)
    if name is None:
        sys.exit(f"error: no pipeline installed for '{args.lang}'")
    nlp = load_pipeline(name)
    if not args.no_news_names:
        add_news_names(nlp)
    return name, nlp


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lang", required=True)
    parser.add_argument("--format", required=True,
                        choices=["iob2", "conll2003", "germeval", "docbin"])
    parser.add_argument("--pipeline", help="a pipeline name instead of the configured choice")
    parser.add_argument("--no-news-names", action="store_true",
                        help="evaluate without the gazetteer ruler")
    parser.add_argument("--limit", type=int, default=0, help="at most N sentences")
    parser.add_argument("paths", nargs="+", type=Path)
    args = parser.parse_args()
    name, nlp = pipeline_for(args)
    from spacy.tokens import Doc

    sentences = [s for path in args.paths for s in (
        read_docbin(path) if args.format == "docbin" else read_sentences(path, args.format))]
    if args.limit:
        sentences = sentences[: args.limit]
    if not sentences:
        sys.exit("error: no sentences read")
    docs = (Doc(nlp.vocab, words=tokens) for tokens, _ in sentences)
    tp: Counter = Counter()
    fp: Counter = Counter()
    fn: Counter = Counter()
    words = sum(len(tokens) for tokens, _ in sentences)
    started = time.perf_counter()
    for doc, (_, gold_tags) in zip(nlp.pipe(docs, batch_size=64), sentences, strict=True):
        predicted: set[tuple[int, int, str]] = set()
        for ent in doc.ents:
            label = map_label(ent.label_)
            if label is not None and MISSING not in gold_tags[ent.start:ent.end]:
                predicted.add((ent.start, ent.end, label))
        gold = spans(gold_tags)
        for span in predicted & gold:
            tp[span[2]] += 1
        for span in predicted - gold:
            fp[span[2]] += 1
        for span in gold - predicted:
            fn[span[2]] += 1
    seconds = time.perf_counter() - started
    overall = score(tp, fp, fn, CORE)
    per_label = {label: score(tp, fp, fn, (label,)) for label in (*CORE, "MISC")}
    result = {**{k: overall[k] for k in ("precision", "recall", "f1")},
              "per_label": per_label, "words_per_s": round(words / seconds),
              "pipeline": name + ("" if args.no_news_names else "+news_names"),
              "sentences": len(sentences), "words": words}
    print(f"pipeline {result['pipeline']}  sentences {len(sentences)}  words {words}")
    print(f"{'label':<6} {'P':>7} {'R':>7} {'F1':>7} {'support':>8}")
    for label, s in [*per_label.items(), ("PER/ORG/LOC", overall)]:
        print(f"{label:<6} {s['precision']:>7.3f} {s['recall']:>7.3f} {s['f1']:>7.3f} "
              f"{s['support']:>8}")
    print(f"words/s {result['words_per_s']} (one process)")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
