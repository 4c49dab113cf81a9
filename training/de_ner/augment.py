"""Mention-swap augmentation: copies of the news sentences with other names in the same slots.

A small NER model partly learns which names it has seen rather than which contexts hold a
name. Each copy keeps a sentence's words and replaces every PER, ORG and LOC mention with a
mention of the same label drawn from the whole news pool ("Merkel traf Putin" ->
"Schröder traf Obama"), so the same context is seen with names it cannot have memorised.
MISC mentions (mostly inflected adjectives such as "iranische") and unannotated tokens are
left as they are. Deterministic (seeded).

    python training/de_ner/augment.py      # -> build/corpus/news_swap.train.spacy
"""

from __future__ import annotations

import argparse
import json
import random
from collections import defaultdict
from pathlib import Path

from spacy.tokens import Doc

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "build" / "corpus"
# The news training DocBins (convert.py); never the held-out dev parts.
NEWS_DOCBINS = ("germeval.train", "germeval.test", "smartdata_news.train")
SWAPPED_LABELS = frozenset({"PER", "ORG", "LOC"})
SEED = 0

Mention = tuple[tuple[str, ...], tuple[bool, ...]]  # words and their trailing spaces


def swap_mentions(doc: Doc, pool: dict[str, list[Mention]], rng: random.Random) -> Doc | None:
    """A new Doc with every PER/ORG/LOC entity of ``doc`` replaced from ``pool``; None when
    the sentence has no such entity."""
    if not any(ent.label_ in SWAPPED_LABELS for ent in doc.ents):
        return None
    words: list[str] = []
    spaces: list[bool] = []
    tags: list[str | None] = []
    i = 0
    starts = {ent.start: ent for ent in doc.ents}
    while i < len(doc):
        ent = starts.get(i)
        if ent is not None:
            if ent.label_ in SWAPPED_LABELS:
                new_words, new_spaces = rng.choice(pool[ent.label_])
                new_spaces = (*new_spaces[:-1], bool(doc[ent.end - 1].whitespace_))
            else:
                new_words = tuple(t.text for t in ent)
                new_spaces = tuple(bool(t.whitespace_) for t in ent)
            words.extend(new_words)
            spaces.extend(new_spaces)
            tags.extend([f"B-{ent.label_}"] + [f"I-{ent.label_}"] * (len(new_words) - 1))
            i = ent.end
            continue
        token = doc[i]
        words.append(token.text)
        spaces.append(bool(token.whitespace_))
        # "O" is a known non-name; an empty IOB tag is an unannotated token (kept missing).
        tags.append("O" if token.ent_iob_ == "O" else None)
        i += 1
    return Doc(doc.vocab, words=words, spaces=spaces, ents=tags)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--copies", type=int, default=1, help="swapped copies per sentence")
    parser.add_argument("--out", type=Path, default=CORPUS / "news_swap.train.spacy")
    args = parser.parse_args(argv)

    import spacy
    from spacy.tokens import DocBin

    vocab = spacy.blank("de").vocab
    docs = []
    for name in NEWS_DOCBINS:
        path = CORPUS / f"{name}.spacy"
        if not path.exists():
            raise SystemExit(f"{path} missing: run convert.py first")
        docs.extend(DocBin().from_disk(path).get_docs(vocab))
    pool: dict[str, list[Mention]] = defaultdict(list)
    for doc in docs:
        for ent in doc.ents:
            if ent.label_ in SWAPPED_LABELS:
                pool[ent.label_].append((tuple(t.text for t in ent),
                                         tuple(bool(t.whitespace_) for t in ent)))
    rng = random.Random(SEED)
    out = DocBin(store_user_data=False)
    for _ in range(args.copies):
        for doc in docs:
            swapped = swap_mentions(doc, pool, rng)
            if swapped is not None:
                out.add(swapped)
    out.to_disk(args.out)
    info = {"sentences_in": len(docs), "copies": len(out),
            "pool": {label: len(mentions) for label, mentions in sorted(pool.items())}}
    print(json.dumps(info))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
