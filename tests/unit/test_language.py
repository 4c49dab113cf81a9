from __future__ import annotations

import pytest

from tests.unit.language_samples import FI_LONG, NO_LONG, SV_LONG
from wirestream.processors.language import identify, language_label, normalise_code

LANGS = ("en", "de", "fr", "es", "it", "nl")
FI, SV, NO = FI_LONG, SV_LONG, NO_LONG

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


@pytest.mark.parametrize(("text", "language"), [(EN, "en"), (FI, "fi")])
def test_confident_detection_overrules_a_wrong_declaration_on_long_text(text, language):
    # Finnish too, though no pipeline is configured for it: then it gets no entities.
    guess = identify(text, "de", LANGS)
    assert guess.detected == language
    assert guess.code == language


def test_empty_text_has_no_detection():
    guess = identify("", None, LANGS)
    assert guess.code is None and guess.detected is None


def test_normalise_code():
    assert normalise_code("de-AT") == "de"
    assert normalise_code("EN_us") == "en"
    assert normalise_code("") is None
    assert normalise_code("12") is None


DA = ("Folketinget vedtog torsdag en ny lov, der skal gøre det lettere for kommunerne at bygge "
      "flere boliger. Boligministeren sagde, at regeringen vil følge op med flere penge til "
      "infrastruktur i yderområderne allerede i næste års finanslov. Ifølge Danmarks "
      "Statistik er huspriserne steget med otte procent i løbet af det seneste år, og især i "
      "hovedstadsområdet er det blevet svært for unge at finde en bolig, de kan betale.")


def test_declared_languages_without_a_configured_pipeline_are_kept():
    # Restricted to the configured languages, the identifier once called the Swedish one
    # German (0.992) and overruled the provider.
    for text, declared in ((FI, "fi"), (SV, "sv-SE"), (NO, "no"), (NO, "nb")):
        guess = identify(text, declared, LANGS)
        assert guess.code == declared.split("-")[0], (declared, guess)
        assert guess.detected not in LANGS


def test_undeclared_text_in_an_unconfigured_language_is_not_forced_into_a_configured_one():
    assert identify(FI, None, LANGS).code == "fi"
    assert identify(SV, None, LANGS).code == "sv"
    assert identify(NO, None, LANGS).code == "no"


def test_declared_language_the_identifier_cannot_judge_is_kept():
    # Greenlandic is not among the identifier's languages: it could never have said "kl".
    guess = identify(EN, "kl", LANGS)
    assert guess.detected == "en"
    assert guess.code == "kl"


def test_close_written_varieties_do_not_overrule_each_other():
    guess = identify(DA, "no", LANGS)
    assert guess.detected == "da" and guess.confidence >= 0.99
    assert guess.code == "no"


def test_unsure_call_on_short_undeclared_text_stays_with_the_configured_languages():
    guess = identify("Nato summit opens in Vilnius", None, LANGS)
    assert guess.detected not in LANGS  # the identifier's top call on five words
    assert guess.code == "en"


def test_codes_for_no_particular_language_count_as_undeclared():
    assert normalise_code("und") is None and normalise_code("mul") is None
    assert identify(FI, "und", LANGS).code == "fi"


def test_language_label_is_bounded():
    assert language_label(None) == "und"
    assert language_label("fi") == "fi"
    assert language_label("xyz") == "other"
    assert language_label("xyz", configured=("xyz",)) == "xyz"
