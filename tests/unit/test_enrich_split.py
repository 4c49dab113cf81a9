"""How a batch is cut into one chunk per spaCy process."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from wirestream.processors.article import Article
from wirestream.processors.enrich import split_by_words


def articles(lengths: list[int]) -> list[Article]:
    return [Article(id=str(i), version=1, source_format="text", headline="",
                    body="word " * n) for i, n in enumerate(lengths)]


@given(st.lists(st.integers(0, 2000), max_size=64), st.integers(1, 8))
def test_chunks_keep_every_article_once_in_order(lengths: list[int], parts: int):
    batch = articles(lengths)
    chunks = split_by_words(batch, parts)
    assert [a for chunk in chunks for a in chunk] == batch
    assert len(chunks) <= max(1, parts)
    assert all(chunks) or batch == []


def test_words_are_shared_between_processes():
    chunks = split_by_words(articles([300, 300, 300, 300]), 2)
    assert [len(c) for c in chunks] == [2, 2]
    one_big = split_by_words(articles([20, 20, 20, 20, 900, 20]), 2)
    assert one_big[0][-1].id == "3" and one_big[1][0].id == "4"
