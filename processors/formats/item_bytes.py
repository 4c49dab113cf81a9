"""Where each item of a multi-item XML document sits in the original bytes.

A dead-lettered item must carry its own original bytes (what the provider sent), not a
re-serialisation. lxml keeps no byte offsets, so expat (which does, and runs in linear
time) reads the document once more for the start and end of each item element. Only
ASCII-compatible documents are read this way (UTF-8, ISO-8859-x, windows-125x: the
markup is the same bytes in all of them, so expat reads them as Latin-1 and the
offsets hold); for UTF-16/32 the caller falls back to serialising the item.

The document has already passed ``parse_xml`` (well-formed, no entity declarations);
expat fetches no DTD and resolves no external entity by default.
"""

from __future__ import annotations

import xml.parsers.expat
from collections.abc import Callable

__all__ = ["item_spans"]

_BOM = b"\xef\xbb\xbf"
# (depth, local name, parent's local name) -> is this element an item?
ItemTest = Callable[[int, str, str], bool]


def _start_tag_end(payload: bytes, start: int) -> tuple[int, bool]:
    """(index after the start tag's ">", whether the tag is self-closing)."""
    quote = 0
    index = start + 1
    length = len(payload)
    while index < length:
        byte = payload[index]
        if quote:
            if byte == quote:
                quote = 0
        elif byte in (0x22, 0x27):  # " '
            quote = byte
        elif byte == 0x3E:  # >
            return index + 1, payload[index - 1] == 0x2F  # /
        index += 1
    return length, False


def item_spans(payload: bytes, is_item: ItemTest) -> list[tuple[int, int]] | None:
    """(start, end) byte offsets of each item element in document order, or None when the
    document cannot be read this way (UTF-16/32, or expat disagrees with lxml)."""
    head = payload[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in head:
        return None
    offset = len(_BOM) if payload.startswith(_BOM) else 0
    data = payload[offset:] if offset else payload
    parser = xml.parsers.expat.ParserCreate(encoding="ISO-8859-1", namespace_separator="}")
    names: list[str] = []
    starts: list[int] = []
    spans: list[tuple[int, int]] = []

    def start(name: str, _attributes: object) -> None:
        local = name.rsplit("}", 1)[-1]
        parent = names[-1] if names else ""
        names.append(local)
        starts.append(parser.CurrentByteIndex if is_item(len(names) - 1, local, parent)
                      else -1)

    def end(_name: str) -> None:
        names.pop()
        began = starts.pop()
        if began < 0:
            return
        tag_end, empty = _start_tag_end(data, began)
        if empty:
            spans.append((began + offset, tag_end + offset))
            return
        close = data.find(b">", parser.CurrentByteIndex)
        spans.append((began + offset, (close + 1 if close >= 0 else len(data)) + offset))

    parser.StartElementHandler = start
    parser.EndElementHandler = end
    try:
        parser.Parse(data, True)
    except xml.parsers.expat.ExpatError:
        return None
    return spans
