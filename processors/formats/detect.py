"""Which parser a decoded JSON object goes to: its shape first, the content type as a hint."""

from __future__ import annotations

from typing import Any

from processors.formats import ninjs

DPA = "dpa-digitalwires"
NINJS = "ninjs"
NATIVE = "native"


def format_from_content_type(content_type: str | None) -> str | None:
    """``application/vnd.dpa.digitalwires+json`` -> dpa, ``application/ninjs+json`` (or any
    "ninjs" type) -> ninjs, ``application/vnd.wirestream.article+json`` -> native; plain
    ``application/json`` says nothing."""
    if not isinstance(content_type, str):
        return None
    media = content_type.split(";")[0].strip().lower()
    if "digitalwires" in media:
        return DPA
    if "ninjs" in media:
        return NINJS
    if "wirestream" in media:
        return NATIVE
    return None


def candidates(doc: dict[str, Any]) -> list[str]:
    """Formats whose shape ``doc`` has, most specific first (possibly none)."""
    found: list[str] = []
    fmt = doc.get("format")
    # The "format" tag alone is decisive, so a dpa item without urn is missing_id, not native.
    if (isinstance(fmt, str) and fmt.lower().startswith("digitalwires")) or (
        "urn" in doc and "article_html" in doc
    ):
        found.append(DPA)
    if "uri" in doc or ninjs.is_ninjs_schema(doc):
        found.append(NINJS)
    if "id" in doc:
        found.append(NATIVE)
    # Weaker signs, for documents that lack their id field (-> missing_id, not unknown_format).
    if not found and (
        not ninjs.MARKER_KEYS.isdisjoint(doc)
        or (isinstance(item_type := doc.get("type"), str) and item_type in ninjs.TYPES
            and ("headline" in doc or "headlines" in doc))
    ):
        found.append(NINJS)
    if not found and ("headline" in doc or "body" in doc):
        found.append(NATIVE)
    return found


def detect(doc: dict[str, Any], content_type: str | None = None) -> str | None:
    """The format to parse ``doc`` as, or None when nothing fits.

    The content type decides only between shapes that match (or when none does),
    so a generic or wrong header cannot send a clear dpa/ninjs/native shape astray.
    """
    hint = format_from_content_type(content_type)
    shapes = candidates(doc)
    if hint is not None and (hint in shapes or not shapes):
        return hint
    return shapes[0] if shapes else None
