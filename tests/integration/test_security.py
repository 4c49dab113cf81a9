"""A cluster that wants SASL: the worker and the CLI connect with the security settings.

Apache Kafka with a SASL_PLAINTEXT listener (mechanism PLAIN, one user); wirestream gets
only that listener's address. The worker (Faust's clients and our own: topic creation,
lag checks, index catch-up, broker watch) and the CLI's producer and reader all have to
authenticate for an article to go in and come out; a wrong password is refused."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT
from tests.integration.helpers import wait_ready
from wirestream.streams.brokers.apache_kafka import KafkaCluster
from wirestream.streams.tools.worker_process import WorkerProcess

pytestmark = pytest.mark.integration

USER, PASSWORD = "wire", "s3cret-pass"
SAMPLE = REPO_ROOT / "samples" / "en_native_liverpool_dockers.json"


def cli(env: dict[str, str], *args: str, timeout: float = 180) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "wirestream", *args], env=env,
                          capture_output=True, text=True, timeout=timeout, cwd=REPO_ROOT,
                          check=False)


def test_worker_and_cli_authenticate_with_sasl(namespace_env, tmp_path: Path):
    with KafkaCluster("4.x", nodes=1, work_dir=tmp_path / "kafka",
                      sasl_users={USER: PASSWORD}) as cluster:
        url = cluster.sasl_bootstrap
        env = {**os.environ, **namespace_env, "WIRESTREAM_BROKER_URL": url,
               "WIRESTREAM_SECURITY__PROTOCOL": "SASL_PLAINTEXT",
               "WIRESTREAM_SECURITY__SASL_USERNAME": USER,
               "WIRESTREAM_SECURITY__SASL_PASSWORD": PASSWORD}
        worker = WorkerProcess(url, tmp_path / "worker.log", env)
        try:
            wait_ready(env["WIRESTREAM_METRICS_PORT"], worker)
            sent = cli(env, "produce", str(SAMPLE))
            assert sent.returncode == 0, sent.stdout + sent.stderr
            tail = cli(env, "tail", "enriched", "--max", "1", "--json", "--idle", "120")
            assert worker.alive(), worker.log_tail()
        finally:
            worker.stop()
        assert tail.returncode == 0, tail.stderr
        record = json.loads(tail.stdout.splitlines()[0])["value"]
        assert record["id"] == json.loads(SAMPLE.read_text())["id"]

        wrong = {**env, "WIRESTREAM_SECURITY__SASL_PASSWORD": "not-the-password"}
        refused = cli(wrong, "produce", str(SAMPLE), timeout=120)
        assert refused.returncode != 0
        assert "Authentication" in refused.stdout + refused.stderr
