"""Dead-letter records without a broker: the original bytes, and headers that say why and
exactly where the message came from (topic, partition, offset), so it can be found and
redriven."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest

from wirestream.processors.article import RejectedInput
from wirestream.processors.records import DeadLetterHeaders
from wirestream.streams.kafka.dead_letter import (
    MAX_DEAD_LETTER_BYTES,
    dead_letter_record,
    reason_of,
)


@dataclass
class Message:
    topic: str = "wire.raw"
    partition: int = 3
    offset: int = 1_234_567
    key: bytes | None = b"urn:story:1"
    value: bytes | None = b"<newsItem/>"
    headers: list[tuple[str, bytes]] = field(default_factory=lambda: [("trace", b"t-1")])


def test_headers_say_where_the_message_was_read():
    headers = dict(DeadLetterHeaders(
        reason="not_xml", error_class="ValueError", error_message="bad",
        original_topic="wire.raw", original_partition=3, original_offset=1_234_567,
        stage="ingest").to_kafka())
    assert headers["wirestream.original_topic"] == b"wire.raw"
    assert headers["wirestream.original_partition"] == b"3"
    assert headers["wirestream.original_offset"] == b"1234567"
    assert headers["wirestream.stage"] == b"ingest"
    assert headers["wirestream.reason"] == b"not_xml"
    assert headers["wirestream.error_class"] == b"ValueError"


def test_the_first_offset_of_a_partition_is_written_as_zero():
    headers = dict(DeadLetterHeaders(
        reason="r", error_class="ValueError", error_message="", original_topic="t",
        original_partition=0, original_offset=0, stage="s").to_kafka())
    assert headers["wirestream.original_offset"] == b"0"
    assert headers["wirestream.original_partition"] == b"0"


def test_a_consumed_message_keeps_its_bytes_key_and_headers_and_says_its_offset():
    message = Message()
    key, value, headers = dead_letter_record(message, RejectedInput("not_xml", "x"), "ingest")
    assert (key, value) == (b"urn:story:1", b"<newsItem/>")
    got = dict(headers)
    assert got["wirestream.original_offset"] == b"1234567"
    assert got["wirestream.original_partition"] == b"3"
    assert got["wirestream.reason"] == b"not_xml"
    assert got["trace"] == b"t-1"


def test_a_redead_lettered_message_gets_the_new_offset_not_the_old_headers():
    # A message redriven from the dead-letter topic and failing again carries the old
    # wirestream.* headers; the new ones replace them, they are not listed twice.
    old = [("wirestream.original_offset", b"7"), ("wirestream.reason", b"old"),
           ("trace", b"t-1")]
    _, _, headers = dead_letter_record(Message(offset=99, headers=old), ValueError(), "enrich")
    offsets = [v for k, v in headers if k == "wirestream.original_offset"]
    assert offsets == [b"99"]
    assert ("trace", b"t-1") in headers


def test_a_tombstone_stays_null_and_a_giant_is_cut():
    key, value, headers = dead_letter_record(Message(value=None), ValueError(), "ingest")
    assert key == b"urn:story:1" and value is None
    assert dict(headers)["wirestream.null_value"] == b"true"
    giant = b"x" * (MAX_DEAD_LETTER_BYTES + 10)
    _, value, headers = dead_letter_record(Message(value=giant), ValueError(), "ingest")
    assert value is not None and len(value) == MAX_DEAD_LETTER_BYTES
    assert dict(headers)["wirestream.truncated"] == str(len(giant)).encode()
    assert dict(headers)["wirestream.original_offset"] == b"1234567"


def test_reason_codes():
    assert reason_of(RejectedInput("too_large", "x")) == "too_large"
    assert reason_of(KeyError("x")) == "internal_error"


def test_headers_read_back_as_written_and_a_foreign_record_is_refused():
    message = Message(value=None)
    _, _, headers = dead_letter_record(message, RejectedInput("not_json", "x"), "ingest")
    about = DeadLetterHeaders.from_kafka(headers)
    assert (about.reason, about.original_topic, about.original_partition,
            about.original_offset, about.null_value, about.truncated) == (
        "not_json", "wire.raw", 3, 1_234_567, True, None)
    with pytest.raises(ValueError, match=r"without header wirestream\.error_class"):
        DeadLetterHeaders.from_kafka([("wirestream.reason", b"x"), ("trace", b"t")])
