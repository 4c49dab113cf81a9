"""End to end: embedded broker, a worker and a real Prometheus server scraping it.

Articles (some malformed) are replayed; what Prometheus scraped must match exactly
what was replayed, read back through its HTTP API.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import subprocess
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.integration.helpers import running_worker, settings_from, wait_ready
from tests.unit.test_alert_rules import prometheus_tool
from tests.unit.test_dashboard import dashboard, queries
from wirestream.streams.brokers.tansu import die_with_parent, free_port
from wirestream.streams.kafka.admin import ensure_app_topics
from wirestream.streams.kafka.kafka_io import OutMessage, produce

pytestmark = pytest.mark.integration

ROOT = Path(__file__).resolve().parents[2]
JOB = "wirestream"

BODIES = {
    "en": ("The central bank kept interest rates unchanged on Thursday and said inflation "
           "was falling more slowly than expected, according to a statement from its board."),
    "fr": ("Le gouvernement a présenté mercredi un projet de loi sur le logement qui prévoit "
           "la construction de cent mille nouveaux appartements dans les grandes villes."),
    "de": ("Die Landesregierung hat am Dienstag ein neues Programm für den Ausbau der "
           "Radwege vorgestellt, das in den kommenden fünf Jahren umgesetzt werden soll."),
    "es": ("El ayuntamiento anunció el lunes que ampliará el horario de las bibliotecas "
           "públicas durante el verano para que los estudiantes puedan preparar sus exámenes."),
}
LANGUAGES = ["en", "en", "fr", "de", "es", "es"]
# payload -> dead-letter reason
MALFORMED: list[tuple[bytes, str]] = [
    (b"definitely not json", "not_json"),
    (b"{also not json", "not_json"),
    (json.dumps({"foo": "bar"}).encode(), "unknown_format"),
    (json.dumps({"id": "urn:e2e:empty", "headline": "", "body": ""}).encode(), "empty_body"),
]


class Prometheus:
    """A Prometheus server on a free port with its own temporary storage."""

    def __init__(self, config: Path, storage: Path, log_path: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(
            [prometheus_tool("prometheus"), f"--config.file={config}",
             f"--storage.tsdb.path={storage}", f"--web.listen-address=127.0.0.1:{self.port}",
             "--log.level=warn"],
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            preexec_fn=die_with_parent)

    def log_tail(self) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])

    def wait_ready(self, deadline_s: float = 60.0) -> None:
        end = time.monotonic() + deadline_s
        while time.monotonic() < end:
            if self.proc.poll() is not None:
                raise AssertionError(f"prometheus exited:\n{self.log_tail()}")
            with contextlib.suppress(OSError), \
                    urllib.request.urlopen(f"{self.url}/-/ready", timeout=2) as resp:
                if resp.status == 200:
                    return
            time.sleep(0.2)  # poll interval
        raise AssertionError(f"prometheus not ready:\n{self.log_tail()}")

    def api(self, path: str, **params: str) -> Any:
        query = urllib.parse.urlencode(params)
        with urllib.request.urlopen(f"{self.url}/api/v1/{path}?{query}", timeout=10) as resp:
            body = json.loads(resp.read())
        assert body["status"] == "success", body
        return body["data"]

    def query(self, expr: str) -> dict[tuple[tuple[str, str], ...], float]:
        """Instant query -> {sorted label pairs (without job/instance): value}."""
        data = self.api("query", query=expr)
        out = {}
        for series in data["result"]:
            labels = tuple(sorted((k, v) for k, v in series["metric"].items()
                                  if k not in {"job", "instance", "__name__"}))
            out[labels] = float(series["value"][1])
        return out

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()


@contextlib.contextmanager
def prometheus_scraping(metrics_port: str, tmp_path: Path) -> Iterator[Prometheus]:
    config = {
        "global": {"scrape_interval": "1s", "evaluation_interval": "1s"},
        "rule_files": [str(ROOT / "config/prometheus/alerts.yml")],
        "scrape_configs": [{
            "job_name": JOB, "metrics_path": "/metrics",
            "static_configs": [{"targets": [f"127.0.0.1:{metrics_port}"]}],
        }],
    }
    path = tmp_path / "prometheus.yml"
    path.write_text(yaml.safe_dump(config))
    server = Prometheus(path, tmp_path / "tsdb", tmp_path / "prometheus.log")
    try:
        server.wait_ready()
        yield server
    finally:
        server.stop()


def wait_until(check: Callable[[], tuple[bool, Any]], what: str, deadline_s: float = 120.0,
               alive: Callable[[], str | None] = lambda: None) -> Any:
    """Poll ``check`` (returns (done, detail)) until done; fail with the last detail."""
    end = time.monotonic() + deadline_s
    detail: Any = None
    while time.monotonic() < end:
        problem = alive()
        if problem:
            raise AssertionError(problem)
        done, detail = check()
        if done:
            return detail
        time.sleep(0.5)  # poll interval
    raise AssertionError(f"{what} not reached within {deadline_s}s; last: {detail}")


def _valid_articles(version_time: str) -> list[OutMessage]:
    out = []
    for n, language in enumerate(LANGUAGES):
        doc = {"id": f"urn:e2e:{n}", "version": 1, "headline": f"Story {n}",
               "body": f"{BODIES[language]} ({n})", "language": language,
               "version_created": version_time}
        out.append(OutMessage(doc["id"].encode(), json.dumps(doc, ensure_ascii=False).encode()))
    return out


def test_prometheus_scrapes_what_was_replayed(broker, namespace_env, tmp_path):
    prometheus_tool("prometheus")  # fail or skip clearly before starting anything
    settings = settings_from(namespace_env, broker.url)
    names = settings.topic_names()
    asyncio.run(ensure_app_topics(settings, broker.url))
    port = namespace_env["WIRESTREAM_METRICS_PORT"]
    # Two hours old: every freshness observation lands between the 1 h and 6 h buckets.
    version_time = (datetime.now(UTC) - timedelta(hours=2)).isoformat().replace("+00:00", "Z")
    valid = _valid_articles(version_time)
    malformed = [OutMessage(f"urn:e2e:bad{n}".encode(), payload)
                 for n, (payload, _) in enumerate(MALFORMED)]
    total = len(valid) + len(malformed)
    reasons: dict[str, int] = {}
    for _, reason in MALFORMED:
        reasons[reason] = reasons.get(reason, 0) + 1
    languages: dict[str, int] = {}
    for language in LANGUAGES:
        languages[language] = languages.get(language, 0) + 1

    sel = f'job="{JOB}"'
    expected: dict[str, dict[tuple, float]] = {
        f"wirestream_articles_received_total{{{sel}}}": {(): total},
        f"sum by (reason) (wirestream_articles_rejected_total{{{sel}}}) > 0":
            {(("reason", r),): n for r, n in reasons.items()},
        f"sum by (language) (wirestream_articles_enriched_total{{{sel}}}) > 0":
            {(("language", lang),): n for lang, n in languages.items()},
        f"sum by (stage) (wirestream_stage_items_in_total{{{sel}}})": {
            (("stage", "ingest"),): total, (("stage", "versions"),): len(valid),
            (("stage", "near_duplicates"),): len(valid), (("stage", "enrich"),): len(valid),
            (("stage", "publish"),): len(valid)},
        f"sum by (stage) (wirestream_stage_items_out_total{{{sel}}})": {
            (("stage", s),): len(valid)
            for s in ("ingest", "versions", "near_duplicates", "enrich", "publish")},
        f"sum by (stage) (wirestream_stage_errors_total{{{sel}}}) > 0":
            {(("stage", "ingest"),): len(malformed)},
        f"sum by (verdict) (wirestream_dedup_verdicts_total{{{sel}}}) > 0":
            {(("verdict", "new"),): len(valid)},
        # Histogram counts: one observation per message (ingest, versions), per record
        # acknowledged (publish), per enriched article (end to end, freshness).
        f"wirestream_processing_seconds_count{{{sel},stage=~\"ingest|versions|publish\"}}": {
            (("stage", "ingest"),): total, (("stage", "versions"),): len(valid),
            (("stage", "publish"),): len(valid)},
        f"wirestream_end_to_end_seconds_count{{{sel}}}": {(): len(valid)},
        f"wirestream_freshness_seconds_count{{{sel}}}": {(): len(valid)},
        f'wirestream_freshness_seconds_bucket{{{sel},le=~"3600(.0)?|21600(.0)?"}}': {
            (("le", "3600.0"),): 0, (("le", "21600.0"),): len(valid)},
        # Caught up: the group committed everything on the raw topic's partitions.
        f'max by (partition) (wirestream_consumer_lag_messages{{{sel},topic="{names["raw"]}"}})':
            {(("partition", str(p)),): 0 for p in range(settings.topics.partitions)},
        f"wirestream_broker_up{{{sel}}}": {(): 1},
        f"wirestream_ready{{{sel}}}": {(): 1},
    }

    with running_worker(broker.url, namespace_env, tmp_path) as worker, \
            prometheus_scraping(port, tmp_path) as prom:
        def alive() -> str | None:
            if not worker.alive():
                return f"worker exited:\n{worker.log_tail()}"
            if prom.proc.poll() is not None:
                return f"prometheus exited:\n{prom.log_tail()}"
            return None

        wait_ready(port, worker)
        wait_until(lambda: (prom.query(f'up{{{sel}}}') == {(): 1.0}, None),
                   "prometheus scraping the worker", alive=alive)
        asyncio.run(produce(broker.url, names["raw"], malformed + valid))

        def scraped() -> tuple[bool, dict]:
            got = {expr: prom.query(expr) for expr in expected}
            wrong = {expr: got[expr] for expr in expected if got[expr] != expected[expr]}
            return not wrong, wrong

        wait_until(scraped, "scraped values equal to the replay", deadline_s=240,
                   alive=alive)

        # The rules load on a real server and evaluate against real series without errors.
        def rules_evaluated() -> tuple[bool, list]:
            rules = [rule for group in prom.api("rules")["groups"] for rule in group["rules"]]
            pending = [r["name"] for r in rules
                       if r["health"] != "ok" or r.get("lastEvaluation", "").startswith("0001")]
            return bool(rules) and not pending, pending or rules

        rules = wait_until(rules_evaluated, "every rule evaluated", alive=alive)
        assert {"WirestreamConsumerLagHigh", "WirestreamWorkerDown"} <= {r["name"] for r in rules}
        firing = {r["name"] for r in rules if r.get("state") == "firing"}
        assert "WirestreamWorkerDown" not in firing

        # Every dashboard query is valid PromQL for this server, and the per-stage
        # throughput panel has a series per stage.
        for title, expr in queries(dashboard()):
            concrete = expr.replace("$__rate_interval", "1m").replace("$__range", "1h")
            try:
                prom.api("query", query=concrete)  # asserts status success
            except (AssertionError, OSError) as exc:
                raise AssertionError(f"panel {title!r}: {concrete}: {exc}") from exc
        throughput = prom.query("sum by (stage) (increase("
                                f"wirestream_stage_items_in_total{{{sel}}}[5m]))")
        assert {dict(k)["stage"] for k in throughput} == {
            "ingest", "versions", "near_duplicates", "enrich", "publish"}
        assert worker.alive(), worker.log_tail()
