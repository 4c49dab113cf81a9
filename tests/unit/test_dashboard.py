"""The provisioned Grafana dashboard: valid JSON whose queries use the worker's metrics."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from prometheus_client import Counter, Histogram

from wirestream.streams.ops import metrics

ROOT = Path(__file__).resolve().parents[2]
DASHBOARD = ROOT / "config/grafana/dashboards/wirestream.json"
# Labels every scraped series gets from Prometheus, and the histogram bucket label.
TARGET_LABELS = {"instance", "job", "le"}
_METRIC = re.compile(r"(?<![:\w])(wirestream_[a-z_]+)\b")
_BY = re.compile(r"\bby\s*\(([^)]*)\)")
_SELECTOR_LABELS = re.compile(r"wirestream_[a-z_]+\{([^}]*)\}")


def dashboard() -> dict:
    return json.loads(DASHBOARD.read_text())


def queries(board: dict) -> list[tuple[str, str]]:
    """(panel title, PromQL) for every query panel; rows carry no query."""
    return [(panel["title"], target["expr"]) for panel in board["panels"]
            if panel["type"] != "row" for target in panel["targets"]]


def declared() -> dict[str, tuple[type, set[str]]]:
    """Metric family name -> (prometheus_client class, label names), from ops.metrics."""
    return {m._name: (type(m), set(m._labelnames)) for m in vars(metrics).values()
            if hasattr(m, "_labelnames") and hasattr(m, "_name")}


def family_of(name: str, families: dict[str, tuple[type, set[str]]]) -> str | None:
    """The family a sample name belongs to, or None when the worker has no such metric."""
    if name in families:
        return name
    for suffix, kinds in (("_total", (Counter,)), ("_bucket", (Histogram,)),
                          ("_count", (Histogram,)), ("_sum", (Histogram,))):
        base = name.removesuffix(suffix)
        if name.endswith(suffix) and base in families and families[base][0] in kinds:
            return base
    return None


def label_problems(expr: str, labels_of: dict[str, set[str]]) -> list[str]:
    """Labels an expression groups or filters by that none of its metrics carry."""
    available = set(TARGET_LABELS)
    for name in _METRIC.findall(expr):
        available |= labels_of.get(name, set())
    used = {label.strip() for group in _BY.findall(expr) for label in group.split(",")
            if label.strip()}
    for matchers in _SELECTOR_LABELS.findall(expr):
        used |= {m.split("=")[0].strip(" !~") for m in matchers.split(",") if m.strip()}
    return sorted(used - available)


def test_dashboard_is_valid_and_provisioned_from_the_mounted_folder():
    board = dashboard()
    assert board["uid"] and board["title"]
    ids = [panel["id"] for panel in board["panels"]]
    assert len(ids) == len(set(ids))
    provider = yaml.safe_load(
        (ROOT / "config/grafana/provisioning/dashboards/wirestream.yml").read_text())
    path = provider["providers"][0]["options"]["path"]
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert f"./config/grafana/dashboards:{path}:ro" in compose["services"]["grafana"]["volumes"]


def test_every_panel_uses_the_provisioned_datasource():
    source = yaml.safe_load(
        (ROOT / "config/grafana/provisioning/datasources/prometheus.yml").read_text())
    uid = source["datasources"][0]["uid"]
    assert source["datasources"][0]["url"] == "http://prometheus:9090"
    for panel in dashboard()["panels"]:
        if panel["type"] == "row":
            continue
        assert panel["datasource"]["uid"] == uid, panel["title"]
        assert panel["targets"], panel["title"]
        for target in panel["targets"]:
            assert target["datasource"]["uid"] == uid, panel["title"]


def test_queries_name_declared_metrics_with_their_labels():
    families = declared()
    labels_of: dict[str, set[str]] = {}
    for title, expr in queries(dashboard()):
        names = _METRIC.findall(expr)
        assert names or "up{" in expr, (title, expr)
        for name in names:
            family = family_of(name, families)
            assert family is not None, (title, name)
            labels_of[name] = families[family][1]
        assert not label_problems(expr, labels_of), (title, expr, label_problems(expr, labels_of))


def test_the_views_on_call_needs_are_on_the_dashboard():
    used = {family_of(name, declared()) for _, expr in queries(dashboard())
            for name in _METRIC.findall(expr)}
    needed = {
        "wirestream_stage_items_in", "wirestream_stage_items_out", "wirestream_stage_errors",
        "wirestream_processing_seconds", "wirestream_end_to_end_seconds",
        "wirestream_freshness_seconds", "wirestream_consumer_lag_messages",
        "wirestream_consumer_oldest_unprocessed_age_seconds", "wirestream_dedup_verdicts",
        "wirestream_articles_rejected", "wirestream_entities", "wirestream_events",
        "wirestream_articles_enriched", "wirestream_model_info",
    }
    assert needed <= used, needed - used


def test_label_check_catches_a_wrong_label():
    labels_of = {"wirestream_stage_items_in_total": {"stage"}}
    assert label_problems("sum by (stage) (rate(wirestream_stage_items_in_total[5m]))",
                          labels_of) == []
    assert label_problems("sum by (reason) (rate(wirestream_stage_items_in_total[5m]))",
                          labels_of) == ["reason"]
