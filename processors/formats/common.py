"""Field checks shared by every format parser.

Each helper takes the raw JSON value and the source field name (for the error
message) and either returns a normalised value or raises ``RejectedInput``. Parsers
call them field by field, then hand everything to ``build_article``, which cleans
the text and applies the rules that hold for all formats.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import Any, NoReturn
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from wirestream.processors.article import Article, RejectedInput
from wirestream.processors.text import clean_line, clean_text, has_long_combining_run

MAX_ID_CHARS = 512
MAX_COMBINING_RUN = 30  # real scripts stack a handful of marks on a letter
_MAX_VERSION = 2**63 - 1  # Kafka/Avro consumers store it as int64
_DIGITS = re.compile(r"[0-9]+")  # ASCII only: int() would also accept "٣"
# BCP 47-ish ("en", "nb-NO", "zh-Hant-TW"); "_" tolerated because feeds send "de_DE".
_LANGUAGE = re.compile(r"[A-Za-z]{1,8}(?:[-_][A-Za-z0-9]{1,8})*")
_CONTROL = re.compile(r"[\x00-\x1f\x7f\ud800-\udfff]")
# Detection only (is this HTML?), never used to strip tags.
_MARKUP = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9.:_-]*[\s/>]|/[A-Za-z]|!--|!\[CDATA\[|\?xml)"
    r"|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
)
_PUB_STATUS = {
    "usable": "usable",
    "withheld": "withheld",
    "canceled": "canceled",
    "cancelled": "canceled",
}


def reject(reason: str, message: str) -> NoReturn:
    raise RejectedInput(reason, message)


def type_name(value: Any) -> str:
    return "null" if value is None else type(value).__name__


def looks_like_markup(text: str) -> bool:
    return bool(_MARKUP.search(text))


def has_text(text: str) -> bool:
    """True when there is at least one letter or digit (placeholders like "..." are not text)."""
    return any(ch.isalnum() for ch in text)


def opt_str(value: Any, field: str) -> str | None:
    """A string or absent (None); anything else is ``invalid_field``."""
    if value is None or isinstance(value, str):
        return value
    reject("invalid_field", f"{field}: expected a string, got {type_name(value)}")


def opt_dict(value: Any, field: str) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    reject("invalid_field", f"{field}: expected an object, got {type_name(value)}")


def opt_list(value: Any, field: str) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list):
        return value
    reject("invalid_field", f"{field}: expected an array, got {type_name(value)}")


def story_id(value: Any, field: str) -> str:
    if value is None or (isinstance(value, str) and not value.strip()):
        reject("missing_id", f"{field} is missing or empty")
    if not isinstance(value, str):
        reject("invalid_field", f"{field}: expected a string, got {type_name(value)}")
    if len(value) > MAX_ID_CHARS:
        reject("invalid_field", f"{field}: longer than {MAX_ID_CHARS} characters")
    if _CONTROL.search(value):
        # It becomes the Kafka key and a log field: no control or unpaired surrogate chars.
        reject("invalid_field", f"{field}: contains control characters")
    return value


def version_number(value: Any, field: str, *, allow_str: bool, default: int = 1) -> int:
    """Integer version >= 0. ninjs carries it as a string ("2"), dpa/native as an int."""
    if value is None:
        return default
    if isinstance(value, bool):  # bool is an int subclass; True is not version 1
        reject("invalid_field", f"{field}: expected an integer, got bool")
    if isinstance(value, int):
        number = value
    elif allow_str and isinstance(value, str) and _DIGITS.fullmatch(value.strip()):
        number = int(value.strip())
    elif isinstance(value, str):
        reject("invalid_field", f"{field}: {value[:40]!r} is not a non-negative integer")
    else:
        reject("invalid_field", f"{field}: expected an integer, got {type_name(value)}")
    if not 0 <= number <= _MAX_VERSION:
        reject("invalid_field", f"{field}: {number} is out of range")
    return number


def pub_status(value: Any, field: str) -> str:
    """usable/withheld/canceled from ninjs, NewsML qcodes ("stat:canceled") or British spelling."""
    text = opt_str(value, field)
    if text is None or not text.strip():
        return "usable"
    key = text.strip().lower().removeprefix("stat:")
    if key not in _PUB_STATUS:
        reject("invalid_field", f"{field}: unknown publication status {text[:40]!r}")
    return _PUB_STATUS[key]


def iso_date(value: Any, field: str) -> str | None:
    """Kept as given, but it must parse as ISO 8601 so downstream can rely on it."""
    text = opt_str(value, field)
    if text is None or text == "":
        return None
    try:
        datetime.fromisoformat(text)
    except ValueError:
        reject("invalid_field", f"{field}: {text[:40]!r} is not an ISO 8601 date-time")
    return text


_DATE_FIELDS = ("version_created", "first_created", "embargoed_until")


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {name!r}") from exc


def zone_for(provider: str | None, zones: Mapping[str, str]) -> str:
    """The IANA zone for a provider's zone-less timestamps: ``zones[provider]`` (case
    and a leading "www." ignored), else ``zones["default"]``, else UTC."""
    key = (provider or "").strip().lower().removeprefix("www.")
    lowered = {k.strip().lower().removeprefix("www."): v for k, v in zones.items()}
    return lowered.get(key) or lowered.get("default") or "UTC"


def with_zone(article: Article, zones: Mapping[str, str]) -> Article:
    """Every timestamp with an offset: zone-less ones read in the provider's zone (and
    ``zone_assumed`` says which), ISO 8601 basic ones written out extended."""
    changes: dict[str, Any] = {}
    assumed = None
    for name in _DATE_FIELDS:
        value = getattr(article, name)
        if value is None:
            continue
        parsed = datetime.fromisoformat(value)
        if parsed.tzinfo is None:
            assumed = zone_for(article.provider, zones)
            changes[name] = parsed.replace(tzinfo=_zone(assumed)).isoformat()
        elif "-" not in value[:8]:  # basic format: 20240131T123000Z
            changes[name] = parsed.isoformat()
    if assumed:
        changes["zone_assumed"] = assumed
    return dataclasses.replace(article, **changes) if changes else article


_PLACEHOLDER_DATE = re.compile(r"YYYY|MMDD|HHMM|hh:?mm", re.IGNORECASE)


def sent_date(value: Any, field: str, *, guards_release: bool = False) -> str | None:
    """``iso_date`` for XML formats, where editing systems leave template placeholders
    ("YYYYMMDD000000-HHMM") in date fields: a placeholder is no date (None). A date that
    holds back a release (an embargo) is never guessed away: unreadable, it rejects."""
    text = opt_str(value, field)
    if text and _PLACEHOLDER_DATE.search(text):
        return None
    if not guards_release and text:
        try:
            datetime.fromisoformat(text)
        except ValueError:
            return None
    return iso_date(text, field)


def urgency(value: Any, field: str) -> int | None:
    if value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # ninjs 1.x declares it "number"
    if isinstance(value, bool) or not isinstance(value, int):
        reject("invalid_field", f"{field}: expected an integer, got {type_name(value)}")
    if not 0 <= value <= 9:
        reject("invalid_field", f"{field}: {value} is outside 0..9")
    return value


def language(value: Any, field: str) -> str | None:
    text = opt_str(value, field)
    if text is None or not text.strip():
        return None
    text = text.strip()
    if len(text) > 35 or not _LANGUAGE.fullmatch(text):
        reject("invalid_field", f"{field}: {text[:40]!r} is not a language tag")
    return text


def str_items(value: Any, field: str) -> list[str]:
    """An array of strings (e.g. native ``signals``)."""
    items = opt_list(value, field)
    for index, item in enumerate(items):
        if not isinstance(item, str):
            reject("invalid_field", f"{field}[{index}]: expected a string, got {type_name(item)}")
    return items


def drop_repeated_headline(body: str, headline: str) -> str:
    """The body without a first line that only repeats the headline."""
    first, _, rest = body.partition("\n")
    if rest and headline and clean_line(first) == clean_line(headline):
        return rest
    return body


def _short(value: str | None) -> str | None:
    if value is None:
        return None
    return clean_line(value) or None


def _unique(values: Iterable[str], *, multiline: bool = False) -> tuple[str, ...]:
    seen: dict[str, None] = {}
    for value in values:
        cleaned = clean_text(value) if multiline else clean_line(value)
        if cleaned:
            seen.setdefault(cleaned)
    return tuple(seen)


def check_text_limits(body: str, max_body_chars: int, **fields: str | list[str] | None
                      ) -> None:
    """Refuse, before any clean-up, a body far over the limit (``too_large``: clean-up
    only ever shrinks text this much) and a run of combining marks that would make
    Unicode normalisation quadratic in any field (``too_complex``)."""
    if len(body) > 2 * max_body_chars:
        reject("too_large", f"body has {len(body)} characters before clean-up "
               f"(limit {max_body_chars})")
    values: list[tuple[str, str | None]] = [("body", body)]
    for name, value in fields.items():
        values.extend((name, v) for v in (value if isinstance(value, list) else [value]))
    for field_name, value in values:
        if value and has_long_combining_run(value, MAX_COMBINING_RUN):
            reject("too_complex", f"{field_name}: more than {MAX_COMBINING_RUN} combining "
                   "marks in a row")


def build_article(
    *,
    id: str,
    version: int,
    source_format: str,
    headline: str,
    body: str,
    max_body_chars: int,
    provider: str | None = None,
    language: str | None = None,
    pub_status: str = "usable",
    signals: Iterable[str] = (),
    version_created: str | None = None,
    first_created: str | None = None,
    embargoed_until: str | None = None,
    byline: str | None = None,
    dateline: str | None = None,
    urgency: int | None = None,
    ednotes: Iterable[str] = (),
    zone_assumed: str | None = None,
) -> Article:
    """Clean the text fields and apply the rules common to all formats.

    ``headline`` and ``body`` are plain text here (parsers convert markup first). The
    limits come before the clean-up, whose cost they bound: a body far over the
    character limit is refused unread, and a run of combining marks that would make
    Unicode normalisation quadratic is ``too_complex``.
    """
    ednotes = list(ednotes)
    check_text_limits(body, max_body_chars, headline=headline, byline=byline,
                      dateline=dateline, provider=provider, ednotes=ednotes)
    clean_headline = clean_line(headline)
    clean_body = clean_text(body)
    if len(clean_body) > max_body_chars:
        reject("too_large", f"body has {len(clean_body)} characters (limit {max_body_chars})")
    # A kill (canceled) may legitimately carry no text; anything else without article
    # text (photo/audio/video items, event stubs, "..." placeholders) is not an article.
    if not has_text(clean_body):
        if pub_status != "canceled":
            reject("empty_body", "no article text" + ("" if has_text(clean_headline)
                                                      else " and no headline"))
        clean_body = ""
    return Article(
        id=id,
        version=version,
        source_format=source_format,
        headline=clean_headline,
        body=clean_body,
        provider=_short(provider),
        language=language,
        pub_status=pub_status,
        signals=_unique(signals),
        version_created=version_created,
        first_created=first_created,
        embargoed_until=embargoed_until,
        byline=_short(byline),
        dateline=_short(dateline),
        urgency=urgency,
        ednotes=_unique(ednotes, multiline=True),
        zone_assumed=zone_assumed,
    )
