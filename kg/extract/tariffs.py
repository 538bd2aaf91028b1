"""Tariffs as events: who imposed a tariff on whom, at what rate and when.

"Trump imposed an initial 10% tariff on Chinese goods in February" becomes a TariffEvent with
its imposer, target, rate and stated date, plus the direct triple Trump imposedTariffOn China.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from rdflib import Literal
from rdflib.namespace import XSD
from spacy.tokens import Token

from kg.extract.actions import is_hedged
from kg.extract.mentions import stable_hash
from kg.extract.relations import RelationFinder
from kg.gazetteer import find_demonym
from kg.ontology import KG
from kg.records import Relation

TARIFF_NOUNS = {"tariff", "tariffs", "duty", "duties", "levy", "levies"}
IMPOSING_VERBS = {"impose", "slap", "levy", "put", "place", "announce", "introduce", "raise", "hike", "use"}
_PERCENT = re.compile(r"(\d+(?:[.,]\d+)?)\s*(?:%|percent|per cent)")
_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december".split()
    )
}


def find_tariffs(finder: RelationFinder) -> Iterator[Relation]:
    """Tariff events and imposedTariffOn triples of one article."""
    for token in finder.tokens:
        if token.lower_ not in TARIFF_NOUNS or token.pos_ != "NOUN":
            continue
        if token.lower_ in {"duty", "duties"} and not any(
            c.lower_ in {"import", "export", "customs"} for c in token.lefts
        ):
            continue
        yield from _tariff_event(finder, token)


def _tariff_event(finder: RelationFinder, tariff: Token) -> Iterator[Relation]:
    verb = _imposing_verb(tariff)
    if verb is not None and is_hedged(verb):
        return
    imposer, imposer_sure = _imposer(finder, tariff, verb)
    target, target_sure = _target(finder, tariff, verb)
    rate = _rate(tariff)
    date_text = _date(tariff, verb)
    if imposer is None or (target is None and rate is None):
        return
    if imposer == target:
        return
    confidence = round(0.8 * min(imposer_sure, target_sure if target else 1.0), 2)
    key = "event:" + stable_hash(imposer, target or "", str(rate or ""), date_text or "")
    event = finder.entities.add_derived(_event_label(finder, imposer, target, rate), KG.TariffEvent, key, ())
    rule = "tariff-event"
    yield finder.relation(event, KG.imposer, imposer, tariff, confidence, rule)
    if target is not None:
        yield finder.relation(event, KG.target, target, tariff, confidence, rule)
        yield finder.relation(imposer, KG.imposedTariffOn, target, tariff, confidence, rule)
    if rate is not None:
        yield finder.relation(
            event, KG.ratePercent, Literal(rate, datatype=XSD.decimal), tariff, confidence, rule
        )
    if date_text is not None:
        yield finder.relation(event, KG.dateText, Literal(date_text), tariff, confidence, rule)
        resolved = _resolve_date(date_text)
        if resolved is not None:
            yield finder.relation(event, KG.date, resolved, tariff, confidence, rule)


def _event_label(finder: RelationFinder, imposer: str, target: str | None, rate: Decimal | None) -> str:
    label = f"{rate}% tariff" if rate is not None else "Tariff"
    label += f" by {finder.entities.name(imposer)}"
    if target is not None:
        label += f" on {finder.entities.name(target)}"
    return label


def _imposing_verb(tariff: Token) -> Token | None:
    """The verb whose object the tariff is ("imposed … tariff", "slap … tariff")."""
    if tariff.dep_ in {"dobj", "nsubjpass"} and tariff.head.lemma_.lower() in IMPOSING_VERBS:
        return tariff.head
    for child in tariff.children:
        if child.dep_ in {"relcl", "acl"} and child.lemma_.lower() in IMPOSING_VERBS:
            return child
    return None


def _imposer(finder: RelationFinder, tariff: Token, verb: Token | None) -> tuple[str | None, float]:
    for child in tariff.children:
        if child.dep_ == "poss":
            key, sure = finder.entity(child)
            if key is not None and finder.coarse(key) in {"person", "country", "organization"}:
                return key, sure
    node = verb
    for _ in range(4):
        if node is None:
            break
        for child in node.children:
            if child.dep_ == "nsubj" or (child.dep_ == "agent"):
                subject = (
                    child
                    if child.dep_ == "nsubj"
                    else next((c for c in child.children if c.dep_ == "pobj"), None)
                )
                if subject is None:
                    continue
                key, sure = finder.entity(subject)
                if key is not None and finder.coarse(key) in {"person", "country", "organization"}:
                    return key, sure
                return None, 0.0
        # "used as justification to slap a tariff": climb to the verb that has the subject.
        if node.dep_ in {"xcomp", "acl", "advcl", "conj", "pcomp"} or node.dep_ == "pobj":
            node = node.head
            while node.pos_ in {"NOUN", "ADP"} and node.head.i != node.i:
                node = node.head
            if node.lemma_.lower() in {"threaten", "plan", "consider", "propose", "warn", "vow"}:
                return None, 0.0
        else:
            break
    return None, 0.0


def _target(finder: RelationFinder, tariff: Token, verb: Token | None) -> tuple[str | None, float]:
    for head in (tariff, verb):
        if head is None:
            continue
        for prep in head.children:
            if prep.dep_ != "prep" or prep.lower_ not in {"on", "against"}:
                continue
            for obj in prep.children:
                if obj.dep_ != "pobj":
                    continue
                key, sure = finder.entity(obj)
                if key is not None and finder.coarse(key) in {"country", "organization", "person"}:
                    return key, sure
                for modifier in obj.children:
                    if modifier.ent_type_ == "NORP" and modifier.dep_ in {"amod", "compound"}:
                        country = find_demonym(modifier.text)
                        if country is not None:
                            return finder.entities.country(country.code, modifier), 1.0
                    key = finder.entities.key_at(modifier)
                    if key is not None and finder.coarse(key) == "country":
                        return key, 1.0
    return None, 0.0


def _rate(tariff: Token) -> Decimal | None:
    tokens = [t for t in tariff.subtree if t.i < tariff.i and t.ent_type_ == "PERCENT"]
    for child in tariff.children:
        if child.dep_ == "relcl":
            tokens += [t for t in child.children if t.ent_type_ == "PERCENT" and t.dep_ in {"dobj", "attr"}]
            tokens += [g for t in child.children if t.ent_type_ == "PERCENT" for g in t.subtree]
    text = " ".join(t.text for t in sorted(set(tokens), key=lambda t: t.i))
    match = _PERCENT.search(text.replace(" %", "%"))
    if match is None:
        return None
    return Decimal(match.group(1).replace(",", "."))


def _date(tariff: Token, verb: Token | None) -> str | None:
    for head in (verb, tariff):
        if head is None:
            continue
        for child in head.children:
            candidates = [child] if child.ent_type_ == "DATE" else []
            if child.dep_ == "prep" and child.lower_ in {"in", "on", "since"}:
                candidates += [c for c in child.children if c.ent_type_ == "DATE"]
            for token in candidates:
                span = next((e for e in token.doc.ents if e.start <= token.i < e.end), None)
                if span is not None and any(w in span.text.lower() for w in _MONTHS) | bool(
                    re.search(r"\d{4}", span.text)
                ):
                    return span.text
    return None


def _resolve_date(text: str) -> Literal | None:
    """A stated date with a year: "March 2025" → 2025-03 (xsd:gYearMonth), "2025" → xsd:gYear."""
    year = re.search(r"\b(1[89]\d\d|2\d\d\d)\b", text)
    if year is None:
        return None
    month = next((n for m, n in _MONTHS.items() if m in text.lower()), None)
    day = re.search(r"\b([0-3]?\d)(?:st|nd|rd|th)?\b", text.replace(year.group(1), ""))
    if month and day and 1 <= int(day.group(1)) <= 31:
        return Literal(f"{year.group(1)}-{month:02d}-{int(day.group(1)):02d}", datatype=XSD.date)
    if month:
        return Literal(f"{year.group(1)}-{month:02d}", datatype=XSD.gYearMonth)
    return Literal(year.group(1), datatype=XSD.gYear)
