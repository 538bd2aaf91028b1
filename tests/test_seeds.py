"""The facts a reader of the two seed articles expects in their graph, each with its evidence."""

from __future__ import annotations

from pathlib import Path

import pytest

from kg.build import build
from kg.store import open_graph, run_query

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    output = tmp_path_factory.mktemp("seeds")
    build([SEEDS], output)
    return open_graph(output / "graph.ttl")


def rows(store, sparql: str) -> list[tuple[str | None, ...]]:
    return [tuple(r) for r in run_query(store, sparql).compact_rows()]


@pytest.mark.parametrize(
    "label, cls",
    [
        ("Donald Trump", "kg:Person"),
        ("Wang Xiaohong", "kg:Person"),
        ("United States", "kg:Country"),
        ("China", "kg:Country"),
        ("The Wall Street Journal", "kg:NewsOrganization"),
    ],
)
def test_one_node_per_real_thing(store, label, cls):
    found = rows(
        store,
        f"""SELECT DISTINCT ?node ?type WHERE {{
              ?node rdfs:label|skos:altLabel ?name ; a ?type .
              FILTER(LCASE(STR(?name)) = LCASE("{label}") && STRSTARTS(STR(?type), STR(kg:)))
            }}""",
    )
    assert len(found) == 1, found
    assert found[0][1] == cls


@pytest.mark.parametrize(
    "subject, prop, obj",
    [
        ("Wang Xiaohong", "ministerOf", "China"),
        ("Wang Xiaohong", "headOf", "Ministry of Public Security"),
        ("Ministry of Public Security", "partOf", "China"),
        ("Donald Trump", "imposedTariffOn", "China"),
        ("Yun Sun", "worksFor", "Stimson Center"),
        ("Stimson Center", "basedIn", "Washington"),
        ("Amanda Hsiao", "worksFor", "Eurasia Group"),
        ("Mark Swanson", "worksFor", "Newsmax"),
    ],
)
def test_seed_fact_with_provenance(store, subject, prop, obj):
    found = rows(
        store,
        f"""SELECT ?evidence ?source WHERE {{
              ?s rdfs:label "{subject}" . ?o rdfs:label "{obj}" .
              ?s kg:{prop} ?o .
              ?statement rdf:subject ?s ; rdf:predicate kg:{prop} ; rdf:object ?o ;
                         kg:evidence ?evidence ; prov:wasDerivedFrom ?article .
              ?article dcterms:source ?source .
            }}""",
    )
    assert found, f"{subject} {prop} {obj} is missing or has no provenance"
    for evidence, source in found:
        assert source is not None and source.endswith(".txt")
        assert subject.split()[-1] in evidence or prop in {"partOf", "imposedTariffOn"}


@pytest.mark.parametrize(
    "subject, position",
    [
        ("Wang Xiaohong", "minister of public security"),
        ("Scott Bessent", "Treasury Secretary"),
        ("Yun Sun", "director of the China program"),
    ],
)
def test_positions_as_stated(store, subject, position):
    assert run_query(
        store,
        f"""ASK {{ ?s rdfs:label "{subject}" ; kg:holdsPosition "{position}" .
                  ?st rdf:subject ?s ; rdf:predicate kg:holdsPosition ; rdf:object "{position}" ;
                      prov:wasDerivedFrom ?article . }}""",
    ).boolean


def test_tariff_events_with_rates(store):
    found = rows(
        store,
        """SELECT DISTINCT ?rate WHERE {
              ?event a kg:TariffEvent ; kg:imposer ?who ; kg:ratePercent ?rate .
              ?who rdfs:label "Donald Trump" .
            }""",
    )
    rates = {float(rate) for (rate,) in found}
    assert {10.0, 145.0} <= rates


def test_no_false_relation_of_known_kinds(store):
    """Edges a careless extractor would make from these articles, and that are false."""
    false_edges = [
        ("Donald Trump", "worksFor", "The Wall Street Journal"),
        ("China", "imposedTariffOn", "United States"),
        ("Yun Sun", "worksFor", "The Wall Street Journal"),
        ("Scott Bessent", "worksFor", "Fox Business Network"),
        ("Wang Xiaohong", "metWith", "Trump administration"),
    ]
    for subject, prop, obj in false_edges:
        assert not run_query(
            store, f'ASK {{ ?s rdfs:label "{subject}" . ?o rdfs:label "{obj}" . ?s kg:{prop} ?o }}'
        ).boolean, (subject, prop, obj)
