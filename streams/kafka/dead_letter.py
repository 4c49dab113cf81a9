"""Dead-letter records: the original bytes, with why and where they came from in headers."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import faust

from wirestream.processors.pipeline.outputs import reason_of
from wirestream.processors.records import DeadLetterHeaders
from wirestream.streams.kafka.messages import header_items
from wirestream.streams.ops import metrics

if TYPE_CHECKING:
    from wirestream.streams.kafka.delivery import Delivery

log = logging.getLogger(__name__)

# Dead-lettered payloads above this are cut (header ``wirestream.truncated``)
# so a hostile giant message cannot wedge the producer.
MAX_DEAD_LETTER_BYTES = 8 * 1024 * 1024


def dead_letter_record(message: Any, exc: BaseException, stage: str,
                       payload: bytes | None = None
                       ) -> tuple[bytes | None, bytes | None, list[tuple[str, bytes]]]:
    """Key, value (the original bytes) and headers of a consumed message's dead letter.
    A null original (a tombstone) stays null, said so in a header, not empty bytes."""
    body = payload if payload is not None else message.value
    about = DeadLetterHeaders(
        reason=reason_of(exc), error_class=type(exc).__name__, error_message=str(exc),
        stage=stage, original_topic=message.topic, original_partition=message.partition,
        original_offset=message.offset, null_value=body is None,
        truncated=len(body) if body is not None and len(body) > MAX_DEAD_LETTER_BYTES
        else None)
    if about.truncated is not None and body is not None:
        body = body[:MAX_DEAD_LETTER_BYTES]
    return message.key, body, about.to_kafka(header_items(message.headers))


class DeadLetters:
    """Sends a consumed message, as it was, to the dead-letter topic, as part of the
    input's delivery (acknowledged before the input's offset is committed)."""

    def __init__(self, topic: faust.TopicT) -> None:
        self.topic = topic

    async def send(self, delivery: Delivery, exc: BaseException,
                   payload: bytes | None = None) -> None:
        reason = reason_of(exc)
        if reason == "internal_error":
            log.error("unexpected error at %s; dead-lettering", delivery.stage, exc_info=exc)
        metrics.ARTICLES_REJECTED.labels(reason).inc()
        metrics.STAGE_ERRORS.labels(delivery.stage).inc()
        key, value, headers = dead_letter_record(delivery.message, exc, delivery.stage,
                                                 payload)
        await delivery.send(self.topic, key, value, headers)
