"""Named entities from a spaCy Doc, with labels mapped to one scheme across languages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Doc

# One label scheme for every language: PER, ORG, LOC, MISC. OntoNotes-style
# labels (English pipelines) are folded in; numeric types are not entities here.
# The folding follows the gold conventions the scores are read against (Universal NER,
# CoNLL, GermEval): a place is LOC whatever kind it is, so GPE (countries, cities, states)
# and FAC (buildings, airports, roads) are LOC; nationalities and religious or political
# groups (NORP: "Iraqi", "Sunni") are no place and no organisation in Universal NER and
# are MISC in CoNLL, so MISC. On UNER English-EWT dev, en_core_web_md's GPE spans are LOC
# in the gold 266 times and ORG 3 times, FAC 9 and 0, NORP O 107 times: no other folding
# fits better (processors/name_edges.py fixes the spans, not the labels).
LABEL_MAP: dict[str, str | None] = {
    "PER": "PER", "PERSON": "PER",
    "ORG": "ORG",
    "LOC": "LOC", "GPE": "LOC", "FAC": "LOC",
    "MISC": "MISC", "NORP": "MISC", "EVENT": "MISC", "WORK_OF_ART": "MISC",
    "LAW": "MISC", "PRODUCT": "MISC", "LANGUAGE": "MISC",
    "DATE": None, "TIME": None, "PERCENT": None, "MONEY": None, "QUANTITY": None,
    "ORDINAL": None, "CARDINAL": None,
}
LABELS = ("PER", "ORG", "LOC", "MISC")


@dataclass(frozen=True, slots=True)
class Entity:
    text: str
    label: str  # PER, ORG, LOC or MISC
    model_label: str  # what the pipeline said
    field: str  # "headline" or "body"
    start: int  # character offsets into that field
    end: int

    def to_dict(self) -> dict[str, object]:
        return {"text": self.text, "label": self.label, "model_label": self.model_label,
                "field": self.field, "start": self.start, "end": self.end}


def map_label(model_label: str) -> str | None:
    # Unknown labels from a custom pipeline are kept as MISC rather than lost.
    return LABEL_MAP.get(model_label.upper(), "MISC")


def nlp_text(headline: str, body: str) -> tuple[str, int]:
    """The text one doc is built from, and where the body starts in it."""
    if not headline:
        return body, 0
    joined = f"{headline}\n\n{body}"
    return joined, len(headline) + 2


def entities_from_doc(doc: Doc, body_offset: int) -> list[Entity]:
    out: list[Entity] = []
    for span in doc.ents:
        label = map_label(span.label_)
        if label is None:
            continue
        start, end = span.start_char, span.end_char
        if body_offset and start < body_offset:
            if end > body_offset:  # a span across the headline/body gap is an artefact
                continue
            field, offset = "headline", 0
        else:
            field, offset = "body", body_offset
        out.append(Entity(text=span.text, label=label, model_label=span.label_, field=field,
                          start=start - offset, end=end - offset))
    return out
