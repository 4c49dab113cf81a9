"""Raw wire payloads (bytes) to ``Article``: the single entry point is ``parse_raw``.

Supported: dpa digitalwires JSON, IPTC ninjs 1.x/2.x/3.x, the native JSON format
(see ``native``), and plain text files via ``article_from_text``. Every failure is a
``RejectedInput`` with a reason code; no other exception escapes for any input bytes.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from processors.article import Article, RejectedInput
from processors.formats import dpa, native, ninjs
from processors.formats.detect import DPA, NATIVE, NINJS, detect
from processors.formats.native import article_to_native_json
from processors.formats.plaintext import article_from_text

__all__ = ["article_from_text", "article_to_native_json", "detect", "parse_raw"]

_PARSERS: dict[str, Callable[..., Article]] = {
    DPA: dpa.parse,
    NINJS: ninjs.parse,
    NATIVE: native.parse,
}


def _no_constants(name: str) -> Any:
    # NaN/Infinity are not JSON; json.loads accepts them by default.
    raise ValueError(f"{name} is not valid JSON")


def parse_raw(
    payload: bytes,
    *,
    content_type: str | None = None,
    max_bytes: int = 2_000_000,
    max_body_chars: int = 500_000,
) -> Article:
    """Parse one raw message into an Article or raise ``RejectedInput``."""
    if isinstance(payload, bytearray | memoryview):
        payload = bytes(payload)
    if not isinstance(payload, bytes):
        raise RejectedInput("invalid_encoding", f"payload is {type(payload).__name__}, not bytes")
    if len(payload) > max_bytes:
        raise RejectedInput("too_large", f"payload has {len(payload)} bytes (limit {max_bytes})")
    try:
        text = payload.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RejectedInput("invalid_encoding", f"not UTF-8: {exc.reason} at byte {exc.start}"
                            ) from None
    try:
        # A leading BOM is legal in UTF-8 files but not in JSON text.
        doc = json.loads(text.removeprefix("\ufeff"), parse_constant=_no_constants)
    except RecursionError:
        raise RejectedInput("not_json", "JSON nested too deeply") from None
    except ValueError as exc:  # JSONDecodeError, NaN, over-long integer literals
        raise RejectedInput("not_json", f"not JSON: {exc}"[:300]) from None
    if not isinstance(doc, dict):
        raise RejectedInput("unknown_format", f"top-level JSON {type(doc).__name__}, not an object")
    fmt = "detect"
    try:
        fmt = detect(doc, content_type) or ""
        if not fmt:
            raise RejectedInput("unknown_format",
                                "neither dpa digitalwires, ninjs nor native JSON")
        return _PARSERS[fmt](doc, max_body_chars=max_body_chars)
    except RejectedInput:
        raise
    except MemoryError:
        raise
    except Exception as exc:
        # Parsers check shapes field by field; this is the backstop for a shape they
        # did not foresee, so one odd message is dead-lettered instead of crashing ingest.
        raise RejectedInput("invalid_field",
                            f"{fmt}: unexpected structure ({type(exc).__name__}: {exc})"[:300]
                            ) from exc
