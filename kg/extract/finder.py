"""What every relation rule shares: the article's entities, evidence records, and resolving
a pronoun or a description ("the outlet", "the country") to the one entity it can mean."""

from __future__ import annotations

from rdflib import Literal, URIRef
from spacy.tokens import Token

from kg.extract.lexicon import DESCRIPTION_CLASSES, role_kinds
from kg.extract.mentions import COARSE_CLASS, ArticleEntities
from kg.gazetteer import normalise_name
from kg.ontology import KG
from kg.records import Relation

ORGANIZATIONS = {KG.Organization, KG.GovernmentBody, KG.NewsOrganization, KG.PoliticalParty}

PLACES = {KG.Place, KG.City, KG.Country}

PRONOUNS = {"he": KG.Person, "she": KG.Person, "him": KG.Person, "her": KG.Person}

POSSESSIVE_PRONOUNS = {"his", "her"}

FIRST_PERSON = {"i", "my", "me"}


class FinderBase:
    """The entity table of one article and the helpers the rules share."""

    def __init__(self, entities: ArticleEntities) -> None:
        self.entities = entities
        self.doc = entities.doc
        self.tokens: list[Token] = entities.tokens

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
        if token.lower_ in FIRST_PERSON:
            return self.speaker(token), 0.8
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

    def speaker(self, token: Token) -> str | None:
        """I/my/me in an interview → the person whose answer it is: the name before the nearest
        colon that opens a turn ("Paulo Guerrero: I had already scored …"); nobody after another
        speaker's tag ("DWTV: …") or a paragraph break."""
        for i in range(token.i - 1, max(token.i - 200, 0), -1):
            word = self.doc[i]
            if "\n" in word.text:
                return None
            if word.text == ":" and i > 0:
                key = self.entities.key_at(self.doc[i - 1])
                return key if key is not None and self.coarse(key) == "person" else None
        return None

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
                and any(f.lower().startswith(lemma + " ") for f in self.entities.forms(k))
            }
            return holders.pop() if len(holders) == 1 else None
        return None

    def _ministry(self, topic: str, country: str, tokens: tuple[Token, ...]) -> str:
        name = f"Ministry of {topic}"
        country_name = self.entities.name(country)
        identity = normalise_name(f"{country_name} {name}")
        key = self.entities.add_derived(name, KG.GovernmentBody, identity, tokens)
        if tokens:
            self.entities.add_form(key, self.doc[tokens[0].i : tokens[-1].i + 1].text)
        return key


def prepositional_objects(token: Token, *prepositions: str) -> list[Token]:
    """The objects of the given prepositions hanging on ``token`` ("capital of Armenia" → Armenia)."""
    return [
        obj
        for prep in token.children
        if prep.lower_ in prepositions
        for obj in prep.children
        if obj.dep_ == "pobj"
    ]


def subject_of(verb: Token) -> Token | None:
    """The subject of a verb; for "who" in a relative clause, the noun it hangs on ("Booth, who
    assassinated Lincoln" → Booth)."""
    subject = next((c for c in verb.children if c.dep_ == "nsubj"), None)
    if subject is not None and subject.tag_ == "WP" and verb.dep_ == "relcl":
        return verb.head
    return subject
