"""Small helpers for Kafka messages: headers and timestamps."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any


def utc_now() -> str:
    return datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def seconds_to_iso(seconds: float | None) -> str:
    if not seconds:
        return utc_now()
    return datetime.fromtimestamp(seconds, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


def iso_to_seconds(value: str) -> float:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()


def header_items(headers: Any) -> list[tuple[str, bytes]]:
    if not headers:
        return []
    items = headers.items() if isinstance(headers, dict) else headers
    return [(str(k), bytes(v or b"")) for k, v in items]


def header(headers: Any, name: str) -> str | None:
    for key, value in header_items(headers):
        if key.lower() == name:
            return value.decode("utf-8", "replace")
    return None
