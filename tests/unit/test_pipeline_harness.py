"""The broker-free harness chains the stages' steps: verdicts, copies, kills, dead letters."""

from __future__ import annotations

import json

from wirestream.processors.article import Article
from wirestream.processors.pipeline.harness import PipelineHarness, RawMessage
from wirestream.processors.pipeline.ingest import ParseLimits
from wirestream.processors.pipeline.outputs import DUPLICATES, ENRICHED
from wirestream.processors.records import Enrichment, EnrichmentError, ModelInfo

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
