"""Shared fixtures: the real data folder, the embedded broker, worker processes."""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from streams.broker import EmbeddedBroker, free_port

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO_ROOT.parent / "shared" / "data"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"real data not present at {SHARED_DATA} (../shared beside the repo)")
    return SHARED_DATA


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[EmbeddedBroker]:
    """One embedded Tansu broker for the test session (real Kafka protocol over TCP)."""
    log_path = tmp_path_factory.mktemp("broker") / "tansu.log"
    with EmbeddedBroker(log_path=log_path) as embedded:
        yield embedded


_namespaces = itertools.count(1)


@pytest.fixture
def namespace_env(tmp_path: Path) -> dict[str, str]:
    """Settings for one isolated deployment on the shared broker: own topics, group, port."""
    n = next(_namespaces)
    return {
        "WIRESTREAM_TOPICS__PREFIX": f"t{os.getpid()}-{n}.",
        "WIRESTREAM_APP_ID": f"wirestream-test-{os.getpid()}-{n}",
        "WIRESTREAM_METRICS_PORT": str(free_port()),
        "WIRESTREAM_DATA_DIR": str(tmp_path / "data"),
        "WIRESTREAM_BROKER_PROFILE": "tansu",
        "WIRESTREAM_NLP_PROCESSES": "1",
        "WIRESTREAM_BATCH_WITHIN_S": "0.2",
    }
