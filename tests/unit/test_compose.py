"""docker-compose.yml cannot run here (no Docker engine); check its structure instead."""

from __future__ import annotations

from pathlib import Path

import yaml

from wirestream.config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_present():
    services = _compose()["services"]
    assert {"kafka", "worker", "prometheus", "grafana"} <= set(services)
    assert services["kafka"]["image"].startswith("apache/kafka:")


def test_kafka_is_the_version_the_tests_run():
    from wirestream.streams.brokers.apache_kafka import KAFKA_VERSIONS

    image = _compose()["services"]["kafka"]["image"]
    assert image == f"apache/kafka:{KAFKA_VERSIONS['4.x']}"


def test_kafka_is_single_node_kraft():
    env = _compose()["services"]["kafka"]["environment"]
    assert set(env["KAFKA_PROCESS_ROLES"].split(",")) == {"broker", "controller"}
    node = str(env["KAFKA_NODE_ID"])
    voters = env["KAFKA_CONTROLLER_QUORUM_VOTERS"]
    assert voters.startswith(f"{node}@kafka:")
    controller_port = voters.rsplit(":", 1)[1]
    assert f"CONTROLLER://:{controller_port}" in env["KAFKA_LISTENERS"]
    listener_names = {part.split("://")[0] for part in env["KAFKA_LISTENERS"].split(",")}
    mapped = {part.split(":")[0] for part in env["KAFKA_LISTENER_SECURITY_PROTOCOL_MAP"].split(",")}
    assert listener_names <= mapped
    assert env["KAFKA_INTER_BROKER_LISTENER_NAME"] in listener_names
    assert int(env["KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR"]) == 1


def test_worker_points_at_the_internal_listener_and_exposes_metrics():
    compose = _compose()
    worker = compose["services"]["worker"]
    env = worker["environment"]
    advertised = compose["services"]["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"]
    assert any(part.split("://")[1] == env["WIRESTREAM_BROKER_URL"]
               for part in advertised.split(","))
    # Every WIRESTREAM_ variable the worker gets must be a real setting.
    fields = set(Settings.model_fields)
    for name in env:
        assert name.startswith("WIRESTREAM_")
        assert name.removeprefix("WIRESTREAM_").split("__")[0].lower() in fields, name
    assert str(env["WIRESTREAM_METRICS_PORT"]) in {str(p) for p in worker["expose"]}
    # Inside its container the worker listens on every interface, so that Prometheus in
    # the compose network reaches it; the port is exposed to that network, not published.
    assert env["WIRESTREAM_METRICS_HOST"] == "0.0.0.0"
    assert "ports" not in worker


def _host_ip(mapping: str | dict) -> str | None:
    """The host address of a published port (short or long syntax); None = every interface."""
    if isinstance(mapping, dict):
        return mapping.get("host_ip")
    parts = str(mapping).split(":")
    return ":".join(parts[:-2]) if len(parts) > 2 else None


def test_published_ports_are_on_the_loopback_only():
    published = [(name, mapping) for name, service in _compose()["services"].items()
                 for mapping in service.get("ports", [])]
    assert published  # Kafka, Prometheus and Grafana for the host's own clients
    for name, mapping in published:
        assert _host_ip(mapping) == "127.0.0.1", (name, mapping)


def test_host_ip_reads_both_syntaxes():
    assert _host_ip("9092:9092") is None
    assert _host_ip("127.0.0.1:9092:9092") == "127.0.0.1"
    assert _host_ip({"target": 9092, "published": 9092}) is None
    assert _host_ip({"target": 9092, "host_ip": "127.0.0.1"}) == "127.0.0.1"


def test_prometheus_scrapes_the_worker_metrics_port():
    compose = _compose()
    prom = yaml.safe_load((ROOT / "config/prometheus/prometheus.yml").read_text())
    port = int(compose["services"]["worker"]["environment"]["WIRESTREAM_METRICS_PORT"])
    jobs = {job["job_name"]: job for job in prom["scrape_configs"]}
    sd = jobs["wirestream"]["dns_sd_configs"][0]
    assert sd["names"] == ["worker"] and sd["port"] == port
    mounts = compose["services"]["prometheus"]["volumes"]
    assert any(m.startswith("./config/prometheus:") for m in mounts)


def test_grafana_provisioning_is_mounted():
    mounts = _compose()["services"]["grafana"]["volumes"]
    assert any(m.startswith("./config/grafana/provisioning:") for m in mounts)
    for mount in mounts:
        assert (ROOT / mount.split(":")[0]).exists(), mount


def test_prometheus_loads_rule_files_from_the_mounted_folder():
    prom = yaml.safe_load((ROOT / "config/prometheus/prometheus.yml").read_text())
    assert prom["rule_files"]
    for rule_file in prom["rule_files"]:
        # Relative to the config file, i.e. inside ./config/prometheus, which is mounted.
        assert (ROOT / "config/prometheus" / rule_file).is_file(), rule_file


def test_worker_healthcheck_asks_its_health_endpoint():
    worker = _compose()["services"]["worker"]
    probe = " ".join(worker["healthcheck"]["test"])
    port = worker["environment"]["WIRESTREAM_METRICS_PORT"]
    assert f"127.0.0.1:{port}/health" in probe
