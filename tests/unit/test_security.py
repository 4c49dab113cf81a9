"""Security settings become the same connection options for aiokafka and Faust."""

from __future__ import annotations

import ssl

import faust
import pytest

from wirestream.config.settings import SecuritySettings
from wirestream.streams.kafka.security import aiokafka_options, faust_credentials


def test_plaintext_adds_nothing():
    assert aiokafka_options(SecuritySettings()) == {}
    assert faust_credentials(SecuritySettings()) is None


def test_sasl_over_tls():
    security = SecuritySettings(protocol="SASL_SSL", sasl_mechanism="SCRAM-SHA-512",
                                sasl_username="wire", sasl_password="pw")
    options = aiokafka_options(security)
    assert options["security_protocol"] == "SASL_SSL"
    assert options["sasl_mechanism"] == "SCRAM-SHA-512"
    assert (options["sasl_plain_username"], options["sasl_plain_password"]) == ("wire", "pw")
    assert isinstance(options["ssl_context"], ssl.SSLContext)
    credentials = faust_credentials(security)
    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.ssl_context is not None


def test_sasl_plaintext_has_no_tls_context():
    options = aiokafka_options(SecuritySettings(protocol="SASL_PLAINTEXT", sasl_username="u",
                                                sasl_password="p"))
    assert "ssl_context" not in options


def test_sasl_without_credentials_is_refused():
    with pytest.raises(ValueError, match="sasl_username"):
        SecuritySettings(protocol="SASL_SSL")


def test_the_password_is_not_printed():
    security = SecuritySettings(protocol="SASL_PLAINTEXT", sasl_username="u",
                                sasl_password="hunter2")
    assert "hunter2" not in repr(security)
