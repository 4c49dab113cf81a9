"""Plain .txt files: the first non-empty line is the headline, the whole text the body."""

from __future__ import annotations

from pathlib import PurePath

from wirestream.processors.article import Article
from wirestream.processors.formats import common as c
from wirestream.processors.text import clean_line, clean_text

SOURCE_FORMAT = "text"
MAX_HEADLINE_CHARS = 300


def article_from_text(name: str, text: str, *, max_body_chars: int = 500_000) -> Article:
    """Article for a text file called ``name``; id ``file:<stem>`` so re-sending the same
    file is a new version of the same story rather than a new story."""
    stem = PurePath(name).stem if name else ""
    story = c.story_id(f"file:{stem}" if stem.strip() else None, "file name")
    # The limits come before the clean-up, whose cost they bound (see build_article).
    c.check_text_limits(text, max_body_chars)
    body = clean_text(text)
    first_line = next((line for line in body.split("\n") if line.strip()), "")
    headline = clean_line(first_line)[:MAX_HEADLINE_CHARS].rstrip()
    return c.build_article(
        id=story,
        version=1,
        source_format=SOURCE_FORMAT,
        headline=headline,
        body=body,
        max_body_chars=max_body_chars,
    )
