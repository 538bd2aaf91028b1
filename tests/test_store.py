"""Tests for kg.store (loading graphs, running SPARQL, formatting answers) and queries/*.rq."""

from __future__ import annotations

import csv
import doctest
import io
import json
import re
from pathlib import Path

import pyoxigraph as ox
import pytest
from helpers import TURTLE_PREFIXES

import kg.store
from kg.store import (
    FORMATS,
    PREFIXES,
    GraphLoadError,
    QueryError,
    QueryResult,
    format_result,
    open_graph,
    run_query,
)

QUERIES_DIR = Path(__file__).resolve().parent.parent / "queries"

EVIDENCE_YUN_SUN = (
    '"Fentanyl can be a bargaining chip," Yun Sun, director of the China program at the '
    "Stimson Center, a Washington think tank, told the Journal."
)
EVIDENCE_TARIFF = "President Trump imposed a 10% tariff on China in March."
EVIDENCE_CRITICIZED = "China criticized Trump for the tariffs."
EVIDENCE_RETALIATION = "China answered with a 15% levy of its own."
SOURCE_A = "000_543d6a15944b9957.txt"
SOURCE_B = "002_63f6faf5f870be30.txt"

# A tiny graph written by hand to the output contract (/tmp/kgspec/contract.md).
GRAPH_TTL = (
    TURTLE_PREFIXES
    + f"""
person:yun-sun a kg:Person ; rdfs:label "Yun Sun" .
organization:stimson-center a kg:Organization ; rdfs:label "Stimson Center" .
person:donald-trump a kg:Person ;
    rdfs:label "Donald Trump" ;
    skos:altLabel "President Trump", "Trump" .
country:china a kg:Country ;
    rdfs:label "China" ;
    skos:altLabel "Chine"@fr .

article:3f2a9c0d1e2b4a5c a kg:NewsArticle, schema:NewsArticle ;
    rdfs:label "{SOURCE_A}" ;
    dcterms:source "{SOURCE_A}" ;
    schema:mentions person:yun-sun, organization:stimson-center, country:china .
article:0b1c2d3e4f5a6b7c a kg:NewsArticle, schema:NewsArticle ;
    rdfs:label "{SOURCE_B}" ;
    dcterms:source "{SOURCE_B}" ;
    dcterms:title "Tariffs and retaliation" ;
    schema:mentions person:donald-trump, country:china .

person:yun-sun kg:worksFor organization:stimson-center .
statement:9a8b7c6d5e4f3a2b a rdf:Statement ;
    rdf:subject person:yun-sun ;
    rdf:predicate kg:worksFor ;
    rdf:object organization:stimson-center ;
    prov:wasDerivedFrom article:3f2a9c0d1e2b4a5c ;
    kg:evidence {json.dumps(EVIDENCE_YUN_SUN)} ;
    kg:startChar 1234 ;
    kg:endChar 1410 ;
    kg:confidence 0.9 ;
    kg:rule "apposition-role" .

country:china kg:criticized person:donald-trump .
statement:1111111111111111 a rdf:Statement ;
    rdf:subject country:china ;
    rdf:predicate kg:criticized ;
    rdf:object person:donald-trump ;
    prov:wasDerivedFrom article:0b1c2d3e4f5a6b7c ;
    kg:evidence "{EVIDENCE_CRITICIZED}" ;
    kg:startChar 300 ;
    kg:endChar 339 ;
    kg:confidence 0.8 ;
    kg:rule "svo" .

event:tariff-0a1b2c3d4e5f6a7b a kg:TariffEvent ;
    rdfs:label "10% tariff by Donald Trump on China" ;
    kg:imposer person:donald-trump ;
    kg:target country:china ;
    kg:ratePercent 10.0 ;
    kg:dateText "March" ;
    kg:date "2025-03"^^xsd:gYearMonth .
person:donald-trump kg:imposedTariffOn country:china .

statement:2222222222222222 a rdf:Statement ;
    rdf:subject event:tariff-0a1b2c3d4e5f6a7b ;
    rdf:predicate kg:imposer ;
    rdf:object person:donald-trump ;
    prov:wasDerivedFrom article:0b1c2d3e4f5a6b7c ;
    kg:evidence "{EVIDENCE_TARIFF}" ;
    kg:startChar 10 ; kg:endChar 64 ; kg:confidence 0.9 ; kg:rule "tariff" .
statement:3333333333333333 a rdf:Statement ;
    rdf:subject event:tariff-0a1b2c3d4e5f6a7b ;
    rdf:predicate kg:target ;
    rdf:object country:china ;
    prov:wasDerivedFrom article:0b1c2d3e4f5a6b7c ;
    kg:evidence "{EVIDENCE_TARIFF}" ;
    kg:startChar 10 ; kg:endChar 64 ; kg:confidence 0.9 ; kg:rule "tariff" .
statement:4444444444444444 a rdf:Statement ;
    rdf:subject event:tariff-0a1b2c3d4e5f6a7b ;
    rdf:predicate kg:ratePercent ;
    rdf:object 10.0 ;
    prov:wasDerivedFrom article:0b1c2d3e4f5a6b7c ;
    kg:evidence "{EVIDENCE_TARIFF}" ;
    kg:startChar 10 ; kg:endChar 64 ; kg:confidence 0.9 ; kg:rule "tariff" .
statement:5555555555555555 a rdf:Statement ;
    rdf:subject person:donald-trump ;
    rdf:predicate kg:imposedTariffOn ;
    rdf:object country:china ;
    prov:wasDerivedFrom article:0b1c2d3e4f5a6b7c ;
    kg:evidence "{EVIDENCE_TARIFF}" ;
    kg:startChar 10 ; kg:endChar 64 ; kg:confidence 0.9 ; kg:rule "tariff" .

# A second event with no target and no date: optional columns stay empty.
event:tariff-7f7f7f7f7f7f7f7f a kg:TariffEvent ;
    rdfs:label "15% tariff by China" ;
    kg:imposer country:china ;
    kg:ratePercent 15.0 .
statement:6666666666666666 a rdf:Statement ;
    rdf:subject event:tariff-7f7f7f7f7f7f7f7f ;
    rdf:predicate kg:imposer ;
    rdf:object country:china ;
    prov:wasDerivedFrom article:0b1c2d3e4f5a6b7c ;
    kg:evidence "{EVIDENCE_RETALIATION}" ;
    kg:startChar 400 ; kg:endChar 445 ; kg:confidence 0.7 ; kg:rule "tariff" .
"""
)

EXPECTED_ROWS: dict[str, tuple[list[str], list[list[str | None]]]] = {
    "works_for.rq": (
        ["person", "organization", "evidence", "source"],
        [["Yun Sun", "Stimson Center", EVIDENCE_YUN_SUN, SOURCE_A]],
    ),
    "about_china.rq": (
        ["subject", "property", "object", "evidence", "source"],
        [
            ["China", "kg:criticized", "Donald Trump", EVIDENCE_CRITICIZED, SOURCE_B],
            ["Donald Trump", "kg:imposedTariffOn", "China", EVIDENCE_TARIFF, SOURCE_B],
            ["15% tariff by China", "kg:imposer", "China", EVIDENCE_RETALIATION, SOURCE_B],
            [
                "10% tariff by Donald Trump on China",
                "kg:target",
                "China",
                EVIDENCE_TARIFF,
                SOURCE_B,
            ],
        ],
    ),
    "tariffs.rq": (
        ["imposer", "target", "rate", "dateText", "date", "source"],
        [
            ["China", None, "15", None, None, SOURCE_B],
            ["Donald Trump", "China", "10", "March", "2025-03", SOURCE_B],
        ],
    ),
}


@pytest.fixture(scope="module")
def graph_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("output") / "graph.ttl"
    path.write_text(GRAPH_TTL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def store(graph_file: Path) -> ox.Store:
    return open_graph(graph_file)


def query_text(name: str) -> str:
    return (QUERIES_DIR / name).read_text(encoding="utf-8")


# --- example queries -------------------------------------------------------------------------


def test_every_example_query_has_expected_rows() -> None:
    assert sorted(p.name for p in QUERIES_DIR.glob("*.rq")) == sorted(EXPECTED_ROWS)


@pytest.mark.parametrize("name", sorted(EXPECTED_ROWS))
def test_example_query_rows(store: ox.Store, name: str) -> None:
    variables, rows = EXPECTED_ROWS[name]
    result = run_query(store, query_text(name))
    assert result.kind == "select"
    assert list(result.variables) == variables
    assert result.compact_rows() == rows


@pytest.mark.parametrize("name", sorted(EXPECTED_ROWS))
def test_example_query_is_portable(store: ox.Store, name: str) -> None:
    """Each file documents itself, declares its prefixes and orders its rows."""
    text = query_text(name)
    assert text.startswith("# ")
    assert re.search(r"^ORDER BY ", text, re.MULTILINE)
    declared = set(re.findall(r"^PREFIX (\w+):", text, re.MULTILINE))
    body = re.sub(r"<[^>\s]*>|#[^\n]*|\"[^\"]*\"", "", text)
    used = set(re.findall(r"\b([A-Za-z]\w*):\w", body))
    assert used <= declared
    # Runs in a plain store without kg's predeclared prefixes.
    plain = store.query(text)
    assert isinstance(plain, ox.QuerySolutions)
    assert len(list(plain)) == len(EXPECTED_ROWS[name][1])


# --- prefixes --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("SELECT ?p WHERE { ?p kg:worksFor organization:stimson-center }", [["person:yun-sun"]]),
        ('SELECT ?c WHERE { ?c a kg:Country ; rdfs:label "China" }', [["country:china"]]),
        (
            "SELECT ?s WHERE { ?s rdf:predicate kg:worksFor ; prov:wasDerivedFrom ?a }",
            [["statement:9a8b7c6d5e4f3a2b"]],
        ),
        (
            "SELECT ?t WHERE { ?a a schema:NewsArticle ; dcterms:title ?t }",
            [["Tariffs and retaliation"]],
        ),
        (
            "SELECT ?d WHERE { event:tariff-0a1b2c3d4e5f6a7b kg:date ?d "
            "FILTER(datatype(?d) = xsd:gYearMonth) }",
            [["2025-03"]],
        ),
        ('SELECT ?l WHERE { country:china skos:altLabel ?l FILTER(lang(?l) = "fr") }', [["Chine"]]),
    ],
)
def test_predeclared_prefixes(store: ox.Store, sparql: str, expected: list[list[str]]) -> None:
    assert run_query(store, sparql).compact_rows() == expected


def test_query_prefix_overrides_predeclared(store: ox.Store) -> None:
    sparql = "PREFIX kg: <http://example.org/other#> SELECT ?p WHERE { ?p kg:worksFor ?o }"
    assert run_query(store, sparql).rows == ()


@pytest.mark.parametrize(
    ("iri", "compact"),
    [
        ("https://w3id.org/kg-news/ontology#worksFor", "kg:worksFor"),
        ("https://w3id.org/kg-news/id/person/donald-trump", "person:donald-trump"),
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", "rdf:type"),
        ("http://schema.org/NewsArticle", "schema:NewsArticle"),
        ("https://example.org/x", "<https://example.org/x>"),
        ("https://w3id.org/kg-news/id/person/a/b", "<https://w3id.org/kg-news/id/person/a/b>"),
    ],
)
def test_compact_iris(iri: str, compact: str) -> None:
    assert kg.store.compact(ox.NamedNode(iri)) == compact


# --- output formats --------------------------------------------------------------------------

TARIFFS_QUERY = query_text("tariffs.rq")


def test_table_is_aligned(store: ox.Store) -> None:
    result = run_query(store, TARIFFS_QUERY)
    lines = format_result(result, "table").splitlines()
    assert len(lines) == 2 + len(result.rows)
    assert lines[0].split() == list(result.variables)
    assert set(lines[1]) == {"-", " "}
    # Every column starts at the same offset on every line (the rule line gives the offsets).
    starts = [match.start() for match in re.finditer(r"-+", lines[1])]
    assert len(starts) == len(result.variables)
    for line in [lines[0], *lines[2:]]:
        for start in starts[1:]:
            assert line[start - 2 : start] == "  "
    assert lines[2].startswith("China")
    assert lines[0][starts[1] :].startswith("target")
    assert lines[3][starts[1] :].startswith("China")
    assert all(line == line.rstrip() for line in lines)


def test_table_shows_line_breaks_as_spaces() -> None:
    result = QueryResult("select", ("text",), ((ox.Literal("one\ntwo\tthree"),),))
    assert format_result(result, "table") == "text\n-------------\none two three\n"


@pytest.mark.parametrize(("fmt", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_delimited_formats_parse(store: ox.Store, fmt: str, delimiter: str) -> None:
    variables, rows = EXPECTED_ROWS["works_for.rq"]
    text = format_result(run_query(store, query_text("works_for.rq")), fmt)
    parsed = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    assert parsed == [variables, *rows]  # the evidence has quotes and commas


def test_delimited_unbound_is_empty(store: ox.Store) -> None:
    text = format_result(run_query(store, TARIFFS_QUERY), "csv")
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed[1] == ["China", "", "15", "", "", SOURCE_B]


def test_json_is_sparql_results_json(store: ox.Store) -> None:
    result = run_query(store, TARIFFS_QUERY)
    data = json.loads(format_result(result, "json"))
    assert set(data) == {"head", "results"}
    assert data["head"] == {"vars": list(result.variables)}
    bindings = data["results"]["bindings"]
    assert len(bindings) == len(result.rows)
    for binding in bindings:
        assert set(binding) <= set(result.variables)
        for value in binding.values():
            assert value["type"] in {"uri", "literal", "bnode"}
            assert isinstance(value["value"], str)
    china_row, trump_row = bindings
    assert "target" not in china_row  # unbound variables are left out
    assert trump_row["rate"] == {
        "type": "literal",
        "value": "10",  # Oxigraph stores xsd:decimal in canonical form
        "datatype": "http://www.w3.org/2001/XMLSchema#decimal",
    }
    assert trump_row["date"]["datatype"] == "http://www.w3.org/2001/XMLSchema#gYearMonth"
    assert trump_row["imposer"] == {"type": "literal", "value": "Donald Trump"}


@pytest.mark.parametrize(
    "sparql",
    [
        "SELECT ?s ?p ?o WHERE { ?s ?p ?o } ORDER BY ?s ?p ?o",
        "SELECT ?l WHERE { country:china skos:altLabel ?l } ORDER BY ?l",
        "SELECT ?x ?unbound WHERE { BIND(BNODE() AS ?x) }",
    ],
)
def test_json_matches_oxigraph_serializer(store: ox.Store, sparql: str) -> None:
    """Full IRIs, datatypes, xml:lang and blank nodes as the W3C format has them."""
    ours = json.loads(format_result(run_query(store, sparql), "json"))
    reference = store.query(sparql, prefixes=dict(PREFIXES))
    assert isinstance(reference, ox.QuerySolutions)
    serialized = reference.serialize(format=ox.QueryResultsFormat.JSON)
    assert serialized is not None
    theirs = json.loads(serialized)
    if sparql.startswith("SELECT ?x"):  # blank node labels differ between runs
        assert ours["results"]["bindings"][0]["x"]["type"] == "bnode"
        assert ours["head"] == theirs["head"]
    else:
        assert ours == theirs


def test_json_lang_tag(store: ox.Store) -> None:
    sparql = "SELECT ?l WHERE { country:china skos:altLabel ?l }"
    data = json.loads(format_result(run_query(store, sparql), "json"))
    assert data["results"]["bindings"] == [{"l": {"type": "literal", "value": "Chine", "xml:lang": "fr"}}]


@pytest.mark.parametrize("fmt", ["xml", "", "TABLE", "markdown"])
def test_unknown_format_is_rejected(fmt: str) -> None:
    with pytest.raises(ValueError, match="table, csv, tsv, json"):
        format_result(QueryResult("ask", boolean=True), fmt)


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_ends_with_newline(store: ox.Store, fmt: str) -> None:
    for sparql in ("SELECT ?s WHERE { ?s a kg:Person }", "ASK { ?s ?p ?o }"):
        assert format_result(run_query(store, sparql), fmt).endswith("\n")


def test_empty_select(store: ox.Store) -> None:
    result = run_query(store, "SELECT ?a ?b WHERE { ?a kg:spouseOf ?b }")
    assert result.rows == ()
    assert format_result(result, "table") == "a  b\n-  -\n"
    assert format_result(result, "csv") == "a,b\n"
    assert json.loads(format_result(result, "json"))["results"]["bindings"] == []


# --- ASK, CONSTRUCT, DESCRIBE ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("sparql", "expected"),
    [
        ("ASK { person:yun-sun kg:worksFor organization:stimson-center }", True),
        ("ASK { person:donald-trump kg:worksFor ?org }", False),
    ],
)
def test_ask(store: ox.Store, sparql: str, expected: bool) -> None:
    result = run_query(store, sparql)
    assert result.kind == "ask"
    assert result.boolean is expected
    word = "true" if expected else "false"
    assert format_result(result, "table") == f"{word}\n"
    assert format_result(result, "csv") == f"{word}\n"
    assert json.loads(format_result(result, "json")) == {"head": {}, "boolean": expected}


def test_construct(store: ox.Store) -> None:
    sparql = "CONSTRUCT { ?o kg:employs ?p } WHERE { ?p kg:worksFor ?o }"
    result = run_query(store, sparql)
    assert result.kind == "graph"
    assert result.triples == (
        ox.Triple(
            ox.NamedNode(PREFIXES["organization"] + "stimson-center"),
            ox.NamedNode(PREFIXES["kg"] + "employs"),
            ox.NamedNode(PREFIXES["person"] + "yun-sun"),
        ),
    )
    turtle = format_result(result, "table")
    assert "@prefix kg: <https://w3id.org/kg-news/ontology#> ." in turtle
    assert "organization:stimson-center kg:employs person:yun-sun" in turtle
    assert turtle.startswith(
        "@prefix kg: <https://w3id.org/kg-news/ontology#> .\n"
        "@prefix person: <https://w3id.org/kg-news/id/person/> .\n"
        "@prefix organization: <https://w3id.org/kg-news/id/organization/> .\n"
        "organization:stimson-center kg:employs person:yun-sun"
    )  # only the prefixes the triples use, in a fixed order
    assert [q.triple for q in ox.parse(turtle, format=ox.RdfFormat.TURTLE)] == list(result.triples)
    assert list(csv.reader(io.StringIO(format_result(result, "csv")))) == [
        ["subject", "predicate", "object"],
        ["organization:stimson-center", "kg:employs", "person:yun-sun"],
    ]
    json_ld = json.loads(format_result(result, "json"))
    assert json_ld[0]["@id"] == PREFIXES["organization"] + "stimson-center"


def test_empty_construct_is_valid_turtle(store: ox.Store) -> None:
    result = run_query(store, "CONSTRUCT { ?a kg:spouseOf ?b } WHERE { ?a kg:spouseOf ?b }")
    assert result.triples == ()
    turtle = format_result(result, "table")
    assert turtle == "# no triples\n"
    assert list(ox.parse(turtle, format=ox.RdfFormat.TURTLE)) == []


def test_describe(store: ox.Store) -> None:
    result = run_query(store, "DESCRIBE organization:stimson-center")
    assert result.kind == "graph"
    predicates = {kg.store.compact(triple.predicate) for triple in result.triples}
    assert {"rdf:type", "rdfs:label"} <= predicates
    assert list(result.triples) == sorted(result.triples, key=lambda t: tuple(map(str, t)))


# --- errors ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sparql", "fragments"),
    [
        ("SELECT ?s WHERE { ?s ?p ?o", ["not valid", "line 1, column 27", '"}"', "braces"]),
        ("SELECT ?s WHERE {\n  ?s foo:bar ?o }", ["undeclared prefix 'foo:'", "line 2", "PREFIX"]),
        ("SELEC ?s WHERE { ?s ?p ?o }", ["expected SELECT, ASK, CONSTRUCT or DESCRIBE"]),
        ("", ["the query is empty"]),
        ("SELECT ?x WHERE { ?s ?p ?o } GROUP BY ?s", ["variable that is unbound"]),
        ("INSERT DATA { person:a kg:worksFor organization:b }", ["update", "read-only"]),
        ("PREFIX x: <http://x/>\nDELETE WHERE { ?s ?p ?o }", ["update", "SELECT, ASK"]),
    ],
)
def test_bad_query_raises_helpful_error(store: ox.Store, sparql: str, fragments: list[str]) -> None:
    with pytest.raises(QueryError) as caught:
        run_query(store, sparql)
    message = str(caught.value)
    assert message.startswith("The SPARQL query ")
    assert "\n" not in message and len(message) < 400
    for fragment in fragments:
        assert fragment in message


def test_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.ttl"
    with pytest.raises(GraphLoadError, match="does not exist") as caught:
        open_graph(missing)
    assert str(missing) in str(caught.value)
    assert "kg build" in str(caught.value)


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("graph.ttl", "this is not turtle at all\n", "not valid Turtle"),
        ("graph.ttl", "\x89PNG binary", "not valid Turtle"),
        ("graph.nt", "<a> <b> .\n", "not valid N-Triples"),
        ("graph.jsonld", "{not json", "not valid JSON-LD"),
        ("notes.txt", "<http://a> <http://b> <http://c> .\n", "'.txt' is not a known RDF format"),
        ("graph", "<http://a> <http://b> <http://c> .\n", "no extension"),
    ],
)
def test_unreadable_graph_file(tmp_path: Path, name: str, content: str, fragment: str) -> None:
    path = tmp_path / name
    path.write_text(content, encoding="utf-8")
    with pytest.raises(GraphLoadError) as caught:
        open_graph(path)
    message = str(caught.value)
    assert message.startswith(f"Cannot read graph file {path}: ")
    assert fragment in message
    assert message.endswith("Pass a Turtle file written by `kg build`.")


def test_directory_without_graph(tmp_path: Path) -> None:
    with pytest.raises(GraphLoadError, match="has no graph.ttl"):
        open_graph(tmp_path)


# --- loading ---------------------------------------------------------------------------------


def test_directory_resolves_graph_ttl(graph_file: Path) -> None:
    store = open_graph(graph_file.parent)
    assert run_query(store, "ASK { person:yun-sun kg:worksFor ?o }").boolean is True
    assert open_graph(str(graph_file.parent)) is not None  # str paths work too


@pytest.mark.parametrize(
    ("suffix", "fmt"),
    [
        (".nt", ox.RdfFormat.N_TRIPLES),
        (".nq", ox.RdfFormat.N_QUADS),
        (".trig", ox.RdfFormat.TRIG),
        (".jsonld", ox.RdfFormat.JSON_LD),
        (".TTL", ox.RdfFormat.TURTLE),
    ],
)
def test_other_rdf_formats(store: ox.Store, tmp_path: Path, suffix: str, fmt: ox.RdfFormat) -> None:
    graph = ox.NamedNode("https://w3id.org/kg-news/id/graph/run-1")
    if fmt.supports_datasets:  # put the triples in a named graph: queries still see them
        data = [ox.Quad(q.subject, q.predicate, q.object, graph) for q in store]
    else:
        data = [q.triple for q in store]
    path = tmp_path / f"graph{suffix}"
    ox.serialize(data, path, fmt)
    loaded = open_graph(path)
    rows = run_query(loaded, query_text("works_for.rq")).compact_rows()
    assert rows == EXPECTED_ROWS["works_for.rq"][1]


def test_docstring_examples_run() -> None:
    outcome = doctest.testmod(kg.store)
    assert outcome.attempted > 0
    assert outcome.failed == 0
