"""Delivery: an input counts as done only once every record derived from it is written.

The topics here are in-memory fakes of Faust's ``topic.send`` (a future per record that
the fake resolves or fails); the same code runs against Apache Kafka in
tests/integration/test_publish_failure.py."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiokafka.errors import KafkaTimeoutError, MessageSizeTooLargeError

from wirestream.streams.kafka.delivery import Delivery, DeliveryFailed, RetryPolicy

FAST = RetryPolicy(attempts=3, backoff_s=0.001, max_backoff_s=0.001)


@dataclass
class FakeTopic:
    name: str
    failures: list[BaseException] = field(default_factory=list)  # one per attempt, in order
    written: list[tuple[Any, Any, Any]] = field(default_factory=list)
    attempts: int = 0

    def get_topic_name(self) -> str:
        return self.name

    async def send(self, key: Any = None, value: Any = None, headers: Any = None
                   ) -> asyncio.Future[Any]:
        self.attempts += 1
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if self.failures:
            future.set_exception(self.failures.pop(0))
        else:
            self.written.append((key, value, headers))
            future.set_result(type("Meta", (), {"offset": len(self.written) - 1})())
        return future


@dataclass
class FakeMessage:
    topic: str = "wire.articles.deduped"
    partition: int = 2
    offset: int = 41
    key: bytes = b"urn:story:1"
    value: bytes = b'{"article": {}}'
    headers: list[tuple[str, bytes]] = field(default_factory=lambda: [("trace", b"x")])


def _registry_value(name: str, labels: dict[str, str]) -> float:
    from prometheus_client import REGISTRY

    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_all_written_confirms_true():
    out, dlq = FakeTopic("out-a"), FakeTopic("dlq-a")

    async def run() -> bool:
        delivery = Delivery(dlq, FakeMessage(), "enrich", FAST)
        await delivery.send(out, b"k", b"v1")
        await delivery.send(out, b"k", b"v2")
        return await delivery.confirm()

    assert asyncio.run(run()) is True
    assert [v for _, v, _ in out.written] == [b"v1", b"v2"]
    assert dlq.written == []
    assert _registry_value("wirestream_records_written_total", {"topic": "out-a"}) == 2


def test_a_retriable_failure_is_retried_until_written():
    out, dlq = FakeTopic("out-b", failures=[KafkaTimeoutError(), KafkaTimeoutError()]), \
        FakeTopic("dlq-b")

    async def run() -> bool:
        delivery = Delivery(dlq, FakeMessage(), "ingest", FAST)
        await delivery.send(out, b"k", b"v")
        return await delivery.confirm()

    assert asyncio.run(run()) is True
    assert out.attempts == 3 and out.written == [(b"k", b"v", None)]
    assert dlq.written == []
    assert _registry_value("wirestream_publish_errors_total",
                           {"topic": "out-b", "error": "KafkaTimeoutError"}) == 2
    assert _registry_value("wirestream_publish_failed_total", {"topic": "out-b"}) == 0


def test_a_record_that_cannot_be_written_dead_letters_the_input_with_its_bytes():
    out = FakeTopic("out-c", failures=[KafkaTimeoutError()] * 3)
    other, dlq = FakeTopic("events-c"), FakeTopic("dlq-c")
    message = FakeMessage()

    async def run() -> bool:
        delivery = Delivery(dlq, message, "enrich", FAST)
        await delivery.send(out, b"k", b"v")
        await delivery.send(other, b"e", b"event")
        return await delivery.confirm()

    assert asyncio.run(run()) is False
    assert out.attempts == 3  # the policy's attempts, then given up
    assert other.written == [(b"e", b"event", None)]  # the rest still went out
    [(key, value, headers)] = dlq.written
    assert key == message.key and value == message.value
    got = dict(headers)
    assert got["wirestream.reason"] == b"publish_failed"
    assert got["wirestream.stage"] == b"enrich"
    assert got["wirestream.original_offset"] == b"41"
    assert b"out-c" in got["wirestream.error_message"]
    assert got["trace"] == b"x"  # the input's own headers are kept
    assert _registry_value("wirestream_publish_failed_total", {"topic": "out-c"}) == 1
    assert _registry_value("wirestream_articles_rejected_total",
                           {"reason": "publish_failed"}) >= 1


def test_a_non_retriable_refusal_is_not_retried():
    out, dlq = FakeTopic("out-d", failures=[MessageSizeTooLargeError()]), FakeTopic("dlq-d")

    async def run() -> bool:
        delivery = Delivery(dlq, FakeMessage(), "enrich", FAST)
        await delivery.send(out, b"k", b"v" * 10)
        return await delivery.confirm()

    assert asyncio.run(run()) is False
    assert out.attempts == 1
    assert len(dlq.written) == 1


def test_when_the_dead_letter_fails_too_the_input_must_not_be_acked():
    out = FakeTopic("out-e", failures=[MessageSizeTooLargeError()])
    dlq = FakeTopic("dlq-e", failures=[MessageSizeTooLargeError()])

    async def run() -> None:
        delivery = Delivery(dlq, FakeMessage(), "enrich", FAST)
        await delivery.send(out, b"k", b"v")
        await delivery.confirm()

    with pytest.raises(DeliveryFailed, match="dlq-e"):
        asyncio.run(run())
    assert _registry_value("wirestream_publish_failed_total", {"topic": "dlq-e"}) == 1


def test_a_refusal_when_handing_the_record_over_counts_as_a_failed_write():
    class Refusing(FakeTopic):
        async def send(self, key: Any = None, value: Any = None, headers: Any = None
                       ) -> asyncio.Future[Any]:
            self.attempts += 1
            raise MessageSizeTooLargeError("larger than max_request_size")

    out, dlq = Refusing("out-f"), FakeTopic("dlq-f")

    async def run() -> bool:
        delivery = Delivery(dlq, FakeMessage(), "ingest", FAST)
        await delivery.send(out, b"k", b"v")
        return await delivery.confirm()

    assert asyncio.run(run()) is False
    assert len(dlq.written) == 1


def test_records_without_an_input_raise_instead_of_dead_lettering():
    out, dlq = FakeTopic("out-g", failures=[MessageSizeTooLargeError()]), FakeTopic("dlq-g")

    async def run() -> None:
        delivery = Delivery(dlq, None, "near_duplicates", FAST)
        await delivery.send(out, b"k", b"v")
        await delivery.confirm()

    with pytest.raises(DeliveryFailed, match="out-g"):
        asyncio.run(run())
    assert dlq.written == []


def test_backoff_doubles_up_to_its_cap():
    assert RetryPolicy(attempts=6, backoff_s=0.5, max_backoff_s=4).delays() == [
        0.5, 1.0, 2.0, 4.0, 4.0]
    assert RetryPolicy(attempts=1).delays() == []
