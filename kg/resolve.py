"""Cross-article entity resolution: one node per real-world thing, with an IRI that depends only
on what the thing is (its coarse class and normalised canonical name), never on run order.

Inside an article, :mod:`kg.extract.mentions` already merged name parts and short names. Here the
same identity from different articles becomes one node, and a bare surname ("Trump") joins the
one full name it can stand for across the corpus ("Donald Trump") only when that is unambiguous.

Each merge rule looks at a cluster's own names and at the clusters that share a word or initials
with it (:func:`merge_parent`), so a store (:mod:`kg.incremental`) can keep the clusters and
resolve again only those an added or removed article can change.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rdflib import Literal, URIRef

from kg.extract.mentions import _SPECIFICITY, COARSE_CLASS, initials, stable_hash
from kg.gazetteer import normalise_name
from kg.ontology import KG, RESOURCE_BASE
from kg.records import ArticleExtraction, Entity, Relation


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


ClusterKey = tuple[str, str]  # (coarse class, identity)


@dataclass
class Cluster:
    """The entities of all articles with one coarse class and identity: their classes and names
    (by mentions), their surface forms (by how many entities have each) and how many they are, so
    that an article's entities can be taken out again."""

    coarse: str
    identity: str
    classes: Counter[URIRef] = field(default_factory=Counter)
    names: Counter[str] = field(default_factory=Counter)
    forms: Counter[str] = field(default_factory=Counter)
    entities: int = 0

    def add(self, entity: Entity, sign: int = 1) -> None:
        """Count ``entity`` in (``sign`` 1) or out (-1)."""
        mentions = sign * entity.mention_count
        self.classes[entity.cls] += mentions
        self.names[entity.name] += mentions
        for form in entity.forms:
            self.forms[form] += sign
        self.entities += sign
        if sign < 0:  # every entity counts at least one mention, so what is left is what remains
            self.classes, self.names, self.forms = +self.classes, +self.names, +self.forms

    def index_terms(self) -> set[str]:
        """What the merge rules look this cluster up by (see :func:`merge_parent`): "w:" a first or
        last word of a full person name, "p:" the word of a one-word person name, "i:" the initials
        of a name of a many-word organisation, "a:" an acronym naming a one-word organisation."""
        words = self.identity.split()
        if self.coarse == "person":
            if len(words) > 1:
                return {f"w:{words[-1]}", f"w:{words[0]}"}
            return {f"p:{words[0]}"} if words else set()
        if self.coarse != "organization":
            return set()
        if len(words) > 1:
            return {f"i:{letters}" for name in self.names if len(letters := initials(name)) >= 2}
        if len(words) == 1:
            return {f"a:{name}" for name in _acronyms(self)}
        return set()


@dataclass
class ResolvedClusters:
    """What resolution made of the clusters: each cluster's root (the cluster it merged into, or
    itself) and each root's node."""

    clusters: dict[ClusterKey, Cluster]
    roots: dict[ClusterKey, ClusterKey]
    nodes: dict[ClusterKey, ResolvedEntity]


def cluster_key(entity: Entity) -> ClusterKey | None:
    """The cluster of an entity; None for an event (events get their IRIs from their roles)."""
    if entity.cls == KG.TariffEvent:
        return None
    return (COARSE_CLASS[entity.cls], entity.identity)


def resolve_entities(extractions: Iterable[ArticleExtraction]) -> Resolution:
    """Merge the entities of all articles into graph nodes with stable IRIs."""
    return resolve_with_clusters(extractions)[0]


def resolve_with_clusters(extractions: Iterable[ArticleExtraction]) -> tuple[Resolution, ResolvedClusters]:
    """:func:`resolve_entities`, and the clusters it resolved (to resolve later changes again)."""
    extractions = list(extractions)
    clusters: dict[tuple[str, str], Cluster] = {}
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
                cluster = clusters[cluster_key] = Cluster(*cluster_key)
            mentions = entity.mention_count
            cluster.classes[entity.cls] += mentions
            cluster.names[entity.name] += mentions
            cluster.forms.update(entity.forms)
            cluster.entities += 1
            members[(article, entity.key)] = cluster_key
    parent = _merge_name_parts(clusters)

    def root_of(cluster_key: tuple[str, str]) -> tuple[str, str]:
        while parent.get(cluster_key, cluster_key) != cluster_key:
            cluster_key = parent[cluster_key]
        return cluster_key

    grouped: dict[tuple[str, str], list[Cluster]] = defaultdict(list)
    for cluster_key, cluster in clusters.items():
        grouped[root_of(cluster_key)].append(cluster)
    nodes: dict[tuple[str, str], ResolvedEntity] = {}
    for root, parts in grouped.items():
        nodes[root] = _node(clusters[root], parts)
    iri_of = {member: nodes[root_of(cluster_key)].iri for member, cluster_key in members.items()}
    entities = {node.iri: node for node in nodes.values()}
    add_events(extractions, iri_of, entities)
    roots = {cluster_key: root_of(cluster_key) for cluster_key in clusters}
    return Resolution(entities=entities, iri_of=iri_of), ResolvedClusters(clusters, roots, nodes)


def add_events(
    extractions: Iterable[ArticleExtraction],
    iri_of: dict[tuple[str, str], URIRef],
    entities: dict[URIRef, ResolvedEntity],
) -> None:
    """Give the tariff events of ``extractions`` their nodes, once their other entities have theirs."""
    event = KG.TariffEvent
    for extraction in extractions:
        if not any(entity.cls == event for entity in extraction.entities):
            continue
        for key, tariff in _events(extraction, iri_of, entities):
            entities[tariff.iri] = tariff
            iri_of[(extraction.document.id, key)] = tariff.iri


def merge_parent(
    cluster: Cluster,
    keys_with: Callable[[str], set[ClusterKey]],
    cluster_of: Callable[[ClusterKey], Cluster | None],
) -> ClusterKey | None:
    """The cluster ``cluster`` merges into, by the rules of :func:`_merge_name_parts`, with the
    other clusters looked up by index term (:meth:`Cluster.index_terms`) and by key."""
    words = cluster.identity.split()
    if len(words) != 1:
        return None
    if cluster.coarse == "person":
        candidates = keys_with(f"w:{words[0]}")
        return next(iter(candidates)) if len(candidates) == 1 else None
    if cluster.coarse != "organization":
        return None
    if set(cluster.classes) == {KG.Organization} and not any(n.isupper() for n in cluster.names):
        # A misread surname, if the person of that name is unambiguous (else it has no acronym).
        person = cluster_of(("person", cluster.identity))
        return None if person is None else merge_parent(person, keys_with, cluster_of)
    found: set[ClusterKey] = set()
    for acronym in _acronyms(cluster):
        found |= keys_with(f"i:{acronym}")
    return next(iter(found)) if len(found) == 1 else None


def _acronyms(cluster: Cluster) -> set[str]:
    return {n for n in cluster.names if n.isupper() and 2 <= len(n) <= 6}


def node_of(root: Cluster, parts: list[Cluster]) -> ResolvedEntity:
    """The node of the clusters ``parts`` that merged into ``root`` (which is one of them)."""
    return _node(root, parts)


def _merge_name_parts(clusters: dict[tuple[str, str], Cluster]) -> dict[tuple[str, str], tuple[str, str]]:
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
            acronyms = _acronyms(cluster)
            candidates = sorted({c for a in acronyms for c in by_initials.get(a, [])})
            if len(candidates) == 1:
                parent[key] = candidates[0]
    return parent


def _is_misread_surname(
    cluster: Cluster,
    clusters: dict[tuple[str, str], Cluster],
    parent: dict[tuple[str, str], tuple[str, str]],
) -> bool:
    if cluster.coarse != "organization" or len(cluster.identity.split()) != 1:
        return False
    if set(cluster.classes) != {KG.Organization} or any(n.isupper() for n in cluster.names):
        return False
    return ("person", cluster.identity) in parent


def _node(root: Cluster, parts: list[Cluster]) -> ResolvedEntity:
    classes: Counter[URIRef] = Counter()
    names: Counter[str] = Counter()
    forms: set[str] = set()
    for part in parts:
        classes.update(part.classes)
        names.update(part.names)
        forms.update(part.forms)
    # The most specific class wins ("Organization" here, "NewsOrganization" there), then the commonest.
    cls = max(sorted(classes), key=lambda c: (_SPECIFICITY[c], classes[c]))
    # The fullest name: most words (a leading "The" not counted), most common, "The …" over its
    # bare form ("The Guardian"), alphabetical.
    label = min(
        names, key=lambda n: (-len(n.removeprefix("The ").split()), -names[n], not n.startswith("The "), n)
    )
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
