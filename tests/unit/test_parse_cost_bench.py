"""bench/parse_cost.py: its generators give documents of the declared format within the
size asked for (checked at a small size; the bench itself runs at the 2 MB cap)."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from lxml import etree

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench import parse_cost

SIZE = 30_000
CASES = parse_cost.all_cases()
_JSON_ID = {"dpa": '"format": "digitalwires', "ninjs1": '"uri"', "ninjs2": '"uri"',
            "ninjs3": '"uri"', "native": '"id"'}
_XML_ROOT = {"g2-item": "newsItem", "g2-message": "newsMessage", "rss": "rss", "atom": "feed",
             "nitf": "nitf", "newsml1": "NewsML"}
# Documents that are not well-formed on purpose (or beyond parser limits by design).
_NOT_WELL_FORMED = {"too-deep"}


def test_every_format_has_a_baseline_and_the_issue_shapes() -> None:
    names = {case.name for case in CASES}
    for fmt in parse_cost.FORMATS:
        assert f"{fmt}/realistic-500k" in names
        assert f"{fmt}/combining-marks" in names
    for name in ("rss/big-channel", "atom/many-entries", "g2-message/xmlns-items",
                 "g2-item/xmlns-story-roots", "dpa/nested-skip", "text/million-newlines",
                 "native/unterminated", "ninjs2/headlines-list", "ninjs3/deep-json"):
        assert name in names
    assert len(names) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_generator_gives_the_declared_format_under_the_size(case: parse_cost.Case) -> None:
    payload = case.build(SIZE)
    assert SIZE // 2 <= len(payload) <= SIZE
    text = payload.decode("utf-8")
    if case.fmt == "text":
        assert case.entry == "text"
        return
    assert case.entry == "raw"
    if case.fmt in _JSON_ID:
        assert text.startswith("{")
        assert _JSON_ID[case.fmt] in text[:2000]
        if case.shape != "deep-json":  # nested beyond Python's recursion limit on purpose
            assert isinstance(json.loads(text), dict)
        return
    first = re.search(r"<([A-Za-z][\w.-]*)", text.removeprefix("<?xml"))
    assert first is not None and first.group(1) == _XML_ROOT[case.fmt]
    if case.shape not in _NOT_WELL_FORMED:
        root = etree.fromstring(payload, etree.XMLParser(huge_tree=True))
        assert etree.QName(root).localname == _XML_ROOT[case.fmt]


def test_size_is_filled_close_to_the_budget() -> None:
    by_name = {case.name: case for case in CASES}
    for name in ("dpa/combining-marks", "rss/many-entries", "g2-message/xmlns-items",
                 "text/million-newlines"):
        assert len(by_name[name].build(SIZE)) > SIZE - 1_000
