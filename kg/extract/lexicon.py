"""Word lists the extraction rules share, loaded once from the files in ``kg/data``."""

from __future__ import annotations

from functools import cache
from importlib import resources

from kg.gazetteer import normalise_name

# Bodies of an organisation that are institutions of their own: the president of the "EU
# parliament" presides over the parliament, not the EU.
INSTITUTION_NOUNS = {"parliament", "commission", "council", "court", "assembly", "senate"}

# Nouns that name an organisation when they head a name or an apposition ("a Washington think tank").
ORGANIZATION_NOUNS = {
    "agency",
    "alliance",
    "association",
    "authority",
    "bank",
    "board",
    "bureau",
    "center",
    "centre",
    "club",
    "coalition",
    "college",
    "commission",
    "committee",
    "company",
    "corporation",
    "council",
    "court",
    "department",
    "firm",
    "foundation",
    "fund",
    "group",
    "institute",
    "institution",
    "league",
    "ministry",
    "network",
    "newspaper",
    "office",
    "organisation",
    "organization",
    "outlet",
    "party",
    "school",
    "service",
    "tank",
    "team",
    "union",
    "university",
    "broadcaster",
    "channel",
    "magazine",
    "daily",
    "publisher",
}
# Nouns that say what kind of organisation the name after them is ("media conglomerate Axel Springer").
ORGANIZATION_DESCRIPTIONS = ORGANIZATION_NOUNS | {
    "airline",
    "automaker",
    "bookmaker",
    "brand",
    "carmaker",
    "conglomerate",
    "insurer",
    "lender",
    "manufacturer",
    "maker",
    "producer",
    "retailer",
    "supplier",
    "startup",
    "weekly",
    "tabloid",
    "giant",
    "watchdog",
    "regulator",
    "ngo",
    "movement",
    "militia",
    "sect",
}
NEWS_NOUNS = {"newspaper", "outlet", "broadcaster", "channel", "magazine", "daily", "publisher"}
NEWS_NAME_ENDINGS = ("Journal", "Times", "Post", "News", "Gazette", "Herald", "Tribune", "Zeitung")
GOVERNMENT_NAME_WORDS = {
    "Ministry",
    "Department",
    "Administration",
    "Parliament",
    "Congress",
    "Senate",
    "Bundestag",
    "Kremlin",
    "White House",
    "Pentagon",
    "Commission",
    "Cabinet",
    "Government",
    "Treasury",
    "Agency",
    "Bureau",
    "Duma",
    "Assembly",
    "Court",
    "Police",
    "Army",
    "Navy",
}
PARTY_NAME_WORDS = {"Party", "Democrats", "Republicans"}
# Capitalised words that end an organisation's name when NER calls it a facility.
ORGANIZATION_NAME_ENDINGS = {
    "Center",
    "Centre",
    "Institute",
    "Foundation",
    "University",
    "College",
    "Council",
    "Fund",
    "Group",
    "Association",
    "Agency",
    "Commission",
    "Committee",
    "Organization",
    "Organisation",
}
# Words after which a name is not an organisation of its own but a government ("the Trump administration").
GOVERNMENT_NOUNS = {"administration", "government", "cabinet", "regime"}
# Descriptions that point back to an entity the article names.
DESCRIPTION_CLASSES = {
    "outlet": "news",
    "newspaper": "news",
    "broadcaster": "news",
    "ministry": "ministry",
    "country": "country",
    "nation": "country",
}
MODAL_WORDS = {"could", "might", "may", "would", "should", "can", "will", "must", "'ll", "’ll"}
# Verbs under which an action is only intended, not done ("threatened to impose tariffs").
UNREAL_VERBS = {
    "threaten",
    "consider",
    "plan",
    "propose",
    "warn",
    "want",
    "seek",
    "hope",
    "try",
    "vow",
    "promise",
    "intend",
    "weigh",
    "mull",
    "expect",
    "refuse",
    "deny",
    "fail",
    "need",
    "decline",
    "urge",
    "call",
    "ask",
    "demand",
}


@cache
def role_kinds() -> dict[str, str]:
    """Role noun (lower case, possibly several words) → kind of role (see ``data/roles.tsv``)."""
    kinds: dict[str, str] = {}
    text = resources.files("kg").joinpath("data/roles.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            word, kind = line.split("\t")
            kinds[word.strip()] = kind.strip()
    return kinds


def _normalised_names(data_file: str) -> frozenset[str]:
    """The names of a data file (one per line, "#" comments), normalised."""
    text = resources.files("kg").joinpath(data_file).read_text(encoding="utf-8")
    return frozenset(
        normalise_name(line) for line in text.splitlines() if line.strip() and not line.startswith("#")
    )


@cache
def role_words() -> frozenset[str]:
    """Every word of every role noun ("prime", "minister", "ceo", …)."""
    return frozenset(word for role in role_kinds() for word in role.split())


@cache
def news_outlets() -> frozenset[str]:
    """Normalised names of well-known news organisations."""
    return _normalised_names("data/outlets.txt")


@cache
def political_parties() -> frozenset[str]:
    """Normalised names of well-known political parties."""
    return _normalised_names("data/parties.txt")


@cache
def known_acronyms() -> dict[str, tuple[str, ...]]:
    """Normalised acronym → normalised full names it stands for, where it is not their initials
    ("SPD" → "social democratic party of germany", …); the first is the official name."""
    table: dict[str, tuple[str, ...]] = {}
    text = resources.files("kg").joinpath("data/acronyms.tsv").read_text(encoding="utf-8")
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            short, names = line.split("\t")
            table[normalise_name(short)] = tuple(normalise_name(n) for n in names.split("|"))
    return table


@cache
def international_organizations() -> frozenset[str]:
    """Normalised names of institutions, outlets and organisations that work across countries
    (the known institutions and news organisations, and the UN's and EU's bodies)."""
    names = _normalised_names("data/institutions.txt") | news_outlets()
    return names | {"un", "united nations", "eu", "european union", "nato", "red cross", "unhcr", "unicef"}


@cache
def known_clubs() -> frozenset[str]:
    """Normalised names of well-known sports clubs."""
    return _normalised_names("data/clubs.txt")


@cache
def club_words() -> frozenset[str]:
    """Every word of the known clubs' names ("bayern", "dortmund", "schalke", …), lower case."""
    return frozenset(word for name in known_clubs() for word in name.split())


@cache
def organization_country_rows() -> tuple[tuple[str, str], ...]:
    """(name as written, ISO code) of every organisation tied to one country (see
    ``data/organization_countries.tsv``)."""
    text = resources.files("kg").joinpath("data/organization_countries.tsv").read_text(encoding="utf-8")
    rows = (line.split("\t") for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return tuple((name.strip(), code.strip()) for name, code in rows)


@cache
def organization_countries() -> dict[str, str]:
    """Normalised name of an organisation tied to one country → that country's ISO code."""
    table: dict[str, str] = {}
    for name, code in organization_country_rows():
        table[normalise_name(name)] = code
    return table
