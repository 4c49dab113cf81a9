"""The broker-free harness chains the stages' steps: verdicts, copies, kills, dead letters."""

from __future__ import annotations

import hashlib
import json

import msgspec

from wirestream.processors.article import Article
from wirestream.processors.pipeline.harness import PipelineHarness, RawMessage
from wirestream.processors.pipeline.ingest import ParseLimits
from wirestream.processors.pipeline.outputs import DUPLICATES, ENRICHED, EVENTS
from wirestream.processors.records import Enrichment, EnrichmentError, Event, ModelInfo

GLACIER = ("Swiss glaciers lost four percent of their remaining ice this summer, researchers "
           "said on Monday, the second worst melt since measurements began more than a "
           "century ago, after a dry winter and a long heatwave in August.")
MUSEUM = ("The city museum will reopen its renovated east wing in May with a collection of "
          "medieval manuscripts lent by three monasteries, the director told reporters.")


def raw(story: str, version: int, body: str, **extra: object) -> RawMessage:
    doc = {"id": story, "version": version, "headline": f"{story} v{version}", "body": body,
           "language": "en", **extra}
    return RawMessage(json.dumps(doc).encode(), key=story.encode())


def no_entities(articles: list[Article]) -> list[Enrichment | EnrichmentError]:
    return [EnrichmentError(stage="ner", error_class="ValueError", message="poison")
            if "POISON" in a.body else
            Enrichment(model=ModelInfo(language="en", name=None, version=None, layers=[],
                                       entities_skipped="no_pipeline_configured"))
            for a in articles]


def test_the_pipeline_runs_without_a_broker():
    harness = PipelineHarness(enrich=no_entities,
                              limits=ParseLimits(max_bytes=1_000_000, max_body_chars=200_000))
    topics = harness.run([
        raw("urn:a", 1, MUSEUM),
        raw("urn:a", 1, MUSEUM),  # redelivery: nothing out
        raw("urn:a", 2, MUSEUM + " Updated.", signals=["sig:correction"]),
        raw("urn:e", 1, GLACIER, headline="Swiss glaciers shrink"),
        raw("urn:f", 1, GLACIER + " (Reporting by a local outlet.)",
            headline="Swiss glaciers shrink"),  # a copy of urn:e
        raw("urn:a", 3, "", pub_status="canceled"),  # kill
        raw("urn:p", 1, "POISON " + MUSEUM.replace("city", "state")),
        RawMessage(b"{not json", key=b"junk"),
    ])
    enriched = [(key.decode(), type(r).__name__, r.version, r.dedup.verdict)
                for key, r in topics[ENRICHED]]
    assert enriched == [
        ("urn:a", "EnrichedRecord", 1, "new"),
        ("urn:a", "EnrichedRecord", 2, "correction"),
        ("urn:e", "EnrichedRecord", 1, "new"),
        ("urn:a", "RetractionRecord", 3, "kill"),
    ]
    [(key, copy)] = topics[DUPLICATES]
    assert key == b"urn:f" and copy.dedup.duplicate_of == "urn:e"
    assert copy.dedup.story_id == topics[ENRICHED][2][1].dedup.story_id
    assert [(d.key, d.reason, d.stage) for d in harness.dead_letters] == [
        (b"urn:p", "enrichment_failed", "enrich"), (b"junk", "not_json", "ingest")]
    assert harness.dead_letters[1].payload == b"{not json"


# -- events follow their story: kills and updates withdraw them ------------------------------

def _event_id(story: str, word: str) -> str:
    return "ev-" + hashlib.sha1(f"{story}|{word}".encode()).hexdigest()[:20]


def _event(article: Article, word: str) -> Event:
    """An event per marker word in the body (``STRIKE`` → a PROTEST); its id follows the
    word, as the coder's follows type and trigger."""
    at = article.body.index(word)
    span = {"text": word, "field": "body", "start": at, "end": at + len(word)}
    return msgspec.convert({
        "event_id": _event_id(article.id, word), "article_id": article.id, "type": "PROTEST",
        "mode": None, "actors": [], "recipients": [], "location": None, "date": None,
        "counts": {}, "trigger": {**span, "lemma": word.lower()}, "evidence": span,
        "factuality": "asserted", "is_background": False, "confidence": 0.9,
        "method": "lexicon"}, Event)


def events_by_marker(articles: list[Article]) -> list[Enrichment | EnrichmentError]:
    return [Enrichment(model=ModelInfo(language="en", name=None, version=None, layers=[],
                                       entities_skipped="no_pipeline_configured"),
                       events=[_event(a, w) for w in ("STRIKE", "MARCH") if w in a.body])
            for a in articles]


def test_events_are_withdrawn_when_an_update_drops_them_and_when_the_story_is_killed():
    harness = PipelineHarness(enrich=events_by_marker, tombstones=True,
                              limits=ParseLimits(max_bytes=1_000_000, max_body_chars=200_000))
    topics = harness.run([
        raw("urn:s", 1, "STRIKE and MARCH. " + MUSEUM),
        raw("urn:s", 2, "STRIKE only. " + MUSEUM),  # the march is no longer reported
        raw("urn:m", 1, "MARCH. " + GLACIER),  # another story: untouched by the kill
        raw("urn:s", 3, "", pub_status="canceled"),  # kill
    ])
    strike, march = _event_id("urn:s", "STRIKE"), _event_id("urn:s", "MARCH")
    seen = [(key.decode(), None if r is None else
             (type(r).__name__, getattr(r, "reason", None), getattr(r, "version", None)))
            for key, r in topics[EVENTS]]
    other = _event_id("urn:m", "MARCH")
    assert seen == [
        (strike, ("Event", None, None)), (march, ("Event", None, None)),
        (strike, ("Event", None, None)),  # version 2 replaces it (same key)
        (march, ("EventRetraction", "not_in_update", 2)), (march, None),
        (other, ("Event", None, None)),
        (strike, ("EventRetraction", "story_killed", 3)), (strike, None),
    ]
    assert harness.live_events == {"urn:m": [other]}  # the killed story keeps nothing


def test_a_withdrawn_event_that_comes_back_is_published_again():
    harness = PipelineHarness(enrich=events_by_marker,
                              limits=ParseLimits(max_bytes=1_000_000, max_body_chars=200_000))
    topics = harness.run([raw("urn:s", 1, "STRIKE. " + MUSEUM), raw("urn:s", 2, MUSEUM),
                          raw("urn:s", 3, "STRIKE again. " + MUSEUM)])
    assert [type(r).__name__ for _, r in topics[EVENTS]] == [
        "Event", "EventRetraction", "Event"]  # no tombstones unless asked
    assert list(harness.live_events) == ["urn:s"]
