"""Spans per article per stage: one trace per story version, linked through Kafka headers."""

from __future__ import annotations

import pytest
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from wirestream.config.settings import TracingSettings
from wirestream.streams.ops.tracing import (
    _Tracing,
    story_trace_provider,
    trace_id_for,
    trace_id_hex,
)


@pytest.fixture
def traced() -> tuple[_Tracing, InMemorySpanExporter]:
    exporter = InMemorySpanExporter()
    provider = story_trace_provider("test")
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    tracing = _Tracing()
    tracing.install(provider)
    return tracing, exporter


def test_off_by_default_costs_no_span_and_no_header():
    tracing = _Tracing()
    tracing.configure(TracingSettings(), service_name="test")
    with tracing.span("ingest", story=("urn:a", 1)) as span:
        assert span is None
    assert tracing.headers(span) is None and not tracing.enabled


def test_the_stages_of_one_article_are_one_trace_linked_through_headers(traced):
    tracing, exporter = traced
    with tracing.span("ingest", story=("urn:a", 2)) as ingest:
        canonical = tracing.headers(ingest)
    with tracing.span("versions", parent=canonical, story=("urn:a", 2),
                      attributes={"verdict": "update"}) as versions:
        versioned = tracing.headers(versions)
    with tracing.span("enrich", parent=versioned, story=("urn:a", 2)), \
            tracing.span("publish") as publish:
        assert tracing.headers(publish)
    spans = {s.name: s for s in exporter.get_finished_spans()}
    assert set(spans) == {"ingest", "versions", "enrich", "publish"}
    assert {s.context.trace_id for s in spans.values()} == {trace_id_for("urn:a", 2)}
    assert spans["ingest"].parent is None  # the root
    assert spans["versions"].parent.span_id == spans["ingest"].context.span_id
    assert spans["enrich"].parent.span_id == spans["versions"].context.span_id
    assert spans["publish"].parent.span_id == spans["enrich"].context.span_id
    assert spans["versions"].attributes["wirestream.verdict"] == "update"
    assert spans["ingest"].attributes["wirestream.story_id"] == "urn:a"
    [(name, value)] = canonical
    assert name == "traceparent" and trace_id_hex("urn:a", 2) in value.decode()


def test_a_record_without_trace_context_starts_its_story_versions_trace(traced):
    tracing, exporter = traced
    for headers in (None, [], [("traceparent", b"not a trace context")]):
        with tracing.span("versions", parent=headers, story=("urn:b", 1)):
            pass
    spans = exporter.get_finished_spans()
    assert [s.context.trace_id for s in spans] == [trace_id_for("urn:b", 1)] * 3
    assert all(s.parent is None for s in spans)
    # Other spans after it get their own random trace ids again.
    with tracing.span("other"):
        pass
    assert exporter.get_finished_spans()[-1].context.trace_id != trace_id_for("urn:b", 1)


def test_story_versions_have_distinct_trace_ids():
    assert trace_id_for("urn:a", 1) != trace_id_for("urn:a", 2) != trace_id_for("urn:b", 1)
    assert len(trace_id_hex("urn:a", 1)) == 32
