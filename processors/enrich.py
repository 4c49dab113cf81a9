"""Batch enrichment: language id and entities for many articles at once.

Runs inside worker processes (never on the event loop). Pipelines are loaded
once per process and kept; ``configure`` is the process-pool initializer.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from wirestream.processors.article import Article
from wirestream.processors.entities import entities_from_doc, nlp_text
from wirestream.processors.entity_linking import link_entities, warm_up_linker
from wirestream.processors.events import EVENT_LANGUAGES, code_events
from wirestream.processors.language import identify
from wirestream.processors.news_names import PIPE_NAME as NEWS_NAMES_PIPE
from wirestream.processors.news_names import add_news_names
from wirestream.processors.pipelines import (
    EVENT_COMPONENTS,
    NER_COMPONENTS,
    UNKNOWN_LANGUAGE,
    PipelineInfo,
    choose_pipeline,
    load_pipeline,
    pipeline_version,
)
from wirestream.processors.records import Enrichment, EnrichmentError, convert

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

log = logging.getLogger(__name__)


@dataclass
class EnrichConfig:
    models: dict[str, list[str]]
    languages: tuple[str, ...]
    nlp_batch_size: int = 16
    news_names: bool = True  # add the project's gazetteer ruler before ner
    events: bool = True  # code events (keeps the parser and lemmatizer enabled)


@dataclass
class _State:
    config: EnrichConfig | None = None
    pipelines: dict[str, tuple[Language | None, PipelineInfo]] = field(default_factory=dict)


_STATE = _State()


def configure(config: EnrichConfig, preload: bool = True) -> None:
    """Set the process's configuration and (optionally) load every pipeline now."""
    _STATE.config = config
    _STATE.pipelines.clear()
    if preload:
        for language in config.models:
            _pipeline_for(language)
        warm_up_linker()


def _pipeline_for(language: str) -> tuple[Language | None, PipelineInfo]:
    cached = _STATE.pipelines.get(language)
    if cached is not None:
        return cached
    assert _STATE.config is not None, "configure() was not called in this process"
    # A language nobody configured (Finnish when only en/de are) has no candidates:
    # it gets no pipeline, never another language's.
    candidates = tuple(_STATE.config.models.get(language, []))
    name = choose_pipeline(language, _STATE.config.models)
    nlp: Language | None = None
    version: str | None = None
    layers: tuple[str, ...] = ()
    if name is not None:
        # The parser and lemmas only for languages the event coder reads.
        wants_events = _STATE.config.events and language in EVENT_LANGUAGES
        nlp = load_pipeline(name, EVENT_COMPONENTS if wants_events else NER_COMPONENTS)
        version = pipeline_version(nlp)
        if _STATE.config.news_names and add_news_names(nlp):
            layers = (NEWS_NAMES_PIPE,)
    info = PipelineInfo(language=language, name=name, version=version, candidates=candidates,
                        layers=layers)
    _STATE.pipelines[language] = (nlp, info)
    return nlp, info


def installed_pipelines() -> list[dict[str, object]]:
    """What this process chose per configured language (for model-info metrics)."""
    assert _STATE.config is not None
    return [_pipeline_for(lang)[1].to_dict() for lang in _STATE.config.models]


def enrich_batch(articles: list[Article]) -> list[Enrichment | EnrichmentError]:
    """Enrich each article; one failing article yields an ``EnrichmentError``, not a raise.

    The coders work on plain dicts; each result is checked against the record types
    here, at the boundary, so a shape the schema does not allow fails this article
    only (dead-lettered) instead of reaching the topic."""
    assert _STATE.config is not None, "configure() was not called in this process"
    config = _STATE.config
    results: list[dict[str, Any]] = [{} for _ in articles]
    by_language: dict[str | None, list[int]] = {}
    for i, article in enumerate(articles):
        try:
            text = f"{article.headline}\n{article.body}"
            guess = identify(text, article.language, config.languages)
            results[i]["language"] = guess.code
            results[i]["language_detection"] = {
                "detected": guess.detected, "confidence": guess.confidence,
                "declared": guess.declared,
            }
            by_language.setdefault(guess.code, []).append(i)
        except Exception as exc:  # one bad article must not sink the batch
            results[i] = _error("language", exc)
    for language, indices in by_language.items():
        _entities_for(language, [articles[i] for i in indices], [results[i] for i in indices],
                      config.nlp_batch_size)
    return [_typed(result) for result in results]


def _typed(result: dict[str, Any]) -> Enrichment | EnrichmentError:
    if "error" in result:
        return EnrichmentError(**result["error"])
    try:
        return convert(result, Enrichment)
    except ValueError as exc:  # a coder emitted what the record types do not allow
        return EnrichmentError(**_error("records", exc)["error"])


def _entities_for(language: str | None, articles: list[Article],
                  results: list[dict[str, Any]], batch_size: int) -> None:
    nlp, info = (None, PipelineInfo(UNKNOWN_LANGUAGE, None, None, ())) if language is None \
        else _pipeline_for(language)
    for result in results:
        result["model"] = info.to_dict()
        result["entities"] = []
        result["places"] = []
        result["events"] = []
    if nlp is None:
        return
    texts = [nlp_text(a.headline, a.body) for a in articles]
    started = time.perf_counter()
    docs: list[Doc | None]
    try:
        docs = list(nlp.pipe([t for t, _ in texts], batch_size=batch_size))
    except Exception:
        # Find the poison article: run one by one so the rest of the batch survives.
        docs = []
        for (text, _), result in zip(texts, results, strict=True):
            try:
                docs.append(nlp(text))
            except Exception as exc:
                result.update(_error("ner", exc))
                docs.append(None)
    seconds = time.perf_counter() - started
    for doc, (_, body_offset), article, result in zip(docs, texts, articles, results,
                                                      strict=True):
        if doc is None:
            continue
        result["nlp_seconds"] = seconds / max(1, len(articles))
        try:
            linked_at = time.perf_counter()
            linked = link_entities(entities_from_doc(doc, body_offset),
                                   headline=article.headline, body=article.body,
                                   language=language, dateline=article.dateline)
            result["entities"] = linked.entities
            result["places"] = linked.places
            result["link_seconds"] = time.perf_counter() - linked_at
        except Exception as exc:  # a linking bug must not sink the batch
            result.update(_error("entities", exc))
            continue
        if not _STATE.config or not _STATE.config.events or language not in EVENT_LANGUAGES:
            continue  # no lexicon for this language: no events rather than wrong ones
        try:
            coded_at = time.perf_counter()
            result["events"] = code_events(
                doc, language=language or "und", article_id=article.id,
                version=article.version, body_offset=body_offset,
                published_at=article.version_created or article.first_created,
                entities=linked.entities, places=_with_mentions(linked.places, linked.entities),
                dateline=article.dateline)
            result["event_seconds"] = time.perf_counter() - coded_at
        except Exception as exc:  # the poison article is dead-lettered alone
            result.update(_error("events", exc))


def _with_mentions(places: list[dict[str, Any]], entities: list[dict[str, Any]]
                   ) -> list[dict[str, Any]]:
    """Places with their entity's named mentions: the event coder locates events by
    position, and an adjective ("ostiranischen") is not where something happened."""
    mentions = {e["id"]: [m for m in e["mentions"] if "kind" not in m] for e in entities}
    return [{**place, "mentions": mentions.get(place["id"], [])} for place in places]


def _error(stage: str, exc: BaseException) -> dict[str, Any]:
    log.exception("enrichment failed at %s", stage)
    return {"error": {"stage": stage, "error_class": type(exc).__name__,
                      "message": str(exc)[:500]}}


def split_by_words(articles: list[Article], parts: int) -> list[list[Article]]:
    """At most ``parts`` contiguous, non-empty chunks of roughly equal word counts (spaCy
    time grows with words), in order: each article goes to the chunk its midpoint falls in."""
    if parts <= 1 or len(articles) <= 1:
        return [articles]
    sizes = [article.word_count + 1 for article in articles]
    share = sum(sizes) / parts
    chunks: list[list[Article]] = [[] for _ in range(parts)]
    before = 0
    for article, size in zip(articles, sizes, strict=True):
        chunks[min(parts - 1, int((before + size / 2) / share))].append(article)
        before += size
    return [chunk for chunk in chunks if chunk]
