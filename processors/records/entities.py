"""Entities, places, the pipeline that found them and the language it was chosen for."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import UNSET, Meta, Struct, UnsetType

from wirestream.processors.records.common import Fraction

Field = Literal["headline", "body"]
Alpha2 = Annotated[str, Meta(pattern="^[A-Z]{2}$")]
Alpha3 = Annotated[str, Meta(pattern="^[A-Z]{3}$")]
Offset = Annotated[int, Meta(ge=0)]


class Mention(Struct, kw_only=True, forbid_unknown_fields=True):
    """Where an entity is named: field and character offsets within it."""

    text: Annotated[str, Meta(min_length=1)]
    field: Field
    start: Offset
    end: Annotated[int, Meta(ge=1)]
    kind: Annotated[Literal["demonym"], Meta(description=(
        "absent for a named mention; 'demonym' for a country adjective or people noun "
        "(\"iranische\", \"Iranians\")"))] | UnsetType = UNSET


class Entity(Struct, kw_only=True, forbid_unknown_fields=True):
    """One real-world entity in the article, with every mention of it."""

    id: Annotated[str, Meta(
        pattern="^(wikidata:Q[0-9]+|gazetteer:[a-z]+:[a-z0-9-]+|geonames:[0-9]+"
                "|iso3166:[A-Z]{2}|key:[a-z]+:.+)$",
        description=(
            "Stable across articles and languages: wikidata:Q…, gazetteer:<type>:<slug> "
            "(project gazetteer entry without a Wikidata id), geonames:<id> (places), "
            "iso3166:<alpha-2> (countries), or key:<type>:<normalised name> (unlinked)."))]
    name: Annotated[str, Meta(min_length=1, description=(
        "Canonical name: the gazetteer's or GeoNames' English name, else the fullest "
        "surface form."))]
    label: Literal["PER", "ORG", "LOC", "MISC"]
    linked: Annotated[bool, Meta(description=(
        "true when the id comes from a knowledge base (kb is not null)."))]
    kb: Literal["wikidata", "gazetteer", "geonames", "iso3166"] | None
    wikidata: Annotated[str, Meta(pattern="^Q[0-9]+$")] | None
    geonames_id: int | None
    country: Annotated[Alpha2 | None, Meta(description=(
        "ISO 3166 alpha-2: the place's country, or the country a person/organisation acts "
        "for."))]
    country_iso3: Alpha3 | None
    surface_forms: Annotated[list[str], Meta(min_length=1)]
    mentions: Annotated[list[Mention], Meta(min_length=1)]
    mention_count: Annotated[int, Meta(ge=1)]
    first_position: Annotated[int, Meta(ge=0, description=(
        "Character offset of the first mention in headline + blank line + body."))]
    in_headline: bool
    salience: Annotated[Fraction, Meta(description=(
        "(mentions + 2 if in headline + 1 if in the lead) relative to the article's most "
        "salient entity."))]


class Place(Struct, kw_only=True, forbid_unknown_fields=True):
    """A geocoded place entity (same id as in entities)."""

    id: Annotated[str, Meta(pattern="^(geonames:[0-9]+|iso3166:[A-Z]{2})$")]
    name: str
    kind: Literal["country", "city", "admin1", "continent"]
    geonames_id: int | None
    country: Alpha2 | None
    country_iso3: Alpha3 | None
    country_name: str | None
    admin1: str | None
    latitude: Annotated[float, Meta(ge=-90, le=90)] | None
    longitude: Annotated[float, Meta(ge=-180, le=180)] | None
    population: int | None
    capital_of: Alpha2 | None
    surface_forms: list[str]
    mention_count: Annotated[int, Meta(ge=1)]


EntitiesSkipped = Literal["language_unknown", "no_pipeline_configured",
                          "no_pipeline_installed"]


class ModelInfo(Struct, kw_only=True, forbid_unknown_fields=True):
    """The spaCy pipeline an article went through (or why it went through none)."""

    language: str
    name: Annotated[str | None, Meta(description=(
        "null: no pipeline for this language (entities_skipped says why)"))]
    version: str | None
    layers: Annotated[list[str], Meta(description=(
        "rule components wirestream adds to the pipeline, e.g. news_names (the gazetteer "
        "ruler)"))]
    entities_skipped: Annotated[EntitiesSkipped | None, Meta(description=(
        "null: the pipeline ran. Otherwise why the article has no entities, places or "
        "events: no language could be determined, no pipeline is configured for its "
        "language (wirestream's models setting), or none of the configured ones is "
        "installed"))]


class LanguageDetection(Struct, kw_only=True, forbid_unknown_fields=True):
    """What the identifier said, beside what the provider declared."""

    detected: str | None
    confidence: Fraction
    declared: str | None
