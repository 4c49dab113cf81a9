"""Name edges: the part of the news-name layer that cleans the spans a pipeline found.

A statistical model's span is sometimes more than the name. English pipelines trained
on OntoNotes take the article in ("the Gulf of Mexico", "the U.S. Department of
Housing"), and now and then a possessive ending ("New York 's") or a stray quote or
dash from the text around it; the name, as a reader would look it up and as gold data
(Universal NER, CoNLL) marks it, has none of them. And on web and mail text a model
sometimes calls an address or a run of symbols a name ("kent@example.com",
"\\\\ //"): no name is made only of those.

``trim_names`` runs last in the layer. It takes the language's articles (lower case
only: "The" may begin a name, "The Hague") and possessive endings from the language
profile, so other languages keep their spans as their pipelines made them, except for
what holds in every language: punctuation at either edge is cut, and a span without a
letter, or with an e-mail address or a URL in it, is no name.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from processors.lang import profile

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token

TRIM_PIPE_NAME = "news_names_trim"


def _is_edge_punct(token: Token) -> bool:
    return token.is_punct and not any(ch.isalnum() for ch in token.text)


def name_bounds(ent: Span, articles: frozenset[str], possessives: frozenset[str]
                ) -> tuple[int, int] | None:
    """Token bounds of the name in ``ent``, or None when it holds no name."""
    doc = ent.doc
    start, end = ent.start, ent.end
    while start < end and (_is_edge_punct(doc[start]) or doc[start].text in articles):
        start += 1
    while end > start and (_is_edge_punct(doc[end - 1]) or doc[end - 1].text in possessives):
        end -= 1
    tokens = doc[start:end]
    if not any(ch.isalpha() for ch in tokens.text):
        return None
    if any(t.like_email or t.like_url for t in tokens):
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
