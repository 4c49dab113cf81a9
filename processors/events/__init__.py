"""PLOVER event coding for English and German (pure Python, no Kafka, no Faust).

``code_events`` is the one entry point the enrichment worker calls with the spaCy Doc
of ``headline + "\\n" + body`` and the article's grouped entities and places.
"""

from wirestream.processors.events.coder import LANGUAGES as EVENT_LANGUAGES
from wirestream.processors.events.coder import code_events, code_events_text
from wirestream.processors.events.types import COUNT_KINDS, EVENT_TYPES, FACTUALITY

__all__ = ["COUNT_KINDS", "EVENT_LANGUAGES", "EVENT_TYPES", "FACTUALITY", "code_events",
           "code_events_text"]
