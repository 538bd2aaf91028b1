"""Actions between actors, as news reports them: "Trump has blamed China", "Yun Sun … told the
Journal", "the assassination of Kennedy by Oswald". Hedged actions (could, not, if, threatened
to …) are not facts."""

from __future__ import annotations

from collections.abc import Iterator

from rdflib import URIRef
from spacy.tokens import Token

from kg.extract.finder import FinderBase, prepositional_objects, subject_of
from kg.extract.lexicon import MODAL_WORDS, UNREAL_VERBS
from kg.ontology import KG
from kg.records import Relation

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
    "found": KG.founderOf,
    "co-found": KG.founderOf,
}


# Verbs that establish who did a killing: "convicted of the murder of …", "serving … for".
CONVICTION_VERBS = {
    "convict",
    "sentence",
    "serve",
    "jail",
    "imprison",
    "execute",
    "confess",
    "admit",
    "plead",
}


# Words that make a killer only suspected ("the alleged killer of …").
SUSPECTED_WORDS = {"accused", "alleged", "suspected", "presumed", "purported", "would-be", "reputed"}


class ActionRules(FinderBase):
    """Rules that read who did what to whom."""

    def find_actions(self) -> Iterator[Relation]:
        """ "Trump has blamed China", "Yun Sun … told the Journal", "X was accused by Y"."""
        for verb in self.tokens:
            prop = ACTION_VERBS.get(verb.lemma_.lower())
            if prop is None or verb.pos_ not in {"VERB", "AUX"} or is_hedged(verb):
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
            if subject_token.tag_ == "WP" and verb.dep_ == "relcl":
                subject_token = verb.head  # "Booth, who assassinated Lincoln, …"
            subject, subject_sure = self.entity(subject_token)
            obj, object_sure = self.entity(object_token)
            if subject is None or obj is None or subject == obj:
                continue
            confidence = 0.75 * min(subject_sure, object_sure)
            yield self.relation(subject, prop, obj, verb, round(confidence, 2), f"verb-{verb.lemma_.lower()}")

    def find_leaders(self) -> Iterator[Relation]:
        """ "Merkel, who leads the CDU", "X chairs the board of Siemens" → headOf, between a person
        and a named organisation only."""
        for verb in self.tokens:
            if verb.lemma_.lower() not in {"head", "lead", "chair"} or verb.pos_ != "VERB" or is_hedged(verb):
                continue
            if is_future(verb):
                continue
            subject_token = subject_of(verb)
            objects = [c for c in verb.children if c.dep_ == "dobj"]
            # "chairs the board of Siemens": the organisation the board belongs to.
            objects += [
                o
                for d in objects
                if d.lower_ in {"board", "leadership"}
                for p in d.children
                if p.lower_ == "of"
                for o in p.children
            ]
            if subject_token is None:
                continue
            person, sure = self.entity(subject_token)
            if person is None or self.coarse(person) != "person":
                continue
            for token in objects:
                org = self.entities.key_at(token)
                if org is not None and self.coarse(org) == "organization":
                    yield self.relation(person, KG.headOf, org, verb, round(0.75 * sure, 2), "verb-lead")
                    break

    def find_killings(self) -> Iterator[Relation]:
        """ "the assassination of Kennedy by Oswald", "Oswald, Kennedy's assassin", "X was shot dead
        by Y" → killed."""
        for token in self.tokens:
            lemma = token.lemma_.lower()
            if lemma in {"assassination", "killing", "murder"} and token.pos_ == "NOUN":
                victim = killer = None
                preps = list(token.children)
                # "the assassination in 1914 of Archduke Franz Ferdinand": "of" under the date
                preps += [
                    p
                    for when in token.children
                    if when.dep_ == "prep" and when.lower_ in {"in", "on"}
                    for date in when.children
                    if date.ent_type_ in {"DATE", "TIME"}
                    for p in date.children
                    if p.dep_ == "prep"
                ]
                for prep in preps:
                    objects = [o for o in prep.children if o.dep_ == "pobj"]
                    if prep.lower_ == "of" and objects:
                        victim = self.entities.key_at(objects[0])
                    elif prep.lower_ == "by" and objects:
                        killer = self.entities.key_at(objects[0])
                if victim and killer is None:
                    killer = self._convicted_of(token)
                if victim and killer and victim != killer and self.coarse(victim) == "person":
                    yield self.relation(killer, KG.killed, victim, token, 0.8, "killing-noun")
            elif lemma in {"assassin", "killer", "murderer"} and token.pos_ == "NOUN":
                if any(c.lower_ in SUSPECTED_WORDS for c in token.lefts):
                    continue  # "the accused assassin of President Kennedy": not established
                victims = [c for c in token.children if c.dep_ == "poss"]
                victims += prepositional_objects(token, "of")
                victims += [c for c in token.lefts if c.dep_ == "compound" and self.entities.key_at(c)]
                killers = [c for c in token.children if c.dep_ == "appos"]
                if token.dep_ in {"appos", "compound", "nmod"}:
                    killers.append(token.head)  # "…'s assassin Leon Czolgosz"
                    if token.dep_ != "appos":
                        # "McKinley's assassin Leon Czolgosz": the possessive hangs on the name.
                        victims += [c for c in token.head.children if c.dep_ == "poss" and c.i < token.i]
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
            elif lemma == "shoot" and token.pos_ == "VERB" and not is_hedged(token):
                # "shot dead", "shot to death", "shot and killed" state a killing; "shot" alone does not.
                fatal = any(c.lower_ in {"dead", "death"} for c in token.subtree) or any(
                    c.dep_ == "conj" and c.lemma_.lower() == "kill" for c in token.children
                )
                if fatal:
                    yield from self._agent_patient(token, KG.killed, "verb-shoot-dead")

    def _convicted_of(self, killing: Token) -> str | None:
        """The person convicted of, sentenced or serving time for a killing ("Ray is serving 99
        years for the murder of King"); a charge or an accusation is not a killing."""
        prep = killing.head
        verb = prep.head if prep.dep_ == "prep" else None
        if verb is None or verb.lemma_.lower() not in CONVICTION_VERBS or is_hedged(verb):
            return None
        for child in verb.children:
            if child.dep_ in {"nsubj", "nsubjpass"}:
                key, sure = self.entity(child)
                if key is not None and sure == 1.0 and self.coarse(key) == "person":
                    return key
        return None

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


def is_hedged(verb: Token) -> bool:
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


def is_future(verb: Token) -> bool:
    """Whether a verb says what will (or would) be, not what is: "X will lead the party"."""
    return any(c.dep_ == "aux" and c.lower_ in {"will", "would", "'ll"} for c in verb.children)
