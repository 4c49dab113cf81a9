"""Pretrain de_wirestream_ner's tok2vec on unlabelled German text (``spacy pretrain``).

The CNN learns to predict the first and last characters of each word from its context
(spaCy's character objective), so the labelled runs start from weights that have already
read ~3M tokens of German. Output: ``build/pretrain/NAME/model{EPOCH}.bin``, passed to
``train.py --init-tok2vec``.

The text is the same as the vectors' (``vectors.py``), read by path from ../shared/data:
by default only CC BY / CC0 text (the labelled corpora's own training sentences, the
historical newspapers, all 66k LER sentences). The held-out GermEval sentences are never in it.

    python training/de_ner/pretrain.py --epochs 6
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from train import SINGLE_THREAD
from vectors import SOURCES, text_stream

HERE = Path(__file__).resolve().parent
BUILD = HERE / "build"
DEFAULT_SOURCES = "labelled,historic,ler_full"


def write_jsonl(sources: list[str], target: Path) -> tuple[int, int]:
    """One ``{"text": ...}`` line per sentence or article; (lines, characters)."""
    # Built up front so an unknown source fails before any text is written.
    streams = [text_stream(source) for source in sources]
    lines = chars = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("w", encoding="utf-8") as out:
        for stream in streams:
            for text in stream:
                text = text.strip()
                if text:
                    out.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
                    lines += 1
                    chars += len(text)
    return lines, chars


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--name", default="chars", help="output: build/pretrain/NAME")
    parser.add_argument("--sources", default=DEFAULT_SOURCES,
                        help=f"comma-separated text sources ({', '.join(SOURCES)})")
    parser.add_argument("--vectors", default="floret_open",
                        help="build/vectors/NAME: must be the vectors the labelled run uses, "
                             "because the pretrained layers read them")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--resume-epoch", type=int, default=None,
                        help="continue from build/pretrain/NAME/model{N-1}.bin at epoch N "
                             "(--epochs stays the total)")
    parser.add_argument("overrides", nargs="*", help="extra spaCy overrides (after --)")
    args = parser.parse_args(argv)

    out_dir = BUILD / "pretrain" / args.name
    vectors_dir = BUILD / "vectors" / args.vectors
    if not (vectors_dir / "vectors_info.json").exists():
        raise SystemExit(f"{vectors_dir} missing: run vectors.py (or train.py) first")
    t0 = time.perf_counter()
    text_path = out_dir / "text.jsonl"
    lines, chars = write_jsonl([s.strip() for s in args.sources.split(",") if s], text_path)
    print(f"text: {lines} lines, {chars} characters -> {text_path}", flush=True)

    # The labelled config plus spaCy's default [pretraining] block (character objective).
    config_path = out_dir / "config.pretrain.cfg"
    subprocess.run([sys.executable, "-m", "spacy", "init", "fill-config",
                    str(HERE / "config.cfg"), str(config_path), "--pretraining"], check=True)
    # Written before the run: the weights of every finished epoch are usable (train.py
    # --init-tok2vec), so a run stopped by hand still says what it read.
    info = {"sources": args.sources, "vectors": args.vectors, "lines": lines, "chars": chars,
            "epochs": args.epochs}
    (out_dir / "pretrain_info.json").write_text(json.dumps(info, indent=1) + "\n",
                                                encoding="utf-8")
    env = {**os.environ, **SINGLE_THREAD}
    cmd = [sys.executable, "-m", "spacy", "pretrain", str(config_path), str(out_dir),
           "--paths.raw_text", str(text_path), "--paths.vectors", str(vectors_dir),
           "--pretraining.max_epochs", str(args.epochs), *args.overrides]
    if args.resume_epoch is not None:
        cmd += ["--resume-path", str(out_dir / f"model{args.resume_epoch - 1}.bin"),
                "--epoch-resume", str(args.resume_epoch)]
    print("+", " ".join(cmd), flush=True)
    with (out_dir / "pretrain.log").open("a", encoding="utf-8") as log:
        subprocess.run(cmd, check=True, env=env, stdout=log, stderr=subprocess.STDOUT)
    print(json.dumps({**info, "seconds": round(time.perf_counter() - t0, 1)}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
