"""Cross-article entity resolution: one node per real-world thing, with an IRI that depends only
on what the thing is (its coarse class and normalised canonical name), never on run order.

Inside an article, :mod:`kg.extract.mentions` already merged name parts and short names. Here the
same identity from different articles becomes one node, and a bare surname ("Trump") joins the
one full name it can stand for across the corpus ("Donald Trump") only when that is unambiguous.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from kg.extract.mentions import _SPECIFICITY, COARSE_CLASS, initials, stable_hash
from kg.gazetteer import normalise_name
from kg.ontology import KG, RESOURCE_BASE
from kg.records import ArticleExtraction, Relation


@dataclass
class ResolvedEntity:
    """One node of the graph: its IRI, class, canonical label and every other surface form."""

    iri: URIRef
    cls: URIRef
    label: str
    forms: frozenset[str]


@dataclass
class Resolution:
    """The outcome of resolution: the nodes, and where each article's entity keys point."""

    entities: dict[URIRef, ResolvedEntity]
    iri_of: dict[tuple[str, str], URIRef]  # (article id, entity key) → IRI

    def relation_terms(self, article_id: str, relation: Relation) -> tuple[URIRef, URIRef | Literal]:
        """The subject IRI and object IRI (or literal) of an article's relation."""
        subject = self.iri_of[(article_id, relation.subject)]
        obj = relation.object
        if isinstance(obj, Literal):
            return subject, obj
        return subject, self.iri_of[(article_id, obj)]


@dataclass
class _Cluster:
    coarse: str
    identity: str
    classes: Counter[URIRef] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    forms: set[str] = field(default_factory=set)


def resolve_entities(extractions: Iterable[ArticleExtraction]) -> Resolution:
    """Merge the entities of all articles into graph nodes with stable IRIs."""
    extractions = list(extractions)
    clusters: dict[tuple[str, str], _Cluster] = {}
    members: dict[tuple[str, str], tuple[str, str]] = {}
    event = KG.TariffEvent  # looked up once: this loop runs for every entity of the corpus
    coarse_class = COARSE_CLASS
    for extraction in extractions:
        article = extraction.document.id
        for entity in extraction.entities:
            if entity.cls == event:
                continue
            cluster_key = (coarse_class[entity.cls], entity.identity)
            cluster = clusters.get(cluster_key)
            if cluster is None:
                cluster = clusters[cluster_key] = _Cluster(*cluster_key)
            cluster.classes[entity.cls] += entity.mention_count
            cluster.names[entity.name] += entity.mention_count
            cluster.forms.update(entity.forms)
            members[(article, entity.key)] = cluster_key
    parent = _merge_name_parts(clusters)

    def root_of(cluster_key: tuple[str, str]) -> tuple[str, str]:
        while parent.get(cluster_key, cluster_key) != cluster_key:
            cluster_key = parent[cluster_key]
        return cluster_key

    grouped: dict[tuple[str, str], list[_Cluster]] = defaultdict(list)
    for cluster_key, cluster in clusters.items():
        grouped[root_of(cluster_key)].append(cluster)
    nodes: dict[tuple[str, str], ResolvedEntity] = {}
    for root, parts in grouped.items():
        nodes[root] = _node(clusters[root], parts)
    iri_of = {member: nodes[root_of(cluster_key)].iri for member, cluster_key in members.items()}
    entities = {node.iri: node for node in nodes.values()}
    for extraction in extractions:
        if not any(entity.cls == event for entity in extraction.entities):
            continue
        for key, tariff in _events(extraction, iri_of, entities):
            entities[tariff.iri] = tariff
            iri_of[(extraction.document.id, key)] = tariff.iri
    return Resolution(entities=entities, iri_of=iri_of)


def _merge_name_parts(clusters: dict[tuple[str, str], _Cluster]) -> dict[tuple[str, str], tuple[str, str]]:
    """A one-word person name joins the only full name in the corpus that ends or begins with it;
    an acronym joins the only organisation whose initials it is."""
    parent: dict[tuple[str, str], tuple[str, str]] = {}
    full_people: dict[str, list[tuple[str, str]]] = defaultdict(list)
    by_initials: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for key, cluster in clusters.items():
        words = cluster.identity.split()
        if cluster.coarse == "person" and len(words) > 1:
            full_people[words[-1]].append(key)
            if words[0] != words[-1]:
                full_people[words[0]].append(key)
        if cluster.coarse == "organization" and len(words) > 1:
            for name in cluster.names:
                letters = initials(name)
                if len(letters) >= 2:
                    by_initials[letters].append(key)
    for key, cluster in sorted(clusters.items()):
        words = cluster.identity.split()
        if cluster.coarse == "person" and len(words) == 1:
            candidates = sorted(set(full_people.get(words[0], [])))
            if len(candidates) == 1:
                parent[key] = candidates[0]
    for key, cluster in sorted(clusters.items()):
        words = cluster.identity.split()
        if _is_misread_surname(cluster, clusters, parent):
            # NER often reads a bare surname as an organisation ("Trump said …"). Where the same
            # word stands for a person elsewhere in the corpus and that person is unambiguous,
            # the "organisation" is that person.
            parent[key] = parent[("person", cluster.identity)]
        elif cluster.coarse == "organization" and len(words) == 1:
            acronyms = {n for n in cluster.names if n.isupper() and 2 <= len(n) <= 6}
            candidates = sorted({c for a in acronyms for c in by_initials.get(a, [])})
            if len(candidates) == 1:
                parent[key] = candidates[0]
    return parent


def _is_misread_surname(
    cluster: _Cluster,
    clusters: dict[tuple[str, str], _Cluster],
    parent: dict[tuple[str, str], tuple[str, str]],
) -> bool:
    if cluster.coarse != "organization" or len(cluster.identity.split()) != 1:
        return False
    if set(cluster.classes) != {KG.Organization} or any(n.isupper() for n in cluster.names):
        return False
    return ("person", cluster.identity) in parent


def _node(root: _Cluster, parts: list[_Cluster]) -> ResolvedEntity:
    classes: Counter[URIRef] = Counter()
    names: Counter[str] = Counter()
    forms: set[str] = set()
    for part in parts:
        classes.update(part.classes)
        names.update(part.names)
        forms.update(part.forms)
    # The most specific class wins ("Organization" here, "NewsOrganization" there), then the commonest.
    cls = max(sorted(classes), key=lambda c: (_SPECIFICITY[c], classes[c]))
    # The fullest name: most words, "The …" over its bare form, most common, alphabetical.
    label = min(names, key=lambda n: (-len(n.split()), not n.startswith("The "), -names[n], n))
    return ResolvedEntity(
        # A country's identity is its ISO code; its IRI reads as its name like every other.
        iri=entity_iri(root.coarse, label if root.coarse == "country" else root.identity),
        cls=cls,
        label=label,
        forms=frozenset(forms - {label}),
    )


def entity_iri(coarse: str, identity: str) -> URIRef:
    """The IRI of an entity: its coarse class and a slug of its identity.

    >>> str(entity_iri("person", "donald trump"))
    'https://w3id.org/kg-news/id/person/donald-trump'
    >>> str(entity_iri("country", "country:CN"))
    'https://w3id.org/kg-news/id/country/cn'
    """
    return URIRef(f"{RESOURCE_BASE}{coarse}/{slug(identity)}")


def slug(text: str) -> str:
    """A readable, stable IRI segment for a name: lower case, words joined by hyphens.

    >>> slug("Wall Street Journal")
    'wall-street-journal'
    """
    text = normalise_name(text.replace("country:", ""))
    words = re.findall(r"\w+", text)
    result = "-".join(words)
    if not result or len(result) > 80:
        result = (result[:60].rstrip("-") + "-" if result else "") + stable_hash(text)
    return result


def _events(
    extraction: ArticleExtraction,
    iri_of: dict[tuple[str, str], URIRef],
    entities: dict[URIRef, ResolvedEntity],
) -> list[tuple[str, ResolvedEntity]]:
    """Tariff events get an IRI from their resolved roles, so two articles reporting the same
    imposer, target, rate and stated date share one event node."""
    events = []
    doc = extraction.document.id
    for entity in extraction.entities:
        if entity.cls != KG.TariffEvent:
            continue
        roles: dict[URIRef, str] = {}
        for relation in extraction.relations:
            if relation.subject == entity.key:
                obj = relation.object
                roles[relation.predicate] = str(obj) if isinstance(obj, Literal) else str(iri_of[(doc, obj)])
        identity = stable_hash(
            *(roles.get(p, "") for p in (KG.imposer, KG.target, KG.ratePercent, KG.dateText))
        )
        iri = URIRef(f"{RESOURCE_BASE}event/tariff-{identity}")
        node = ResolvedEntity(
            iri=iri, cls=KG.TariffEvent, label=_event_label(roles, entities), forms=frozenset()
        )
        events.append((entity.key, node))
    return events


def _event_label(roles: dict[URIRef, str], entities: dict[URIRef, ResolvedEntity]) -> str:
    rate = roles.get(KG.ratePercent)
    label = f"{rate}% tariff" if rate else "Tariff"
    imposer = entities.get(URIRef(roles.get(KG.imposer, "")))
    target = entities.get(URIRef(roles.get(KG.target, "")))
    if imposer is not None:
        label += f" by {imposer.label}"
    if target is not None:
        label += f" on {target.label}"
    return label
