"""A ``wirestream worker`` child process that dies with its parent (demo, tests, benchmarks)."""

from __future__ import annotations

import os
import subprocess
import sys
import urllib.request
from pathlib import Path

from wirestream.streams.brokers.tansu import own_session_kwargs


class WorkerProcess:
    def __init__(self, broker_url: str, log_path: Path, env: dict[str, str] | None = None,
                 cwd: Path | None = None, module: str = "wirestream") -> None:
        # ``module``: another entry point with the same command line (tests use one that
        # makes the event coder raise on marked articles).
        self.log_path = log_path
        log_path.parent.mkdir(parents=True, exist_ok=True)
        full_env = {**os.environ, **(env or {}),
                    "WIRESTREAM_BROKER_URL": broker_url.removeprefix("kafka://")}
        self._log = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        self.proc = subprocess.Popen(  # type: ignore[call-overload]  # kwargs typed loosely
            [sys.executable, "-m", module, "worker"], env=full_env,
            cwd=str(cwd) if cwd else None,
            stdout=self._log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            **own_session_kwargs(),
        )

    @property
    def pid(self) -> int:
        return self.proc.pid

    def alive(self) -> bool:
        return self.proc.poll() is None

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def stop(self, timeout_s: float = 30.0) -> int:
        if self.alive():
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout_s)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self._log.close()
        return self.proc.returncode


def scrape(port: str | int, host: str = "127.0.0.1", timeout_s: float = 10.0,
           missing_ok: bool = False) -> dict[str, float]:
    """A worker's /metrics as {'name{labels}': value}, histogram buckets left out.

    ``missing_ok``: {} while the worker does not answer, instead of raising OSError."""
    try:
        with urllib.request.urlopen(f"http://{host}:{port}/metrics", timeout=timeout_s) as resp:
            text = resp.read().decode()
    except OSError:
        if missing_ok:
            return {}
        raise
    samples: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip() or "_bucket{" in line:
            continue
        name, _, value = line.rpartition(" ")
        samples[name] = float(value)
    return samples
