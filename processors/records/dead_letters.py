"""The headers of a dead letter: why a record was refused and where it came from.

The value of a dead letter is the original bytes (null for a tombstone); everything
wirestream says about it is in ``wirestream.*`` headers, these.
"""

from __future__ import annotations

from collections.abc import Sequence

from msgspec import Struct, structs

HEADER_PREFIX = "wirestream."
ERROR_MESSAGE_CHARS = 1000


class DeadLetterHeaders(Struct, kw_only=True):
    reason: str  # a short stable code (RejectedInput.REASONS, publish_failed, ...)
    error_class: str
    error_message: str
    stage: str
    original_topic: str
    original_partition: int
    original_offset: int
    null_value: bool = False  # the original was a tombstone (value null, not empty)
    truncated: int | None = None  # the original's length when the value was cut

    def to_kafka(self, original: Sequence[tuple[str, bytes]] = ()
                 ) -> list[tuple[str, bytes]]:
        """Kafka headers: ours first, then the original's (minus stale ``wirestream.*``)."""
        headers: list[tuple[str, bytes]] = []
        for name, value in structs.asdict(self).items():
            if (name == "null_value" and not value) or (name == "truncated" and value is None):
                continue
            text = "true" if value is True else str(value)
            if name == "error_message":
                text = text[:ERROR_MESSAGE_CHARS]
            headers.append((HEADER_PREFIX + name, text.encode("utf-8", "replace")))
        headers.extend((k, v) for k, v in original if not k.startswith(HEADER_PREFIX))
        return headers

    @classmethod
    def from_kafka(cls, headers: Sequence[tuple[str, bytes]]) -> DeadLetterHeaders:
        """Read them back (``wirestream redrive``); raises ValueError when one is missing."""
        ours = {k[len(HEADER_PREFIX):]: v.decode("utf-8", "replace")
                for k, v in headers if k.startswith(HEADER_PREFIX)}
        try:
            return cls(reason=ours["reason"], error_class=ours["error_class"],
                       error_message=ours["error_message"], stage=ours["stage"],
                       original_topic=ours["original_topic"],
                       original_partition=int(ours["original_partition"]),
                       original_offset=int(ours["original_offset"]),
                       null_value=ours.get("null_value") == "true",
                       truncated=int(ours["truncated"]) if "truncated" in ours else None)
        except KeyError as missing:
            raise ValueError(f"dead letter without header {HEADER_PREFIX}{missing.args[0]}"
                             ) from None
