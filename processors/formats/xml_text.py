"""Text out of parsed XML (NITF, XHTML inside NewsML, NewsML 1.x), in one linear walk.

The walk reads the tree as it is: no re-serialisation (which copies every namespace
declaration into each subtree) and no tree surgery (which concatenates tails into one
growing string). Block elements give line breaks, table rows give lines of cells
separated by " | ", ``pre`` keeps its spacing, and elements a format leaves out (photo
figures, side boxes) are skipped with their subtree. Text that is itself HTML (a body
sent as CDATA) goes through ``html_to_text``. Entity references that an ignored external
DTD would define (``&nbsp;``, ``&mdash;``) become their HTML characters.
"""

from __future__ import annotations

import html.entities
import re
from collections.abc import Callable, Iterator

from lxml import etree

from wirestream.processors.text import (
    CELL_SEPARATOR,
    html_to_text,
    is_hard_wrapped,
    unwrap_hard_lines,
)

__all__ = ["child", "entity_text", "inline_text", "local", "path", "story_text"]

_BLOCK = frozenset({
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "div", "dl",
    "dt", "figcaption", "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header",
    "hr", "li", "main", "ol", "p", "pre", "section", "table", "tbody", "tfoot", "thead",
    "ul",
    # TT's NITF dialect (upper case in the source; names are compared in lower case)
    "text", "rubrik", "ingress", "brodtext", "citat", "mellanrubrik", "fakta",
    # NITF 3.x
    "abstract", "block", "body.content", "byline", "dateline", "hedline", "hl1", "hl2",
    "media-caption", "nitf-table", "note", "tagline",
})
_SKIPPED = frozenset({"head", "script", "style", "template", "noscript", "title",
                      "bildtext"})  # TT's photo caption
_ROW = "tr"
_CELLS = frozenset({"td", "th"})
_SPACES = re.compile(r"\s+")
_SPACE_BEFORE_PUNCTUATION = re.compile(r" ([,.;:!?)])")
# Text that is HTML rather than prose: a tag or an entity (CDATA bodies, double escaping).
_MARKUP = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9.:_-]*[\s/>]|/[A-Za-z])"
    r"|&(?:[A-Za-z][A-Za-z0-9]{1,31}|#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6});"
)


def local(element: object) -> str:
    """Local name of an element ("" for entities, comments, PIs)."""
    tag = getattr(element, "tag", None)
    if not isinstance(tag, str):
        return ""
    return tag.rsplit("}", 1)[-1]


def child(parent: etree._Element | None, name: str) -> etree._Element | None:
    """The first child element called ``name`` (any namespace), or None."""
    if parent is None:
        return None
    return next((e for e in parent if local(e) == name), None)


def path(parent: etree._Element | None, *names: str) -> etree._Element | None:
    """``child`` step by step: ``path(nitf, "head", "docdata")``."""
    for name in names:
        parent = child(parent, name)
    return parent


def entity_text(node: etree._Entity) -> str:
    """The character an HTML/NITF entity reference stands for; unknown ones are dropped."""
    name = node.name or ""
    return html.entities.html5.get(name + ";", html.entities.html5.get(name, ""))


def _pieces(element: etree._Element) -> Iterator[tuple[str, bool]]:
    """(text, False) for each text of an element's content in document order, and
    ("", True) where a child element starts."""
    if element.text:
        yield element.text, False
    stack: list[tuple[etree._Element, Iterator[etree._Element]]] = [(element, iter(element))]
    while stack:
        child = next(stack[-1][1], None)
        if child is None:
            done, _ = stack.pop()
            if stack and done.tail:
                yield done.tail, False
            continue
        if isinstance(child, etree._Entity):
            yield entity_text(child), False
        elif isinstance(child.tag, str):
            yield "", True
            if child.text:
                yield child.text, False
            stack.append((child, iter(child)))
            continue
        if child.tail:
            yield child.tail, False


def inline_text(element: etree._Element | None, *, spaced: bool = False) -> str | None:
    """All text inside an element, whitespace collapsed, or None when absent or blank.

    ``spaced`` separates the texts of child elements that touch without whitespace
    (``<byline><person>A. Writer</person><byttl>Reporter</byttl></byline>``) and drops
    the space that leaves before punctuation; headlines keep inline markup joined.
    """
    if element is None:
        return None
    parts: list[str] = []
    for text, boundary in _pieces(element):
        if boundary:
            if spaced:
                parts.append(" ")
            continue
        parts.append(text)
    joined = _SPACES.sub(" ", "".join(parts)).strip()
    if spaced:
        joined = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", joined)
    return joined or None


def story_text(root: etree._Element,
               dropped: Callable[[etree._Element], bool] = lambda _e: False) -> str:
    """Paragraphs of story text under ``root``, one per line; subtrees for which
    ``dropped`` is true, and head/script/style/title, are left out."""
    out: list[str] = []
    cells: list[int] = []  # cells seen in each open row, innermost last
    pre = 0

    def data(text: str) -> None:
        if pre or is_hard_wrapped(text):
            out.append("\n" + unwrap_hard_lines(text) + "\n")
        elif _MARKUP.search(text):
            out.append("\n" + html_to_text(text) + "\n")
        else:
            out.append(_SPACES.sub(" ", text))

    def boundary(name: str, start: bool) -> None:
        if name == _ROW:
            if start:
                cells.append(0)
            elif cells:
                cells.pop()
            out.append("\n")
        elif name in _CELLS:
            if start and cells:
                if cells[-1]:
                    out.append(CELL_SEPARATOR)
                cells[-1] += 1
            else:
                out.append(" ")
        elif name in _BLOCK or name.lower() in _BLOCK:
            out.append(" " if cells and cells[-1] else "\n")

    stack: list[tuple[etree._Element, Iterator[etree._Element]]] = []

    def enter(element: etree._Element) -> None:
        nonlocal pre
        name = local(element)
        if name == "pre":
            pre += 1
        boundary(name, True)
        if element.text:
            data(element.text)
        stack.append((element, iter(element)))

    enter(root)
    while stack:
        element, children = stack[-1]
        child = next(children, None)
        if child is None:
            stack.pop()
            name = local(element)
            boundary(name, False)
            if name == "pre":
                pre -= 1
            if stack and element.tail:
                data(element.tail)
            continue
        if isinstance(child, etree._Entity):
            out.append(entity_text(child))
        elif not isinstance(child.tag, str):
            pass  # comment or PI (the parser removes them; kept for safety)
        elif local(child).lower() not in _SKIPPED and not dropped(child):
            enter(child)
            continue
        if child.tail:
            data(child.tail)
    lines = (_SPACES.sub(" ", line).strip() for line in "".join(out).split("\n"))
    return "\n".join(line for line in lines if line)
