"""`kg build --store DIR`: an on-disk Oxigraph store that later builds add to, and `kg query DIR`."""

from __future__ import annotations

import doctest
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from helpers import TURTLE_PREFIXES
from rdflib import Graph

import kg.store
from kg.cli import cli
from kg.export.trig import serialize_trig
from kg.store import StoreError, add_to_store, is_store, open_graph, open_store, run_query
from kg.validate import validate_graph

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
PREFIXES = TURTLE_PREFIXES


def article_graph(
    article: str, person: str, label: str, org_class: str = "Organization", **extra: str
) -> Graph:
    """A one-article graph in the contract's shape: ``person`` works for the Stimson Center."""
    evidence = f"{label} works at the Stimson Center."
    alt = f' ; skos:altLabel "{extra["alt"]}"' if "alt" in extra else ""
    ttl = f"""{PREFIXES}
person:{person} a kg:Person ; rdfs:label "{label}"{alt} ; kg:worksFor organization:stimson-center .
organization:stimson-center a kg:{org_class} ; rdfs:label "{extra.get("org_label", "Stimson Center")}" .
article:{article} a kg:NewsArticle, schema:NewsArticle ; rdfs:label "{article}.txt" ;
    dcterms:source "{article}.txt" ; schema:mentions person:{person}, organization:stimson-center .
statement:{article}{person[:4]} a rdf:Statement ;
    rdf:subject person:{person} ; rdf:predicate kg:worksFor ; rdf:object organization:stimson-center ;
    prov:wasDerivedFrom article:{article} ; kg:evidence "{evidence}" ;
    kg:startChar 0 ; kg:endChar {len(evidence)} ; kg:confidence 0.9 ; kg:rule "test" .
"""
    return Graph().parse(data=ttl, format="turtle")


def union(store_dir: Path) -> set[ox.Triple]:
    return {quad.triple for quad in open_store(store_dir)}


def oxigraph_triples(graph: Graph) -> set[ox.Triple]:
    store = ox.Store()
    store.load(input=graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return {quad.triple for quad in store}


def as_rdflib(triples: set[ox.Triple]) -> Graph:
    data = ox.serialize(list(triples), format=ox.RdfFormat.N_TRIPLES) or b""
    return Graph().parse(data=data, format="nt")


def labels(store_dir: Path, sparql: str) -> list[list[str | None]]:
    return run_query(open_store(store_dir), sparql).compact_rows()


# --- adding builds -------------------------------------------------------------------------------


def test_two_disjoint_builds_equal_one_build_of_both(tmp_path: Path) -> None:
    first = article_graph("aaaaaaaaaaaaaaaa", "yun-sun", "Yun Sun")
    second = article_graph("bbbbbbbbbbbbbbbb", "amanda-hsiao", "Amanda Hsiao")
    update = add_to_store(tmp_path / "store", serialize_trig(first))
    assert (update.added, update.replaced) == (1, 0)
    update = add_to_store(tmp_path / "store", serialize_trig(second))
    assert (update.added, update.replaced) == (1, 0)
    assert union(tmp_path / "store") == oxigraph_triples(first + second)
    assert update.quads == len(list(open_store(tmp_path / "store")))


def test_articles_are_named_graphs_and_entities_are_in_the_default_graph(tmp_path: Path) -> None:
    add_to_store(tmp_path / "store", serialize_trig(article_graph("aaaaaaaaaaaaaaaa", "yun-sun", "Yun Sun")))
    store = open_store(tmp_path / "store")
    assert [g.value for g in store.named_graphs()] == ["https://w3id.org/kg-news/id/article/aaaaaaaaaaaaaaaa"]
    rows = run_query(store, "SELECT ?g WHERE { GRAPH ?g { ?s a rdf:Statement } }").compact_rows()
    assert rows == [["article:aaaaaaaaaaaaaaaa"]]
    described = store.query(
        "ASK { GRAPH ?g { person:yun-sun rdfs:label ?l } }", prefixes=dict(kg.store.PREFIXES)
    )
    assert not bool(described)


def test_building_an_article_again_replaces_it(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    add_to_store(store_dir, serialize_trig(article_graph("aaaaaaaaaaaaaaaa", "yun-sun", "Yun Sun")))
    add_to_store(store_dir, serialize_trig(article_graph("bbbbbbbbbbbbbbbb", "amanda-hsiao", "Amanda Hsiao")))
    before = union(store_dir)
    # The same article built again (say with a better model) now names someone else.
    rebuilt = article_graph("aaaaaaaaaaaaaaaa", "mark-swanson", "Mark Swanson")
    update = add_to_store(store_dir, serialize_trig(rebuilt))
    assert (update.added, update.replaced) == (0, 1)
    expected = rebuilt + article_graph("bbbbbbbbbbbbbbbb", "amanda-hsiao", "Amanda Hsiao")
    assert union(store_dir) == oxigraph_triples(expected)
    assert labels(store_dir, "SELECT ?n WHERE { person:yun-sun ?p ?n }") == []  # pruned
    # The same build twice changes nothing.
    add_to_store(store_dir, serialize_trig(rebuilt))
    assert union(store_dir) == oxigraph_triples(expected) != before


def test_a_later_different_name_becomes_an_alt_label(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    add_to_store(store_dir, serialize_trig(article_graph("aaaaaaaaaaaaaaaa", "yun-sun", "Yun Sun")))
    second = article_graph(
        "bbbbbbbbbbbbbbbb", "yun-sun", "Dr. Yun Sun", alt="Yun Sun", org_label="The Stimson Center"
    )
    add_to_store(store_dir, serialize_trig(second))
    assert labels(store_dir, "SELECT ?l WHERE { person:yun-sun rdfs:label ?l }") == [["Yun Sun"]]
    assert labels(store_dir, "SELECT ?l WHERE { person:yun-sun skos:altLabel ?l }") == [["Dr. Yun Sun"]]
    assert labels(store_dir, "SELECT ?l WHERE { organization:stimson-center skos:altLabel ?l }") == [
        ["The Stimson Center"]
    ]
    assert validate_graph(as_rdflib(union(store_dir))).conforms


def test_a_more_specific_class_replaces_the_stored_one(tmp_path: Path) -> None:
    store_dir = tmp_path / "store"
    add_to_store(store_dir, serialize_trig(article_graph("aaaaaaaaaaaaaaaa", "yun-sun", "Yun Sun")))
    more = article_graph("bbbbbbbbbbbbbbbb", "amanda-hsiao", "Amanda Hsiao", org_class="NewsOrganization")
    add_to_store(store_dir, serialize_trig(more))
    classes = "SELECT ?c WHERE { organization:stimson-center a ?c }"
    assert labels(store_dir, classes) == [["kg:NewsOrganization"]]
    less = article_graph("cccccccccccccccc", "mark-swanson", "Mark Swanson", org_class="Organization")
    add_to_store(store_dir, serialize_trig(less))
    assert labels(store_dir, classes) == [["kg:NewsOrganization"]]


# --- opening stores ------------------------------------------------------------------------------


def test_store_errors(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("x", encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("x", encoding="utf-8")
    with pytest.raises(StoreError, match="is a file, not a store folder"):
        open_store(tmp_path / "file", read_only=False)
    with pytest.raises(StoreError, match="holds other files and is not a kg store"):
        open_store(tmp_path / "other", read_only=False)
    with pytest.raises(StoreError, match="is not a kg store"):
        open_store(tmp_path / "other")
    writer = open_store(tmp_path / "store", read_only=False)
    try:
        with pytest.raises(StoreError, match="is open for writing in another process"):
            add_to_store(tmp_path / "store", b"")
    finally:
        del writer
    assert is_store(tmp_path / "store") and not is_store(tmp_path / "other")


def test_docstring_examples_run() -> None:
    outcome = doctest.testmod(kg.store)
    assert outcome.attempted > 0
    assert outcome.failed == 0


# --- through the command line --------------------------------------------------------------------

ARTICLE_A = """Trade talks resume

Yun Sun, director of the China program at the Stimson Center, a Washington think tank, told \
Reuters that talks would resume.
"""
ARTICLE_B = """Germany's chancellor meets farmers

German Chancellor Olaf Scholz met with farmers on Monday. Christian Lindner, the finance minister \
of Germany, criticized the European Commission for its new rules.
"""


@pytest.fixture(scope="module")
def builds(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Article A, then article B, added to one store; and a fresh build of both."""
    root = tmp_path_factory.mktemp("store-builds")
    for name, text in (("a", ARTICLE_A), ("b", ARTICLE_B)):
        (root / name).mkdir()
        (root / name / f"{name}.txt").write_text(text, encoding="utf-8")
    runner = CliRunner()
    for name in ("a", "b"):
        result = runner.invoke(
            cli, ["build", str(root / name), "-o", str(root / f"out-{name}"), "--store", str(root / "store")]
        )
        assert result.exit_code == 0, result.output
        assert str(root / "store") in result.output
    result = runner.invoke(cli, ["build", str(root / "a"), str(root / "b"), "-o", str(root / "out-ab"), "-q"])
    assert result.exit_code == 0, result.output
    return root


def test_cli_store_equals_a_fresh_build_of_all_articles(builds: Path) -> None:
    fresh = open_graph(builds / "out-ab" / "graph.ttl")
    assert union(builds / "store") == {quad.triple for quad in fresh}
    assert len(list(open_store(builds / "store").named_graphs())) == 2


def test_kg_query_reads_a_store(builds: Path) -> None:
    for query in sorted(QUERIES_DIR.glob("*.rq")):
        from_store = CliRunner().invoke(cli, ["query", str(builds / "store"), "--file", str(query)])
        from_file = CliRunner().invoke(cli, ["query", str(builds / "out-ab"), "--file", str(query)])
        assert from_store.exit_code == 0, from_store.output
        assert from_store.output == from_file.output, query.name
    result = CliRunner().invoke(
        cli, ["query", str(builds / "store"), "SELECT ?who WHERE { ?who kg:worksFor ?o }"]
    )
    assert result.exit_code == 0
    assert "person:yun-sun" in result.output


def test_kg_query_on_a_folder_that_is_not_a_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["query", str(tmp_path), "ASK {}"])
    assert result.exit_code == 1
    assert "has no graph.ttl" in result.output


def test_kg_validate_reads_a_store(builds: Path) -> None:
    result = CliRunner().invoke(cli, ["validate", str(builds / "store")])
    assert result.exit_code == 0, result.output
    assert "conforms to the kg shapes" in result.output
