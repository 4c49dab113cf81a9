"""Property-based: whatever bytes arrive, parsing yields an Article or a RejectedInput
with a known reason, never another exception (the worker dead-letters those)."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from processors.article import Article, RejectedInput
from processors.formats import parse_raw

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
