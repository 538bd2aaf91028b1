"""How long the graph page takes to render and to stand still, for graphs of growing size.

For each size it builds a synthetic graph that follows the output contract (entities of every
class with names and other names, articles that mention them, about 2.5 relations per entity
drawn from the ontology's domains and ranges, each with a reified statement carrying evidence,
offsets, confidence and rule), writes the page with the cap `kg build` applies, and loads it in
headless Chromium (Debian's, driven by playwright-core, offline) to time the layout until the
physics is switched off.

    python bench/html_bench.py                 # 200, 2,000 and 10,000 entities
    python bench/html_bench.py 500 5000 --screenshot build/bench/page.png

Needs node, Chromium at /usr/bin/chromium (or $KG_CHROMIUM) and `npm ci` run in the project.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
from decimal import Decimal
from pathlib import Path

import networkx as nx
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

from kg.export.html import DEFAULT_MAX_NODES, write_html
from kg.ontology import KG, PROV, SCHEMA, is_allowed

PROJECT_DIR = Path(__file__).resolve().parent.parent
TIME_LAYOUT = PROJECT_DIR / "tests" / "browser" / "time_layout.mjs"
ID = Namespace("https://w3id.org/kg-news/id/")

# Share of each class among the entities, roughly as in news.
CLASS_SHARES: list[tuple[URIRef, str, float]] = [
    (KG.Person, "person", 0.42),
    (KG.Organization, "organization", 0.14),
    (KG.GovernmentBody, "organization", 0.09),
    (KG.NewsOrganization, "organization", 0.05),
    (KG.PoliticalParty, "organization", 0.03),
    (KG.Country, "country", 0.08),
    (KG.City, "place", 0.08),
    (KG.Place, "place", 0.05),
    (KG.TariffEvent, "event", 0.06),
]
PROPERTIES: list[URIRef] = [
    KG.worksFor, KG.memberOf, KG.headOf, KG.spokespersonOf, KG.founderOf, KG.headOfState,
    KG.headOfGovernment, KG.ministerOf, KG.officialOf, KG.partOf, KG.locatedIn, KG.basedIn,
    KG.citizenOf, KG.livesIn, KG.spouseOf, KG.imposedTariffOn, KG.accused, KG.blamed,
    KG.criticized, KG.praised, KG.threatened, KG.sanctioned, KG.metWith, KG.told, KG.asked,
    KG.imposer, KG.target,
]  # fmt: skip
FIRST = "Anna Ben Chen Dara Elif Farid Grace Hiro Ines Jonas Kofi Lena Mateo Nadia Omar Priya".split()
LAST = "Adler Costa Dube Eriksen Fischer Garcia Haddad Ito Kim Larsen Moreau Novak Okafor Rossi Sato".split()
WORDS = "Northern Atlantic Union Coastal Federal Pacific Central United Global Eastern Civic".split()
KINDS = {KG.Organization: "Institute", KG.GovernmentBody: "Ministry", KG.NewsOrganization: "Times",
         KG.PoliticalParty: "Party", KG.Country: "Republic", KG.City: "City", KG.Place: "Valley",
         KG.TariffEvent: "tariff"}  # fmt: skip


def entity_name(cls: URIRef, index: int, rng: random.Random) -> str:
    if cls == KG.Person:
        return f"{rng.choice(FIRST)} {rng.choice(LAST)} {index}"
    if cls == KG.TariffEvent:
        return f"{rng.choice([10, 25, 34, 145])}% tariff {index}"
    return f"{rng.choice(WORDS)} {KINDS[cls]} {index}"


def synthetic_graph(size: int, seed: int = 7) -> Graph:
    """A contract-shaped graph of ``size`` entities and about 2.5 relations per entity."""
    rng = random.Random(seed)
    shape = nx.dual_barabasi_albert_graph(size, 2, 3, 0.5, seed=seed)
    bounds, total = [], 0.0
    for cls, _, share in CLASS_SHARES:
        total += share
        bounds.append((total, cls))
    graph = Graph()
    entities: list[URIRef] = []
    classes: dict[URIRef, URIRef] = {}
    articles = [ID[f"article/{index:08x}"] for index in range(max(1, size // 8))]
    for index, article in enumerate(articles):
        graph.add((article, RDF.type, KG.NewsArticle))
        graph.add((article, RDF.type, SCHEMA.NewsArticle))
        graph.add((article, DCTERMS.source, Literal(f"{index:05d}.txt")))
        graph.add((article, DCTERMS.title, Literal(f"Report number {index}")))
    # Hubs (the first nodes of a preferential-attachment graph) get the classes news centres on.
    for node in range(size):
        share = rng.random() if node >= 20 else rng.choice([0.0, 0.6])
        cls = next(c for bound, c in bounds if share < bound or bound == bounds[-1][0])
        prefix = next(p for c, p, _ in CLASS_SHARES if c == cls)
        name = entity_name(cls, node, rng)
        entity = ID[f"{prefix}/{name.lower().replace(' ', '-').replace('%', '')}"]
        entities.append(entity)
        classes[entity] = cls
        graph.add((entity, RDF.type, cls))
        graph.add((entity, RDFS.label, Literal(name)))
        graph.add((entity, SKOS.altLabel, Literal(name.split()[-2] + " " + name.split()[-1])))
        for article in rng.sample(articles, min(2, len(articles))):
            graph.add((article, SCHEMA.mentions, entity))
    for number, (a, b) in enumerate(sorted(shape.edges())):
        first, second = entities[b], entities[a]
        start = number % len(PROPERTIES)
        for prop in PROPERTIES[start:] + PROPERTIES[:start]:
            if is_allowed(prop, classes[first], classes[second]):
                subject, obj = first, second
                break
            if is_allowed(prop, classes[second], classes[first]):
                subject, obj = second, first
                break
        else:
            continue
        graph.add((subject, prop, obj))
        statement = ID[f"statement/{number:016x}"]
        names = graph.value(subject, RDFS.label), graph.value(obj, RDFS.label)
        sentence = f"Report {number}: {names[0]} {prop.fragment} {names[1]}."
        graph.add((statement, RDF.type, RDF.Statement))
        graph.add((statement, RDF.subject, subject))
        graph.add((statement, RDF.predicate, prop))
        graph.add((statement, RDF.object, obj))
        graph.add((statement, PROV.wasDerivedFrom, rng.choice(articles)))
        graph.add((statement, KG.evidence, Literal(sentence)))
        graph.add((statement, KG.startChar, Literal(10 * number, datatype=XSD.integer)))
        graph.add((statement, KG.endChar, Literal(10 * number + len(sentence), datatype=XSD.integer)))
        confidence = Decimal(rng.choice(["0.6", "0.75", "0.85", "0.9"]))
        graph.add((statement, KG.confidence, Literal(confidence, datatype=XSD.decimal)))
        graph.add((statement, KG.rule, Literal("synthetic")))
    return graph


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[200, 2000, 10000])
    parser.add_argument("--max-nodes", type=int, default=DEFAULT_MAX_NODES, help="the page's node cap")
    parser.add_argument("--out", type=Path, default=PROJECT_DIR / "build" / "bench", help="folder for pages")
    parser.add_argument("--screenshot", type=Path, help="PNG of the last page once it stands still")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)

    rows = []
    for size in args.sizes:
        started = time.perf_counter()
        graph = synthetic_graph(size)
        built = time.perf_counter() - started
        page = args.out / f"graph-{size}.html"
        started = time.perf_counter()
        summary = write_html(graph, page, source=f"synthetic {size}", max_nodes=args.max_nodes)
        rendered = time.perf_counter() - started
        command = ["node", str(TIME_LAYOUT)]
        if args.screenshot and size == args.sizes[-1]:
            command += ["--screenshot", str(args.screenshot)]
        completed = subprocess.run(
            [*command, str(page.resolve())], capture_output=True, text=True, check=False, cwd=PROJECT_DIR
        )
        if completed.returncode != 0:
            sys.exit(f"Chromium could not load {page}: {completed.stderr.strip()}")
        browser = json.loads(completed.stdout.splitlines()[-1])
        rows.append(
            (
                size,
                summary.total_relations,
                summary.entities,
                summary.relations,
                page.stat().st_size / 1e6,
                built,
                rendered,
                browser["stillSeconds"],
                len(browser["requests"]),
                len(browser["console"]) + len(browser["pageErrors"]),
            )
        )
        print(
            f"{size:>6,} entities: graph {built:.1f} s, page {rendered:.1f} s, still after "
            f"{browser['stillSeconds']:.1f} s",
            file=sys.stderr,
        )

    print(
        f"{'entities':>9} {'relations':>9} {'drawn':>6} {'edges':>6} {'page MB':>7} "
        f"{'graph s':>7} {'write s':>7} {'still s':>7} {'requests':>8} {'errors':>6}"
    )
    for size, relations, nodes, edges, megabytes, built, rendered, still, requests, errors in rows:
        print(
            f"{size:>9,} {relations:>9,} {nodes:>6,} {edges:>6,} {megabytes:>7.1f} "
            f"{built:>7.1f} {rendered:>7.1f} {still:>7.1f} {requests:>8} {errors:>6}"
        )
    print(f"(page cap: {args.max_nodes:,} entities, as `kg build` applies it; 'still s' is the time in")
    print(" headless Chromium from navigation until the layout stabilised and physics was switched off)")


if __name__ == "__main__":
    main()
