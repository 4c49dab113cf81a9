"""Shared fixtures: the real data folder, the broker, worker processes.

The broker is Apache Kafka 4.x (fetched from Maven Central and started here) unless
``WIRESTREAM_TEST_BROKER`` names another: ``kafka-3.9.x``, ``tansu``, ``kafka-cluster``
(see streams/brokers/local.py). ``make test`` runs the whole suite on Kafka 4.x, then
the ``smoke`` set on Kafka 3.9.x and on Tansu.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.scenarios.corpora import REPO_ROOT, SHARED_DATA  # noqa: F401 - tests import REPO_ROOT here
from wirestream.streams.brokers.local import LocalBroker, is_tansu, local_broker
from wirestream.streams.brokers.tansu import free_port

TEST_BROKER = os.environ.get("WIRESTREAM_TEST_BROKER", "kafka")


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        message = f"real data not present at {SHARED_DATA} (../shared beside the repo)"
        if os.environ.get("CI"):
            pytest.fail(message + "; CI must have it")  # no silent skips on CI
        pytest.skip(message)
    return SHARED_DATA


@pytest.fixture(scope="session")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalBroker]:
    """One broker for the test session (real Kafka protocol over TCP)."""
    with local_broker(TEST_BROKER, tmp_path_factory.mktemp("broker")) as started:
        yield started


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
        "WIRESTREAM_BROKER_PROFILE": "tansu" if is_tansu(TEST_BROKER) else "kafka",
        "WIRESTREAM_FAST_JOIN": "true",  # the local Kafka allows short sessions
        "WIRESTREAM_NLP_PROCESSES": "1",
        "WIRESTREAM_BATCH_WITHIN_S": "0.2",
    }
