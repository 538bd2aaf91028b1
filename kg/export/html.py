"""Render a built knowledge graph as one self-contained, interactive HTML page.

The page is drawn by vis-network, the library pyvis wraps, and works without any network
access: vis-network's JavaScript and CSS are copied inline from the pyvis package and nothing is
loaded from a CDN. Everything shown is read from the RDF graph alone (see the output contract),
so any built graph can be rendered.

Text that comes from articles (labels, evidence sentences, file names) reaches the page only
through :func:`html.escape`, and the data is embedded as JSON with ``<``, ``>`` and ``&``
escaped, so an article can neither inject markup into a tooltip nor close the ``<script>``.
"""

from __future__ import annotations

import html
import json
import math
from collections import defaultdict
from collections.abc import Iterable
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import TypeGuard

from pyvis.network import Network
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS
from rdflib.term import Node

from kg.export.files import write_atomically
from kg.ontology import KG, PROV, SCHEMA

__all__ = ["write_html"]

_KG_NS = str(KG._NS)

# The vis-network build that pyvis 0.3.2 inlines itself (templates/lib/vis-9.1.2).
_VIS_ASSETS = ("templates", "lib", "vis-9.1.2")

# The class an entity is shown as: the first of these it is typed with, most specific first.
_CLASS_PRIORITY: tuple[URIRef, ...] = (
    KG.TariffEvent,
    KG.Person,
    KG.Country,
    KG.GovernmentBody,
    KG.NewsOrganization,
    KG.PoliticalParty,
    KG.Organization,
    KG.City,
    KG.Place,
    KG.Agent,
)

# Legend entries in display order, with the node colour of each.
_GROUP_COLORS: dict[str, str] = {
    "Person": "#4e79a7",
    "Organization": "#f28e2b",
    "Country": "#e15759",
    "City / Place": "#59a14f",
    "Tariff event": "#b07aa1",
    "Other": "#9c9c9c",
}

_CLASS_GROUP: dict[URIRef, str] = {
    KG.Person: "Person",
    KG.Organization: "Organization",
    KG.GovernmentBody: "Organization",
    KG.NewsOrganization: "Organization",
    KG.PoliticalParty: "Organization",
    KG.Country: "Country",
    KG.City: "City / Place",
    KG.Place: "City / Place",
    KG.TariffEvent: "Tariff event",
}

# Headings for literal-valued kg facts in a node tooltip; other kg properties use their name.
_FACT_HEADINGS: dict[URIRef, str] = {
    KG.holdsPosition: "Positions",
    KG.ratePercent: "Rate (%)",
    KG.dateText: "Date (as stated)",
    KG.date: "Date",
}

# Tooltips list at most this many articles or supporting statements, then say how many more.
_MAX_ARTICLES = 12
_MAX_STATEMENTS = 8

_VIS_OPTIONS: dict[str, object] = {
    "layout": {"randomSeed": 7, "improvedLayout": True},
    "physics": {
        "enabled": True,
        "solver": "forceAtlas2Based",
        "forceAtlas2Based": {
            "gravitationalConstant": -80,
            "centralGravity": 0.01,
            "springLength": 140,
            "springConstant": 0.06,
            "avoidOverlap": 0.4,
        },
        "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 50, "fit": True},
    },
    "interaction": {"hover": True, "tooltipDelay": 120, "navigationButtons": False},
    "nodes": {"shape": "dot", "borderWidth": 1, "font": {"size": 14}},
    "edges": {
        "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
        "color": {"color": "#a0a0a0", "highlight": "#333333", "hover": "#555555"},
        "font": {"size": 10, "align": "middle", "color": "#555555"},
        "smooth": {"enabled": True, "type": "dynamic"},
    },
}

_PAGE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$vis_css</style>
<style>
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; color: #222; }
header { display: flex; flex-wrap: wrap; align-items: baseline; gap: 0.4rem 1.5rem;
  padding: 0.6rem 1rem; border-bottom: 1px solid #ddd; background: #fafafa; }
header h1 { margin: 0; font-size: 1.25rem; }
.kg-counts { margin: 0; color: #555; }
.kg-legend { display: flex; flex-wrap: wrap; gap: 0.3rem 1rem; margin: 0; padding: 0;
  list-style: none; font-size: 0.9rem; }
.kg-swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%;
  margin-right: 0.3rem; vertical-align: middle; }
#kg-network { flex: 1; min-height: 0; position: relative; }
div.vis-tooltip { white-space: normal; max-width: 28rem; font-family: system-ui, sans-serif;
  font-size: 0.85rem; line-height: 1.35; }
.kg-tip-head { font-weight: bold; margin-bottom: 0.25rem; }
.kg-tip ul { margin: 0.15rem 0 0.3rem; padding-left: 1.1rem; }
.kg-meta { color: #555; font-size: 0.8rem; }
</style>
<script>$vis_js</script>
</head>
<body>
<header>
<h1>$title</h1>
<p class="kg-counts"><span id="kg-entity-count">$entity_count</span> entities &middot; \
<span id="kg-relation-count">$relation_count</span> relations</p>
<ul class="kg-legend">$legend</ul>
</header>
<div id="kg-network"></div>
<script>
(function () {
  "use strict";
  // vis-network 9 shows a string title as plain text; a DOM element is shown as it is.
  // The title strings were built from escaped text, so they are trusted HTML.
  function htmlTitles(dataSet) {
    dataSet.update(dataSet.get().map(function (item) {
      var element = document.createElement("div");
      element.className = "kg-tip";
      element.innerHTML = item.title;
      return {id: item.id, title: element};
    }));
  }
  var nodes = new vis.DataSet($nodes);
  var edges = new vis.DataSet($edges);
  htmlTitles(nodes);
  htmlTitles(edges);
  var container = document.getElementById("kg-network");
  var network = new vis.Network(container, {nodes: nodes, edges: edges}, $options);
  network.once("stabilizationIterationsDone", function () {
    network.setOptions({physics: false});
  });
  window.kgNetwork = network;
}());
</script>
</body>
</html>
"""
)


def write_html(graph: Graph, path: Path, *, title: str) -> None:
    """Write ``graph`` as an interactive, self-contained HTML page at ``path``.

    Nodes are the entities: every IRI typed with a kg class other than kg:NewsArticle
    (tariff events included), labelled with rdfs:label, coloured by class and sized by degree.
    Edges are the kg-namespace triples between two entities, labelled with the property's
    local name and pointing at the object. Tooltips hold the entity's names, literal kg facts
    (positions, tariff rate and date) and the articles mentioning it, and for an edge the
    evidence, source article, confidence and rule of each reified statement behind it.

    The same graph always gives a byte-identical file. The page is written to a temporary file
    in the same directory and then moved into place, so ``path`` is never left half-written.

    Raises:
        FileNotFoundError: if the directory of ``path`` does not exist, or the installed pyvis
            no longer ships the vis-network 9.1.2 files this page inlines.
        OSError: if the page cannot be written or moved into place.
    """
    classes = _entity_classes(graph)
    relations = sorted(
        (
            (subject, predicate, obj)
            for subject in classes
            for predicate, obj in graph.predicate_objects(subject)
            if isinstance(obj, URIRef) and obj in classes and _in_kg(predicate)
        ),
        key=lambda triple: tuple(str(term) for term in triple),
    )
    degree: dict[URIRef, int] = defaultdict(int)
    for subject, _, obj in relations:
        degree[subject] += 1
        degree[obj] += 1

    network = Network(directed=True)
    groups_shown: set[str] = set()
    for entity in sorted(classes, key=str):
        group = _CLASS_GROUP.get(classes[entity], "Other")
        groups_shown.add(group)
        network.add_node(
            str(entity),
            label=_label(graph, entity),
            color=_GROUP_COLORS[group],
            size=round(10 + 5 * math.sqrt(degree[entity]), 2),
            title=_node_tooltip(graph, entity, classes[entity]),
        )
    curves = _edge_curves(relations)
    for index, (subject, predicate, obj) in enumerate(relations):
        network.add_edge(
            str(subject),
            str(obj),
            id=f"e{index}",
            label=_local_name(predicate),
            title=_edge_tooltip(graph, subject, predicate, obj),
            **curves[index],
        )
    network.set_options(json.dumps(_VIS_OPTIONS))
    nodes, edges, _, _, _, options = network.get_network_data()

    legend = "".join(
        f'<li><span class="kg-swatch" style="background:{color}"></span>{html.escape(group)}</li>'
        for group, color in _GROUP_COLORS.items()
        if group in groups_shown
    )
    page = _PAGE.substitute(
        title=html.escape(title),
        vis_css=_vis_asset("vis-network.css"),
        vis_js=_vis_asset("vis-network.min.js"),
        entity_count=len(nodes),
        relation_count=len(edges),
        legend=legend,
        nodes=_script_json(nodes),
        edges=_script_json(edges),
        options=_script_json(json.loads(options)),
    )
    write_atomically(path, page.encode("utf-8"))


def _in_kg(term: object) -> TypeGuard[URIRef]:
    return isinstance(term, URIRef) and str(term).startswith(_KG_NS)


def _local_name(term: URIRef) -> str:
    return str(term)[len(_KG_NS) :]


def _entity_classes(graph: Graph) -> dict[URIRef, URIRef]:
    """Every entity mapped to the kg class it is shown as."""
    typed: dict[URIRef, set[URIRef]] = defaultdict(set)
    for subject, cls in graph.subject_objects(RDF.type):
        if isinstance(subject, URIRef) and _in_kg(cls) and cls != KG.NewsArticle:
            typed[subject].add(cls)
    return {
        entity: next((cls for cls in _CLASS_PRIORITY if cls in found), min(found))
        for entity, found in typed.items()
    }


def _label(graph: Graph, entity: Node) -> str:
    labels = sorted(str(label) for label in graph.objects(entity, RDFS.label))
    return labels[0] if labels else str(entity).rstrip("/").rsplit("/", 1)[-1]


def _article_name(graph: Graph, article: Node) -> str:
    """An article's file name (dcterms:source), followed by its title when known."""
    sources = sorted(str(source) for source in graph.objects(article, DCTERMS.source))
    titles = sorted(str(title) for title in graph.objects(article, DCTERMS.title))
    name = sources[0] if sources else _label(graph, article)
    return f"{name} \u2014 {titles[0]}" if titles else name


def _escaped(values: Iterable[object]) -> list[str]:
    return [html.escape(str(value)) for value in values]


def _section(heading: str, items: list[str], limit: int | None = None) -> str:
    """A tooltip section: a heading and a list of already escaped HTML items."""
    if not items:
        return ""
    shown = items if limit is None else items[:limit]
    more = len(items) - len(shown)
    rows = "".join(f"<li>{item}</li>" for item in shown)
    if more:
        rows += f"<li>\u2026 and {more} more</li>"
    return f"<div><b>{html.escape(heading)}</b><ul>{rows}</ul></div>"


def _node_tooltip(graph: Graph, entity: URIRef, cls: URIRef) -> str:
    label = _label(graph, entity)
    other_names = sorted({str(name) for name in graph.objects(entity, SKOS.altLabel)} - {label})
    facts: dict[str, list[str]] = defaultdict(list)
    for predicate, value in graph.predicate_objects(entity):
        if _in_kg(predicate) and isinstance(value, Literal):
            heading = _FACT_HEADINGS.get(predicate, _local_name(predicate))
            facts[heading].append(str(value))
    articles = sorted({_article_name(graph, a) for a in graph.subjects(SCHEMA.mentions, entity)})
    parts = [
        f'<div class="kg-tip-head">{html.escape(label)}</div>',
        f"<div><b>Class:</b> {html.escape(_local_name(cls))}</div>",
        f"<div><b>Canonical name:</b> {html.escape(label)}</div>",
        _section("Other names", _escaped(other_names)),
        *(_section(heading, _escaped(sorted(facts[heading]))) for heading in sorted(facts)),
        _section("Mentioned in", _escaped(articles), _MAX_ARTICLES),
    ]
    return "".join(parts)


def _edge_tooltip(graph: Graph, subject: URIRef, predicate: URIRef, obj: URIRef) -> str:
    statements = []
    for statement in graph.subjects(RDF.subject, subject):
        if (statement, RDF.predicate, predicate) in graph and (statement, RDF.object, obj) in graph:
            statements.append(
                (
                    sorted(
                        _article_name(graph, article)
                        for article in graph.objects(statement, PROV.wasDerivedFrom)
                    ),
                    sorted(str(text) for text in graph.objects(statement, KG.evidence)),
                    sorted(f"confidence {c}" for c in graph.objects(statement, KG.confidence)),
                    sorted(f"rule {rule}" for rule in graph.objects(statement, KG.rule)),
                )
            )
    items = []
    for articles, evidence, confidence, rules in sorted(statements):
        quotes = "".join(f"<q>{text}</q><br>" for text in _escaped(evidence))
        meta = " \u00b7 ".join(_escaped([*articles, *confidence, *rules]))
        items.append(f'{quotes}<span class="kg-meta">{meta}</span>')
    head = " \u2192 ".join(_escaped([_label(graph, subject), _local_name(predicate), _label(graph, obj)]))
    return f'<div class="kg-tip-head">{head}</div>' + _section("Evidence", items, _MAX_STATEMENTS)


def _edge_curves(relations: list[tuple[URIRef, URIRef, URIRef]]) -> list[dict[str, object]]:
    """Extra options per edge that bend apart the edges joining the same two entities."""
    siblings: dict[frozenset[URIRef], list[int]] = defaultdict(list)
    for index, (subject, _, obj) in enumerate(relations):
        siblings[frozenset((subject, obj))].append(index)
    curves: list[dict[str, object]] = [{} for _ in relations]
    for indices in siblings.values():
        if len(indices) > 1:
            for rank, index in enumerate(indices):
                roundness = round(0.15 + 0.2 * rank, 2)
                curves[index] = {"smooth": {"enabled": True, "type": "curvedCW", "roundness": roundness}}
    return curves


def _script_json(value: object) -> str:
    """JSON that is safe inside a ``<script>`` element and stable from run to run."""
    text = json.dumps(value, sort_keys=True, ensure_ascii=True, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _vis_asset(name: str) -> str:
    asset = resources.files("pyvis")
    for part in _VIS_ASSETS:
        asset = asset / part
    return (asset / name).read_text(encoding="utf-8")
