"""People's roles: "Yun Sun, director of … at the Stimson Center", "German Chancellor Angela
Merkel", "Michael Müller (SPD)", "X is an economist at Y" → worksFor, headOf, ministerOf,
citizenOf, memberOf and the position as written."""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from dataclasses import replace

from rdflib import Literal, URIRef
from spacy.tokens import Span, Token

from kg.extract.actions import is_future, is_hedged
from kg.extract.finder import PLACES, FinderBase, prepositional_objects, subject_of
from kg.extract.lexicon import INSTITUTION_NOUNS, ORGANIZATION_NOUNS, known_clubs, role_kinds
from kg.extract.mentions import (
    PLACE_NOUNS,
    SPORTS_ROLES,
    ArticleEntities,
    Title,
    nationality,
    party_phrase,
    phrase_before_name,
    title_before,
    unnamed_holder_word,
)
from kg.gazetteer import find_city, find_demonym, normalise_name
from kg.ontology import KG
from kg.records import Relation

# Role kind × class of what the role is held in → property.
ROLE_PROPERTIES: dict[tuple[str, str], URIRef] = {
    ("head_of_state", "country"): KG.headOfState,
    ("head_of_state", "organization"): KG.headOf,
    ("head_of_government", "country"): KG.headOfGovernment,
    ("head_of_government", "place"): KG.headOfGovernment,  # "Mamata Banerjee, chief minister of West Bengal"
    ("minister", "country"): KG.ministerOf,
    ("official", "country"): KG.officialOf,
    ("official", "organization"): KG.worksFor,
    ("spokesperson", "country"): KG.spokespersonOf,
    ("spokesperson", "organization"): KG.spokespersonOf,
    ("founder", "organization"): KG.founderOf,
    ("head", "organization"): KG.headOf,
    ("head", "country"): KG.officialOf,
    ("member", "organization"): KG.memberOf,
    ("employee", "organization"): KG.worksFor,
}

# Family words → what the person named with them is to the person they belong to.
FAMILY_NOUNS = {
    "wife": "spouse",
    "husband": "spouse",
    "spouse": "spouse",
    "widow": "spouse",
    "widower": "spouse",
    "son": "child",
    "daughter": "child",
    "father": "parent",
    "mother": "parent",
}

# Roles held in an organisation, so that a name in the title is one ("Gazprom CEO").
UNNAMED_HOLDER_KINDS = {"head", "employee", "member", "founder", "spokesperson"}

# A person who holds one of these offices for a country is its citizen.
CITIZEN_KINDS = {"head_of_state", "head_of_government", "minister", "official"}

# Words of organisations' names that a person "at" one works in.
WORKPLACE_WORDS = {
    "institute",
    "university",
    "college",
    "school",
    "laboratory",
    "laboratories",
    "hospital",
    "clinic",
    "academy",
    "bank",
    "corp",
    "corporation",
    "inc",
    "company",
    "foundation",
    "center",
    "centre",
}

# Verbs that make a person a member of a team or party: "played for", "scored for", "signed
# for", "joined".
TEAM_VERBS = {"play", "score", "sign", "join"}
TEAM_NOUNS = {"side", "team", "squad", "club", "eleven"}


def _names_a_team(name: str) -> bool:
    """Whether an organisation's name is a team's: a word clubs are named with ("FC", "United"),
    or a city's name alone ("Hamburg")."""
    words = normalise_name(name).split()
    if set(words) & {"fc", "united", "city", "athletic", "sporting", "real", "borussia"}:
        return True
    return len(words) == 1 and find_city(name) is not None


# Verbs by which a person is no longer a member: "Müller left his party, the CDU".
LEAVING_VERBS = {"leave", "quit", "exit", "desert", "abandon", "resign"}

# People a language's adjective may describe by what they teach or translate.
LANGUAGE_WORK_NOUNS = {"tutor", "teacher", "translator", "interpreter", "instructor", "lecturer", "professor"}

# Offices that a title without a country holds in the country the article is about.
HOME_KINDS = {"head_of_government", "minister"}
# Words of a title of an office below the country's ("state premier", "regional minister").
LOCAL_WORDS = {
    "state",
    "provincial",
    "regional",
    "county",
    "city",
    "local",
    "municipal",
    "shadow",
    "chief",
    "mayor",
    "governor",
}


class RoleRules(FinderBase):
    """Rules that read what a person is and where."""

    def find_role_appositions(self) -> Iterator[Relation]:
        """ "Yun Sun, director of the China program at the Stimson Center" → worksFor, holdsPosition;
        "China's minister of public security, Wang Xiaohong" → ministerOf China."""
        linked: set[tuple[str, int]] = set()
        found: list[tuple[Token, str, Token]] = []
        for token in self.tokens:
            if token.dep_ != "appos":
                continue
            pairs = [(token.head, token), (token, token.head)]
            for person_token, role in pairs:
                person = self.entities.key_at(person_token)
                if person is None or self.coarse(person) != "person":
                    continue
                role = _role_above(role, self.entities)
                if self.entities.key_at(role) is not None:
                    continue
                if role.pos_ != "NOUN" and not (role.pos_ == "PROPN" and _role_kind(role) is not None):
                    continue  # "India's Prime Minister, Narendra Modi": a role in capitals
                found.append((person_token, person, role))
        # "According to MEP Lunacek, the head of the Green group, Daniel Cohn-Bendit, called …": a
        # role between two names introduces the one after it.
        named_after = {role.i for person_token, _, role in found if person_token.i > role.i}
        for person_token, person, role in found:
            if person_token.i < role.i and role.i in named_after:
                continue
            if (person, role.i) not in linked:
                linked.add((person, role.i))
                yield from self._role_relations(person, role, "apposition-role")
                if role.dep_ == "appos":
                    # "X, co-director of the China Media Project and a fellow of the Robert Bosch
                    # Academy": the parser joined the second role to the name.
                    for extra in person_token.children:
                        if extra.dep_ == "conj" and extra.i > role.i and extra.pos_ == "NOUN":
                            if self.entities.key_at(extra) is None and (person, extra.i) not in linked:
                                linked.add((person, extra.i))
                                yield from self._role_relations(
                                    person, extra, "apposition-role", require_holder=True
                                )
        for person, role in self._unattached_appositions():
            if (person, role.i) not in linked:
                yield from self._role_relations(person, role, "apposition-role")

    def _unattached_appositions(self) -> Iterator[tuple[str, Token]]:
        """ "Italy's prime minister at the time, Silvio Berlusconi, rejected …": a role phrase and a
        name set off by commas on both sides, which the parser failed to join."""
        for ent in self.doc.ents:
            person = self.entities.key_at(ent.root)
            if person is None or self.coarse(person) != "person" or ent.start < 2:
                continue
            role = phrase_before_name(ent)
            if role is not None and _role_kind(role) is not None and self.entities.key_at(role) is None:
                yield person, role

    def _role_relations(
        self, person: str, role: Token, rule: str, require_holder: bool = False
    ) -> Iterator[Relation]:
        """Relations a role noun states: the position, and who it is held in.

        With ``require_holder`` ("X is the only player …"), a role held nowhere says nothing.
        """
        roles = [role] + [c for c in role.children if c.dep_ == "conj" and c.pos_ == "NOUN"]
        kinds = [k for k in (_role_kind(r) for r in roles) if k is not None]
        if not kinds and role.lower_ == "counterpart":
            # "Russian Prime Minister Vladimir Putin and his Japanese counterpart Taro Aso"
            office = self._office_before(role.i)
            kinds = [office] if office is not None else []
        if not kinds:
            if rule == "apposition-role" and role.pos_ == "NOUN":
                # "the Egyptian cleric Osama Moustafa Hassan Nasr": no office, a nationality.
                yield from self._nationality_of_description(person, role, rule=rule)
            return
        modifiers = {c.lower_ for c in role.lefts if c.dep_ in {"amod", "compound", "advmod"}}
        kind = _qualified_kind(kinds[0], modifiers)
        holders = self._role_holders(role, kind or kinds[0])
        if require_holder and not any((kind, self.coarse(holder)) in ROLE_PROPERTIES for holder in holders):
            return
        position = _position_text(role, self.entities)
        yield self.relation(person, KG.holdsPosition, Literal(position), role, 0.85, rule)
        if not holders and kind in HOME_KINDS and not (modifiers | {role.lower_}) & LOCAL_WORDS:
            # "Tony Abbott, the prime minister," in an article about Australia.
            home = self.entities.home_country()
            if home is not None:
                for relation in self._holder_relations(person, kind, home, position, role, 0.65, rule):
                    yield replace(relation, rule="apposition-home-country")
        if kind == "employee" and role.lower_ == "director":
            # "Michael Quante, director of the German Society for Philosophy" heads it; a
            # "director of the China program at the Stimson Center" works for the centre.
            for prep in role.children:
                if prep.dep_ == "prep" and prep.lower_ == "of":
                    for obj in prep.children:
                        headed = self.entities.key_at(obj) if obj.dep_ == "pobj" else None
                        if headed in holders and self.coarse(headed) == "organization":
                            yield from self._holder_relations(
                                person, "head", headed, position, role, 0.8, rule
                            )
                            holders = [h for h in holders if h != headed]
        for holder in holders:
            if kind is not None:
                yield from self._holder_relations(person, kind, holder, position, role, 0.85, rule)
            elif self.coarse(holder) == "country" and kinds[0] in CITIZEN_KINDS | {"head"}:
                # "Italy's former intelligence chief": the office is gone, the nationality is not.
                yield self.relation(person, KG.citizenOf, holder, role, 0.75, rule)
        citizen = {h for h in holders if self.coarse(h) == "country" and kinds[0] in CITIZEN_KINDS}
        if kinds[0] in {"employee", "member"} and not any(self.coarse(h) == "organization" for h in holders):
            # "India's renowned journalist Tavleen Singh", "a member of Switzerland's upper house":
            # the country's own, when no organisation is named to work for.
            for token, _, via in _role_attachments(role):
                key = self.entities.key_at(token) if via == "poss" else None
                if (
                    key is not None
                    and key in holders
                    and self.coarse(key) == "country"
                    and key not in citizen
                ):
                    citizen.add(key)
                    yield self.relation(person, KG.citizenOf, key, role, 0.7, rule)
        yield from self._nationality_of_description(person, role, exclude=citizen, rule=rule)
        for extra in roles[1:]:
            # "a professor at Queens College and honorary president of the Socialist International"
            if any(c.dep_ in {"prep", "poss"} for c in extra.children):
                yield from self._role_relations(person, extra, rule)

    def _nationality_of_description(
        self, person: str, noun: Token, exclude: Iterable[str] = (), rule: str = "apposition-role"
    ) -> Iterator[Relation]:
        """ "Moses Asonya, a retired Ugandan athlete": the nationality of whoever the noun is; not
        of "his German tutor", who may teach the language."""
        if noun.lower_ in LANGUAGE_WORK_NOUNS:
            return
        for modifier in noun.lefts:
            country = nationality(modifier) if modifier.dep_ in {"amod", "compound"} else None
            if country is not None:
                key = self.entities.country(country.code, modifier)
                if key not in exclude:
                    yield self.relation(person, KG.citizenOf, key, noun, 0.7, rule)

    def _role_holders(self, role: Token, kind: str) -> list[str]:
        """The organisations and countries a role noun is held in.

        A head, minister or official holds the office in what is attached to the role itself
        ("president of the Green Party", "China's minister"); an employee works for the
        organisation further down too ("director of the China program at the Stimson Center"),
        and "at X" names the employer over "of X" ("professor of economics at X").
        """
        nested = kind in {"employee", "member"}
        found: list[tuple[int, str, str]] = []
        for token, depth, via in _role_attachments(role):
            if depth > 1 and not nested:
                continue
            key = self.entities.key_at(token)
            if key is None and (token.ent_type_ == "NORP" or token.text[:1].isupper()):
                country = nationality(token)  # "South African" as a whole
                key = self.entities.country(country.code, token) if country else None
            if key is None and token.lower_ in {"country", "nation"}:
                key = self.resolve_description(token)
            if key is None and via == "compound" and token.lower_ in INSTITUTION_NOUNS | {"party"}:
                key = self._named_body(token)  # "a Left party MP", "EU parliament president"
            sports = via == "compound" and role.lower_ in SPORTS_ROLES
            if key is None and sports and unnamed_holder_word(token, True):
                # "Dortmund keeper Roman Weidenfeller": the club NER did not name
                key = self.entities.organization_named(token.text) or self.entities.add_derived(
                    token.text, KG.Organization, normalise_name(token.text), [token]
                )
            if key is not None and key not in {k for _, k, _ in found}:
                found.append((depth, key, via))
        if nested and any(via == "at" for _, _, via in found):
            found = [f for f in found if f[2] == "at"]
        return [key for _, key, _ in found]

    def _named_body(self, noun: Token) -> str | None:
        """The party or institution a lower-case noun and the name before it make ("Left party",
        "EU parliament"), when NER did not name it."""
        if noun.lower_ == "party":
            phrase = party_phrase(noun)
            return self.entities.organization_phrase(phrase) if phrase is not None else None
        names = [c for c in noun.lefts if c.dep_ == "compound"]
        if not names or names[-1].i != noun.i - 1 or not all(t.ent_type_ == "ORG" for t in names):
            return None
        return self.entities.organization_phrase(names + [noun])

    def _holder_relations(
        self, person: str, kind: str, holder: str, position: str, role: Token, confidence: float, rule: str
    ) -> Iterator[Relation]:
        coarse = self.coarse(holder)
        prop = ROLE_PROPERTIES.get((kind, coarse))
        if coarse == "place" and role.lower_ == "governor":
            prop = KG.headOfGovernment  # "the governor of Pakistan's Punjab province"
        if prop is None:
            return
        if kind == "head" and coarse == "country" and _bare_position(position) not in {"leader", "head"}:
            # "Libyan leader Gadhafi" leads the country; "Russian opposition leader Navalny" does
            # not, but is Russian.
            yield self.relation(person, KG.citizenOf, holder, role, confidence * 0.9, rule)
            return
        if prop == KG.worksFor and self.entities.cls(holder) == KG.PoliticalParty:
            prop = KG.memberOf  # "a Left party MP"
        yield self.relation(person, prop, holder, role, confidence, rule)
        if coarse == "country" and kind in CITIZEN_KINDS:
            yield self.relation(person, KG.citizenOf, holder, role, confidence * 0.9, rule)
        if kind == "minister" and coarse == "country":
            ministry = self._ministry_from_title(position, holder)
            if ministry is not None:
                yield self.relation(person, KG.headOf, ministry, role, confidence * 0.9, rule)
                yield self.relation(ministry, KG.partOf, holder, role, confidence * 0.9, rule)

    def _ministry_from_title(self, position: str, country: str) -> str | None:
        """ "minister of public security" → the Ministry of Public Security of that country.

        Only a title that spells out the ministry counts: a "Foreign Minister" heads whatever
        that country calls its foreign office (a State Department, a Foreign Office), which the
        title does not say.
        """
        words = position.split()
        if len(words) < 3 or words[0].lower() != "minister" or words[1] != "of":
            return None
        topic = " ".join(w.capitalize() if w not in {"and", "of", "the"} else w for w in words[2:])
        return self._ministry(topic, country, ())

    def find_title_compounds(self) -> Iterator[Relation]:
        """ "Treasury Secretary Scott Bessent" → holdsPosition "Treasury Secretary"; "German
        Chancellor Angela Merkel" → headOfGovernment and citizenOf Germany."""
        done: set[tuple[str, int]] = set()
        for ent in self.doc.ents:
            key = self.entities.key_at(ent.root)
            if key is None or self.coarse(key) != "person":
                continue
            title = title_before(ent)
            if title is None or (key, title.start) in done:
                continue
            done.add((key, title.start))
            yield from self._title_relations(key, title, ent)

    def _title_relations(self, person: str, title: Title, ent: Span) -> Iterator[Relation]:
        anchor = ent.root
        rule = "title-compound"
        if not title.kind and title.text.lower().split()[-1] == "counterpart":
            # "Chinese President Xi Jinping met his South African counterpart Jacob Zuma": the
            # counterpart holds the same office in South Africa.
            kind = self._office_before(ent.start)
            if kind is not None and title.countries:
                title = replace(title, kind=kind)
        if not title.kind:
            # "US actor Tom Hanks": no office to read, only a nationality.
            for code in title.nationalities:
                country = self.entities.country(code, anchor)
                yield self.relation(person, KG.citizenOf, country, anchor, 0.7, "title-nationality")
            return
        yield self.relation(person, KG.holdsPosition, Literal(title.text), anchor, 0.9, rule)
        kind = _qualified_kind(title.kind, set(title.text.lower().replace("-", " ").split()))
        if kind is None:
            # "former US President Jimmy Carter": the office is gone, the nationality is not.
            if title.kind in CITIZEN_KINDS:
                for code in dict.fromkeys(title.countries):
                    country = self.entities.country(code, anchor)
                    yield self.relation(person, KG.citizenOf, country, anchor, 0.75, rule)
            return
        holders = [self.entities.country(code, anchor) for code in title.countries]
        holders += [k for k in (self.entities.key_at(t) for t in title.organizations) if k]
        named_body = bool(title.unnamed) and title.unnamed[-1].lower_ in INSTITUTION_NOUNS | {"party"}
        if not holders and title.unnamed and (kind in UNNAMED_HOLDER_KINDS or named_body):
            # "Gazprom CEO Alexei Miller": a name NER missed, which the title says is an organisation.
            holders.append(self.entities.organization_phrase(list(title.unnamed)))
        # "Prime Minister Manmohan Singh of India"
        for prep in anchor.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                holders += [
                    k for k in (self.entities.key_at(o) for o in prep.children if o.dep_ == "pobj") if k
                ]
        home = self.entities.home_country() if not holders and kind in HOME_KINDS else None
        if home is not None and not title.unnamed:
            # "Prime Minister Tony Abbott told parliament" in an article about Australia; a
            # "state premier" there holds a lesser office, but is the country's citizen too.
            written = ent.doc[title.start : ent.start].text  # "State" may be taken for a name
            if set(written.lower().replace("-", " ").split()) & LOCAL_WORDS:
                yield self.relation(person, KG.citizenOf, home, anchor, 0.6, "title-home-country")
            else:
                for relation in self._holder_relations(person, kind, home, title.text, anchor, 0.65, rule):
                    yield replace(relation, rule="title-home-country")
        for holder in holders:
            yield from self._holder_relations(person, kind, holder, title.text, anchor, 0.85, rule)
        if kind not in CITIZEN_KINDS:
            for code in title.nationalities:
                country = self.entities.country(code, anchor)
                yield self.relation(person, KG.citizenOf, country, anchor, 0.7, "title-nationality")

    def _office_before(self, start: int) -> str | None:
        """The kind of office of the nearest person titled before token ``start`` in its sentence."""
        sentence = self.doc[start].sent
        for other in reversed(self.doc.ents):
            if other.label_ == "PERSON" and sentence.start <= other.start and other.end <= start:
                title = title_before(other)
                if title is not None and title.kind:
                    return title.kind
        return None

    def find_affiliations(self) -> Iterator[Relation]:
        """Where a person belongs or lives, said without a role noun: "Michael Müller (SPD)",
        "DW's Milan Gagnon", "Anis Muhsin of the Institute for Palestine Studies", "Andrew Hall of
        Miami", "X is an economist at Y", "X has worked for the UN"."""
        for ent in self.doc.ents:
            person = self.entities.key_at(ent.root)
            if person is None or self.coarse(person) != "person" or ent.root.i != ent.end - 1:
                continue
            yield from self._parenthetical_party(person, ent)  # "Mayor Michael Müller (SPD)" too
            if title_before(ent) is None:
                yield from self._name_affiliations(person, ent)
        for verb in self.tokens:
            if verb.lemma_.lower() in {"be", "work", "teach"} and not is_hedged(verb):
                yield from self._clause_affiliations(verb)

    def _parenthetical_party(self, person: str, ent: Span) -> Iterator[Relation]:
        after = self.doc[ent.end : ent.end + 8]
        if len(after) >= 3 and after[0].text == "(":
            # "Michael Müller (SPD)", "Petra Pau (of the Left Party)"
            inside = list(itertools.takewhile(lambda t: t.text != ")", after[1:]))
            words = [t for t in inside if t.lower_ not in {"of", "the"}]
            party = self.entities.key_at(words[0]) if words and len(inside) < len(after) - 1 else None
            if party is not None and all(self.entities.key_at(t) == party for t in words):
                if self.coarse(party) == "organization":
                    yield self.relation(person, KG.memberOf, party, ent.root, 0.75, "parenthetical-party")

    def _name_affiliations(self, person: str, ent: Span) -> Iterator[Relation]:
        after = self.doc[ent.end : ent.end + 8]
        objects = [(c, "poss") for c in ent.root.children if c.dep_ == "poss"]
        for prep in ent.root.children:
            if prep.dep_ == "prep" and prep.lower_ in {"of", "from", "at"}:
                objects += [(o, prep.lower_) for o in prep.children if o.dep_ == "pobj"]
        if len(after) == 5 and after[0].text == "," and after[1].like_num and after[2].text == ",":
            if after[3].lower_ == "of":  # "Daniel Urquhart, 8, of Aumsville"
                objects.append((after[4], "of"))
        for token, via in objects:
            key = self.entities.key_at(token)
            if key is None:
                continue
            if via == "at":
                # "Wang Ziqiang at the Institute of Mechanics": a place of work, not of a visit
                # ("Obama at the United Nations").
                if self.coarse(key) == "organization" and WORKPLACE_WORDS & set(key.split()):
                    yield self.relation(person, KG.worksFor, key, ent.root, 0.7, "person-at-workplace")
                continue
            if self.coarse(key) == "organization":
                prop, rule = (
                    (KG.worksFor, "possessive-organization")
                    if via == "poss"
                    else (KG.memberOf, "person-of-organization")
                )
                yield self.relation(person, prop, key, ent.root, 0.7, rule)
            elif (
                via in {"of", "from"}
                and self.entities.cls(key) in PLACES
                and not self._listed_with_organizations(ent)
            ):
                # "Andrew Hall of Miami" lives there; "Vladimir Putin of Russia" is its citizen.
                prop = KG.citizenOf if self.entities.cls(key) == KG.Country else KG.livesIn
                yield self.relation(person, prop, key, ent.root, 0.7, "person-of-place")
            elif via == "poss" and self.entities.cls(key) == KG.Country:
                # "Bolivia's Morales", "Britain's Duchess of York": the country's own
                yield self.relation(person, KG.citizenOf, key, ent.root, 0.7, "country-of-person")

    def _listed_with_organizations(self, ent: Span) -> bool:
        """ "OMV of Austria, MOL of Hungary, … Bulgargaz of Bulgaria": a one-word name in a list
        of organisations is one of them, whatever NER made of it."""
        if len(ent) > 1:
            return False
        return any(
            (k := self.entities.key_at(c)) and self.coarse(k) == "organization" for c in ent.root.conjuncts
        )

    def find_party_members(self) -> Iterator[Relation]:
        """ "Angela Merkel's Christian Democratic Union", "her party, the Christian Democrats" →
        memberOf the party."""
        for token in self.tokens:
            party = self.entities.key_at(token)
            if party is None and token.lower_ == "party":
                named = [c for c in token.children if c.dep_ == "appos"]
                after = self.doc[token.i + 1 : token.i + 4]
                if not named and len(after) == 3 and after[0].text == ",":
                    # "at the council of her party, the Christian Democrats": the parser lost it
                    named = [after[2] if after[1].lower_ == "the" else after[1]]
                party = next((k for k in map(self.entities.key_at, named) if k), None)
            if party is None or self.entities.cls(party) != KG.PoliticalParty:
                continue
            if token.head.lemma_.lower() in LEAVING_VERBS or any(c.lower_ == "former" for c in token.lefts):
                continue  # "Müller left his party, the CDU"
            if self.entities.key_at(token) == party and self.entities.key_at(token.head) == party:
                continue  # not the root of the name
            for owner in token.children:
                if owner.dep_ != "poss":
                    continue
                person, sure = self.entity(owner)
                if person is not None and self.coarse(person) == "person":
                    yield self.relation(
                        person, KG.memberOf, party, token, round(0.75 * sure, 2), "party-of-person"
                    )

    def find_team_members(self) -> Iterator[Relation]:
        """ "Guerrero scored 21 goals for Bayern Munich's amateur side", "he played for Hamburg",
        "Ballack signed for Chelsea", "Merkel joined the CDU in 1990" → memberOf the team or party."""
        for verb in self.tokens:
            lemma = verb.lemma_.lower()
            if lemma not in TEAM_VERBS or verb.pos_ != "VERB" or is_hedged(verb):
                continue
            subject = subject_of(verb)  # "Ballack, who signed for Chelsea"
            person, sure = self.entity(subject) if subject is not None else (None, 0.0)
            if person is None or self.coarse(person) != "person":
                continue
            if lemma == "join":
                objects = [c for c in verb.children if c.dep_ == "dobj"]
            else:
                objects = prepositional_objects(verb, *(("for", "with") if lemma == "sign" else ("for",)))
                # "scored 21 goals for Bayern Munich"
                goals = [d for d in verb.children if d.dep_ == "dobj"]
                objects += [o for d in goals for o in prepositional_objects(d, "for")]
            # "for Bayern Munich's amateur side": the club owns the side
            objects += [c for o in objects if o.lower_ in TEAM_NOUNS for c in o.children if c.dep_ == "poss"]
            for obj in objects:
                team = self.entities.key_at(obj)
                if team is None or team == person or self.coarse(team) != "organization":
                    continue
                is_team = self.entities.cls(team) == KG.PoliticalParty or team in known_clubs()
                if lemma != "join" and not is_team and not _names_a_team(self.entities.name(team)):
                    continue  # "he played for time", "wrote for the Guardian"
                prop = KG.memberOf if is_team or lemma != "join" else KG.worksFor
                yield self.relation(person, prop, team, verb, round(0.75 * sure, 2), f"verb-{lemma}")

    def find_named_examples(self) -> Iterator[Relation]:
        """ "Nigerian authors such as Chinua Achebe and Chimamanda Ngozi Adichie", "Russian
        officials, including Sergei Lavrov": people given as examples of a nationality."""
        for prep in self.tokens:
            such_as = prep.lower_ == "as" and prep.i > 0 and self.doc[prep.i - 1].lower_ == "such"
            if not (such_as or prep.lower_ == "including") or prep.dep_ != "prep":
                continue
            group = prep.head
            if group.tag_ != "NNS" and group.head.dep_ == "relcl" and group.head.head.tag_ == "NNS":
                group = group.head.head  # "authors who have won acclaim such as …"
            if group.tag_ != "NNS":
                continue
            countries = [c for c in group.lefts if c.dep_ in {"amod", "compound"} and nationality(c)]
            if len(countries) != 1:
                continue
            examples = [o for o in prep.children if o.dep_ == "pobj"]
            examples += [c for o in examples for c in o.conjuncts]
            country = nationality(countries[0])
            for example in examples:
                person = self.entities.key_at(example)
                if country is not None and person is not None and self.coarse(person) == "person":
                    key = self.entities.country(country.code, countries[0])
                    yield self.relation(person, KG.citizenOf, key, example, 0.65, "examples-of-nationality")

    def find_family(self) -> Iterator[Relation]:
        """ "Dole's wife, Elizabeth", "Aatish, the son of Salman Taseer", "his father Jose
        Kalupeteka", "Christie married Duncan Campbell" → spouseOf (both ways), parentOf and
        childOf (each with its inverse)."""
        for token in self.tokens:
            kind = FAMILY_NOUNS.get(token.lower_)
            if kind is not None and token.pos_ == "NOUN":
                relatives = [c for c in token.children if c.dep_ == "appos"]
                owners = [c for c in token.children if c.dep_ == "poss"]
                owners += prepositional_objects(token, "of")
                if token.dep_ in {"appos", "compound", "nmod"}:
                    relatives.append(token.head)  # "Elizabeth, Dole's wife", "his wife Elizabeth"
                    if token.dep_ != "appos":
                        owners += [c for c in token.head.children if c.dep_ == "poss" and c.i < token.i]
                yield from self._family_relations(kind, relatives, owners, token)
            elif token.lemma_.lower() == "marry" and token.pos_ == "VERB" and not is_hedged(token):
                subjects = [c for c in token.children if c.dep_ == "nsubj"]
                objects = [c for c in token.children if c.dep_ == "dobj"]
                yield from self._family_relations("spouse", objects, subjects, token)

    def _family_relations(
        self, kind: str, relatives: list[Token], owners: list[Token], token: Token
    ) -> Iterator[Relation]:
        """``relative`` is the ``kind`` (spouse, child, parent) of ``owner``."""
        for relative_token in relatives:
            relative, relative_sure = self.entity(relative_token)
            if relative is None or self.coarse(relative) != "person":
                continue
            for owner_token in owners:
                owner, owner_sure = self.entity(owner_token)
                if owner is None or owner == relative or self.coarse(owner) != "person":
                    continue
                confidence = round(0.8 * min(relative_sure, owner_sure), 2)
                pairs = {
                    "spouse": [(relative, KG.spouseOf, owner), (owner, KG.spouseOf, relative)],
                    "child": [(relative, KG.childOf, owner), (owner, KG.parentOf, relative)],
                    "parent": [(relative, KG.parentOf, owner), (owner, KG.childOf, relative)],
                }[kind]
                for subject, prop, obj in pairs:
                    yield self.relation(subject, prop, obj, token, confidence, "family")
                return

    def find_homes(self) -> Iterator[Relation]:
        """ "FBI agents arrived at Sohn's New Jersey home", "died at his home in suburban
        Larchmont", "Edney invited Khadr to stay at their home in Edmonton" → livesIn."""
        for token in self.tokens:
            if token.lower_ not in {"home", "house", "apartment", "residence"} or token.pos_ != "NOUN":
                continue
            owners = [c for c in token.children if c.dep_ == "poss"]
            if len(owners) != 1 or owners[0].lower_ in {"their", "its"}:
                continue
            places = [c for c in token.children if c.dep_ == "compound"]
            places += prepositional_objects(token, "in")
            person, sure = self.entity(owners[0])
            if person is None or self.coarse(person) != "person" or is_hedged(token.head):
                continue
            for place_token in places:
                place = self.entities.key_at(place_token)
                if place is not None and self.entities.cls(place) in {KG.City, KG.Place}:
                    yield self.relation(person, KG.livesIn, place, token, round(0.75 * sure, 2), "home-in")
                    break

    def find_residents(self) -> Iterator[Relation]:
        """ "John Smith lives in Chicago", "X, who lives in Y", "X, a resident of Chicago",
        "Chicago resident X" → livesIn."""
        for token in self.tokens:
            person_token: Token | None = None
            places: list[Token] = []
            if token.lemma_.lower() == "live" and token.pos_ == "VERB" and not is_hedged(token):
                if is_future(token):
                    continue
                person_token = subject_of(token)  # "X, who lives in Y"
                places = prepositional_objects(token, "in")
            elif token.lower_ == "resident" and token.pos_ == "NOUN":
                if token.dep_ == "appos":
                    person_token = token.head  # "X, a resident of Chicago"
                elif token.dep_ == "attr" and not is_hedged(token.head):
                    person_token = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
                elif token.dep_ == "compound" and self.entities.key_at(token.head) is not None:
                    person_token = token.head  # "Chicago resident John Smith"
                places = prepositional_objects(token, "of")
                places += [c for c in token.children if c.dep_ == "compound"]
            if person_token is not None:
                yield from self._person_place(person_token, places, KG.livesIn, token, 0.8, "resident")

    def find_birthplaces(self) -> Iterator[Relation]:
        """ "Buddy Holly was born in Lubbock, Texas", "Gordon Parks, born in Fort Scott",
        "Rolling Fork, where Muddy Waters was born", "Thomas is a native of Chisholm" → bornIn."""
        for token in self.tokens:
            person_token: Token | None = None
            places: list[Token] = []
            if token.lower_ == "born" and token.pos_ == "VERB" and not is_hedged(token):
                person_token = next((c for c in token.children if c.dep_ in {"nsubjpass", "nsubj"}), None)
                if token.dep_ == "acl" or person_token is not None and person_token.tag_ == "WP":
                    person_token = token.head  # "Gordon Parks, born in …", "X, who was born in …"
                places = prepositional_objects(token, "in")
                if token.dep_ == "relcl" and any(c.lower_ == "where" for c in token.children):
                    places.append(token.head)  # "Rolling Fork, where Muddy Waters was born"
            elif token.lower_ == "native" and token.pos_ == "NOUN":
                if token.dep_ == "attr" and not is_hedged(token.head):
                    person_token = next((c for c in token.head.children if c.dep_ == "nsubj"), None)
                elif token.dep_ == "appos":
                    person_token = token.head
                places = prepositional_objects(token, "of")
            if person_token is not None:
                yield from self._person_place(person_token, places, KG.bornIn, token, 0.85, "born-in")

    def find_native_places(self) -> Iterator[Relation]:
        """ "in his native Peru", "his native South Carolina" → bornIn; "to his home country of
        Morocco" → citizenOf."""
        for token in self.tokens:
            if token.lower_ == "native" and token.dep_ == "amod":
                place = token.head
                owner = next((c for c in place.children if c.dep_ == "poss"), None)
                if owner is None:
                    continue
                # Born there; of the country's citizenship it says nothing (an emigrant's "native
                # Austria").
                yield from self._person_place(owner, [place], KG.bornIn, token, 0.8, "native-place")
            elif token.lower_ == "country" and any(c.lower_ == "home" for c in token.lefts):
                owner = next((c for c in token.children if c.dep_ == "poss"), None)
                countries = prepositional_objects(token, "of")
                countries += [c for c in token.children if c.dep_ == "appos"]
                countries = [c for c in countries if self._is_country(c)]
                if owner is not None and countries:
                    yield from self._person_place(
                        owner, countries, KG.citizenOf, token, 0.8, "home-country-of"
                    )

    def _is_country(self, token: Token) -> bool:
        key = self.entities.key_at(token)
        return key is not None and self.entities.cls(key) == KG.Country

    def _person_place(
        self,
        person_token: Token,
        places: list[Token],
        predicate: URIRef,
        token: Token,
        weight: float,
        rule: str,
    ) -> Iterator[Relation]:
        """The person ``person_token`` stands for, related to the first of ``places`` that is a place."""
        person, sure = self.entity(person_token)
        if person is None or self.coarse(person) != "person":
            return
        for place_token in places:
            place = self.entities.key_at(place_token)
            if place is not None and place != person and self.entities.cls(place) in PLACES:
                yield self.relation(person, predicate, place, token, round(weight * sure, 2), rule)
                return

    def _clause_affiliations(self, verb: Token) -> Iterator[Relation]:
        """ "X is a political scientist with the Center …", "X, who worked for the UN, …", "X
        teaches at the European University Viadrina"."""
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return
        person, _ = self.entity(subject)
        if subject.tag_ == "WP" and verb.dep_ == "relcl":
            described = verb.head
            if described.dep_ == "attr" and self.entities.key_at(described) is None:
                # "X is a veterinarian who has worked for World Animal Protection"
                described = next((c for c in described.head.children if c.dep_ == "nsubj"), described)
            person = self.entities.key_at(described)
        if person is None or self.coarse(person) != "person":
            return
        if verb.lemma_.lower() == "be":
            for attr in verb.children:
                if attr.dep_ == "attr" and attr.pos_ == "NOUN" and self.entities.key_at(attr) is None:
                    yield from self._role_relations(person, attr, "copula-role", require_holder=True)
            return
        for prep in verb.children:
            if prep.dep_ == "prep" and (
                prep.lower_ == "at" or prep.lower_ == "for" and verb.lemma_ == "work"
            ):
                objects = [o for o in prep.children if o.dep_ == "pobj"]
                # "at X and Y", "for the animal welfare organization World Animal Protection"
                objects += [c for o in objects for c in o.children if c.dep_ in {"conj", "appos"}]
                for obj in objects:
                    org = self.entities.key_at(obj)
                    if org is not None and self.coarse(org) == "organization":
                        yield self.relation(person, KG.worksFor, org, verb, 0.75, "works-for")


def _role_above(noun: Token, entities: ArticleEntities) -> Token:
    """The role noun a name in apposition to ``noun`` belongs to: "the new president of the
    European Parliament, Jerzy Buzek", "a member of Switzerland's upper house of parliament, Josef
    Dittli" — the parser set the name beside the last noun of the role's phrase."""
    node = noun
    for _ in range(3):
        if _role_kind(node) is not None and entities.key_at(node) is None:
            return node
        if node.dep_ != "pobj" or node.head.dep_ != "prep" or node.head.head.pos_ not in {"NOUN", "PROPN"}:
            break
        node = node.head.head
    return node if _role_kind(node) is not None and entities.key_at(node) is None else noun


def _role_kind(token: Token) -> str | None:
    roles = role_kinds()
    left = [c for c in token.lefts if c.dep_ in {"compound", "amod"} and c.ent_type_ == ""]
    for modifier in left:
        phrase = f"{modifier.lower_} {token.lower_}"
        if phrase in roles:
            return roles[phrase]
    return roles.get(token.lower_)


def _role_attachments(role: Token) -> Iterator[tuple[Token, int, str]]:
    """Tokens naming where a role is held, with their depth below the role and how they attach
    ("poss", "compound", a preposition): possessives and compounds on the role noun, objects of
    of/at/for/with phrases, and so on down through nested nouns and their appositions."""
    queue: list[tuple[Token, int]] = [(role, 0)]
    while queue:
        node, depth = queue.pop(0)
        if depth >= 4:
            continue
        for child in node.children:
            if child.dep_ in {"poss", "compound", "nmod", "amod"}:
                yield child, depth + 1, child.dep_
            elif child.dep_ == "prep" and child.lower_ in {"of", "at", "for", "with"}:
                for obj in child.children:
                    if obj.dep_ == "pobj":
                        yield obj, depth + 1, child.lower_
                        queue.append((obj, depth + 1))
                        if obj.lower_ in ORGANIZATION_NOUNS or obj.lower_ in PLACE_NOUNS:
                            # "leader of the IG Metall union": the name on the generic noun is
                            # what the role is held in.
                            for name in obj.children:
                                if name.dep_ in {"compound", "appos", "nmod"} or (
                                    name.dep_ == "amod" and name.ent_type_  # "Pakistan's Punjab province"
                                ):
                                    yield name, depth + 1, child.lower_
            elif child.dep_ == "appos" and node is not role:
                yield child, depth, "appos"
                queue.append((child, depth))


def _bare_position(position: str) -> str:
    """A position without demonyms and "new": "new Libyan leader" → "leader"."""
    words = [w for w in position.split() if find_demonym(w) is None and w.lower() not in {"new", "the"}]
    return " ".join(words).lower()


def _qualified_kind(kind: str, modifiers: set[str]) -> str | None:
    """A deputy or vice head is a member or official, not the head; a former one holds nothing
    now."""
    if modifiers & {"former", "ex", "late", "designate", "would-be"}:
        return None
    if modifiers & {"deputy", "vice", "assistant", "acting", "co"} and kind in {
        "head",
        "head_of_state",
        "head_of_government",
        "minister",
    }:
        # "Deputy Assistant Secretary of State Matthew Bryza" serves the government; he is no minister.
        return "member" if kind == "head" else "official"
    return kind


def _position_text(role: Token, entities: ArticleEntities) -> str:
    """The title as written: the role noun with its modifiers and its "of" phrase, without
    determiners, possessive owners, names of the employer or following appositions."""
    keep: list[Token] = []
    for token in role.subtree:
        if token.i < role.i:
            if token.head.i != role.i or token.dep_ in {"det", "poss", "case", "punct"}:
                continue
            if entities.key_at(token) is not None or token.ent_type_ in {"NORP", "GPE", "ORG"}:
                continue
            keep.append(token)
        elif token.i == role.i:
            keep.append(token)
        else:
            keep.append(token)
    # Cut the right side at the first comma, apposition or employer phrase ("at the Stimson Center").
    result: list[Token] = []
    for token in keep:
        if token.i > role.i:
            if token.is_punct and token.text in {",", ";", "(", ")", "—", "–"}:
                break
            key = entities.key_at(token)
            if key is not None and entities.cls(key) == KG.Person:
                break
            if token.dep_ == "prep" and token.lower_ in {"at", "for", "with", "in", "from", "since"}:
                break
            if token.dep_ in {"relcl", "acl", "advcl", "xcomp", "aux"}:
                break
        result.append(token)
    text = "".join(t.text_with_ws for t in result).strip()
    return text.rstrip(",;:")
