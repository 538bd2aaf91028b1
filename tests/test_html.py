"""The interactive HTML page: self-contained, escaped, deterministic and true to the graph."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.export.html import write_html
from kg.ontology import KG, PROV, SCHEMA

ID = "https://w3id.org/kg-news/id/"
PERSON = Namespace(ID + "person/")
ORGANIZATION = Namespace(ID + "organization/")
COUNTRY = Namespace(ID + "country/")
ARTICLE = Namespace(ID + "article/")
EVENT = Namespace(ID + "event/")
STATEMENT = Namespace(ID + "statement/")

SCRIPT_INJECTION = "<script>alert(1)</script>"
IMG_INJECTION = "<img src=x onerror=alert(1)>"
EVIDENCE = (
    'Yun Sun, director of the China program at the Stimson Center, a "Washington" think tank, '
    "told the Journal & others."
)


def _statement(graph: Graph, name: str, triple: tuple, evidence: str, rule: str) -> None:
    node = STATEMENT[name]
    subject, predicate, obj = triple
    graph.add((node, RDF.type, RDF.Statement))
    graph.add((node, RDF.subject, subject))
    graph.add((node, RDF.predicate, predicate))
    graph.add((node, RDF.object, obj))
    graph.add((node, PROV.wasDerivedFrom, ARTICLE["3f2a9c0d1e2b4a5c"]))
    graph.add((node, KG.evidence, Literal(evidence)))
    graph.add((node, KG.startChar, Literal(1234, datatype=XSD.integer)))
    graph.add((node, KG.endChar, Literal(1410, datatype=XSD.integer)))
    graph.add((node, KG.confidence, Literal(Decimal("0.9"), datatype=XSD.decimal)))
    graph.add((node, KG.rule, Literal(rule)))


def build_graph() -> Graph:
    """Two persons, an organisation, a country, a tariff event and an article, per the contract."""
    g = Graph()
    trump, sun = PERSON["donald-trump"], PERSON["yun-sun"]
    stimson, china = ORGANIZATION["stimson-center"], COUNTRY["china"]
    article, tariff = ARTICLE["3f2a9c0d1e2b4a5c"], EVENT["tariff-0a1b2c3d4e5f6a7b"]

    g.add((trump, RDF.type, KG.Person))
    g.add((trump, RDFS.label, Literal("Donald Trump")))
    g.add((trump, SKOS.altLabel, Literal("President Trump")))
    g.add((trump, SKOS.altLabel, Literal(IMG_INJECTION)))
    g.add((sun, RDF.type, KG.Person))
    g.add((sun, RDFS.label, Literal("Yun Sun")))
    g.add((sun, KG.holdsPosition, Literal("director of the China program")))
    g.add((stimson, RDF.type, KG.Organization))
    g.add((stimson, RDFS.label, Literal(f"Stimson Center {SCRIPT_INJECTION}")))
    g.add((china, RDF.type, KG.Country))
    g.add((china, RDFS.label, Literal("China")))

    g.add((article, RDF.type, KG.NewsArticle))
    g.add((article, RDF.type, SCHEMA.NewsArticle))
    g.add((article, RDFS.label, Literal("000_543d6a15944b9957.txt")))
    g.add((article, DCTERMS.source, Literal("000_543d6a15944b9957.txt")))
    g.add((article, DCTERMS.title, Literal(f"Tariffs {IMG_INJECTION}")))
    for entity in (trump, sun, stimson, china):
        g.add((article, SCHEMA.mentions, entity))

    g.add((sun, KG.worksFor, stimson))
    g.add((trump, KG.imposedTariffOn, china))
    g.add((tariff, RDF.type, KG.TariffEvent))
    g.add((tariff, RDFS.label, Literal("10% tariff by Donald Trump on China")))
    g.add((tariff, KG.imposer, trump))
    g.add((tariff, KG.target, china))
    g.add((tariff, KG.ratePercent, Literal(Decimal("10.0"), datatype=XSD.decimal)))
    g.add((tariff, KG.dateText, Literal("March")))

    _statement(g, "9a8b7c6d5e4f3a2b", (sun, KG.worksFor, stimson), EVIDENCE, "apposition-role")
    _statement(
        g,
        "1b2c3d4e5f6a7b8c",
        (trump, KG.imposedTariffOn, china),
        f"Trump imposed a 10% tariff on China {SCRIPT_INJECTION}.",
        "tariff-pattern",
    )
    return g


@pytest.fixture
def graph() -> Graph:
    return build_graph()


@pytest.fixture
def page(graph: Graph, tmp_path: Path) -> str:
    path = tmp_path / "graph.html"
    write_html(graph, path, title="News graph <test>")
    return path.read_text(encoding="utf-8")


def _data_set(page: str, name: str) -> list[dict]:
    match = re.search(rf"var {name} = new vis\.DataSet\((\[.*?\])\);\n", page)
    assert match, f"no {name} DataSet in the page"
    return json.loads(match.group(1))


def test_writes_the_file_and_nothing_else(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    write_html(graph, path, title="News graph")
    assert path.is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]


def test_is_self_contained(page: str) -> None:
    # case-sensitive: the inlined CSS holds base64 images in which "cDn" can occur by chance
    assert "cdn" not in page
    for host in ("cdnjs", "jsdelivr", "unpkg", "cloudflare", "googleapis", "bootstrap"):
        assert host not in page.lower()
    assert not re.search(r"<script[^>]*\ssrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*[\"']?\s*(https?:)?//", page, re.IGNORECASE)


def test_inlines_vis_network(page: str) -> None:
    assert "vis-network" in page
    assert "@version 9.1.2" in page
    assert "new vis.Network(" in page
    assert ".vis-tooltip" in page


def test_every_entity_is_a_node_and_articles_are_not(page: str) -> None:
    nodes = _data_set(page, "nodes")
    labels = {node["label"] for node in nodes}
    assert labels == {
        "Donald Trump",
        "Yun Sun",
        f"Stimson Center {SCRIPT_INJECTION}",
        "China",
        "10% tariff by Donald Trump on China",
    }
    assert all("group" not in node for node in nodes)
    colors = {node["label"]: node["color"] for node in nodes}
    assert colors["Donald Trump"] == colors["Yun Sun"] != colors["China"]
    sizes = {node["label"]: node["size"] for node in nodes}
    assert sizes["Donald Trump"] > sizes["Yun Sun"]  # degree 2 (tariff edge, imposer) vs 1
    for label in ("Donald Trump", "Yun Sun", "China"):
        assert html.escape(label) in page


def test_edges_are_kg_triples_between_entities(page: str) -> None:
    edges = _data_set(page, "edges")
    assert sorted(edge["label"] for edge in edges) == [
        "imposedTariffOn",
        "imposer",
        "target",
        "worksFor",
    ]
    assert all(edge["arrows"] == "to" for edge in edges)
    works_for = next(edge for edge in edges if edge["label"] == "worksFor")
    assert (works_for["from"], works_for["to"]) == (
        str(PERSON["yun-sun"]),
        str(ORGANIZATION["stimson-center"]),
    )


def test_tooltips_carry_names_facts_articles_and_evidence(page: str) -> None:
    nodes = {node["label"]: node["title"] for node in _data_set(page, "nodes")}
    assert "President Trump" in nodes["Donald Trump"]
    assert "000_543d6a15944b9957.txt" in nodes["Donald Trump"]
    assert "director of the China program" in nodes["Yun Sun"]
    assert "Person" in nodes["Yun Sun"]
    assert "March" in nodes["10% tariff by Donald Trump on China"]
    assert "10.0" in nodes["10% tariff by Donald Trump on China"]

    edges = {edge["label"]: edge["title"] for edge in _data_set(page, "edges")}
    works_for = edges["worksFor"]
    assert html.escape(EVIDENCE) in works_for
    assert "000_543d6a15944b9957.txt" in works_for
    assert "0.9" in works_for and "apposition-role" in works_for
    assert "tariff-pattern" in edges["imposedTariffOn"]
    # the page turns every title string into a DOM element so vis-network renders it as HTML
    assert "element.innerHTML = item.title" in page


def test_article_text_is_escaped(page: str) -> None:
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    tooltips = [item["title"] for name in ("nodes", "edges") for item in _data_set(page, name)]
    text = "".join(tooltips)
    assert "<script>" not in text and "<img" not in text
    assert html.escape(SCRIPT_INJECTION) in text
    assert html.escape(IMG_INJECTION) in text
    assert "News graph &lt;test&gt;" in page


def test_heading_counts_match(page: str) -> None:
    assert "<h1>News graph &lt;test&gt;</h1>" in page
    entities = re.search(r'<span id="kg-entity-count">(\d+)</span>', page)
    relations = re.search(r'<span id="kg-relation-count">(\d+)</span>', page)
    assert entities and relations
    assert int(entities.group(1)) == len(_data_set(page, "nodes")) == 5
    assert int(relations.group(1)) == len(_data_set(page, "edges")) == 4


def test_legend_and_physics_stop(page: str) -> None:
    legend = re.search(r'<ul class="kg-legend">(.*?)</ul>', page)
    assert legend
    for group in ("Person", "Organization", "Country", "Tariff event"):
        assert group in legend.group(1)
    assert 'network.once("stabilizationIterationsDone"' in page
    assert "network.setOptions({physics: false})" in page


def test_same_graph_gives_identical_bytes(graph: Graph, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_html(graph, first, title="News graph")
    reordered = Graph()
    for triple in sorted(graph, key=lambda t: tuple(reversed([str(term) for term in t]))):
        reordered.add(triple)
    write_html(reordered, second, title="News graph")
    assert first.read_bytes() == second.read_bytes()
    write_html(graph, first, title="News graph")
    assert first.read_bytes() == second.read_bytes()


def test_empty_graph(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    write_html(Graph(), path, title="Empty")
    page = path.read_text(encoding="utf-8")
    assert '<span id="kg-entity-count">0</span>' in page
    assert _data_set(page, "nodes") == [] and _data_set(page, "edges") == []


def test_missing_directory_raises(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_html(graph, tmp_path / "missing" / "graph.html", title="News graph")
