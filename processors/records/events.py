"""Coded events: the value on wire.events (key = event_id) and the enriched record's items."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType, field

from wirestream.processors.records.common import Fraction
from wirestream.processors.records.entities import Alpha3, Field, Offset

EventType = Literal["AGREE", "CONSULT", "SUPPORT", "COOPERATE", "AID", "CONCEDE", "RETREAT",
                    "REQUEST", "ACCUSE", "REJECT", "THREATEN", "PROTEST", "MOBILIZE",
                    "SANCTION", "COERCE", "ASSAULT", "ACCIDENT"]
Sector = Literal["government", "military", "police", "rebels", "civilians", "business",
                 "labor", "protesters", "judiciary", "media", "religious", "igo"]
Qualifier = Literal["exact", "at_least", "at_most", "about", "more_than", "less_than",
                    "several", "dozens", "scores", "hundreds", "thousands",
                    "tens_of_thousands", "hundreds_of_thousands", "millions", "some"]
Count_ = Annotated[int, Meta(ge=0)]


class Actor(Struct, kw_only=True, forbid_unknown_fields=True):
    """Who acts, or is acted on: a named entity, a country or a role ("police")."""

    id: Annotated[str, Meta(description=(
        "wikidata:Q.., geonames:.., iso3166:XX, key:<label>:<name> or role:<sector>:<noun>"))]
    name: str | None
    label: Literal["PER", "ORG", "LOC", "MISC", "ROLE"]
    country: Annotated[Alpha3 | None, Meta(description="ISO 3166 alpha-3")]
    sector: Sector | None


class Count(Struct, kw_only=True, forbid_unknown_fields=True):
    """A number of people (dead, injured...) as the text gives it, with its span."""

    value: Count_ | None
    min: Count_ | None
    max: Count_ | None
    qualifier: Qualifier
    text: str
    field: Field
    start: Offset
    end: Offset


class Counts(Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """The counts an event's text gives; a kind the text does not give is absent."""

    dead: Count | UnsetType = UNSET
    injured: Count | UnsetType = UNSET
    arrested: Count | UnsetType = UNSET
    participants: Count | UnsetType = UNSET


class Span(Struct, kw_only=True, forbid_unknown_fields=True):
    """A stretch of the article's text (the evidence sentence)."""

    text: str
    field: Field
    start: Offset
    end: Offset


class Trigger(Struct, kw_only=True, forbid_unknown_fields=True):
    """The word that signals the event, with its lemma."""

    text: str
    lemma: str
    field: Field
    start: Offset
    end: Offset


class EventMention(Struct, kw_only=True, forbid_unknown_fields=True):
    """One place the article tells the event: its trigger word and evidence sentence."""

    trigger: Trigger
    evidence: Span


class EventLocation(Struct, kw_only=True, forbid_unknown_fields=True, omit_defaults=True):
    """Where it happened: a place entity (coordinates when geocoded)."""

    id: str
    name: str | None
    country: str | UnsetType | None = UNSET
    country_iso3: str | UnsetType | None = UNSET
    latitude: float | UnsetType | None = UNSET
    longitude: float | UnsetType | None = UNSET


class EventDate(Struct, kw_only=True, forbid_unknown_fields=True):
    """When it happened, as precisely as the text says."""

    value: Annotated[str, Meta(pattern=r"^\d{4}-\d{2}-\d{2}$")]
    precision: Literal["day", "month", "year"]
    text: str | None
    source: Annotated[Literal["text", "context", "published"], Meta(description=(
        "text: in the evidence sentence; context: the article's lead date; published: the "
        "version time"))]


class Event(Struct, kw_only=True, forbid_unknown_fields=True, tag_field="record_type",
            tag="event"):
    """One coded event (PLOVER type or ACCIDENT) with its evidence; the value on wire.events
    (key = event_id) and an item of the enriched record's events."""

    event_id: Annotated[str, Meta(pattern="^ev-[0-9a-f]{20}$")]
    article_id: str
    type: EventType
    mode: str | None
    actors: list[Actor]
    recipients: list[Actor]
    location: EventLocation | None
    date: EventDate | None
    counts: Counts
    trigger: Trigger
    evidence: Span
    mentions: Annotated[list[EventMention], Meta(description=(
        "every mention of this event in the article (headline and body), in text order; "
        "trigger and evidence above are the first body mention; empty in records written "
        "before mentions were merged"))] = field(default_factory=list)
    factuality: Literal["asserted", "negated", "hypothetical", "reported_speech"]
    is_background: bool
    confidence: Fraction
    method: Annotated[Literal["parse", "lexicon"], Meta(description=(
        "parse: dependency parse; lexicon: parse-free clause rules"))]


EventRetractionReason = Literal["story_killed", "not_in_update"]


class EventRetraction(Struct, kw_only=True, forbid_unknown_fields=True,
                      tag_field="record_type", tag="retraction"):
    """An event withdrawn (topic wire.events, same key as the event): its story was killed,
    or a later version of the story (an update or a correction) no longer reports it."""

    event_id: Annotated[str, Meta(pattern="^ev-[0-9a-f]{20}$")]
    article_id: str
    version: Annotated[int, Meta(ge=0, description="The story version that withdrew it.")]
    reason: EventRetractionReason
    retracted_at: str


# What the events topic carries (besides tombstones): consumers switch on record_type.
EventsTopicRecord = Event | EventRetraction
