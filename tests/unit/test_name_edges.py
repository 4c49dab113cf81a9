"""The layer cuts a span to the name: no article, possessive or edge punctuation; spans
that hold no name (an address, symbols) are dropped."""

from __future__ import annotations

import spacy
from spacy.tokens import Doc, Span

from wirestream.processors.name_edges import TRIM_PIPE_NAME, trim_names
from wirestream.processors.news_names import PLACES_PIPE_NAME, add_news_names


def _doc(lang: str, words: list[str], ents: list[tuple[int, int, str]]) -> Doc:
    doc = Doc(spacy.blank(lang).vocab, words=words)
    doc.set_ents([Span(doc, s, e, label=label) for s, e, label in ents])
    return doc


def _names(doc: Doc) -> list[tuple[str, str]]:
    return [(e.text, e.label_) for e in doc.ents]


def test_english_article_and_possessive_are_not_part_of_the_name():
    words = ["in", "the", "West", "Bank", "and", "New", "York", "'s", "mayor"]
    doc = trim_names(_doc("en", words, [(1, 4, "GPE"), (5, 8, "GPE")]))
    assert _names(doc) == [("West Bank", "GPE"), ("New York", "GPE")]
    assert [t.ent_iob_ for t in doc] == ["O", "O", "B", "I", "O", "B", "I", "O", "O"]


def test_a_capital_the_may_begin_a_name():
    doc = trim_names(_doc("en", ["The", "Hague", "ruled"], [(0, 2, "GPE")]))
    assert _names(doc) == [("The Hague", "GPE")]


def test_edge_punctuation_is_cut_in_every_language():
    doc = trim_names(_doc("de", ["„", "Kreml", "“", "sagt"], [(0, 3, "ORG")]))
    assert _names(doc) == [("Kreml", "ORG")]
    doc = trim_names(_doc("en", ["Vince", "-", "call"], [(0, 2, "PERSON")]))
    assert _names(doc) == [("Vince", "PERSON")]


def test_german_keeps_its_articles():
    # German gold (GermEval) and the German pipeline agree on their spans already.
    doc = trim_names(_doc("de", ["Die", "Linke", "sagt"], [(0, 2, "ORG")]))
    assert _names(doc) == [("Die Linke", "ORG")]


def test_addresses_and_symbols_are_no_names():
    words = ["mail", "kent@example.com", "or", "http://example.com/x", "\\\\", "//", "Ann"]
    doc = trim_names(_doc("en", words, [(1, 2, "ORG"), (3, 4, "ORG"), (4, 6, "ORG"),
                                        (6, 7, "PERSON")]))
    assert _names(doc) == [("Ann", "PERSON")]


def test_the_layer_trims_last_and_keeps_the_canonical_id():
    nlp = spacy.blank("en")
    assert add_news_names(nlp)
    assert nlp.pipe_names[-1] == TRIM_PIPE_NAME
    assert nlp.pipe_names.index(PLACES_PIPE_NAME) < nlp.pipe_names.index(TRIM_PIPE_NAME)
    doc = nlp("Officials of the IAEA met in Vienna.")
    assert [(e.text, e.ent_id_) for e in doc.ents] == [
        ("IAEA", "International Atomic Energy Agency"), ("Vienna", "Vienna")]


def test_a_model_span_is_cut_inside_the_layer():
    nlp = spacy.blank("en")
    stand_in = nlp.add_pipe("entity_ruler", name="ner")  # stands in for the statistical ner
    stand_in.add_patterns([{"label": "LOC", "pattern": "the Gulf of Mexico"}])
    add_news_names(nlp)
    assert _names(nlp("Storms in the Gulf of Mexico.")) == [("Gulf of Mexico", "LOC")]


def test_a_cut_span_keeps_its_id():
    doc = Doc(spacy.blank("en").vocab, words=["the", "UN", "'s", "envoy"])
    doc.set_ents([Span(doc, 0, 3, label="ORG", span_id="United Nations")])
    assert [(e.text, e.ent_id_) for e in trim_names(doc).ents] == [("UN", "United Nations")]


def test_a_name_may_end_in_s_or_an_exclamation_mark():
    words = ["dinner", "at", "Wendy", "'s", ".", "Ask", "Yahoo", "!", "or", "Susanne", "R", "."]
    doc = trim_names(_doc("en", words, [(2, 4, "ORG"), (6, 8, "ORG"), (9, 12, "PERSON")]))
    assert _names(doc) == [("Wendy 's", "ORG"), ("Yahoo !", "ORG"), ("Susanne R .", "PERSON")]


def test_a_bare_domain_may_be_a_name_a_url_with_its_scheme_is_not():
    words = ["read", "stern.de", "or", "https://stern.de/x"]
    doc = trim_names(_doc("de", words, [(1, 2, "ORG"), (3, 4, "ORG")]))
    assert _names(doc) == [("stern.de", "ORG")]


def test_the_sentences_full_stop_is_no_part_of_a_name():
    words = ["Medien", "RIA", ".", "Ask", "Susanne", "R", ".", "Papst", "Paul", "II", "."]
    doc = trim_names(_doc("de", words, [(1, 3, "ORG"), (4, 7, "PER"), (8, 11, "PER")]))
    assert _names(doc) == [("RIA", "ORG"), ("Susanne R .", "PER"), ("Paul II .", "PER")]
