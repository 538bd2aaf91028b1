"""The interactive HTML page: self-contained, escaped, deterministic, true to the graph, and the
`kg html` options that pick what it draws. How it behaves in a browser: tests/browser/."""

from __future__ import annotations

import html
import json
import re
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

import kg.build
from kg.cli import cli
from kg.export.html import DEFAULT_MAX_NODES, FocusError, read_graph, write_html
from kg.ontology import KG, PROV, SCHEMA

ID = "https://w3id.org/kg-news/id/"
PERSON = Namespace(ID + "person/")
ORGANIZATION = Namespace(ID + "organization/")
COUNTRY = Namespace(ID + "country/")
ARTICLE = Namespace(ID + "article/")
EVENT = Namespace(ID + "event/")
STATEMENT = Namespace(ID + "statement/")
SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"

SCRIPT_INJECTION = "<script>alert(1)</script>"
IMG_INJECTION = "<img src=x onerror=alert(1)>"
EVIDENCE = (
    'Yun Sun, director of the China program at the Stimson Center, a "Washington" think tank, '
    "told the Journal & others."
)


def _statement(
    graph: Graph, name: str, triple: tuple, evidence: str, rule: str, confidence: str = "0.9"
) -> None:
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
    graph.add((node, KG.confidence, Literal(Decimal(confidence), datatype=XSD.decimal)))
    graph.add((node, KG.rule, Literal(rule)))


def build_graph() -> Graph:
    """Two persons, an organisation, a news outlet, a country, a tariff event and an article."""
    g = Graph()
    trump, sun = PERSON["donald-trump"], PERSON["yun-sun"]
    stimson, china = ORGANIZATION["stimson-center"], COUNTRY["china"]
    journal = ORGANIZATION["wall-street-journal"]
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
    g.add((journal, RDF.type, KG.NewsOrganization))
    g.add((journal, RDFS.label, Literal("The Wall Street Journal")))
    g.add((china, RDF.type, KG.Country))
    g.add((china, RDFS.label, Literal("China")))

    g.add((article, RDF.type, KG.NewsArticle))
    g.add((article, RDF.type, SCHEMA.NewsArticle))
    g.add((article, RDFS.label, Literal("000_543d6a15944b9957.txt")))
    g.add((article, DCTERMS.source, Literal("000_543d6a15944b9957.txt")))
    g.add((article, DCTERMS.title, Literal(f"Tariffs {IMG_INJECTION}")))
    for entity in (trump, sun, stimson, china, journal):
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
    g.add((journal, KG.reported, STATEMENT["9a8b7c6d5e4f3a2b"]))
    _statement(
        g,
        "1b2c3d4e5f6a7b8c",
        (trump, KG.imposedTariffOn, china),
        f"Trump imposed a 10% tariff on China {SCRIPT_INJECTION}.",
        "tariff-pattern",
        confidence="0.6",
    )
    _statement(g, "2c3d4e5f6a7b8c9d", (tariff, KG.imposer, trump), "Trump imposed it.", "tariff-pattern")
    _statement(g, "3d4e5f6a7b8c9d0e", (tariff, KG.target, china), "on China.", "tariff-pattern")
    return g


def star_graph() -> Graph:
    """Ten persons working for one organisation, the first also for another, and three loners."""
    g = Graph()
    hub, second = ORGANIZATION["o0"], ORGANIZATION["o1"]
    for org, name in ((hub, "Hub Institute"), (second, "Second Institute")):
        g.add((org, RDF.type, KG.Organization))
        g.add((org, RDFS.label, Literal(name)))
    for index in range(10):
        person = PERSON[f"p{index}"]
        g.add((person, RDF.type, KG.Person))
        g.add((person, RDFS.label, Literal(f"Person {index}")))
        g.add((person, KG.worksFor, hub))
    g.add((PERSON["p0"], KG.worksFor, second))
    for index in range(3):
        g.add((PERSON[f"x{index}"], RDF.type, KG.Person))
        g.add((PERSON[f"x{index}"], RDFS.label, Literal(f"Loner {index}")))
    return g


@pytest.fixture
def graph() -> Graph:
    return build_graph()


def render(graph: Graph, tmp_path: Path, **options: object) -> str:
    path = tmp_path / "graph.html"
    write_html(graph, path, **{"source": "news <test>", **options})  # type: ignore[arg-type]
    return path.read_text(encoding="utf-8")


@pytest.fixture
def page(graph: Graph, tmp_path: Path) -> str:
    return render(graph, tmp_path)


def _data_set(page: str, name: str) -> list[dict]:
    match = re.search(rf"var {name} = new vis\.DataSet\((\[.*?\])\);\n", page)
    assert match, f"no {name} DataSet in the page"
    return json.loads(match.group(1))


def _labels(page: str) -> set[str]:
    return {node["label"] for node in _data_set(page, "nodes")}


def _notices(page: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'<p class="kg-notice">(.*?)</p>', page)]


def _page_data(page: str) -> dict:
    match = re.search(r"var kgPage = (\{.*?\});\n", page)
    assert match
    return json.loads(match.group(1))


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


# --- the page itself ---------------------------------------------------------------------


def test_writes_the_file_and_nothing_else(graph: Graph, tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    summary = write_html(graph, path, source="seeds")
    assert path.is_file()
    assert [p.name for p in tmp_path.iterdir()] == ["graph.html"]
    assert (summary.entities, summary.relations, summary.capped, summary.notes) == (6, 4, False, ())


def test_is_self_contained(page: str) -> None:
    # case-sensitive: the inlined CSS holds base64 images in which "cDn" can occur by chance
    assert "cdn" not in page
    for host in ("cdnjs", "jsdelivr", "unpkg", "cloudflare", "googleapis", "bootstrap"):
        assert host not in page.lower()
    assert not re.search(r"<script[^>]*\ssrc\s*=", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"@import|url\(\s*[\"']?\s*(https?:)?//", page, re.IGNORECASE)
    assert not re.search(r"\b(fetch|XMLHttpRequest|WebSocket|EventSource|sendBeacon)\b", page)


def test_inlines_vis_network(page: str) -> None:
    assert "@version 9.1.2" in page
    assert "new vis.Network(" in page
    assert ".vis-tooltip" in page


def test_every_entity_is_a_node_and_articles_are_not(page: str) -> None:
    nodes = _data_set(page, "nodes")
    assert _labels(page) == {
        "Donald Trump",
        "Yun Sun",
        f"Stimson Center {SCRIPT_INJECTION}",
        "The Wall Street Journal",
        "China",
        "10% tariff by Donald Trump on China",
    }
    by_label = {node["label"]: node for node in nodes}
    assert by_label["Donald Trump"]["color"] == by_label["Yun Sun"]["color"] != by_label["China"]["color"]
    assert by_label["China"]["cls"] == "Country"
    # size by number of relations drawn: Trump has 2 (tariff, imposer), Yun Sun 1, the outlet 0
    sizes = {label: node["size"] for label, node in by_label.items()}
    assert sizes["Donald Trump"] > sizes["Yun Sun"] > sizes["The Wall Street Journal"]
    assert by_label["Donald Trump"]["names"] == ["Donald Trump", IMG_INJECTION, "President Trump"]
    for label in ("Donald Trump", "Yun Sun", "China"):
        assert html.escape(label) in page


def test_edges_are_kg_triples_between_entities_labelled_from_the_ontology(page: str) -> None:
    edges = _data_set(page, "edges")
    assert sorted((edge["label"], edge["prop"]) for edge in edges) == [
        ("imposed tariff on", "imposedTariffOn"),
        ("imposer", "imposer"),
        ("target", "target"),
        ("works for", "worksFor"),
    ]
    assert all(edge["arrows"] == "to" for edge in edges)
    works_for = next(edge for edge in edges if edge["prop"] == "worksFor")
    assert (works_for["from"], works_for["to"]) == (
        str(PERSON["yun-sun"]),
        str(ORGANIZATION["stimson-center"]),
    )


def test_tooltips_carry_names_facts_articles_and_evidence(page: str) -> None:
    nodes = {node["label"]: node["title"] for node in _data_set(page, "nodes")}
    assert "President Trump" in nodes["Donald Trump"]
    assert "000_543d6a15944b9957.txt" in nodes["Donald Trump"]
    assert "director of the China program" in nodes["Yun Sun"]
    assert "<b>Class:</b> Person" in nodes["Yun Sun"]
    assert "<b>Class:</b> News organization" in nodes["The Wall Street Journal"]
    assert "Reported:</b> 1 statement" in nodes["The Wall Street Journal"]
    assert "March" in nodes["10% tariff by Donald Trump on China"]
    assert "10.0" in nodes["10% tariff by Donald Trump on China"]

    edges = {edge["prop"]: edge["title"] for edge in _data_set(page, "edges")}
    works_for = edges["worksFor"]
    assert f"<q>{html.escape(EVIDENCE)}</q>" in works_for
    assert "000_543d6a15944b9957.txt" in works_for
    assert "confidence 0.9" in works_for and "apposition-role" in works_for
    assert "reported by The Wall Street Journal" in works_for
    assert "Yun Sun \u2192 works for \u2192 Stimson Center" in works_for
    assert "tariff-pattern" in edges["imposedTariffOn"]
    # the page turns every title string into a DOM element so vis-network renders it as HTML
    assert "element.innerHTML = markup" in page


def test_article_text_is_escaped(page: str) -> None:
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    tooltips = [item["title"] for name in ("nodes", "edges") for item in _data_set(page, name)]
    text = "".join(tooltips)
    assert "<script>" not in text and "<img" not in text
    assert html.escape(SCRIPT_INJECTION) in text
    assert html.escape(IMG_INJECTION) in text
    assert "news &lt;test&gt;" in page


def test_title_bar_counts_and_source(page: str) -> None:
    assert "<title>kg \u2014 news &lt;test&gt;</title>" in page
    assert '<span class="kg-source" title="source">news &lt;test&gt;</span>' in page
    entities = re.search(r'<span id="kg-entity-count">([\d,]+)</span>', page)
    relations = re.search(r'<span id="kg-relation-count">([\d,]+)</span>', page)
    assert entities and relations
    assert int(entities.group(1)) == len(_data_set(page, "nodes")) == 6
    assert int(relations.group(1)) == len(_data_set(page, "edges")) == 4


def test_legend_filters_by_class_and_property(page: str) -> None:
    legend = re.search(r'<ul class="kg-legend" aria-label="Classes">(.*?)</ul>', page)
    assert legend
    boxes = re.findall(r'data-class="(\w+)" checked><span class="kg-swatch" style="background:(#\w+)">'
                       r"</span>([^<]+) <span class=\"kg-count\">(\d+)</span>", legend.group(1))  # fmt: skip
    colors = {node["cls"]: node["color"] for node in _data_set(page, "nodes")}
    assert [(cls, name, int(count)) for cls, _, name, count in boxes] == [
        ("Person", "Person", 2),
        ("Organization", "Organization", 1),
        ("NewsOrganization", "News organization", 1),
        ("Country", "Country", 1),
        ("TariffEvent", "Tariff event", 1),
    ]
    assert all(colors[cls] == color for cls, color, _, _ in boxes)
    properties = re.findall(r'data-property="(\w+)" checked>([^<]+) <span class="kg-count">(\d+)<', page)
    assert sorted(properties) == [
        ("imposedTariffOn", "imposed tariff on", "1"),
        ("imposer", "imposer", "1"),
        ("target", "target", "1"),
        ("worksFor", "works for", "1"),
    ]


def test_search_neighbourhood_and_layout_that_stops(page: str) -> None:
    assert 'id="kg-search"' in page and 'id="kg-neighbourhood"' in page
    assert 'network.once("stabilizationIterationsDone", settled)' in page
    assert "network.setOptions({physics: false})" in page
    options = _page_data(page)["options"]
    assert options["physics"]["stabilization"]["enabled"] is True
    assert options["layout"]["randomSeed"] == 7


def test_large_graphs_get_a_faster_layout(tmp_path: Path) -> None:
    small = _page_data(render(star_graph(), tmp_path))["options"]
    graph = star_graph()
    for index in range(200):
        graph.add((PERSON[f"y{index}"], RDF.type, KG.Person))
    large = _page_data(render(graph, tmp_path))["options"]
    assert small["edges"]["smooth"]["enabled"] and small["layout"]["improvedLayout"]
    assert not large["edges"]["smooth"]["enabled"] and not large["layout"]["improvedLayout"]
    assert large["physics"]["stabilization"]["iterations"] < small["physics"]["stabilization"]["iterations"]


def test_same_graph_gives_identical_bytes(graph: Graph, tmp_path: Path) -> None:
    first, second = tmp_path / "a.html", tmp_path / "b.html"
    write_html(graph, first, source="seeds")
    reordered = Graph()
    for triple in sorted(graph, key=lambda t: tuple(reversed([str(term) for term in t]))):
        reordered.add(triple)
    write_html(reordered, second, source="seeds")
    assert first.read_bytes() == second.read_bytes()
    write_html(graph, first, source="seeds")
    assert first.read_bytes() == second.read_bytes()


def test_empty_graph(tmp_path: Path) -> None:
    page = render(Graph(), tmp_path)
    assert '<span id="kg-entity-count">0</span>' in page
    assert _data_set(page, "nodes") == [] and _data_set(page, "edges") == []


def test_missing_directory_raises(graph: Graph, tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        write_html(graph, tmp_path / "missing" / "graph.html", source="seeds")


# --- what is drawn: focus, cap, confidence ------------------------------------------------


def test_focus_keeps_the_neighbourhood(graph: Graph, tmp_path: Path) -> None:
    page = render(graph, tmp_path, focus="president trump")
    assert _labels(page) == {"Donald Trump", "China", "10% tariff by Donald Trump on China"}
    assert _page_data(page)["focus"] == str(PERSON["donald-trump"])
    assert _notices(page) == ["The neighbourhood of Donald Trump within 1 hop: 3 of 6 entities."]
    assert '<span id="kg-entity-count">3</span>' in page
    assert len(_data_set(page, "edges")) == 3


def test_focus_hops_reach_further(tmp_path: Path) -> None:
    one = _labels(render(star_graph(), tmp_path, focus="Second Institute", hops=1))
    two = _labels(render(star_graph(), tmp_path, focus="Second Institute", hops=2))
    assert one == {"Second Institute", "Person 0"}
    assert two == {"Second Institute", "Person 0", "Hub Institute"}
    three = _labels(render(star_graph(), tmp_path, focus="Second Institute", hops=3))
    assert three == {"Second Institute", "Hub Institute"} | {f"Person {i}" for i in range(10)}


@pytest.mark.parametrize(
    "name, message",
    [
        (
            "Nobody",
            "No entity in the graph is named 'Nobody'; pass an entity's name or other name as the "
            "page shows it.",
        ),
        (
            "Institute",
            "No entity in the graph is named 'Institute'; pass an entity's name or other name as the "
            "page shows it, such as Hub Institute or Second Institute.",
        ),
    ],
)
def test_focus_on_an_unknown_name(name: str, message: str, tmp_path: Path) -> None:
    with pytest.raises(FocusError) as error:
        write_html(star_graph(), tmp_path / "graph.html", source="seeds", focus=name)
    assert str(error.value) == message
    assert list(tmp_path.iterdir()) == []


def test_focus_on_a_shared_name(tmp_path: Path) -> None:
    graph = star_graph()
    graph.add((PERSON["p1"], SKOS.altLabel, Literal("Smith")))
    graph.add((PERSON["p2"], SKOS.altLabel, Literal("Smith")))
    with pytest.raises(FocusError, match=r"^The name 'smith' stands for 2 entities \(Person 1 \(Person\), "):
        write_html(graph, tmp_path / "graph.html", source="seeds", focus="smith")
    # a canonical name wins over the same text as another entity's other name
    graph.add((PERSON["p3"], SKOS.altLabel, Literal("Person 1")))
    render(graph, tmp_path, focus="Person 1")


def test_max_nodes_keeps_the_best_connected_and_says_what_is_left_out(tmp_path: Path) -> None:
    path = tmp_path / "graph.html"
    summary = write_html(star_graph(), path, source="seeds", max_nodes=3)
    page = path.read_text(encoding="utf-8")
    # Hub Institute (10 relations), Person 0 (2), then the first IRI among those with one
    assert _labels(page) == {"Hub Institute", "Person 0", "Second Institute"}
    assert len(_data_set(page, "edges")) == 2
    assert (summary.entities, summary.relations, summary.total_entities, summary.total_relations) == (
        3,
        2,
        15,
        11,
    )
    assert summary.capped
    assert _notices(page) == [
        "Showing the 3 best-connected of 15 entities: 12 entities and 9 relations are left out, the "
        "best-connected of them being Person 1, Person 2, Person 3, Person 4, Person 5 and 7 more. "
        "See any entity's neighbourhood with kg html GRAPH --focus NAME, or draw more with --max-nodes N."
    ]
    assert list(summary.notes) == _notices(page)
    assert not write_html(star_graph(), path, source="seeds", max_nodes=15).capped


def test_min_confidence_leaves_out_less_sure_relations(graph: Graph, tmp_path: Path) -> None:
    page = render(graph, tmp_path, min_confidence=0.8)
    assert sorted(edge["prop"] for edge in _data_set(page, "edges")) == ["imposer", "target", "worksFor"]
    assert _notices(page) == ["1 relation with a confidence below 0.8 is left out."]
    assert len(_data_set(page, "nodes")) == 6  # entities stay


def test_read_graph_from_a_file_a_build_folder_and_a_store(graph: Graph, tmp_path: Path) -> None:
    folder = tmp_path / "out"
    folder.mkdir()
    graph.serialize(folder / "graph.ttl", format="turtle")
    graph.serialize(tmp_path / "graph.nt", format="nt", encoding="utf-8")
    store_dir = tmp_path / "store"
    store = ox.Store(str(store_dir))
    store.load(path=str(tmp_path / "graph.nt"), format=ox.RdfFormat.N_TRIPLES, to_graph=ox.NamedNode(ID))
    store.flush()
    del store
    for source in (folder, folder / "graph.ttl", tmp_path / "graph.nt"):
        assert isomorphic(read_graph(source), graph), source
    # Oxigraph keeps values, not spellings ("10.0"^^xsd:decimal comes back as "10"): same drawing.
    from_store, from_file = render(read_graph(store_dir), tmp_path), render(graph, tmp_path)
    for name in ("nodes", "edges"):
        drawn = [{k: v for k, v in item.items() if k != "title"} for item in _data_set(from_store, name)]
        assert drawn == [
            {k: v for k, v in item.items() if k != "title"} for item in _data_set(from_file, name)
        ]
    assert len(read_graph(store_dir)) == len(graph)


# --- kg html and kg build ------------------------------------------------------------------


@pytest.fixture
def star_file(tmp_path: Path) -> Path:
    path = tmp_path / "star.ttl"
    star_graph().serialize(path, format="turtle")
    return path


def test_kg_html_options(star_file: Path, tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    result = run("html", str(star_file), "-o", str(target), "--focus", "second institute", "--hops", "2",
                 "--max-nodes", "2")  # fmt: skip
    assert result.exit_code == 0, result.output
    page = target.read_text(encoding="utf-8")
    assert _labels(page) == {"Second Institute", "Person 0"}
    assert result.stdout.splitlines() == [*_notices(page), f"Wrote {target}"]
    assert _notices(page)[0] == "The neighbourhood of Second Institute within 2 hops: 3 of 15 entities."
    assert _notices(page)[1].startswith("Showing the 2 nearest, best-connected of 3 entities: 1 entities")


def test_kg_html_defaults_to_the_cap_and_writes_beside_the_graph(star_file: Path) -> None:
    result = run("html", str(star_file))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {star_file.with_suffix('.html')}\n"
    assert len(_data_set(star_file.with_suffix(".html").read_text(encoding="utf-8"), "nodes")) == 15
    help_text = " ".join(run("html", "--help").stdout.split())
    assert f"[default: {DEFAULT_MAX_NODES}]" in help_text


def test_kg_html_from_a_store_folder(graph: Graph, tmp_path: Path) -> None:
    graph.serialize(tmp_path / "graph.nt", format="nt", encoding="utf-8")
    store = ox.Store(str(tmp_path / "store"))
    store.load(path=str(tmp_path / "graph.nt"), format=ox.RdfFormat.N_TRIPLES)
    store.flush()
    del store
    result = run("html", str(tmp_path / "store"))
    assert result.exit_code == 0, result.output
    assert len(_data_set((tmp_path / "store.html").read_text(encoding="utf-8"), "nodes")) == 6


@pytest.mark.parametrize(
    "args, message, exit_code",
    [
        (["--focus", "Nobody"], "Error: No entity in the graph is named 'Nobody'", 1),
        (["--hops", "2"], "Error: --hops needs --focus NAME: the entity to count the hops from.", 2),
        (["--max-nodes", "0"], "Error: Invalid value for '--max-nodes'", 2),
        (["--min-confidence", "1.5"], "Error: Invalid value for '--min-confidence'", 2),
    ],
)
def test_kg_html_errors(
    args: list[str], message: str, exit_code: int, star_file: Path, tmp_path: Path
) -> None:
    result = run("html", str(star_file), "-o", str(tmp_path / "page.html"), *args)
    assert result.exit_code == exit_code, result.output
    assert "Traceback" not in result.output
    assert result.stderr.splitlines()[-1].startswith(message)
    assert not (tmp_path / "page.html").exists()


@pytest.mark.slow
def test_kg_build_caps_a_large_graph_and_says_so(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The seeds stand in for a graph larger than the cap: lower the cap rather than grow the input.
    monkeypatch.setattr(kg.build, "DEFAULT_MAX_NODES", 5)
    result = run("build", str(SEEDS_DIR), "-o", str(tmp_path))
    assert result.exit_code == 0, result.output
    page = (tmp_path / "graph.html").read_text(encoding="utf-8")
    assert len(_data_set(page, "nodes")) == 5
    notice = _notices(page)[-1]
    assert notice.startswith("Showing the 5 best-connected of ")
    assert f"graph.html: {notice}" in result.stdout.splitlines()
    ids = {URIRef(node["id"]) for node in _data_set(page, "nodes")}
    assert URIRef(ID + "country/china") in ids  # the seeds' best-connected entity
