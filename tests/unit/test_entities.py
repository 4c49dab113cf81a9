from __future__ import annotations

import spacy
from spacy.tokens import Span

from wirestream.processors.entities import entities_from_doc, map_label, nlp_text


def test_label_scheme_is_shared_across_languages():
    assert map_label("PERSON") == "PER"
    assert map_label("PER") == "PER"
    assert map_label("GPE") == "LOC"
    assert map_label("FAC") == "LOC"
    assert map_label("NORP") == "MISC"
    assert map_label("ORG") == "ORG"
    assert map_label("CARDINAL") is None
    assert map_label("DATE") is None
    assert map_label("SOMETHING_NEW") == "MISC"


def test_offsets_are_relative_to_headline_or_body():
    headline, body = "Putin calls Raisi", "Vladimir Putin spoke with Ebrahim Raisi in Moscow."
    text, body_offset = nlp_text(headline, body)
    nlp = spacy.blank("en")
    doc = nlp(text)

    def span(field_text: str, needle: str, label: str, offset: int) -> Span:
        start = field_text.index(needle) + offset
        result = doc.char_span(start, start + len(needle), label=label)
        assert result is not None
        return result

    doc.ents = [
        span(headline, "Putin", "PERSON", 0),
        span(body, "Ebrahim Raisi", "PERSON", body_offset),
        span(body, "Moscow", "GPE", body_offset),
    ]
    ents = entities_from_doc(doc, body_offset)
    assert [(e.field, e.label, e.model_label) for e in ents] == [
        ("headline", "PER", "PERSON"), ("body", "PER", "PERSON"), ("body", "LOC", "GPE")]
    for ent in ents:
        source = headline if ent.field == "headline" else body
        assert source[ent.start:ent.end] == ent.text


def test_numeric_entities_are_dropped():
    text, offset = nlp_text("", "22 people died")
    doc = spacy.blank("en")(text)
    doc.ents = [Span(doc, 0, 1, label="CARDINAL")]
    assert entities_from_doc(doc, offset) == []
