"""The output topics' JSON Schemas are generated from the record types and cannot drift."""

from __future__ import annotations

import jsonschema
import msgspec
import pytest

from wirestream.processors.article import Article
from wirestream.processors.records import (
    ArticleEnvelope,
    RoutedEnvelope,
    Source,
    decode,
    dedup_block,
    duplicate_record,
    encode,
    retraction_record,
    schemas,
)

ARTICLE = Article(id="urn:x:1", version=2, source_format="nitf", headline="H", body="B",
                  signals=("sig:correction",), ednotes=("CORRECTS name",))
SOURCE = Source(topic="wire.raw", partition=1, offset=7)


def test_committed_schemas_are_the_generated_ones():
    assert schemas.stale() == [], "run: python -m wirestream.processors.records.schemas"


def test_check_reports_a_hand_edited_schema(tmp_path):
    assert schemas.main(["--out", str(tmp_path)]) == 0
    assert schemas.main(["--out", str(tmp_path), "--check"]) == 0
    edited = tmp_path / "event.schema.json"
    edited.write_text(edited.read_text().replace('"ACCIDENT"', '"ACCIDENTAL"'))
    assert schemas.stale(tmp_path) == ["event"]
    assert schemas.main(["--out", str(tmp_path), "--check"]) == 1


def test_records_validate_against_their_generated_schema():
    enriched = schemas.topic_schema("enriched")
    retraction = retraction_record(ARTICLE, dedup=dedup_block("kill", story_id="urn:x:1"),
                                   received_at="2026-01-01T00:00:00Z",
                                   retracted_at="2026-01-01T00:00:01Z", source=SOURCE,
                                   worker="w")
    data = msgspec.json.decode(encode(retraction))
    jsonschema.validate(data, enriched)
    assert data["record_type"] == "retraction" and data["schema_version"] == 2
    data["dedup"]["verdict"] = "retracted"  # not a verdict: the schema says so
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(data, enriched)
    duplicate = duplicate_record(ARTICLE, dedup=dedup_block("duplicate", story_id="s",
                                                            duplicate_of="s", similarity=0.9),
                                 received_at="2026-01-01T00:00:00Z",
                                 seen_at="2026-01-01T00:00:01Z", source=SOURCE, worker="w")
    jsonschema.validate(msgspec.json.decode(encode(duplicate)), schemas.topic_schema(
        "duplicates"))


def test_internal_envelopes_keep_their_wire_format_and_decode_once():
    routed = RoutedEnvelope(article=ARTICLE, received_at="2026-01-01T00:00:00Z",
                            source=SOURCE, dedup=dedup_block("new"))
    raw = encode(routed)
    assert b'"retract"' not in raw  # absent unless true, as earlier versions wrote it
    assert decode(raw, RoutedEnvelope) == routed
    killed = msgspec.structs.replace(routed, retract=True)
    assert decode(encode(killed), RoutedEnvelope).retract is True
    canonical = ArticleEnvelope(article=ARTICLE, received_at="2026-01-01T00:00:00Z",
                                source=SOURCE)
    assert decode(encode(canonical), ArticleEnvelope).article == ARTICLE
    with pytest.raises(ValueError):  # a release request is not an article envelope
        decode(b'{"control": "release", "id": "urn:x:1"}', ArticleEnvelope)
    with pytest.raises(ValueError):  # a version below zero breaks the Article's type
        decode(raw.replace(b'"version":2', b'"version":-1'), RoutedEnvelope)
