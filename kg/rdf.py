"""Records → RDF per the output contract: typed, labelled entities, article nodes, the direct
triples, and one reified rdf:Statement per (triple, article, sentence) carrying its evidence."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from kg.extract.mentions import stable_hash
from kg.ontology import KG, PROV, RESOURCE_BASE, SCHEMA, is_allowed, load_ontology
from kg.records import ArticleExtraction
from kg.resolve import Resolution

PREFIXES = {
    "kg": str(KG._NS),
    "person": RESOURCE_BASE + "person/",
    "organization": RESOURCE_BASE + "organization/",
    "country": RESOURCE_BASE + "country/",
    "place": RESOURCE_BASE + "place/",
    "article": RESOURCE_BASE + "article/",
    "event": RESOURCE_BASE + "event/",
    "statement": RESOURCE_BASE + "statement/",
    "schema": str(SCHEMA),
    "prov": str(PROV),
    "dcterms": str(DCTERMS),
    "skos": str(SKOS),
    "rdfs": str(RDFS),
    "rdf": str(RDF),
    "xsd": str(XSD),
    "owl": str(OWL),
}


@dataclass
class GraphReport:
    """What building the graph kept and dropped, for the build summary and report.json."""

    relations: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)


def new_graph() -> Graph:
    """An empty graph with kg's prefixes bound (and no others)."""
    graph = Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def build_graph(
    extractions: Iterable[ArticleExtraction], resolution: Resolution, min_confidence: float = 0.0
) -> tuple[Graph, GraphReport]:
    """The RDF graph of all articles.

    A relation that breaks its property's domain or range (by the ontology) is dropped and
    counted in the report, as is one below ``min_confidence``.
    """
    graph = new_graph()
    report = GraphReport()
    datatype_properties = set(load_ontology().subjects(RDF.type, OWL.DatatypeProperty))
    mentioned: set[URIRef] = set()
    for extraction in extractions:
        document = extraction.document
        article = URIRef(f"{RESOURCE_BASE}article/{document.id}")
        graph.add((article, RDF.type, KG.NewsArticle))
        graph.add((article, RDF.type, SCHEMA.NewsArticle))
        graph.add((article, RDFS.label, Literal(document.title or document.source)))
        graph.add((article, DCTERMS.source, Literal(document.source)))
        if document.title:
            graph.add((article, DCTERMS.title, Literal(document.title)))
        if document.identifier:
            graph.add((article, DCTERMS.identifier, Literal(document.identifier)))
        if document.url:
            graph.add((article, SCHEMA.url, Literal(document.url, datatype=XSD.anyURI)))
        if document.published:
            # A date or datetime becomes xsd:date or xsd:dateTime; anything else stays as written.
            graph.add((article, DCTERMS.date, Literal(document.published)))
            graph.add((article, SCHEMA.datePublished, Literal(document.published)))
        for author in document.authors:
            graph.add((article, SCHEMA.author, Literal(author)))
        if document.publisher:
            graph.add((article, SCHEMA.publisher, Literal(document.publisher)))
        for entity in extraction.entities:
            iri = resolution.iri_of[(document.id, entity.key)]
            if entity.cls != KG.TariffEvent:
                graph.add((article, SCHEMA.mentions, iri))
                mentioned.add(iri)
        for relation in extraction.relations:
            subject, obj = resolution.relation_terms(document.id, relation)
            predicate = relation.predicate
            subject_class = resolution.entities[subject].cls
            object_class = resolution.entities[obj].cls if isinstance(obj, URIRef) else None
            if object_class is not None:
                allowed = predicate not in datatype_properties
            else:
                allowed = predicate in datatype_properties
            allowed = allowed and is_allowed(predicate, subject_class, object_class or _datatype(obj))
            name = predicate.removeprefix(str(KG._NS))
            if not allowed:
                shown = _local(object_class) if object_class is not None else "literal"
                report.dropped[f"{name}: {_local(subject_class)} → {shown} breaks the domain or range"] += 1
                continue
            if relation.confidence < min_confidence:
                report.dropped[f"{name}: confidence below {min_confidence}"] += 1
                continue
            report.relations[name] += 1
            statement = URIRef(
                f"{RESOURCE_BASE}statement/"
                + stable_hash(str(subject), str(predicate), obj.n3(), document.id, str(relation.start_char))
            )
            obj = canonical_literal(obj)
            graph.add((subject, predicate, obj))
            graph.add((statement, RDF.type, RDF.Statement))
            graph.add((statement, RDF.subject, subject))
            graph.add((statement, RDF.predicate, predicate))
            graph.add((statement, RDF.object, obj))
            graph.add((statement, PROV.wasDerivedFrom, article))
            graph.add((statement, KG.evidence, Literal(relation.sentence)))
            graph.add((statement, KG.startChar, Literal(relation.start_char)))
            graph.add((statement, KG.endChar, Literal(relation.end_char)))
            confidence = Literal(Decimal(str(round(relation.confidence, 3))))
            graph.add((statement, KG.confidence, canonical_literal(confidence)))
            graph.add((statement, KG.rule, Literal(relation.rule)))
            if relation.reported_by is not None:
                outlet = resolution.iri_of[(document.id, relation.reported_by)]
                if resolution.entities[outlet].cls == KG.NewsOrganization:
                    graph.add((outlet, KG.reported, statement))
                    report.relations["reported"] += 1
            mentioned.update(t for t in (subject, obj) if isinstance(t, URIRef))
    for iri in sorted(mentioned):
        node = resolution.entities[iri]
        graph.add((iri, RDF.type, node.cls))
        graph.add((iri, RDFS.label, Literal(node.label)))
        for form in sorted(node.forms):
            graph.add((iri, SKOS.altLabel, Literal(form)))
    return graph, report


def _local(cls: URIRef) -> str:
    return cls.removeprefix(str(KG._NS))


def canonical_literal(term: URIRef | Literal) -> URIRef | Literal:
    """A decimal in the lexical form every writer keeps as is ("10.0", not "10"), so that graph.ttl,
    graph.nt and graph.jsonld hold the very same literal; other terms unchanged.

    >>> canonical_literal(Literal("10", datatype=XSD.decimal))
    rdflib.term.Literal('10.0', datatype=rdflib.term.URIRef('http://www.w3.org/2001/XMLSchema#decimal'))
    """
    if not isinstance(term, Literal) or term.datatype != XSD.decimal:
        return term
    text = f"{Decimal(str(term)):f}"
    return Literal(text if "." in text else text + ".0", datatype=XSD.decimal)


def _datatype(literal: URIRef | Literal) -> URIRef:
    return literal.datatype if isinstance(literal, Literal) and literal.datatype else XSD.string
