"""The kg ontology: where its files live, its closed vocabulary, and the rules edges must obey.

The vocabulary is declared twice on purpose: ``ontology/kg.ttl`` documents it for people and
triple stores, and :class:`KG` below makes a typo in a term an error in code. A test keeps the
two in sync.

>>> str(KG.worksFor)
'https://w3id.org/kg-news/ontology#worksFor'
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from rdflib import Graph, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS, XSD, DefinedNamespace

ONTOLOGY_IRI = "https://w3id.org/kg-news/ontology"
RESOURCE_BASE = "https://w3id.org/kg-news/id/"

SCHEMA = Namespace("http://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")


class KG(DefinedNamespace):
    """The closed kg vocabulary: classes, relation properties, event roles and provenance."""

    _fail = True
    _NS = Namespace(ONTOLOGY_IRI + "#")

    # classes
    Agent: URIRef
    Person: URIRef
    Organization: URIRef
    GovernmentBody: URIRef
    NewsOrganization: URIRef
    PoliticalParty: URIRef
    Place: URIRef
    Country: URIRef
    City: URIRef
    NewsArticle: URIRef
    TariffEvent: URIRef

    # people and organisations
    worksFor: URIRef
    memberOf: URIRef
    headOf: URIRef
    spokespersonOf: URIRef
    founderOf: URIRef
    holdsPosition: URIRef
    # government
    headOfState: URIRef
    headOfGovernment: URIRef
    ministerOf: URIRef
    officialOf: URIRef
    partOf: URIRef
    # places
    locatedIn: URIRef
    basedIn: URIRef
    citizenOf: URIRef
    livesIn: URIRef
    bornIn: URIRef
    # family
    spouseOf: URIRef
    parentOf: URIRef
    childOf: URIRef
    # actions between actors
    imposedTariffOn: URIRef
    accused: URIRef
    blamed: URIRef
    criticized: URIRef
    praised: URIRef
    threatened: URIRef
    sanctioned: URIRef
    metWith: URIRef
    told: URIRef
    asked: URIRef
    killed: URIRef
    reported: URIRef

    # tariff event roles
    imposer: URIRef
    target: URIRef
    ratePercent: URIRef
    date: URIRef
    dateText: URIRef

    # provenance of a reified statement
    evidence: URIRef
    startChar: URIRef
    endChar: URIRef
    confidence: URIRef
    rule: URIRef


def ontology_dir() -> Path:
    """The folder holding kg.ttl and its companions, installed or in a source checkout."""
    installed = resources.files("kg") / "_ontology"
    if installed.is_dir():
        return Path(str(installed))
    return Path(__file__).resolve().parent.parent / "ontology"


def ontology_path() -> Path:
    """The path of the ontology in Turtle (``kg.ttl``)."""
    return ontology_dir() / "kg.ttl"


def shapes_path() -> Path:
    """The path of the SHACL shapes graphs must conform to (``shapes.ttl``)."""
    return ontology_dir() / "shapes.ttl"


@cache
def load_ontology() -> Graph:
    """Parse the packaged ontology once per process."""
    graph = Graph()
    graph.parse(ontology_path(), format="turtle")
    return graph


@cache
def class_ancestors() -> dict[URIRef, frozenset[URIRef]]:
    """Every kg class mapped to itself and all the kg classes it is a subclass of."""
    graph = load_ontology()
    result: dict[URIRef, frozenset[URIRef]] = {}
    for cls in graph.subjects(RDF.type, OWL.Class):
        if not isinstance(cls, URIRef) or not str(cls).startswith(str(KG._NS)):
            continue
        ancestors = {
            parent
            for parent in graph.transitive_objects(cls, RDFS.subClassOf)
            if isinstance(parent, URIRef) and str(parent).startswith(str(KG._NS))
        }
        result[cls] = frozenset(ancestors)
    return result


@cache
def property_signature(prop: URIRef) -> tuple[frozenset[URIRef], frozenset[URIRef]]:
    """The kg classes allowed as subject (domain) and as object (range) of ``prop``.

    A property whose domain or range is a union lists every member of the union.
    """
    graph = load_ontology()

    def classes(term: URIRef) -> frozenset[URIRef]:
        found: set[URIRef] = set()
        for cls in graph.objects(prop, term):
            members = list(graph.objects(cls, OWL.unionOf))
            if members:
                found.update(m for m in graph.items(members[0]) if isinstance(m, URIRef))
            elif isinstance(cls, URIRef):
                found.add(cls)
        return frozenset(found)

    return classes(RDFS.domain), classes(RDFS.range)


def is_allowed(prop: URIRef, subject_class: URIRef, object_class: URIRef) -> bool:
    """Whether an edge ``subject prop object`` respects the property's domain and range.

    >>> is_allowed(KG.worksFor, KG.Person, KG.NewsOrganization)
    True
    >>> is_allowed(KG.worksFor, KG.Country, KG.Person)
    False
    """
    domain, range_ = property_signature(prop)
    ancestors = class_ancestors()
    # Classes from outside kg (rdf:Statement, datatypes) are their own only ancestor.
    subject_ok = not domain or bool(ancestors.get(subject_class, {subject_class}) & domain)
    object_ok = not range_ or bool(ancestors.get(object_class, {object_class}) & range_)
    if RDFS.Literal in range_ and str(object_class).startswith(str(XSD)):
        object_ok = True
    return subject_ok and object_ok
