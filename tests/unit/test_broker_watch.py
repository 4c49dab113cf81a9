"""Local state is dropped only when it came from another broker history."""

from __future__ import annotations

import logging

import pytest

from wirestream.streams.kafka import broker_watch
from wirestream.streams.kafka.broker_watch import (
    EXIT_BROKER_LOST,
    MARKER_FILE,
    BrokerUnreachable,
    BrokerWatch,
    reconcile_local_state,
)


def _state(root):
    (root / "v1/tables/story-versions-0.db").mkdir(parents=True)
    (root / "near-duplicates/index").mkdir(parents=True)
    (root / "feed-state.json").write_text("{}")


def test_state_from_another_broker_history_is_dropped(tmp_path):
    _state(tmp_path)
    (tmp_path / MARKER_FILE).write_text("old-broker\n")
    assert reconcile_local_state(str(tmp_path), "new-broker")
    assert not (tmp_path / "v1").exists() and not (tmp_path / "near-duplicates").exists()
    assert (tmp_path / "feed-state.json").exists()  # not broker state: kept
    assert (tmp_path / MARKER_FILE).read_text().strip() == "new-broker"


def test_state_from_the_same_broker_is_kept(tmp_path):
    _state(tmp_path)
    (tmp_path / MARKER_FILE).write_text("same\n")
    assert not reconcile_local_state(str(tmp_path), "same")
    assert (tmp_path / "v1/tables/story-versions-0.db").exists()


def test_state_from_before_markers_is_adopted(tmp_path):
    _state(tmp_path)  # a data dir written before the marker existed
    assert not reconcile_local_state(str(tmp_path), "first-seen")
    assert (tmp_path / "near-duplicates/index").exists()
    assert (tmp_path / MARKER_FILE).read_text().strip() == "first-seen"


# -- records fetched after an outage wait for a check (BrokerWatch.records_trusted) -----------

class _Consumer:
    async def start(self) -> None: ...
    async def stop(self) -> None: ...


def _watch(monkeypatch, answers: list[object]) -> tuple[BrokerWatch, list[object]]:
    """A watch whose marker reads give ``answers`` in turn (an exception: broker down)."""
    asked: list[object] = []

    async def marker_of(consumer, topic, timeout_s):
        answer = answers[len(asked)]
        asked.append(answer)
        if isinstance(answer, Exception):
            raise answer
        return answer

    monkeypatch.setattr(broker_watch, "_marker_of", marker_of)
    monkeypatch.setattr(broker_watch, "_consumer", lambda url, timeout_s: _Consumer())
    monkeypatch.setattr(logging, "shutdown", lambda: None)

    def exit_now(code: int) -> None:
        raise SystemExit(code)

    monkeypatch.setattr(broker_watch.os, "_exit", exit_now)
    return BrokerWatch("127.0.0.1:1", "marker", "old-history"), asked


async def test_records_are_trusted_without_a_check_while_no_check_failed(monkeypatch):
    watch, asked = _watch(monkeypatch, ["old-history"])
    await watch.check()
    assert await watch.records_trusted() and await watch.records_trusted()
    assert len(asked) == 1  # the fetch path did not ask the broker


async def test_after_a_failed_check_records_wait_until_the_broker_answers(monkeypatch):
    down = BrokerUnreachable("down")
    watch, asked = _watch(monkeypatch, [down, down, "old-history"])
    await watch.check()  # the outage: the timer cannot reach the broker
    assert not await watch.records_trusted()  # still down: held
    assert await watch.records_trusted()  # back, same history
    assert await watch.records_trusted() and len(asked) == 3  # no more asking


async def test_records_from_a_replaced_broker_exit_the_worker(monkeypatch):
    watch, _ = _watch(monkeypatch, [BrokerUnreachable("down"), "new-history"])
    await watch.check()
    with pytest.raises(SystemExit) as exited:
        await watch.records_trusted()
    assert exited.value.code == EXIT_BROKER_LOST


async def test_records_are_held_at_most_hold_s_when_only_the_marker_cannot_be_read(monkeypatch):
    down = BrokerUnreachable("no answer reading the marker")
    watch, _ = _watch(monkeypatch, [down] * 4)
    clock = iter([100.0, 110.0, 131.0])
    watch.clock = lambda: next(clock)
    await watch.check()  # a failed check: records must wait for an answer
    assert not await watch.records_trusted()  # t=100: held
    assert not await watch.records_trusted()  # t=110: still within hold_s (30 s)
    assert await watch.records_trusted()  # t=131: the watch, not the broker, is failing
