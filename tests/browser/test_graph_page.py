"""The graph page in a real browser: Debian's headless Chromium driven by npm's playwright-core.

check_page.mjs loads each page offline (every request that is not for a local file is aborted
and counted), uses it as a reader would and reports what it saw; the tests here judge that
against the graph the page was drawn from. Without node, Chromium or playwright-core (`npm ci`)
the tests are skipped, except in CI (CI=true), where they fail.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from kg.cli import cli
from kg.ontology import KG

pytestmark = [pytest.mark.slow, pytest.mark.usefixtures("browser_tools")]

PROJECT_DIR = Path(__file__).resolve().parents[2]
CHECK_PAGE = Path(__file__).resolve().parent / "check_page.mjs"
CHROMIUM = os.environ.get("KG_CHROMIUM", "/usr/bin/chromium")
ID = Namespace("https://w3id.org/kg-news/id/")

ENTITIES = """
SELECT DISTINCT ?entity WHERE {
  ?entity a ?class .
  FILTER(STRSTARTS(STR(?class), "https://w3id.org/kg-news/ontology#") && ?class != kg:NewsArticle)
}"""
KG_TRIPLES = """
SELECT ?subject ?property ?object WHERE {
  ?subject ?property ?object .
  FILTER(STRSTARTS(STR(?property), "https://w3id.org/kg-news/ontology#") && isIRI(?object))
}"""
EVIDENCE = """
SELECT ?subject ?object ?evidence WHERE {
  ?statement rdf:subject ?subject ; rdf:predicate kg:worksFor ; rdf:object ?object ; kg:evidence ?evidence .
} ORDER BY ?subject ?object ?evidence LIMIT 1"""


def missing_tools() -> str | None:
    if shutil.which("node") is None:
        return "node is not installed (apt-get install nodejs)"
    if not Path(CHROMIUM).is_file():
        return f"Chromium is not at {CHROMIUM} (apt-get install chromium, or set KG_CHROMIUM)"
    if not (PROJECT_DIR / "node_modules" / "playwright-core").is_dir():
        return "playwright-core is not installed (run npm ci in the project folder)"
    return None


def entities_and_relations(graph: Graph) -> tuple[set[str], list[tuple[str, str, str]]]:
    """What the page must draw, read from the graph with SPARQL, independently of the page code."""
    entities = {str(row[0]) for row in graph.query(ENTITIES, initNs={"kg": KG._NS})}  # type: ignore[index]
    relations = [
        (str(s), str(p).rsplit("#", 1)[1], str(o))
        for s, p, o in graph.query(KG_TRIPLES)  # type: ignore[misc]
        if str(s) in entities and str(o) in entities
    ]
    return entities, relations


def network_graph(size: int, seed: int = 5) -> Graph:
    """A contract-shaped graph of ``size`` persons and organisations, a few hubs among them."""
    rng = random.Random(seed)
    graph = Graph()
    nodes = []
    for index in range(size):
        kind, cls = ("person", KG.Person) if index % 3 else ("organization", KG.Organization)
        node = ID[f"{kind}/n{index}"]
        graph.add((node, RDF.type, cls))
        graph.add((node, RDFS.label, Literal(f"{kind.title()} {index}")))
        nodes.append((node, cls))
    for index, (node, cls) in enumerate(nodes[1:], start=1):
        for _ in range(2):
            other, other_cls = nodes[min(int(rng.paretovariate(1.2)) - 1, index - 1)]
            if cls == KG.Person and other_cls == KG.Organization:
                graph.add((node, KG.worksFor, other))
            elif cls == KG.Person and other_cls == KG.Person:
                graph.add((node, KG.metWith, other))
            else:
                graph.add((node, KG.criticized, other))
    return graph


@pytest.fixture(scope="session")
def browser_tools() -> None:
    """Skip when node, Chromium or playwright-core is missing here; fail when it is missing in CI."""
    missing = missing_tools()
    if missing is not None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"The browser tests cannot run: {missing}.")
        pytest.skip(missing)


@pytest.fixture(scope="module")
def report(
    browser_tools: None, seed_output: Path, seed_graph: Graph, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, dict]:
    """Run check_page.mjs once over the seeds' page, a capped page and a focused page."""
    folder = tmp_path_factory.mktemp("browser")
    network = network_graph(300)
    network.serialize(folder / "network.ttl", format="turtle")
    # an entity surely among the 150 kept: the tenth best-connected
    _, relations = entities_and_relations(network)
    degree = Counter(end for s, _, o in relations for end in (s, o))
    tenth = sorted(degree, key=lambda entity: (-degree[entity], entity))[9]
    runner = CliRunner()
    for args in (
        ["html", str(folder / "network.ttl"), "-o", str(folder / "capped.html"), "--max-nodes", "150"],
        ["html", str(seed_output), "-o", str(folder / "focus.html"), "--focus", "Yun Sun", "--hops", "2"],
    ):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
    works_for = next(iter(seed_graph.query(EVIDENCE, initNs={"kg": KG._NS})))
    screenshot = folder / "seeds.png"
    plan = {
        "pages": [
            {
                "name": "seeds",
                "file": str(seed_output / "graph.html"),
                "screenshot": str(screenshot),
                "hoverEdge": {"from": str(works_for[0]), "to": str(works_for[1]), "prop": "worksFor"},
                "clickNode": str(ID["country/china"]),
                "search": "trump",
                "neighbourhood": 1,
                "filterClass": "Person",
                "filterProperty": "told",
            },
            {
                "name": "capped",
                "file": str(folder / "capped.html"),
                "search": str(network.value(URIRef(tenth), RDFS.label)),
                "neighbourhood": 1,
            },
            {"name": "focus", "file": str(folder / "focus.html")},
        ]
    }
    (folder / "plan.json").write_text(json.dumps(plan), encoding="utf-8")
    completed = subprocess.run(
        ["node", str(CHECK_PAGE), str(folder / "plan.json")],
        cwd=PROJECT_DIR,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    results = json.loads(completed.stdout)
    pages = {
        step["name"]: {**result, "plan": step} for step, result in zip(plan["pages"], results, strict=True)
    }
    pages["seeds"]["evidence"] = str(works_for[2])
    pages["capped"]["graph"] = network
    pages["capped"]["tenth"] = tenth
    return pages


PAGES = ("seeds", "capped", "focus")


@pytest.mark.parametrize("name", PAGES)
def test_page_runs_offline_without_errors(report: dict[str, dict], name: str) -> None:
    page = report[name]
    assert "error" not in page, page.get("error")
    assert page["requests"] == [], "the page tried to reach the network"
    assert page["console"] == [] and page["pageErrors"] == []


@pytest.mark.parametrize("name", PAGES)
def test_layout_stands_still(report: dict[str, dict], name: str) -> None:
    assert report[name]["stillSeconds"] > 0


def test_seeds_page_draws_every_entity_and_relation(report: dict[str, dict], seed_graph: Graph) -> None:
    page = report["seeds"]
    entities, relations = entities_and_relations(seed_graph)
    assert sorted(page["drawn"]["nodes"]) == sorted(entities)
    assert sorted((e["from"], e["prop"], e["to"]) for e in page["drawn"]["edges"]) == sorted(relations)
    assert page["header"]["entities"] == str(len(entities))
    assert page["header"]["relations"] == str(len(relations))
    assert page["header"]["notices"] == []


def test_nodes_are_painted_in_their_class_colours(report: dict[str, dict]) -> None:
    pixels = report["seeds"]["colourPixels"]
    assert len(pixels) >= 5  # one legend entry per class drawn
    assert all(count > 20 for count in pixels.values()), pixels


def test_edge_tooltip_shows_the_evidence_as_html(report: dict[str, dict]) -> None:
    hover = report["seeds"]["hover"]
    assert " ".join(report["seeds"]["evidence"].split()) in " ".join(hover["text"].split())
    assert "works for" in hover["text"] and "confidence" in hover["text"]
    assert hover["quotes"] >= 1  # rendered as markup, not shown as text
    assert hover["scripts"] == 0


def test_clicking_a_node_shows_its_evidence_and_relations(report: dict[str, dict], seed_graph: Graph) -> None:
    click = report["seeds"]["click"]
    assert click["selected"] == [str(ID["country/china"])]
    details = click["details"]
    assert "Class: Country" in details and "Mentioned in" in details
    assert "Relations" in details and "imposed tariff on" in details


def test_search_finds_an_entity_by_another_name_and_focuses_it(
    report: dict[str, dict], seed_graph: Graph
) -> None:
    search = report["seeds"]["search"]
    [trump] = list(seed_graph.subjects(SKOS.altLabel, Literal("Trump")))
    assert search["selected"] == [str(trump)]
    assert search["offset"] < 5  # pixels from the middle of the view
    assert search["status"] == "Found Donald Trump (as \u201cTrump\u201d)."


def test_neighbourhood_view_shows_the_entity_and_its_neighbours(
    report: dict[str, dict], seed_graph: Graph
) -> None:
    trump = report["seeds"]["search"]["selected"][0]
    _, relations = entities_and_relations(seed_graph)
    neighbours = {o for s, _, o in relations if s == trump} | {s for s, _, o in relations if o == trump}
    assert sorted(report["seeds"]["neighbourhood"]["nodes"]) == sorted(neighbours | {trump})


def test_class_filter_hides_and_shows_nodes(report: dict[str, dict], seed_graph: Graph) -> None:
    hidden, shown = report["seeds"]["filterClass"]["hidden"], report["seeds"]["filterClass"]["shown"]
    persons = len(set(seed_graph.subjects(RDF.type, KG.Person)))
    assert "Person" not in hidden and len(hidden) == len(shown) - persons
    assert shown.count("Person") == persons > 0


def test_property_filter_hides_edges(report: dict[str, dict], seed_graph: Graph) -> None:
    result = report["seeds"]["filterProperty"]
    told = len(list(seed_graph.subject_objects(KG.told)))
    assert "told" not in result["hidden"] and result["shown"].count("told") == told > 0
    assert len(result["hidden"]) == len(result["shown"]) - told
    assert re.fullmatch(
        rf" \u00b7 showing \d+ entities and {len(result['hidden'])} relations", result["visible"]
    )


def test_screenshot_is_taken(report: dict[str, dict]) -> None:
    shot = Path(report["seeds"]["plan"]["screenshot"])
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 20_000


def test_capped_page_draws_the_kept_entities_and_every_relation_between_them(
    report: dict[str, dict],
) -> None:
    page = report["capped"]
    entities, relations = entities_and_relations(page["graph"])
    drawn = set(page["drawn"]["nodes"])
    assert len(entities) == 300 and len(drawn) == 150 and drawn <= entities
    between = sorted((s, p, o) for s, p, o in relations if s in drawn and o in drawn)
    assert sorted((e["from"], e["prop"], e["to"]) for e in page["drawn"]["edges"]) == between
    degree = {entity: 0 for entity in entities}
    for s, _, o in relations:
        degree[s] += 1
        degree[o] += 1
    assert min(degree[e] for e in drawn) >= max(degree[e] for e in entities - drawn)
    [notice] = page["header"]["notices"]
    left_out = len(relations) - len(between)
    expected = f"Showing the 150 best-connected of 300 entities: 150 entities and {left_out} relations"
    assert notice.startswith(expected + " are left out")


def test_focus_page_selects_the_entity(report: dict[str, dict]) -> None:
    page = report["focus"]
    yun_sun = str(ID["person/yun-sun"])
    assert page["selected"] == [yun_sun]
    assert yun_sun in page["drawn"]["nodes"]
    assert page["header"]["notices"][0].startswith("The neighbourhood of Yun Sun within 2 hops: ")


def test_large_page_shows_and_labels_the_neighbourhood_of_a_search(report: dict[str, dict]) -> None:
    page = report["capped"]
    assert all(edge["label"] == "" for edge in page["drawn"]["edges"])  # thousands would blur
    assert page["search"]["selected"] == [page["tenth"]]
    _, relations = entities_and_relations(page["graph"])
    drawn = set(page["drawn"]["nodes"])
    tenth = page["tenth"]
    neighbours = {o for s, _, o in relations if s == tenth} | {s for s, _, o in relations if o == tenth}
    hood = page["neighbourhood"]
    assert sorted(hood["nodes"]) == sorted((neighbours & drawn) | {tenth})
    # on a large page the search itself shows the neighbourhood: the surroundings are too dense
    assert sorted(page["search"]["drawn"]) == sorted(hood["nodes"])
    label = page["plan"]["search"]
    assert page["search"]["status"] == f"Found {label}. Neighbourhood of {label} within 1 hop."
    names = {"worksFor": "works for", "metWith": "met with", "criticized": "criticized"}
    assert hood["edges"] and all(edge["label"] == names[edge["prop"]] for edge in hood["edges"])
