"""The project's knowledge base of world entities: surface form -> one identity.

Built from the same gazetteer as the news-name layer (config/gazetteer/news_names.json),
so every form the ruler finds ("IAEO", "Atomenergiebehörde", "IAEA") leads to one
entry. An entry's id is its Wikidata id where the gazetteer has one, otherwise a
gazetteer id made from its canonical (English) name: either way the same in every
language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from wirestream.processors.news_names import GAZETTEER, load_gazetteer


@dataclass(frozen=True, slots=True)
class KbEntry:
    canonical: str
    label: str
    wikidata: str | None
    country: str | None  # ISO 3166 alpha-2 the person/organisation acts for

    @property
    def id(self) -> str:
        if self.wikidata:
            return f"wikidata:{self.wikidata}"
        return f"gazetteer:{self.label.lower()}:{slug(self.canonical)}"


def slug(name: str) -> str:
    """Lower-case ASCII words joined by '-': a stable key across spellings of accents."""
    ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_name.lower()).strip("-")


class KnowledgeBase:
    def __init__(self, path: Path = GAZETTEER) -> None:
        self._by_form: dict[str, KbEntry] = {}
        for item in load_gazetteer(path):
            entry = KbEntry(canonical=item["canonical"], label=item["label"],
                            wikidata=item.get("wikidata"), country=item.get("country"))
            for name in item["names"]:
                self._by_form.setdefault(name, entry)

    def lookup(self, text: str) -> KbEntry | None:
        """Exact surface form, as the ruler matches it (case matters: "UN" vs "un")."""
        return self._by_form.get(text)


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    return KnowledgeBase()
