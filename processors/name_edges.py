"""Name edges: the part of the news-name layer that cleans the spans a pipeline found.

A statistical model's span is sometimes more than the name. English pipelines trained
on OntoNotes take the article in ("the Gulf of Mexico", "the U.S. Department of
Housing"), and now and then a possessive ending ("New York 's main contract": cut when
a word that is not a function word follows, as "Wendy 's" ends a shop's name) or a
stray quote or dash from the text around it; the name, as a reader would look it up and as gold data
(Universal NER, CoNLL) marks it, has none of them. And on web and mail text a model
sometimes calls an address or a run of symbols a name ("kent@example.com",
"\\\\ //"): no name is made only of those.

``trim_names`` runs last in the layer. It takes the language's articles (lower case
only: "The" may begin a name, "The Hague") and possessive endings from the language
profile, so other languages keep their spans as their pipelines made them, except for
what holds in every language: quotes, dashes and separators at either edge are cut
(not "!", "Yahoo !", nor the "." after an initial, "Susanne R ."; the sentence's full stop
after a word, "RIA .", is cut), and a span without a letter, or with an
e-mail address or a URL with its scheme in it, is no name (a bare domain may be one).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from wirestream.processors.lang import profile

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

TRIM_PIPE_NAME = "news_names_trim"


# Punctuation that never ends or begins a name: quotes, dashes, separators. Not "." (the
# initial in "Susanne R ."), "!" ("Yahoo !") or brackets that the name closes.
EDGE_PUNCT = frozenset('"\'`‘’‚‛“”„‟«»‹›-–—―:;,/|*•·')
_OPENERS, _CLOSERS = "([{", ")]}"


def _is_edge_punct(token: Token, at_start: bool) -> bool:
    text = token.text
    if text and all(ch in EDGE_PUNCT for ch in text):
        return True
    # An opening bracket at the end or a closing one at the start holds nothing of the name.
    return len(text) == 1 and text in (_CLOSERS if at_start else _OPENERS)


def _is_address(token: Token) -> bool:
    """An e-mail address or a URL with its scheme; a bare domain ("stern.de") may be a
    name, as GermEval marks it."""
    lower = token.lower_
    return token.like_email or lower.startswith(("http://", "https://", "ftp://"))


def _possessed(doc: Doc, end: int) -> bool:
    """A word that is not a function word follows: "New York 's main contract" is a
    possessive; "dinner at Wendy 's ." and "going to Del Frisco 's for dinner" name a
    shop that ends in 's."""
    after = doc[end] if end < len(doc) else None
    return after is not None and after.is_alpha and not after.is_stop


_ROMAN = frozenset("IVXLCDM")


def _full_stop(doc: Doc, start: int, end: int) -> bool:
    """The sentence's full stop taken into the span ("RIA ."), where the word before it
    is no initial and no Roman ordinal: "Susanne R ." and "Johannes Paul II ." keep it."""
    last, before = doc[end - 1], doc[end - 2] if end - 2 >= start else None
    return (last.text == "." and before is not None and len(before.text) > 1
            and before.is_alpha and not set(before.text) <= _ROMAN)


def name_bounds(ent: Span, articles: frozenset[str], possessives: frozenset[str]
                ) -> tuple[int, int] | None:
    """Token bounds of the name in ``ent``, or None when it holds no name."""
    doc = ent.doc
    start, end = ent.start, ent.end
    while start < end and (_is_edge_punct(doc[start], True) or doc[start].text in articles):
        start += 1
    while end > start and (_is_edge_punct(doc[end - 1], False)
                           or (doc[end - 1].text in possessives and _possessed(doc, end))
                           or _full_stop(doc, start, end)):
        end -= 1
    tokens = doc[start:end]
    if not any(ch.isalpha() for ch in tokens.text):
        return None
    if any(_is_address(t) for t in tokens):
        return None
    return start, end


def trim_names(doc: Doc) -> Doc:
    """Cut what is not the name off each entity span; drop spans that hold none."""
    from spacy.tokens import Span

    found = profile(doc.lang_)
    articles = found.name_articles if found else frozenset()
    possessives = found.possessive_endings if found else frozenset()
    kept: list[Span] = []
    changed = False
    for ent in doc.ents:
        bounds = name_bounds(ent, articles, possessives)
        if bounds is None:
            changed = True
            continue
        if bounds != (ent.start, ent.end):
            changed = True
            ent = Span(doc, bounds[0], bounds[1], label=ent.label, kb_id=ent.kb_id,
                       span_id=ent.id)
        kept.append(ent)
    if changed:
        doc.set_ents(kept, default="outside")
    return doc


def register_trim() -> None:
    """Register the component on first use: importing this module does not import spaCy."""
    from spacy.language import Language

    if not Language.has_factory(TRIM_PIPE_NAME):
        Language.component(TRIM_PIPE_NAME, func=trim_names)
