"""Batch enrichment: language routing, no-model languages, one poison article in a batch."""

from __future__ import annotations

from typing import Any

import msgspec
import spacy
from spacy.language import Language

from tests.unit.language_samples import FI_LONG, NO_LONG, SV_LONG
from wirestream.processors import enrich
from wirestream.processors.article import Article
from wirestream.processors.enrich import EnrichConfig, configure
from wirestream.processors.pipelines import PipelineInfo
from wirestream.processors.records import Enrichment, EnrichmentError

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


def _article(i: int, body: str, language: str | None = "en", headline: str | None = None
             ) -> Article:
    return Article(id=f"a{i}", version=1, source_format="native",
                   headline=f"Headline {i}" if headline is None else headline, body=body,
                   language=language)


def enrich_batch(articles: list[Article]) -> list[dict[str, Any]]:
    """The typed results as plain data, an error as {"error": ...}, to compare with ==."""
    results = enrich.enrich_batch(articles)
    assert all(isinstance(r, Enrichment | EnrichmentError) for r in results)
    return [{"error": msgspec.to_builtins(r)} if isinstance(r, EnrichmentError)
            else msgspec.to_builtins(r) for r in results]


def test_poison_article_fails_alone_and_the_rest_of_the_batch_is_enriched():
    configure(EnrichConfig(models={"en": ["fake_en"]}, languages=("en", "de")), preload=False)
    _install_fake_english()
    batch = [_article(1, "Olaf Scholz spoke in Berlin today about the economy."),
             _article(2, f"{POISON} Olaf Scholz again."),
             _article(3, "Later, Olaf Scholz left for Paris on a short visit.")]
    results = enrich_batch(batch)
    assert "error" in results[1] and results[1]["error"]["error_class"] == "ValueError"
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
    assert result["model"] == {"language": "de", "name": None, "version": None, "layers": [],
                               "entities_skipped": "no_pipeline_configured"}


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


# Each names "Olaf Scholz", whom the fake German pipeline below would tag: an entity in the
# result would mean another language's pipeline ran.
NORDIC = {
    "fi": f"Liittokansleri Olaf Scholz vieraili Helsingissä. {FI_LONG}",
    "sv": f"Förbundskansler Olaf Scholz besökte Stockholm. {SV_LONG}",
    "no": f"Forbundskansler Olaf Scholz besøkte Oslo. {NO_LONG}",
}


def _install_fake(language: str) -> None:
    nlp = spacy.blank(language)
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns([{"label": "PERSON", "pattern": "Olaf Scholz"}])
    info = PipelineInfo(language=language, name=f"fake_{language}", version="fake-1",
                        candidates=(f"fake_{language}",))
    enrich._STATE.pipelines[language] = (nlp, info)


def _configure_en_de() -> None:
    configure(EnrichConfig(models={"en": ["fake_en"], "de": ["fake_de"]},
                           languages=("en", "de", "fr", "es", "it", "nl")), preload=False)
    _install_fake_english()
    _install_fake("de")


def test_declared_nordic_articles_keep_their_language_and_get_no_other_languages_entities():
    _configure_en_de()
    batch = [_article(i, body, language=code) for i, (code, body) in enumerate(NORDIC.items())]
    for code, result in zip(NORDIC, enrich_batch(batch), strict=True):
        assert "error" not in result
        assert result["language"] == code
        assert result["entities"] == [] and result["places"] == [] and result["events"] == []
        assert result["model"]["name"] is None
        assert result["model"]["entities_skipped"] == "no_pipeline_configured"


def test_undeclared_finnish_is_not_forced_into_a_configured_language():
    _configure_en_de()
    [result] = enrich_batch([_article(1, NORDIC["fi"], language=None)])
    assert result["language"] == "fi"
    assert result["language_detection"]["detected"] == "fi"
    assert result["entities"] == []
    assert result["model"]["entities_skipped"] == "no_pipeline_configured"


def test_german_declared_english_text_is_still_overruled_to_english():
    _configure_en_de()
    english = ("Chancellor Olaf Scholz met the Finnish prime minister in Helsinki on Wednesday "
               "for talks on security in the Baltic Sea and cooperation on energy. After the "
               "meeting the two leaders told reporters that their countries would deepen "
               "cooperation in the defence industry.")
    [result] = enrich_batch([_article(1, english, language="de")])
    assert result["language"] == "en"
    assert result["model"]["name"] == "fake_en" and result["model"]["entities_skipped"] is None
    assert [e["surface_forms"] for e in result["entities"] if e["label"] == "PER"] == [
        ["Olaf Scholz"]]


def test_configured_but_not_installed_pipeline_says_so():
    configure(EnrichConfig(models={"fi": ["fi_wirestream_not_installed"]},
                           languages=("en", "de")), preload=False)
    [result] = enrich_batch([_article(1, NORDIC["fi"], language="fi")])
    assert result["entities"] == []
    assert result["model"]["entities_skipped"] == "no_pipeline_installed"


def test_article_without_text_has_an_unknown_language():
    _configure_en_de()
    [result] = enrich_batch([_article(1, "", language=None, headline="")])
    assert result["language"] is None
    assert result["model"]["entities_skipped"] == "language_unknown"


def test_events_are_coded_only_for_languages_with_a_lexicon(monkeypatch):
    configure(EnrichConfig(models={"en": ["fake_en"], "fr": ["fake_fr"]},
                           languages=("en", "fr")), preload=False)
    _install_fake_english()
    _install_fake("fr")
    coded: list[str] = []
    monkeypatch.setattr(enrich, "code_events",
                        lambda doc, language, **_: coded.append(language) or [])
    french = ("Le chancelier Olaf Scholz a rencontré mercredi le président français à Paris "
              "pour parler de la sécurité en Europe et de la coopération dans l'énergie.")
    results = enrich_batch([_article(1, french, language="fr"),
                            _article(2, "Olaf Scholz met the French president in Paris.")])
    assert [r["language"] for r in results] == ["fr", "en"]
    assert results[0]["entities"]  # the French pipeline ran
    assert coded == ["en"]
