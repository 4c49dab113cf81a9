"""Countries by name and by demonym, in the languages wire copy comes in.

Names come from pycountry (ISO 3166-1 names and their German, French and Spanish
translations, plus ISO 3166-3 for states that old copy still names) and from the
project's own list (config/gazetteer/countries.json): short names ("USA",
"Russland"), former states ("Soviet Union") and demonyms ("iranische", "Iranian").
"""

from __future__ import annotations

import gettext
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pycountry

from wirestream.processors.lang import PROFILES, profile

COUNTRIES_FILE = Path(__file__).resolve().parents[1] / "config" / "gazetteer" / "countries.json"
# pycountry locales of the languages with a profile (English names are the source).
TRANSLATIONS = tuple(p.country_locale for p in PROFILES.values() if p.country_locale)
_DEMONYM_RULES = tuple((p.demonym_key, p.demonym_forms) for p in PROFILES.values()
                       if p.demonym_key and p.demonym_forms)
# Names shared by more than one country are left out rather than guessed.
_AMBIGUOUS = frozenset({"korea", "congo", "kongo", "guinea", "virgin islands"})


@dataclass(frozen=True, slots=True)
class Country:
    alpha2: str
    alpha3: str
    name: str  # English short name
    historic: bool = False

    def to_dict(self) -> dict[str, object]:
        return {"code": self.alpha2, "iso3": self.alpha3, "name": self.name,
                "historic": self.historic}


def normalise(name: str) -> str:
    """Case, dots and spacing do not matter when names are compared ("U.S." == "US")."""
    name = name.replace("’", "'").casefold()
    name = re.sub(r"[.\s]+", " ", name).strip()
    return name.replace(" ", "")


def _translators() -> dict[str, gettext.NullTranslations]:
    out: dict[str, gettext.NullTranslations] = {}
    for lang in TRANSLATIONS:
        try:
            out[lang] = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[lang])
        except OSError:  # a pycountry build without locales: English names only
            continue
    return out


def _variants(name: str) -> list[str]:
    """"Iran, Islamic Republic of" -> itself, "Islamic Republic of Iran" and "Iran"."""
    out = [name]
    if ", " in name:
        head, tail = name.split(", ", 1)
        out += [f"{tail} {head}", head]
    if " (" in name:
        out.append(name.split(" (", 1)[0])
    return out


class CountryIndex:
    """Name and demonym lookups; built once per process (see ``country_index``)."""

    def __init__(self, path: Path = COUNTRIES_FILE) -> None:
        self.by_code: dict[str, Country] = {}
        self._by_name: dict[str, str] = {}
        self._demonyms: dict[str, str] = {}
        clashes: set[str] = set()
        translators = _translators()

        def add_name(name: str, code: str) -> None:
            key = normalise(name)
            if not key or key in _AMBIGUOUS:
                return
            known = self._by_name.get(key)
            if known is not None and known != code:
                clashes.add(key)
            self._by_name.setdefault(key, code)

        for record in pycountry.countries:
            code = record.alpha_2
            self.by_code[code] = Country(code, record.alpha_3,
                                         getattr(record, "common_name", None) or record.name)
            names = [record.name, getattr(record, "common_name", None),
                     getattr(record, "official_name", None)]
            for name in filter(None, names):
                for variant in _variants(name):
                    add_name(variant, code)
                for translator in translators.values():
                    translated = translator.gettext(name)
                    if translated != name and "\n" not in translated:
                        for variant in _variants(translated):
                            add_name(variant, code)
        for record in pycountry.historic_countries:
            historic: str | None = getattr(record, "alpha_2", None)
            if historic and historic not in self.by_code:
                name = _variants(record.name)[-1] if "," in record.name else record.name
                self.by_code[historic] = Country(historic, record.alpha_3, name, historic=True)
        # The project's list wins over pycountry where both name a country.
        data = json.loads(path.read_text(encoding="utf-8"))["countries"]
        for code, entry in data.items():
            if code not in self.by_code:
                continue
            for name in entry["names"]:
                key = normalise(name)
                self._by_name[key] = code
                clashes.discard(key)
            if "name" in entry:  # a friendlier English name than ISO's ("Russia")
                country = self.by_code[code]
                self.by_code[code] = Country(code, country.alpha3, entry["name"], country.historic)
            # Each language's demonyms in the forms its profile makes of them.
            for key, forms in _DEMONYM_RULES:
                for word in entry[key]:
                    for form in forms(word):
                        self._demonyms[form] = code
            for word in entry["people"]:
                self._demonyms[word] = code
        for key in clashes:
            self._by_name.pop(key, None)

    def by_name(self, name: str) -> Country | None:
        code = self._by_name.get(normalise(name))
        return self.by_code.get(code) if code else None

    def by_demonym(self, word: str) -> Country | None:
        """Exact-case match of one word ("iranische", "Iranian"); hyphenated forms too."""
        code = self._demonyms.get(word)
        if code is None and "-" in word:
            # "russisch-iranische" names two countries; the last is the head. Only when every
            # part is a demonym: "bosnisch-serbische" is Bosnian, not Serbian.
            parts = word.split("-")
            if all(self._demonyms.get(p) or self._demonyms.get(p + "e") for p in parts[:-1]):
                code = self._demonyms.get(parts[-1])
        return self.by_code.get(code) if code else None

    def get(self, code: str) -> Country | None:
        return self.by_code.get(code)

    def names_in(self, language: str) -> list[str]:
        """ISO 3166-1 names as ``language`` writes them ("Georgien", "Jordanien"), with
        their short forms ("Iran" from "Iran, Islamische Republik"), that name exactly one
        country here; English for a language without a locale."""
        found = profile(language)
        translator: gettext.NullTranslations = gettext.NullTranslations()
        if found is not None and found.country_locale:
            translator = _translators().get(found.country_locale, translator)
        names: set[str] = set()
        for record in pycountry.countries:
            for name in filter(None, (record.name, getattr(record, "common_name", None))):
                for variant in _variants(translator.gettext(name)):
                    if "," not in variant and "(" not in variant and self.by_name(variant):
                        names.add(variant)
        return sorted(names)


@lru_cache(maxsize=1)
def country_index() -> CountryIndex:
    return CountryIndex()
