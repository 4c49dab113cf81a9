"""Evaluate an installed German spaCy pipeline on held-out GermEval 2014 sentences.

    python bench/eval_de_ner.py [PIPELINE] [--limit N] [--batch-size B]

PIPELINE defaults to ``de_wirestream_ner``. The test sentences are converted with the
training converter (training/de_ner/convert.py: outer GermEval level, OTH and *deriv ->
MISC, *part -> O), so the figures are comparable with the training README. Labels of other
pipelines (e.g. OntoNotes PERSON/GPE/NORP) are folded into PER/ORG/LOC/MISC first.

Prints precision/recall/F1 overall and per label, and words/s on one process and one
thread; the last line is one JSON object with all figures. Needs ../shared (beside the
repository root); exits with status 2 and a message when it is absent.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import sys
import time
import warnings
from pathlib import Path
from types import ModuleType
from typing import Any

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DIR = REPO_ROOT.parent / "shared"
NER_DIR = SHARED_DIR / "data" / "ner"
CONVERTER = REPO_ROOT / "training" / "de_ner" / "convert.py"

LABELS = ("PER", "ORG", "LOC", "MISC")
# Components needed for entities; the rest (tagger, parser, ...) is disabled, as in the app.
NER_COMPONENTS = frozenset({"tok2vec", "ner", "entity_ruler", "sentencizer", "senter"})
FOREIGN_LABELS: dict[str, str | None] = {
    "PERSON": "PER", "PER": "PER", "ORG": "ORG", "LOC": "LOC", "GPE": "LOC", "FAC": "LOC",
    "MISC": "MISC", "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC", "LAW": "MISC",
    "PRODUCT": "MISC", "LANGUAGE": "MISC",
    "DATE": None, "TIME": None, "PERCENT": None, "MONEY": None, "QUANTITY": None,
    "ORDINAL": None, "CARDINAL": None,
}


def fail(message: str) -> None:
    print(f"eval_de_ner: {message}", file=sys.stderr)
    sys.exit(2)


def load_converter() -> ModuleType:
    name = "wirestream_de_ner_convert"
    spec = importlib.util.spec_from_file_location(name, CONVERTER)
    if spec is None or spec.loader is None:
        fail(f"cannot import the converter {CONVERTER}")
        raise AssertionError  # unreachable; keeps type checkers happy
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


def relabel(doc: Any) -> Any:
    from spacy.tokens import Span

    ents = []
    for ent in doc.ents:
        label = FOREIGN_LABELS.get(ent.label_.upper(), "MISC")
        if label is not None:
            ents.append(Span(doc, ent.start, ent.end, label=label))
    doc.set_ents(ents, default="outside")
    return doc


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("pipeline", nargs="?", default="de_wirestream_ner",
                        help="installed spaCy pipeline (package name or path)")
    parser.add_argument("--data-dir", type=Path, default=NER_DIR,
                        help="the NER data folder (default: ../shared/data/ner)")
    parser.add_argument("--split", choices=["heldout", "test"], default="heldout",
                        help="heldout: the GermEval dev sentences kept out of training "
                             "(default); test: GermEval 2014 test, which the shipped recipe "
                             "trains on, so only for pipelines trained without it")
    parser.add_argument("--limit", type=int, default=0, help="first N sentences only")
    parser.add_argument("--batch-size", type=int, default=256)
    args = parser.parse_args(argv)

    test_file = args.data_dir / "germeval2014" / "NER-de-test.tsv"
    if not test_file.is_file():
        fail(f"{test_file} not found: this benchmark needs the shared data beside the "
             f"repository ({SHARED_DIR}); nothing evaluated")

    # one thread (set before numpy/thinc are imported)
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "BLIS_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    import spacy
    from spacy.scorer import get_ner_prf
    from spacy.training import Example

    convert = load_converter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)
            nlp = spacy.load(args.pipeline)
    except OSError as exc:
        fail(f"cannot load pipeline {args.pipeline!r} (is it installed?): {exc}")
    disabled = [pipe for pipe in nlp.pipe_names if pipe not in NER_COMPONENTS]
    if disabled:
        nlp.select_pipes(disable=disabled)

    gold = (convert.germeval_heldout_docs(args.data_dir, nlp.vocab) if args.split == "heldout"
            else convert.germeval_test_docs(args.data_dir, nlp.vocab))
    if args.limit:
        gold = gold[: args.limit]
    texts = [doc.text for doc in gold]

    for _ in nlp.pipe(texts[:64], batch_size=args.batch_size):  # warm-up
        pass
    start = time.perf_counter()
    cpu_start = time.process_time()
    predicted = list(nlp.pipe(texts, batch_size=args.batch_size, n_process=1))
    seconds = time.perf_counter() - start
    # CPU time of this process: the one-core speed even when other jobs share the machine
    cpu_seconds = time.process_time() - cpu_start
    words = sum(len(doc) for doc in predicted)

    examples = [Example(relabel(pred), ref) for pred, ref in zip(predicted, gold, strict=True)]
    scores = get_ner_prf(examples)
    per_type: dict[str, dict[str, float]] = scores.get("ents_per_type") or {}
    gold_counts = {label: sum(1 for doc in gold for ent in doc.ents if ent.label_ == label)
                   for label in LABELS}

    meta = nlp.meta
    version = f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"
    print(f"pipeline {args.pipeline} ({version}), components {nlp.pipe_names}")
    print(f"GermEval 2014 {args.split}: {len(gold)} sentences, {words} words, "
          f"{sum(gold_counts.values())} gold entities")
    print(f"{'label':<8}{'P':>8}{'R':>8}{'F1':>8}{'gold':>8}")
    print(f"{'ALL':<8}{scores['ents_p'] * 100:8.2f}{scores['ents_r'] * 100:8.2f}"
          f"{scores['ents_f'] * 100:8.2f}{sum(gold_counts.values()):8d}")
    result_labels: dict[str, dict[str, float | int]] = {}
    for label in LABELS:
        prf = per_type.get(label, {"p": 0.0, "r": 0.0, "f": 0.0})
        print(f"{label:<8}{prf['p'] * 100:8.2f}{prf['r'] * 100:8.2f}{prf['f'] * 100:8.2f}"
              f"{gold_counts[label]:8d}")
        result_labels[label] = {"p": round(prf["p"], 4), "r": round(prf["r"], 4),
                                "f": round(prf["f"], 4), "gold": gold_counts[label]}
    words_per_s = words / seconds if seconds > 0 else 0.0
    cpu_words_per_s = words / cpu_seconds if cpu_seconds > 0 else 0.0
    print(f"speed: {words_per_s:,.0f} words/s (1 process, {seconds:.1f} s wall); "
          f"{cpu_words_per_s:,.0f} words per CPU second")
    result = {
        "pipeline": args.pipeline, "version": version, "dataset": f"germeval2014-{args.split}",
        "sentences": len(gold), "words": words,
        "p": round(scores["ents_p"], 4), "r": round(scores["ents_r"], 4),
        "f": round(scores["ents_f"], 4), "per_label": result_labels,
        "seconds": round(seconds, 3), "words_per_s": round(words_per_s, 1),
        "cpu_seconds": round(cpu_seconds, 3), "words_per_cpu_s": round(cpu_words_per_s, 1),
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
