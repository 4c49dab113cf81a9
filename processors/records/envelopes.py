"""Records on the internal topics between the stages (decoded once per hop).

The wire format is the one earlier versions wrote, so a rolling upgrade reads what is
still in flight: ``retract`` is absent unless true.
"""

from __future__ import annotations

from msgspec import Struct

from wirestream.processors.article import Article
from wirestream.processors.records.common import DateTime, Dedup, Source


class ArticleEnvelope(Struct, kw_only=True, forbid_unknown_fields=True):
    """Ingest -> versions (topic wire.articles.canonical, key = story id)."""

    article: Article
    received_at: DateTime
    source: Source


class ReleaseRequest(Struct, kw_only=True, forbid_unknown_fields=True):
    """The embargo timer asks the story's own partition to release its held version."""

    control: str  # "release"
    id: str


class RoutedEnvelope(Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Versions -> near-duplicates -> enrich: the article with its verdict so far."""

    article: Article
    received_at: DateTime
    source: Source
    dedup: Dedup
    retract: bool = False  # a kill: retract what consumers hold, enrich nothing
