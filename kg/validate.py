"""Check a graph against the kg shapes (``ontology/shapes.ttl``) with pyshacl, in plain words.

Each violation names the node at fault, the property, the offending value when there is one, and
what the shapes expected, with IRIs shortened by the contract prefixes:

    country:china  kg:worksFor  person:yun-sun
        kg:worksFor must point to an organization (kg:Organization, its range)

The ontology (``ontology/kg.ttl``) is read alongside the graph so that a subclass satisfies its
superclass: a kg:GovernmentBody is a kg:Organization.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from functools import cache

import pyoxigraph as ox
import pyshacl
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH, XSD
from rdflib.term import Node

from kg.export.turtle import quote_string
from kg.ontology import load_ontology, shapes_path
from kg.store import compact_iri, is_store, load_rdflib_graph, open_store

_IRI_IN_MESSAGE = re.compile(r"https?://[^\s()<>\"{}]+")


@dataclass(frozen=True, order=True)
class Violation:
    """One way a graph breaks the shapes: ``focus`` (and its ``path`` and ``value``) and ``message``."""

    focus: str
    path: str
    value: str
    message: str

    def __str__(self) -> str:
        where = "  ".join(part for part in (self.focus, self.path, self.value) if part)
        return f"{where}\n    {self.message}"


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate_graph`."""

    triples: int
    violations: tuple[Violation, ...]

    @property
    def conforms(self) -> bool:
        """Whether the graph breaks no shape."""
        return not self.violations


@cache
def load_shapes() -> Graph:
    """Parse the packaged shapes once per process."""
    graph = Graph()
    graph.parse(shapes_path(), format="turtle")
    return graph


def validate_graph(graph: Graph) -> ValidationReport:
    """Validate ``graph`` against the kg shapes; every violation, sorted, each once.

    >>> from kg.ontology import KG
    >>> china = URIRef("https://w3id.org/kg-news/id/country/china")
    >>> yun_sun = URIRef("https://w3id.org/kg-news/id/person/yun-sun")
    >>> graph = Graph()
    >>> for triple in [(china, RDF.type, KG.Country), (china, KG.worksFor, yun_sun)]:
    ...     _ = graph.add(triple)
    >>> for violation in validate_graph(graph).violations:
    ...     print(violation)
    country:china  kg:worksFor
        kg:worksFor is only for a person (kg:Person, its domain)
    country:china  kg:worksFor  person:yun-sun
        kg:worksFor must point to an organization (kg:Organization, its range)
    country:china  rdfs:label
        an entity must have exactly one name (rdfs:label), a non-empty string
    """
    _, results, _ = pyshacl.validate(
        graph,
        shacl_graph=load_shapes(),
        ont_graph=load_ontology(),
        inference="none",
        abort_on_first=False,
        allow_warnings=False,
    )
    assert isinstance(results, Graph)
    violations = {_violation(results, result) for result in results.subjects(RDF.type, SH.ValidationResult)}
    return ValidationReport(triples=len(graph), violations=tuple(sorted(violations)))


def validate_file(path: str | os.PathLike[str]) -> ValidationReport:
    """Validate a graph file (Turtle, TriG, N-Triples, JSON-LD …), a build folder's graph.ttl, or
    a store folder (``kg build --store``); named graphs are validated together.

    :raises kg.store.GraphLoadError: if the file is missing or does not parse.
    :raises kg.store.StoreError: if a store folder cannot be opened.
    """
    if is_store(path):
        quads = open_store(path).dump(format=ox.RdfFormat.N_QUADS) or b""
        dataset = Dataset()
        dataset.parse(data=quads, format="nquads")
        graph = Graph()
        for subject, predicate, obj, _ in dataset.quads():
            graph.add((subject, predicate, obj))
        return validate_graph(graph)
    return validate_graph(load_rdflib_graph(path))


def _violation(results: Graph, result: Node) -> Violation:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    if path is None:
        # A check of the node itself: its value is the node. A check on the subjects of a property
        # (its domain) names the property in its target.
        value = None
        path = load_shapes().value(results.value(result, SH.sourceShape), SH.targetSubjectsOf)
    messages = sorted(str(message) for message in results.objects(result, SH.resultMessage))
    message = "; ".join(_IRI_IN_MESSAGE.sub(lambda found: compact_iri(found[0]), m) for m in messages)
    return Violation(
        focus=_show(focus),
        path=_show(path) if isinstance(path, URIRef) else "",
        value=_show(value),
        message=message or "breaks a shape of ontology/shapes.ttl",
    )


def _show(node: Node | None) -> str:
    if isinstance(node, URIRef):
        return compact_iri(str(node))
    if isinstance(node, Literal):
        return quote_string(str(node)) if node.datatype in (None, XSD.string) else str(node)
    return "" if node is None else str(node)
