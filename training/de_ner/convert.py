"""Convert the German NER corpora in ../shared/data/ner to spaCy DocBins (PER, ORG, LOC, MISC).

Every corpus is read by path (never copied), mapped to one label scheme and written to
``training/de_ner/build/corpus/<source>.<split>.spacy`` together with ``manifest.json``
(input files, sentence and entity counts). Splits are deterministic (SHA-1 of a key).

GermEval 2014 *test* is only ever written as ``germeval.test.spacy`` for evaluation; no
training source reads it.

Usage::

    python training/de_ner/convert.py [--data-dir ../shared/data/ner] [--out build/corpus]
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import spacy
from spacy.language import Language
from spacy.tokens import Doc, DocBin, Span
from spacy.vocab import Vocab

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
DEFAULT_DATA_DIR = REPO_ROOT.parent / "shared" / "data" / "ner"
DEFAULT_OUT = HERE / "build" / "corpus"

LABELS = ("PER", "ORG", "LOC", "MISC")
MISSING = "-"  # pseudo label: tokens whose annotation is unknown in our scheme

# Percent of GermEval-2014 dev sentences (grouped by their source URL) kept as our dev set,
# and percent of SmartData documents held out as a second (PER/ORG/LOC only) dev set.
GERMEVAL_DEV_PERCENT = 25
SMARTDATA_DEV_PERCENT = 10

# --- label maps -------------------------------------------------------------------------

# GermEval 2014 outer level. *deriv (e.g. "iranische", "Berliner" as an adjective) -> MISC,
# as CoNLL-2003 tags nationality/derived adjectives and as the project maps NORP;
# *part (e.g. "SPD-Politiker", "Anti-Iran-Schritt") -> O: the token is not a name.
GERMEVAL_MAP: dict[str, str | None] = {
    "PER": "PER", "ORG": "ORG", "LOC": "LOC", "OTH": "MISC",
    "PERderiv": "MISC", "ORGderiv": "MISC", "LOCderiv": "MISC", "OTHderiv": "MISC",
    "PERpart": None, "ORGpart": None, "LOCpart": None, "OTHpart": None,
}

# German LER (court decisions), fine-grained classes. Legal norms, regulations, contracts,
# case-law citations and literature are not names in the news sense -> missing (unknown).
LER_MAP: dict[str, str | None] = {
    "PER": "PER", "RR": "PER", "AN": "PER",  # person, judge, lawyer
    "LD": "LOC", "ST": "LOC", "STR": "LOC", "LDS": "LOC",  # country, city, street, landscape
    "ORG": "ORG", "UN": "ORG", "INN": "ORG", "GRT": "ORG",  # org, company, institution, court
    "MRK": "MISC",  # brand
    "GS": MISSING, "VO": MISSING, "EUN": MISSING, "VS": MISSING, "VT": MISSING,
    "RS": MISSING, "LIT": MISSING,
}

# DFKI SmartData concept types. Non-name types (numbers, dates, triggers, positions...) -> O.
# Train/bus lines ("IC 2083", "S2") are not consistently names -> missing.
SMARTDATA_MAP: dict[str, str | None] = {
    "person": "PER",
    "organization": "ORG", "organization-company": "ORG",
    "location": "LOC", "location-city": "LOC", "location-stop": "LOC", "location-street": "LOC",
    "location-route": MISSING,
    "org-position": None, "number": None, "date": None, "time": None, "duration": None,
    "distance": None, "trigger": None, "disaster-type": None,
}

# HIPE-2022 (NewsEye, SoNAR) coarse literal classes and Europeana BIO labels.
HISTORIC_MAP: dict[str, str | None] = {
    "PER": "PER", "LOC": "LOC", "ORG": "ORG", "HUMANPROD": "MISC", "MISC": "MISC",
}

# WikiANN (silver labels from Wikipedia links; licence unspecified): measured, not shipped.
WIKIANN_MAP: dict[str, str | None] = {"PER": "PER", "ORG": "ORG", "LOC": "LOC"}

# A location written lower-case in SmartData is an adjective ("deutschen", "französische"):
# MISC like GermEval's LOCderiv. Other lower-case locations ("beiden Richtungen") -> missing.
_ADJECTIVE = re.compile(r"(isch|sch|er)(e|en|er|es|em)?$")


@dataclass
class Stats:
    sentences: int = 0
    tokens: int = 0
    entities: Counter[str] = field(default_factory=Counter)

    def add(self, doc: Doc) -> None:
        self.sentences += 1
        self.tokens += len(doc)
        self.entities.update(ent.label_ for ent in doc.ents)

    def to_dict(self) -> dict[str, object]:
        return {"sentences": self.sentences, "tokens": self.tokens,
                "entities": dict(sorted(self.entities.items()))}


def bucket(key: str) -> int:
    """A stable number in 0..99 for a split key (independent of PYTHONHASHSEED)."""
    return int(hashlib.sha1(key.encode("utf-8")).hexdigest()[:8], 16) % 100


# --- building docs from token lists -------------------------------------------------------

_NO_SPACE_BEFORE = {",", ".", ";", ":", "!", "?", ")", "]", "}", "%", "“", "”", "«", "'", "…"}
_NO_SPACE_AFTER = {"(", "[", "{", "„", "»", "‚"}


def guess_spaces(words: list[str]) -> list[bool]:
    """Whitespace after each token of a pre-tokenised sentence, so its text reads naturally."""
    spaces = [True] * len(words)
    quote_open = False
    for i, word in enumerate(words):
        if word == '"':
            if quote_open:
                if i > 0:
                    spaces[i - 1] = False
            else:
                spaces[i] = False
            quote_open = not quote_open
        if word in _NO_SPACE_BEFORE and i > 0:
            spaces[i - 1] = False
        if word in _NO_SPACE_AFTER:
            spaces[i] = False
    if spaces:
        spaces[-1] = False
    return spaces


def bio_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, label) token spans from IOB1/IOB2 tags; a stray I- starts an entity."""
    spans: list[tuple[int, int, str]] = []
    start, label = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        prefix, _, name = tag.partition("-")
        if prefix not in {"B", "I"} or not name:
            prefix, name = "O", ""
        if start >= 0 and (prefix != "I" or name != label):
            spans.append((start, i, label))
            start, label = -1, ""
        if prefix == "B" or (prefix == "I" and start < 0):
            start, label = i, name
    return spans


def make_doc(vocab: Vocab, words: list[str], spans: Iterable[tuple[int, int, str | None]],
             spaces: list[bool] | None = None) -> Doc:
    """A Doc with entities set; label MISSING marks unknown tokens, None means O."""
    doc = Doc(vocab, words=words, spaces=spaces if spaces is not None else guess_spaces(words))
    set_entities(doc, [doc[s:e] if lab is None else Span(doc, s, e, label=lab)
                       for s, e, lab in spans if e > s], [])
    return doc


def set_entities(doc: Doc, spans: list[Span], extra_missing: list[Span]) -> None:
    """Set non-overlapping entities (longer first); MISSING-labelled spans and
    ``extra_missing`` become missing (unknown) tokens, unlabelled spans stay O."""
    taken = [False] * len(doc)
    ents: list[Span] = []
    missing: list[Span] = []
    ordered = sorted(spans, key=lambda sp: (-(sp.end - sp.start), sp.start))
    candidates = [(sp, sp.label_ == MISSING) for sp in ordered if sp.label_]
    candidates += [(sp, True) for sp in extra_missing]
    for span, is_missing in candidates:
        if any(taken[span.start:span.end]):
            continue  # overlaps an entity already placed
        for i in range(span.start, span.end):
            taken[i] = True
        if is_missing:
            missing.append(doc[span.start:span.end])
        else:
            ents.append(span)
    doc.set_ents(ents, missing=missing, default="outside")


# --- readers ---------------------------------------------------------------------------

def read_germeval(path: Path, vocab: Vocab) -> Iterator[tuple[str, Doc]]:
    """GermEval 2014 TSV: yields (source URL line, sentence doc); outer level only."""
    key = ""
    words: list[str] = []
    tags: list[str] = []

    def flush() -> Iterator[tuple[str, Doc]]:
        if words:
            spans = [(s, e, GERMEVAL_MAP[lab]) for s, e, lab in bio_spans(tags)]
            yield key, make_doc(vocab, list(words), spans)
        words.clear()
        tags.clear()

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("#\t") or line.startswith("# "):
                yield from flush()
                key = line
                continue
            if not line.strip():
                yield from flush()
                continue
            cols = line.split("\t")
            words.append(cols[1])
            tags.append(cols[2])
    yield from flush()


def read_conll2(lines: Iterable[str], vocab: Vocab, label_map: dict[str, str | None],
                max_len: int = 0, split_on_period: bool = False) -> Iterator[Doc]:
    """Two-column 'token TAG' files (LER, Europeana). Unknown tags are treated as O."""
    words: list[str] = []
    tags: list[str] = []

    def flush() -> Iterator[Doc]:
        if words:
            spans = [(s, e, label_map.get(lab.upper(), label_map.get(lab)))
                     for s, e, lab in bio_spans(tags)]
            yield make_doc(vocab, list(words), spans)
        words.clear()
        tags.clear()

    for raw in lines:
        line = raw.rstrip("\n")
        if line.startswith("# "):
            yield from flush()
            continue
        parts = line.split()
        if len(parts) < 2:
            yield from flush()
            continue
        words.append(parts[0])
        tags.append(parts[-1])
        at_period = split_on_period and parts[0] in {".", "!", "?"} and tags[-1] == "O"
        if at_period or (max_len and len(words) >= max_len and tags[-1] == "O"):
            yield from flush()
    yield from flush()


def read_hipe(path: Path, vocab: Vocab) -> Iterator[Doc]:
    """HIPE-2022 TSV: NE-COARSE-LIT column, sentences end at EndOfSentence."""
    words: list[str] = []
    spaces: list[bool] = []
    tags: list[str] = []

    def flush() -> Iterator[Doc]:
        if words:
            spans = [(s, e, HISTORIC_MAP.get(lab.upper(), MISSING))
                     for s, e, lab in bio_spans(tags)]
            yield make_doc(vocab, list(words), spans, spaces=list(spaces))
        words.clear()
        spaces.clear()
        tags.clear()

    with path.open(encoding="utf-8") as fh:
        for line in fh:
            line = line.rstrip("\n")
            if line.startswith("TOKEN\t") or line.startswith("#"):
                if line.startswith("# hipe2022:document_id"):
                    yield from flush()
                continue
            cols = line.split("\t")
            if len(cols) < 10 or not cols[0]:
                continue
            words.append(cols[0])
            spaces.append("NoSpaceAfter" not in cols[9])
            tags.append(cols[1])
            if "EndOfSentence" in cols[9] or len(words) >= 120:
                yield from flush()
    yield from flush()


def load_json_stream(path: Path) -> Iterator[dict[str, object]]:
    """SmartData .json.gz files are concatenated JSON objects."""
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        text = fh.read()
    decoder = json.JSONDecoder()
    pos = 0
    while True:
        while pos < len(text) and text[pos].isspace():
            pos += 1
        if pos >= len(text):
            return
        obj, pos = decoder.raw_decode(text, pos)
        yield obj


def smartdata_label(concept_type: str, surface: str) -> str | None:
    label = SMARTDATA_MAP.get(concept_type, MISSING)
    if label == "LOC" and surface[:1].islower():
        last = surface.split("-")[-1]
        return "MISC" if " " not in surface and _ADJECTIVE.search(last) else MISSING
    return label


def read_smartdata(path: Path, nlp: Language,
                   seen: set[str] | None = None) -> Iterator[tuple[str, str, Doc]]:
    """SmartData v1 JSON: yields (document id, source kind, sentence doc).

    Text is tokenised with the pipeline's own German tokenizer; paragraphs are the lines
    of the document, split into sentences by the rule-based sentencizer. Documents whose
    text is in ``seen`` (duplicates) are skipped.
    """
    seen = seen if seen is not None else set()
    for obj in load_json_stream(path):
        text: str = obj["text"]["string"]  # type: ignore[index]
        digest = hashlib.sha1(" ".join(text.split()).encode("utf-8")).hexdigest()
        if digest in seen:
            continue
        seen.add(digest)
        doc_id: str = obj["id"]  # type: ignore[assignment]
        kind = str(((obj.get("refids") or {}).get("map") or {}).get("source", ""))  # type: ignore[union-attr]
        mentions = [(m["span"]["start"], m["span"]["end"], m["type"])  # type: ignore[index]
                    for m in ((obj.get("conceptMentions") or {}).get("array") or [])]  # type: ignore[union-attr]
        offset = 0
        for para in text.split("\n"):
            p_start, p_end = offset, offset + len(para)
            offset = p_end + 1
            if not para.strip():
                continue
            doc = nlp(para)
            spans: list[Span] = []
            missing: list[Span] = []
            for start, end, ctype in mentions:
                if start < p_start or end > p_end or end <= start:
                    continue
                label = smartdata_label(ctype, text[start:end])
                if label is None:
                    continue  # not a name: O
                s, e = start - p_start, end - p_start
                exact = doc.char_span(s, e, label=label if label != MISSING else "")
                if exact is not None and label != MISSING:
                    spans.append(exact)
                else:
                    # unknown type, or boundaries inside a token ("Lufthansa-Chef")
                    expanded = doc.char_span(s, e, alignment_mode="expand")
                    if expanded is not None:
                        missing.append(expanded)
            set_entities(doc, spans, missing)
            # never split a sentence inside an entity
            for ent in doc.ents:
                for tok in ent[1:]:
                    tok.is_sent_start = False
            for sent in doc.sents:
                if sent.text.strip():
                    yield doc_id, kind, sent.as_doc()


# --- the conversion plan ----------------------------------------------------------------

@dataclass
class Output:
    name: str
    files: list[str]
    stats: Stats = field(default_factory=Stats)
    docbin: DocBin = field(default_factory=lambda: DocBin(store_user_data=False))

    def add(self, doc: Doc) -> None:
        self.docbin.add(doc)
        self.stats.add(doc)


def tokenizer_pipeline() -> Language:
    nlp = spacy.blank("de")
    nlp.add_pipe("sentencizer")
    return nlp


def convert(data_dir: Path, out_dir: Path, log: Callable[[str], None] = print) -> dict[str, object]:
    if not data_dir.is_dir():
        raise FileNotFoundError(f"NER data not found at {data_dir}")
    out_dir.mkdir(parents=True, exist_ok=True)
    nlp = tokenizer_pipeline()
    vocab = nlp.vocab
    outputs: dict[str, Output] = {}

    def out(name: str, *files: Path) -> Output:
        rel = [str(f.relative_to(data_dir)) for f in files]
        if name not in outputs:
            outputs[name] = Output(name, [])
        outputs[name].files.extend(r for r in rel if r not in outputs[name].files)
        return outputs[name]

    ge_dev = data_dir / "germeval2014" / "NER-de-dev.tsv"
    for key, doc in read_germeval(ge_dev, vocab):
        split = "dev" if bucket(key) < GERMEVAL_DEV_PERCENT else "train"
        out(f"germeval.{split}", ge_dev).add(doc)
    ge_test = data_dir / "germeval2014" / "NER-de-test.tsv"
    for _key, doc in read_germeval(ge_test, vocab):
        out("germeval.test", ge_test).add(doc)
    log("germeval done")

    seen_docs: set[str] = set()
    for sub in ("train", "test"):
        path = data_dir / "smartdata_de" / "v1_20180119" / f"{sub}.json.gz"
        for doc_id, kind, doc in read_smartdata(path, nlp, seen_docs):
            split = "dev" if bucket(doc_id) < SMARTDATA_DEV_PERCENT else "train"
            group = "tweets" if kind == "tweet" else "news"
            out(f"smartdata_{group}.{split}", path).add(doc)
    log("smartdata done")

    for name in ("ler_dev.conll", "ler_test.conll"):
        path = data_dir / "ler_de" / name
        with path.open(encoding="utf-8") as fh:
            for doc in read_conll2(fh, vocab, LER_MAP):
                out("ler.train", path).add(doc)
    log("ler done")

    for path in sorted((data_dir / "hipe2022_de").glob("HIPE-2022-v2.1-*-de.tsv")):
        for doc in read_hipe(path, vocab):
            out("historic.train", path).add(doc)
    for path in sorted((data_dir / "europeana_de").glob("enp_DE.*.bio")):
        with path.open(encoding="utf-8") as fh:
            for doc in read_conll2(fh, vocab, HISTORIC_MAP, max_len=60, split_on_period=True):
                out("historic.train", path).add(doc)
    log("historic done")

    # WikiANN de train: "de:" prefixes removed; only for measuring its contribution.
    path = data_dir / "wikiann" / "de" / "train"
    with path.open(encoding="utf-8") as fh:
        lines = (line.removeprefix("de:") for line in fh)
        for doc in read_conll2(lines, vocab, WIKIANN_MAP):
            out("wikiann.train", path).add(doc)
    log("wikiann done")

    heldout = write_germeval_heldout(data_dir, out_dir / "germeval_heldout.tsv")
    log(f"germeval_heldout.tsv: {heldout} sentences")

    manifest: dict[str, object] = {"data_dir": str(data_dir), "outputs": {}}
    for name, output in sorted(outputs.items()):
        target = out_dir / f"{name}.spacy"
        output.docbin.to_disk(target)
        manifest["outputs"][name] = {"files": output.files, **output.stats.to_dict()}  # type: ignore[index]
        log(f"{name}: {output.stats.to_dict()}")
    text = json.dumps(manifest, indent=1, ensure_ascii=False) + "\n"
    (out_dir / "manifest.json").write_text(text, encoding="utf-8")
    return manifest


def write_germeval_heldout(data_dir: Path, target: Path) -> int:
    """The held-out GermEval dev sentences as raw GermEval TSV (for bench/eval_ner.py
    --format germeval); same split as ``germeval.dev``. Returns the sentence count."""
    path = data_dir / "germeval2014" / "NER-de-dev.tsv"
    blocks: list[list[str]] = [[]]
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip():
                blocks[-1].append(line)
            elif blocks[-1]:
                blocks.append([])
    kept = [b for b in blocks if b and b[0].startswith("#")
            and bucket(b[0].rstrip("\n")) < GERMEVAL_DEV_PERCENT]
    target.write_text("".join("".join(b) + "\n" for b in kept), encoding="utf-8")
    return len(kept)


def germeval_heldout_docs(data_dir: Path, vocab: Vocab | None = None) -> list[Doc]:
    """The held-out evaluation sentences of the shipped recipe: the GermEval 2014 dev
    sentences the deterministic split keeps out of training (about 25%)."""
    vocab = vocab if vocab is not None else spacy.blank("de").vocab
    path = data_dir / "germeval2014" / "NER-de-dev.tsv"
    return [doc for key, doc in read_germeval(path, vocab)
            if bucket(key) < GERMEVAL_DEV_PERCENT]


def germeval_test_docs(data_dir: Path, vocab: Vocab | None = None) -> list[Doc]:
    """The held-out evaluation sentences (GermEval 2014 test), converted as for training."""
    vocab = vocab if vocab is not None else spacy.blank("de").vocab
    path = data_dir / "germeval2014" / "NER-de-test.tsv"
    return [doc for _key, doc in read_germeval(path, vocab)]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA_DIR)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = parser.parse_args(argv)
    try:
        convert(args.data_dir.resolve(), args.out)
    except FileNotFoundError as exc:
        print(f"convert: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
