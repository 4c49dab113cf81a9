"""End to end: convert the corpora -> floret vectors -> train -> package de_wirestream_ner.

Runs on one CPU thread with a fixed seed. Everything it writes goes to training/de_ner/build/
(git-ignored), the wheel too (build/de_wirestream_ner-VERSION-py3-none-any.whl); shipping it
means copying that wheel to models/.

    python training/de_ner/train.py                      # the shipped recipe
    python training/de_ner/train.py --name exp_ler --sources germeval,smartdata_news,ler \\
        --max-steps 3000 --no-package                     # an experiment
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
BUILD = HERE / "build"
CORPUS = BUILD / "corpus"
VECTORS = BUILD / "vectors"

# The shipped recipe: modern news only, GermEval (the only source with MISC) repeated 3x
# (see README.md for the measured alternatives).
DEFAULT_SOURCES = "germeval*3,germeval_test,smartdata_news"
SEED = 0

# floret vectors (vectors.py), name -> its options; all are 20k x 100 hashed subword tables
# (8 MB in the wheel). floret_a: 1.2M tokens of news + training-corpus text, 10 epochs;
# floret_b: the same plus 2.2M tokens of court decisions, 5 epochs (README compares them).
VECTOR_RECIPES: dict[str, list[str]] = {
    "floret_a": ["--sources", "gnad,wmt,labelled", "--epoch", "10"],
    "floret_b": ["--sources", "gnad,wmt,labelled,ler_full", "--epoch", "5"],
    # Only CC BY text (the labelled corpora's own sentences): what a shipped wheel may carry.
    "floret_open": ["--sources", "labelled", "--epoch", "10"],
}
DEFAULT_VECTORS = "floret_open"  # CC BY text only: what ships (floret_a scored 0.3 higher)

PACKAGE_NAME = "wirestream_ner"
PACKAGE_VERSION = "0.4.0"
META: dict[str, object] = {
    "name": PACKAGE_NAME,
    "lang": "de",
    "version": PACKAGE_VERSION,
    "description": "wirestream: German named entities (PER, ORG, LOC, MISC) for wire news; "
                   "CPU pipeline (sentencizer, tok2vec, ner) trained by training/de_ner.",
    "author": "wirestream",
    "email": "",
    "url": "",
    "license": "CC BY 4.0 (training data: GermEval 2014, DFKI SmartData, German LER, "
               "HIPE-2022: CC BY 4.0; Europeana Newspapers: CC0)",
}

SINGLE_THREAD = {
    "OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
    "BLIS_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1",
    "PYTHONHASHSEED": "0",
}

# source name -> the DocBins it contributes to training
SOURCE_FILES: dict[str, tuple[str, ...]] = {
    "germeval": ("germeval.train.spacy",),
    "smartdata_news": ("smartdata_news.train.spacy",),
    "smartdata_tweets": ("smartdata_tweets.train.spacy",),
    "ler": ("ler.train.spacy",),
    "historic": ("historic.train.spacy",),
    # GermEval 2014 test: in the shipped recipe since 0.1.0 final (+7.5 F1 on the
    # held-out GermEval dev part); evaluation then uses that held-out part.
    "germeval_test": ("germeval.test.spacy",),
    # Copies of the news sentences with their names swapped (augment.py).
    "news_swap": ("news_swap.train.spacy",),
    # WikiANN de train (silver, licence unspecified): measured only (README).
    "wikiann": ("wikiann.train.spacy",),
}


def run(cmd: list[str], log_path: Path | None = None) -> None:
    env = {**os.environ, **SINGLE_THREAD}
    print("+", " ".join(cmd), flush=True)
    if log_path is None:
        subprocess.run(cmd, check=True, env=env, cwd=REPO_ROOT)
        return
    with log_path.open("w", encoding="utf-8") as log:
        proc = subprocess.Popen(cmd, env=env, cwd=REPO_ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, text=True)
        assert proc.stdout is not None
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
            log.write(line)
        if proc.wait() != 0:
            raise subprocess.CalledProcessError(proc.returncode, cmd)


def assemble_train(name: str, sources: list[str]) -> Path:
    """A directory of symlinks to the chosen training DocBins ("src*2" repeats a source)."""
    train_dir = BUILD / "train" / name
    if train_dir.exists():
        shutil.rmtree(train_dir)
    train_dir.mkdir(parents=True)
    for spec in sources:
        source, _, times = spec.partition("*")
        if source not in SOURCE_FILES:
            raise SystemExit(f"unknown source {source!r}; known: {', '.join(SOURCE_FILES)}")
        for copy in range(int(times or 1)):
            for fname in SOURCE_FILES[source]:
                target = CORPUS / fname
                (train_dir / f"{copy}_{fname}").symlink_to(target)
    return train_dir


# Where the unlabelled text of the floret vectors comes from (vectors.py source names).
VECTOR_TEXT_LICENCES: dict[str, str] = {
    "gnad": "10kGNAD test split (DER STANDARD articles): CC BY-NC-SA 4.0",
    "wmt": "WMT21 newstest2021 German sides: WMT shared-task terms (research use)",
    "labelled": "token text of the training corpora (GermEval 2014, SmartData v1, LER "
                "dev/test): CC BY 4.0",
    "ler_full": "German LER court decisions (all 66k sentences): CC BY 4.0",
    "historic": "HIPE-2022 / Europeana newspapers: CC BY 4.0 / CC0",
}


# Who to credit for each training source (the wheel's meta.json lists those used).
SOURCE_CREDITS: dict[str, dict[str, str]] = {
    "germeval": {"name": "GermEval 2014 NER (test set and 75% of the dev set; the other 25% "
                         "of the dev set is held out for evaluation)",
                 "url": "https://sites.google.com/site/germeval2014ner/", "license": "CC BY 4.0",
                 "author": "Benikova, Biemann, Reznicek"},
    "smartdata": {"name": "DFKI SmartData Corpus v1 (news, RSS and tweets)",
                  "url": "https://github.com/DFKI-NLP/smartdata-corpus", "license": "CC BY 4.0",
                  "author": "Schiersch et al. (DFKI)"},
    "ler": {"name": "German Legal Entity Recognition (dev and test files)",
            "url": "https://github.com/elenanereiss/Legal-Entity-Recognition",
            "license": "CC BY 4.0", "author": "Leitner, Rehm, Moreno-Schneider"},
    "hipe": {"name": "HIPE-2022 NewsEye and SoNAR German", "url": "https://hipe-eval.github.io/",
             "license": "CC BY 4.0", "author": "HIPE-2022 organisers"},
    "europeana": {"name": "Europeana Newspapers NER (German)",
                  "url": "https://github.com/EuropeanaNewspapers/ner-corpora",
                  "license": "CC0", "author": "Europeana Newspapers"},
    "wikiann": {"name": "WikiANN German", "url": "https://github.com/afshinrahimi/mmner",
                "license": "unspecified (Wikipedia text, CC BY-SA)", "author": "Pan et al."},
}
SOURCE_CREDIT_OF: dict[str, tuple[str, ...]] = {
    "germeval": ("germeval",), "germeval_test": ("germeval",),
    "smartdata_news": ("smartdata",), "smartdata_tweets": ("smartdata",), "ler": ("ler",),
    "historic": ("hipe", "europeana"), "wikiann": ("wikiann",),
    "news_swap": ("germeval", "smartdata"),
}


def source_names(specs: str) -> list[str]:
    """``germeval*3,ler`` -> ["germeval", "ler"]."""
    return [spec.strip().partition("*")[0] for spec in specs.split(",") if spec.strip()]


def earlier_stages(init_from: Path | None) -> list[dict[str, object]]:
    """The summary.json of every run this one continues (--init-from), nearest first."""
    chain: list[dict[str, object]] = []
    while init_from is not None:
        summary = Path(init_from).resolve().parent / "summary.json"
        if not summary.exists():
            break
        chain.append(json.loads(summary.read_text(encoding="utf-8")))
        init_from = chain[-1].get("init_from")  # type: ignore[assignment]
    return chain


def all_sources(args: argparse.Namespace) -> list[str]:
    """This run's sources and, for a second stage, those of the runs it started from."""
    names = source_names(args.sources)
    for earlier in earlier_stages(args.init_from):
        names = source_names(str(earlier["sources"])) + names
    return list(dict.fromkeys(names))


def pretrained_tok2vec(args: argparse.Namespace) -> Path | None:
    """The pretrain.py weights this run, or a first stage it continues, started from."""
    if args.init_tok2vec is not None:
        return Path(args.init_tok2vec)
    for earlier in earlier_stages(args.init_from):
        if earlier.get("init_tok2vec"):
            return Path(str(earlier["init_tok2vec"]))
    return None


def package(model_dir: Path, vectors_dir: Path | None, sources: list[str],
            tok2vec_weights: Path | None = None) -> Path:
    meta_path = BUILD / "meta.json"
    manifest = json.loads((CORPUS / "manifest.json").read_text(encoding="utf-8"))
    meta = dict(META)
    meta["sources"] = [SOURCE_CREDITS[name] for name in dict.fromkeys(
        credit for source in sources for credit in SOURCE_CREDIT_OF[source])]
    if vectors_dir is not None:
        info = json.loads((vectors_dir / "vectors_info.json").read_text(encoding="utf-8"))
        info["text"] = [VECTOR_TEXT_LICENCES.get(src, src) for src in info["sources"].split(",")]
        meta["vectors_training"] = info
    if tok2vec_weights is not None:
        info = json.loads((tok2vec_weights.parent / "pretrain_info.json").read_text(
            encoding="utf-8"))
        info["weights"] = tok2vec_weights.name  # modelN.bin: after N + 1 epochs
        info["text"] = [VECTOR_TEXT_LICENCES.get(src, src) for src in info["sources"].split(",")]
        meta["tok2vec_pretraining"] = info
    meta["training_files"] = manifest["outputs"]
    meta_path.write_text(json.dumps(meta, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    out = BUILD / "package"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    run([sys.executable, "-m", "spacy", "package", str(model_dir), str(out),
         "--name", PACKAGE_NAME, "--version", PACKAGE_VERSION, "--meta-path", str(meta_path),
         "--build", "wheel", "--force"])
    wheels = sorted(out.rglob("*.whl"))
    if len(wheels) != 1:
        raise SystemExit(f"expected one wheel under {out}, found {wheels}")
    dest = BUILD / f"de_{PACKAGE_NAME}-{PACKAGE_VERSION}-py3-none-any.whl"
    shutil.copyfile(wheels[0], dest)
    print(f"wheel: {dest} ({dest.stat().st_size / 1e6:.2f} MB)")
    return dest


def sourced_config(init_from: Path, model_dir: Path) -> Path:
    """config.cfg with tok2vec and ner taken from ``init_from`` (spaCy resumes training
    sourced components rather than initialising them again)."""
    from spacy.util import load_config

    config = load_config(HERE / "config.cfg")
    for component in ("tok2vec", "ner"):
        config["components"][component] = {"source": str(init_from)}
    model_dir.mkdir(parents=True, exist_ok=True)
    path = model_dir / "config.sourced.cfg"
    config.to_disk(path)
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="convert -> train -> package de_wirestream_ner")
    parser.add_argument("--name", default="final", help="run name (build/model/NAME)")
    parser.add_argument("--sources", default=DEFAULT_SOURCES,
                        help=f"comma-separated training sources ({', '.join(SOURCE_FILES)}); "
                             "'src*2' repeats one")
    parser.add_argument("--data-dir", type=Path, default=None, help="../shared/data/ner")
    parser.add_argument("--skip-convert", action="store_true",
                        help="reuse build/corpus if it exists")
    parser.add_argument("--vectors", default=DEFAULT_VECTORS,
                        help=f"floret vectors to build and use (build/vectors/NAME): "
                             f"{', '.join(VECTOR_RECIPES)} or 'none'")
    parser.add_argument("--skip-vectors", action="store_true",
                        help="reuse build/vectors/NAME if it exists")
    parser.add_argument("--no-package", action="store_true", help="train only")
    parser.add_argument("--max-steps", type=int, default=None, help="override training.max_steps")
    parser.add_argument("--seed", type=int, default=SEED,
                        help="spaCy's system.seed (initialisation and batch order)")
    parser.add_argument("--init-from", type=Path, default=None,
                        help="a trained pipeline (e.g. build/model/RUN/model-best) whose tok2vec "
                             "and ner are trained further instead of starting from scratch: "
                             "the second stage of a broad-then-news recipe")
    parser.add_argument("--init-tok2vec", type=Path, default=None,
                        help="pretrained tok2vec weights (pretrain.py: "
                             "build/pretrain/NAME/modelN.bin) to start from")
    parser.add_argument("overrides", nargs="*", help="extra spaCy overrides, e.g. "
                        "--training.dropout=0.3 (put them after --)")
    args = parser.parse_args(argv)

    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    if not (args.skip_convert and (CORPUS / "manifest.json").exists()):
        cmd = [sys.executable, str(HERE / "convert.py"), "--out", str(CORPUS)]
        if args.data_dir is not None:
            cmd += ["--data-dir", str(args.data_dir)]
        run(cmd)
    timings["convert_s"] = time.perf_counter() - t0

    vector_args: list[str] = []
    vectors_dir: Path | None = None
    if args.vectors != "none":
        vectors_dir = VECTORS / args.vectors
        t1 = time.perf_counter()
        if not (args.skip_vectors and (vectors_dir / "vectors_info.json").exists()):
            if args.vectors not in VECTOR_RECIPES:
                raise SystemExit(f"unknown vectors {args.vectors!r}")
            run([sys.executable, str(HERE / "vectors.py"), "--name", args.vectors,
                 *VECTOR_RECIPES[args.vectors]])
        timings["vectors_s"] = time.perf_counter() - t1
        vector_args = ["--paths.vectors", str(vectors_dir)]
    else:  # the config expects static vectors; switch them off for a no-vectors experiment
        vector_args = ["--components.tok2vec.model.embed.include_static_vectors", "false"]

    swap_file = CORPUS / SOURCE_FILES["news_swap"][0]
    if "news_swap" in source_names(args.sources) and not swap_file.exists():
        run([sys.executable, str(HERE / "augment.py")])
    train_dir = assemble_train(args.name, [s.strip() for s in args.sources.split(",") if s])
    model_dir = BUILD / "model" / args.name
    config_path = HERE / "config.cfg"
    if args.init_from is not None:
        config_path = sourced_config(args.init_from.resolve(), model_dir)
    if args.init_tok2vec is not None:
        if args.init_from is not None:
            raise SystemExit("--init-tok2vec and --init-from exclude each other")
        # spaCy loads init_tok2vec only when the config has a [pretraining] block (it names
        # the layer the weights go to); config.cfg's is empty, pretrain.py wrote a filled one.
        config_path = args.init_tok2vec.resolve().parent / "config.pretrain.cfg"
        if not (args.init_tok2vec.exists() and config_path.exists()):
            raise SystemExit(f"{args.init_tok2vec} or {config_path} missing: run pretrain.py")
    cmd = [sys.executable, "-m", "spacy", "train", str(config_path),
           "--output", str(model_dir), "--gpu-id", "-1",
           "--paths.train", str(train_dir), "--paths.dev", str(CORPUS / "germeval.dev.spacy"),
           "--system.seed", str(args.seed), *vector_args]
    if args.max_steps is not None:
        cmd += ["--training.max_steps", str(args.max_steps)]
    if args.init_tok2vec is not None:
        cmd += ["--paths.init_tok2vec", str(args.init_tok2vec.resolve())]
    cmd += args.overrides
    model_dir.mkdir(parents=True, exist_ok=True)
    t2 = time.perf_counter()
    run(cmd, log_path=model_dir / "train.log")
    timings["train_s"] = time.perf_counter() - t2

    # Scores of the best model on both dev sets (GermEval part: all labels; SmartData: no MISC).
    scores: dict[str, object] = {}
    for dev in ("germeval.dev", "smartdata_news.dev"):
        out_json = model_dir / f"eval_{dev}.json"
        run([sys.executable, "-m", "spacy", "evaluate", str(model_dir / "model-best"),
             str(CORPUS / f"{dev}.spacy"), "--output", str(out_json)])
        data = json.loads(out_json.read_text(encoding="utf-8"))
        scores[dev] = {k: data[k] for k in ("ents_p", "ents_r", "ents_f", "ents_per_type")}

    if not args.no_package:
        t3 = time.perf_counter()
        package(model_dir / "model-best", vectors_dir, all_sources(args),
                pretrained_tok2vec(args))
        timings["package_s"] = time.perf_counter() - t3
    summary = {"name": args.name, "sources": args.sources, "seed": args.seed,
               "init_from": str(args.init_from) if args.init_from else None,
               "init_tok2vec": str(args.init_tok2vec.resolve()) if args.init_tok2vec else None,
               **timings,
               "dev_scores": scores}
    (model_dir / "summary.json").write_text(json.dumps(summary, indent=1) + "\n", encoding="utf-8")
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
