"""Event dates from the sentence, resolved against the article's publication time.

Rules (documented, deterministic):
- weekday ("on Wednesday", "am Mittwoch", "Mittwochabend") → the most recent such day
  on or before the publication date (the publication day itself when it matches);
- "yesterday/gestern" → publication day - 1, "vorgestern/the day before yesterday" - 2,
  "today/heute/tonight/this morning" → publication day, "last night/overnight/in der
  Nacht" → publication day - 1; all with precision ``day``;
- explicit dates "January 14, 2014", "14 January", "14. Januar 2014", "15.05.2016",
  "2014-01-14" → day; a date without a year takes the publication year, or the year
  before when that would put it more than a week after publication;
- "March 2001", "im März 2001", "last April", "April letzten Jahres" → month;
- "in 2015", "im Jahr 2015", "last year/letzten Jahres/vergangenes Jahr" → year.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from typing import Any

from wirestream.processors.lang import PROFILES

# Month and weekday words of every language with a profile (processors/lang/), merged:
# a date is found in a sentence without knowing its language.
_WEEKDAYS: dict[str, int] = {w: d for p in PROFILES.values() for w, d in p.weekdays.items()}
_MONTHS: dict[str, int] = {w: m for p in PROFILES.values() for w, m in p.months.items()}
_MONTH_RE = "|".join(sorted((re.escape(m) for m in _MONTHS), key=len, reverse=True))
_WD_RE = "|".join(_WEEKDAYS)
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("iso", re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")),
    ("dmy_num", re.compile(r"\b(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})\b")),
    ("mdy", re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+(\d{{4}}))?\b",
                       re.I)),
    ("dmy", re.compile(rf"\b(\d{{1,2}})(?:\.|st|nd|rd|th)?\s+(?:of\s+)?({_MONTH_RE})\.?"
                       rf"(?:,?\s+(\d{{4}}))?\b", re.I)),
    ("rel_month", re.compile(rf"\b(?:last|(?:im\s+)?(?:vergangenen|letzten))\s+({_MONTH_RE})\b"
                             rf"|\b({_MONTH_RE})\s+(?:letzten|vergangenen)\s+Jahres\b", re.I)),
    ("month_year", re.compile(rf"\b({_MONTH_RE})\.?\s+(\d{{4}})\b", re.I)),
    ("before_yesterday", re.compile(r"\bvorgestern|the day before yesterday\b", re.I)),
    ("yesterday", re.compile(r"\b(yesterday|gestern\w*)\b", re.I)),
    ("last_night", re.compile(r"\b(last night|overnight|in der Nacht(?! zu)|vergangene Nacht)\b",
                              re.I)),
    ("today", re.compile(r"\b(today|tonight|this morning|this afternoon|this evening|heute\w*)\b",
                         re.I)),
    ("weekday", re.compile(rf"\b({_WD_RE})(?:s)?(?:abend|morgen|nachmittag|vormittag|nacht|mittag)?"
                           r"\b", re.I)),
    ("last_year", re.compile(r"\b(last year|letzten Jahres|vergangenen Jahres|vergangenes Jahr|"
                             r"im vergangenen Jahr|letztes Jahr|im letzten Jahr|"
                             r"des Vorjahres|im Vorjahr)\b", re.I)),
    ("year", re.compile(r"\b(?:in|im Jahr|im Jahre|since|seit|until|bis|of|from|von|during|"
                        r"early|late|Anfang|Ende|Mitte)\s+((?:19|20)\d{2})\b", re.I)),
    ("ago", re.compile(r"\b(?:(\w+)\s+(years?|months?|weeks?)\s+ago|vor\s+(\w+)\s+"
                       r"(Jahren|Monaten|Wochen))\b", re.I)),
]
_SMALL: dict[str, int] = {w: n for p in PROFILES.values() for w, n in p.date_numbers.items()}


def parse_published(published_at: str | None) -> date | None:
    if not published_at:
        return None
    try:
        return datetime.fromisoformat(published_at.replace("Z", "+00:00")).date()
    except ValueError:
        try:
            return date.fromisoformat(published_at[:10])
        except ValueError:
            return None


def _day(value: date, text: str, start: int) -> dict[str, Any]:
    return {"value": value.isoformat(), "precision": "day", "text": text, "offset": start}


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _fix_year(candidate: date | None, pub: date) -> date | None:
    if candidate is not None and candidate > pub + timedelta(days=7):
        return _safe_date(candidate.year - 1, candidate.month, candidate.day)
    return candidate


def find_date(text: str, pub: date | None) -> dict[str, Any] | None:
    """The first date expression in ``text`` resolved to {value, precision, text, offset}.

    Without a publication date only absolute expressions resolve.
    """
    possible = _possible(text)
    if not possible:
        return None  # most sentences carry no date: a few cheap checks instead of 14 scans
    best: tuple[int, dict[str, Any]] | None = None
    for name, pattern in _PATTERNS:
        if name not in possible:
            continue
        for m in pattern.finditer(text):
            resolved = _resolve(name, m, pub)
            if resolved is not None:
                if best is None or m.start() < best[0]:
                    best = (m.start(), resolved)
                break
    return best[1] if best else None


_DIGIT_RE = re.compile(r"\d")
_LETTERS_RE = re.compile(r"[^\W\d_]+")
_MONTH_WORDS = frozenset(_MONTHS)
_WEEKDAY_NAMES = tuple(_WEEKDAYS)


def _has_month(low: str) -> bool:
    return not _MONTH_WORDS.isdisjoint(_LETTERS_RE.findall(low))


def _possible(text: str) -> set[str]:
    """Patterns that can match at all: each needs a digit, a month name (a whole word in
    every pattern), a weekday name, or one of a few words. Checking those first skips
    most of the fourteen scans; what is found does not change."""
    low = text.lower()
    out: set[str] = set()
    if "gestern" in low or "yesterday" in low:
        out.add("yesterday")
        out.add("before_yesterday")
    if "night" in low or "nacht" in low:
        out.add("last_night")
    if "today" in low or "tonight" in low or "this " in low or "heute" in low:
        out.add("today")
    if "year" in low or "jahr" in low:
        out.add("last_year")
    if "ago" in low or "vor" in low:
        out.add("ago")
    month: bool | None = None
    if _DIGIT_RE.search(text) is not None:
        out |= {"iso", "dmy_num", "year"}
        month = _has_month(low)
        if month:
            out |= {"mdy", "dmy", "month_year"}
    if "last" in low or "letzten" in low or "vergangenen" in low:
        if month is None:
            month = _has_month(low)
        if month:
            out.add("rel_month")
    if any(name in low for name in _WEEKDAY_NAMES):
        out.add("weekday")
    return out


def _resolve(name: str, m: re.Match[str], pub: date | None) -> dict[str, Any] | None:
    text, start = m.group(0), m.start()
    if name == "iso":
        d = _safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        return _day(d, text, start) if d else None
    if name == "dmy_num":
        year = int(m.group(3))
        year = year + 2000 if year < 100 else year
        d = _safe_date(year, int(m.group(2)), int(m.group(1)))
        return _day(d, text, start) if d else None
    if name in ("mdy", "dmy"):
        if name == "mdy":
            month, day_s, year_s = _MONTHS[m.group(1).lower()], m.group(2), m.group(3)
        else:
            day_s, month, year_s = m.group(1), _MONTHS[m.group(2).lower()], m.group(3)
        if name == "mdy" and m.group(1).lower() == "may" and not year_s:
            return None  # "may 5" is too often the modal verb
        if year_s:
            d = _safe_date(int(year_s), month, int(day_s))
        elif pub is not None:
            d = _fix_year(_safe_date(pub.year, month, int(day_s)), pub)
        else:
            return None
        return _day(d, text, start) if d else None
    if name == "month_year":
        month = _MONTHS[m.group(1).lower()]
        if m.group(1).lower() == "may" and m.group(1) == "may":
            return None
        return {"value": f"{int(m.group(2)):04d}-{month:02d}-01", "precision": "month",
                "text": text, "offset": start}
    if pub is None:
        if name == "year":
            return {"value": f"{int(m.group(1)):04d}-01-01", "precision": "year",
                    "text": text, "offset": start}
        return None
    if name == "rel_month":
        month = _MONTHS[(m.group(1) or m.group(2)).lower()]
        year = pub.year - 1 if (m.group(2) or month >= pub.month) else pub.year
        return {"value": f"{year:04d}-{month:02d}-01", "precision": "month", "text": text,
                "offset": start}
    if name == "before_yesterday":
        return _day(pub - timedelta(days=2), text, start)
    if name in ("yesterday", "last_night"):
        return _day(pub - timedelta(days=1), text, start)
    if name == "today":
        return _day(pub, text, start)
    if name == "weekday":
        word = m.group(1).lower()
        back = (pub.weekday() - _WEEKDAYS[word]) % 7
        return _day(pub - timedelta(days=back), text, start)
    if name == "last_year":
        return {"value": f"{pub.year - 1:04d}-01-01", "precision": "year", "text": text,
                "offset": start}
    if name == "year":
        return {"value": f"{int(m.group(1)):04d}-01-01", "precision": "year", "text": text,
                "offset": start}
    if name == "ago":
        amount = _SMALL.get((m.group(1) or m.group(3) or "").lower())
        unit = (m.group(2) or m.group(4) or "").lower()
        if amount is None:
            return None
        if unit.startswith(("year", "jahr")):
            return {"value": f"{pub.year - amount:04d}-01-01", "precision": "year",
                    "text": text, "offset": start}
        if unit.startswith(("month", "monat")):
            month_index = pub.year * 12 + pub.month - 1 - amount
            return {"value": f"{month_index // 12:04d}-{month_index % 12 + 1:02d}-01",
                    "precision": "month", "text": text, "offset": start}
        return _day(pub - timedelta(weeks=amount), text, start)
    return None


def is_past_background(found: dict[str, Any] | None, pub: date | None) -> bool:
    """A date well before publication marks an event mentioned in passing."""
    if found is None or pub is None:
        return False
    value = date.fromisoformat(found["value"])
    if found["precision"] == "year":
        return value.year < pub.year
    if found["precision"] == "month":
        return (pub.year * 12 + pub.month) - (value.year * 12 + value.month) >= 2
    return (pub - value).days > 31
