"""The alert rules and the Prometheus config, checked and unit-tested by promtool itself."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from wirestream.streams.ops import metrics

ROOT = Path(__file__).resolve().parents[2]
PROMETHEUS_DIR = ROOT / "config/prometheus"
INSTALL_HINT = ("install Debian's prometheus package (`make setup` does it as root, or "
                "`sudo apt-get install --no-install-recommends prometheus`)")


def prometheus_tool(name: str) -> str:
    """Path of ``promtool`` or ``prometheus``.

    Missing on CI (``CI`` or ``WIRESTREAM_REQUIRE_PROMETHEUS`` set, as .ci/run does) or for
    root, who can install it: the test fails. A user without root gets a skip that says why.
    """
    path = shutil.which(name) or (f"/usr/bin/{name}" if Path(f"/usr/bin/{name}").exists()
                                  else None)
    if path:
        return path
    message = f"{name} not found: {INSTALL_HINT}"
    if os.environ.get("CI") or os.environ.get("WIRESTREAM_REQUIRE_PROMETHEUS") \
            or os.geteuid() == 0:
        pytest.fail(message)
    pytest.skip(message + " (not root, so not installed automatically)")


def _promtool(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([prometheus_tool("promtool"), *args], cwd=PROMETHEUS_DIR,
                          capture_output=True, text=True, timeout=120, check=False)


def test_promtool_check_rules():
    result = _promtool("check", "rules", "alerts.yml")
    assert result.returncode == 0, result.stdout + result.stderr


def test_promtool_check_config_loads_the_rules():
    result = _promtool("check", "config", "prometheus.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "alerts.yml" in result.stdout + result.stderr


def test_promtool_test_rules():
    result = _promtool("test", "rules", "alerts_test.yml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "SUCCESS" in result.stdout


def _alerts() -> dict[str, dict]:
    doc = yaml.safe_load((PROMETHEUS_DIR / "alerts.yml").read_text())
    return {rule["alert"]: rule for group in doc["groups"] for rule in group["rules"]
            if "alert" in rule}


def test_the_alerts_on_call_asked_for_exist_and_are_tested():
    alerts = _alerts()
    wanted = {"WirestreamConsumerLagHigh", "WirestreamDeadLetterRatioHigh",
              "WirestreamNoArticlesProcessed", "WirestreamFreshnessP95High",
              "WirestreamWorkerDown"}
    assert wanted <= set(alerts)
    tests = yaml.safe_load((PROMETHEUS_DIR / "alerts_test.yml").read_text())
    fired = {case["alertname"] for test in tests["tests"]
             for case in test.get("alert_rule_test", []) if case["exp_alerts"]}
    assert set(alerts) <= fired, f"alerts without a firing test: {set(alerts) - fired}"
    for name, rule in alerts.items():
        assert rule["labels"]["severity"] in {"warning", "critical"}, name
        assert rule["annotations"]["summary"], name


def test_rules_name_only_metrics_the_worker_defines():
    exported = {m._name for m in vars(metrics).values() if hasattr(m, "_name")}
    text = (PROMETHEUS_DIR / "alerts.yml").read_text()
    names = set(re.findall(r"(?<![:\w])wirestream_[a-z_]+\b(?!:)", text))
    assert names
    for name in names:
        base = re.sub(r"_(total|bucket|sum|count)$", "", name)
        assert base in exported or name in exported, name
