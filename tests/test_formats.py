"""`kg build --format ttl,trig,nt,jsonld`: every file holds the same graph, parses in rdflib,
pyoxigraph and Debian's rapper without warnings, and TriG names one graph per article."""

from __future__ import annotations

import doctest
import json
import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from helpers import OX_FORMATS, RAPPER_FORMATS, RDFLIB_FORMATS, rapper
from rdflib import Dataset, Graph
from rdflib.namespace import RDF

import kg.export.formats
import kg.export.turtle
from kg.cli import cli
from kg.ontology import KG, PROV, ontology_path

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
FILES = {"ttl": "graph.ttl", "trig": "graph.trig", "nt": "graph.nt", "jsonld": "graph.jsonld"}


def rapper_parse(path: Path, syntax: str) -> tuple[int, list[str]]:
    """Parse ``path`` with rapper: the number of triples and any line that is not progress."""
    completed = subprocess.run(
        [rapper(), "-i", syntax, "-c", str(path)], capture_output=True, text=True, timeout=60, check=False
    )
    assert completed.returncode == 0, completed.stderr
    problems = [
        line
        for line in completed.stderr.splitlines()
        if not line.startswith(("rapper: Parsing URI", "rapper: Parsing file", "rapper: Parsing returned"))
    ]
    count = int(completed.stderr.split("Parsing returned ")[1].split()[0])
    return count, problems


def oxigraph_triples(path: Path, fmt: str) -> set[ox.Triple]:
    return {quad.triple for quad in ox.parse(path=path, format=OX_FORMATS[fmt])}


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    output = tmp_path_factory.mktemp("formats") / "output"
    result = CliRunner().invoke(
        cli, ["build", str(SEEDS_DIR), "-o", str(output), "--format", "ttl,trig,nt,jsonld", "-q"]
    )
    assert result.exit_code == 0, result.output
    return output


def test_build_writes_every_format_and_the_ontology(built: Path) -> None:
    for name in FILES.values():
        assert (built / name).stat().st_size > 1000, name
    assert (built / "ontology.ttl").read_bytes() == ontology_path().read_bytes()


def test_default_build_writes_turtle_only(seed_output: Path) -> None:
    assert (seed_output / "graph.ttl").is_file()
    assert (seed_output / "ontology.ttl").is_file()
    assert not any((seed_output / name).exists() for name in ("graph.trig", "graph.nt", "graph.jsonld"))


def test_unknown_format_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(SEEDS_DIR), "-o", str(tmp_path), "--format", "ttl,xml"])
    assert result.exit_code == 1
    assert result.output == (
        "Error: Unknown graph format 'xml'; use a comma-separated list of ttl, trig, nt, jsonld.\n"
    )


@pytest.mark.parametrize("fmt", list(FILES))
def test_every_format_holds_the_same_graph_in_pyoxigraph(built: Path, fmt: str) -> None:
    expected = oxigraph_triples(built / "graph.ttl", "ttl")
    assert len(expected) > 300
    assert oxigraph_triples(built / FILES[fmt], fmt) == expected


@pytest.mark.parametrize("fmt", list(FILES))
def test_every_format_parses_in_rdflib(built: Path, fmt: str, seed_graph: Graph) -> None:
    dataset = Dataset()
    dataset.parse(built / FILES[fmt], format=RDFLIB_FORMATS[fmt])
    triples = {(s, p, o) for s, p, o, _ in dataset.quads()}
    assert len(triples) == len(seed_graph)
    assert triples == set(seed_graph)


@pytest.mark.parametrize("fmt", list(RAPPER_FORMATS))
def test_rapper_parses_without_warnings(built: Path, fmt: str) -> None:
    count, problems = rapper_parse(built / FILES[fmt], RAPPER_FORMATS[fmt])
    assert problems == []
    quads = list(ox.parse(path=built / FILES[fmt], format=OX_FORMATS[fmt]))
    assert count == len(quads)  # TriG: facts read in two articles count once per graph


def test_trig_has_one_named_graph_per_article(built: Path) -> None:
    dataset = Dataset()
    dataset.parse(built / "graph.trig", format="trig")
    articles = sorted({s for s, _, _, _ in dataset.quads((None, RDF.type, KG.NewsArticle, None))})
    default = dataset.default_graph
    names = sorted(g.identifier for g in dataset.graphs() if g.identifier != default.identifier)
    assert names == articles and len(articles) == 2
    assert not list(default.subjects(RDF.type, RDF.Statement)), "statements belong to their article's graph"
    assert list(default.subjects(RDF.type, KG.Person)), "entity descriptions are in the default graph"
    for article in articles:
        graph = dataset.graph(article)
        statements = set(graph.subjects(RDF.type, RDF.Statement))
        assert statements, article
        for statement in statements:
            assert graph.value(statement, PROV.wasDerivedFrom) == article
            fact = tuple(graph.value(statement, p) for p in (RDF.subject, RDF.predicate, RDF.object))
            assert fact in graph, (article, statement)  # the fact is in the graph of its source
        assert (article, RDF.type, KG.NewsArticle) in graph


def test_jsonld_has_a_context_and_compact_keys(built: Path) -> None:
    document = json.loads((built / "graph.jsonld").read_text(encoding="utf-8"))
    assert document["@context"]["kg"] == str(KG._NS)
    assert document["@context"]["person"] == "https://w3id.org/kg-news/id/person/"
    people = [node for node in document["@graph"] if node.get("@id") == "person:yun-sun"]
    assert people and people[0]["@type"] == "kg:Person"
    assert people[0]["kg:worksFor"] == {"@id": "organization:stimson-center"}


SERIALIZE_ALL = """
import sys
from pathlib import Path
from kg.export.formats import GRAPH_FORMATS
from kg.rdf import new_graph
graph = new_graph().parse(sys.argv[1], format="turtle")
out = Path(sys.argv[2])
for name, fmt in GRAPH_FORMATS.items():
    (out / fmt.file_name).write_bytes(fmt.serialize(graph))
"""


def test_every_format_is_byte_identical_across_processes(built: Path, tmp_path: Path) -> None:
    for seed in ("1", "2"):
        (tmp_path / seed).mkdir()
        subprocess.run(
            [sys.executable, "-c", SERIALIZE_ALL, str(built / "graph.ttl"), str(tmp_path / seed)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            check=True,
            timeout=120,
        )
    for name in FILES.values():
        first = (tmp_path / "1" / name).read_bytes()
        assert first == (tmp_path / "2" / name).read_bytes(), name
        assert first == (built / name).read_bytes(), name


def test_docstring_examples_run() -> None:
    for module in (kg.export.formats, kg.export.turtle):
        outcome = doctest.testmod(module)
        assert outcome.attempted > 0
        assert outcome.failed == 0
