"""Organisations and places: where an organisation is based, what government it belongs to,
and which larger place a place lies in."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import replace

from rdflib import URIRef
from spacy.tokens import Span, Token

from kg.extract.finder import PLACES, FinderBase, prepositional_objects
from kg.extract.lexicon import (
    GOVERNMENT_NOUNS,
    NEWS_NOUNS,
    ORGANIZATION_DESCRIPTIONS,
    ORGANIZATION_NOUNS,
    international_organizations,
    organization_countries,
)
from kg.extract.mentions import PLACE_NOUNS
from kg.extract.sources import source_lines
from kg.gazetteer import (
    city_countries,
    find_city,
    find_country,
    find_demonym,
    find_us_state,
    normalise_name,
    subdivision_countries,
)
from kg.ontology import KG
from kg.records import Relation

# Kinds of place whose "of" names the place itself ("the city of Karachi").
NAMED_PLACE_NOUNS = PLACE_NOUNS - {"capital"}

# Words besides the organisation nouns that show a demonym is a place of business ("German carmaker").
ORGANIZATION_WORDS = {
    "carmaker",
    "automaker",
    "firm",
    "company",
    "bank",
    "insurer",
    "airline",
    "retailer",
    "broadcaster",
    "newspaper",
    "giant",
    "group",
    "maker",
    "producer",
    "manufacturer",
    "operator",
}

# Words that make a name with a country in front an institution of that country.
INSTITUTION_WORDS = {
    "force",
    "forces",
    "army",
    "navy",
    "police",
    "parliament",
    "exchange",
    "museum",
    "assembly",
    "senate",
    "congress",
    "embassy",
    "airways",
    "airlines",
    "railways",
    "broadcasting",
    "television",
    "radio",
    "federation",
    "academy",
    "chamber",
}

# Organisations that act where they are based.
NATIONAL_ORGANIZATIONS = {KG.PoliticalParty, KG.GovernmentBody, KG.NewsOrganization}
# What a person who is its citizen can be to a party or state body of a country.
NATIONAL_SERVICE = {KG.memberOf, KG.headOf, KG.spokespersonOf, KG.worksFor}

# Words of the names of bodies above countries ("European Parliament", "Council of Europe").
SUPRANATIONAL_WORDS = {"european", "europe", "international", "world", "global", "united", "nations"}

# "China's foreign ministry" → its Ministry of Foreign Affairs.
MINISTRY_TOPICS = {"foreign": "Foreign Affairs", "defense": "Defense", "defence": "Defence"}


class PlaceRules(FinderBase):
    """Rules that place organisations and places."""

    def find_government_bodies(self) -> Iterator[Relation]:
        """ "China's commerce ministry" → a Ministry of Commerce that is partOf China;
        "the Trump administration" → a government body of its own."""
        for token in self.tokens:
            lemma = token.lower_
            if lemma in {"ministry", "ministries"} and self.entities.key_at(token) is None:
                country = self._country_modifier(token)
                topics = [c for c in token.children if c.dep_ in {"compound", "amod"} and c.is_alpha]
                topics = [t for t in topics if t.ent_type_ not in {"GPE", "NORP"}]
                if country is None or len(topics) != 1:
                    continue
                topic = MINISTRY_TOPICS.get(topics[0].lower_, topics[0].text.capitalize())
                ministry = self._ministry(topic, country, (topics[0], token))
                yield self.relation(ministry, KG.partOf, country, token, 0.85, "government-body")
            elif lemma in GOVERNMENT_NOUNS and self.entities.key_at(token) is None:
                names = [c for c in token.children if c.dep_ == "compound"]
                keys = {self.entities.key_at(c) for c in names} - {None}
                if len(keys) == 1 and len(names) >= 1:
                    person = keys.pop()
                    if person is not None and self.coarse(person) == "person":
                        surname = self.entities.name(person).split()[-1]
                        name = f"{surname} {token.lower_}"
                        self.entities.add_derived(name, KG.GovernmentBody, normalise_name(name), (token,))
        return
        yield  # pragma: no cover - keeps this a generator when nothing is found

    def _country_modifier(self, token: Token) -> str | None:
        """The country written as a possessive or national adjective on a noun ("China's",
        "Chinese")."""
        for child in token.children:
            if child.dep_ not in {"poss", "amod", "compound", "nmod"}:
                continue
            key = self.entities.key_at(child)
            if key is not None and self.coarse(key) == "country":
                return key
            if child.ent_type_ == "NORP":
                country = find_demonym(child.text)
                if country is not None:
                    return self.entities.country(country.code, child)
        return None

    def find_organization_places(self) -> Iterator[Relation]:
        """ "the Stimson Center, a Washington think tank" → basedIn Washington (and an organisation);
        "the Berlin-based institute" → basedIn Berlin."""
        for token in self.tokens:
            if token.dep_ == "appos" and token.pos_ == "NOUN" and self.entities.key_at(token) is None:
                # "the Stimson Center, a Washington think tank"; "Tabcorp, Australia's largest
                # bookmaker" (any noun, with a possessive place, describing a named organisation)
                org = self._described_organization(token)
                if org is None:
                    continue
                if token.lower_ in NEWS_NOUNS:
                    self.entities.refine_class(org, KG.NewsOrganization)
                dependencies = {"compound", "amod", "nmod"} if token.lower_ in ORGANIZATION_NOUNS else set()
                for modifier in token.children:
                    place = self.entities.key_at(modifier)
                    if modifier.dep_ in dependencies | {"poss"} and place:
                        if self.entities.cls(place) in PLACES:
                            yield self.relation(org, KG.basedIn, place, token, 0.8, "apposition-place")
            elif token.lower_ in {"headquarters", "headquartered", "hq"}:
                # "NRC headquarters in nearby Rockville", "Siemens, headquartered in Munich"
                owners = [c for c in token.children if c.dep_ in {"compound", "poss"}]
                if token.dep_ in {"acl", "amod"}:
                    owners.append(token.head)
                org = next(
                    (k for k in map(self.entities.key_at, owners) if k and self.coarse(k) == "organization"),
                    None,
                )
                preps = [p for p in token.children if p.lower_ == "in"]
                if not preps and token.i + 1 < len(self.doc) and self.doc[token.i + 1].lower_ == "in":
                    preps = [self.doc[token.i + 1]]  # the parser hung "in Rockville" elsewhere
                places = [o for p in preps for o in p.children if o.dep_ == "pobj"]
                for place in filter(None, map(self.entities.key_at, places)):
                    if org is not None and self.entities.cls(place) in PLACES:
                        yield self.relation(org, KG.basedIn, place, token, 0.8, "headquarters")
                        break
            elif token.dep_ == "amod" and token.lower_.endswith("based"):
                # "the Berlin-based institute", "Berlin-based corruption watchdog Transparency
                # International", "the Berlin-based watchdog, Transparency International"
                described = [token.head]
                if token.head.lower_ in ORGANIZATION_NOUNS or token.head.lower_ in BUSINESS_NOUNS:
                    # not "US-based cleric Fethullah Gulen", whatever NER made of the name
                    while described[-1].dep_ == "compound" and len(described) < 4:
                        described.append(described[-1].head)
                    described += [c for c in token.head.children if c.dep_ == "appos"]
                org = next((k for k in map(self.entities.key_at, described) if k is not None), None)
                if org is None or self.coarse(org) != "organization":
                    continue
                for modifier in token.subtree:
                    place = self.entities.key_at(modifier)
                    if place and self.entities.cls(place) in PLACES:
                        yield self.relation(org, KG.basedIn, place, token, 0.8, "based-in")
                        break

    def _described_organization(self, appos: Token) -> str | None:
        """The organisation an apposition like ", a Washington think tank" describes: its head,
        or the organisation named just before the comma (the parser often attaches such an
        apposition to the sentence's subject instead)."""
        candidates = [appos.head]
        left = appos.left_edge.i - 1
        while left >= 0 and self.doc[left].is_punct:
            left -= 1
        if left >= 0:
            candidates.append(self.doc[left])
        for token in candidates:
            key = self.entities.key_at(token)
            if key is not None and self.coarse(key) == "organization":
                return key
        return None

    def find_organization_countries(self) -> Iterator[Relation]:
        """ "Germany's Goethe Institute", "German carmaker Volkswagen", "Tokyo's Hosei University",
        "Pakistan's Inter-Services Intelligence agency", "the Israeli Air Force", "Chalmers
        University in Gothenburg" → basedIn the country or city (and partOf the country, for a
        government body)."""
        for ent in self.doc.ents:
            org = self.entities.key_at(ent.root)
            if org is None or self.coarse(org) != "organization":
                continue
            places = [(p, 0.75) for p in self._places_before(ent)]
            places += [(p, 0.6) for p in self._places_in_name(ent)]
            # "the Institute for Palestine Studies in Beirut": "in" hangs on the name's last word
            preps = [p for t in dict.fromkeys((ent.root, ent[-1])) for p in t.children]
            for prep in preps:
                if prep.dep_ == "prep" and prep.lower_ in {"in", "of"}:
                    for obj in prep.children:
                        place = self.entities.key_at(obj)
                        if obj.dep_ != "pobj" or place is None:
                            continue
                        if prep.lower_ == "in" and self.entities.cls(place) == KG.City:
                            places.append((place, 0.7))  # "Chalmers University in Gothenburg"
                        elif prep.lower_ == "in" and self.entities.cls(place) in PLACES:
                            # "Podemos in Spain"; but not "NATO in Afghanistan" nor "Boeing in
                            # India": only a party, a government body or an outlet is where it acts.
                            if self.entities.cls(org) in NATIONAL_ORGANIZATIONS and not _is_international(
                                self.entities.name(org)
                            ):
                                places.append((place, 0.6))
                        elif prep.lower_ == "of" and self.entities.cls(place) == KG.Country:
                            places.append((place, 0.7))  # "OMV of Austria"
            for place, confidence in places:
                yield self.relation(org, KG.basedIn, place, ent.root, confidence, "organization-place")
                if self.coarse(place) == "country" and self.entities.cls(org) == KG.GovernmentBody:
                    yield self.relation(org, KG.partOf, place, ent.root, confidence, "organization-place")

    def _places_in_name(self, ent: Span) -> list[str]:
        """A country or demonym that opens an organisation's name: "Israeli Air Force", "Libya
        Herald", "Austrian People's Party"."""
        name = [t for t in ent if t.lower_ != "the"]
        if len(name) < 2 or not name[0].text[:1].isupper():
            return []
        words = {t.lower_ for t in name}
        key = self.entities.key_at(ent.root)
        last = find_country(name[-1].text) if len(name) == 2 and name[0].is_alpha else None
        if last is not None and not _is_international(ent.text):
            return [self.entities.country(last.code, name[-1])]  # "Air India", "Radio France"
        named_as_organization = words & (ORGANIZATION_NOUNS | ORGANIZATION_WORDS | INSTITUTION_WORDS)
        if not named_as_organization and (key is None or self.entities.cls(key) == KG.Organization):
            return []  # "German Book Trade", "China Opinion": a country word, not an institution
        country = find_country(name[0].text) or find_demonym(name[0].text)
        joins = [i for i, t in enumerate(name) if t.lower_ in {"of", "in"}]
        after = [" ".join(t.text for t in name[i + 1 :]) for i in joins]
        elsewhere = any(find_city(p) or find_country(p) for p in after if p)
        if country is not None and not elsewhere:
            # not "American University of Beirut", which says where it is
            return [self.entities.country(country.code, name[0])]
        # "Supreme Court of India", "Bank of Japan"
        of = next((i for i, t in enumerate(name) if t.lower_ == "of"), None)
        if of is not None and 0 < of < len(name) - 1:
            country = find_country(" ".join(t.text for t in name[of + 1 :]))
            if country is not None:
                return [self.entities.country(country.code, name[of + 1])]
        return []

    def citizens_of_national_bodies(self, relations: list[Relation]) -> Iterator[Relation]:
        """A member, head, spokesperson or employee of a party or a state body of one country is
        its citizen: "Sigmar Gabriel (SPD)" with the SPD based in Germany → citizenOf Germany."""
        countries: dict[str, set[str]] = defaultdict(set)
        for relation in relations:
            if relation.predicate in {KG.basedIn, KG.partOf} and isinstance(relation.object, str):
                if self.entities.cls(relation.subject) in {KG.PoliticalParty, KG.GovernmentBody}:
                    if self.coarse(relation.object) == "country":
                        countries[relation.subject].add(relation.object)
        for relation in relations:
            if relation.predicate not in NATIONAL_SERVICE or not isinstance(relation.object, str):
                continue
            found = countries.get(relation.object, set())
            if len(found) != 1 or self.coarse(relation.subject) != "person":
                continue
            yield _derived(relation, KG.citizenOf, next(iter(found)), "+national-body")

    def regions_of_homes(self, relations: list[Relation]) -> Iterator[Relation]:
        """Whoever lives in a place lives in the region the same sentence writes it with, and
        what is based there is based in the region: "Marie Ferraro, 50, of Bethany, Conn." lives
        in Bethany and in Connecticut; "NRC headquarters in nearby Rockville, Md." is in Maryland."""
        regions = {
            (r.subject, r.sentence): r.object
            for r in relations
            if r.predicate == KG.locatedIn and r.rule == "place-comma-place" and isinstance(r.object, str)
        }
        for relation in relations:
            region = regions.get((str(relation.object), relation.sentence))
            if relation.predicate in {KG.livesIn, KG.basedIn} and region is not None:
                yield _derived(relation, relation.predicate, region, "+region")

    def countries_of_cities(self, relations: list[Relation]) -> Iterator[Relation]:
        """An organisation based in a city is based in the city's country too, when the article
        names that country: "Baltimore-based Under Armour … in the US"."""
        for relation in relations:
            if relation.predicate != KG.basedIn or not isinstance(relation.object, str):
                continue
            if self.entities.cls(relation.object) != KG.City:
                continue
            city = find_city(self.entities.name(relation.object))
            country = "country:" + city.country_code if city is not None else None
            if country is not None and country in self.entities.keys():
                yield _derived(relation, KG.basedIn, country, "+gazetteer")

    def _places_before(self, ent: Span) -> list[str]:
        """Countries or cities written as possessives or names in the words that modify a name
        from the left ("Pakistan's", "U.S.", "Tokyo's"), or countries as demonyms when those words
        say it is an organisation
        ("German carmaker", "the British newspaper")."""
        inside = set(range(ent.start, ent.end))
        if ent.root.dep_ == "compound" and ent.root.head.lower_ in ORGANIZATION_NOUNS:
            inside.add(ent.root.head.i)  # "Pakistan's Inter-Services Intelligence agency"
        chain: list[Token] = []
        i = ent.start - 1
        described = i >= 0 and self.doc[i].lower_ in ORGANIZATION_DESCRIPTIONS
        if described and ent.root.dep_ == "appos" and ent.root.head.i == i:
            inside.add(i)  # "the US magazine Newsweek", parsed as a name in apposition to "magazine"
            i -= 1
        while i >= 0:
            token = self.doc[i]
            if token.tag_ != "POS" and not (token.text == "-" and token.head.i in inside):  # "left-liberal"
                if token.head.i not in inside or token.dep_ not in {"compound", "amod", "nmod", "poss"}:
                    break
                key = self.entities.key_at(token)
                if key is not None and self.entities.cls(key) not in {KG.Country, KG.City}:
                    break
                chain.append(token)
                inside.add(i)
            i -= 1
        words = {t.lower_ for t in chain} | {t.lower_ for t in ent} | {self.doc[j].lower_ for j in inside}
        says_organization = bool(words & (ORGANIZATION_DESCRIPTIONS | ORGANIZATION_WORDS))
        found: list[str] = []
        for token in chain:
            key = self.entities.key_at(token)
            if key is not None:
                found.append(key)
            elif says_organization and token.text[:1].isupper():
                country = find_demonym(token.text)
                if country is not None:
                    found.append(self.entities.country(country.code, token))
        return found

    def find_place_hierarchy(self) -> Iterator[Relation]:
        """ "Bethany, Conn.", "Denison, Texas", "Saint-Gall, Switzerland": a place written with the
        larger place it lies in. GeoNames vetoes a pairing it knows to be wrong."""
        ents = [e for e in self.doc.ents if e.label_ in {"GPE", "LOC"}]
        for first, second in zip(ents, ents[1:], strict=False):
            if second.start != first.end + 1 or self.doc[first.end].text != ",":
                continue
            if first.start > 0 and self.doc[first.start - 1].text == ",":
                continue  # "…, Piedmont, Southwest, United and U.S. Air": a list
            if second.end < len(self.doc) and self.doc[second.end].text not in {
                ",",
                ".",
                ")",
                ";",
                "(",
                "\n",
            }:
                continue  # a list ("Paris, London and Rome"), not a place and its region
            small, large = self.entities.key_at(first.root), self.entities.key_at(second.root)
            if small is None or large is None or small == large:
                continue
            if self.entities.cls(small) not in PLACES or self.coarse(small) == "country":
                continue
            if self.entities.cls(large) not in PLACES:
                continue
            if self._known_elsewhere(small, large):
                continue
            if find_us_state(second.text) is not None:
                # "Portland, Ore." is how American news names that Portland.
                self.entities.add_form(small, self.doc[first.start : second.end].text)
            yield self.relation(small, KG.locatedIn, large, first.root, 0.85, "place-comma-place")

    def find_places_within(self) -> Iterator[Relation]:
        """ "California's Sierra Nevada", "Beijing's Tiananmen Square", "the Najd plateau in
        northern Saudi Arabia", "Bosnia's capital, Sarajevo", "the Lithuanian capital, Vilnius"
        → locatedIn. GeoNames vetoes a city put in a country it knows to be wrong."""
        for token in self.tokens:
            small = self.entities.key_at(token)
            if small is not None and self.entities.key_at(token.head) == small:
                continue  # not the root of the name
            if small is None and token.lower_ == "capital" and token.pos_ == "NOUN":
                # "Bosnia's capital, Sarajevo": the apposition is the place, the owner the larger one.
                appositions = [c for c in token.children if c.dep_ == "appos"]
                if token.dep_ == "appos":
                    appositions.append(token.head)
                if token.i + 2 < len(self.doc) and self.doc[token.i + 1].text == ",":
                    appositions.append(self.doc[token.i + 2])  # the parser hung "Vilnius" elsewhere
                small = next((k for k in map(self.entities.key_at, appositions) if k), None)
                owners = [c for c in token.children if c.dep_ in {"poss", "amod", "compound"}]
                # "Yerevan, the capital of Armenia"
                owners += prepositional_objects(token, "of")
            elif small is None and token.lower_ in NAMED_PLACE_NOUNS and token.pos_ == "NOUN":
                # "the southern Pakistani city of Karachi", "Pakistan's Punjab province"
                names = [c for c in token.children if c.dep_ == "compound"]
                names += prepositional_objects(token, "of")
                small = next((k for k in map(self.entities.key_at, names) if k), None)
                owners = [c for c in token.children if c.dep_ in {"poss", "amod"}]
            elif small is None or self.entities.cls(small) not in PLACES:
                continue  # most tokens: no need to look at their children
            else:
                owners = [c for c in token.children if c.dep_ == "poss"]
                # "Lowman, a small resort town in Idaho": the place noun in apposition says where
                kinds = [c for c in token.children if c.dep_ == "appos" and c.lower_ in PLACE_NOUNS]
                owners += [o for word in [token, *kinds] for o in prepositional_objects(word, "in")]
                # "Brazoria, Fort Bend, Galveston and Harris Counties in southeast Texas": the
                # place after the last of a list of places holds them all
                listed = self._listed_places(token)
                owners += [o for word in listed for o in prepositional_objects(word, "in")]
            if small is None or self.entities.cls(small) not in PLACES:
                continue
            for owner in owners:
                large = self.entities.key_at(owner)
                if large is None and owner.ent_type_ == "NORP":
                    country = find_demonym(owner.text)
                    large = self.entities.country(country.code, owner) if country else None
                if large is None or large == small or self.entities.cls(large) not in PLACES:
                    continue
                if self.coarse(small) == "country" and self.coarse(large) != "place":
                    continue  # a country lies in a region, never in another country
                if self._known_elsewhere(small, large):
                    continue
                yield self.relation(small, KG.locatedIn, large, token, 0.8, "place-within")

    def _listed_places(self, token: Token) -> list[Token]:
        """The other items of a list of places ``token`` is in, when every item is a place."""
        items = sorted(token.conjuncts, key=lambda t: t.i)
        if not items:
            return []
        keys = [self.entities.key_at(t) for t in [token, *items]]
        if any(k is None or self.entities.cls(k) not in PLACES for k in keys):
            return []
        return items

    def _known_elsewhere(self, small: str, large: str) -> bool:
        """Whether GeoNames puts the city ``small`` in another country than ``large``."""
        if self.coarse(large) != "country" or self.entities.cls(small) != KG.City:
            return False
        codes = city_countries(self.entities.name(small))
        return bool(codes) and large.removeprefix("country:") not in codes

    def find_city_countries(self) -> Iterator[Relation]:
        """A city the article names lies in the country GeoNames puts it in, and a state or
        province in the one country of the article that has one by that name (ISO 3166-2), when
        the article names that country too ("… in Hamburg … Germany", "Punjab … Pakistan"); the
        evidence is the place's first sentence."""
        named = {key.removeprefix("country:") for key in self.entities.keys() if key.startswith("country:")}
        for key in self.entities.keys():
            cls = self.entities.cls(key)
            if cls not in {KG.City, KG.Place}:
                continue
            name = self.entities.name(key)
            city = find_city(name) if cls == KG.City else None
            if city is not None:
                # "Hanover" with both Germany and the US in the article: either city
                codes, confidence = city_countries(name) & named, 0.9
            else:
                codes, confidence = subdivision_countries(name) & named, 0.8
            first = self.entities.first_mention(key)
            if len(codes) == 1 and first is not None:
                country = "country:" + next(iter(codes))
                yield self.relation(key, KG.locatedIn, country, first, confidence, "gazetteer")

    def find_source_cities(self) -> Iterator[Relation]:
        """ "Moscow INTERFAX in English 1601 GMT": the source of a monitored report is based in
        the city its source line names."""
        for city_span, source_span in source_lines(self.doc):
            city, source = self.entities.key_at(city_span.root), self.entities.key_at(source_span.root)
            if city is None or source is None or self.coarse(source) != "organization":
                continue
            self.entities.refine_class(source, KG.NewsOrganization)  # it broadcast or wrote the report
            if self.entities.cls(city) in PLACES and self.coarse(city) != "country":
                yield self.relation(source, KG.basedIn, city, source_span.root, 0.85, "source-line")

    def find_known_organization_countries(self) -> Iterator[Relation]:
        """A well-known organisation tied to one country ("the Bundestag", "Gazprom", "Fidesz")
        is based in it, when the article names that country too; the evidence is the
        organisation's first sentence."""
        keys = self.entities.keys()
        for key in keys:
            if self.coarse(key) != "organization":
                continue
            country = self._known_country(key)
            if country is None or country not in keys:
                continue
            first = next((t for t in self.entities.mentions(key) if not _in_credit_line(t)), None)
            if first is None:
                continue
            yield self.relation(key, KG.basedIn, country, first, 0.85, "known-organization")
            if self.entities.cls(key) == KG.GovernmentBody:
                yield self.relation(key, KG.partOf, country, first, 0.85, "known-organization")

    def _known_country(self, key: str) -> str | None:
        """The country key of a well-known organisation tied to one country, named in the
        article or not."""
        table = organization_countries()
        names = {key.removeprefix("derived:"), normalise_name(self.entities.name(key))}
        names |= {normalise_name(form) for form in self.entities.forms(key)}
        codes = {table[name] for name in names if name in table}
        return "country:" + codes.pop() if len(codes) == 1 else None

    def home_country_bodies(self, relations: list[Relation]) -> Iterator[Relation]:
        """A government body or party the article does not tie to any country is its country's,
        in an article about one country ("the Interior Ministry said" in a report on Angola)."""
        placed = {
            r.subject
            for r in relations
            if r.predicate in {KG.basedIn, KG.partOf}
            and isinstance(r.object, str)
            and self.coarse(r.object) in {"country", "place"}
        }
        countries: dict[str, set[str]] = defaultdict(set)
        for r in relations:
            if r.predicate == KG.basedIn and isinstance(r.object, str) and self.coarse(r.object) == "country":
                countries[r.subject].add(r.object)
        for key in self.entities.keys():
            cls = self.entities.cls(key)
            if cls not in {KG.GovernmentBody, KG.PoliticalParty} or key in placed:
                continue
            name = self.entities.name(key)
            words = set(normalise_name(name).split())
            if _is_international(name) or words & SUPRANATIONAL_WORDS or key.startswith("derived:"):
                continue  # "the European Court of Human Rights"; "the Obama administration"
            if any(find_country(w) or find_demonym(w) for w in name.split()):
                continue  # "Alternative for Germany" says its country itself
            first = self.entities.first_mention(key)
            if first is None or _in_credit_line(first):
                continue
            home = self.entities.home_country()
            if home is None:
                return
            known = self._known_country(key)
            if known is not None and known != home:
                continue  # the SPD in an article about Turkey is still Germany's
            siblings = {
                sibling
                for mention in self.entities.mentions(key)
                for sibling in map(self.entities.key_at, mention.conjuncts)
                if sibling is not None
            }
            listed = {c for sibling in siblings for c in countries.get(sibling, ())}
            listed |= {c for c in map(self._known_country, siblings) if c is not None}
            if listed and home not in listed:
                continue  # "from the CDU, SPD, Greens and the Left party" in an article about Turkey
            yield self.relation(key, KG.basedIn, home, first, 0.6, "home-country")
            if cls == KG.GovernmentBody:
                yield self.relation(key, KG.partOf, home, first, 0.6, "home-country")


# Nouns news uses for an organisation beside the generic ones ("corruption watchdog").
BUSINESS_NOUNS = {"watchdog", "maker", "giant", "carmaker", "lender"}


def _derived(relation: Relation, predicate: URIRef, obj: str, rule: str) -> Relation:
    """A relation that follows from another: same subject and evidence, a little less sure."""
    return replace(
        relation,
        predicate=predicate,
        object=obj,
        confidence=round(relation.confidence * 0.9, 2),
        rule=relation.rule + rule,
    )


def _in_credit_line(token: Token) -> bool:
    """Whether a token is in a line that credits sources rather than states anything:
    "jlw / kms (AP, AFP, dpa)", "(Reuters)"."""
    sentence = token.sent
    opening = next((t.i for t in sentence if t.text == "("), None)
    if opening is None or opening > token.i or opening - sentence.start > 5:
        return False
    return not any(t.pos_ in {"VERB", "AUX"} for t in sentence[: opening - sentence.start])


def _is_international(name: str) -> bool:
    """Whether an organisation works across countries, so that "X in Y" says where it acts, not
    where it is based."""
    return normalise_name(name) in international_organizations()
