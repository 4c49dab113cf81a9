"""Plain text from wire markup: HTML/XHTML/NITF to text, and text clean-up.

Both functions are total: any ``str`` in, a ``str`` out, no exceptions. Bodies come
from untrusted feeds, so the HTML path uses the forgiving ``html.parser`` and guards
against its two weak spots (assertions on bogus ``<![...`` declarations, quadratic
rescanning of unterminated markup at end of input).
"""

from __future__ import annotations

import contextlib
import functools
import html
import re
import unicodedata
from html.parser import HTMLParser

import ftfy

__all__ = ["clean_line", "clean_text", "has_long_combining_run", "html_to_text",
           "is_hard_wrapped", "unwrap_hard_lines"]

# Elements that start a new line: HTML block elements plus the NITF ones that carry
# text (hedline, byline, dateline, block ...), so paragraphs survive as "\n".
_BLOCK_TAGS = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form",
    "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p",
    "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
    # NITF 3.x
    "abstract", "block", "bibliography", "body.content", "body.end", "body.head",
    "byline", "dateline", "distributor", "hedline", "hl1", "hl2", "media", "media-caption",
    "nitf-table", "note", "series", "tagline",
})
# Content that is never article text. ``head`` covers XHTML <title>/<meta> and the
# NITF <head> (docdata, tobject ...).
_SKIP_TAGS = frozenset({"head", "script", "style", "template", "noscript", "title"})
_CELL_TAGS = frozenset({"td", "th"})
_ROW_TAGS = frozenset({"tr"})
CELL_SEPARATOR = " | "
# Pseudo-tags some agencies' editors leave in HTML bodies for typographic dashes.
_DASH_TAGS = {"endash": "\u2013", "emdash": "\u2014", "ndash": "\u2013", "mdash": "\u2014"}
# ... also wrapped around the hyphen they replace: "<endash>-</endash>".
_DASH_ELEMENT = re.compile(r"<(endash|emdash|ndash|mdash)\s*>[^<]{0,8}</\1\s*>",
                           re.IGNORECASE)

# [^<>] keeps the scan linear even over "<a<a<a..." without any ">".
_HUGE_TAG = re.compile(r"<([A-Za-z][\w.:-]{0,63})\s[^<>]{4096,}>")
_SPACE_RUN = re.compile(r"[^\S\n]+")  # whitespace except newline
_ANY_SPACE_RUN = re.compile(r"\s+")
# Zero-width characters with no meaning in running text. ZWJ/ZWNJ (U+200D/U+200C) are
# kept on purpose: they are orthographic in Persian/Indic scripts and join emoji.
_INVISIBLE = dict.fromkeys(map(ord, "\u00ad\u200b\u2060\ufeff\u180e"), None)
# Control characters (C0 but tab and line breaks, DEL, C1) and the bidi embedding,
# override and isolate controls, which can reorder what a reader sees (a headline that
# displays differently from what it says). LRM/RLM/ALM marks stay: RTL text needs them.
_UNSAFE = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0x7F, 0xA0),
     *range(0x202A, 0x202F), *range(0x2066, 0x206A)], None)
_STRIPPED = _INVISIBLE | _UNSAFE
# ftfy fixes mojibake line by line; past this many lines its per-line cost dominates,
# so the whole text is fixed in one pass instead.
_FTFY_MAX_LINES = 5000
_SURROGATES = re.compile("[\ud800-\udfff]")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip: list[str] = []  # open skipped elements, innermost last
        self._skip_open: dict[str, int] = {}  # how many of each are on the stack
        self._pre = 0
        self._cells: list[int] = []  # cells seen in each open table row, innermost last

    # -- tags ---------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _SKIP_TAGS:
            self._skip.append(tag)
            self._skip_open[tag] = self._skip_open.get(tag, 0) + 1
            return
        if tag in ("body", "body.content") and self._skip_open.get("head"):
            # An unclosed <head> ends where the body starts, as in browsers.
            self._skip.clear()
            self._skip_open.clear()
        if tag == "pre":
            self._pre += 1
        if tag in _DASH_TAGS and not self._skip:
            self.parts.append(_DASH_TAGS[tag])
            return
        self._boundary(tag, start=True)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _DASH_TAGS and not self._skip:
            self.parts.append(_DASH_TAGS[tag])
        elif tag not in _SKIP_TAGS:  # <p/>, <br/>: a boundary, nothing to skip
            self._boundary(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_TAGS:
            if self._skip_open.get(tag):
                # Close up to the matching element; tolerates mis-nesting. Each element
                # is popped once, so this is linear over the document.
                while self._skip:
                    closed = self._skip.pop()
                    self._skip_open[closed] -= 1
                    if closed == tag:
                        break
            return
        if tag == "pre" and self._pre:
            self._pre -= 1
        self._boundary(tag, start=False)

    def _boundary(self, tag: str, *, start: bool = True) -> None:
        if self._skip or tag not in _BLOCK_TAGS:
            return
        if tag in _ROW_TAGS:
            if start:
                self._cells.append(0)
            elif self._cells:
                self._cells.pop()
            self.parts.append("\n")
        elif tag in _CELL_TAGS:
            # Cells of a row on one line, separated, so a table stays readable as rows.
            if start and self._cells:
                if self._cells[-1]:
                    self.parts.append(CELL_SEPARATOR)
                self._cells[-1] += 1
            else:
                self.parts.append(" ")
        elif self._cells and self._cells[-1]:
            self.parts.append(" ")  # a paragraph inside a cell stays in its row
        else:
            self.parts.append("\n")

    # -- text ---------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self._skip:
            return
        if self._pre or is_hard_wrapped(data):
            self.parts.append("\n" + unwrap_hard_lines(data) + "\n")
        else:
            self.parts.append(_ANY_SPACE_RUN.sub(" ", data))

    def unknown_decl(self, data: str) -> None:
        # <![CDATA[...]]> in XHTML/NITF is character data.
        if data.upper().startswith("CDATA[") and not self._skip:
            self.handle_data(data[6:])

    # -- robustness ---------------------------------------------------------
    def parse_html_declaration(self, i: int) -> int:
        try:
            return super().parse_html_declaration(i)
        except AssertionError:
            # _markupbase asserts on bogus "<![foo[" sections; skip them like a browser.
            end = self.rawdata.find(">", i + 2)
            return end + 1 if end >= 0 else len(self.rawdata)

    def close(self) -> None:
        # feed() leaves only an unterminated construct (tag, comment, script) or a
        # possibly cut character reference in the buffer. html.parser's own close()
        # rescans that tail once per character (minutes on "<a<a<a..." of 100 kB), so
        # finish it here in linear time: markup at EOF is dropped (as browsers do),
        # trailing text is kept.
        rest, self.rawdata = self.rawdata, ""
        if rest and not rest.startswith("<") and not self.cdata_elem:
            self.handle_data(html.unescape(rest))
        super().close()


def html_to_text(markup: str) -> str:
    """Text of an HTML/XHTML/NITF fragment or document, paragraphs separated by "\\n".

    Entities are decoded; script/style/head content is dropped; whitespace inside a
    paragraph collapses to single spaces. Never raises.
    """
    if not markup:
        return ""
    parser = _TextExtractor()
    # A start tag of thousands of attributes costs html.parser a tuple per attribute
    # (260 MB for one 2 MB tag); attributes carry no text, so such a tag loses them.
    markup = _HUGE_TAG.sub(r"<\1>", markup)
    if "dash" in markup:
        markup = _DASH_ELEMENT.sub(lambda m: _DASH_TAGS[m.group(1).lower()], markup)
    try:
        parser.feed(markup)
        parser.close()
        raw = "".join(parser.parts)
    except Exception:  # last resort: a body must never crash ingest
        raw = html.unescape(markup)
    return _tidy_lines(raw)


def _tidy_lines(text: str) -> str:
    lines = (_SPACE_RUN.sub(" ", line).strip() for line in text.split("\n"))
    return "\n".join(line for line in lines if line)


def clean_text(text: str) -> str:
    """Normalise plain text: fix mojibake, drop soft hyphens and zero-width characters,
    NFC, collapse runs of spaces, drop empty lines, strip. Idempotent; never raises."""
    if not text:
        return ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Quotes and character widths stay as the provider wrote them (uncurling quotes or
    # narrowing CJK punctuation would alter the text, not repair it); HTML entities are
    # the html path's job, not a guess here. ftfy is a repair step, never a gate.
    # ASCII cannot be mojibake, and is_bad is one linear regex pass: ftfy's line-by-line
    # repair runs only on text that needs it.
    if not text.isascii():
        with contextlib.suppress(Exception):
            if ftfy.badness.is_bad(text):
                text = _fix_mojibake(text)
    # Lone surrogates (from JSON "\\ud800" escapes) cannot be encoded as UTF-8 later.
    text = _SURROGATES.sub("\ufffd", text)
    text = unicodedata.normalize("NFC", text.translate(_STRIPPED))
    return _tidy_lines(text.replace("\u2028", "\n").replace("\u2029", "\n"))


def _fix_mojibake(text: str) -> str:
    if text.count("\n") > _FTFY_MAX_LINES:
        return ftfy.fix_encoding(text)
    return ftfy.fix_text(text, uncurl_quotes=False, fix_character_width=False,
                         unescape_html=False, normalization="NFC")


@functools.cache
def _combining_run_pattern(limit: int) -> re.Pattern[str]:
    marks = [chr(code) for code in range(0x300, 0x110000) if unicodedata.combining(chr(code))]
    ranges = []
    start = previous = ord(marks[0])
    for mark in marks[1:]:
        code = ord(mark)
        if code != previous + 1:
            ranges.append((start, previous))
            start = code
        previous = code
    ranges.append((start, previous))
    members = "".join(f"\\U{a:08x}-\\U{b:08x}" if a != b else f"\\U{a:08x}"
                      for a, b in ranges)
    return re.compile(f"[{members}]{{{limit + 1},}}")


def has_long_combining_run(text: str, limit: int) -> bool:
    """True when ``text`` has more than ``limit`` combining marks in a row. Unicode
    normalisation sorts such a run by insertion (quadratic), so the check comes first;
    real scripts stack a handful (Vietnamese 2, pointed Hebrew 4-5)."""
    return _combining_run_pattern(limit).search(text) is not None


_WRAP_MIN_CHARS = 50
_WRAP_MAX_CHARS = 80
_INDENTED = re.compile(r"[ \t]{2,}\S")


def _wrapped_with_indents(lines: list[str]) -> bool:
    """Wire copy cut at a fixed width whose paragraphs start with an indent (ANSA, PA):
    every line fits the width, the typical line nearly fills it, some are indented."""
    content = [line.rstrip() for line in lines if line.strip()]
    if len(content) < 3:
        return False
    lengths = sorted(len(line) for line in content)
    return (lengths[-1] <= _WRAP_MAX_CHARS and lengths[len(lengths) // 2] >= 40
            and any(_INDENTED.match(line) for line in content[1:]))


def is_hard_wrapped(text: str) -> bool:
    """A run of text cut at a fixed width with indented paragraph starts (Reuters sends
    a whole story like that inside one <p>): its line breaks carry the paragraphs."""
    return "\n" in text and _wrapped_with_indents(text.split("\n"))


def unwrap_hard_lines(text: str) -> str:
    """Join the lines of hard-wrapped wire copy (cut at ~70 columns) so that no sentence,
    list or name ("Angelino\nAlfano") is broken across lines. Where paragraphs start
    with an indent, every other line continues the one before. Otherwise a line joins
    the next when it ends with a comma, or when it is long, ends without closing
    punctuation and the next line starts in lower case; short lines (titles, table rows)
    stay as they are."""
    lines = text.split("\n")
    by_indent = _wrapped_with_indents(lines)
    out: list[str] = []
    for line in lines:
        if out:
            previous = out[-1].rstrip()
            nxt = line.lstrip()
            if by_indent:
                joins = bool(previous.strip()) and bool(nxt) and not _INDENTED.match(line)
            else:
                joins = bool(previous) and bool(nxt) and (previous.endswith(",") or (
                    len(previous) >= _WRAP_MIN_CHARS and previous[-1] not in ".!?:;\"'”»)"
                    and nxt[0].islower()))
            if joins:
                out[-1] = previous + " " + nxt
                continue
        out.append(line)
    return "\n".join(out)


def clean_line(text: str) -> str:
    """``clean_text`` for one-line fields (headline, byline, dateline): no line breaks."""
    return clean_text(text).replace("\n", " ")
