"""SHACL: ontology/shapes.ttl covers the ontology, the seeds' graph conforms, broken graphs are
reported in plain words, and a build never writes an edge that breaks a domain or range."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
from click.testing import CliRunner
from helpers import TURTLE_PREFIXES
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH, XSD

import kg.validate
from kg.cli import cli
from kg.ontology import KG, load_ontology, ontology_path, shapes_path
from kg.rdf import build_graph
from kg.records import ArticleExtraction, Document, Entity, Relation
from kg.resolve import resolve_entities
from kg.validate import load_shapes, validate_graph

TERMS = [name for name in KG.__annotations__ if not name.startswith("_")]
CLASSES = [name for name in TERMS if (KG[name], RDF.type, OWL.Class) in load_ontology()]
PROPERTIES = [name for name in TERMS if name not in CLASSES]

# A small graph that follows the contract: two entities, an article, one fact and its statement.
VALID_TTL = (
    TURTLE_PREFIXES
    + """
person:yun-sun a kg:Person ; rdfs:label "Yun Sun" ; skos:altLabel "Sun" ;
    kg:worksFor organization:stimson-center .
organization:stimson-center a kg:Organization ; rdfs:label "Stimson Center" .
article:0123456789abcdef a kg:NewsArticle, schema:NewsArticle ;
    rdfs:label "a.txt" ; dcterms:source "a.txt" ;
    schema:mentions person:yun-sun, organization:stimson-center .
statement:00c859b671cd6742 a rdf:Statement ;
    rdf:subject person:yun-sun ; rdf:predicate kg:worksFor ; rdf:object organization:stimson-center ;
    prov:wasDerivedFrom article:0123456789abcdef ;
    kg:evidence "Yun Sun works at the Stimson Center." ;
    kg:startChar 0 ; kg:endChar 36 ; kg:confidence 0.85 ; kg:rule "apposition-role" .
"""
)
ID = "https://w3id.org/kg-news/id/"
YUN_SUN = URIRef(ID + "person/yun-sun")
STIMSON = URIRef(ID + "organization/stimson-center")
STATEMENT = URIRef(ID + "statement/00c859b671cd6742")


def valid_graph() -> Graph:
    return Graph().parse(data=VALID_TTL, format="turtle")


# --- the shapes file -----------------------------------------------------------------------------


def test_shapes_file_is_packaged_next_to_the_ontology() -> None:
    assert shapes_path().name == "shapes.ttl"
    assert shapes_path().parent == ontology_path().parent
    assert len(load_shapes()) > 100


@pytest.mark.parametrize("name", CLASSES)
def test_every_class_has_a_shape(name: str) -> None:
    assert list(load_shapes().subjects(SH.targetClass, KG[name])), f"no shape targets kg:{name}"


@pytest.mark.parametrize("name", PROPERTIES)
def test_every_property_has_a_shape_with_the_ontology_domain_and_range(name: str) -> None:
    shapes, ontology, prop = load_shapes(), load_ontology(), KG[name]
    targeting = list(shapes.subjects(SH.targetSubjectsOf, prop))
    assert len(targeting) == 1, f"kg:{name} needs exactly one shape with sh:targetSubjectsOf"
    shape = targeting[0]
    assert shapes.value(shape, SH["class"]) == ontology.value(prop, RDFS.domain)
    assert shapes.value(shape, SH.message) is not None
    property_shapes = [p for p in shapes.objects(shape, SH.property) if shapes.value(p, SH.path) == prop]
    assert len(property_shapes) == 1
    range_shape = property_shapes[0]
    expected = ontology.value(prop, RDFS.range)
    if (prop, RDF.type, OWL.ObjectProperty) in ontology:
        assert shapes.value(range_shape, SH["class"]) == expected
    elif expected == RDFS.Literal:  # kg:date: one of the date types
        assert shapes.value(range_shape, SH["or"]) is not None
    else:
        assert shapes.value(range_shape, SH.datatype) == expected
    assert shapes.value(range_shape, SH.message) is not None


def test_statement_shape_covers_the_provenance() -> None:
    shapes = load_shapes()
    [shape] = [s for s in shapes.subjects(SH.targetClass, RDF.Statement) if (s, SH.property, None) in shapes]
    paths = {shapes.value(p, SH.path) for p in shapes.objects(shape, SH.property)}
    assert paths >= {
        RDF.subject,
        RDF.predicate,
        RDF.object,
        URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"),
        KG.evidence,
        KG.startChar,
        KG.endChar,
        KG.confidence,
        KG.rule,
    }


# --- validating ----------------------------------------------------------------------------------


def test_small_valid_graph_conforms() -> None:
    report = validate_graph(valid_graph())
    assert report.violations == ()
    assert report.conforms


def drop_label(graph: Graph) -> None:
    graph.remove((YUN_SUN, RDFS.label, None))


def add_second_label(graph: Graph) -> None:
    graph.add((YUN_SUN, RDFS.label, Literal("Y. Sun")))


def break_domain(graph: Graph) -> None:
    graph.add((STIMSON, KG.worksFor, STIMSON))


def break_range(graph: Graph) -> None:
    graph.add((YUN_SUN, KG.citizenOf, STIMSON))


def confidence_above_one(graph: Graph) -> None:
    graph.set((STATEMENT, KG.confidence, Literal("1.5", datatype=XSD.decimal)))


def confidence_as_string(graph: Graph) -> None:
    graph.set((STATEMENT, KG.confidence, Literal("high")))


def offsets_out_of_order(graph: Graph) -> None:
    graph.set((STATEMENT, KG.startChar, Literal(40)))


def offsets_not_matching_evidence(graph: Graph) -> None:
    graph.set((STATEMENT, KG.endChar, Literal(30)))


def unstated_fact(graph: Graph) -> None:
    graph.remove((YUN_SUN, KG.worksFor, STIMSON))


def no_article(graph: Graph) -> None:
    graph.remove((STATEMENT, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom"), None))


def two_classes(graph: Graph) -> None:
    graph.add((YUN_SUN, RDF.type, KG.Organization))


def wrong_namespace(graph: Graph) -> None:
    graph.add((URIRef(ID + "organization/someone"), RDF.type, KG.Person))
    graph.add((URIRef(ID + "organization/someone"), RDFS.label, Literal("Someone")))


@pytest.mark.parametrize(
    ("breaks", "focus", "path", "expected"),
    [
        (drop_label, "person:yun-sun", "rdfs:label", "exactly one name"),
        (add_second_label, "person:yun-sun", "rdfs:label", "exactly one name"),
        (break_domain, "organization:stimson-center", "kg:worksFor", "only for a person (kg:Person"),
        (break_range, "person:yun-sun", "kg:citizenOf", "must point to a country (kg:Country"),
        (confidence_above_one, "statement:00c859b671cd6742", "kg:confidence", "between 0 and 1"),
        (confidence_as_string, "statement:00c859b671cd6742", "kg:confidence", "an xsd:decimal"),
        (offsets_out_of_order, "statement:00c859b671cd6742", "kg:startChar", "less than its kg:endChar"),
        (offsets_not_matching_evidence, "statement:00c859b671cd6742", "", "evidence is 36 characters"),
        (unstated_fact, "statement:00c859b671cd6742", "", "is not asserted in the graph"),
        (no_article, "statement:00c859b671cd6742", "prov:wasDerivedFrom", "derived from exactly one"),
        (two_classes, "person:yun-sun", "", "exactly one kg class"),
        (wrong_namespace, "organization:someone", "", "person's IRI must start with"),
    ],
)
def test_broken_graph_is_reported_in_plain_words(breaks, focus: str, path: str, expected: str) -> None:  # type: ignore[no-untyped-def]
    graph = valid_graph()
    breaks(graph)
    report = validate_graph(graph)
    assert not report.conforms
    matching = [v for v in report.violations if v.focus == focus and expected in v.message]
    assert matching, report.violations
    if path:
        assert matching[0].path == path
    assert "http" not in str(matching[0]).replace("https://w3id.org/kg-news/id/", "")


def test_kg_validate_on_the_seed_graph(seed_output: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(seed_output / "graph.ttl")])
    assert result.exit_code == 0, result.output
    assert "conforms to the kg shapes" in result.output


def test_kg_validate_prints_each_violation_and_exits_1(tmp_path: Path) -> None:
    graph = valid_graph()
    break_range(graph)
    confidence_above_one(graph)
    path = tmp_path / "broken.ttl"
    graph.serialize(path, format="turtle")
    result = CliRunner().invoke(cli, ["validate", str(path)])
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == f"{path} breaks the kg shapes in 2 places:"
    assert "  person:yun-sun  kg:citizenOf  organization:stimson-center" in lines
    assert "      kg:citizenOf must point to a country (kg:Country, its range)" in lines
    assert "  statement:00c859b671cd6742  kg:confidence  1.5" in lines


def test_kg_validate_missing_file(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(tmp_path / "nope.ttl")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Cannot read graph file")


# --- a build never writes an edge that breaks a domain or range ---------------------------------


def test_build_drops_and_reports_edges_that_break_domain_or_range() -> None:
    text = "Yun Sun works at the Stimson Center in China."
    document = Document(id="0123456789abcdef", source="a.txt", text=text)
    entities = (
        Entity("e1", KG.Person, "Yun Sun", "yun sun"),
        Entity("e2", KG.Organization, "Stimson Center", "stimson center"),
        Entity("e3", KG.Country, "China", "country:CN"),
    )
    relation = {"sentence": text, "start_char": 0, "end_char": len(text), "confidence": 0.9, "rule": "test"}
    relations = (
        Relation("e1", KG.worksFor, "e2", **relation),  # type: ignore[arg-type]
        Relation("e3", KG.worksFor, "e1", **relation),  # type: ignore[arg-type]  # Country → Person
        Relation("e1", KG.ministerOf, "e2", **relation),  # type: ignore[arg-type]  # range is Country
        Relation("e2", KG.holdsPosition, Literal("think tank"), **relation),  # type: ignore[arg-type]
    )
    extraction = ArticleExtraction(document, entities, relations)
    graph, report = build_graph([extraction], resolve_entities([extraction]))
    assert report.relations == {"worksFor": 1}
    assert report.dropped == {
        "worksFor: Country → Person breaks the domain or range": 1,
        "ministerOf: Person → Organization breaks the domain or range": 1,
        "holdsPosition: Organization → literal breaks the domain or range": 1,
    }
    assert validate_graph(graph).conforms, validate_graph(graph).violations


def test_docstring_examples_run() -> None:
    outcome = doctest.testmod(kg.validate)
    assert outcome.attempted > 0
    assert outcome.failed == 0
