"""Inputs under the size cap shaped to make parsing slow or big: each is refused by a
structural limit (``too_complex``) or parsed along a linear path. Outcomes only; the
time and memory they cost are measured by ``bench/parse_cost.py``."""

from __future__ import annotations

import json

import pytest

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.formats import split_raw
from wirestream.processors.formats.common import MAX_COMBINING_RUN
from wirestream.processors.formats.xml_safety import Limits

G2 = "http://iptc.org/std/nar/2006-10-01/"


def outcome(payload: bytes) -> str:
    """"article" for each article, or the reason, as ingest sees it (split, no copies)."""
    try:
        parts = split_raw(payload, standalone=False)
    except RejectedInput as exc:
        return exc.reason
    reasons = {p.outcome.reason if isinstance(p.outcome, RejectedInput) else "article"
               for p in parts}
    return reasons.pop() if len(reasons) == 1 else ",".join(sorted(reasons))


def ninjs(headline: str = "Headline", body: str = "Body text.", **extra: object) -> bytes:
    return json.dumps({"uri": "urn:x:1", "type": "text", "headline": headline,
                       "body_text": body, **extra}).encode()


def rss(entries: int, channel_extra: str = "") -> bytes:
    items = "".join(f"<item><guid>g{i}</guid><title>T{i}</title><description>Entry {i} text."
                    "</description></item>" for i in range(entries))
    return (f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title>'
            f"<link>https://example.org/</link>{channel_extra}{items}</channel></rss>").encode()


def test_namespace_declarations_over_the_limit_are_too_complex() -> None:
    declarations = " ".join(f'xmlns:p{i}="urn:ns:{i}"' for i in range(
        Limits.NAMESPACE_DECLARATIONS + 1))
    payload = (f'<newsItem xmlns="{G2}" {declarations} guid="urn:x" version="1">'
               "<contentMeta><headline>H</headline></contentMeta></newsItem>").encode()
    assert outcome(payload) == "too_complex"


def test_attributes_per_element_over_the_limit_are_too_complex() -> None:
    attributes = " ".join(f'a{i}="v"' for i in range(Limits.ATTRIBUTES_PER_ELEMENT + 1))
    payload = f"<nitf><body><body.content><p {attributes}>x</p></body.content></body></nitf>"
    assert outcome(payload.encode()) == "too_complex"


def test_elements_over_the_limit_are_too_complex() -> None:
    payload = ("<nitf><body><body.content>" + "<b/>" * (Limits.ELEMENTS + 1)
               + "</body.content></body></nitf>")
    assert outcome(payload.encode()) == "too_complex"


def test_nesting_deeper_than_the_parser_allows_is_too_complex() -> None:
    payload = "<nitf>" + "<block>" * 3000 + "</block>" * 3000 + "</nitf>"
    assert outcome(payload.encode()) == "too_complex"


def test_feed_items_over_the_limit_are_too_complex() -> None:
    assert outcome(rss(Limits.ITEMS)) == "article"
    assert outcome(rss(Limits.ITEMS + 1)) == "too_complex"


def test_newsmessage_items_over_the_limit_are_too_complex() -> None:
    item = ('<newsItem guid="urn:x:{}" version="1"><contentMeta><headline>H</headline>'
            "</contentMeta></newsItem>")
    payload = (f'<newsMessage xmlns="{G2}"><itemSet>'
               + "".join(item.format(i) for i in range(Limits.ITEMS + 1))
               + "</itemSet></newsMessage>")
    assert outcome(payload.encode()) == "too_complex"


def test_json_list_over_the_limit_is_too_complex() -> None:
    assert outcome(ninjs(keywords=["k"] * 10_001)) == "too_complex"
    assert outcome(ninjs(keywords=["k"] * 10_000)) == "article"


@pytest.mark.parametrize("field", ["headline", "body"])
def test_a_long_run_of_combining_marks_is_too_complex(field: str) -> None:
    # Alternating canonical classes: the worst case of Unicode normalisation's sort.
    run = "a" + "\u0301\u0316" * (MAX_COMBINING_RUN // 2 + 1)
    assert outcome(ninjs(**{field: f"Text {run} more"})) == "too_complex"
    # Real text stacks a few: Vietnamese, pointed Hebrew.
    assert outcome(ninjs(**{field: "Vi\u1ec7t Nam \u05e9\u05b8\u05c1\u05dc\u05d5\u05b9\u05dd"}
                         )) == "article"


def test_a_body_far_over_the_limit_is_refused_before_clean_up() -> None:
    with pytest.raises(RejectedInput) as info:
        split_raw(ninjs(body="word " * 300_000), max_body_chars=100_000)
    assert info.value.reason == "too_large" and "before clean-up" in str(info.value)


def test_a_million_newlines_parse() -> None:
    body = "Line\n" * 10 + "\n" * 990_000 + "End."
    parts = split_raw(ninjs(body=body), standalone=False)
    assert isinstance(parts[0].outcome, Article)
    assert parts[0].outcome.body.splitlines()[-1] == "End."


def test_nested_skipped_elements_in_an_html_body_parse() -> None:
    html = "<p>Kept</p>" + "<title>" * 50_000 + "x" + "</title>" * 50_000 + "<p>After</p>"
    parts = split_raw(ninjs(body_html=html, body_text=None), standalone=False)
    assert isinstance(parts[0].outcome, Article) and parts[0].outcome.body == "Kept\nAfter"


def test_many_tails_in_an_inline_xml_body_are_kept_in_order() -> None:
    spans = "".join(f'<span class="teaser">t</span>w{i} ' for i in range(20_000))
    payload = (f'<newsItem xmlns="{G2}" guid="urn:x" version="1"><contentMeta><headline>H'
               '</headline></contentMeta><contentSet><inlineXML contenttype="application/'
               f'xhtml+xml"><html xmlns="http://www.w3.org/1999/xhtml"><body><p>{spans}</p>'
               "</body></html></inlineXML></contentSet></newsItem>").encode()
    article = split_raw(payload, standalone=False)[0].outcome
    assert isinstance(article, Article)
    words = article.body.split()
    assert words[:2] == ["w0", "w1"] and words[-1] == "w19999" and len(words) == 20_000


def test_a_feed_split_does_not_copy_a_big_channel_into_every_entry() -> None:
    big = "<description>" + "blah " * 200_000 + "</description>"
    parts = split_raw(rss(20, channel_extra=big), max_bytes=2_000_000)
    assert len(parts) == 20 and all(isinstance(p.outcome, Article) for p in parts)
    assert all(len(p.payload) < 10_000 for p in parts)
    # Each standalone entry still reads as the same article.
    again = split_raw(parts[3].payload)[0].outcome
    assert again == parts[3].outcome


def test_a_start_tag_of_many_attributes_in_an_html_body_keeps_its_text() -> None:
    tag = "<p" + ' a="1"' * 100_000 + ">Kept text</p><p>After</p>"
    parts = split_raw(ninjs(body_html=tag, body_text=None), standalone=False)
    assert isinstance(parts[0].outcome, Article) and parts[0].outcome.body == "Kept text\nAfter"


def test_a_plain_text_file_with_a_long_combining_run_is_too_complex() -> None:
    from wirestream.processors.formats import article_from_text

    with pytest.raises(RejectedInput) as info:
        article_from_text("story.txt", "Headline\nBody a" + "\u0301\u0316" * 1000)
    assert info.value.reason == "too_complex"
