"""Find the entities one article names and merge every mention of the same thing.

spaCy's NER proposes mentions; the article as a whole decides their class (a name typed PERSON
in one sentence and ORG in another is one Person), and inside the article name parts ("Wang" →
Wang Xiaohong), short names ("the Journal"), acronyms ("WSJ") and country spellings ("U.S.",
"America") join the entity they stand for.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from networkx.utils import UnionFind
from rdflib import URIRef
from spacy.tokens import Doc, Span, Token

from kg.extract.lexicon import (
    GOVERNMENT_NAME_WORDS,
    GOVERNMENT_NOUNS,
    INSTITUTION_NOUNS,
    NEWS_NAME_ENDINGS,
    ORGANIZATION_DESCRIPTIONS,
    ORGANIZATION_NAME_ENDINGS,
    ORGANIZATION_NOUNS,
    PARTY_NAME_WORDS,
    club_words,
    known_acronyms,
    known_clubs,
    news_outlets,
    political_parties,
    role_kinds,
    role_words,
)
from kg.gazetteer import (
    City,
    Country,
    find_city,
    find_country,
    find_demonym,
    find_us_state,
    normalise_name,
    subdivision_countries,
)
from kg.ontology import KG
from kg.records import Entity

ENTITY_LABELS = {"PERSON", "ORG", "GPE", "LOC", "FAC"}
PLACE_KINDS = {"district", "province", "region", "state", "area", "county", "city", "town", "village"}
NOBLE_TITLES = {"duke", "duchess", "prince", "princess", "earl", "countess", "lord", "lady", "baron"}
HONORIFICS = {
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "sir",
    "dame",
    "frau",
    "herr",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "professor",
    "prof",
    "prof.",
}
# Words after an organisation's short name that do not change what it names.
CORPORATE_SUFFIXES = {
    "corporation",
    "corp",
    "inc",
    "group",
    "international",
    "ag",
    "gmbh",
    "ltd",
    "co",
    "company",
    "holdings",
    "sa",
    "plc",
    "se",
    "llc",
    "news",  # "Xinhua" of "Xinhua News"
    "agency",
}
GEOGRAPHIC_SUFFIXES = {
    "strip",
    "sea",
    "ocean",
    "river",
    "mountains",
    "island",
    "islands",
    "valley",
    "region",
    "province",
    "state",
    "peninsula",
    "desert",
    "bay",
    "gulf",
    "lake",
}
# How much more specific a class is: the most specific one seen for an entity wins.
_SPECIFICITY = {
    KG.NewsOrganization: 2,
    KG.GovernmentBody: 2,
    KG.PoliticalParty: 2,
    KG.City: 2,
    KG.Organization: 1,
    KG.Place: 1,
    KG.Country: 3,
    KG.Person: 3,
}
COARSE_CLASS = {
    KG.Person: "person",
    KG.Organization: "organization",
    KG.GovernmentBody: "organization",
    KG.NewsOrganization: "organization",
    KG.PoliticalParty: "organization",
    KG.Country: "country",
    KG.City: "place",
    KG.Place: "place",
    KG.TariffEvent: "event",
}


@dataclass(frozen=True)
class Title:
    """A title written before a person's name: "German Chancellor", "Treasury Secretary"."""

    text: str
    kind: str
    countries: tuple[str, ...]
    nationalities: tuple[str, ...]  # countries named by a demonym ("German"): the person's too
    organizations: tuple[Token, ...]
    start: int
    # A name NER did not find that the role is held in: "Gazprom" of "Gazprom CEO", "EU
    # parliament" of "EU parliament president".
    unnamed: tuple[Token, ...] = ()


@dataclass
class _Group:
    """Mentions that share one normalised name (or one country) before merging."""

    identity: str
    votes: defaultdict[str, float] = field(default_factory=lambda: defaultdict(float))  # label → weight
    forms: Counter[str] = field(default_factory=Counter)
    tokens: list[tuple[int, int]] = field(default_factory=list)
    country_code: str | None = None
    in_body: bool = False  # mentioned outside a headline at least once


class ArticleEntities:
    """The entities of one parsed article and which tokens mention each of them.

    >>> import spacy
    >>> nlp = spacy.blank("en")
    >>> _ = nlp.add_pipe("sentencizer")
    >>> entities = ArticleEntities(nlp("Nothing here."))
    >>> entities.entities()
    ()
    """

    def __init__(self, doc: Doc) -> None:
        self.doc = doc
        # The article's tokens, made once: the rules walk them, and spaCy makes a new Token
        # object at each step of a walk over the Doc.
        self.tokens: list[Token] = list(doc)
        self._token_key: dict[int, str] = {}
        self._classes: dict[str, URIRef] = {}
        self._names: dict[str, str] = {}
        self._identities: dict[str, str] = {}
        self._forms: dict[str, Counter[str]] = defaultdict(Counter)
        self._mention_starts: dict[str, list[int]] = defaultdict(list)
        self._home_country: str | None = None  # "" once known to be none
        self._build()

    # -- lookups used by the relation rules -------------------------------------------------

    def key_at(self, token: Token) -> str | None:
        """The entity a token belongs to, if any."""
        return self._token_key.get(token.i)

    def cls(self, key: str) -> URIRef:
        """The class of an entity."""
        return self._classes[key]

    def name(self, key: str) -> str:
        """The canonical name of an entity."""
        return self._names[key]

    def keys(self) -> list[str]:
        """Every entity key, in order of first mention."""
        return sorted(self._classes, key=lambda k: min(self._mention_starts[k] or [len(self.doc)]))

    def mentions_before(self, token: Token, classes: set[URIRef]) -> list[tuple[int, str]]:
        """(token index, key) of mentions of the given classes that start before ``token``."""
        found = [
            (start, key)
            for key, starts in self._mention_starts.items()
            if self._classes[key] in classes
            for start in starts
            if start < token.i
        ]
        return sorted(found)

    def first_mention(self, key: str) -> Token | None:
        """The first token that mentions an entity, if the text names it."""
        starts = [i for i in self._mention_starts[key] if i < len(self.doc)]
        return self.doc[min(starts)] if starts else None

    def mentions(self, key: str) -> list[Token]:
        """The first token of every mention of an entity, in text order."""
        return [self.doc[i] for i in sorted(set(self._mention_starts[key])) if i < len(self.doc)]

    def refine_class(self, key: str, cls: URIRef) -> None:
        """Narrow an entity's class from context ("a Washington think tank", "the outlet")."""
        current = self._classes[key]
        if COARSE_CLASS[current] == COARSE_CLASS[cls] and _SPECIFICITY[cls] >= _SPECIFICITY[current]:
            self._classes[key] = cls

    def add_derived(self, name: str, cls: URIRef, identity: str, tokens: Iterable[Token] = ()) -> str:
        """Add an entity the text implies but NER does not name (a ministry from a title)."""
        key = "derived:" + identity
        if key not in self._classes:
            self._classes[key] = cls
            self._names[key] = name
            self._identities[key] = identity
        for token in tokens:
            self._token_key.setdefault(token.i, key)
        start = min((t.i for t in tokens), default=len(self.doc))
        self._mention_starts[key].append(start)
        return key

    def organization_named(self, name: str) -> str | None:
        """The article's one organisation that ``name`` names: the same name, or the one whose
        name has it for a word ("Bayern" → "Bayern Munich", which then has "Bayern" as a form)."""
        identity = normalise_name(name)
        if identity in self._classes:
            return identity
        # "VW" of Volkswagen: a well-known short name
        full = next((n for n in known_acronyms().get(identity, ()) if n in self._classes), None)
        if full is not None:
            self.add_form(full, name)
            return full
        fuller = [
            key
            for key in self._classes
            if COARSE_CLASS.get(self._classes[key]) == "organization"
            and identity
            and identity in self._identities[key].split()
        ]
        if len(fuller) > 1:
            fuller = [key for key in fuller if key in known_clubs()]  # "Dortmund" → Borussia Dortmund
        if len(fuller) != 1:
            return None
        self.add_form(fuller[0], name)
        return fuller[0]

    def organization_phrase(self, tokens: list[Token]) -> str:
        """The organisation a phrase names that NER did not ("EU parliament", "Green party"): the
        article's entity of that name if there is one, else a new one."""
        name = " ".join(t.text for t in tokens)
        identity = organization_identity(name)
        if identity in self._classes:
            for token in tokens:
                self._token_key.setdefault(token.i, identity)
            return identity
        return self.organization_named(name) or self.add_derived(
            name, organization_class(name), identity, tokens
        )

    def country(self, code: str, token: Token | None = None) -> str:
        """The key of a country, adding it when the article names it only by a demonym
        ("German Chancellor Angela Merkel" → Germany)."""
        key = "country:" + code
        if key not in self._classes:
            self._classes[key] = KG.Country
            self._names[key] = _country_name(code)
            self._identities[key] = key
        if token is not None:
            self._mention_starts[key].append(token.i)
            if token.ent_type_ == "NORP":
                # "German" in "German Chancellor" is how this article names Germany.
                self._forms[key][token.text] += 1
        return key

    def home_country(self) -> str | None:
        """The country an article is about: named at least twice, and at least twice as often as
        any other (its demonyms count: "German", "Germany's")."""
        if self._home_country is not None:
            return self._home_country or None
        counts: Counter[str] = Counter()
        for ent in self.doc.ents:
            if ent.label_ == "NORP":
                demonym = find_demonym(ent.text)
                if demonym is not None:
                    counts["country:" + demonym.code] += 1
            else:
                key = self.key_at(ent.root)
                if key is not None and self._classes.get(key) == KG.Country:
                    counts[key] += 1
        ranked = counts.most_common(2)
        sure = ranked and ranked[0][1] >= 2 and (len(ranked) == 1 or ranked[0][1] >= 2 * ranked[1][1])
        # an entity of the article even where only demonyms name it
        self._home_country = self.country(ranked[0][0].removeprefix("country:")) if sure else ""
        return self._home_country or None

    def forms(self, key: str) -> set[str]:
        """Every surface form seen so far of an entity."""
        return set(self._forms[key])

    def add_form(self, key: str, form: str) -> None:
        """Record another surface form of an entity ("President Trump")."""
        self._forms[key][form] += 1

    def entities(self) -> tuple[Entity, ...]:
        """The article's entities as records."""
        for ent in self.doc.ents:
            # "Soviet" in "Soviet historian Roy Medvedev" is how this article names the Soviet
            # Union, whichever rule brought the country in.
            if ent.label_ == "NORP":
                country = find_demonym(ent.text)
                key = "country:" + country.code if country is not None else ""
                if key in self._classes and ent.text not in self._forms[key]:
                    self._forms[key][ent.text] = 1
        for key, cls in self._classes.items():
            if COARSE_CLASS.get(cls) == "organization":
                for form in list(self._forms[key]):
                    for short in (_without_nationality(form), _without_country(form)):
                        if short is not None and short not in self._forms[key]:
                            self._forms[key][short] = 1
        return tuple(
            Entity(
                key=key,
                cls=self._classes[key],
                name=self._names[key],
                identity=self._identities[key],
                forms=frozenset(self._forms[key]) | {self._names[key]},
                mention_count=max(1, len(self._mention_starts[key])),
            )
            for key in self.keys()
        )

    # -- building ---------------------------------------------------------------------------

    def _build(self) -> None:
        lowercase_words = {t.lower_ for t in self.tokens if t.is_lower}
        headlines = {sentence.start for sentence in self.doc.sents if _is_headline(sentence)}
        in_titles = _office_title_tokens(self.doc)
        groups: dict[str, _Group] = {}
        # Words of the people's names: "Jordan" of "Michael Jordan" is not the country.
        name_words = {t.lower_ for e in self.doc.ents if e.label_ == "PERSON" and len(e) > 1 for t in e}
        for ent in self.doc.ents:
            if ent.label_ not in ENTITY_LABELS:
                continue
            span = trim_mention(ent)
            if span is None or _is_common_word(span, lowercase_words) or span.start in in_titles:
                continue
            country = find_country(span.text)
            if country is not None and span.label_ == "PERSON" and {t.lower_ for t in span} <= name_words:
                country = None
            form = _qualified_place(span) or span.text
            if country is not None:
                identity = "country:" + country.code
            elif form != span.text:
                identity = normalise_name(form)  # "Frankfurt (Oder)" is not Frankfurt am Main
            else:
                identity = normalise_name(_place_name(span) or span.text)
            if not identity:
                continue
            group = groups.setdefault(identity, _Group(identity))
            if country is not None:
                group.country_code = country.code
            group.votes[_vote_label(span)] += _vote_weight(span)
            group.forms[form] += 1
            group.tokens.append((span.start, span.end))
            group.in_body |= span.sent.start not in headlines
        for token in self.tokens:
            # "Dortmund keeper Roman Weidenfeller": the city's name in the title is its club's,
            # and so is the same name elsewhere in the article ("Dortmund scored first").
            identity = normalise_name(token.text) if not token.ent_type_ and token.is_title else ""
            if identity in groups and _before_sports_role(self.doc, token.i + 1):
                if find_city(token.text) or token.lower_ in club_words():
                    groups[identity].votes["ORG"] += 3.0
        merged = _merge_groups(groups)
        for root, members in merged.items():
            clusters = [groups[m] for m in members]
            # NER misreads title-case headlines ("Town Boasts Cutting-Edge Technology"); a name
            # seen only there counts when the article names it again in its text.
            if any(c.in_body or c.country_code for c in clusters):
                self._add_cluster(root, clusters)

    def _add_cluster(self, root: str, members: list[_Group]) -> None:
        forms: Counter[str] = Counter()
        for member in members:
            forms.update(member.forms)
        head = next(m for m in members if m.identity == root)
        # The class is voted by every mention, the fullest name's counting twice: "Leo Tolstoy"
        # read once as an organisation is still the person that "Tolstoy" names three times.
        votes: defaultdict[str, float] = defaultdict(float)
        for member in members:
            for label, weight in member.votes.items():
                votes[label] += weight * (2 if member is head else 1)
        cls, name, identity = _classify(_Group(head.identity, votes, country_code=head.country_code), forms)
        key = identity
        self._classes[key] = cls
        self._names[key] = name
        self._identities[key] = identity
        self._forms[key].update(forms)
        for member in members:
            for start, end in member.tokens:
                self._mention_starts[key].append(start)
                for i in range(start, end):
                    self._token_key[i] = key
        if cls == KG.Person:
            for member in members:
                for start, end in member.tokens:
                    title = title_before(self.doc[start:end])
                    # Formal titles are part of how people are named ("President Trump");
                    # descriptions ("Bayern Munich striker") are not.
                    if title is not None and title.kind and self.doc[title.start : start].text.istitle():
                        self.add_form(key, self.doc[title.start : end].text)
                    elif start > 0 and _is_honorific(self.doc[start - 1]):
                        self.add_form(key, self.doc[start - 1 : end].text)  # "Dr. Martin Luther King Jr."


def _without_nationality(name: str) -> str | None:
    """The name an organisation goes by at home, without the nationality in front ("Nigerian
    Human Rights Commission" → "Human Rights Commission", "British Parliament" → "Parliament"),
    or None when the name does not start with one."""
    first, _, rest = name.partition(" ")
    if not rest or find_demonym(first) is None or find_country(first) is not None:
        return None
    words = rest.split()
    if not _name_words(words):
        return None
    if len(words) == 1 and words[0] not in GOVERNMENT_NAME_WORDS:
        return None  # "German Marshall": not a name of its own
    for i, word in enumerate(words[:-1]):
        place = " ".join(words[i + 1 :])
        if word in {"of", "in"} and (find_city(place) or find_country(place)):
            return None  # "American University of Beirut" is not the University of Beirut
    return rest


def _without_country(name: str) -> str | None:
    """The name an organisation goes by at home, without the country it is "of" ("Supreme Court
    of India" → "Supreme Court"), or None when the name does not end so."""
    rest, of, place = name.rpartition(" of ")
    words = rest.split()
    if not of or len(words) < 2 or find_country(place) is None or not _name_words(words):
        return None
    return rest


def _name_words(words: list[str]) -> bool:
    """Whether words read as a name: capitalised, but for the small words that join names."""
    return all(w[:1].isupper() or w.lower() in {"of", "for", "and", "on", "the"} for w in words)


# Time zones of broadcast schedules, which NER takes into the city's name or for an organisation.
TIME_ZONES = {"UTC", "GMT", "CET", "CEST"}


def trim_mention(ent: Span) -> Span | None:
    """The name inside an NER span: without a leading article, possessive or punctuation.

    A capitalised "The" inside a sentence is part of the name ("The Wall Street Journal").
    """
    start, end = ent.start, ent.end
    doc = ent.doc
    if any(t.text == "/" for t in ent):
        return None  # "tkw / AFP / AP": a credit line, several names
    opening = [t.i for t in ent if t.text == "("]
    if opening and not any(t.text == ")" and t.i > opening[-1] for t in ent):
        # "the European Bank for Reconstruction and Development (EBRD)": NER stopped inside the
        # brackets; the name is before them.
        end = opening[-1]
    while end > start and (
        doc[end - 1].tag_ == "POS"
        or doc[end - 1].is_punct
        and doc[end - 1].text != "."
        or doc[end - 1].lower_ in {"of", "and", "the"}  # "OMV of", NER running into the next phrase
        or doc[end - 1].text in TIME_ZONES  # "Edmonton UTC -6 | New York UTC -4": a schedule
    ):
        end -= 1
    while start < end and (doc[start].is_punct or doc[start].is_space):
        start += 1
    # "Berlin's Moabit district", "the Saarland state": the kind of place is not its name.
    while ent.label_ in {"GPE", "LOC"} and end - start > 1 and doc[end - 1].lower_ in PLACE_KINDS:
        if not doc[end - 1].is_lower:
            break
        end -= 1
    # "the official IRNA news agency", "the Reuters news agency": the kind of organisation is not
    # its name (a party's is: "the Left party").
    generic = end
    while (
        generic > start + 1
        and doc[generic - 1].is_lower
        and doc[generic - 1].text in GENERIC_ORGANIZATION_WORDS
    ):
        generic -= 1
    if generic < end and generic > start and not doc[generic - 1].is_lower:
        end = generic
    if start < end and doc[start].lower_ == "the":
        opens = start == 0 or doc[start - 1].text in {":", '"', "“", "'", "‘", "(", "—", "–"}
        if doc[start].text == "the" or doc[start].is_sent_start or opens or end - start == 1:
            start += 1
    while start < end and doc[start].lower_ in HONORIFICS:
        start += 1
    # "MEP Lunacek", "Archaeologist Lutz": NER sometimes takes the title into the name.
    while ent.label_ == "PERSON" and end - start > 1 and doc[start].lower_ in role_kinds():
        start += 1
    # "Secretary of State Matthew Bryza": the last word of the title, not of the name.
    if (
        end - start >= 3
        and start >= 2
        and doc[start - 1].lower_ == "of"
        and doc[start - 2].lower_ in role_kinds()
        and doc[start].text in {"State", "Defense", "Defence", "Justice", "Health", "Labor", "Labour"}
    ):
        start += 1
    # "EU Energy Commissioner Andris Piebalgs": the portfolio is not part of the EU's name.
    if (
        ent.label_ == "ORG"
        and end - start == 2
        and doc[start].text in {"EU", "UN"}
        and end < len(doc)
        and doc[end].lower_ in role_kinds()
    ):
        end -= 1
    if start >= end:
        return None
    span = Span(doc, start, end, label=ent.label_)
    if not any(ch.isalpha() for ch in span.text) or span.text.islower():
        return None
    return span


def _office_title_tokens(doc: Doc) -> set[int]:
    """Tokens of government titles before people's names ("Treasury" in "Treasury Secretary
    Scott Bessent"): NER often takes them for organisations of their own."""
    found: set[int] = set()
    for ent in doc.ents:
        if ent.label_ == "PERSON":
            title = title_before(ent)
            if title is not None and title.kind == "minister":
                found.update(i for i in range(title.start, ent.start) if doc[i].ent_type_ == "ORG")
    return found


def _qualified_place(span: Span) -> str | None:
    """A city named with the river or region that tells it from a bigger namesake, "Frankfurt
    (Oder)", "Halle (Saale)", as GeoNames names it."""
    doc = span.doc
    if span.label_ not in {"GPE", "LOC"} or span.end + 2 >= len(doc):
        return None
    if doc[span.end].text != "(" or doc[span.end + 2].text != ")":
        return None
    city = find_city(f"{span.text} ({doc[span.end + 1].text})")
    return city.name if city is not None else None


def _place_name(span: Span) -> str | None:
    """The standard name of a place NER found, so "Mass." and "Massachusetts", "Kiev" and
    "Kyiv" group together."""
    if span.label_ not in {"GPE", "LOC"}:
        return None
    city = find_city(span.text) if span.label_ == "GPE" else None
    state = find_us_state(span.text)
    if state is not None and not _is_big_city(city):
        return state
    return city.name if city is not None else None


def _is_big_city(city: City | None) -> bool:
    """News means the city by "Washington" or "New York", not the state."""
    return _is_city_of(city, 500_000)


def _is_city_of(city: City | None, population: int) -> bool:
    return city is not None and city.population >= population


def _is_headline(sentence: Span) -> bool:
    """A title-case line of its own above more text: most of its words start with a capital
    and it does not end like a sentence."""
    words = [t for t in sentence if t.is_alpha and len(t) > 3]
    last = sentence[-1]
    if (
        len(words) < 3
        or sentence.end >= len(sentence.doc)
        or not ("\n" in last.text or "\n" in last.whitespace_)
    ):
        return False
    if sentence.text.rstrip()[-1:] in {".", "!", "?", '"', "”"}:
        return False
    return sum(t.text[0].isupper() for t in words) >= 0.75 * len(words)


def _is_common_word(span: Span, lowercase_words: set[str]) -> bool:
    """A one-word name the article also writes in lower case is a common word ("Fentanyl")."""
    return len(span) == 1 and span[0].lower_ in lowercase_words and span.label_ != "GPE"


def _vote_label(span: Span) -> str:
    if _has_organization_title(span) or _names_club(span) or _plays_for(span):
        return "ORG"
    last = span[-1]
    if len(span) > 1 and (
        last.is_lower and last.text in ORGANIZATION_NOUNS or last.text in INSTITUTION_NAME_ENDS
    ):
        return "ORG"  # "the official IRNA news agency": no person's name ends in "agency"
    if span.label_ == "ORG" and normalise_name(span.text) in news_outlets() | political_parties():
        return "ORG"  # "an interview with Interfax, the chief of …": not a person's name
    if span.label_ in {"PERSON", "ORG"} and _has_place_apposition(span):
        return "GPE"  # "Yerevan, the capital of Armenia", whatever NER made of the name
    if span.label_ == "ORG" and _is_big_city(find_city(span.text)) and span.text.lower() not in club_words():
        return "GPE"  # "arrested in the southern Pakistani city of Karachi", read as an organisation
    if span.label_ == "PERSON" and len(span) > 1 and _is_city_of(find_city(span.text), 100_000):
        return "GPE"  # "the Border Patrol Police (BPP), Khon Kaen,": a city of several words
    if span.label_ == "PERSON" or _has_role_title(span) or _has_role_apposition(span) or _has_age(span):
        return "PERSON"
    if _is_assassinated(span):
        return "PERSON"
    if len(span) > 2 and span[0].lower_ in NOBLE_TITLES and span[1].lower_ == "of":
        return "PERSON"  # "the Duchess of York" is a person, not York
    if span.label_ in {"GPE", "LOC"} and len(span) > 1 and span[-1].lower_ in BODY_NOUNS:
        return "ORG"  # "the District of Columbia Council", "the Berlin Senate"
    if span.label_ == "ORG" and len(span) > 1 and subdivision_countries(span.text):
        return "GPE"  # "Uttar Pradesh" read as an organisation
    if span.label_ == "ORG" and span.root.dep_ == "compound" and span.root.head.lower_ in GOVERNMENT_NOUNS:
        # "the Trump administration": the name is a person's, the administration is the organisation.
        return "NAME"
    return span.label_


def _has_age(span: Span) -> bool:
    """ "Marie Magdefrau Ferraro, 50, of Bethany": a name followed by an age is a person's."""
    doc = span.doc
    if span.end + 2 >= len(doc) or doc[span.end].text != "," or doc[span.end + 2].text != ",":
        return False
    age = doc[span.end + 1].text
    return age.isdigit() and 0 < int(age) < 120 and len(span) > 1


# Words of killing that only a person undergoes: "the assassination of Lincoln", "Lincoln's
# assassin", "Lincoln was assassinated".
ASSASSINATION_WORDS = {"assassinate", "assassination", "assassin"}


def _is_assassinated(span: Span) -> bool:
    """ "assassin of Lincoln", NER's organisation: only people are assassinated."""
    root = span.root
    if root.dep_ in {"dobj", "nsubjpass", "poss"}:
        return root.head.lemma_.lower() in ASSASSINATION_WORDS
    return (
        root.dep_ == "pobj"
        and root.head.lower_ == "of"
        and root.head.head.lemma_.lower() in ASSASSINATION_WORDS
    )


# Lower-case words after an organisation's name that say what kind it is ("IRNA news agency").
GENERIC_ORGANIZATION_WORDS = (ORGANIZATION_NOUNS - {"party", "league", "daily"}) | {"news", "think"}

# Last words of names that are an organisation's, never a person's.
INSTITUTION_NAME_ENDS = {
    "Agency",
    "Association",
    "Commission",
    "Committee",
    "Corporation",
    "Council",
    "Foundation",
    "Institute",
    "Ministry",
    "Organisation",
    "Organization",
    "Party",
    "University",
}

# Last words of the names of institutions NER may read as places ("Berlin Senate").
BODY_NOUNS = {
    "council",
    "committee",
    "commission",
    "ministry",
    "senate",
    "parliament",
    "assembly",
    "court",
    "government",
    "university",
    "institute",
    "police",
}

# Nouns that say a name in apposition to them is a place's ("Yerevan, the capital of Armenia").
PLACE_NOUNS = PLACE_KINDS - {"state", "area"} | {"capital", "port", "island", "suburb", "municipality"}


def _has_place_apposition(span: Span) -> bool:
    """ "Yerevan, the capital of Armenia", "Lowman, a small town in Idaho": a name in apposition
    to a kind of place."""
    root = span.root
    neighbours = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        neighbours.append(root.head)
    return any(n.pos_ == "NOUN" and not n.ent_type_ and n.lower_ in PLACE_NOUNS for n in neighbours)


def _has_role_title(span: Span) -> bool:
    """ "President Trump", "Treasury Secretary Bessent": a name after a person's office."""
    title = title_before(span)
    return title is not None and bool(title.kind)


def _has_role_apposition(span: Span) -> bool:
    """ "Harrington, a professor of political science": a name in apposition to a person's role."""
    root = span.root
    neighbours = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        neighbours.append(root.head)
    before = phrase_before_name(span)
    if before is not None:
        neighbours.append(before)  # "the head of the Ifo think tank in Munich, Clemens Fuest,"
    roles = role_kinds()
    return any(n.pos_ == "NOUN" and n.ent_type_ == "" and n.lower_ in roles for n in neighbours)


def phrase_before_name(span: Span) -> Token | None:
    """The noun of a phrase set off by commas just before a name ("the head of the Ifo think
    tank in Munich, Clemens Fuest, …"), which the parser may have failed to join to the name."""
    doc = span.doc
    if span.start < 2 or span.end >= len(doc) or doc[span.start - 1].text != ",":
        return None
    if doc[span.end].text not in {",", "(", "."}:  # "the mayor of Berlin, Michael Müller (SPD),"
        return None
    edge = node = noun = doc[span.start - 2]
    while node.head.i != node.i and node.head.right_edge.i == edge.i:
        node = node.head
        if node.pos_ == "NOUN":
            noun = node
    if noun.pos_ == "NOUN":
        return noun
    if span.root.dep_ in {"appos", "conj"} and span.root.head.i < span.start:
        # The parser hung the name on the last word of the phrase ("in Munich, Clemens Fuest"),
        # or joined it to the role as a second item ("the mayor of Berlin, Michael Müller (SPD)"):
        # climb the phrase's of/in chain to the singular noun it describes.
        node = span.root.head
        while node.dep_ in {"pobj", "prep"} and node.head.i < node.i:
            node = node.head
        if node.tag_ == "NN" and (node is not span.root.head or span.root.dep_ == "conj"):
            return node
    return None


def _has_organization_title(span: Span) -> bool:
    """ "German media conglomerate Axel Springer", "French satirical magazine Charlie Hebdo": a
    name after a noun that says what kind of organisation it is."""
    if span.start == 0:
        return False
    before = span.doc[span.start - 1]
    # "Hungary's left-liberal daily Nepszabadsag": "daily" tagged as the adjective
    noun = before.pos_ == "NOUN" or before.lower_ in {"daily", "weekly"} and before.pos_ == "ADJ"
    return (
        noun
        and before.lower_ in ORGANIZATION_DESCRIPTIONS
        # "magazine" modifies the name, or the parser set the name beside it as an apposition
        and (
            span.start <= before.head.i < span.end
            or span.root.dep_ == "appos"
            and span.root.head.i == before.i
        )
    )


def _vote_weight(span: Span) -> float:
    titled = _has_role_title(span) or _has_organization_title(span)
    if titled or _names_club(span) or _plays_for(span):
        return 3.0
    before = span.doc[span.start - 1].lower_ if span.start else ""
    if span.label_ == "PERSON" and (before in HONORIFICS or len(span) > 1):
        # "Mr. Hill", "Warren Hill": a full name or an honorific says more than "Hill's lawyers"
        return 2.0
    return 1.0


# Positions in a sports team: a city's name before one of them is its club's ("Dortmund keeper").
SPORTS_ROLES = {
    "player",
    "striker",
    "midfielder",
    "goalkeeper",
    "keeper",
    "defender",
    "forward",
    "winger",
    "attacker",
    "coach",
    "captain",
    "teammate",
    "squad",
}


def _names_club(span: Span) -> bool:
    """ "Dortmund keeper Roman Weidenfeller", "Augsburg's new coach", "his Nuremberg squad": a
    place's name written before a position in a team names the team."""
    if span.label_ not in {"GPE", "LOC"} or find_country(span.text) is not None:
        return False
    return _before_sports_role(span.doc, span.end)


def _plays_for(span: Span) -> bool:
    """ "Guerrero played for Hamburg", "scored twice for Dortmund": a city's name a player plays
    or scores for is its club's."""
    root = span.root
    if span.label_ not in {"GPE", "LOC"} or root.dep_ != "pobj" or root.head.lower_ != "for":
        return False
    verb = root.head.head
    if verb.dep_ == "dobj" and verb.lower_ in {"goal", "goals"}:
        verb = verb.head
    return verb.lemma_.lower() in {"play", "score"} and find_country(span.text) is None


def _before_sports_role(doc: Doc, i: int) -> bool:
    """Whether a position in a team follows token ``i`` (after a possessive and modifiers)."""
    end = i
    if i < len(doc) and doc[i].tag_ == "POS":
        i += 1
    while i < len(doc) and i - end < 4 and doc[i].dep_ in {"amod", "compound"} and doc[i].head.i > i:
        if doc[i].lower_ in SPORTS_ROLES:
            return True  # "Dortmund striker Robert Lewandowski"
        i += 1
    return i < len(doc) and doc[i].pos_ == "NOUN" and doc[i].lower_ in SPORTS_ROLES


def _merge_groups(groups: dict[str, _Group]) -> dict[str, list[str]]:
    """Join name parts, short names and acronyms to the one fuller name they stand for.

    "Le Pen" and "Marine" join "Marine Le Pen"; "Lutz" joins "Herbert Lutz" even where NER
    called it a place; "the Journal" joins "The Wall Street Journal", "WSJ" too; "Union Carbide"
    joins "Union Carbide Corporation"; "Gaza" joins "Gaza Strip". A part that fits two fuller
    names ("Johnson" beside Boris and Lyndon Johnson) joins neither.
    """
    union = UnionFind(groups)
    words = {identity: identity.split() for identity in groups}
    named = [g for g in groups.values() if g.country_code is None]
    people = [g for g in named if g.votes.get("PERSON", 0) > 0 and len(words[g.identity]) > 1]
    organizations = [
        g for g in named if _leading_vote(g) in {"ORG", "FAC", "PERSON"} and len(words[g.identity]) > 1
    ]
    places = [g for g in named if _leading_vote(g) in {"GPE", "LOC"}]

    def join(group: _Group, targets: list[_Group]) -> bool:
        roots = {union[t.identity] for t in targets if t is not group}
        if len(roots) == 1:
            union.union(group.identity, roots.pop())
            return True
        return False

    for group in sorted(named, key=lambda g: -len(words[g.identity])):
        mine = words[group.identity]
        vote = _leading_vote(group)
        could_be_name = vote in {"PERSON", "ORG", "NAME"} or (
            len(mine) == 1 and find_city(group.identity) is None and find_country(group.identity) is None
        )
        if could_be_name and join(group, [p for p in people if _is_name_part(mine, words[p.identity])]):
            continue
        if vote in {"ORG", "FAC", "GPE", "PERSON"}:
            # "Bayern" (an organisation) of "Bayern Munich", even where NER read that as a place.
            named_places = [p for p in places if len(words[p.identity]) > 1] if vote == "ORG" else []
            targets = [
                o for o in organizations + named_places if _is_short_name(group, mine, o, words[o.identity])
            ]
            if join(group, targets):
                continue
            if len(mine) == 1 and join(group, _clubs_named_by(mine[0], organizations, words)):
                continue  # "Dortmund keeper …" in an article about Borussia Dortmund
        if vote in {"GPE", "LOC"}:
            if join(group, [p for p in places if _is_place_part(mine, words[p.identity])]):
                continue
            if len(mine) == 1 and find_city(group.identity) is None:
                # "Bayern" of "Bayern Munich": a word NER read as a region opens a club's name.
                join(group, [o for o in organizations if _is_short_name(group, mine, o, words[o.identity])])
            elif len(mine) == 1:
                # "Dortmund" in an article about Borussia Dortmund is the club.
                join(group, _clubs_named_by(mine[0], organizations, words))
    for group in named:
        # "SPD" and "Social Democratic Party", "VW" and "Volkswagen": well-known short names.
        full_names = known_acronyms().get(group.identity, ())
        join(group, [g for g in named if g.identity in full_names])
    components: dict[str, list[str]] = defaultdict(list)
    for identity in groups:
        components[union[identity]].append(identity)
    merged: dict[str, list[str]] = {}
    for members in components.values():
        # The fullest name leads ("European Commission" over "EU Commission", "Volkswagen" over
        # "VW"): most words, most mentions, then alphabetical.
        root = min(
            members,
            key=lambda m: (
                -len(words[m]),
                words[m][0] == "eu" or m in known_acronyms(),
                -len(groups[m].tokens),
                m,
            ),
        )
        merged[root] = sorted(members)
    return merged


def _clubs_named_by(word: str, organizations: list[_Group], words: dict[str, list[str]]) -> list[_Group]:
    """The well-known clubs of the article with ``word`` in their name."""
    return [o for o in organizations if o.identity in known_clubs() and word in words[o.identity]]


def _is_short_name(group: _Group, mine: list[str], organization: _Group, full: list[str]) -> bool:
    """ "Journal" of "Wall Street Journal", "WSJ" of it, "Union Carbide" of "Union Carbide Corp"."""
    if organization is group:
        return False
    if mine[0] == "eu" and full[0] == "european" and mine[1:] == full[1:]:
        return True  # "EU Commission" of "European Commission"
    if len(mine) >= len(full):
        return False
    if len(mine) == 1 and (mine[0] == full[-1] or _is_acronym(group, organization)):
        return True
    if (
        len(mine) == 1
        and mine[0] == full[0]
        and not any(form.isupper() for form in group.forms)  # "EU" opens many names
        and (find_city(mine[0]) is None or mine[0] in ORGANIZATION_NOUNS)  # "University", Florida
        and find_country(mine[0]) is None
        and find_us_state(mine[0]) is None
    ):
        # "Council" of "Council of Europe", "Bayern" of "Bayern Munich", "Amnesty" of "Amnesty
        # International"; not "Berlin" of "Berlin Philharmonic".
        return True
    return full[: len(mine)] == mine and all(w in CORPORATE_SUFFIXES for w in full[len(mine) :])


def _is_place_part(mine: list[str], full: list[str]) -> bool:
    """ "Gaza" of "Gaza Strip", "Mediterranean" of "Mediterranean Sea"."""
    return (
        len(full) > len(mine)
        and full[: len(mine)] == mine
        and all(w in GEOGRAPHIC_SUFFIXES for w in full[len(mine) :])
    )


def _leading_vote(group: _Group) -> str:
    return max(sorted(group.votes), key=lambda label: group.votes[label])


def _is_name_part(part: list[str], full: list[str]) -> bool:
    """ "wang" of "wang xiaohong", "trump" of "donald trump", "donald trump" of "donald j trump",
    "le pen" of "marine le pen"."""
    if len(part) >= len(full):
        return False
    if len(part) == 1:
        return part[0] in (full[0], full[-1])
    return part[0] == full[0] and part[-1] == full[-1] or full[-len(part) :] == part


def _is_acronym(short: _Group, full: _Group) -> bool:
    form = max(short.forms, key=len)
    letters = re.sub(r"[^A-Za-z]", "", form)
    if not (2 <= len(letters) <= 6 and letters.isupper()):
        return False
    return initials(max(full.forms, key=len)) == letters


def initials(name: str) -> str:
    """The capital initials of a name, as its acronym would spell them.

    >>> initials("The Wall Street Journal")
    'WSJ'
    """
    return "".join(w[0] for w in re.findall(r"[A-Za-z][\w-]*", name) if w[0].isupper() and w != "The")


def _classify(group: _Group, forms: Counter[str]) -> tuple[URIRef, str, str]:
    """Class, canonical name and identity of a merged cluster."""
    if group.country_code is not None:
        return KG.Country, _country_name(group.country_code), "country:" + group.country_code
    label = _leading_vote(group)
    name = _canonical_name(forms, label)
    identity = normalise_name(name)
    if label in {"PERSON", "NAME"}:
        return KG.Person, name, identity
    if label in {"GPE", "LOC"}:
        state = find_us_state(name)
        city = find_city(name)
        if state is not None and not _is_big_city(city):
            return KG.Place, state, normalise_name(state)
        if city is not None and label == "GPE":
            return KG.City, city.name, normalise_name(city.name)
        return KG.Place, name, identity
    if label == "FAC":
        if name.split()[-1] in ORGANIZATION_NAME_ENDINGS:
            return organization_class(name), name, identity
        return KG.Place, name, identity
    return organization_class(name), name, organization_identity(name)


def organization_identity(name: str) -> str:
    """The identity of an organisation's name: "EU Commission" and "European Commission" share
    one, and so do "SPD" and the Social Democratic Party of Germany."""
    identity = normalise_name(name)
    if identity.startswith("eu "):
        identity = "european " + identity[3:]
    if identity in known_acronyms():
        identity = known_acronyms()[identity][0]
    return identity


def organization_class(name: str) -> URIRef:
    """The most specific organisation class a name alone shows."""
    words = set(name.split())
    if normalise_name(name) in news_outlets() or name.endswith(NEWS_NAME_ENDINGS):
        return KG.NewsOrganization
    if words & PARTY_NAME_WORDS or normalise_name(name) in political_parties():
        return KG.PoliticalParty
    if words & GOVERNMENT_NAME_WORDS or "White House" in name:
        return KG.GovernmentBody
    return KG.Organization


def _canonical_name(forms: Counter[str], label: str) -> str:
    """The fullest form: most words, then most frequent, then alphabetical (for determinism);
    "European Commission" over "EU Commission"."""

    def rank(form: str) -> tuple[int, int, bool, int, str]:
        starts_with_the = form.startswith("The ")
        short = form.startswith("EU ") or normalise_name(form) in known_acronyms()
        return (-len(form.split()) + starts_with_the, -starts_with_the, short, -forms[form], form)

    candidates = [f for f in forms if not (label == "PERSON" and f.isupper())]
    return sorted(candidates or forms, key=rank)[0]


def _country_name(code: str) -> str:
    from kg.gazetteer import find_country_by_code

    return find_country_by_code(code).name


def title_before(span: Span) -> Title | None:
    """The title written before a name, if its last word is a known role.

    "Treasury Secretary Scott Bessent" → "Treasury Secretary"; "German Chancellor Angela
    Merkel" → "Chancellor" with country Germany; "Israel's new Defense Minister Moshe Yaalon" →
    "Defense Minister" with country Israel; "Real Madrid midfielder Mesut Özil" → "midfielder"
    with organisation Real Madrid.
    """
    doc = span.doc
    start = _title_start(span)
    if start == span.start:
        return None
    words = [t for t in doc[start : span.start] if t.tag_ != "POS"]
    kind = _title_kind(words)
    if kind is None and not (words[-1].pos_ == "NOUN" and any(_country_word(t) for t in words)):
        return None
    countries: list[str] = []
    nationalities: list[str] = []
    organizations: list[Token] = []
    title_words: list[Token] = []
    sports = words[-1].lower_ in SPORTS_ROLES  # "Dortmund keeper": the city's name is its club's
    for token in words:
        country = find_country(_entity_text(token)) if token.ent_type_ == "GPE" else None
        demonym = nationality(token) if country is None else None
        if demonym is not None:
            nationalities.append(demonym.code)
            countries.append(demonym.code)
        elif country is not None:
            countries.append(country.code)
            possessive = token.i + 1 < len(doc) and doc[token.i + 1].tag_ == "POS"
            if token.text.replace(".", "") in {"US", "UK"}:
                nationalities.append(country.code)  # "US actor Tom Hanks", but "Russia expert X"
            elif (
                possessive and kind in {"employee", "member"} and not any(t.ent_type_ == "ORG" for t in words)
            ):
                # "India's renowned journalist Tavleen Singh", not "Germany's Bayern Munich striker X"
                nationalities.append(country.code)
        elif token.ent_type_ == "ORG" and kind != "minister" or sports and token.ent_type_ in {"GPE", "LOC"}:
            organizations.append(token)
        elif token.lower_ in TIME_WORDS and not title_words and not token.ent_type_:
            continue  # "new", not the "New" of "New York Sen. Robert F. Kennedy"
        else:
            title_words.append(token)
    if not title_words:
        return None
    unnamed: list[Token] = []
    for token in title_words[:-1]:
        if unnamed_holder_word(token, sports):
            if unnamed and unnamed[-1].i != token.i - 1:
                break  # one name only
            unnamed.append(token)
    institution = doc[organizations[-1].i + 1] if organizations else None
    if (
        institution is not None
        and institution in title_words[:-1]
        and institution.lower_ in INSTITUTION_NOUNS
    ):
        # "EU parliament president Martin Schulz" presides over the parliament, not the EU.
        named = {t.i for t in organizations}
        first = institution.i
        while first - 1 in named:
            first -= 1
        run = [doc[i] for i in range(first, institution.i)]
        unnamed = run + [institution]
        organizations = [t for t in organizations if t not in run]
    else:
        party = next((t for t in title_words[:-1] if t.lower_ == "party" and t.text.islower()), None)
        phrase = party_phrase(party) if party is not None else None
        if phrase is not None:
            unnamed = phrase  # "Green party politician Irene Mihalic"
    if kind is None:
        # "US actor Tom Hanks": no office, but the person's nationality.
        nationalities += [c for c in countries if c not in nationalities]
    return Title(
        text="".join(t.text_with_ws for t in title_words).strip(),
        kind=kind or "",
        countries=tuple(countries),
        nationalities=tuple(nationalities),
        organizations=tuple(organizations),
        start=start,
        unnamed=tuple(unnamed),
    )


# Capitalised words of titles that are not names ("Opposition leader", "Senior Editor").
_TITLE_ADJECTIVES = {
    "opposition",
    "senior",
    "deputy",
    "former",
    "chief",
    "executive",
    "vice",
    "acting",
    "interim",
    "general",
    "party",
    "state",
    "federal",
    "national",
    "team",
    "club",
    "company",
    "group",
    "new",
    "top",
    "veteran",
    "assistant",
    "associate",
    "managing",
    "police",
    "army",
    "military",
    "defense",
    "defence",
    "foreign",
    "interior",
    "finance",
    "justice",
    "health",
    "trade",
    "economy",
    "government",
}


# Words before a title that say when, not what ("new Foreign Minister", "then President").
TIME_WORDS = {"new", "then", "current", "newly", "elected"}


def _is_honorific(token: Token) -> bool:
    return token.lower_ in HONORIFICS and token.is_title


def _entity_text(token: Token) -> str:
    """The text of the whole entity a token is in: "New Jersey" for "Jersey", which alone names
    the island."""
    doc = token.doc
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    end = token.i + 1
    while end < len(doc) and doc[end].ent_iob_ == "I":
        end += 1
    return doc[start:end].text


def unnamed_holder_word(token: Token, sports: bool = False) -> bool:
    """A word of a title that names where the role is held though NER found no name there (with
    ``sports``, a city's name too: "Dortmund keeper")."""
    if token.ent_type_ or not token.text[:1].isupper():
        return False
    if sports and (find_city(token.text) or token.lower_ in club_words()):
        return True  # "Bayern striker", "Dortmund keeper", whatever the tagger made of the word
    if token.pos_ != "PROPN" or token.lower_ in _TITLE_ADJECTIVES or token.lower_ in role_words():
        return False
    return not (find_demonym(token.text) or find_city(token.text) or find_country(token.text))


def party_phrase(noun: Token) -> list[Token] | None:
    """ "Green party", "Left party": the capitalised words before a lower-case "party" and the
    noun, when they name a party NER did not; not "the Fidesz party" (NER named it) nor "the
    German party" or "a Berlin party"."""
    names: list[Token] = []
    for token in reversed(list(noun.doc[max(0, noun.i - 3) : noun.i])):
        if token.head.i != noun.i or token.dep_ not in {"compound", "amod"} or not token.text[:1].isupper():
            break
        if token.lower_ in _TITLE_ADJECTIVES:
            break  # "Opposition Green party leader"
        names.insert(0, token)
    if not names or any(t.ent_type_ == "ORG" for t in names):
        return None
    phrase = " ".join(t.text for t in names) + " party"
    if normalise_name(phrase) in political_parties() or all(unnamed_holder_word(t) for t in names):
        return names + [noun]
    return None


def _title_start(span: Span) -> int:
    """Where the longest title before a name starts: the words just before it that all hang on
    the name or on each other (compounds, adjectives, possessives, "Secretary of State")."""
    doc = span.doc
    best = span.start
    # "US Secretary of State John Kerry's tour": the parser may hang the title on the noun the
    # name belongs to.
    shared = span.root.head.i if span.label_ == "PERSON" and span.root.dep_ in {"poss", "compound"} else -1
    for start in range(span.start - 1, max(-1, span.start - 8), -1):
        token = doc[start]
        if token.lower_ in {"of", "the", "and", "for"} or token.tag_ == "POS" or token.is_punct:
            continue
        region = range(start, span.end)
        words = doc[start : span.start]
        hung = all(t.head.i in region or t.head.i == shared for t in words)
        if hung and all(_title_word(t) and t.ent_type_ != "PERSON" for t in words):
            best = start
        elif not _title_word(token):
            break
    return best


def _title_word(token: Token) -> bool:
    if token.tag_ == "POS" or token.lower_ in {"of", "for", "and", "co", "ex", "vice"}:
        return True  # "co" of "Green Party co-leader", whatever the parser made of it
    if token.dep_ not in {"compound", "amod", "nmod", "poss", "prep", "pobj", "cc", "conj", "det"}:
        return False
    if token.text[:1].isupper() or token.pos_ in {"NOUN", "ADJ"} or token.lower_ == "the":
        return True
    return token.lower_ in role_kinds()  # "Tottenham Hotspur midfielder", tagged as a verb


def nationality(token: Token) -> Country | None:
    """The country a demonym names, reading a whole NORP entity ("South African")."""
    if token.ent_type_ in {"NORP", "GPE"}:
        ent = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
        return find_demonym(ent.text if ent is not None else token.text)
    return find_demonym(token.text) if token.text[:1].isupper() and not token.ent_type_ else None


def _country_word(token: Token) -> Country | None:
    if token.ent_type_ == "GPE" and find_country(token.text) is not None:
        return find_country(token.text)
    return nationality(token)


def _title_kind(words: list[Token]) -> str | None:
    """The kind of role the last one to three words of a title name ("prime minister"), or the
    word before "of" ("Secretary of State")."""
    roles = role_kinds()
    for size in (3, 2, 1):
        if len(words) >= size:
            phrase = " ".join(t.lower_ for t in words[-size:]).replace(" - ", "-")
            if phrase in roles:
                return roles[phrase]
    lowered = [t.lower_ for t in words]
    if "of" in lowered[1:]:
        return _title_kind(words[: lowered.index("of", 1)])
    return None


def stable_hash(*parts: str) -> str:
    """Sixteen hex digits of SHA-256 over the parts: the same parts give the same hash anywhere."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]
