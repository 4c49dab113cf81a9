"""Property-based: whatever bytes arrive, parsing yields an Article or a RejectedInput
with a known reason, never another exception (the worker dead-letters those)."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import parse_raw, parse_raw_items

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=5)
    | st.dictionaries(st.text(max_size=12), children, max_size=6),
    max_leaves=30,
)
# Documents shaped like the formats, with hostile values in their fields.
FIELDS = ["id", "uri", "urn", "version", "headline", "headlines", "body", "body_text",
          "body_html", "bodies", "article_html", "format", "type", "language", "pubstatus",
          "pubStatus", "pub_status", "versioncreated", "versionCreated", "embargoed",
          "embargoedUntil", "signal", "ednotes", "urgency", "$schema"]
shaped = st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=10)


def _check(payload: bytes) -> None:
    try:
        article = parse_raw(payload, max_bytes=200_000, max_body_chars=100_000)
    except RejectedInput as exc:
        assert exc.reason in RejectedInput.REASONS
    else:
        assert isinstance(article, Article) and article.id


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=2000))
def test_random_bytes(payload: bytes) -> None:
    _check(payload)


@settings(max_examples=600, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(shaped)
def test_documents_with_hostile_field_values(doc: dict[str, object]) -> None:
    _check(json.dumps(doc).encode())


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=1, max_value=5000))
def test_deeply_nested_json(depth: int) -> None:
    _check(("[" * depth + "]" * depth).encode())
    _check(('{"id": ' * depth + "1" + "}" * depth).encode())


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_truncated_json(text: str) -> None:
    doc = json.dumps({"id": "urn:x", "headline": text, "body": text + " body"})
    _check(doc[: len(doc) // 2].encode())


# -- XML (NewsML-G2, RSS, Atom) -----------------------------------------------------------

def _check_items(payload: bytes, content_type: str | None = None) -> None:
    try:
        articles = parse_raw_items(payload, content_type=content_type, max_bytes=200_000,
                                   max_body_chars=100_000)
    except RejectedInput as exc:
        assert exc.reason in RejectedInput.REASONS
    else:
        assert articles and all(isinstance(a, Article) and a.id for a in articles)


XML_TAGS = ["newsItem", "newsMessage", "itemSet", "itemMeta", "contentMeta", "contentSet",
            "inlineXML", "inlineData", "headline", "pubStatus", "signal", "rss", "channel",
            "item", "feed", "entry", "guid", "id", "title", "description", "content", "p",
            "body", "body.content", "nitf", "html"]
XML_ATTRS = ["guid", "version", "qcode", "contenttype", "xml:lang", "rank", "role", "class",
             "type", "href", "tag"]
attr_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=15)


@st.composite
def xmlish(draw: st.DrawFn, depth: int = 0) -> str:
    """Random XML-ish markup: mostly well-formed, sometimes not (unescaped text)."""
    tag = draw(st.sampled_from(XML_TAGS))
    attrs = draw(st.dictionaries(st.sampled_from(XML_ATTRS), attr_values, max_size=3))
    attr_text = "".join(f' {k}="{v.replace("&", "&amp;").replace(chr(34), "&quot;")}"'
                        .replace("<", "&lt;") for k, v in attrs.items())
    text = draw(st.text(max_size=30))
    if draw(st.booleans()):
        text = text.replace("&", "&amp;").replace("<", "&lt;")
    children = ""
    if depth < 4:
        children = "".join(draw(st.lists(xmlish(depth + 1), max_size=3)))
    return f"<{tag}{attr_text}>{text}{children}</{tag}>"


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(xmlish(), st.sampled_from([None, "application/xml", "application/rss+xml",
                                  "application/vnd.iptc.g2.newsitem+xml", "application/json"]))
def test_random_xmlish_documents(doc: str, content_type: str | None) -> None:
    _check_items(doc.encode("utf-8", "surrogatepass"), content_type)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.binary(max_size=500))
def test_random_bytes_after_an_xml_start(tail: bytes) -> None:
    _check_items(b"<?xml version='1.0'?><newsItem guid='x'>" + tail)
    _check_items(b"<rss version='2.0'><channel><item>" + tail, "application/rss+xml")


@settings(max_examples=50, deadline=None)
@given(st.integers(min_value=2, max_value=12), st.integers(min_value=2, max_value=12),
       st.sampled_from(["newsItem", "rss", "feed"]))
def test_entity_bombs_are_refused(width: int, levels: int, root: str) -> None:
    entities = '<!ENTITY e0 "boom">' + "".join(
        f'<!ENTITY e{i} "{f"&e{i - 1};" * width}">' for i in range(1, levels))
    doc = f'<?xml version="1.0"?><!DOCTYPE {root} [{entities}]><{root}>&e{levels - 1};</{root}>'
    with pytest.raises(RejectedInput) as info:
        parse_raw_items(doc.encode())
    assert info.value.reason == "unsafe_xml"


@settings(max_examples=30, deadline=None)
@given(st.sampled_from(["file:///etc/passwd", "http://127.0.0.1:9/x", "/etc/hostname",
                        "expect://id"]),
       st.sampled_from(["SYSTEM", 'PUBLIC "-//x//EN"']))
def test_external_entities_are_refused(target: str, kind: str) -> None:
    doc = (f'<!DOCTYPE newsItem [<!ENTITY x {kind} "{target}">]>'
           '<newsItem guid="urn:x" version="1"><contentMeta><headline>&x;</headline>'
           "</contentMeta></newsItem>")
    with pytest.raises(RejectedInput) as info:
        parse_raw_items(doc.encode())
    assert info.value.reason == "unsafe_xml"


@settings(max_examples=40, deadline=None)
@given(st.integers(min_value=1, max_value=3000), st.sampled_from(["newsItem", "rss", "x"]))
def test_deeply_nested_xml(depth: int, root: str) -> None:
    _check_items((f"<{root}>" + "<a>" * depth + "</a>" * depth + f"</{root}>").encode())
    _check_items((f"<{root}>" + "<a>" * depth).encode())  # never closed


@settings(max_examples=10, deadline=None)
@given(st.integers(min_value=150_000, max_value=400_000))
def test_huge_text_is_bounded(size: int) -> None:
    body = "word " * (size // 5)
    doc = ('<newsItem xmlns="http://iptc.org/std/nar/2006-10-01/" guid="urn:x" version="1">'
           '<contentMeta><headline>H</headline></contentMeta><contentSet>'
           f'<inlineData contenttype="text/plain">{body}</inlineData></contentSet></newsItem>')
    _check_items(doc.encode())
