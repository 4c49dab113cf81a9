"""The news-name layer: an EntityRuler with the project's gazetteer of world entities.

Small statistical models miss names that wire copy uses every day ("IAEO",
"UN-Sicherheitsrat", "Kreml"). The ruler runs before ``ner``; ``ner`` keeps the
ruler's spans and predicts around them. Each span's ``ent_id_`` is the canonical
name, so "IAEA" and "Internationale Atomenergiebehörde" share one id.
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


@lru_cache(maxsize=2)
def load_gazetteer(path: Path = GAZETTEER) -> tuple[dict[str, Any], ...]:
    data = json.loads(path.read_text(encoding="utf-8"))
    return tuple(data["entries"])


def ruler_patterns(path: Path = GAZETTEER) -> list[dict[str, str]]:
    patterns: list[dict[str, str]] = []
    seen: set[str] = set()
    for entry in load_gazetteer(path):
        for name in entry["names"]:
            if name in seen:  # one surface form, one entity
                continue
            seen.add(name)
            patterns.append({"label": entry["label"], "pattern": name, "id": entry["canonical"]})
    return patterns


def add_news_names(nlp: Language, path: Path = GAZETTEER) -> bool:
    """Add the ruler before ``ner`` (or last if there is none); False if already there."""
    if PIPE_NAME in nlp.pipe_names:
        return False
    where: dict[str, str] = {"before": "ner"} if "ner" in nlp.pipe_names else {}
    # ORTH matching: exact case, so "UN" matches and the French article "un" does not.
    ruler = nlp.add_pipe("entity_ruler", name=PIPE_NAME,
                         config={"phrase_matcher_attr": "ORTH", "overwrite_ents": False},
                         **where)
    ruler.add_patterns(ruler_patterns(path))  # type: ignore[attr-defined]
    return True
