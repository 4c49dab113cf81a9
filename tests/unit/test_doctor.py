"""`wirestream doctor` and the checks run before the demo and the worker start."""

from __future__ import annotations

import asyncio
import errno
from collections import namedtuple

from aiokafka.errors import KafkaConnectionError

from wirestream.config.settings import load_settings
from wirestream.streams.brokers.tansu import free_port
from wirestream.streams.tools import doctor


def test_a_taken_metrics_port_names_the_setting(taken_port):
    finding = doctor.metrics_port_finding(load_settings(metrics_port=taken_port))
    assert not finding.ok
    assert str(taken_port) in finding.detail
    assert "WIRESTREAM_METRICS_PORT" in finding.fix


def test_a_free_metrics_port_is_fine():
    assert doctor.metrics_port_finding(load_settings(metrics_port=free_port())).ok


def test_little_free_disk_is_a_problem(tmp_path, monkeypatch):
    usage = namedtuple("usage", "total used free")
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda path: usage(10, 10, 100 * 1024**2))
    finding = doctor.data_dir_finding(load_settings(data_dir=str(tmp_path / "not-yet")))
    assert not finding.ok
    assert "WIRESTREAM_DATA_DIR" in finding.fix
    monkeypatch.setattr(doctor.shutil, "disk_usage", lambda path: usage(10, 10, 50 * 1024**3))
    assert doctor.data_dir_finding(load_settings(data_dir=str(tmp_path))).ok


def test_models_name_the_installed_pipeline_or_what_to_install(monkeypatch):
    monkeypatch.setattr(doctor, "choose_pipeline",
                        lambda lang, models: "en_core_web_sm" if lang == "en" else None)
    findings = doctor.model_findings(load_settings(
        models={"en": ["en_core_web_sm"], "fr": ["fr_core_news_lg", "fr_core_news_sm"]}))
    by_check = {f.check: f for f in findings}
    assert by_check["spaCy en"].ok and "en_core_web_sm" in by_check["spaCy en"].detail
    missing = by_check["spaCy fr"]
    assert not missing.ok
    assert "fr_core_news_sm" in missing.fix and "WIRESTREAM_MODELS__FR" in missing.fix


def test_no_pipeline_at_all_stops_the_start(monkeypatch):
    monkeypatch.setattr(doctor, "choose_pipeline", lambda lang, models: None)
    problems = doctor.start_problems(load_settings(metrics_port=free_port(),
                                                   models={"en": ["no_such_pipeline"]}))
    assert [p.check for p in problems] == ["spaCy"]
    assert "make setup" in problems[0].fix


def test_an_unreachable_broker_stops_the_start():
    url = f"127.0.0.1:{free_port()}"
    problems = doctor.start_problems(load_settings(broker_url=url, metrics_port=free_port()))
    assert [p.check for p in problems] == ["broker"]
    assert url in problems[0].detail and "WIRESTREAM_BROKER_URL" in problems[0].fix


def test_broker_findings_without_a_configured_broker_say_what_runs():
    findings = asyncio.run(doctor.broker_findings(load_settings(broker_url=None)))
    assert [f.ok for f in findings] == [True]
    assert "embedded broker" in findings[0].detail


def test_broker_findings_report_an_unreachable_broker():
    url = f"127.0.0.1:{free_port()}"
    findings = asyncio.run(doctor.broker_findings(load_settings(broker_url=url)))
    assert len(findings) == 1 and not findings[0].ok
    assert "WIRESTREAM_BROKER_URL" in findings[0].fix


def test_topic_shape_is_checked_against_the_settings():
    settings = load_settings()
    good = doctor.topic_finding("t", 1, True, 1, {"cleanup.policy": "compact",
                                                  "max.message.bytes": "16777216"}, settings)
    assert good.ok
    wrong = doctor.topic_finding("t", 4, False, 2, {"max.message.bytes": "1048588"}, settings)
    assert not wrong.ok
    assert "2 partition(s), expected 4" in wrong.detail
    assert "WIRESTREAM_TOPICS__PARTITIONS=2" in wrong.fix
    assert "max.message.bytes" in wrong.detail
    not_compacted = doctor.topic_finding("c", 1, True, 1, {"cleanup.policy": "delete"},
                                         settings)
    assert not not_compacted.ok and "cleanup.policy=compact" in not_compacted.fix


def test_expected_topics_include_the_compacted_index_changelog():
    settings = load_settings()
    expected = doctor.expected_topics(settings)
    assert expected[settings.index_changelog_topic()] == (1, True)
    assert expected[settings.topic_names()["versioned"]] == (1, False)


def test_errors_are_explained_with_what_to_change():
    settings = load_settings(broker_url="127.0.0.1:9")
    text = doctor.explain_exception(KafkaConnectionError("Unable to bootstrap"), settings)
    assert "127.0.0.1:9" in text and "WIRESTREAM_BROKER_URL" in text
    in_use = OSError(errno.EADDRINUSE, "Address already in use")
    assert "WIRESTREAM_METRICS_PORT" in doctor.explain_exception(in_use, settings)


def test_a_refused_login_is_not_explained_as_an_unreachable_broker():
    # The client logs why it could not connect, then raises only "Unable to bootstrap".
    settings = load_settings(broker_url="127.0.0.1:9")
    logged = ['Unable connect to "127.0.0.1:9": [Error 58] SaslAuthenticationFailedError: '
              "Authentication failed during authentication due to invalid credentials"]
    text = doctor.explain_exception(KafkaConnectionError("Unable to bootstrap"), settings,
                                    logged)
    assert "refused the login" in text and "WIRESTREAM_SECURITY__SASL_PASSWORD" in text
    assert "cannot reach" not in text


def test_a_worker_that_could_not_bind_its_port_is_explained():
    log = ("Traceback (most recent call last):\n  ...\nOSError: [Errno 98] error while "
           "attempting to bind on address ('127.0.0.1', 6066): address already in use\n")
    text = doctor.explain_worker_exit(log, load_settings(metrics_port=6066))
    assert "6066" in text and "WIRESTREAM_METRICS_PORT" in text
    assert "Traceback" not in text
