"""Every record derived from an input acknowledged by the broker before the input's offset.

Faust's ``topic.send`` returns once a record is queued in the producer, and Faust
commits an offset once its event is acked, flushing the producer first but never
looking at whether the flushed records were written. A record the broker refuses
(too large for the topic, topic deleted, not enough in-sync replicas, the leader gone
for longer than the producer's retries) was therefore lost while its input counted as
done. Here each input gets a ``Delivery``: the stage sends through it, then
``confirm()`` waits for the broker's acknowledgement of every record, retries a failed
one with backoff, and when a record still cannot be written, dead-letters the input
(its original bytes, reason ``publish_failed``). Only then may the stage ack the input.
When the dead letter cannot be written either, ``DeliveryFailed`` stops the worker with
the input unacked, so its offset is never committed.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Sequence
from dataclasses import dataclass, field
from typing import Any

import faust
from aiokafka.errors import (
    InvalidTopicError,
    MessageSizeTooLargeError,
    RecordListTooLargeError,
    RecordTooLargeError,
    TopicAuthorizationFailedError,
)

from wirestream.streams.kafka.dead_letter import dead_letter_record
from wirestream.streams.ops import metrics

log = logging.getLogger(__name__)

# The worker's exit code when a record and its input's dead letter could not be written:
# nothing was committed past that input; a supervisor may start the worker again once
# the broker takes writes.
EXIT_DELIVERY_FAILED = 74


class PublishFailed(RuntimeError):
    """A record derived from this input could not be written (the dead letter's reason)."""

    reason = "publish_failed"

    def __init__(self, topic: str, error: BaseException) -> None:
        super().__init__(f"writing to {topic} failed after retries: "
                         f"{type(error).__name__}: {error}")
        self.topic = topic
        self.error = error


class DeliveryFailed(RuntimeError):
    """Neither a derived record nor the input's dead letter could be written: the worker
    must stop without committing the input."""


# Refusals no retry can change (the record is too large for the topic, or the topic name is
# invalid or forbidden to us). Everything else (timeouts, leaders moving, a topic being
# re-created, not enough in-sync replicas) may pass, so it is retried.
PERMANENT_ERRORS = (MessageSizeTooLargeError, RecordTooLargeError, RecordListTooLargeError,
                    InvalidTopicError, TopicAuthorizationFailedError)


def error_label(exc: BaseException) -> str:
    return type(exc).__name__


@dataclass(slots=True)
class _Record:
    topic: faust.TopicT
    key: bytes | None
    value: bytes | None
    headers: Sequence[tuple[str, bytes]] | None
    future: Awaitable[Any] | None = None
    error: BaseException | None = None
    metadata: Any = None


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    attempts: int = 5  # writes of one record, the first included
    backoff_s: float = 0.5  # doubled after each failed attempt
    max_backoff_s: float = 8.0

    def delays(self) -> list[float]:
        delays, delay = [], self.backoff_s
        for _ in range(self.attempts - 1):
            delays.append(min(delay, self.max_backoff_s))
            delay *= 2
        return delays


@dataclass
class Delivery:
    """The records one input (or one timer tick) produces, and their acknowledgements."""

    dead_topic: faust.TopicT
    message: Any  # the consumed faust Message, or None for records no input derives
    stage: str
    policy: RetryPolicy
    payload: bytes | None = None  # the input's original bytes, when not message.value
    records: list[_Record] = field(default_factory=list)
    written: list[Any] = field(default_factory=list)  # the broker's RecordMetadata

    async def send(self, topic: faust.TopicT, key: bytes | None, value: bytes | None,
                   headers: Sequence[tuple[str, bytes]] | None = None) -> None:
        record = _Record(topic, key, value, headers)
        await _write(record)
        self.records.append(record)

    async def confirm(self) -> bool:
        """Wait until every record is acknowledged. True: all written. False: one could not
        be, and the input is dead-lettered instead. Raises ``DeliveryFailed`` when the dead
        letter cannot be written either."""
        records, self.records = self.records, []
        failure: tuple[_Record, BaseException] | None = None
        for record in records:
            error = await _acknowledged(record, self.policy)
            if error is None:
                self.written.append(record.metadata)
            elif failure is None:
                failure = (record, error)
        if failure is None:
            return True
        record, error = failure
        topic = record.topic.get_topic_name()
        metrics.PUBLISH_FAILED.labels(topic).inc()
        if self.message is None:
            raise DeliveryFailed(f"{self.stage}: writing to {topic} failed: {error!r}")
        log.error("%s: a record for %s could not be written (%s: %s); dead-lettering the "
                  "input %s[%s]@%s", self.stage, topic, type(error).__name__, error,
                  self.message.topic, self.message.partition, self.message.offset)
        await self._dead_letter(PublishFailed(topic, error))
        return False

    async def _dead_letter(self, exc: PublishFailed) -> None:
        key, value, headers = dead_letter_record(self.message, exc, self.stage, self.payload)
        record = _Record(self.dead_topic, key, value, headers)
        await _write(record)
        error = await _acknowledged(record, self.policy)
        if error is not None:
            dlq = self.dead_topic.get_topic_name()
            metrics.PUBLISH_FAILED.labels(dlq).inc()
            raise DeliveryFailed(
                f"{self.stage}: {exc}; and its dead letter to {dlq} failed too "
                f"({type(error).__name__}: {error}). Stopping without committing "
                f"{self.message.topic}[{self.message.partition}]@{self.message.offset}.")
        metrics.ARTICLES_REJECTED.labels(exc.reason).inc()


async def _write(record: _Record) -> None:
    """Hand the record to the producer; a refusal at this point counts as a failed write."""
    try:
        record.future = await record.topic.send(key=record.key, value=record.value,
                                                headers=list(record.headers or ()) or None)
        record.error = None
    except Exception as exc:  # e.g. larger than the producer's max_request_size
        record.future = None
        record.error = exc


async def _acknowledged(record: _Record, policy: RetryPolicy) -> BaseException | None:
    """None once the broker acknowledged the record; the last error after all retries."""
    topic = record.topic.get_topic_name()
    for delay in [*policy.delays(), None]:
        if record.future is not None:
            try:
                record.metadata = await record.future
                metrics.RECORDS_WRITTEN.labels(topic).inc()
                return None
            except Exception as exc:
                record.error = exc
        error = record.error
        assert error is not None
        metrics.PUBLISH_ERRORS.labels(topic, error_label(error)).inc()
        if delay is None or isinstance(error, PERMANENT_ERRORS):
            return error
        log.warning("write to %s failed (%s: %s); retrying in %.1f s", topic,
                    type(error).__name__, error, delay)
        await asyncio.sleep(delay)  # backoff before the next attempt
        await _write(record)
    return record.error
