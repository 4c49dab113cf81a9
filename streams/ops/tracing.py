"""OpenTelemetry spans per article per stage, linked across topics by W3C trace context.

Each article version is one trace. Its id is derived from the story id and version
(``trace_id_for``), so an operator who knows the story can find its trace without
searching (``wirestream trace STORY_ID``). Ingest starts the trace; every record a stage
writes carries a ``traceparent`` header, and the next stage's span is its child.

Off unless ``WIRESTREAM_TRACING__ENDPOINT`` (OTLP over HTTP) or ``WIRESTREAM_TRACING__FILE``
(JSON lines, for debugging and tests) is set. Off, no OpenTelemetry module is imported and
each article costs one attribute check per stage.
"""

from __future__ import annotations

import contextlib
import contextvars
import hashlib
import logging
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any

from wirestream.config.settings import TracingSettings

if TYPE_CHECKING:
    from opentelemetry.trace import Span, Tracer

log = logging.getLogger(__name__)

TRACEPARENT = "traceparent"
TRACESTATE = "tracestate"
Headers = Sequence[tuple[str, bytes]]

# The trace id the next root span takes (set around the ingest span of one article).
_next_trace_id: contextvars.ContextVar[int | None] = contextvars.ContextVar(
    "wirestream_next_trace_id", default=None)


def trace_id_for(story_id: str, version: int) -> int:
    """The trace id of one story version: 128 bits of a hash, never 0 (invalid in W3C)."""
    digest = hashlib.sha256(f"{story_id}\x00{version}".encode()).digest()
    return int.from_bytes(digest[:16], "big") or 1


def trace_id_hex(story_id: str, version: int) -> str:
    return f"{trace_id_for(story_id, version):032x}"


class _Tracing:
    """The process's tracer, or nothing (the default)."""

    def __init__(self) -> None:
        self.enabled = False
        self._tracer: Tracer | None = None
        self._provider: Any = None

    def configure(self, settings: TracingSettings, service_name: str) -> None:
        if not (settings.endpoint or settings.file):
            return
        # Imported here: a worker with tracing off never loads the SDK.
        from opentelemetry.sdk.trace.export import (
            BatchSpanProcessor,
            ConsoleSpanExporter,
            SimpleSpanProcessor,
        )

        provider = story_trace_provider(service_name)
        if settings.endpoint:
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            # Batched in the SDK's own thread: the event loop never waits for the collector.
            provider.add_span_processor(BatchSpanProcessor(
                OTLPSpanExporter(endpoint=settings.endpoint)))
        if settings.file:
            out = open(settings.file, "a", encoding="utf-8")  # noqa: SIM115 (open for the process)
            provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(
                out=out, formatter=lambda span: span.to_json(indent=None) + "\n")))
        self.install(provider)
        log.info("tracing on: %s", ", ".join(
            f"{name} {value}" for name, value in (("OTLP", settings.endpoint),
                                                  ("file", settings.file)) if value))

    def install(self, provider: Any) -> None:
        """Trace with ``provider`` (made by ``story_trace_provider``, with its exporters)."""
        self._provider = provider
        self._tracer = provider.get_tracer("wirestream")
        self.enabled = True

    def shutdown(self) -> None:
        if self._provider is not None:
            self._provider.shutdown()

    @contextlib.contextmanager
    def span(self, stage: str, *, parent: Headers | None = None,
             story: tuple[str, int] | None = None, attributes: dict[str, Any] | None = None,
             start_ns: int | None = None) -> Iterator[Span | None]:
        """A stage's span for one article: the child of the trace context in ``parent``
        (the input record's headers), or, without one, the root of the story version's
        trace. None when tracing is off."""
        if self._tracer is None:
            yield None
            return
        from opentelemetry.propagate import extract

        context = extract(_carrier(parent)) if parent else None
        if context is not None and not _has_span(context):
            context = None
        token = None
        if context is None and story is not None:
            token = _next_trace_id.set(trace_id_for(*story))
        try:
            with self._tracer.start_as_current_span(stage, context=context,
                                                    start_time=start_ns) as span:
                if token is not None:
                    _next_trace_id.reset(token)
                    token = None
                if story is not None:
                    span.set_attribute("wirestream.story_id", story[0])
                    span.set_attribute("wirestream.version", story[1])
                for key, value in (attributes or {}).items():
                    if value is not None:
                        span.set_attribute(f"wirestream.{key}", value)
                yield span
        finally:
            if token is not None:
                _next_trace_id.reset(token)

    def headers(self, span: Span | None) -> list[tuple[str, bytes]] | None:
        """The W3C trace context of ``span`` as Kafka headers (None when off)."""
        if span is None:
            return None
        from opentelemetry.propagate import inject
        from opentelemetry.trace import set_span_in_context

        carrier: dict[str, str] = {}
        inject(carrier, context=set_span_in_context(span))
        return [(key, value.encode()) for key, value in carrier.items()]


def story_trace_provider(service_name: str) -> Any:
    """An SDK tracer provider whose root spans take the story version's trace id."""
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.id_generator import RandomIdGenerator

    class StoryTraceIds(RandomIdGenerator):
        def generate_trace_id(self) -> int:
            return _next_trace_id.get() or super().generate_trace_id()

    return TracerProvider(resource=Resource.create({"service.name": service_name}),
                          id_generator=StoryTraceIds())


def _carrier(headers: Headers) -> dict[str, str]:
    return {key.lower(): value.decode("latin-1") for key, value in headers or ()
            if key.lower() in (TRACEPARENT, TRACESTATE) and value is not None}


def _has_span(context: Any) -> bool:
    from opentelemetry.trace import get_current_span

    return bool(get_current_span(context).get_span_context().is_valid)


TRACING = _Tracing()
