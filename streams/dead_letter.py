"""Dead-letter records: the original bytes, with why and where they came from in headers."""

from __future__ import annotations

from collections.abc import Sequence

from processors.article import RejectedInput

HEADER_PREFIX = "wirestream."


def dead_letter_headers(
    *,
    reason: str,
    exc: BaseException,
    topic: str,
    partition: int,
    offset: int,
    stage: str,
    original_headers: Sequence[tuple[str, bytes]] = (),
) -> list[tuple[str, bytes]]:
    """Headers for a dead-lettered message; the original headers are kept after ours."""
    ours = {
        "reason": reason,
        "error_class": type(exc).__name__,
        "error_message": str(exc)[:1000],
        "stage": stage,
        "original_topic": topic,
        "original_partition": str(partition),
        "original_offset": str(offset),
    }
    headers = [(HEADER_PREFIX + key, value.encode("utf-8", "replace"))
               for key, value in ours.items()]
    headers.extend((k, v) for k, v in original_headers if not k.startswith(HEADER_PREFIX))
    return headers


def reason_of(exc: BaseException) -> str:
    """The short reason code for headers and metric labels (a small fixed set)."""
    if isinstance(exc, RejectedInput):
        return exc.reason
    reason = getattr(exc, "reason", None)
    return reason if isinstance(reason, str) else "internal_error"
