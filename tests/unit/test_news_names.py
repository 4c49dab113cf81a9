from __future__ import annotations

import json

import spacy

from wirestream.processors.news_names import (
    GAZETTEER,
    PIPE_NAME,
    PLACES_PIPE_NAME,
    add_news_names,
    ruler_patterns,
)


def _ents(lang: str, text: str) -> list[tuple[str, str, str]]:
    nlp = spacy.blank(lang)
    assert add_news_names(nlp)
    return [(e.text, e.label_, e.ent_id_) for e in nlp(text).ents]


def _with_stand_in_ner(lang: str, patterns: list[dict[str, str]]) -> spacy.language.Language:
    """A blank pipeline with the layer around an entity ruler that stands in for ``ner``."""
    nlp = spacy.blank(lang)
    nlp.add_pipe("entity_ruler", name="ner").add_patterns(patterns)
    add_news_names(nlp)
    return nlp


def test_german_wire_names_are_found_with_one_canonical_id():
    text = ("Die Internationale Atomenergiebehörde (IAEO) und der UN-Sicherheitsrat; "
            "der Kreml bestätigte, Wladimir Putin habe mit Ebrahim Raisi telefoniert.")
    found = _ents("de", text)
    assert ("IAEO", "ORG", "International Atomic Energy Agency") in found
    assert ("Internationale Atomenergiebehörde", "ORG",
            "International Atomic Energy Agency") in found
    assert ("UN-Sicherheitsrat", "ORG", "United Nations Security Council") in found
    assert ("Kreml", "ORG", "Kremlin") in found
    assert ("Wladimir Putin", "PER", "Vladimir Putin") in found
    assert ("Ebrahim Raisi", "PER", "Ebrahim Raisi") in found


def test_english_and_german_forms_share_the_id():
    en = {e[2] for e in _ents("en", "The IAEA met in Vienna.")}
    de = {e[2] for e in _ents("de", "Die IAEO tagte in Wien.")}
    assert en == de == {"International Atomic Energy Agency", "Vienna"}


def test_matching_is_case_sensitive_for_acronyms():
    assert _ents("fr", "Il a parlé un jour avec elle.") == []
    assert ("UN", "ORG", "United Nations") in _ents("en", "The UN said so.")


def test_rulers_are_added_once_names_before_and_places_after_ner():
    nlp = spacy.blank("en")
    stand_in = nlp.add_pipe("entity_ruler", name="ner")  # only its place matters here
    stand_in.add_patterns([{"label": "ORG", "pattern": "Acme"}])
    assert add_news_names(nlp)
    assert not add_news_names(nlp)
    order = nlp.pipe_names
    assert order.index(PIPE_NAME) < order.index("ner") < order.index(PLACES_PIPE_NAME)


def test_a_place_does_not_cut_a_longer_name_the_model_found():
    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler", name="ner")  # stands in for the statistical ner
    ruler.add_patterns([{"label": "ORG", "pattern": "Washington Redskins"}])
    add_news_names(nlp)
    ents = [(e.text, e.label_) for e in nlp("The Washington Redskins won in Washington.").ents]
    assert ents == [("Washington Redskins", "ORG"), ("Washington", "LOC")]


def test_gazetteer_is_well_formed():
    data = json.loads(GAZETTEER.read_text(encoding="utf-8"))
    canonicals = [e["canonical"] for e in data["entries"]]
    assert len(canonicals) == len(set(canonicals))
    for entry in data["entries"]:
        assert entry["label"] in {"PER", "ORG", "LOC", "MISC"}
        assert entry["names"] and all(n.strip() == n and n for n in entry["names"])
    assert len(ruler_patterns()) >= len(canonicals)


def test_unambiguous_surnames_resolve_to_the_person():
    found = _ents("de", "In ihrem Anruf deutete Putin auf den Schritt hin, sagte Raisi.")
    assert ("Putin", "PER", "Vladimir Putin") in found
    assert ("Raisi", "PER", "Ebrahim Raisi") in found


def test_a_name_a_capitalised_word_continues_is_left_to_ner():
    nlp = _with_stand_in_ner("en", [{"label": "ORG", "pattern": "NATO Response Force"}])
    text = "The NATO Response Force and NATO itself met the IAEA in Vienna."
    ents = [(e.text, e.label_) for e in nlp(text).ents]
    # Without the guard the gazetteer's "NATO" would have cut the longer name in two.
    assert ents == [("NATO Response Force", "ORG"), ("NATO", "ORG"), ("IAEA", "ORG"),
                    ("Vienna", "LOC")]


def test_a_name_the_guard_lets_go_comes_back_when_ner_finds_nothing_there():
    nlp = spacy.blank("de")
    # A ner that finds nothing (a pattern that never matches: an empty ruler warns).
    nlp.add_pipe("entity_ruler", name="ner").add_patterns(
        [{"label": "ORG", "pattern": "Nichts Gefunden"}])
    add_news_names(nlp)
    ents = [(e.text, e.label_) for e in nlp("Die IAEO Kontrolleure reisten nach Teheran.").ents]
    assert ("IAEO", "ORG") in ents


def test_a_name_a_capitalised_word_begins_is_left_to_ner():
    nlp = _with_stand_in_ner("de", [{"label": "ORG", "pattern": "Deutschen Bundestag"}])
    text = "Eine Biografie beim Deutschen Bundestag. Bundestag und Kreml schweigen."
    ents = [(e.text, e.label_) for e in nlp(text).ents]
    # Without the guard the gazetteer's "Bundestag" would have cut the longer name; at a
    # sentence start, after ".", the capital says nothing and the gazetteer keeps it.
    assert ents == [("Deutschen Bundestag", "ORG"), ("Bundestag", "ORG"), ("Kreml", "ORG")]


def test_a_place_inside_a_foreign_name_the_model_missed_is_dropped():
    de = _ents("de", "Er gewann die Tour de France und besuchte den Tower of London, "
                     "dann flog er nach Frankreich und London.")
    places = [text for text, label, _ in de if label == "LOC"]
    # "France" and the first "London" belong to names the model did not find; the gazetteer
    # must not make them places.
    assert places == ["Frankreich", "London"]
    en = _ents("en", "The Vienna Art Orchestra played in Vienna.")
    assert [e[0] for e in en] == ["Vienna"]


def test_a_capitalised_noun_after_a_place_in_german_keeps_the_place():
    # Every German noun is capitalised: "Österreich Truppen" is a place and a noun.
    assert ("Österreich", "LOC", "Austria") in _ents(
        "de", "Gestern habe Österreich Truppen entsandt.")


def test_a_country_the_model_calls_a_person_or_organisation_is_a_place():
    nlp = _with_stand_in_ner("de", [{"label": "PER", "pattern": "China"},
                           {"label": "ORG", "pattern": "Mexiko"},
                           {"label": "PER", "pattern": "Jordan"}])
    ents = [(e.text, e.label_) for e in nlp("China, Mexiko und Jordan trafen sich.").ents]
    # "Jordan" is a given name as well as a country: the model's person stays one.
    assert ents == [("China", "LOC"), ("Mexiko", "LOC"), ("Jordan", "PER")]


def test_countries_are_places_in_the_languages_own_names():
    found = _ents("de", "Georgien, Jordanien und Venezuelas Präsident; Malte Sprick kam.")
    assert ("Georgien", "LOC", "Georgia") in found
    assert ("Jordanien", "LOC", "Jordan") in found
    assert ("Venezuelas", "LOC", "Venezuela") in found  # the bare genitive
    # "Malte" is Malta in French, a given name in German.
    assert not [e for e in found if e[0] == "Malte"]
    assert ("Georgia", "LOC", "Georgia") not in _ents("en", "Georgia said no.")


def test_the_iaea_board_and_numbered_resolutions_are_names():
    found = _ents("de", "Ein Anti-Iran-Schritt im IAEA-Gouverneursrat verstößt gegen die "
                        "Resolution 2231 des UN-Sicherheitsrates.")
    assert ("IAEA-Gouverneursrat", "ORG", "IAEA Board of Governors") in found
    assert ("Resolution 2231", "MISC", "") in found
    assert ("UN-Sicherheitsrates", "ORG", "United Nations Security Council") in found


def test_a_german_compound_of_an_abstract_noun_is_no_place():
    nlp = _with_stand_in_ner("de", [{"label": "LOC", "pattern": "Marathon-Verhandlungen"},
                           {"label": "LOC", "pattern": "Baden-Württemberg"},
                           {"label": "ORG", "pattern": "Friedrich-Ebert-Stiftung"}])
    text = "Marathon-Verhandlungen in Baden-Württemberg mit der Friedrich-Ebert-Stiftung."
    ents = [(e.text, e.label_) for e in nlp(text).ents]
    assert ents == [("Baden-Württemberg", "LOC"), ("Friedrich-Ebert-Stiftung", "ORG")]


def test_a_span_short_of_a_countrys_full_name_grows_to_it():
    nlp = _with_stand_in_ner("de", [{"label": "LOC", "pattern": "Islamische Republik"}])
    ents = [(e.text, e.label_) for e in nlp("Die Islamische Republik Iran sei bereit.").ents]
    assert ents == [("Islamische Republik Iran", "LOC")]
