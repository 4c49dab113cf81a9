"""Batch enrichment: language routing, no-model languages, one poison article in a batch."""

from __future__ import annotations

import spacy
from spacy.language import Language

from processors import enrich
from processors.enrich import EnrichConfig, configure, enrich_batch
from processors.pipelines import PipelineInfo

POISON = "POISON"


@Language.component("wirestream_test_poison")
def _poison(doc):  # raises on one marked article, like a component bug on odd input
    if POISON in doc.text:
        raise ValueError("component failed on this text")
    return doc


def _install_fake_english() -> None:
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Olaf Scholz"}])
    nlp.add_pipe("wirestream_test_poison")
    info = PipelineInfo(language="en", name="fake_en", version="fake-1", candidates=("fake_en",))
    enrich._STATE.pipelines["en"] = (nlp, info)


def _article(i: int, body: str, language: str | None = "en") -> dict[str, object]:
    return {"id": f"a{i}", "headline": f"Headline {i}", "body": body, "language": language}


def test_poison_article_fails_alone_and_the_rest_of_the_batch_is_enriched():
    configure(EnrichConfig(models={"en": ["fake_en"]}, languages=("en", "de")), preload=False)
    _install_fake_english()
    batch = [_article(1, "Olaf Scholz spoke in Berlin today about the economy."),
             _article(2, f"{POISON} Olaf Scholz again."),
             _article(3, "Later, Olaf Scholz left for Paris on a short visit.")]
    results = enrich_batch(batch)
    assert "error" in results[1] and results[1]["error"]["class"] == "ValueError"
    for result in (results[0], results[2]):
        assert "error" not in result
        assert [e["surface_forms"] for e in result["entities"] if e["label"] == "PER"] == [
            ["Olaf Scholz"]]
        assert result["model"]["name"] == "fake_en"


def test_language_without_pipeline_gets_no_entities_and_says_so():
    configure(EnrichConfig(models={"en": ["fake_en"]}, languages=("en", "de")), preload=False)
    _install_fake_english()
    german = ("Bundeskanzler Olaf Scholz hat am Dienstag in Berlin den französischen "
              "Präsidenten empfangen und mit ihm über die Lage in der Ukraine gesprochen.")
    [result] = enrich_batch([_article(1, german, language="de")])
    assert result["language"] == "de"
    assert result["entities"] == []
    assert result["model"] == {"language": "de", "name": None, "version": None, "layers": []}


def test_articles_are_routed_to_their_language_pipeline():
    configure(EnrichConfig(models={"en": ["fake_en"]}, languages=("en", "de")), preload=False)
    _install_fake_english()
    german = ("Olaf Scholz sprach am Dienstag in Berlin mit Journalisten über die Lage der "
              "Wirtschaft und die Pläne der Bundesregierung für das kommende Jahr.")
    english = "Olaf Scholz spoke on Tuesday in Berlin with reporters about the economy."
    results = enrich_batch([_article(1, german, language=None),
                            _article(2, english, language=None)])
    assert [r["language"] for r in results] == ["de", "en"]
    assert results[0]["entities"] == [] and results[1]["entities"]
