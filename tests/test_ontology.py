"""The ontology file (ontology/kg.ttl) and the closed vocabulary (kg.ontology.KG) agree."""

from __future__ import annotations

import pyoxigraph
import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from kg.ontology import KG, ONTOLOGY_IRI, is_allowed, load_ontology, ontology_path

TERMS = [name for name in KG.__annotations__ if not name.startswith("_")]
KINDS = {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty}
PROPERTY_KINDS = {OWL.ObjectProperty, OWL.DatatypeProperty}


@pytest.fixture(scope="module")
def graph() -> Graph:
    return load_ontology()


def english(graph: Graph, term: URIRef, prop: URIRef) -> list[Literal]:
    return [
        value
        for value in graph.objects(term, prop)
        if isinstance(value, Literal) and value.language == "en" and str(value).strip()
    ]


@pytest.mark.parametrize("name", TERMS)
def test_every_kg_term_is_documented_in_kg_ttl(graph: Graph, name: str) -> None:
    term = KG[name]
    kinds = set(graph.objects(term, RDF.type)) & KINDS
    assert len(kinds) == 1, f"kg:{name} must be declared as exactly one of {KINDS}, got {kinds}"
    assert english(graph, term, RDFS.label), f"kg:{name} has no English rdfs:label"
    assert english(graph, term, RDFS.comment), f"kg:{name} has no English rdfs:comment"
    assert (term, RDFS.isDefinedBy, URIRef(ONTOLOGY_IRI)) in graph
    if kinds & PROPERTY_KINDS:
        assert list(graph.objects(term, RDFS.domain)), f"kg:{name} has no rdfs:domain"
        assert list(graph.objects(term, RDFS.range)), f"kg:{name} has no rdfs:range"


def test_kg_ttl_uses_no_term_missing_from_KG(graph: Graph) -> None:
    namespace = str(KG._NS)
    used = {
        str(node)[len(namespace) :]
        for triple in graph
        for node in triple
        if isinstance(node, URIRef) and str(node).startswith(namespace)
    }
    assert used - set(TERMS) == set()


def test_kg_ttl_has_ontology_header(graph: Graph) -> None:
    assert (URIRef(ONTOLOGY_IRI), RDF.type, OWL.Ontology) in graph
    assert str(graph.value(URIRef(ONTOLOGY_IRI), OWL.versionInfo)) == "0.1.0"


def test_kg_ttl_parses_in_rdflib_and_pyoxigraph() -> None:
    path = ontology_path()
    in_rdflib = Graph().parse(path, format="turtle")
    in_oxigraph = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(in_rdflib) == len(in_oxigraph) > 0


def test_misspelt_term_is_an_error() -> None:
    with pytest.raises(AttributeError):
        KG.workFor  # noqa: B018


@pytest.mark.parametrize(
    ("prop", "subject_class", "object_class", "allowed"),
    [
        (KG.worksFor, KG.Person, KG.NewsOrganization, True),
        (KG.worksFor, KG.Country, KG.Person, False),
        (KG.imposedTariffOn, KG.Country, KG.Country, True),
        (KG.ministerOf, KG.Person, KG.Organization, False),
    ],
)
def test_is_allowed_follows_domain_range_and_hierarchy(
    prop: URIRef, subject_class: URIRef, object_class: URIRef, allowed: bool
) -> None:
    assert is_allowed(prop, subject_class, object_class) is allowed
