"""`kg serve`: a read-only SPARQL 1.1 Protocol endpoint that SPARQL clients (rdflib's
SPARQLStore among them) can use, with a time limit, a result-size limit and updates refused."""

from __future__ import annotations

import csv
import doctest
import io
import json
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore

import kg.serve
from kg.cli import cli
from kg.export.trig import serialize_trig
from kg.serve import ServeLimits, SparqlServer, make_server
from kg.store import add_to_store, open_store, run_query

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"
WORKS_FOR = (QUERIES_DIR / "works_for.rq").read_text(encoding="utf-8")
MAX_ROWS = 200
SLOW_QUERY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory: pytest.TempPathFactory, seed_graph: Graph) -> Path:
    path = tmp_path_factory.mktemp("serve") / "store"
    add_to_store(path, serialize_trig(seed_graph))
    return path


@pytest.fixture(scope="module")
def server(store_dir: Path) -> Iterator[SparqlServer]:
    running = make_server(store_dir, port=0, limits=ServeLimits(timeout=1.5, max_rows=MAX_ROWS), quiet=True)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        yield running
    finally:
        running.shutdown()
        running.server_close()
        thread.join(5)


def request(
    url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str, bytes]:
    """Status, Content-Type and body of one HTTP request (errors included)."""
    try:
        with urllib.request.urlopen(
            urllib.request.Request(url, data=data, headers=headers or {}), timeout=30
        ) as r:
            return r.status, r.headers["Content-Type"], r.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers["Content-Type"], error.read()


def get(server: SparqlServer, query: str, accept: str = "", **parameters: str) -> tuple[int, str, bytes]:
    encoded = urllib.parse.urlencode({"query": query, **parameters})
    return request(f"{server.url}?{encoded}", headers={"Accept": accept} if accept else {})


def expected_rows(store_dir: Path, query: str) -> list[list[str | None]]:
    return run_query(open_store(store_dir), query).compact_rows()


# --- results in every format ---------------------------------------------------------------------


def test_binds_to_localhost_by_default(server: SparqlServer) -> None:
    assert server.server_address[0] == "127.0.0.1"
    assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/sparql")


def test_select_as_json_gives_the_rows_of_kg_query(server: SparqlServer, store_dir: Path) -> None:
    status, media_type, body = get(server, WORKS_FOR)
    assert status == 200 and media_type == "application/sparql-results+json"
    answer = json.loads(body)
    assert answer["head"]["vars"] == ["person", "organization", "evidence", "source"]
    rows = [
        [b.get(v, {}).get("value") for v in answer["head"]["vars"]] for b in answer["results"]["bindings"]
    ]
    assert rows == expected_rows(store_dir, WORKS_FOR)
    assert ["Yun Sun", "Stimson Center"] in [row[:2] for row in rows]


@pytest.mark.parametrize(
    ("accept", "format_name", "media_type", "parse"),
    [
        ("application/sparql-results+xml", "", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("", "xml", "application/sparql-results+xml", ox.QueryResultsFormat.XML),
        ("text/tab-separated-values", "", "text/tab-separated-values", ox.QueryResultsFormat.TSV),
        ("text/csv;q=0.9, application/json;q=0.1", "", "text/csv", None),
        ("", "csv", "text/csv", None),
        ("*/*", "", "application/sparql-results+json", ox.QueryResultsFormat.JSON),
    ],
)
def test_select_in_every_results_format(
    server: SparqlServer, store_dir: Path, accept: str, format_name: str, media_type: str, parse
) -> None:  # type: ignore[no-untyped-def]
    parameters = {"format": format_name} if format_name else {}
    status, content_type, body = get(server, WORKS_FOR, accept, **parameters)
    assert status == 200, body
    assert content_type.split(";")[0] == media_type
    expected = expected_rows(store_dir, WORKS_FOR)
    if parse is None:  # SPARQL CSV: a header, then plain values
        rows = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        assert rows[0] == ["person", "organization", "evidence", "source"]
        assert [[cell or None for cell in row] for row in rows[1:]] == expected
    else:
        solutions = ox.parse_query_results(body, format=parse)
        assert isinstance(solutions, ox.QuerySolutions)
        names = [v.value for v in solutions.variables]
        rows = [[None if s[n] is None else s[n].value for n in names] for s in solutions]
        assert rows == expected


def test_post_form_and_post_query_body(server: SparqlServer, store_dir: Path) -> None:
    form = urllib.parse.urlencode({"query": WORKS_FOR}).encode()
    status, _, body = request(
        server.url, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 200
    assert len(json.loads(body)["results"]["bindings"]) == len(expected_rows(store_dir, WORKS_FOR))
    status, _, direct = request(
        server.url, data=WORKS_FOR.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    assert status == 200 and direct == body


def test_ask(server: SparqlServer) -> None:
    status, _, body = get(server, "ASK { person:yun-sun kg:worksFor organization:stimson-center }")
    assert status == 200 and json.loads(body)["boolean"] is True
    status, _, body = get(server, "ASK { person:yun-sun kg:worksFor person:yun-sun }", format="xml")
    assert status == 200 and b"<boolean>false</boolean>" in body


@pytest.mark.parametrize(
    ("accept", "media_type", "rdflib_format"),
    [
        ("", "text/turtle", "turtle"),
        ("application/n-triples", "application/n-triples", "nt"),
        ("application/rdf+xml", "application/rdf+xml", "xml"),
        ("application/ld+json", "application/ld+json", "json-ld"),
    ],
)
def test_construct(server: SparqlServer, accept: str, media_type: str, rdflib_format: str) -> None:
    query = "CONSTRUCT { ?p kg:worksFor ?o } WHERE { ?p kg:worksFor ?o }"
    status, content_type, body = get(server, query, accept)
    assert status == 200 and content_type.split(";")[0] == media_type
    graph = Graph().parse(data=body, format=rdflib_format)
    person = URIRef("https://w3id.org/kg-news/id/person/yun-sun")
    assert (person, None, URIRef("https://w3id.org/kg-news/id/organization/stimson-center")) in graph
    if media_type == "text/turtle":
        assert b"@prefix kg: <https://w3id.org/kg-news/ontology#>" in body


def test_default_graph_uri_restricts_the_query(server: SparqlServer, store_dir: Path) -> None:
    article = sorted(g.value for g in open_store(store_dir).named_graphs())[0]
    count = "SELECT (COUNT(?s) AS ?n) WHERE { ?s a rdf:Statement }"
    expected = expected_rows(
        store_dir, f"SELECT (COUNT(?s) AS ?n) WHERE {{ GRAPH <{article}> {{ ?s a rdf:Statement }} }}"
    )
    status, _, body = get(server, count, **{"default-graph-uri": article})
    assert status == 200
    assert json.loads(body)["results"]["bindings"][0]["n"]["value"] == expected[0][0]
    total = json.loads(get(server, count)[2])["results"]["bindings"][0]["n"]["value"]
    assert int(total) > int(expected[0][0]) > 0


def test_rdflib_sparqlstore_is_a_client(server: SparqlServer, store_dir: Path) -> None:
    graph = Graph(store=SPARQLStore(server.url))
    rows = [[None if v is None else str(v) for v in row] for row in graph.query(WORKS_FOR)]  # type: ignore[union-attr]
    assert rows == expected_rows(store_dir, WORKS_FOR)
    works_for = "<https://w3id.org/kg-news/ontology#worksFor>"
    constructed = graph.query(f"CONSTRUCT {{ ?p {works_for} ?o }} WHERE {{ ?p {works_for} ?o }}")
    edges = expected_rows(store_dir, "SELECT ?p ?o WHERE { ?p kg:worksFor ?o }")
    assert constructed.graph is not None and len(constructed.graph) == len(edges) > 0


def test_service_description(server: SparqlServer) -> None:
    status, media_type, body = request(server.url)
    assert status == 200 and media_type.startswith("text/turtle")
    assert f"sd:endpoint <{server.url}>".encode() in body
    Graph().parse(data=body, format="turtle")


# --- refusals and limits -------------------------------------------------------------------------


def count_triples(server: SparqlServer) -> str:
    body = get(server, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[2]
    return str(json.loads(body)["results"]["bindings"][0]["n"]["value"])


def test_updates_are_refused(server: SparqlServer) -> None:
    before = count_triples(server)
    update = "INSERT DATA { <http://e/s> <http://e/p> <http://e/o> }"
    form = urllib.parse.urlencode({"update": update}).encode()
    status, _, body = request(
        server.url, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert status == 403 and b"read-only" in body
    status, _, body = request(
        server.url, data=update.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    assert status == 403 and b"read-only" in body
    status, _, body = request(f"{server.url}?{urllib.parse.urlencode({'update': update})}")
    assert status == 403
    status, _, body = get(server, update)
    assert status == 400 and b"is a SPARQL update, but this endpoint is read-only" in body
    assert count_triples(server) == before


def test_bad_query_is_a_400_with_the_position(server: SparqlServer) -> None:
    status, media_type, body = get(server, "SELECT ?s WHERE { ?s ?p ?o ")
    assert status == 400 and media_type.startswith("text/plain")
    assert body.startswith(b"The SPARQL query is not valid at line 1, column 28")


def test_result_size_limit(server: SparqlServer) -> None:
    status, _, body = get(server, "SELECT * WHERE { ?s ?p ?o }")
    assert status == 400
    assert f"more than {MAX_ROWS:,} rows".encode() in body
    status, _, body = get(server, f"SELECT * WHERE {{ ?s ?p ?o }} LIMIT {MAX_ROWS}")
    assert status == 200 and len(json.loads(body)["results"]["bindings"]) == MAX_ROWS
    status, _, body = get(server, "CONSTRUCT WHERE { ?s ?p ?o }")
    assert status == 400 and b"triples" in body


def test_time_limit_stops_the_query_and_the_endpoint_goes_on(server: SparqlServer) -> None:
    started = time.monotonic()
    status, _, body = get(server, SLOW_QUERY)
    assert status == 503 and b"ran longer than 1.5 s" in body
    assert time.monotonic() - started < 10
    status, _, body = get(server, "ASK { ?s kg:worksFor ?o }")
    assert status == 200 and json.loads(body)["boolean"] is True


@pytest.mark.parametrize(
    ("path", "data", "headers", "status"),
    [
        ("/elsewhere", None, {}, 404),
        ("/sparql", b"query=ASK{}", {"Content-Type": "text/plain"}, 415),
        ("/sparql?query=ASK%7B%7D", None, {"Accept": "image/png"}, 406),
        ("/sparql?query=ASK%7B%7D&query=ASK%7B%7D", None, {}, 400),
    ],
)
def test_protocol_errors(
    server: SparqlServer, path: str, data: bytes | None, headers: dict[str, str], status: int
) -> None:
    base = server.url.removesuffix("/sparql")
    got, media_type, body = request(base + path, data=data, headers=headers)
    assert got == status
    assert media_type.startswith("text/plain") and body.strip()


def test_negotiation_and_evaluation_examples_run() -> None:
    outcome = doctest.testmod(kg.serve)
    assert outcome.attempted > 0
    assert outcome.failed == 0


def test_serves_a_graph_file_too(seed_output: Path) -> None:
    running = make_server(seed_output / "graph.ttl", port=0, workers=1, quiet=True)
    thread = threading.Thread(target=running.serve_forever, daemon=True)
    thread.start()
    try:
        status, _, body = get(running, "ASK { person:yun-sun kg:worksFor organization:stimson-center }")
        assert status == 200 and json.loads(body)["boolean"] is True
    finally:
        running.shutdown()
        running.server_close()
        thread.join(5)


# --- the command ---------------------------------------------------------------------------------


def test_kg_serve_missing_source(tmp_path: Path) -> None:
    result = CliRunner().invoke(cli, ["serve", str(tmp_path / "nope")])
    assert result.exit_code == 1
    assert result.output.startswith("Error: Cannot read graph file")


def test_kg_serve_command_serves_until_ctrl_c(store_dir: Path) -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "kg", "serve", str(store_dir), "--port", "0", "--quiet", "--workers", "1"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        assert line.startswith(f"Serving {store_dir} read-only at http://127.0.0.1:"), line
        url = line.split(" at ")[1].split()[0]
        status, _, body = request(f"{url}?{urllib.parse.urlencode({'query': 'ASK { ?s kg:worksFor ?o }'})}")
        assert status == 200 and json.loads(body)["boolean"] is True
        process.send_signal(signal.SIGINT)
        out, err = process.communicate(timeout=20)
        assert process.returncode == 0, err
        assert "Stopped." in out
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)
