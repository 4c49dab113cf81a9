"""Train small floret (hashed subword) vectors on unlabelled German text for de_wirestream_ner.

The text is read by path from ../shared/data (never copied into the repository), tokenised
with spaCy's German tokenizer (so vector keys match the pipeline's tokens) and written to
``build/vectors/text.txt``; floret then trains skipgram vectors whose subword table is
converted to a spaCy vectors directory (``build/vectors/<name>``) for ``[initialize] vectors``.

The GermEval-dev sentences held out for evaluation are never part of the text.

    python training/de_ner/vectors.py [--sources news,labelled] [--dim 100] [--bucket 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
SHARED = REPO_ROOT.parent / "shared" / "data"
CORPUS = HERE / "build" / "corpus"
OUT = HERE / "build" / "vectors"

# Unlabelled text sources. "labelled" = the training DocBins written by convert.py (their
# token text only; the held-out germeval.dev and the smartdata dev parts are excluded).
LABELLED_DOCBINS = ("germeval.train", "germeval.test", "smartdata_news.train",
                    "smartdata_tweets.train", "ler.train")
SOURCES = ("gnad", "wmt", "labelled", "historic", "ler_full")
_TAG = re.compile(r"</?TIMEX3[^>]*>")
DEFAULT_SOURCES = "gnad,wmt,labelled"


def gnad_texts() -> Iterator[str]:
    """10kGNAD test split (DER STANDARD articles, 2015-16): one article per line."""
    path = SHARED / "corpora" / "10kgnad" / "10kgnad_test.textonly.jsonl"
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            yield str(json.loads(line)["text"])


def wmt_texts() -> Iterator[str]:
    """WMT21 newstest German sides (original and translated news sentences)."""
    for path in sorted((SHARED / "corpora" / "wmt21_de_en").glob("*.de")):
        with path.open(encoding="utf-8") as fh:
            yield from (line.strip() for line in fh if line.strip())


def ler_full_texts() -> Iterator[str]:
    """All 66k sentences of the German LER court decisions (zip of TimeML files, already
    tokenised, one sentence per line); TIMEX3 tags are removed. Legal, but plain German."""
    path = SHARED / "ner" / "ler_de" / "dataset_courts_timex.zip"
    with zipfile.ZipFile(path) as archive:
        for name in sorted(archive.namelist()):
            if not name.endswith(".txt"):
                continue
            for line in archive.read(name).decode("utf-8").splitlines():
                line = _TAG.sub("", line).strip()
                if line and not line.startswith("<"):
                    yield line


def docbin_texts(names: tuple[str, ...]) -> Iterator[str]:
    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("de").vocab
    for name in names:
        path = CORPUS / f"{name}.spacy"
        if not path.exists():
            raise SystemExit(f"{path} missing: run convert.py first")
        for doc in DocBin().from_disk(path).get_docs(vocab):
            yield doc.text


def text_stream(source: str) -> Iterator[str]:
    """The raw texts of one named source (also the pretraining text, pretrain.py)."""
    if source == "gnad":
        return gnad_texts()
    if source == "wmt":
        return wmt_texts()
    if source == "labelled":
        return docbin_texts(LABELLED_DOCBINS)
    if source == "ler_full":
        return ler_full_texts()
    if source == "historic":
        return docbin_texts(("historic.train",))
    raise SystemExit(f"unknown source {source!r}; known: {', '.join(SOURCES)}")


def write_text(sources: list[str], target: Path) -> tuple[int, int]:
    """Tokenise every source into one whitespace-separated line per text; (lines, tokens)."""
    import spacy

    tokenizer = spacy.blank("de").tokenizer
    # Built up front so an unknown source fails before any text is written.
    streams = {source: text_stream(source) for source in sources}
    lines = tokens = 0
    with target.open("w", encoding="utf-8") as out:
        for stream in streams.values():
            for doc in tokenizer.pipe(stream, batch_size=256):
                words = [t.text for t in doc if not t.is_space]
                if words:
                    out.write(" ".join(words) + "\n")
                    lines += 1
                    tokens += len(words)
    return lines, tokens


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--name", default="floret", help="output: build/vectors/NAME")
    parser.add_argument("--sources", default=DEFAULT_SOURCES,
                        help=f"comma-separated text sources ({', '.join(SOURCES)})")
    parser.add_argument("--dim", type=int, default=100)
    # The table is (bucket x dim) float32 and ships inside the wheel: 20k x 100 = 8 MB.
    parser.add_argument("--bucket", type=int, default=20000)
    parser.add_argument("--epoch", type=int, default=10)
    parser.add_argument("--minn", type=int, default=3)
    parser.add_argument("--maxn", type=int, default=5)
    parser.add_argument("--min-count", type=int, default=2)
    parser.add_argument("--attr", default="ORTH", help="token attribute the vectors key on")
    args = parser.parse_args(argv)

    import floret

    out_dir = OUT / args.name
    OUT.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    text_path = OUT / f"{args.name}.txt"
    lines, tokens = write_text([s.strip() for s in args.sources.split(",") if s], text_path)
    print(f"text: {lines} lines, {tokens} tokens -> {text_path}", flush=True)
    model = floret.train_unsupervised(
        str(text_path), model="skipgram", mode="floret", hashCount=2, bucket=args.bucket,
        dim=args.dim, minn=args.minn, maxn=args.maxn, minCount=args.min_count,
        epoch=args.epoch, thread=int(os.environ.get("OMP_NUM_THREADS", "1")), verbose=0)
    floret_path = OUT / f"{args.name}.floret"
    model.save_floret_vectors(str(floret_path))
    subprocess.run([sys.executable, "-m", "spacy", "init", "vectors", "de", str(floret_path),
                    str(out_dir), "--mode", "floret", "--attr", args.attr,
                    "--name", f"de_wirestream_{args.name}"], check=True)
    info = {"sources": args.sources, "lines": lines, "tokens": tokens, "dim": args.dim,
            "bucket": args.bucket, "epoch": args.epoch, "minn": args.minn, "maxn": args.maxn,
            "attr": args.attr, "seconds": round(time.perf_counter() - t0, 1)}
    (out_dir / "vectors_info.json").write_text(json.dumps(info, indent=1) + "\n",
                                               encoding="utf-8")
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    sys.exit(main())
