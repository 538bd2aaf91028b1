"""The graph `kg build seeds` writes: it loads anywhere, is reproducible and keeps its contract."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, XSD

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
OUTPUT_FILES = ("graph.ttl", "graph.html", "report.json")

KG = Namespace("https://w3id.org/kg-news/ontology#")
PROV = Namespace("http://www.w3.org/ns/prov#")
ID = "https://w3id.org/kg-news/id/"
ENTITY_KINDS = ("person", "organization", "country", "place", "event")
# Properties that describe a statement (its provenance), not the world.
PROVENANCE = {KG.evidence, KG.startChar, KG.endChar, KG.confidence, KG.rule}


def statements(graph: Graph) -> list[URIRef]:
    found = sorted(s for s in graph.subjects(RDF.type, RDF.Statement) if isinstance(s, URIRef))
    assert found, "the graph has no rdf:Statement"
    return found


def entities(graph: Graph) -> set[URIRef]:
    """Every person, organisation, country, place and event IRI used anywhere in the graph."""
    namespaces = tuple(f"{ID}{kind}/" for kind in ENTITY_KINDS)
    return {
        term
        for triple in graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(namespaces)
    }


def test_graph_loads_in_rdflib_and_pyoxigraph(seed_output: Path, seed_graph: Graph) -> None:
    store = ox.Store()
    store.load(path=seed_output / "graph.ttl", format=ox.RdfFormat.TURTLE)
    assert len(seed_graph) > 100
    assert len(store) == len(seed_graph)


def test_two_builds_are_byte_identical(seed_output: Path, tmp_path: Path) -> None:
    # Another process with another hash seed: set and dict order must not leak into the files.
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    completed = subprocess.run(
        [sys.executable, "-m", "kg", "build", str(SEEDS_DIR), "-o", str(tmp_path), "--quiet"],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    for name in OUTPUT_FILES:
        assert (tmp_path / name).read_bytes() == (seed_output / name).read_bytes(), name


def test_every_statement_has_subject_predicate_object(seed_graph: Graph) -> None:
    incomplete = [
        (statement, prop)
        for statement in statements(seed_graph)
        for prop in (RDF.subject, RDF.predicate, RDF.object)
        if len(list(seed_graph.objects(statement, prop))) != 1
    ]
    assert incomplete == []


def test_every_statement_comes_from_an_article(seed_graph: Graph, seed_texts: dict[str, str]) -> None:
    for statement in statements(seed_graph):
        articles = list(seed_graph.objects(statement, PROV.wasDerivedFrom))
        assert len(articles) == 1, statement
        assert (articles[0], RDF.type, KG.NewsArticle) in seed_graph
        assert str(seed_graph.value(articles[0], DCTERMS.source)) in seed_texts, statement


def test_evidence_is_the_article_text_at_its_offsets(seed_graph: Graph, seed_texts: dict[str, str]) -> None:
    wrong = []
    for statement in statements(seed_graph):
        article = seed_graph.value(statement, PROV.wasDerivedFrom)
        text = seed_texts[str(seed_graph.value(article, DCTERMS.source))]
        evidence = seed_graph.value(statement, KG.evidence)
        start = seed_graph.value(statement, KG.startChar)
        end = seed_graph.value(statement, KG.endChar)
        assert isinstance(evidence, Literal) and str(evidence).strip(), statement
        assert isinstance(start, Literal) and start.datatype == XSD.integer, statement
        assert isinstance(end, Literal) and end.datatype == XSD.integer, statement
        if text[start.toPython() : end.toPython()] != str(evidence):
            wrong.append((statement, start, end, str(evidence)))
    assert wrong == []


def test_confidence_and_rule(seed_graph: Graph) -> None:
    for statement in statements(seed_graph):
        confidence = seed_graph.value(statement, KG.confidence)
        assert isinstance(confidence, Literal), statement
        assert Decimal(0) <= Decimal(str(confidence)) <= Decimal(1), (statement, confidence)
        rules = list(seed_graph.objects(statement, KG.rule))
        assert len(rules) == 1 and str(rules[0]).strip(), statement


def test_every_fact_has_a_statement(seed_graph: Graph) -> None:
    reified = {
        (
            seed_graph.value(statement, RDF.subject),
            seed_graph.value(statement, RDF.predicate),
            seed_graph.value(statement, RDF.object),
        )
        for statement in statements(seed_graph)
    }
    # A triple about a statement (provenance, or a news outlet that kg:reported it) is not a fact
    # about the world, so it needs no statement of its own.
    nodes = set(statements(seed_graph))
    facts = {
        (subject, predicate, obj)
        for subject, predicate, obj in seed_graph
        if str(subject).startswith(ID)
        and str(predicate).startswith(str(KG))
        and predicate not in PROVENANCE
        and not {subject, obj} & nodes
    }
    assert {predicate for _, predicate, _ in facts} >= {KG.worksFor, KG.imposedTariffOn, KG.imposer}
    assert sorted(facts - reified) == []


def test_every_statement_states_a_fact_in_the_graph(seed_graph: Graph) -> None:
    unstated = []
    for statement in statements(seed_graph):
        subject = seed_graph.value(statement, RDF.subject)
        predicate = seed_graph.value(statement, RDF.predicate)
        obj = seed_graph.value(statement, RDF.object)
        if (subject, predicate, obj) not in seed_graph:
            unstated.append((statement, subject, predicate, obj))
    assert unstated == []


def test_every_entity_has_one_kg_class_and_one_label(seed_graph: Graph) -> None:
    found = entities(seed_graph)
    assert URIRef(ID + "person/yun-sun") in found
    problems = {}
    for entity in sorted(found):
        classes = [c for c in seed_graph.objects(entity, RDF.type) if str(c).startswith(str(KG))]
        labels = list(seed_graph.objects(entity, RDFS.label))
        if len(classes) != 1 or len(labels) != 1:
            problems[entity] = (classes, labels)
    assert problems == {}


def test_entity_labels_are_unique_per_class(seed_graph: Graph) -> None:
    # Two nodes of one class with one name means resolution failed to merge them.
    by_name: defaultdict[tuple[object, str], list[URIRef]] = defaultdict(list)
    for entity in entities(seed_graph):
        if str(entity).startswith(ID + "event/"):
            continue
        key = (seed_graph.value(entity, RDF.type), str(seed_graph.value(entity, RDFS.label)))
        by_name[key].append(entity)
    assert {key: nodes for key, nodes in by_name.items() if len(nodes) > 1} == {}


@pytest.mark.parametrize("kind", ENTITY_KINDS + ("article", "statement"))
def test_iris_are_clean(seed_graph: Graph, kind: str) -> None:
    iris = {
        str(term)
        for triple in seed_graph
        for term in triple
        if isinstance(term, URIRef) and str(term).startswith(ID + kind + "/")
    }
    if kind != "place":  # the seeds need not mention a plain place
        assert iris, f"no {kind} IRIs"
    bad = sorted(iri for iri in iris if any(c.isspace() or c in '<>"{}|\\^`' for c in iri))
    assert bad == []
