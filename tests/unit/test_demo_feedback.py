"""`wirestream demo`'s feedback and the errors that stop it before anything starts."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from wirestream.config.settings import load_settings
from wirestream.streams.brokers.tansu import free_port
from wirestream.streams.tools import demo, demo_feedback

METRICS = """\
# TYPE wirestream_end_to_end_seconds histogram
wirestream_end_to_end_seconds_bucket{le="0.5"} 2.0
wirestream_end_to_end_seconds_bucket{le="1.0"} 6.0
wirestream_end_to_end_seconds_bucket{le="2.0"} 9.0
wirestream_end_to_end_seconds_bucket{le="5.0"} 10.0
wirestream_end_to_end_seconds_bucket{le="+Inf"} 10.0
wirestream_end_to_end_seconds_count 10.0
wirestream_end_to_end_seconds_sum 9.0
# TYPE wirestream_dedup_verdicts_total counter
wirestream_dedup_verdicts_total{verdict="held"} 3.0
wirestream_dedup_verdicts_total{verdict="released"} 1.0
# TYPE wirestream_articles_enriched_total counter
wirestream_articles_enriched_total{language="en"} 10.0
"""


def test_latency_quantiles_and_held_come_from_the_metrics():
    snap = demo_feedback.MetricsSnapshot.parse(METRICS)
    assert snap.held == 2
    assert snap.latency_quantile(0.5) == pytest.approx(0.875)  # 5th of 10, in (0.5, 1]
    assert snap.latency_quantile(0.99) == pytest.approx(2.0 + 3.0 * 0.9)
    assert demo_feedback.MetricsSnapshot.parse("").latency_quantile(0.5) is None
    assert "wirestream_articles_enriched_total{language=\"en\"} 10.0" in \
        demo_feedback.wirestream_lines(METRICS)


def test_the_summary_counts_records_and_dead_letters_by_reason():
    tally = demo_feedback.Tally(replayed=3)
    record = {"language": "de", "entities": [{"linked": True}, {"linked": False}],
              "events": [{}], "dedup": {"verdict": "new"}}
    tally.add_record(record, "a")
    tally.add_record(record, "a")  # a redelivered record counts once
    tally.dead["unknown_format"] += 1
    rows = dict(demo_feedback.summary_rows(tally, demo_feedback.MetricsSnapshot.parse(METRICS),
                                  "http://127.0.0.1:6066/metrics"))
    assert rows["articles"].startswith("3 replayed, 1 enriched (de 1)")
    assert rows["entities"] == "2 (1 linked to an id)"
    assert rows["events"] == "1"
    assert rows["dead letters"] == "unknown_format 1"
    assert rows["held"].startswith("2")
    assert rows["latency"].startswith("p50 0.88 s, p99 4.70 s")
    assert "http://127.0.0.1:6066/metrics" in rows["metrics"]


def _run(settings, files, capsys):
    code = demo.run_demo(settings, files, follow=False, as_json=False, timeout_s=5)
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_a_taken_port_stops_the_demo_before_it_starts_anything(taken_port, capsys):
    code, output = _run(load_settings(metrics_port=taken_port), [], capsys)
    assert code == demo.EXIT_CANNOT_START
    assert f"port {taken_port}" in output and "WIRESTREAM_METRICS_PORT" in output
    assert "Traceback" not in output and "broker" not in output.split("error:")[0]


def test_an_unreadable_file_stops_the_demo(tmp_path, capsys):
    code, output = _run(load_settings(metrics_port=free_port()), [tmp_path / "gone.json"],
                        capsys)
    assert code == demo.EXIT_CANNOT_START
    assert "gone.json" in output and "samples/" in output


def test_an_unreachable_broker_stops_the_demo(capsys):
    url = f"127.0.0.1:{free_port()}"
    code, output = _run(load_settings(broker_url=url, metrics_port=free_port()), [], capsys)
    assert code == demo.EXIT_CANNOT_START
    assert url in output and "WIRESTREAM_BROKER_URL" in output


def test_no_model_stops_the_demo(capsys):
    code, output = _run(load_settings(metrics_port=free_port(),
                                      models={"en": ["no_such_pipeline_installed"]}), [],
                        capsys)
    assert code == demo.EXIT_CANNOT_START
    assert "no spaCy pipeline" in output and "make setup" in output


def test_a_missing_shared_folder_is_said(monkeypatch, taken_port, capsys, tmp_path):
    monkeypatch.setattr(demo, "SEED_DIR", tmp_path / "shared" / "data" / "seed")
    _, output = _run(load_settings(metrics_port=taken_port), [], capsys)
    assert "German seed story is not replayed" in output and "../shared" in output


def _cli(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("WIRESTREAM_")}
    return subprocess.run([sys.executable, "-m", "wirestream", *args], capture_output=True,
                          text=True, timeout=120, env={**full_env, **env})


def test_errors_are_one_line_without_debug_and_a_traceback_with_it(tmp_path):
    doc = tmp_path / "one.json"
    doc.write_text(json.dumps({"id": "x", "headline": "H", "body": "B."}))
    url = f"127.0.0.1:{free_port()}"
    plain = _cli("produce", str(doc), WIRESTREAM_BROKER_URL=url)
    assert plain.returncode == 1
    assert "Traceback" not in plain.stderr
    assert f"cannot reach the broker at {url}" in plain.stderr
    assert "WIRESTREAM_BROKER_URL" in plain.stderr
    assert len(plain.stderr.strip().splitlines()) <= 2
    debug = _cli("--debug", "produce", str(doc), WIRESTREAM_BROKER_URL=url)
    assert debug.returncode != 0
    assert "Traceback" in debug.stderr


def test_the_worker_refuses_a_taken_port_in_one_line(taken_port, tmp_path):
    result = _cli("worker", WIRESTREAM_METRICS_PORT=str(taken_port),
                  WIRESTREAM_DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 2
    assert "WIRESTREAM_METRICS_PORT" in result.stderr and "Traceback" not in result.stderr
    assert not Path(tmp_path / "data" / "tansu.log").exists()  # no broker was started


def test_doctor_exits_non_zero_and_says_what_to_fix(taken_port, tmp_path):
    result = _cli("doctor", WIRESTREAM_BROKER_URL=f"127.0.0.1:{free_port()}",
                  WIRESTREAM_METRICS_PORT=str(taken_port),
                  WIRESTREAM_DATA_DIR=str(tmp_path / "data"))
    assert result.returncode == 1
    assert "FIX  broker" in result.stdout and "FIX  metrics port" in result.stdout
    assert "WIRESTREAM_METRICS_PORT" in result.stdout and "ok   spaCy" in result.stdout


def test_a_stop_signal_while_reading_only_asks_the_loop_to_end():
    import signal

    with demo.StopSignals() as stop:
        stop.polling = True
        signal.raise_signal(signal.SIGTERM)  # handled here: the read loop ends itself
        assert stop.requested
        signal.raise_signal(signal.SIGHUP)  # a closed terminal: the same ordered stop
        stop.polling = False
        with pytest.raises(KeyboardInterrupt):
            signal.raise_signal(signal.SIGINT)
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
