"""JSON bytes <-> typed records, with one encoder and one decoder per type (msgspec).

msgspec over pydantic: on a 4.6 KB canonical envelope, encode + decode took 9.7 µs with
msgspec against 17.8 µs with pydantic v2 (orjson to plain dicts: 8.4 µs), and both
emit JSON Schema. Decoding validates: a record that is not of the type raises
``msgspec.ValidationError`` (a ``ValueError``), which the stages dead-letter.
"""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

T = TypeVar("T")

_ENCODER = msgspec.json.Encoder()


def encode(record: Any) -> bytes:
    """Compact UTF-8 JSON of a record (a Struct, dataclass, or plain JSON data)."""
    return _ENCODER.encode(record)


_DECODERS: dict[Any, msgspec.json.Decoder[Any]] = {}


def decode(data: bytes, kind: type[T]) -> T:
    """The record of type ``kind`` in ``data``; raises ``ValueError`` when it is not one."""
    decoder = _DECODERS.get(kind)
    if decoder is None:
        decoder = _DECODERS[kind] = msgspec.json.Decoder(kind)
    result: T = decoder.decode(data)
    return result


def convert(data: Any, kind: type[T]) -> T:
    """Plain data (dicts, lists) as a record of type ``kind``, validated the same way."""
    result: T = msgspec.convert(data, kind)
    return result
