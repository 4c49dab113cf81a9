"""Brokers started on this machine by name, for tests, benchmarks and ``wirestream broker``.

``tansu``: the embedded Tansu broker (no Java). ``kafka`` / ``kafka-4.x`` /
``kafka-3.9.x`` (or an exact version such as ``kafka-4.4.0``): Apache Kafka from Maven
Central, one node; a ``-cluster`` suffix gives three nodes (replication factor 3,
``min.insync.replicas=2``).
"""

from __future__ import annotations

from pathlib import Path

from wirestream.streams.brokers.apache_kafka import DEFAULT_LINE, KafkaCluster
from wirestream.streams.brokers.tansu import EmbeddedBroker

CLUSTER_NODES = 3
KINDS = ("tansu", "kafka", "kafka-4.x", "kafka-3.9.x", "kafka-cluster", "kafka-3.9.x-cluster")

LocalBroker = EmbeddedBroker | KafkaCluster


def parse_kind(kind: str) -> tuple[str, str | None, int]:
    """``kafka-3.9.x-cluster`` -> ("kafka", "3.9.x", 3); ``tansu`` -> ("tansu", None, 1)."""
    name = kind.strip().lower()
    if name == "tansu":
        return "tansu", None, 1
    if name != "kafka" and not name.startswith("kafka-"):
        raise ValueError(f"unknown broker {kind!r}: tansu, kafka, kafka-<version>[-cluster]")
    rest = name.removeprefix("kafka").removeprefix("-")
    nodes = 1
    if rest == "cluster" or rest.endswith("-cluster"):
        nodes = CLUSTER_NODES
        rest = rest.removesuffix("cluster").removesuffix("-")
    return "kafka", rest or DEFAULT_LINE, nodes


def local_broker(kind: str, log_dir: Path | None = None, nodes: int | None = None,
                 broker_config: dict[str, str] | None = None) -> LocalBroker:
    """A broker not yet started; use it as a context manager (it always stops)."""
    family, version, default_nodes = parse_kind(kind)
    if family == "tansu":
        return EmbeddedBroker(log_path=(log_dir / "tansu.log") if log_dir else None)
    assert version is not None
    return KafkaCluster(version, nodes=nodes or default_nodes,
                        work_dir=(log_dir / "kafka") if log_dir else None,
                        broker_config=broker_config)


def is_tansu(kind: str) -> bool:
    return parse_kind(kind)[0] == "tansu"
