"""docker-compose.yml cannot run here (no Docker engine); check its structure instead."""

from __future__ import annotations

from pathlib import Path

import yaml

from config.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


def test_services_present():
    services = _compose()["services"]
    assert {"kafka", "worker", "prometheus", "grafana"} <= set(services)
    assert services["kafka"]["image"].startswith("apache/kafka:")


def test_kafka_is_the_version_the_tests_run():
    from streams.apache_kafka import KAFKA_VERSIONS

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
    assert env["WIRESTREAM_METRICS_HOST"] == "0.0.0.0"


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
