"""Apache Kafka brokers (KRaft) fetched from Maven Central and run on loopback by us.

Apache Kafka is the reference broker for tests and benchmarks: what users deploy.
Its jars come from Maven Central (``org.apache.kafka:kafka_2.13`` and its dependencies,
``mvn dependency:copy-dependencies`` on a generated pom) into a cache outside the
repository; each node's log dir is formatted with Kafka's storage tool and the node is
started with ``java -cp 'libs/*' kafka.Kafka server.properties``. No Docker, no other
downloads. A cluster of N nodes runs every node as broker and controller (combined
mode), so a 3-node cluster keeps its quorum when any one node dies.

Every JVM gets PR_SET_PDEATHSIG, so it dies with the process that started it, even
after a kill -9 of that process, and ignores the terminal's Ctrl-C (we stop it in order).
The signal follows the *thread* that started the JVM: start and restart nodes from a
thread that outlives them (the main thread), not from a short-lived executor thread.
"""

from __future__ import annotations

import asyncio
import base64
import concurrent.futures
import contextlib
import os
import shutil
import signal
import subprocess
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType

from wirestream.streams.brokers.tansu import (
    BrokerError,
    die_with_parent,
    free_port,
    kafka_api_versions_ok,
)

# The pinned lines: the newest 4.x and 3.9.x that resolve on Maven Central (checked
# 2026-12-06). Tests run the whole integration suite on 4.x and a named subset on 3.9.x.
KAFKA_VERSIONS = {"4.x": "4.4.0", "3.9.x": "3.9.2"}
DEFAULT_LINE = "4.x"
JAVA_HEAP = "-Xmx512m"
# Kafka 4 depends on slf4j without a binding; the simple binding sends its log to the
# node's log file (3.9 ships its own reload4j binding). kafka-tools: the console consumer
# and producer (3.9 has them in kafka_2.13 itself).
_EXTRA_DEPENDENCIES = {"4": [("org.slf4j", "slf4j-simple", "1.7.36"),
                             ("org.apache.kafka", "kafka-tools", "{version}")]}

_POM = """<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>wirestream</groupId>
  <artifactId>kafka-broker-libs</artifactId>
  <version>{version}</version>
  <packaging>pom</packaging>
  <dependencies>
{dependencies}
  </dependencies>
</project>
"""
_DEPENDENCY = ("    <dependency><groupId>{group}</groupId><artifactId>{artifact}</artifactId>"
               "<version>{version}</version></dependency>")


def resolve_version(line_or_version: str) -> str:
    """``4.x`` / ``3.9.x`` -> the pinned version; an exact version passes through."""
    return KAFKA_VERSIONS.get(line_or_version, line_or_version)


def cache_root() -> Path:
    base = os.environ.get("WIRESTREAM_KAFKA_CACHE") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "wirestream",
        "kafka")
    return Path(base)


def fetch_kafka(version: str, cache: Path | None = None, quiet: bool = True) -> Path:
    """The folder of jars for ``version``, fetched with Maven on first use."""
    version = resolve_version(version)
    libs = (cache or cache_root()) / version / "libs"
    done = libs / ".complete"
    if done.exists():
        return libs
    if shutil.which("mvn") is None:
        raise BrokerError("Apache Kafka's jars come from Maven Central: install Maven "
                          "(`mvn`) and a Java 17+ runtime")
    work = libs.parent
    work.mkdir(parents=True, exist_ok=True)
    deps = [("org.apache.kafka", "kafka_2.13", version),
            *((g, a, v.format(version=version))
              for g, a, v in _EXTRA_DEPENDENCIES.get(version.split(".")[0], []))]
    pom = work / "pom.xml"
    pom.write_text(_POM.format(version=version, dependencies="\n".join(
        _DEPENDENCY.format(group=g, artifact=a, version=v) for g, a, v in deps)))
    staging = Path(tempfile.mkdtemp(prefix="libs-", dir=work))
    cmd = ["mvn", "-B", "-f", str(pom), "dependency:copy-dependencies",
           f"-DoutputDirectory={staging}", "-DincludeScope=runtime"]
    if quiet:
        cmd.insert(1, "-q")
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        shutil.rmtree(staging, ignore_errors=True)
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-15:])
        raise BrokerError(f"could not fetch Apache Kafka {version} with Maven:\n{tail}")
    # Another process may have finished first: keep whichever folder landed.
    with contextlib.suppress(OSError):
        staging.rename(libs)
    shutil.rmtree(staging, ignore_errors=True)
    done.touch()
    return libs


def new_cluster_id() -> str:
    """A KRaft cluster id: 16 random bytes, URL-safe base64 without padding."""
    return base64.urlsafe_b64encode(uuid.uuid4().bytes).decode().rstrip("=")


@dataclass
class KafkaNode:
    node_id: int
    port: int
    controller_port: int
    directory: Path
    sasl_port: int | None = None
    proc: subprocess.Popen[bytes] | None = None
    log_file: object | None = field(default=None, repr=False)

    @property
    def bootstrap(self) -> str:
        return f"127.0.0.1:{self.port}"

    @property
    def log_path(self) -> Path:
        return self.directory / "server.log"

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None


class KafkaCluster:
    """N Apache Kafka nodes (KRaft, combined broker+controller) on 127.0.0.1.

    A context manager that always stops every JVM. ``kill(node_id)`` and
    ``restart(node_id)`` are for fault tests; the log dirs survive a restart."""

    def __init__(self, version: str = DEFAULT_LINE, nodes: int = 1,
                 work_dir: Path | None = None, start_timeout_s: float = 120.0,
                 broker_config: dict[str, str] | None = None,
                 ports: list[int] | None = None,
                 sasl_users: dict[str, str] | None = None) -> None:
        """``ports``: the nodes' client ports (default: free ones), e.g. to start a new,
        empty cluster where an old one listened. ``sasl_users``: user -> password of an
        extra SASL_PLAINTEXT listener (mechanism PLAIN) on each node, for clients that
        authenticate (``sasl_bootstrap``)."""
        if nodes < 1:
            raise ValueError("a cluster needs at least one node")
        self.version = resolve_version(version)
        self.size = nodes
        self.start_timeout_s = start_timeout_s
        self.broker_config = dict(broker_config or {})
        self._own_dir = work_dir is None
        self.work_dir = work_dir or Path(tempfile.mkdtemp(prefix="wirestream-kafka-"))
        self.cluster_id = new_cluster_id()
        client_ports = ports or [free_port() for _ in range(nodes)]
        self.nodes = [KafkaNode(i, client_ports[i - 1], free_port(), self.work_dir / f"node-{i}")
                      for i in range(1, nodes + 1)]
        self.libs: Path | None = None
        self.sasl_users = dict(sasl_users or {})
        if self.sasl_users:
            for node in self.nodes:
                node.sasl_port = free_port()

    @property
    def bootstrap(self) -> str:
        return ",".join(node.bootstrap for node in self.nodes)

    @property
    def url(self) -> str:
        return self.bootstrap

    @property
    def sasl_bootstrap(self) -> str:
        return ",".join(f"127.0.0.1:{n.sasl_port}" for n in self.nodes if n.sasl_port)

    @property
    def host(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return self.nodes[0].port

    @property
    def pid(self) -> int | None:
        """The first node's JVM (for RSS figures beside the embedded broker's)."""
        proc = self.nodes[0].proc
        return proc.pid if proc is not None else None

    @property
    def pids(self) -> list[int]:
        return [n.proc.pid for n in self.nodes if n.proc is not None]

    def node(self, node_id: int) -> KafkaNode:
        return self.nodes[node_id - 1]

    def leaders(self, topic: str) -> dict[int, int]:
        """Partition -> node id of its current leader (-1: none)."""
        from wirestream.streams.kafka.admin import partition_leaders

        # In a thread: the caller may itself run inside an event loop (a benchmark).
        with concurrent.futures.ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run,
                               partition_leaders(self.live_bootstrap(), topic)).result()

    def live_bootstrap(self) -> str:
        return ",".join(n.bootstrap for n in self.nodes if n.alive()) or self.bootstrap

    def _properties(self, node: KafkaNode) -> str:
        replication = min(3, self.size)
        voters = ",".join(f"{n.node_id}@127.0.0.1:{n.controller_port}" for n in self.nodes)
        props = {
            "process.roles": "broker,controller",
            "node.id": str(node.node_id),
            "controller.quorum.voters": voters,
            "listeners": f"PLAINTEXT://127.0.0.1:{node.port},"
                         f"CONTROLLER://127.0.0.1:{node.controller_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{node.port}",
            "controller.listener.names": "CONTROLLER",
            "inter.broker.listener.name": "PLAINTEXT",
            "listener.security.protocol.map": "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT",
            "log.dirs": str(node.directory / "data"),
            "num.partitions": "1",
            "default.replication.factor": str(replication),
            "min.insync.replicas": str(min(2, self.size)),
            "offsets.topic.replication.factor": str(replication),
            "offsets.topic.num.partitions": "8",
            "transaction.state.log.replication.factor": str(replication),
            "transaction.state.log.min.isr": str(min(2, self.size)),
            "transaction.state.log.num.partitions": "8",
            # A local cluster for tests and benches: no 3 s wait before the first
            # rebalance of a group, and the short sessions of fast joins allowed.
            "group.initial.rebalance.delay.ms": "0",
            "group.min.session.timeout.ms": "1000",
            # As in production: a client asking for a missing topic must not create it
            # with the broker's default partition count (a worker still polling a broker
            # that lost its data would otherwise re-create its source topics that way).
            "auto.create.topics.enable": "false",
            "unclean.leader.election.enable": "false",
            **self._sasl_properties(node),
            "log.cleaner.backoff.ms": "1000",
            "controlled.shutdown.enable": "true",
            **self.broker_config,
        }
        return "".join(f"{key}={value}\n" for key, value in props.items())

    def _sasl_properties(self, node: KafkaNode) -> dict[str, str]:
        if not self.sasl_users:
            return {}
        users = " ".join(f'user_{name}="{password}"'
                         for name, password in self.sasl_users.items())
        return {
            "listeners": f"PLAINTEXT://127.0.0.1:{node.port},"
                         f"CONTROLLER://127.0.0.1:{node.controller_port},"
                         f"SASL://127.0.0.1:{node.sasl_port}",
            "advertised.listeners": f"PLAINTEXT://127.0.0.1:{node.port},"
                                    f"SASL://127.0.0.1:{node.sasl_port}",
            "listener.security.protocol.map":
                "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL:SASL_PLAINTEXT",
            "sasl.enabled.mechanisms": "PLAIN",
            "listener.name.sasl.plain.sasl.jaas.config":
                f"org.apache.kafka.common.security.plain.PlainLoginModule required {users};",
        }

    def _java(self) -> str:
        home = os.environ.get("JAVA_HOME")
        java = str(Path(home) / "bin" / "java") if home else shutil.which("java")
        if not java:
            raise BrokerError("Apache Kafka needs a Java 17+ runtime (`java` not found)")
        return java

    def _classpath(self) -> str:
        assert self.libs is not None
        return str(self.libs / "*")

    def _format(self, node: KafkaNode) -> None:
        node.directory.mkdir(parents=True, exist_ok=True)
        config = node.directory / "server.properties"
        config.write_text(self._properties(node))
        if (node.directory / "data" / "meta.properties").exists():
            return  # formatted before: a restart keeps its data
        cmd = [self._java(), "-cp", self._classpath(), "kafka.tools.StorageTool", "format",
               # One argument with "=": an id may start with "-", which the tool's
               # parser would take for an option (1 in 32 random ids; seen on CI).
               f"--cluster-id={self.cluster_id}", "-c", str(config), "--ignore-formatted"]
        result = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if result.returncode != 0:
            raise BrokerError(f"kafka-storage format failed for node {node.node_id}: "
                              f"{(result.stdout + result.stderr).strip()[-2000:]}")

    def _launch(self, node: KafkaNode) -> None:
        node.log_file = open(node.log_path, "ab")  # noqa: SIM115 - closed in _reap()
        env = {**os.environ, "KAFKA_HEAP_OPTS": JAVA_HEAP}
        cmd = [self._java(), JAVA_HEAP, "-XX:+UseSerialGC",
               "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn",
               "-Dlog4j2.level=WARN", "-Djava.awt.headless=true",
               "-cp", self._classpath(), "kafka.Kafka",
               str(node.directory / "server.properties")]
        node.proc = subprocess.Popen(cmd, stdout=node.log_file, stderr=subprocess.STDOUT,
                                     stdin=subprocess.DEVNULL, env=env,
                                     preexec_fn=die_with_parent)

    def start(self) -> KafkaCluster:
        self.libs = fetch_kafka(self.version)
        for node in self.nodes:
            self._format(node)
        for node in self.nodes:
            self._launch(node)
        try:
            self.wait_ready()
        except BaseException:
            self.stop()
            raise
        return self

    def wait_ready(self, nodes: list[KafkaNode] | None = None) -> None:
        """Until every node answers ApiVersions and the cluster lists all live brokers."""
        deadline = time.monotonic() + self.start_timeout_s
        waiting = [n for n in (nodes or self.nodes)]
        while time.monotonic() < deadline:
            for node in waiting:
                if node.proc is not None and node.proc.poll() is not None:
                    raise BrokerError(
                        f"Kafka node {node.node_id} exited with code {node.proc.returncode}; "
                        f"see {node.log_path}:\n{_tail(node.log_path)}")
            if all(kafka_api_versions_ok("127.0.0.1", n.port, timeout=0.5) for n in waiting):
                live = sum(1 for n in self.nodes if n.alive())
                if _registered_brokers(self.bootstrap) >= live:
                    return
            time.sleep(0.1)  # poll interval of a readiness loop, not a readiness guess
        raise BrokerError(f"Apache Kafka {self.version} did not become ready within "
                          f"{self.start_timeout_s:.0f}s; see {self.work_dir}")

    def kill(self, node_id: int, sig: int = signal.SIGKILL) -> None:
        """Kill one node (kill -9 by default), as a crash would."""
        node = self.node(node_id)
        if node.proc is not None and node.proc.poll() is None:
            node.proc.send_signal(sig)
            node.proc.wait(timeout=60)
        self._reap(node)

    def stop_node(self, node_id: int, timeout_s: float = 60.0) -> None:
        """A clean, controlled shutdown of one node (a rolling restart's first half)."""
        node = self.node(node_id)
        if node.proc is not None and node.proc.poll() is None:
            node.proc.terminate()
            try:
                node.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                node.proc.kill()
                node.proc.wait(timeout=timeout_s)
        self._reap(node)

    def restart(self, node_id: int) -> None:
        node = self.node(node_id)
        if node.alive():
            self.stop_node(node_id)
        self._launch(node)
        self.wait_ready([node])

    def _reap(self, node: KafkaNode) -> None:
        node.proc = None
        if node.log_file is not None:
            node.log_file.close()  # type: ignore[attr-defined]
            node.log_file = None

    def stop(self) -> None:
        # Terminate all first, then wait: nodes shut down in parallel.
        for node in self.nodes:
            if node.proc is not None and node.proc.poll() is None:
                node.proc.terminate()
        for node in self.nodes:
            if node.proc is not None:
                try:
                    node.proc.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    node.proc.kill()
                    node.proc.wait(timeout=30)
            self._reap(node)
        if self._own_dir:
            shutil.rmtree(self.work_dir, ignore_errors=True)

    def __enter__(self) -> KafkaCluster:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def _tail(path: Path, lines: int = 20) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def _registered_brokers(bootstrap: str) -> int:
    """How many brokers the cluster's metadata lists (0 when it cannot tell yet)."""
    from aiokafka.admin import AIOKafkaAdminClient

    async def count() -> int:
        admin = AIOKafkaAdminClient(bootstrap_servers=bootstrap, request_timeout_ms=5000)
        try:
            await admin.start()
            described = await admin.describe_cluster()
            return len(described.get("brokers") or [])
        finally:
            await admin.close()

    # In a thread: the caller may itself run inside an event loop (a benchmark).
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        try:
            return pool.submit(asyncio.run, count()).result()
        except Exception:  # not serving yet
            return 0
