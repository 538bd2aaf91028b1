"""Relations between the entities of one article, read off the dependency parse.

Each rule is a generator over the parsed article that yields :class:`Relation` records with the
rule's name and a confidence. Rules stay silent when the sentence hedges (a modal, a negation,
an intention verb): a missing edge costs less than a wrong one.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from rdflib import Literal, URIRef
from spacy.tokens import Span, Token

from kg.extract.lexicon import (
    DESCRIPTION_CLASSES,
    GOVERNMENT_NOUNS,
    MODAL_WORDS,
    NEWS_NOUNS,
    ORGANIZATION_NOUNS,
    UNREAL_VERBS,
    role_kinds,
)
from kg.extract.mentions import COARSE_CLASS, ArticleEntities, Title, title_before
from kg.gazetteer import find_city, find_country, find_demonym, normalise_name
from kg.ontology import KG
from kg.records import Relation

ORGANIZATIONS = {KG.Organization, KG.GovernmentBody, KG.NewsOrganization, KG.PoliticalParty}
PLACES = {KG.Place, KG.City, KG.Country}
PRONOUNS = {"he": KG.Person, "she": KG.Person, "him": KG.Person, "her": KG.Person}
POSSESSIVE_PRONOUNS = {"his", "her"}

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

# Role kind × class of what the role is held in → property.
ROLE_PROPERTIES: dict[tuple[str, str], URIRef] = {
    ("head_of_state", "country"): KG.headOfState,
    ("head_of_state", "organization"): KG.headOf,
    ("head_of_government", "country"): KG.headOfGovernment,
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
# A person who holds one of these offices for a country is its citizen.
CITIZEN_KINDS = {"head_of_state", "head_of_government", "minister", "official"}

# Verb lemma → property for actions between actors ("Trump has blamed China").
ACTION_VERBS: dict[str, URIRef] = {
    "accuse": KG.accused,
    "blame": KG.blamed,
    "criticize": KG.criticized,
    "criticise": KG.criticized,
    "condemn": KG.criticized,
    "denounce": KG.criticized,
    "slam": KG.criticized,
    "praise": KG.praised,
    "hail": KG.praised,
    "commend": KG.praised,
    "threaten": KG.threatened,
    "sanction": KG.sanctioned,
    "meet": KG.metWith,
    "tell": KG.told,
    "ask": KG.asked,
    "kill": KG.killed,
    "murder": KG.killed,
    "assassinate": KG.killed,
}
# "the minister of public security" → the ministry it heads.
MINISTRY_TOPICS = {"foreign": "Foreign Affairs", "defense": "Defense", "defence": "Defence"}


class RelationFinder:
    """Runs every rule over one article; rules share the entity table and the evidence helper."""

    def __init__(self, entities: ArticleEntities) -> None:
        self.entities = entities
        self.doc = entities.doc
        self.rules: list[Callable[[], Iterator[Relation]]] = [
            self.find_role_appositions,
            self.find_title_compounds,
            self.find_affiliations,
            self.find_government_bodies,
            self.find_organization_places,
            self.find_organization_countries,
            self.find_place_hierarchy,
            self.find_killings,
            self.find_actions,
        ]

    def find_all(self) -> Iterator[Relation]:
        """Every relation the rules find, in rule order."""
        for rule in self.rules:
            yield from rule()

    # -- shared helpers ---------------------------------------------------------------------

    def relation(
        self,
        subject: str,
        predicate: URIRef,
        obj: str | Literal,
        token: Token,
        confidence: float,
        rule: str,
    ) -> Relation:
        """A relation whose evidence is the sentence ``token`` stands in."""
        sentence = token.sent
        text = sentence.text.strip()
        start = sentence.start_char + (len(sentence.text) - len(sentence.text.lstrip()))
        return Relation(
            subject=subject,
            predicate=predicate,
            object=obj,
            sentence=text,
            start_char=start,
            end_char=start + len(text),
            confidence=confidence,
            rule=rule,
            reported_by=self.reporting_outlet(token),
        )

    def reporting_outlet(self, token: Token) -> str | None:
        """The news organisation a clause is attributed to: "…, the Wall Street Journal
        reported", "… according to Reuters"."""
        for ancestor in [token, *token.ancestors]:
            candidates: list[Token] = []
            if ancestor.dep_ == "ccomp" and ancestor.head.lemma_.lower() == "report":
                candidates += [c for c in ancestor.head.children if c.dep_ == "nsubj"]
            for prep in ancestor.children:
                if prep.lower_ == "according":
                    candidates += [o for to in prep.children for o in to.children if o.dep_ == "pobj"]
            for candidate in candidates:
                key, sure = self.entity(candidate)
                if key is not None and sure == 1.0 and self.entities.cls(key) == KG.NewsOrganization:
                    return key
        return None

    def coarse(self, key: str) -> str:
        return COARSE_CLASS[self.entities.cls(key)]

    def entity(self, token: Token) -> tuple[str | None, float]:
        """The entity a token stands for, and how sure that link is.

        A name is sure; a role noun in apposition to a name is the person ("China's minister …,
        Wang Xiaohong"); a definite description ("the outlet") or a pronoun is less sure.
        """
        key = self.entities.key_at(token)
        if key is not None:
            return key, 1.0
        for child in token.children:
            if child.dep_ == "appos":
                key = self.entities.key_at(child)
                if key is not None and self.coarse(key) == "person":
                    return key, 1.0
        if token.lower_ in PRONOUNS or token.lower_ in POSSESSIVE_PRONOUNS:
            return self.resolve_pronoun(token), 0.8
        if token.pos_ == "NOUN" and any(c.lower_ == "the" for c in token.children):
            return self.resolve_description(token), 0.8
        return None, 0.0

    def resolve_pronoun(self, token: Token) -> str | None:
        """He/she → the nearest person named earlier in the sentence, else the only person of
        the previous sentence."""
        people = {KG.Person}
        sentence = token.sent
        before = [(i, k) for i, k in self.entities.mentions_before(token, people) if i >= sentence.start]
        if before:
            return before[-1][1]
        if sentence.start == 0:
            return None
        previous = self.doc[sentence.start - 1].sent
        keys = {
            k for i, k in self.entities.mentions_before(token, people) if previous.start <= i < previous.end
        }
        return keys.pop() if len(keys) == 1 else None

    def resolve_description(self, token: Token) -> str | None:
        """ "the president" → the one person the article titles President; "the outlet" → the one
        news organisation it names; "the country" → the last country named before it."""
        lemma = token.lemma_.lower() or token.lower_
        kind = DESCRIPTION_CLASSES.get(lemma)
        if kind == "country":
            before = self.entities.mentions_before(token, {KG.Country})
            return before[-1][1] if before else None
        if kind == "news":
            outlets = {k for _, k in self.entities.mentions_before(token, {KG.NewsOrganization})}
            return outlets.pop() if len(outlets) == 1 else None
        if kind == "ministry":
            ministries = {k for k in self.entities.keys() if k.startswith("derived:") and "ministry" in k}
            return ministries.pop() if len(ministries) == 1 else None
        if lemma in role_kinds():
            holders = {
                k
                for k in self.entities.keys()
                if self.coarse(k) == "person"
                and any(f.lower().startswith(lemma + " ") for f in self._forms(k))
            }
            return holders.pop() if len(holders) == 1 else None
        return None

    def _forms(self, key: str) -> set[str]:
        return set(self.entities._forms[key])

    # -- rules ------------------------------------------------------------------------------

    def find_role_appositions(self) -> Iterator[Relation]:
        """ "Yun Sun, director of the China program at the Stimson Center" → worksFor, holdsPosition;
        "China's minister of public security, Wang Xiaohong" → ministerOf China."""
        linked: set[tuple[str, int]] = set()
        for token in self.doc:
            if token.dep_ != "appos":
                continue
            pairs = [(token.head, token), (token, token.head)]
            for person_token, role in pairs:
                person = self.entities.key_at(person_token)
                if person is None or self.coarse(person) != "person":
                    continue
                if self.entities.key_at(role) is not None:
                    continue
                linked.add((person, role.i))
                yield from self._role_relations(person, role, "apposition-role")
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
            before, after = self.doc[ent.start - 1], self.doc[ent.end] if ent.end < len(self.doc) else None
            if before.text != "," or after is None or after.text != ",":
                continue
            edge = node = role = self.doc[ent.start - 2]
            while node.head.i != node.i and node.head.right_edge.i == edge.i:
                node = node.head
                if node.pos_ == "NOUN":
                    role = node
            if role.pos_ == "NOUN" and _role_kind(role) is not None and self.entities.key_at(role) is None:
                yield person, role

    def _role_relations(self, person: str, role: Token, rule: str) -> Iterator[Relation]:
        """Relations a role noun states: the position, and who it is held in."""
        roles = [role] + [c for c in role.children if c.dep_ == "conj" and c.pos_ == "NOUN"]
        kinds = [k for k in (_role_kind(r) for r in roles) if k is not None]
        if not kinds:
            return
        position = _position_text(role, self.entities)
        yield self.relation(person, KG.holdsPosition, Literal(position), role, 0.85, rule)
        modifiers = {c.lower_ for c in role.lefts if c.dep_ in {"amod", "compound", "advmod"}}
        kind = _qualified_kind(kinds[0], modifiers)
        if kind is None:
            return
        for holder in self._role_holders(role, kind):
            yield from self._holder_relations(person, kind, holder, position, role, 0.85, rule)
        for extra in roles[1:]:
            # "a professor at Queens College and honorary president of the Socialist International"
            if any(c.dep_ in {"prep", "poss"} for c in extra.children):
                yield from self._role_relations(person, extra, rule)

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
                country = find_demonym(token.text)
                key = self.entities.country(country.code, token) if country else None
            if key is None and token.lower_ in {"country", "nation"}:
                key = self.resolve_description(token)
            if key is not None and key not in {k for _, k, _ in found}:
                found.append((depth, key, via))
        if nested and any(via == "at" for _, _, via in found):
            found = [f for f in found if f[2] == "at"]
        return [key for _, key, _ in found]

    def _holder_relations(
        self, person: str, kind: str, holder: str, position: str, role: Token, confidence: float, rule: str
    ) -> Iterator[Relation]:
        coarse = self.coarse(holder)
        prop = ROLE_PROPERTIES.get((kind, coarse))
        if prop is None:
            return
        if kind == "head" and coarse == "country" and _bare_position(position) not in {"leader", "head"}:
            # "Libyan leader Gadhafi" leads the country; "Russian opposition leader Navalny" does not.
            return
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

    def _ministry(self, topic: str, country: str, tokens: tuple[Token, ...]) -> str:
        name = f"Ministry of {topic}"
        country_name = self.entities.name(country)
        identity = normalise_name(f"{country_name} {name}")
        key = self.entities.add_derived(name, KG.GovernmentBody, identity, tokens)
        if tokens:
            self.entities.add_form(key, self.doc[tokens[0].i : tokens[-1].i + 1].text)
        return key

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
        yield self.relation(person, KG.holdsPosition, Literal(title.text), anchor, 0.9, rule)
        kind = _qualified_kind(title.kind, set(title.text.lower().replace("-", " ").split()))
        if kind is None:
            return
        holders = [self.entities.country(code, anchor) for code in title.countries]
        holders += [k for k in (self.entities.key_at(t) for t in title.organizations) if k]
        # "Prime Minister Manmohan Singh of India"
        for prep in anchor.children:
            if prep.dep_ == "prep" and prep.lower_ == "of":
                holders += [
                    k for k in (self.entities.key_at(o) for o in prep.children if o.dep_ == "pobj") if k
                ]
        for holder in holders:
            yield from self._holder_relations(person, kind, holder, title.text, anchor, 0.85, rule)
        if kind not in CITIZEN_KINDS:
            for code in title.nationalities:
                country = self.entities.country(code, anchor)
                yield self.relation(person, KG.citizenOf, country, anchor, 0.7, "title-nationality")

    def find_affiliations(self) -> Iterator[Relation]:
        """Where a person belongs or lives, said without a role noun: "Michael Müller (SPD)",
        "DW's Milan Gagnon", "Anis Muhsin of the Institute for Palestine Studies", "Andrew Hall of
        Miami", "X is an economist at Y", "X has worked for the UN"."""
        for ent in self.doc.ents:
            person = self.entities.key_at(ent.root)
            if person is None or self.coarse(person) != "person" or ent.root.i != ent.end - 1:
                continue
            if title_before(ent) is None:
                yield from self._name_affiliations(person, ent)
        for verb in self.doc:
            if verb.lemma_.lower() in {"be", "work"} and not _is_hedged(verb):
                yield from self._clause_affiliations(verb)

    def _name_affiliations(self, person: str, ent: Span) -> Iterator[Relation]:
        after = self.doc[ent.end : ent.end + 5]
        if len(after) >= 3 and after[0].text == "(" and after[2].text == ")":
            party = self.entities.key_at(after[1])
            if party is not None and self.coarse(party) == "organization":
                yield self.relation(person, KG.memberOf, party, ent.root, 0.75, "parenthetical-party")
        objects = [(c, "poss") for c in ent.root.children if c.dep_ == "poss"]
        for prep in ent.root.children:
            if prep.dep_ == "prep" and prep.lower_ in {"of", "from"}:
                objects += [(o, prep.lower_) for o in prep.children if o.dep_ == "pobj"]
        if len(after) == 5 and after[0].text == "," and after[1].like_num and after[2].text == ",":
            if after[3].lower_ == "of":  # "Daniel Urquhart, 8, of Aumsville"
                objects.append((after[4], "of"))
        for token, via in objects:
            key = self.entities.key_at(token)
            if key is None:
                continue
            if self.coarse(key) == "organization":
                prop, rule = (
                    (KG.worksFor, "possessive-organization")
                    if via == "poss"
                    else (KG.memberOf, "person-of-organization")
                )
                yield self.relation(person, prop, key, ent.root, 0.7, rule)
            elif via == "of" and self.entities.cls(key) in PLACES:
                yield self.relation(person, KG.livesIn, key, ent.root, 0.7, "person-of-place")

    def _clause_affiliations(self, verb: Token) -> Iterator[Relation]:
        """ "X is a political scientist with the Center …", "X, who worked for the UN, …"."""
        subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
        if subject is None:
            return
        person, _ = self.entity(subject)
        if subject.tag_ == "WP" and verb.dep_ == "relcl":
            person = self.entities.key_at(verb.head)
        if person is None or self.coarse(person) != "person":
            return
        if verb.lemma_.lower() == "be":
            for attr in verb.children:
                if attr.dep_ == "attr" and attr.pos_ == "NOUN" and self.entities.key_at(attr) is None:
                    yield from self._role_relations(person, attr, "copula-role")
            return
        for prep in verb.children:
            if prep.dep_ == "prep" and prep.lower_ in {"for", "at"}:
                for obj in prep.children:
                    org = self.entities.key_at(obj)
                    if obj.dep_ == "pobj" and org is not None and self.coarse(org) == "organization":
                        yield self.relation(person, KG.worksFor, org, verb, 0.75, "works-for")

    def find_government_bodies(self) -> Iterator[Relation]:
        """ "China's commerce ministry" → a Ministry of Commerce that is partOf China;
        "the Trump administration" → a government body of its own."""
        for token in self.doc:
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
        for token in self.doc:
            if token.dep_ == "appos" and token.lower_ in ORGANIZATION_NOUNS:
                org = self._described_organization(token)
                if org is None:
                    continue
                if token.lower_ in NEWS_NOUNS:
                    self.entities.refine_class(org, KG.NewsOrganization)
                for modifier in token.children:
                    place = self.entities.key_at(modifier)
                    if modifier.dep_ in {"compound", "amod", "nmod"} and place:
                        if self.entities.cls(place) in PLACES:
                            yield self.relation(org, KG.basedIn, place, token, 0.8, "apposition-place")
            elif token.dep_ == "amod" and token.lower_.endswith("based"):
                org = self.entities.key_at(token.head)
                if org is None or self.coarse(org) != "organization":
                    continue
                for modifier in token.subtree:
                    place = self.entities.key_at(modifier)
                    if place and self.entities.cls(place) in PLACES:
                        yield self.relation(org, KG.basedIn, place, token, 0.8, "based-in")
                        break

    def find_organization_countries(self) -> Iterator[Relation]:
        """ "Germany's Goethe Institute", "German carmaker Volkswagen", "Pakistan's Inter-Services
        Intelligence agency" → basedIn the country (and partOf it, for a government body)."""
        for ent in self.doc.ents:
            org = self.entities.key_at(ent.root)
            if org is None or self.coarse(org) != "organization":
                continue
            # A demonym inside the name ("Haitian Parliament") is part of its identity, which
            # the name already says; what counts is a country written before it.
            for country in self._countries_before(ent):
                yield self.relation(org, KG.basedIn, country, ent.root, 0.75, "organization-country")
                if self.entities.cls(org) == KG.GovernmentBody:
                    yield self.relation(org, KG.partOf, country, ent.root, 0.75, "organization-country")

    def _countries_before(self, ent: Span) -> list[str]:
        """Countries written as possessives or names in the words that modify a name from the
        left ("Pakistan's", "U.S."), or as demonyms when those words say it is an organisation
        ("German carmaker", "the British newspaper")."""
        inside = set(range(ent.start, ent.end))
        if ent.root.dep_ == "compound" and ent.root.head.lower_ in ORGANIZATION_NOUNS:
            inside.add(ent.root.head.i)  # "Pakistan's Inter-Services Intelligence agency"
        chain: list[Token] = []
        i = ent.start - 1
        while i >= 0:
            token = self.doc[i]
            if token.tag_ != "POS":
                if token.head.i not in inside or token.dep_ not in {"compound", "amod", "nmod", "poss"}:
                    break
                key = self.entities.key_at(token)
                if key is not None and self.coarse(key) != "country":
                    break
                chain.append(token)
                inside.add(i)
            i -= 1
        words = {t.lower_ for t in chain} | {t.lower_ for t in ent} | {self.doc[j].lower_ for j in inside}
        says_organization = bool(words & (ORGANIZATION_NOUNS | ORGANIZATION_WORDS))
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
            city = find_city(self.entities.name(small))
            if (
                self.coarse(large) == "country"
                and city is not None
                and large != "country:" + city.country_code
            ):
                continue
            yield self.relation(small, KG.locatedIn, large, first.root, 0.85, "place-comma-place")

    def find_killings(self) -> Iterator[Relation]:
        """ "the assassination of Kennedy by Oswald", "Oswald, Kennedy's assassin", "X was shot dead
        by Y" → killed."""
        for token in self.doc:
            lemma = token.lemma_.lower()
            if lemma in {"assassination", "killing", "murder"} and token.pos_ == "NOUN":
                victim = killer = None
                for prep in token.children:
                    objects = [o for o in prep.children if o.dep_ == "pobj"]
                    if prep.lower_ == "of" and objects:
                        victim = self.entities.key_at(objects[0])
                    elif prep.lower_ == "by" and objects:
                        killer = self.entities.key_at(objects[0])
                if victim and killer and victim != killer and self.coarse(victim) == "person":
                    yield self.relation(killer, KG.killed, victim, token, 0.8, "killing-noun")
            elif lemma in {"assassin", "killer", "murderer"} and token.pos_ == "NOUN":
                victims = [c for c in token.children if c.dep_ == "poss"]
                victims += [
                    o for p in token.children if p.lower_ == "of" for o in p.children if o.dep_ == "pobj"
                ]
                victims += [c for c in token.lefts if c.dep_ == "compound" and c.ent_type_ == "PERSON"]
                killers = [c for c in token.children if c.dep_ == "appos"]
                if token.dep_ in {"appos", "compound", "nmod"}:
                    killers.append(token.head)  # "…'s assassin Leon Czolgosz"
                if token.dep_ == "attr":
                    killers += [c for c in token.head.children if c.dep_ == "nsubj"]
                comma = token.right_edge.i + 1
                if comma + 1 < len(self.doc) and self.doc[comma].text == ",":
                    killers.append(self.doc[comma + 1])  # "Kennedy's assassin, Lee Harvey Oswald,"
                for victim_token in victims:
                    for killer_token in killers:
                        victim, killer = (
                            self.entities.key_at(victim_token),
                            self.entities.key_at(killer_token),
                        )
                        if victim and killer and victim != killer and self.coarse(victim) == "person":
                            yield self.relation(killer, KG.killed, victim, token, 0.8, "killer-noun")
            elif lemma == "shoot" and token.pos_ == "VERB" and not _is_hedged(token):
                # "shot dead", "shot to death", "shot and killed" state a killing; "shot" alone does not.
                fatal = any(c.lower_ in {"dead", "death"} for c in token.subtree) or any(
                    c.dep_ == "conj" and c.lemma_.lower() == "kill" for c in token.children
                )
                if fatal:
                    yield from self._agent_patient(token, KG.killed, "verb-shoot-dead")

    def _implicit_subject(self, verb: Token) -> Token | None:
        """The doer of a verb that has no subject of its own: "Adamson, convicted of murdering
        Bolles" → Adamson; "Oswald acted alone in killing Kennedy" → Oswald. Not through a verb
        with an object of its own ("police arrested X for killing Y")."""
        node = verb
        for _ in range(3):
            if node.dep_ == "pcomp" and node.head.dep_ == "prep":
                governor = node.head.head
            elif node.dep_ in {"xcomp", "conj"}:
                governor = node.head
            else:
                return None
            if governor.pos_ in {"NOUN", "PROPN"}:
                return governor if self.entities.key_at(governor) is not None else None
            if governor.dep_ == "acl" and self.entities.key_at(governor.head) is not None:
                if not any(c.dep_ == "dobj" for c in governor.children):
                    return governor.head
            subject = next((c for c in governor.children if c.dep_ == "nsubj"), None)
            if subject is not None:
                return (
                    None
                    if any(c.dep_ == "dobj" for c in governor.children) and node.dep_ == "pcomp"
                    else subject
                )
            node = governor
        return None

    def _agent_patient(self, verb: Token, prop: URIRef, rule: str) -> Iterator[Relation]:
        subject, obj = self._implicit_subject(verb), None
        for child in verb.children:
            if child.dep_ == "nsubj":
                subject = child
            elif child.dep_ in {"dobj", "nsubjpass"}:
                obj = child
            elif child.dep_ == "agent":
                subject = next((c for c in child.children if c.dep_ == "pobj"), None)
        if subject is None or obj is None:
            return
        killer, killer_sure = self.entity(subject)
        victim, victim_sure = self.entity(obj)
        if killer and victim and killer != victim and self.coarse(victim) == "person":
            yield self.relation(
                killer, prop, victim, verb, round(0.75 * min(killer_sure, victim_sure), 2), rule
            )

    def find_city_countries(self) -> Iterator[Relation]:
        """A city the article names lies in the country GeoNames puts it in, when the article names
        that country too ("… in Hamburg … Germany"); the evidence is the city's first sentence."""
        for key in self.entities.keys():
            if self.entities.cls(key) != KG.City:
                continue
            city = find_city(self.entities.name(key))
            country = "country:" + city.country_code if city is not None else None
            if country is None or country not in self.entities.keys():
                continue
            first = self.entities.first_mention(key)
            if first is not None:
                yield self.relation(key, KG.locatedIn, country, first, 0.9, "gazetteer")

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

    def find_actions(self) -> Iterator[Relation]:
        """ "Trump has blamed China", "Yun Sun … told the Journal", "X was accused by Y"."""
        for verb in self.doc:
            prop = ACTION_VERBS.get(verb.lemma_.lower())
            if prop is None or verb.pos_ not in {"VERB", "AUX"} or _is_hedged(verb):
                continue
            subject_token, object_token = self._implicit_subject(verb), None
            for child in verb.children:
                if child.dep_ == "nsubj":
                    subject_token = child
                elif child.dep_ == "dobj":
                    object_token = child
                elif child.dep_ == "nsubjpass":
                    object_token = child
                elif child.dep_ == "agent":
                    subject_token = next((c for c in child.children if c.dep_ == "pobj"), None)
                elif child.dep_ == "prep" and child.lower_ == "with" and prop == KG.metWith:
                    object_token = next((c for c in child.children if c.dep_ == "pobj"), None)
            if subject_token is None or object_token is None:
                continue
            subject, subject_sure = self.entity(subject_token)
            obj, object_sure = self.entity(object_token)
            if subject is None or obj is None or subject == obj:
                continue
            confidence = 0.75 * min(subject_sure, object_sure)
            yield self.relation(subject, prop, obj, verb, round(confidence, 2), f"verb-{verb.lemma_.lower()}")


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
                        if obj.lower_ in ORGANIZATION_NOUNS:
                            # "leader of the IG Metall union": the name on the generic noun is
                            # what the role is held in.
                            for name in obj.children:
                                if name.dep_ in {"compound", "appos"}:
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
    }:
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
            if token.dep_ in {"relcl", "acl"}:
                break
        result.append(token)
    text = "".join(t.text_with_ws for t in result).strip()
    return text.rstrip(",;:")


def _is_hedged(verb: Token) -> bool:
    """Whether a verb's action is negated, only possible, or only intended."""
    for child in verb.children:
        if child.dep_ == "neg" or (child.dep_ == "aux" and child.lower_ in MODAL_WORDS):
            return True
        if child.dep_ == "mark" and child.lower_ in {"if", "unless", "whether"}:
            return True
    head = verb
    while head.dep_ in {"xcomp", "ccomp", "conj"} and head.head.i != head.i:
        head = head.head
        if head.lemma_.lower() in UNREAL_VERBS and head is not verb:
            return True
        if any(c.dep_ == "neg" for c in head.children):
            return True
    return False


def country_key(text: str) -> str | None:
    """The entity key a country name or demonym would have."""
    country = find_country(text) or find_demonym(text)
    return "country:" + country.code if country else None
