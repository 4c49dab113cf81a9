"""processors.formats: raw payloads (dpa digitalwires, ninjs 1-3, native, text) to Article."""

from __future__ import annotations

import copy
import dataclasses
import json
import random
from pathlib import Path
from typing import Any

import pytest

from tests.shared import needs_shared as shared_data_marker
from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import (
    article_from_text,
    article_to_native_json,
    detect,
    parse_raw,
)

REPO = Path(__file__).resolve().parents[2]
SHARED_FORMATS = REPO.parent / "shared" / "data" / "formats"
NINJS_DIR = SHARED_FORMATS / "ninjs-examples"
DPA_DIR = SHARED_FORMATS / "dpa-digitalwires-samples"
SAMPLES_DIR = REPO / "samples"


def raw(doc: Any) -> bytes:
    return json.dumps(doc, ensure_ascii=False).encode("utf-8")


def reason_of(payload: bytes, **kwargs: Any) -> str:
    with pytest.raises(RejectedInput) as info:
        parse_raw(payload, **kwargs)
    return info.value.reason


# -- fixtures -------------------------------------------------------------------------

BODY = "<p>BERLIN (wirestream) - The city council approved the budget on Monday.</p>" \
       "<p>It passed with 41 votes.</p>"
BODY_TEXT = "BERLIN (wirestream) - The city council approved the budget on Monday.\n" \
            "It passed with 41 votes."


def native_doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "id": "urn:test:native:1",
        "version": 3,
        "headline": "Council approves budget",
        "body": BODY,
        "language": "en",
        "provider": "Test Wire",
        "version_created": "2026-02-02T10:00:00Z",
        "pub_status": "usable",
        "embargoed_until": "2026-02-02T12:00:00+01:00",
        "signals": ["sig:update"],
    }
    doc.update(overrides)
    return doc


def ninjs1_doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "uri": "http://www.example-wire.com/news/2026/0001",
        "type": "text",
        "version": "7",
        "versioncreated": "2026-03-01T08:00:00Z",
        "firstcreated": "2026-03-01T07:00:00Z",
        "embargoed": "2026-03-01T09:00:00Z",
        "pubstatus": "usable",
        "urgency": 3,
        "language": "en",
        "byline": "By Jane Roe",
        "ednote": "Corrects spelling of name",
        "headline": "Ferry resumes service",
        "body_text": "OSLO - The ferry resumed service on Sunday.",
        "body_html": "<p>OSLO - HTML version.</p>",
    }
    doc.update(overrides)
    return doc


def ninjs2_doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "uri": "urn:newsml:example.org:20260301:abc",
        "type": "text",
        "version": "2",
        "versioncreated": "2026-03-01T08:00:00+01:00",
        "pubstatus": "withheld",
        "embargoed": "2026-03-02T00:00:00+01:00",
        "language": "fr",
        "copyrightholder": "Agence Exemple",
        "by": "Par Jean Dupont",
        "headlines": [
            {"role": "sub", "value": "Sous-titre"},
            {"role": "main", "value": "Le train reprend du service"},
        ],
        "bodies": [
            {"role": "html", "contenttype": "text/html", "value": "<p>LYON - Version HTML.</p>"},
            {"role": "text", "contenttype": "text/plain", "value": "LYON - Le train repart."},
        ],
    }
    doc.update(overrides)
    return doc


def ninjs3_doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "uri": "https://wire.example.net/items/2026-0042",
        "type": "text",
        "version": "4",
        "versionCreated": "2026-04-01T10:00:00Z",
        "firstCreated": "2026-04-01T09:00:00Z",
        "pubStatus": "usable",
        "embargoedUntil": "2026-04-01T11:00:00Z",
        "language": "de",
        "copyrightHolder": "Beispiel-Agentur",
        "edNote": "Neu: Zitat im zweiten Absatz",
        "headlines": [{"role": "main", "value": "Brücke wieder offen",
                       "contentType": "text/plain"}],
        "bodies": [{"role": "main", "contentType": "text/html",
                    "value": "<p>KÖLN - Die Brücke ist wieder offen.</p><p>Zweiter Absatz.</p>"}],
    }
    doc.update(overrides)
    return doc


def dpa_doc(**overrides: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "format": "digitalwires@0.9.1",
        "type": "composite",
        "urn": "urn:newsml:dpa.com:20090101:260101-99-000001",
        "version": 2,
        "version_created": "2026-01-01T12:00:00+01:00",
        "pubstatus": "usable",
        "signal": "sig:correction",
        "embargoed": None,
        "language": "de",
        "urgency": 3,
        "headline": "Schnee legt Verkehr lahm",
        "teaser": "Teaser, der den Vorspann wiederholt.",
        "byline": "Von Max Muster, dpa",
        "dateline": "München (dpa) - ",
        "article_html": "<section class=\"main\"><p>Starker Schneefall hat den Verkehr "
                        "lahmgelegt.</p><p>Zweiter Absatz.</p></section>",
        "ednotes": [
            {"role": "dpaednoterole:closingline", "ednote": "dpa mm yyby", "is_publishable": True},
            {"role": "dpaednoterole:correction", "ednote": "Ort korrigiert"},
            {"role": "dpaednoterole:dpacontacts", "ednote": "Autor: +49 30 123456"},
        ],
        "categories": [
            {"type": "dnltype:signal", "name": "correction", "qcode": "sig:correction"},
            {"type": "dnltype:pubstatus", "name": "usable", "qcode": "stat:usable"},
        ],
    }
    doc.update(overrides)
    return doc


# -- native ---------------------------------------------------------------------------


def test_native_full() -> None:
    article = parse_raw(raw(native_doc()), content_type="application/json")
    assert article == Article(
        id="urn:test:native:1", version=3, source_format="native",
        headline="Council approves budget", body=BODY_TEXT, provider="Test Wire",
        language="en", pub_status="usable", signals=("sig:update",),
        version_created="2026-02-02T10:00:00Z", embargoed_until="2026-02-02T12:00:00+01:00",
    )


def test_native_minimal_defaults() -> None:
    article = parse_raw(raw({"id": "n-2", "body": "Plain text body."}))
    assert (article.version, article.headline, article.body) == (1, "", "Plain text body.")
    assert (article.pub_status, article.language, article.signals) == ("usable", None, ())


def test_native_body_format_text_keeps_markup_like_text() -> None:
    article = parse_raw(raw(native_doc(body="if a <b> c &amp; d", body_format="text")))
    assert article.body == "if a <b> c &amp; d"
    sniffed = parse_raw(raw(native_doc(body="if a <b> c &amp; d")))
    assert sniffed.body == "if a c & d"


@pytest.mark.parametrize(
    ("given", "expected"),
    [("usable", "usable"), ("WITHHELD", "withheld"), ("cancelled", "canceled"),
     ("stat:canceled", "canceled"), (None, "usable"), ("", "usable")],
)
def test_pub_status_is_normalised(given: str | None, expected: str) -> None:
    assert parse_raw(raw(native_doc(pub_status=given))).pub_status == expected


def test_native_version_must_be_an_integer() -> None:
    assert reason_of(raw(native_doc(version="3"))) == "invalid_field"
    assert reason_of(raw(native_doc(version=-1))) == "invalid_field"
    assert reason_of(raw(native_doc(version=True))) == "invalid_field"
    assert parse_raw(raw(native_doc(version=0))).version == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("headline", ["a", "list"]), ("version", {"n": 1}), ("body", 42), ("language", 5),
     ("signals", "sig:update"), ("signals", [1]), ("pub_status", "published"),
     ("version_created", "yesterday"), ("embargoed_until", 1767225600), ("urgency", "high"),
     ("language", "not a language tag"), ("provider", {"name": "x"}), ("body_format", "md")],
)
def test_wrong_types_are_invalid_field_naming_the_field(field: str, value: Any) -> None:
    with pytest.raises(RejectedInput) as info:
        parse_raw(raw(native_doc(**{field: value})))
    assert info.value.reason == "invalid_field"
    assert field in str(info.value)


@pytest.mark.parametrize("bad_id", [None, "", "   "])
def test_missing_id(bad_id: str | None) -> None:
    doc = native_doc(id=bad_id)
    assert reason_of(raw(doc)) == "missing_id"
    del doc["id"]
    assert reason_of(raw(doc)) == "missing_id"


@pytest.mark.parametrize("bad_id", [17, ["x"], "x" * 513, "bad\nid"])
def test_invalid_id(bad_id: Any) -> None:
    assert reason_of(raw(native_doc(id=bad_id))) == "invalid_field"


def test_id_of_512_chars_is_fine() -> None:
    assert parse_raw(raw(native_doc(id="x" * 512))).id == "x" * 512


def test_empty_body_and_headline_is_rejected() -> None:
    assert reason_of(raw(native_doc(headline="", body=""))) == "empty_body"
    assert reason_of(raw(native_doc(headline=" ", body="<p> </p><br>"))) == "empty_body"


def test_headline_only_is_empty_body() -> None:
    # A flash/photo headline without article text is not an article for this pipeline.
    assert reason_of(raw(native_doc(body=""))) == "empty_body"


def test_kill_may_have_empty_body() -> None:
    article = parse_raw(raw(native_doc(pub_status="canceled", body="", headline="KILL")))
    assert (article.pub_status, article.body, article.headline) == ("canceled", "", "KILL")


def test_body_limit() -> None:
    doc = native_doc(body="word " * 30)
    assert reason_of(raw(doc), max_body_chars=100) == "too_large"
    assert parse_raw(raw(doc), max_body_chars=1000).word_count == 30


def test_text_fields_are_cleaned() -> None:
    doc = native_doc(headline="  Caf\u00c3\u00a9\u00ad  news \n",
                     body="Zero\u200bwidth  text\n\n\n")
    article = parse_raw(raw(doc))
    assert (article.headline, article.body) == ("Café news", "Zerowidth text")


# -- generic rejections ---------------------------------------------------------------


def test_too_large_is_checked_first() -> None:
    assert reason_of(b"\xff" * 101, max_bytes=100) == "too_large"
    assert reason_of(raw(native_doc()), max_bytes=10) == "too_large"


def test_json_nested_too_deeply_is_too_complex() -> None:
    assert reason_of(b"[" * 100_000) == "too_complex"
    assert reason_of(b'{"a": ' * 100_000 + b"1" + b"}" * 100_000) == "too_complex"


def test_invalid_utf8() -> None:
    assert reason_of(b'{"id": "\xc3\x28"}') == "invalid_encoding"
    assert reason_of(raw(native_doc()).decode().encode("utf-16")) == "invalid_encoding"


@pytest.mark.parametrize(
    "payload",
    [b"", b"not json", b'{"id": "x",', b"{'id': 'x'}", b'{"id": NaN}',
     b'{"v": ' + b"9" * 5000 + b"}"],
)
def test_not_json(payload: bytes) -> None:
    assert reason_of(payload) == "not_json"


@pytest.mark.parametrize("payload", [b"[]", b"[{}]", b'"text"', b"42", b"null", b"{}",
                                     b'{"foo": 1}', b'{"type": "object", "$schema": "x"}'])
def test_unknown_format(payload: bytes) -> None:
    assert reason_of(payload) == "unknown_format"


def test_utf8_bom_is_accepted() -> None:
    assert parse_raw(b"\xef\xbb\xbf" + raw(native_doc())).id == "urn:test:native:1"


def test_non_bytes_payload_is_rejected() -> None:
    assert reason_of("{}") == "invalid_encoding"  # type: ignore[arg-type]


# -- ninjs ----------------------------------------------------------------------------


def test_ninjs1() -> None:
    article = parse_raw(raw(ninjs1_doc()))
    assert article == Article(
        id="http://www.example-wire.com/news/2026/0001", version=7, source_format="ninjs-1",
        headline="Ferry resumes service", body="OSLO - The ferry resumed service on Sunday.",
        provider="example-wire.com", language="en", pub_status="usable",
        version_created="2026-03-01T08:00:00Z", first_created="2026-03-01T07:00:00Z",
        embargoed_until="2026-03-01T09:00:00Z", byline="By Jane Roe", urgency=3,
        ednotes=("Corrects spelling of name",),
    )


def test_ninjs1_html_body_only() -> None:
    doc = ninjs1_doc(body_html="<p>First &amp; best.</p><p>Second.</p>")
    del doc["body_text"]
    assert parse_raw(raw(doc)).body == "First & best.\nSecond."


def test_ninjs2() -> None:
    article = parse_raw(raw(ninjs2_doc()))
    assert article.source_format == "ninjs-2"
    assert (article.id, article.version) == ("urn:newsml:example.org:20260301:abc", 2)
    assert article.headline == "Le train reprend du service"  # role main wins
    assert article.body == "LYON - Le train repart."  # text/plain preferred over html
    assert (article.pub_status, article.provider, article.byline) == (
        "withheld", "Agence Exemple", "Par Jean Dupont")
    assert article.embargoed_until == "2026-03-02T00:00:00+01:00"


def test_ninjs3() -> None:
    article = parse_raw(raw(ninjs3_doc()))
    assert article.source_format == "ninjs-3"
    assert (article.version, article.language, article.provider) == (4, "de", "Beispiel-Agentur")
    assert article.body == "KÖLN - Die Brücke ist wieder offen.\nZweiter Absatz."
    assert (article.version_created, article.first_created, article.embargoed_until) == (
        "2026-04-01T10:00:00Z", "2026-04-01T09:00:00Z", "2026-04-01T11:00:00Z")
    assert article.ednotes == ("Neu: Zitat im zweiten Absatz",)


def test_ninjs_version_from_declared_schema_beats_field_names() -> None:
    doc = ninjs1_doc(**{"$schema": "https://www.iptc.org/std/ninjs/ninjs-schema_3.1.json"})
    assert parse_raw(raw(doc)).source_format == "ninjs-3"
    doc = ninjs3_doc(standard={"name": "ninjs", "version": "2.1"})
    assert parse_raw(raw(doc)).source_format == "ninjs-2"


@pytest.mark.parametrize(("given", "expected"), [("0", 0), ("12", 12), (" 3 ", 3), (5, 5),
                                                 (None, 1)])
def test_ninjs_version_string(given: Any, expected: int) -> None:
    doc = ninjs2_doc(version=given)
    if given is None:
        del doc["version"]
    assert parse_raw(raw(doc)).version == expected


@pytest.mark.parametrize("given", ["abc", "1.2", "-1", "", "٣", [1], {"v": 1}, 1.5])
def test_ninjs_bad_version(given: Any) -> None:
    with pytest.raises(RejectedInput) as info:
        parse_raw(raw(ninjs3_doc(version=given)))
    assert info.value.reason == "invalid_field"
    assert "version" in str(info.value)


def test_ninjs_missing_uri() -> None:
    doc = ninjs3_doc()
    del doc["uri"]
    assert reason_of(raw(doc)) == "missing_id"
    assert reason_of(raw(ninjs1_doc(uri=""))) == "missing_id"


def test_ninjs_kill_without_body() -> None:
    doc = ninjs3_doc(pubStatus="canceled", bodies=[])
    article = parse_raw(raw(doc))
    assert (article.pub_status, article.body) == ("canceled", "")
    doc = ninjs1_doc(pubstatus="cancelled", body_text="", body_html="")
    assert parse_raw(raw(doc)).pub_status == "canceled"


def test_ninjs_photo_only_is_empty_body() -> None:
    photo = {
        "uri": "http://example.com/photo/1", "type": "picture", "version": "1",
        "headlines": [{"role": "main", "value": "Harbour at dawn"}],
        "descriptions": [{"role": "caption", "value": "Boats in the harbour at dawn."}],
        "bodies": [{"role": "caption", "contentType": "text/plain", "value": "Caption text."}],
        "renditions": [{"name": "highres", "href": "http://example.com/1.jpg"}],
    }
    assert reason_of(raw(photo)) == "empty_body"
    audio = ninjs1_doc(type="audio")
    assert reason_of(raw(audio)) == "empty_body"


def test_ninjs_text_item_falls_back_to_description() -> None:
    doc = ninjs2_doc(descriptions=[{"role": "text", "value": "Lead paragraph only."}])
    del doc["bodies"]
    assert parse_raw(raw(doc)).body == "Lead paragraph only."
    event = dict(doc, type="event")
    assert reason_of(raw(event)) == "empty_body"


def test_ninjs_placeholder_body_is_empty() -> None:
    assert reason_of(raw(ninjs1_doc(body_text="...", body_html="[ ... ]"))) == "empty_body"


@pytest.mark.parametrize(
    ("field", "value"),
    [("headlines", "Headline"), ("headlines", ["Headline"]), ("bodies", {"value": "x"}),
     ("bodies", [{"value": ["x"]}]), ("pubStatus", "published"), ("urgency", "3"),
     ("versionCreated", "01/04/2026"), ("copyrightHolder", ["A", "B"]), ("type", 1)],
)
def test_ninjs_wrong_shapes(field: str, value: Any) -> None:
    with pytest.raises(RejectedInput) as info:
        parse_raw(raw(ninjs3_doc(**{field: value})))
    assert info.value.reason == "invalid_field"
    assert field in str(info.value)


def test_ninjs_provider_from_urn_authority() -> None:
    doc = ninjs2_doc()
    del doc["copyrightholder"]
    assert parse_raw(raw(doc)).provider == "example.org"
    doc["uri"] = "urn:uuid:8d19cf88"
    assert parse_raw(raw(doc)).provider is None


# -- dpa digitalwires ------------------------------------------------------------------


def test_dpa() -> None:
    article = parse_raw(raw(dpa_doc()))
    assert article == Article(
        id="urn:newsml:dpa.com:20090101:260101-99-000001", version=2,
        source_format="dpa-digitalwires", headline="Schnee legt Verkehr lahm",
        body="Starker Schneefall hat den Verkehr lahmgelegt.\nZweiter Absatz.",
        provider="dpa.com", language="de", pub_status="usable", signals=("sig:correction",),
        version_created="2026-01-01T12:00:00+01:00", byline="Von Max Muster, dpa",
        dateline="München (dpa) -", urgency=3, ednotes=("Ort korrigiert",),
    )
    assert "Teaser" not in article.body


def test_dpa_pubstatus_and_signals_from_categories() -> None:
    doc = dpa_doc(pubstatus=None, signal=None, categories=[
        {"type": "dnltype:pubstatus", "qcode": "stat:canceled"},
        {"type": "dnltype:signal", "qcode": "sig:update"},
    ])
    article = parse_raw(raw(doc))
    assert (article.pub_status, article.signals) == ("canceled", ("sig:update",))


def test_dpa_kill_and_photo() -> None:
    kill = parse_raw(raw(dpa_doc(pubstatus="canceled", article_html=None)))
    assert (kill.pub_status, kill.body) == ("canceled", "")
    assert reason_of(raw(dpa_doc(article_html=None))) == "empty_body"


def test_dpa_version_must_be_integer() -> None:
    with pytest.raises(RejectedInput) as info:
        parse_raw(raw(dpa_doc(version="2")))
    assert (info.value.reason, "version" in str(info.value)) == ("invalid_field", True)


def test_dpa_missing_urn() -> None:
    doc = dpa_doc()
    del doc["urn"]
    assert reason_of(raw(doc)) == "missing_id"


@pytest.mark.parametrize(
    ("field", "value"),
    [("ednotes", {"role": "x"}), ("ednotes", ["note"]), ("categories", "sig:update"),
     ("article_html", ["<p>x</p>"]), ("embargoed", "tomorrow"), ("urgency", True)],
)
def test_dpa_wrong_shapes(field: str, value: Any) -> None:
    with pytest.raises(RejectedInput) as info:
        parse_raw(raw(dpa_doc(**{field: value})))
    assert info.value.reason == "invalid_field"
    assert field in str(info.value)


# -- detection ------------------------------------------------------------------------


def test_detection_by_shape_without_content_type() -> None:
    assert detect(dpa_doc()) == "dpa-digitalwires"
    assert detect(ninjs2_doc()) == "ninjs"
    assert detect(native_doc()) == "native"
    assert detect({"foo": 1}) is None


def test_content_type_breaks_ties_but_does_not_override_shape() -> None:
    both = dict(native_doc(), uri="http://example.com/x", body_text="Ninjs body.")
    sniffed = parse_raw(raw(both))
    assert (sniffed.source_format, sniffed.id, sniffed.body) == (
        "ninjs-1", "http://example.com/x", "Ninjs body.")
    hinted = parse_raw(raw(both), content_type="application/vnd.wirestream.article+json")
    assert (hinted.source_format, hinted.id, hinted.body) == (
        "native", "urn:test:native:1", BODY_TEXT)
    # A clear dpa shape stays dpa under a wrong header.
    assert parse_raw(raw(dpa_doc()), content_type="application/ninjs+json; charset=utf-8"
                     ).source_format == "dpa-digitalwires"
    # Without any recognisable shape, the header picks the parser (and its id rule).
    assert reason_of(b'{"foo": 1}', content_type="application/ninjs+json") == "missing_id"
    assert reason_of(b'{"foo": 1}', content_type="application/vnd.dpa.digitalwires+json"
                     ) == "missing_id"


# -- robustness -----------------------------------------------------------------------

ODD_VALUES: list[Any] = [None, 0, -1, 1.5, True, "", "x", "\ud800", [], [None], [1, "a"], {},
                         {"value": 1}, [{"value": None, "role": 3}], "9" * 30, 10**30]


@pytest.mark.parametrize("make", [native_doc, ninjs1_doc, ninjs2_doc, ninjs3_doc, dpa_doc])
def test_any_field_value_gives_article_or_rejection(make: Any) -> None:
    base = make()
    for field in [*base, "headlines", "bodies", "descriptions", "title", "standard"]:
        for value in ODD_VALUES:
            doc = copy.deepcopy(base)
            doc[field] = value
            try:
                article = parse_raw(json.dumps(doc).encode())
            except RejectedInput as exc:
                assert exc.reason in RejectedInput.REASONS
            else:
                assert isinstance(article, Article)
                json.dumps(article.to_dict(), ensure_ascii=False).encode("utf-8")


def test_random_bytes_and_truncations_never_escape() -> None:
    rng = random.Random(20260101)
    seeds = [raw(make()) for make in (native_doc, ninjs1_doc, ninjs2_doc, ninjs3_doc, dpa_doc)]
    payloads = [seed[:cut] for seed in seeds for cut in range(0, len(seed), 7)]
    payloads += [bytes(rng.randrange(256) for _ in range(rng.randrange(64))) for _ in range(300)]
    for seed in seeds:
        for _ in range(100):
            mutated = bytearray(seed)
            mutated[rng.randrange(len(mutated))] = rng.choice(b'{}[]",:0aZ\\\x00\xff')
            payloads.append(bytes(mutated))
    for payload in payloads:
        try:
            parse_raw(payload)
        except RejectedInput as exc:
            assert exc.reason in RejectedInput.REASONS


# -- plain text & native round trip ----------------------------------------------------


def test_article_from_text() -> None:
    text = "\n\n  Storm closes  Baltic ports \nRostock - Ports closed on Friday.\n\nMore text.\n"
    article = article_from_text("inbox/storm-2026.txt", text)
    assert article == Article(
        id="file:storm-2026", version=1, source_format="text",
        headline="Storm closes Baltic ports",
        body="Storm closes Baltic ports\nRostock - Ports closed on Friday.\nMore text.",
    )
    assert article_from_text("other/storm-2026.txt", "x y").id == article.id  # stable id


def test_article_from_text_headline_limit_and_empty() -> None:
    article = article_from_text("long.txt", "word " * 200)
    assert len(article.headline) <= 300 and article.headline.startswith("word word")
    with pytest.raises(RejectedInput) as info:
        article_from_text("empty.txt", " \n\u00ad\n ")
    assert info.value.reason == "empty_body"


ROUND_TRIP = [
    native_doc(), ninjs1_doc(), ninjs2_doc(), ninjs3_doc(), dpa_doc(),
    native_doc(body="a <b> c &amp; d", body_format="text", ednotes=["x", "y"], urgency=2,
               byline="By X", dateline="PARIS", first_created="2026-01-01"),
    native_doc(pub_status="canceled", body=""),
]


@pytest.mark.parametrize("doc", ROUND_TRIP)
def test_native_json_round_trip(doc: dict[str, Any]) -> None:
    article = parse_raw(raw(doc))
    again = parse_raw(article_to_native_json(article))
    assert again.source_format == "native"
    assert dataclasses.replace(again, source_format=article.source_format) == article


def test_text_file_round_trip() -> None:
    article = article_from_text("a.txt", "Head <i>line</i>\nBody &amp; more")
    again = parse_raw(article_to_native_json(article))
    assert dataclasses.replace(again, source_format="text") == article


# -- demo articles in samples/ --------------------------------------------------------

SAMPLE_FORMATS = {"en_ninjs3_": ("ninjs-3", "en"), "en_native_": ("native", "en"),
                  "fr_ninjs2_": ("ninjs-2", "fr"), "es_native_": ("native", "es"),
                  "de_dpa_": ("dpa-digitalwires", "de")}


def test_samples_cover_every_format_and_language() -> None:
    names = [path.name for path in SAMPLES_DIR.glob("*.json")]
    for prefix in SAMPLE_FORMATS:
        assert sum(name.startswith(prefix) for name in names) == 1, prefix


@pytest.mark.parametrize("path", sorted(SAMPLES_DIR.glob("*.json")), ids=lambda p: p.name)
def test_sample_parses_with_declared_language(path: Path) -> None:
    article = parse_raw(path.read_bytes())
    fmt, lang = next(v for prefix, v in SAMPLE_FORMATS.items() if path.name.startswith(prefix))
    assert (article.source_format, article.language) == (fmt, lang)
    assert article.id.startswith("urn:wirestream:sample:")
    assert article.headline and 120 <= article.word_count <= 250
    assert "<" not in article.body and "&nbsp;" not in article.body


def test_sample_ids_are_unique() -> None:
    ids = [parse_raw(path.read_bytes()).id for path in SAMPLES_DIR.glob("*.json")]
    assert len(ids) == len(set(ids)) == 5


# -- real samples (../shared/data/formats) ----------------------------------------------

# Expected outcome per file: a source_format when it parses, else the rejection reason.
# Photo/audio/video items, event stubs and "..." placeholder bodies have no article text.
NINJS_EXPECTED = {
    "documentation__includes__examples__1.6__001_simple_example.json": "ninjs-1",
    "documentation__includes__examples__1.6__002_renditions_example.json": "empty_body",  # "..."
    # "[ ... ]" placeholder body:
    "documentation__includes__examples__1.6__003_associations_example.json": "empty_body",
    "documentation__includes__examples__1.6__004_simple_text_article.json": "ninjs-1",
    "documentation__includes__examples__1.6__005_complex_text_article.json": "ninjs-1",
    "documentation__includes__examples__1.6__006_photo_only.json": "empty_body",
    "documentation__includes__examples__1.6__007_multimedia.json": "ninjs-1",
    "documentation__includes__examples__2.2__001_simple_example.json": "ninjs-2",
    "documentation__includes__examples__2.2__002_renditions_example.json": "empty_body",
    "documentation__includes__examples__2.2__003_associations_example.json": "empty_body",
    "documentation__includes__examples__2.2__004_simple_text_article.json": "ninjs-2",
    "documentation__includes__examples__2.2__005_complex_text_article.json": "ninjs-2",
    "documentation__includes__examples__2.2__006_photo_only.json": "empty_body",
    "documentation__includes__examples__2.2__007_multimedia.json": "ninjs-2",
    "documentation__includes__examples__3.1__001_simple_example.json": "ninjs-3",
    "documentation__includes__examples__3.1__002_renditions_example.json": "empty_body",
    "documentation__includes__examples__3.1__003_associations_example.json": "empty_body",
    "documentation__includes__examples__3.1__004_simple_text_article.json": "ninjs-3",
    "documentation__includes__examples__3.1__005_complex_text_article.json": "ninjs-3",
    "documentation__includes__examples__3.1__006_photo_only.json": "empty_body",
    "documentation__includes__examples__3.1__007_multimedia.json": "ninjs-3",
    "documentation__includes__examples__3.1__008_event.json": "empty_body",
    # Schema-invalid only because of the extension property "embargoedreason"; we do not
    # validate against the schema (extensions are legal in practice), so it is judged like
    # any ninjs item: a uri, an embargo and no text at all -> empty_body.
    "documentation__includes__examples__not-valid__008_extension.json": "empty_body",
    "examples__1.4__businesswire-newsml-20130515006361.json": "ninjs-1",
    "examples__1.4__businesswire-newsml-20130605006126.json": "ninjs-1",
    "examples__1.4__businesswire-newsml-20130612006110.json": "ninjs-1",
    "examples__1.4__businesswire-newsml-20130731006140.json": "ninjs-1",
    "examples__1.4__ninjs-1-4-examples.json": "empty_body",  # headline + test properties only
    "examples__1.4__ninjsExComplex1.json": "ninjs-1",
    "examples__1.4__ninjsExComplex2.json": "ninjs-1",
    "examples__1.4__ninjsExMediumText1.json": "ninjs-1",
    "examples__1.4__ninjsExSimplePhoto1.json": "empty_body",
    "examples__1.4__ninjsExSimpleText1.json": "ninjs-1",
    "examples__2.1__SIPA_image_2.json": "empty_body",  # picture: its bodies are captions
    "examples__2.1__ap_audio.json": "empty_body",
    "examples__2.1__ap_image.json": "empty_body",
    "examples__2.1__ap_video.json": "empty_body",
    "examples__2.1__businesswire-newsml-20130605006126.json": "ninjs-2",
    "examples__2.1__businesswire-newsml-20130731006140.json": "ninjs-2",
    "examples__2.1__dpa_text.json": "ninjs-2",
    "examples__2.1__imageEncodedRights.json": "empty_body",
    "examples__2.1__imageLinkedRights.json": "empty_body",
    "examples__2.1__ninjsExSimpleText_2.json": "ninjs-2",
    "examples__2.1__ntb_text.json": "ninjs-2",  # text item whose story is its description
    "examples__2.1__schema-extension__extension-example.json": "ninjs-2",
    "examples__2.1__schema-extension__extension-schema.json": "unknown_format",  # a JSON Schema
    "examples__2.1__tt_text_image_2.json": "ninjs-2",
    "examples__3.0__20231004-UEFA-ChampionLeague.json": "empty_body",  # event, no body
    "examples__3.0__20231005-65-addb-event.json": "empty_body",
    "examples__3.0__20231008-anti-doping-measures-at-the-tour-down-under-will-be-the-toughest"
    "-ever-addb-ninjs-nitf.json": "ninjs-3",
    "examples__3.0__20231016-addb-example-press-conference.json": "ninjs-3",  # headline = title
    "examples__3.0__SIPA_image_3.json": "empty_body",
    "examples__3.0__ap_audio.json": "empty_body",
    "examples__3.0__ap_image.json": "empty_body",
    "examples__3.0__ap_video.json": "empty_body",
    "examples__3.0__businesswire-newsml-20130605006126.json": "ninjs-3",
    "examples__3.0__businesswire-newsml-20130731006140.json": "ninjs-3",
    "examples__3.0__collection__20231016-event-timeline-sample.json": "unknown_format",  # array
    "examples__3.0__dpa_text.json": "ninjs-3",
    "examples__3.0__imageEncodedRights.json": "empty_body",
    "examples__3.0__imageLinkedRights.json": "empty_body",
    "examples__3.0__ninjsExSimpleText_3.json": "ninjs-3",
    "examples__3.0__ntb_text.json": "ninjs-3",
    "examples__3.0__simpleEvent.json": "empty_body",
    "examples__3.0__tt_event_pressconference_3.0.json": "ninjs-3",
    "examples__3.0__tt_text_image_3.json": "ninjs-3",
}
DPA_EXPECTED = {
    "input__audio.json": "empty_body",
    "input__dw-1.json": "dpa-digitalwires",
    "input__eil.json": "dpa-digitalwires",
    "input__embargoed.json": "dpa-digitalwires",
    "input__empty_paragraph.json": "dpa-digitalwires",
    "input__hoerfunk.json": "dpa-digitalwires",
    "input__image.json": "empty_body",
    "input__image2.json": "empty_body",
    "input__lesestuecke.json": "dpa-digitalwires",
    "input__no_content.json": "empty_body",  # a Europa Press photo
    "input__no_notepad.json": "dpa-digitalwires",
    "input__nsb_n1.json": "dpa-digitalwires",
    "input__rubix_multimedia_real.json": "dpa-digitalwires",
    "input__rubix_multimedia_testartikel.json": "dpa-digitalwires",
    "input__spe2.json": "dpa-digitalwires",
    "input__spe_tab.json": "dpa-digitalwires",
    "input__tvo_pol.json": "dpa-digitalwires",
    "input__with_dateline.json": "dpa-digitalwires",
    "input__with_infobox.json": "dpa-digitalwires",
}

needs_shared = shared_data_marker(NINJS_DIR, DPA_DIR)


@needs_shared
@pytest.mark.shared_data
def test_expected_tables_list_every_file() -> None:
    assert sorted(p.name for p in NINJS_DIR.glob("*.json")) == sorted(NINJS_EXPECTED)
    assert sorted(p.name for p in DPA_DIR.glob("input__*.json")) == sorted(DPA_EXPECTED)


def _outcome(path: Path) -> tuple[str, Article | None]:
    try:
        article = parse_raw(path.read_bytes())
    except RejectedInput as exc:
        return exc.reason, None
    return article.source_format, article


@needs_shared
@pytest.mark.shared_data
@pytest.mark.parametrize(
    ("directory", "name", "expected"),
    [(NINJS_DIR, n, e) for n, e in NINJS_EXPECTED.items()]
    + [(DPA_DIR, n, e) for n, e in DPA_EXPECTED.items()],
    ids=lambda value: value if isinstance(value, str) and value.endswith(".json") else "",
)
def test_real_sample_outcome(directory: Path, name: str, expected: str) -> None:
    outcome, article = _outcome(directory / name)
    assert outcome == expected
    if article is not None:
        assert article.id and article.headline and article.body
        assert "</" not in article.body and "<p" not in article.body
        assert "&amp;" not in article.body and "&nbsp;" not in article.body


def _ninjs(name: str) -> Article:
    return parse_raw((NINJS_DIR / name).read_bytes())


def _dpa(name: str) -> Article:
    return parse_raw((DPA_DIR / f"input__{name}.json").read_bytes(),
                     content_type="application/vnd.dpa.digitalwires+json")


@needs_shared
@pytest.mark.shared_data
def test_real_ninjs_values() -> None:
    dpa3 = _ninjs("examples__3.0__dpa_text.json")
    assert (dpa3.id, dpa3.version, dpa3.language, dpa3.provider, dpa3.source_format) == (
        "urn:newsml:dpa.com:20090101:190510-99-167362", 2, "de", "dpa", "ninjs-3")
    assert dpa3.headline == "Faktencheck Derby-Elfmeter: Hat Schiedsrichter Zwayer recht?"
    dpa2 = _ninjs("examples__2.1__dpa_text.json")
    assert dataclasses.replace(dpa2, source_format="ninjs-3") == dpa3

    ntb = _ninjs("examples__3.0__ntb_text.json")
    assert (ntb.version, ntb.language, ntb.provider, ntb.ednotes) == (
        6, "nb-NO", "NTB", ("Noe utvidet.",))
    assert ntb.body.startswith("IT-giganten Google har kjøpt en tomt")

    ap = _ninjs("examples__1.4__ninjsExSimpleText1.json")
    assert ap.body.startswith("GROSSETO, Italy (AP) -- The trial of the captain")

    doping = _ninjs("examples__3.0__20231008-anti-doping-measures-at-the-tour-down-under"
                    "-will-be-the-toughest-ever-addb-ninjs-nitf.json")
    # The text/plain body is chosen over the NITF one (which repeats the headline first).
    assert not doping.body.startswith("Anti-doping measures")

    zh = _ninjs("examples__1.4__businesswire-newsml-20130605006126.json")
    assert (zh.language, zh.provider) == ("zh", "businesswire.com")


@needs_shared
@pytest.mark.shared_data
def test_real_dpa_values() -> None:
    dw1 = _dpa("dw-1")
    assert (dw1.version, dw1.signals, dw1.language) == (2, ("sig:correction",), "de")
    assert (dw1.byline, dw1.dateline) == ("Von Marco Krefting und Sunrita Sen, dpa",
                                          "Waghäusel (dpa) -")
    assert any(note.startswith("In einer früheren Version") for note in dw1.ednotes)
    assert not any("dpa kre/su" in note for note in dw1.ednotes)  # closing line dropped
    assert not any("+49" in note for note in dw1.ednotes)  # contact lists dropped
    assert dw1.body.startswith("Die meisten Kundinnen bestellen nur einmal")

    embargoed = _dpa("embargoed")
    assert embargoed.embargoed_until == "2025-01-23T19:00:00+01:00"
    assert any("Sperrfrist" in note for note in embargoed.ednotes)
    assert _dpa("rubix_multimedia_testartikel").embargoed_until == "2024-10-22T11:30:00+02:00"

    assert _dpa("with_dateline").signals == ("sig:update",)
    assert _dpa("tvo_pol").signals == ("sig:correction",)

    spe2 = _dpa("spe2")  # sports data: version 52, no pubstatus at all
    assert (spe2.version, spe2.pub_status) == (52, "usable")

    ap = _dpa("no_notepad")  # an AP story redistributed by dpa
    assert (ap.provider, ap.language) == ("ap.org", "en")
    assert _dpa("empty_paragraph").language == "es"


@needs_shared
@pytest.mark.shared_data
def test_real_samples_round_trip_through_native_json() -> None:
    paths = [NINJS_DIR / n for n, e in NINJS_EXPECTED.items() if e.startswith("ninjs")]
    paths += [DPA_DIR / n for n, e in DPA_EXPECTED.items() if e == "dpa-digitalwires"]
    for path in paths:
        article = parse_raw(path.read_bytes())
        again = parse_raw(article_to_native_json(article))
        assert dataclasses.replace(again, source_format=article.source_format) == article, path


# -- one raw topic, every format: JSON or XML, then which XML ---------------------------

@pytest.mark.parametrize(("payload", "content_type", "expected"), [
    (b"<rss/>", None, "xml"),
    (b"\xef\xbb\xbf\n  <feed/>", "application/json", "xml"),  # bytes beat a wrong header
    (b'{"id": 1}', "application/rss+xml", "json"),
    (b"garbage", "text/xml; charset=utf-8", "xml"),  # ambiguous bytes: the header decides
    (b"garbage", "application/vnd.iptc.g2.newsitem+xml", "xml"),
    (b"garbage", None, "json"),
    ('<?xml version="1.0" encoding="UTF-16"?><rss/>'.encode("utf-16"), None, "xml"),
])
def test_payload_syntax(payload: bytes, content_type: str | None, expected: str) -> None:
    from wirestream.processors.formats.detect import payload_syntax

    assert payload_syntax(payload, content_type) == expected


@pytest.mark.parametrize(("root", "content_type", "expected"), [
    ("newsItem", None, "newsml-g2"), ("newsMessage", "application/rss+xml", "newsml-g2"),
    ("rss", None, "feed"), ("feed", None, "feed"), ("RDF", None, "feed"),
    ("channel", "application/rss+xml", "feed"), ("nitf", None, "nitf"),
    ("NewsML", None, "newsml-1"), ("html", "text/xml", None),
])
def test_xml_format_by_root_element(root: str, content_type: str | None,
                                    expected: str | None) -> None:
    from wirestream.processors.formats.detect import xml_format

    assert xml_format(root, content_type) == expected


def test_garbage_is_not_json_or_not_xml_as_the_header_says() -> None:
    assert reason_of(b"garbage") == "not_json"
    assert reason_of(b"garbage", content_type="application/xml") == "not_xml"
