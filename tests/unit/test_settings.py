from __future__ import annotations

import pytest

from wirestream.config.settings import SettingsError, load_settings


def test_defaults_use_embedded_broker_and_prefixed_topics(monkeypatch):
    monkeypatch.delenv("WIRESTREAM_BROKER_URL", raising=False)
    monkeypatch.setenv("WIRESTREAM_TOPICS__PREFIX", "staging.")
    settings = load_settings()
    assert settings.embedded_broker
    assert settings.topic_names()["raw"] == "staging.wire.articles.raw"
    assert settings.topic_names()["dlq"] == "staging.wire.articles.dlq"
    assert settings.group_id == settings.app_id


def test_broker_url_given_wins(monkeypatch):
    monkeypatch.setenv("WIRESTREAM_BROKER_URL", "kafka-1:9092,kafka-2:9092")
    settings = load_settings()
    assert not settings.embedded_broker
    assert settings.broker_url == "kafka-1:9092,kafka-2:9092"


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("WIRESTREAM_METRICS_PORT", "not-a-port"),
        ("WIRESTREAM_METRICS_PORT", "70000"),
        ("WIRESTREAM_TOPICS__PARTITIONS", "0"),
        ("WIRESTREAM_BROKER_URL", "no-port-here"),
        ("WIRESTREAM_TOPICS__PREFIX", "bad prefix/"),
        ("WIRESTREAM_MODELS", '{"german": ["x"]}'),
        ("WIRESTREAM_LOG_LEVEL", "chatty"),
        ("WIRESTREAM_BROKER_WATCH_S", "0"),
    ],
)
def test_invalid_settings_fail_naming_the_setting(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(SettingsError) as err:
        load_settings()
    message = str(err.value)
    assert variable.split("__")[0] in message


def test_model_preferences_from_env(monkeypatch):
    monkeypatch.setenv("WIRESTREAM_MODELS", '{"de": ["de_core_news_lg", "de_wirestream_ner"]}')
    settings = load_settings()
    assert settings.models == {"de": ["de_core_news_lg", "de_wirestream_ner"]}


def test_state_topics_are_per_consumer_group(monkeypatch):
    monkeypatch.setenv("WIRESTREAM_APP_ID", "wire-prod")
    monkeypatch.setenv("WIRESTREAM_TOPICS__PREFIX", "prod.")
    settings = load_settings()
    # Like Faust's table changelogs: named after the group, not the topic prefix, so two
    # deployments sharing topic names keep separate near-duplicate indexes.
    assert settings.index_changelog_topic() == "wire-prod-near-duplicate-index-changelog"
    assert settings.broker_marker_topic() == "wire-prod-broker-incarnation"
    assert settings.index_changelog_topic() not in settings.topic_names().values()
    assert settings.broker_watch_s == 2.0
