"""The news-name layer: EntityRulers with the project's gazetteer of world entities.

Small statistical models miss names that wire copy uses every day ("IAEO",
"UN-Sicherheitsrat", "Kreml"). People, organisations and other names are matched
before ``ner``, which keeps those spans and predicts around them. Places are
matched after ``ner`` and only where it found nothing: a city name inside a longer
name the model recognises ("Washington Redskins", "Real Madrid") must not be cut
out of it. Each span's ``ent_id_`` is the canonical name, so "IAEA" and
"Internationale Atomenergiebehörde" share one id.
"""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from spacy.language import Language

GAZETTEER = Path(__file__).resolve().parents[1] / "config" / "gazetteer" / "news_names.json"
PIPE_NAME = "news_names"
PLACES_PIPE_NAME = "news_places"


@lru_cache(maxsize=2)
def load_gazetteer(path: Path = GAZETTEER) -> tuple[dict[str, Any], ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(data["entries"])


def ruler_patterns(path: Path = GAZETTEER, places: bool | None = None
                   ) -> list[dict[str, str]]:
    """Patterns for every entry, or only places (True) or only the rest (False)."""
    patterns: list[dict[str, str]] = []
    seen: set[str] = set()
    for entry in load_gazetteer(path):
        if places is not None and (entry["label"] == "LOC") != places:
            continue
        for name in entry["names"]:
            if name in seen:  # one surface form, one entity
                continue
            seen.add(name)
            patterns.append({"label": entry["label"], "pattern": name, "id": entry["canonical"]})
    return patterns


def add_news_names(nlp: Language, path: Path = GAZETTEER) -> bool:
    """Add the rulers around ``ner`` (or last if there is none); False if already there."""
    if PIPE_NAME in nlp.pipe_names:
        return False
    # ORTH matching: exact case, so "UN" matches and the French article "un" does not.
    config = {"phrase_matcher_attr": "ORTH", "overwrite_ents": False}
    has_ner = "ner" in nlp.pipe_names
    names = nlp.add_pipe("entity_ruler", name=PIPE_NAME, config=config,
                         **({"before": "ner"} if has_ner else {}))
    names.add_patterns(ruler_patterns(path, places=False))  # type: ignore[attr-defined]
    places = nlp.add_pipe("entity_ruler", name=PLACES_PIPE_NAME, config=config,
                          **({"after": "ner"} if has_ner else {}))
    places.add_patterns(ruler_patterns(path, places=True))  # type: ignore[attr-defined]
    return True
