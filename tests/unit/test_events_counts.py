"""Casualty counts: who was shot, who died, who did the shooting (sentences written here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from wirestream.processors.events import code_events_text
from wirestream.processors.events.counts import extract_counts
from wirestream.processors.events.tolls import finish_counts, settle_shot

PUB = "2024-05-15T09:30:00Z"


def counts(nlp: Any, text: str) -> dict[str, int | None]:
    """Article-level counts as the GVA bench reads them: the first stated value per kind."""
    events = code_events_text(text, nlp, language="en", article_id="c-1", published_at=PUB)
    out: dict[str, int | None] = {}
    for event in events:
        assert not any(key.startswith("_") for key in event["counts"])  # internal keys gone
        for kind, count in event["counts"].items():
            out.setdefault(kind, count["value"])
    return out


@dataclass
class Tok:
    """A token without a parse, as the German pipeline gives them."""

    text: str
    idx: int
    lower_: str


def tokens(text: str) -> list[Tok]:
    out, at = [], 0
    for word in text.split():
        at = text.index(word, at)
        out.append(Tok(word, at, word.lower()))
        at += len(word)
    return out


def test_shot_one_fatally_splits_dead_and_injured(en_nlp: Any) -> None:
    found = counts(en_nlp, "Four people were shot, one fatally, on the east side on Sunday.")
    assert found["dead"] == 1 and found["injured"] == 3


def test_a_victim_shot_who_died_later_is_not_injured(en_nlp: Any) -> None:
    found = counts(en_nlp, "A teenager was shot in the chest on Friday night. "
                           "He died at the hospital.")
    assert found.get("dead") == 1
    assert "injured" not in found


def test_others_shot_besides_the_dead_are_all_injured(en_nlp: Any) -> None:
    found = counts(en_nlp, "One man was killed in the shooting on Saturday. "
                           "Three other people were shot and taken to a hospital.")
    assert found["dead"] == 1 and found["injured"] == 3


def test_the_shooters_are_not_the_victims(en_nlp: Any) -> None:
    found = counts(en_nlp, "Two men shot a store clerk during a robbery on Tuesday.")
    assert found.get("injured") == 1


def test_coordinated_victims_are_added(en_nlp: Any) -> None:
    found = counts(en_nlp, "Two men and three women were shot in the parking lot of a club.")
    assert found["injured"] == 5


def test_no_one_injured_is_zero_and_a_negated_victim_no_count(en_nlp: Any) -> None:
    assert counts(en_nlp, "Shots were fired at the house, but no one was injured.")[
        "injured"] == 0
    assert "injured" not in counts(en_nlp, "The driver was not injured in the shooting.")


def test_murder_suicide_counts_the_shooter(en_nlp: Any) -> None:
    found = counts(en_nlp, "A mother shot and killed her two children and then killed "
                           "herself, police said.")
    assert found["dead"] == 3


def test_a_day_of_the_month_is_not_a_toll(en_nlp: Any) -> None:
    assert counts(en_nlp, "The student was killed June 5 while riding his bicycle.")[
        "dead"] == 1


@pytest.mark.parametrize("text", [
    "The gunman had planned to kill more people",
    "Doctors did not know whether he was shot",
    "The officer fired one shot at the car",
])
def test_no_toll_without_a_victim_counted(text: str) -> None:
    found = extract_counts(tokens(text))
    assert "dead" not in found and "injured" not in found and "shot" not in found


def test_times_shot_is_not_people_shot() -> None:
    assert extract_counts(tokens("He was shot many times"))["shot"]["value"] == 1
    assert extract_counts(tokens("The boy was shot three to four times"))["shot"][
        "value"] == 1


def test_without_a_parse_the_rules_still_apply() -> None:
    assert extract_counts(tokens("Niemand wurde verletzt ."))["injured"]["value"] == 0
    text = "2 adults , 2 children killed in the house"
    assert extract_counts(tokens(text))["dead"]["value"] == 4


def test_settle_shot_against_the_article_toll() -> None:
    text = "Three people were shot on Main Street"
    found = finish_counts(extract_counts(tokens(text)), text)
    assert set(found) == {"_shot"}
    one_died = dict(found)
    settle_shot(one_died, 1)
    assert one_died["injured"]["value"] == 2 and "_shot" not in one_died
    nobody_died = dict(found)
    settle_shot(nobody_died, None)
    assert nobody_died["injured"]["value"] == 3
    all_died = dict(found)
    settle_shot(all_died, 3)
    assert all_died == {}
