"""Broker names for tests, benchmarks and ``wirestream broker``."""

from __future__ import annotations

import pytest

from wirestream.streams.brokers.apache_kafka import KAFKA_VERSIONS, resolve_version
from wirestream.streams.brokers.local import parse_kind


def test_broker_names():
    assert parse_kind("tansu") == ("tansu", None, 1)
    assert parse_kind("kafka") == ("kafka", "4.x", 1)
    assert parse_kind("kafka-3.9.x") == ("kafka", "3.9.x", 1)
    assert parse_kind("kafka-cluster") == ("kafka", "4.x", 3)
    assert parse_kind("kafka-3.9.x-cluster") == ("kafka", "3.9.x", 3)
    assert parse_kind("kafka-4.4.0") == ("kafka", "4.4.0", 1)
    with pytest.raises(ValueError):
        parse_kind("redpanda")


def test_lines_resolve_to_pinned_versions():
    assert resolve_version("4.x") == KAFKA_VERSIONS["4.x"]
    assert resolve_version("3.9.x").startswith("3.9.")
    assert resolve_version("4.3.1") == "4.3.1"
