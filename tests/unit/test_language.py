from __future__ import annotations

from processors.language import identify, normalise_code

LANGS = ("en", "de", "fr", "es", "it", "nl")

DE = ("Mindestens 22 Menschen wurden getötet und Dutzende verletzt, nachdem ein Zug mit über "
      "300 Passagieren nach der Kollision mit einem Bagger vom Gleis abgekommen war. Weitere "
      "Ermittlungen zur Klärung der genauen Unfallursache laufen.")
EN = ("At least 22 people were killed and dozens injured when a train carrying more than 300 "
      "passengers derailed after hitting an excavator, state media reported on Wednesday, "
      "adding that an investigation into the cause was under way.")


def test_detects_german_and_english():
    assert identify(DE, None, LANGS).code == "de"
    assert identify(EN, None, LANGS).code == "en"


def test_declared_language_is_kept_when_detection_agrees_or_is_unsure():
    guess = identify("IAEA", "de-DE", LANGS)
    assert guess.code == "de"
    assert guess.declared == "de"


def test_confident_detection_overrules_a_wrong_declaration_on_long_text():
    guess = identify(EN, "de", LANGS)
    assert guess.detected == "en"
    assert guess.code == "en"


def test_empty_text_has_no_detection():
    guess = identify("", None, LANGS)
    assert guess.code is None and guess.detected is None


def test_normalise_code():
    assert normalise_code("de-AT") == "de"
    assert normalise_code("EN_us") == "en"
    assert normalise_code("") is None
    assert normalise_code("12") is None
