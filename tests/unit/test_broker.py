"""The embedded broker starts, answers Kafka requests, and leaves no process behind."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
import time

import pytest

from wirestream.streams.brokers.tansu import EmbeddedBroker, free_port, kafka_api_versions_ok


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie still answers kill(0); it is gone for our purposes.
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except OSError:
        return False


def test_probe_is_false_without_a_broker():
    assert not kafka_api_versions_ok("127.0.0.1", free_port(), timeout=0.2)


def test_start_answers_and_stop_leaves_no_process():
    with EmbeddedBroker() as broker:
        pid = broker.pid
        assert pid is not None and _pid_alive(pid)
        assert kafka_api_versions_ok(broker.host, broker.port)
    assert not _pid_alive(pid)
    assert not kafka_api_versions_ok(broker.host, broker.port, timeout=0.2)


def test_stopped_on_error_inside_the_block():
    broker = EmbeddedBroker()
    with pytest.raises(RuntimeError), broker:
        pid = broker.pid
        raise RuntimeError("boom")
    assert pid is not None and not _pid_alive(pid)


def test_no_orphan_when_the_parent_is_killed(tmp_path):
    script = textwrap.dedent("""
        import os, sys, time
        from wirestream.streams.brokers.tansu import EmbeddedBroker
        broker = EmbeddedBroker().start()
        print(broker.pid, flush=True)
        os.kill(os.getpid(), 9)
    """)
    proc = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=60, cwd=os.getcwd())
    assert proc.returncode == -9
    broker_pid = int(proc.stdout.strip())
    # The kernel's parent-death signal reaches the broker; give it up to 10 s to exit.
    deadline = time.monotonic() + 10
    while _pid_alive(broker_pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _pid_alive(broker_pid)


def test_ctrl_c_of_the_terminal_does_not_reach_the_broker():
    # Its own session: a terminal's SIGINT goes to the foreground process group, which
    # is the parent's; the parent stops the broker itself, after its worker.
    with EmbeddedBroker() as broker:
        assert broker.pid is not None
        assert os.getsid(broker.pid) == broker.pid != os.getsid(0)
        assert os.getpgid(broker.pid) != os.getpgid(0)


def test_stopped_when_interrupted_while_starting(monkeypatch):
    import wirestream.streams.brokers.tansu as tansu

    started: list[int] = []

    def interrupted(*args, **kwargs):
        started.append(broker.pid)
        raise KeyboardInterrupt

    broker = EmbeddedBroker()
    monkeypatch.setattr(tansu, "kafka_api_versions_ok", interrupted)
    with pytest.raises(KeyboardInterrupt):
        broker.start()
    assert started and not _pid_alive(started[0])
