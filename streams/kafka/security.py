"""Connection security (SSL, SASL) for every Kafka client of a process.

A worker has Faust's clients and a dozen small aiokafka clients of our own (topic
creation, lag checks, the index catch-up, the broker watch, the CLI's producers and
readers). They all connect the same way, so the security settings are set once per
process (``use``) and every client takes ``client_options()``.
"""

from __future__ import annotations

from typing import Any

import faust
from aiokafka.helpers import create_ssl_context

from wirestream.config.settings import SecuritySettings

_options: dict[str, Any] = {}


def aiokafka_options(security: SecuritySettings) -> dict[str, Any]:
    """Keyword arguments for AIOKafkaProducer / Consumer / AdminClient."""
    if security.protocol == "PLAINTEXT":
        return {}
    options: dict[str, Any] = {"security_protocol": security.protocol}
    if security.protocol in {"SSL", "SASL_SSL"}:
        options["ssl_context"] = create_ssl_context(
            cafile=security.ssl_cafile, certfile=security.ssl_certfile,
            keyfile=security.ssl_keyfile)
    if security.protocol.startswith("SASL"):
        assert security.sasl_password is not None  # checked by the settings
        options.update(sasl_mechanism=security.sasl_mechanism,
                       sasl_plain_username=security.sasl_username,
                       sasl_plain_password=security.sasl_password.get_secret_value())
    return options


def faust_credentials(security: SecuritySettings) -> Any:
    """Faust's ``broker_credentials`` for the same settings (None: plaintext)."""
    options = aiokafka_options(security)
    if not options:
        return None
    context = options.get("ssl_context")
    if security.protocol.startswith("SASL"):
        return faust.SASLCredentials(username=options["sasl_plain_username"],
                                     password=options["sasl_plain_password"],
                                     mechanism=security.sasl_mechanism, ssl_context=context)
    return faust.SSLCredentials(context)


def use(security: SecuritySettings) -> None:
    """Set how this process's own clients connect."""
    _options.clear()
    _options.update(aiokafka_options(security))


def client_options() -> dict[str, Any]:
    return dict(_options)
