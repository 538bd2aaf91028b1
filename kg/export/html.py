"""Render a built knowledge graph as one self-contained, interactive HTML page.

The page is drawn by vis-network, the library pyvis wraps, and works without any network
access: vis-network's JavaScript and CSS are copied inline from the pyvis package and nothing is
loaded from a CDN. Everything shown is read from the RDF graph alone (see the output contract)
and the packaged ontology's labels, so any built graph can be rendered.

A reader gets a legend of classes that doubles as a class filter, a list of relation properties
to filter by, a search box that finds an entity by any of its names, a neighbourhood view of
one entity, tooltips with the evidence behind each node and edge, and a side panel with the
same evidence and the entity's relations. The layout settles once and then stops moving.

Text that comes from articles (labels, evidence sentences, file names) reaches the page only
through :func:`html.escape` or the DOM's ``textContent``, and the data is embedded as JSON with
``<``, ``>`` and ``&`` escaped, so an article can neither inject markup into a tooltip nor close
the ``<script>``.
"""

from __future__ import annotations

import html
import json
import math
import os
from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from string import Template
from typing import TypeGuard

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD
from rdflib.term import Node

from kg.errors import KgError
from kg.export.files import write_atomically
from kg.ontology import KG, PROV, SCHEMA, load_ontology
from kg.store import is_store, load_rdflib_graph, open_store

__all__ = ["DEFAULT_MAX_NODES", "FocusError", "PageSummary", "read_graph", "write_html"]

#: The most entities a page draws unless told otherwise: headless Chromium on two cores lays out
#: this many (with about 2.5 relations each) in a few seconds; see bench/html_bench.py.
DEFAULT_MAX_NODES = 2000

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

# Node colour of each class, in the legend's order; classes outside the ontology use _OTHER_COLOR.
_CLASS_COLORS: dict[URIRef, str] = {
    KG.Person: "#4e79a7",
    KG.Organization: "#f28e2b",
    KG.GovernmentBody: "#9c755f",
    KG.NewsOrganization: "#edc948",
    KG.PoliticalParty: "#ff9da7",
    KG.Country: "#e15759",
    KG.City: "#76b7b2",
    KG.Place: "#59a14f",
    KG.TariffEvent: "#b07aa1",
    KG.Agent: "#bab0ac",
}
_OTHER_COLOR = "#9c9c9c"

# Headings for literal-valued kg facts in a node tooltip; other kg properties use their label.
_FACT_HEADINGS: dict[URIRef, str] = {
    KG.holdsPosition: "Positions",
    KG.ratePercent: "Rate (%)",
    KG.dateText: "Date (as stated)",
    KG.date: "Date",
}

# Tooltips list at most this many articles or supporting statements, then say how many more.
_MAX_ARTICLES = 12
_MAX_STATEMENTS = 8
# The notice about a capped page names this many of the best-connected entities left out.
_NAMED_LEFT_OUT = 5
# Above this many nodes the page trades the finer layout for one that settles in seconds.
_LARGE_GRAPH = 100
# Distance between neighbouring starting points of a large graph's layout.
_SPIRAL_STEP = 40


class FocusError(KgError):
    """The entity to focus on is not in the graph, or its name is shared by several."""


@dataclass(frozen=True)
class PageSummary:
    """What a page draws and what it leaves out.

    ``capped`` says whether the node cap left entities out; ``notes`` are the sentences the page
    shows about what was left out, in the order shown.
    """

    entities: int
    relations: int
    total_entities: int
    total_relations: int
    capped: bool = False
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class _Statement:
    """One reified statement behind an edge, ready to be shown."""

    articles: tuple[str, ...]
    evidence: tuple[str, ...]
    confidence: tuple[str, ...]
    rules: tuple[str, ...]
    reporters: tuple[str, ...]


@dataclass(frozen=True)
class _Relation:
    subject: URIRef
    predicate: URIRef
    object: URIRef
    statements: tuple[_Statement, ...]


_PAGE = Template(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>$title</title>
<style>$vis_css</style>
<style>$page_css</style>
<script>$vis_js</script>
</head>
<body>
<header>
<div class="kg-bar">
<h1>kg <span class="kg-source" title="source">$source</span></h1>
<p class="kg-counts"><span id="kg-entity-count">$entity_count</span> entities &middot; \
<span id="kg-relation-count">$relation_count</span> relations<span id="kg-visible"></span></p>
<form id="kg-search-form" class="kg-search" role="search">
<input id="kg-search" type="search" list="kg-names" placeholder="Find an entity by any name" \
aria-label="Find an entity by any of its names" autocomplete="off">
<button type="submit">Find</button>
<datalist id="kg-names"></datalist>
</form>
<div class="kg-tools">
<label>Neighbourhood of the selected entity within <select id="kg-hops">$hop_options</select> hops</label>
<button id="kg-neighbourhood" type="button" disabled>Show neighbourhood</button>
<button id="kg-show-all" type="button" disabled>Show all</button>
</div>
<p id="kg-status" class="kg-status" role="status"></p>
</div>
<div class="kg-filters">
<ul class="kg-legend" aria-label="Classes">$legend</ul>
<details class="kg-properties"><summary>Relations by property</summary>
<ul>$properties</ul></details>
</div>
$notes</header>
<main>
<div id="kg-network"></div>
<div id="kg-progress" class="kg-progress">Laying out the graph&hellip;</div>
<aside id="kg-details" class="kg-details" hidden>
<button id="kg-details-close" type="button" class="kg-close" aria-label="Close">&times;</button>
<div id="kg-details-body"></div>
</aside>
</main>
<script>
var nodes = new vis.DataSet($nodes);
var edges = new vis.DataSet($edges);
var kgPage = $page_data;
</script>
<script>$page_js</script>
</body>
</html>
"""
)

_PAGE_CSS = """
html, body { height: 100%; margin: 0; }
body { display: flex; flex-direction: column; font-family: system-ui, sans-serif; color: #222; }
header { padding: 0.5rem 1rem 0.4rem; border-bottom: 1px solid #ddd; background: #fafafa; }
.kg-bar, .kg-filters { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 1.2rem; }
.kg-filters { margin-top: 0.35rem; align-items: flex-start; }
header h1 { margin: 0; font-size: 1.2rem; }
.kg-source { font-weight: normal; color: #555; font-family: ui-monospace, monospace; font-size: 1rem; }
.kg-counts, .kg-status { margin: 0; color: #555; }
.kg-status:empty { display: none; }
.kg-search { display: flex; gap: 0.3rem; }
.kg-search input { width: 16rem; }
.kg-tools { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; font-size: 0.9rem; }
.kg-legend { display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; margin: 0; padding: 0;
  list-style: none; font-size: 0.9rem; }
.kg-legend label, .kg-properties label { cursor: pointer; white-space: nowrap; }
.kg-count { color: #777; font-size: 0.8rem; }
.kg-swatch { display: inline-block; width: 0.8rem; height: 0.8rem; border-radius: 50%;
  margin: 0 0.25rem 0 0.1rem; vertical-align: middle; }
.kg-properties { font-size: 0.9rem; }
.kg-properties summary { cursor: pointer; color: #333; }
.kg-properties ul { display: flex; flex-wrap: wrap; gap: 0.2rem 0.9rem; margin: 0.3rem 0 0;
  padding: 0; list-style: none; max-width: 60rem; }
.kg-notice { margin: 0.35rem 0 0; padding: 0.25rem 0.5rem; background: #fff4d6;
  border: 1px solid #f0d890; border-radius: 4px; font-size: 0.9rem; }
main { flex: 1; min-height: 0; position: relative; }
#kg-network { position: absolute; inset: 0; }
.kg-progress { position: absolute; top: 1rem; left: 50%; transform: translateX(-50%);
  padding: 0.3rem 0.8rem; background: #fff; border: 1px solid #ddd; border-radius: 4px; color: #555; }
.kg-details { position: absolute; top: 0.6rem; right: 0.6rem; width: 26rem; max-width: 45%;
  max-height: calc(100% - 1.2rem); overflow: auto; padding: 0.6rem 0.8rem; background: #fff;
  border: 1px solid #ccc; border-radius: 6px; box-shadow: 0 2px 8px rgba(0, 0, 0, 0.15);
  font-size: 0.85rem; line-height: 1.4; }
.kg-close { float: right; border: none; background: none; font-size: 1.3rem; line-height: 1;
  cursor: pointer; color: #555; }
.kg-link { border: none; background: none; padding: 0; color: #1a5fb4; cursor: pointer;
  font: inherit; text-decoration: underline; }
div.vis-tooltip { white-space: normal; max-width: 28rem; font-family: system-ui, sans-serif;
  font-size: 0.85rem; line-height: 1.35; }
.kg-tip-head { font-weight: bold; margin-bottom: 0.25rem; }
.kg-tip ul, .kg-details ul { margin: 0.15rem 0 0.3rem; padding-left: 1.1rem; }
.kg-meta { color: #555; font-size: 0.8rem; }
/* Evidence sentences often carry their own quotation marks: set them apart by style instead. */
.kg-tip q { quotes: none; font-style: italic; }
"""

# The page's behaviour. It never builds markup from data except the tooltip strings, which were
# escaped in Python; every other name is set with textContent.
_PAGE_JS = """
(function () {
  "use strict";
  var page = kgPage;
  var byId = function (id) { return document.getElementById(id); };
  var status = byId("kg-status"), visible = byId("kg-visible"), progress = byId("kg-progress");
  var details = byId("kg-details"), detailsBody = byId("kg-details-body");
  var hoodButton = byId("kg-neighbourhood"), showAllButton = byId("kg-show-all");
  var hopsSelect = byId("kg-hops"), searchBox = byId("kg-search");

  // vis-network 9 shows a string title as plain text and an element as it is. The strings were
  // built from escaped text, so they are trusted HTML.
  function tipElement(markup) {
    var element = document.createElement("div");
    element.className = "kg-tip";
    element.innerHTML = markup;
    return element;
  }
  var tips = {node: {}, edge: {}};
  function htmlTitles(dataSet, kind) {
    dataSet.update(dataSet.get({fields: ["id", "title"]}).map(function (item) {
      tips[kind][item.id] = item.title;
      return {id: item.id, title: tipElement(item.title)};
    }));
  }
  htmlTitles(nodes, "node");
  htmlTitles(edges, "edge");

  var links = {}, labels = {}, classes = {};
  nodes.forEach(function (node) {
    links[node.id] = [];
    labels[node.id] = node.label;
    classes[node.id] = node.cls;
  });
  var edgeList = edges.get({fields: ["id", "from", "to", "name", "prop"]});
  edgeList.forEach(function (edge) {
    links[edge.from].push(edge);
    if (edge.to !== edge.from) { links[edge.to].push(edge); }
  });

  var network = new vis.Network(byId("kg-network"), {nodes: nodes, edges: edges}, page.options);
  window.kgNetwork = network;

  // --- the layout settles once, then stays still ---
  var still = false;
  function settled() {
    if (still) { return; }
    still = true;
    network.setOptions({physics: false});
    progress.hidden = true;
    window.kgStillAt = performance.now();
    document.body.setAttribute("data-layout", "still");
    if (page.focus) { select(page.focus); }
  }
  // Zoomed out too far for vis-network's own labels, the page still names a dozen of the
  // best-connected entities shown, at a readable size, skipping a name that would cover one
  // drawn; the selected entity is named first, above all else.
  var LABEL_THRESHOLD = page.options.nodes.scaling.label.drawThreshold;
  var byDegree = nodes.getIds().filter(function (id) { return links[id].length > 0; });
  byDegree.sort(function (a, b) {
    return links[b].length - links[a].length || (labels[a] < labels[b] ? -1 : 1);
  });
  var hubs = [];
  function findHubs() {
    hubs = byDegree.filter(function (id) { return !nodes.get(id).hidden; }).slice(0, 40);
  }
  findHubs();
  network.on("afterDrawing", function (context) {
    var scale = network.getScale();
    var candidates = selected === null ? hubs :
      [selected].concat(hubs.filter(function (id) { return id !== selected; }));
    var shown = candidates.filter(function (id) {
      return id === selected || nodes.get(id).font.size * scale < LABEL_THRESHOLD;
    });
    if (!shown.length) { return; }
    var positions = network.getPositions(shown), taken = [], named = 0;
    context.save();
    context.font = (13 / scale) + "px system-ui, sans-serif";
    context.textAlign = "center";
    context.textBaseline = "top";
    context.lineWidth = 4 / scale;
    context.strokeStyle = "rgba(255, 255, 255, 0.9)";
    context.fillStyle = "#111";
    shown.forEach(function (id) {
      if (named >= 12) { return; }
      var box = {width: context.measureText(labels[id]).width, height: 16 / scale};
      box.x = positions[id].x - box.width / 2;
      box.y = positions[id].y + nodes.get(id).size + 2 / scale;
      var clash = taken.some(function (other) {
        return box.x < other.x + other.width && other.x < box.x + box.width &&
          box.y < other.y + other.height && other.y < box.y + box.height;
      });
      if (clash) { return; }
      taken.push(box);
      named += 1;
      context.strokeText(labels[id], positions[id].x, box.y);
      context.fillText(labels[id], positions[id].x, box.y);
    });
    context.restore();
  });
  network.on("stabilizationProgress", function (params) {
    progress.textContent = "Laying out the graph\\u2026 " +
      Math.round(100 * params.iterations / params.total) + "%";
  });
  network.once("stabilizationIterationsDone", settled);
  if (nodes.length === 0) { settled(); }

  // vis-network animates by frames, and a large graph draws few frames a second: jump there.
  function motion(milliseconds) {
    return page.large ? false : {duration: milliseconds, easingFunction: "easeInOutQuad"};
  }

  // --- filters and the neighbourhood view ---
  var hiddenClasses = {}, hiddenProperties = {}, neighbourhood = null, selected = null;
  function applyVisibility() {
    var shown = {}, nodeChanges = [], edgeChanges = [], nodeCount = 0, edgeCount = 0;
    nodes.forEach(function (node) {
      var show = !hiddenClasses[node.cls] && (neighbourhood === null || neighbourhood[node.id] === true);
      shown[node.id] = show;
      if (show) { nodeCount += 1; }
      if (Boolean(node.hidden) === show) { nodeChanges.push({id: node.id, hidden: !show}); }
    });
    edges.forEach(function (edge) {
      var show = !hiddenProperties[edge.prop] && shown[edge.from] && shown[edge.to];
      if (show) { edgeCount += 1; }
      if (Boolean(edge.hidden) === show) { edgeChanges.push({id: edge.id, hidden: !show}); }
    });
    nodes.update(nodeChanges);
    edges.update(edgeChanges);
    var filtered = nodeCount !== nodes.length || edgeCount !== edges.length;
    visible.textContent = filtered ?
      " \\u00b7 showing " + nodeCount + " entities and " + edgeCount + " relations" : "";
    showAllButton.disabled = !filtered && neighbourhood === null;
    if (selected !== null && !shown[selected]) { unselect(); }
    labelEdges();
    findHubs();
  }
  // A large page labels its edges only while few are shown, and those of the selected entity.
  var EDGE_LABEL_LIMIT = 400, edgeNames = {};
  edgeList.forEach(function (edge) { edgeNames[edge.id] = edge.name; });
  function labelEdges() {
    if (!page.large) { return; }
    var wanted = {}, shownEdges = edges.getIds({filter: function (edge) { return !edge.hidden; }});
    if (shownEdges.length <= EDGE_LABEL_LIMIT) {
      shownEdges.forEach(function (id) { wanted[id] = true; });
    }
    if (selected !== null) {
      links[selected].forEach(function (edge) { wanted[edge.id] = true; });
    }
    var changes = [];
    edges.forEach(function (edge) {
      var label = wanted[edge.id] ? edgeNames[edge.id] : "";
      if ((edge.label || "") !== label) { changes.push({id: edge.id, label: label}); }
    });
    edges.update(changes);
  }
  function around(id, hops) {
    var reached = {}, frontier = [id];
    reached[id] = true;
    for (var step = 0; step < hops; step += 1) {
      var next = [];
      frontier.forEach(function (current) {
        links[current].forEach(function (edge) {
          var other = edge.from === current ? edge.to : edge.from;
          if (!hiddenProperties[edge.prop] && !reached[other]) {
            reached[other] = true;
            next.push(other);
          }
        });
      });
      frontier = next;
    }
    return reached;
  }
  function showNeighbourhood(id, hops) {
    neighbourhood = around(id, hops);
    applyVisibility();
    fitTo(Object.keys(neighbourhood).filter(function (key) { return !hiddenClasses[classes[key]]; }));
    status.textContent = "Neighbourhood of " + labels[id] + " within " + hops +
      (hops === 1 ? " hop" : " hops") + ".";
  }
  function showAll() {
    neighbourhood = null;
    hiddenClasses = {};
    hiddenProperties = {};
    document.querySelectorAll("input[data-class], input[data-property]").forEach(function (box) {
      box.checked = true;
    });
    applyVisibility();
    status.textContent = "";
    fitTo(null);
  }
  // The details panel covers the right of the view while it is open: frame what is shown in the
  // part left free.
  function coveredWidth() { return details.hidden ? 0 : details.offsetWidth + 16; }
  function fitTo(ids) {
    network.fit(ids === null ? {animation: false} : {nodes: ids, animation: false});
    var covered = coveredWidth(), width = byId("kg-network").clientWidth;
    if (covered > 0 && width > covered) {
      var scale = network.getScale() * (width - covered) / width;
      network.moveTo({position: network.getViewPosition(), scale: scale, offset: {x: -covered / 2, y: 0},
                      animation: false});
    }
  }
  document.querySelectorAll("input[data-class]").forEach(function (box) {
    box.addEventListener("change", function () {
      hiddenClasses[box.getAttribute("data-class")] = !box.checked;
      applyVisibility();
    });
  });
  document.querySelectorAll("input[data-property]").forEach(function (box) {
    box.addEventListener("change", function () {
      hiddenProperties[box.getAttribute("data-property")] = !box.checked;
      applyVisibility();
    });
  });
  hoodButton.addEventListener("click", function () {
    if (selected !== null) { showNeighbourhood(selected, Number(hopsSelect.value)); }
  });
  showAllButton.addEventListener("click", showAll);

  // --- selection and the details panel ---
  function relationList(id) {
    var list = document.createElement("ul");
    links[id].slice().sort(function (a, b) {
      var left = a.name + labels[a.from === id ? a.to : a.from];
      var right = b.name + labels[b.from === id ? b.to : b.from];
      return left < right ? -1 : left > right ? 1 : 0;
    }).forEach(function (edge) {
      var outgoing = edge.from === id, other = outgoing ? edge.to : edge.from;
      var item = document.createElement("li"), link = document.createElement("button");
      link.type = "button";
      link.className = "kg-link";
      link.textContent = labels[other];
      link.addEventListener("click", function () { focusNode(other); });
      if (outgoing) {
        item.appendChild(document.createTextNode(edge.name + " "));
        item.appendChild(link);
      } else {
        item.appendChild(link);
        item.appendChild(document.createTextNode(" " + edge.name));
      }
      list.appendChild(item);
    });
    return list;
  }
  function showDetails(markup, extra) {
    detailsBody.replaceChildren(tipElement(markup));
    if (extra) { detailsBody.appendChild(extra); }
    details.hidden = false;
  }
  function select(id) {
    selected = id;
    network.selectNodes([id]);
    hoodButton.disabled = false;
    labelEdges();
    var relations = document.createElement("div");
    if (links[id].length) {
      var heading = document.createElement("b");
      heading.textContent = "Relations";
      relations.appendChild(heading);
      relations.appendChild(relationList(id));
    }
    showDetails(tips.node[id], relations);
  }
  function unselect() {
    selected = null;
    network.unselectAll();
    hoodButton.disabled = true;
    details.hidden = true;
    labelEdges();
  }
  network.on("click", function (params) {
    if (params.nodes.length) {
      select(params.nodes[0]);
    } else if (params.edges.length) {
      selected = null;
      hoodButton.disabled = true;
      labelEdges();
      showDetails(tips.edge[params.edges[0]]);
    } else {
      unselect();
    }
  });
  byId("kg-details-close").addEventListener("click", unselect);

  // --- search by any name ---
  function normal(text) { return text.toLowerCase().replace(/\\s+/g, " ").trim(); }
  var names = [], options = document.createDocumentFragment();
  nodes.forEach(function (node) {
    node.names.forEach(function (name, index) {
      names.push({id: node.id, name: normal(name), canonical: index === 0, shown: name});
    });
    var option = document.createElement("option");
    option.value = node.label;
    options.appendChild(option);
  });
  byId("kg-names").appendChild(options);
  // An exact canonical name wins, then an exact other name, then a name that starts with the
  // text, then one that contains it; ties go to the best-connected entity.
  function find(text) {
    var wanted = normal(text), best = null;
    if (!wanted) { return null; }
    names.forEach(function (entry) {
      var at = entry.name.indexOf(wanted);
      if (at < 0) { return; }
      var rank = entry.name === wanted ? (entry.canonical ? 0 : 1) : at === 0 ? 2 : 3;
      var degree = links[entry.id].length;
      if (best === null || rank < best.rank || (rank === best.rank && (degree > best.degree ||
          (degree === best.degree && labels[entry.id] < labels[best.id])))) {
        best = {id: entry.id, rank: rank, degree: degree, shown: entry.shown};
      }
    });
    return best;
  }
  // On a large page the entity's neighbourhood is shown, as its surroundings are too dense to read.
  function focusNode(id) {
    if (hiddenClasses[classes[id]] || (neighbourhood !== null && !neighbourhood[id])) {
      showAll();
    }
    select(id);
    if (page.large) {
      showNeighbourhood(id, Number(hopsSelect.value));
      return;
    }
    network.focus(id, {scale: Math.max(network.getScale(), 1.2), offset: {x: -coveredWidth() / 2, y: 0},
                       animation: motion(400)});
  }
  function search() {
    var found = find(searchBox.value);
    if (found === null) {
      status.textContent = searchBox.value.trim() ? "No entity is named \\u201c" + searchBox.value.trim() +
        "\\u201d." : "";
      return;
    }
    focusNode(found.id);
    var alias = normal(found.shown) === normal(labels[found.id]) ? "" :
      " (as \\u201c" + found.shown + "\\u201d)";
    var shown = page.large ? " " + status.textContent : "";
    status.textContent = "Found " + labels[found.id] + alias + "." + shown;
  }
  byId("kg-search-form").addEventListener("submit", function (event) {
    event.preventDefault();
    search();
  });
  window.kgFind = function (text) { searchBox.value = text; search(); };
}());
"""


def write_html(
    graph: Graph,
    path: Path,
    *,
    source: str,
    focus: str | None = None,
    hops: int = 1,
    max_nodes: int | None = None,
    min_confidence: float = 0.0,
) -> PageSummary:
    """Write ``graph`` as an interactive, self-contained HTML page at ``path``.

    Nodes are the entities: every IRI typed with a kg class other than kg:NewsArticle
    (tariff events included), labelled with rdfs:label, coloured by class and sized by the
    number of relations drawn. Edges are the kg-namespace triples between two entities,
    labelled with the property's label from the ontology and pointing at the object. Tooltips
    hold the entity's class, names, literal kg facts (positions, tariff rate and date) and the
    articles mentioning it, and for an edge the evidence, source article, confidence, rule and
    reporting outlet of each reified statement behind it. The title bar shows ``source``.

    ``min_confidence`` leaves out relations none of whose statements reaches that confidence.
    ``focus`` (any name of an entity) keeps only the entities within ``hops`` relations of it.
    ``max_nodes`` then keeps the best-connected entities (the nearest first when focused) and
    the page says what was left out. The returned summary gives the same counts and notes.

    The same graph always gives a byte-identical file. The page is written to a temporary file
    in the same directory and then moved into place, so ``path`` is never left half-written.

    Raises:
        FocusError: if ``focus`` names no entity, or names several and none by its canonical name.
        FileNotFoundError: if the directory of ``path`` does not exist, or the installed pyvis
            no longer ships the vis-network 9.1.2 files this page inlines.
        OSError: if the page cannot be written or moved into place.
    """
    classes = _entity_classes(graph)
    statements = _statements(graph, min_confidence)
    all_relations = [
        _Relation(subject, predicate, obj, tuple(statements.get((subject, predicate, obj), ())))
        for subject, predicate, obj in sorted(
            (
                (subject, predicate, obj)
                for subject in classes
                for predicate, obj in graph.predicate_objects(subject)
                if isinstance(obj, URIRef) and obj in classes and _in_kg(predicate)
            ),
            key=lambda triple: tuple(str(term) for term in triple),
        )
    ]
    relations = [r for r in all_relations if min_confidence <= 0 or r.statements]
    notes: list[str] = []
    if len(relations) < len(all_relations):
        dropped = len(all_relations) - len(relations)
        notes.append(
            f"{dropped:,} relation{'s' if dropped != 1 else ''} with a confidence below "
            f"{min_confidence:g} {'are' if dropped != 1 else 'is'} left out."
        )

    selection = _select(graph, classes, relations, focus=focus, hops=hops, max_nodes=max_nodes)
    notes.extend(selection.notes)
    kept, drawn = selection.entities, selection.relations
    drawn_degree: dict[URIRef, int] = defaultdict(int)
    for relation in drawn:
        drawn_degree[relation.subject] += 1
        drawn_degree[relation.object] += 1

    ontology_labels = _ontology_labels()
    articles = _ArticleNames(graph)
    large = len(kept) > _LARGE_GRAPH
    positions = _spiral_positions(kept, drawn) if large else {}
    node_data: list[dict[str, object]] = []
    class_counts: dict[URIRef, int] = defaultdict(int)
    for entity in sorted(kept, key=str):
        cls = classes[entity]
        class_counts[cls] += 1
        label = _label(graph, entity)
        size = round(10 + 5 * math.sqrt(drawn_degree[entity]), 2)
        node: dict[str, object] = {
            "id": str(entity),
            "label": label,
            "names": [label, *_other_names(graph, entity, label)],
            "cls": _local_name(cls),
            "color": _CLASS_COLORS.get(cls, _OTHER_COLOR),
            "size": size,
            # Labels grow with their node, so that the hubs stay named when zoomed out.
            "font": {"size": max(16, round(0.8 * size))},
            "title": _node_tooltip(graph, entity, cls, articles, ontology_labels),
        }
        if large:
            node["x"], node["y"] = positions[entity]
        node_data.append(node)
    property_counts: dict[URIRef, int] = defaultdict(int)
    edge_data: list[dict[str, object]] = []
    curves = _edge_curves(drawn)
    for index, relation in enumerate(drawn):
        property_counts[relation.predicate] += 1
        # Thousands of edge labels take seconds to draw: a large page labels the edges in view
        # of a selection or a small neighbourhood only, as the page's script decides.
        edge_data.append(
            {
                **({} if large else {"label": _term_label(relation.predicate, ontology_labels)}),
                "id": f"e{index}",
                "from": str(relation.subject),
                "to": str(relation.object),
                "name": _term_label(relation.predicate, ontology_labels),
                "prop": _local_name(relation.predicate),
                "arrows": "to",
                "title": _edge_tooltip(graph, relation, ontology_labels),
                **curves[index],
            }
        )

    summary = PageSummary(
        entities=len(node_data),
        relations=len(edge_data),
        total_entities=len(classes),
        total_relations=len(all_relations),
        capped=selection.capped,
        notes=tuple(notes),
    )
    focus_id = str(selection.focus) if selection.focus is not None else None
    page = _PAGE.substitute(
        title=html.escape(f"kg \u2014 {source}"),
        source=html.escape(source),
        vis_css=_vis_asset("vis-network.css"),
        vis_js=_vis_asset("vis-network.min.js"),
        page_css=_PAGE_CSS,
        page_js=_PAGE_JS,
        entity_count=f"{summary.entities:,}",
        relation_count=f"{summary.relations:,}",
        hop_options="".join(
            f'<option value="{n}"{" selected" if n == 1 else ""}>{n}</option>' for n in (1, 2, 3)
        ),
        legend=_legend(class_counts, ontology_labels),
        properties=_property_filters(property_counts, ontology_labels),
        notes="".join(f'<p class="kg-notice">{html.escape(note)}</p>\n' for note in notes),
        nodes=_script_json(node_data),
        edges=_script_json(edge_data),
        page_data=_script_json({"focus": focus_id, "large": large, "options": _vis_options(len(node_data))}),
    )
    write_atomically(path, page.encode("utf-8"))
    return summary


def read_graph(path: str | os.PathLike[str]) -> Graph:
    """The graph at ``path``, named graphs merged, ready for :func:`write_html`.

    ``path`` is a graph file in any format ``kg query`` reads, the folder ``kg build`` wrote (its
    graph.ttl), or a persistent store folder (``kg build --store``).

    Raises:
        kg.store.GraphLoadError: if the file is missing, of an unknown format or does not parse.
        kg.store.StoreError: if a store folder cannot be opened.
    """
    if not is_store(path):
        return load_rdflib_graph(path)
    store = open_store(path)
    graph = Graph()
    for quad in store.quads_for_pattern(None, None, None, None):
        subject, predicate, obj = (_rdflib_term(term) for term in (quad.subject, quad.predicate, quad.object))
        if subject is not None and isinstance(predicate, URIRef) and obj is not None:
            graph.add((subject, predicate, obj))
    return graph


def _rdflib_term(term: object) -> Node | None:
    """The rdflib term for a pyoxigraph one; None for a quoted triple, which kg never writes."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        if term.datatype.value == str(XSD.string):
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(term.datatype.value))
    return None


def _in_kg(term: object) -> TypeGuard[URIRef]:
    return isinstance(term, URIRef) and str(term).startswith(_KG_NS)


def _local_name(term: URIRef) -> str:
    text = str(term)
    return text[len(_KG_NS) :] if text.startswith(_KG_NS) else text.rstrip("/#").rsplit("/", 1)[-1]


@cache
def _ontology_labels() -> dict[URIRef, str]:
    """The English rdfs:label of every kg class and property in the packaged ontology."""
    graph = load_ontology()
    labels: dict[URIRef, str] = {}
    for term, label in sorted(graph.subject_objects(RDFS.label)):
        if _in_kg(term) and isinstance(label, Literal) and label.language in (None, "en"):
            labels.setdefault(term, str(label))
    return labels


def _term_label(term: URIRef, labels: dict[URIRef, str]) -> str:
    return labels.get(term, _local_name(term))


def _class_name(cls: URIRef, labels: dict[URIRef, str]) -> str:
    name = _term_label(cls, labels)
    return name[:1].upper() + name[1:]


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


def _other_names(graph: Graph, entity: Node, label: str) -> list[str]:
    return sorted({str(name) for name in graph.objects(entity, SKOS.altLabel)} - {label})


class _ArticleNames:
    """An article's file name (dcterms:source), followed by its title when known; computed once."""

    def __init__(self, graph: Graph) -> None:
        self._graph = graph
        self._names: dict[Node, str] = {}

    def __call__(self, article: Node) -> str:
        if article not in self._names:
            sources = sorted(str(source) for source in self._graph.objects(article, DCTERMS.source))
            titles = sorted(str(title) for title in self._graph.objects(article, DCTERMS.title))
            name = sources[0] if sources else _label(self._graph, article)
            self._names[article] = f"{name} \u2014 {titles[0]}" if titles else name
        return self._names[article]


def _statements(graph: Graph, min_confidence: float) -> dict[tuple[Node, Node, Node], list[_Statement]]:
    """The reified statements of the graph by the triple they support, sorted, at least
    ``min_confidence`` sure (a statement without a confidence counts as 0)."""
    articles = _ArticleNames(graph)
    found: dict[tuple[Node, Node, Node], list[_Statement]] = defaultdict(list)
    for statement, subject in graph.subject_objects(RDF.subject):
        confidences = [c for c in graph.objects(statement, KG.confidence) if isinstance(c, Literal)]
        best = max((_as_float(c) for c in confidences), default=0.0)
        if min_confidence > 0 and best < min_confidence:
            continue
        for predicate in graph.objects(statement, RDF.predicate):
            for obj in graph.objects(statement, RDF.object):
                found[(subject, predicate, obj)].append(
                    _Statement(
                        articles=tuple(
                            sorted(articles(a) for a in graph.objects(statement, PROV.wasDerivedFrom))
                        ),
                        evidence=tuple(sorted(str(text) for text in graph.objects(statement, KG.evidence))),
                        confidence=tuple(sorted(f"confidence {c}" for c in confidences)),
                        rules=tuple(sorted(f"rule {rule}" for rule in graph.objects(statement, KG.rule))),
                        reporters=tuple(
                            sorted(_label(graph, r) for r in graph.subjects(KG.reported, statement))
                        ),
                    )
                )
    for items in found.values():
        items.sort(key=lambda s: (s.articles, s.evidence, s.confidence, s.rules, s.reporters))
    return found


def _as_float(value: Literal) -> float:
    try:
        return float(value.toPython())
    except (TypeError, ValueError):
        return 0.0


@dataclass(frozen=True)
class _Selection:
    """The entities and relations a page draws, and what it says about those it leaves out."""

    entities: list[URIRef]
    relations: list[_Relation]
    focus: URIRef | None
    capped: bool
    notes: list[str]


def _select(
    graph: Graph,
    classes: dict[URIRef, URIRef],
    relations: list[_Relation],
    *,
    focus: str | None,
    hops: int,
    max_nodes: int | None,
) -> _Selection:
    """The neighbourhood of ``focus`` (or the whole graph), then its ``max_nodes`` best-connected
    entities (the nearest first), and the relations between them."""
    degree: dict[URIRef, int] = defaultdict(int)
    for relation in relations:
        degree[relation.subject] += 1
        degree[relation.object] += 1
    notes = []
    distance: dict[URIRef, int] = dict.fromkeys(classes, 0)
    if focus is not None:
        distance = _distances(graph, classes, relations, focus, hops)
    candidates = sorted(distance, key=lambda e: (distance[e], -degree[e], str(e)))
    if focus is not None:
        notes.append(
            f"The neighbourhood of {_label(graph, candidates[0])} within {hops} "
            f"hop{'s' if hops != 1 else ''}: {len(candidates):,} of {len(classes):,} entities."
        )
    kept = candidates if max_nodes is None else candidates[:max_nodes]
    kept_set, in_scope = set(kept), set(candidates)
    drawn = [r for r in relations if r.subject in kept_set and r.object in kept_set]
    if len(kept) < len(candidates):
        left_out = candidates[len(kept) :]
        named = ", ".join(_label(graph, entity) for entity in left_out[:_NAMED_LEFT_OUT])
        more = len(left_out) - min(len(left_out), _NAMED_LEFT_OUT)
        in_neighbourhood = sum(1 for r in relations if r.subject in in_scope and r.object in in_scope)
        notes.append(
            f"Showing the {len(kept):,} {'nearest, ' if focus is not None else ''}best-connected "
            f"of {len(candidates):,} entities: {len(left_out):,} entities and "
            f"{in_neighbourhood - len(drawn):,} relations are left out, the best-connected of them "
            f"being {named}{f' and {more:,} more' if more else ''}. See any entity's neighbourhood "
            "with kg html GRAPH --focus NAME, or draw more with --max-nodes N."
        )
    return _Selection(
        entities=kept,
        relations=drawn,
        focus=candidates[0] if focus is not None else None,
        capped=len(kept) < len(candidates),
        notes=notes,
    )


def _distances(
    graph: Graph,
    classes: dict[URIRef, URIRef],
    relations: list[_Relation],
    focus: str,
    hops: int,
) -> dict[URIRef, int]:
    """The entities within ``hops`` relations (either direction) of the one ``focus`` names."""
    start = _find_entity(graph, classes, focus)
    neighbours: dict[URIRef, set[URIRef]] = defaultdict(set)
    for relation in relations:
        neighbours[relation.subject].add(relation.object)
        neighbours[relation.object].add(relation.subject)
    distance = {start: 0}
    queue = deque([start])
    while queue:
        current = queue.popleft()
        if distance[current] < hops:
            for other in sorted(neighbours[current] - distance.keys(), key=str):
                distance[other] = distance[current] + 1
                queue.append(other)
    return distance


def _find_entity(graph: Graph, classes: dict[URIRef, URIRef], name: str) -> URIRef:
    """The entity ``name`` names: by canonical name first, then by any other name, ignoring case."""
    wanted = _normal_name(name)

    def named_by(predicate: URIRef) -> list[URIRef]:
        return sorted(
            (e for e in classes if any(_normal_name(x) == wanted for x in graph.objects(e, predicate))),
            key=str,
        )

    matches = named_by(RDFS.label) or named_by(SKOS.altLabel)
    if len(matches) == 1:
        return matches[0]
    if not matches:
        similar = sorted(
            {_label(graph, e) for e in classes if wanted and wanted in _normal_name(_label(graph, e))}
        )[:_NAMED_LEFT_OUT]
        hint = f", such as {' or '.join(similar)}" if similar else ""
        raise FocusError(
            f"No entity in the graph is named '{name}'; pass an entity's name or other name as "
            f"the page shows it{hint}."
        )
    shown = ", ".join(f"{_label(graph, e)} ({_local_name(classes[e])})" for e in matches[:_NAMED_LEFT_OUT])
    raise FocusError(
        f"The name '{name}' stands for {len(matches)} entities ({shown}); pass the canonical name "
        "of the one you mean."
    )


def _normal_name(name: object) -> str:
    return " ".join(str(name).split()).casefold()


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


def _node_tooltip(
    graph: Graph,
    entity: URIRef,
    cls: URIRef,
    articles: _ArticleNames,
    labels: dict[URIRef, str],
) -> str:
    label = _label(graph, entity)
    facts: dict[str, list[str]] = defaultdict(list)
    reports = 0
    for predicate, value in graph.predicate_objects(entity):
        if _in_kg(predicate) and isinstance(value, Literal):
            heading = _FACT_HEADINGS.get(predicate, _class_name(predicate, labels))
            facts[heading].append(str(value))
        elif predicate == KG.reported:
            reports += 1
    mentioned_in = sorted({articles(a) for a in graph.subjects(SCHEMA.mentions, entity)})
    parts = [
        f'<div class="kg-tip-head">{html.escape(label)}</div>',
        f"<div><b>Class:</b> {html.escape(_class_name(cls, labels))}</div>",
        f"<div><b>Canonical name:</b> {html.escape(label)}</div>",
        _section("Other names", _escaped(_other_names(graph, entity, label))),
        *(_section(heading, _escaped(sorted(facts[heading]))) for heading in sorted(facts)),
        _section("Mentioned in", _escaped(mentioned_in), _MAX_ARTICLES),
    ]
    if reports:
        parts.append(f"<div><b>Reported:</b> {reports} statement{'s' if reports != 1 else ''}</div>")
    return "".join(parts)


def _edge_tooltip(graph: Graph, relation: _Relation, labels: dict[URIRef, str]) -> str:
    items = []
    for statement in relation.statements:
        quotes = "".join(f"<q>{text}</q><br>" for text in _escaped(statement.evidence))
        reported = [f"reported by {name}" for name in statement.reporters]
        meta = " \u00b7 ".join(
            _escaped([*statement.articles, *statement.confidence, *statement.rules, *reported])
        )
        items.append(f'{quotes}<span class="kg-meta">{meta}</span>')
    head = " \u2192 ".join(
        _escaped(
            [
                _label(graph, relation.subject),
                _term_label(relation.predicate, labels),
                _label(graph, relation.object),
            ]
        )
    )
    return f'<div class="kg-tip-head">{head}</div>' + _section("Evidence", items, _MAX_STATEMENTS)


def _edge_curves(relations: list[_Relation]) -> list[dict[str, object]]:
    """Extra options per edge that bend apart the edges joining the same two entities."""
    siblings: dict[frozenset[URIRef], list[int]] = defaultdict(list)
    for index, relation in enumerate(relations):
        siblings[frozenset((relation.subject, relation.object))].append(index)
    curves: list[dict[str, object]] = [{} for _ in relations]
    for indices in siblings.values():
        if len(indices) > 1:
            for rank, index in enumerate(indices):
                roundness = round(0.15 + 0.2 * rank, 2)
                curves[index] = {"smooth": {"enabled": True, "type": "curvedCW", "roundness": roundness}}
    return curves


def _spiral_positions(entities: list[URIRef], relations: list[_Relation]) -> dict[URIRef, tuple[int, int]]:
    """Starting points for the layout: entities in breadth-first order from the best-connected,
    along a sunflower spiral, so that most neighbours start near each other and the physics
    needs few steps to settle."""
    neighbours: dict[URIRef, list[URIRef]] = defaultdict(list)
    for relation in relations:
        neighbours[relation.subject].append(relation.object)
        neighbours[relation.object].append(relation.subject)
    order: list[URIRef] = []
    seen: set[URIRef] = set()
    for start in sorted(entities, key=lambda e: (-len(neighbours[e]), str(e))):
        if start in seen:
            continue
        seen.add(start)
        queue = deque([start])
        while queue:
            current = queue.popleft()
            order.append(current)
            for other in sorted(neighbours[current], key=lambda e: (-len(neighbours[e]), str(e))):
                if other not in seen:
                    seen.add(other)
                    queue.append(other)
    golden_angle = math.pi * (3 - math.sqrt(5))
    return {
        entity: (
            round(_SPIRAL_STEP * math.sqrt(index) * math.cos(index * golden_angle)),
            round(_SPIRAL_STEP * math.sqrt(index) * math.sin(index * golden_angle)),
        )
        for index, entity in enumerate(order)
    }


def _legend(class_counts: dict[URIRef, int], labels: dict[URIRef, str]) -> str:
    """The legend: one checkbox per class drawn, with its colour and count, that hides or shows it."""
    order = {cls: index for index, cls in enumerate(_CLASS_COLORS)}
    items = []
    for cls in sorted(class_counts, key=lambda c: (order.get(c, len(order)), str(c))):
        color = _CLASS_COLORS.get(cls, _OTHER_COLOR)
        items.append(
            f'<li><label><input type="checkbox" data-class="{html.escape(_local_name(cls))}" checked>'
            f'<span class="kg-swatch" style="background:{color}"></span>'
            f"{html.escape(_class_name(cls, labels))} "
            f'<span class="kg-count">{class_counts[cls]:,}</span></label></li>'
        )
    return "".join(items)


def _property_filters(property_counts: dict[URIRef, int], labels: dict[URIRef, str]) -> str:
    """One checkbox per relation property drawn, with its count, that hides or shows its edges."""
    items = []
    for prop in sorted(property_counts, key=lambda p: (_term_label(p, labels), str(p))):
        items.append(
            f'<li><label><input type="checkbox" data-property="{html.escape(_local_name(prop))}" checked>'
            f"{html.escape(_term_label(prop, labels))} "
            f'<span class="kg-count">{property_counts[prop]:,}</span></label></li>'
        )
    return "".join(items)


def _vis_options(node_count: int) -> dict[str, object]:
    """vis-network options: a fine layout for small graphs, a fast one that still settles for large."""
    large = node_count > _LARGE_GRAPH
    if large:
        # A coarser Barnes-Hut approximation (theta) makes each step several times cheaper.
        physics: dict[str, object] = {
            "solver": "barnesHut",
            "barnesHut": {
                "theta": 1.2,
                "gravitationalConstant": -12000,
                "centralGravity": 0.2,
                "springLength": 200,
                "springConstant": 0.04,
                "damping": 0.5,
                "avoidOverlap": 0,
            },
            "minVelocity": 2,
            # From the spiral start a few hundred entities settle in 300 steps; past 500 each
            # step costs tens of milliseconds, and 100 steps already untangle the neighbourhoods.
            "stabilization": {
                "enabled": True,
                "iterations": 300 if node_count <= 500 else 100,
                "updateInterval": 25,
                "fit": True,
            },
        }
    else:
        physics = {
            "solver": "forceAtlas2Based",
            "forceAtlas2Based": {
                "gravitationalConstant": -80,
                "centralGravity": 0.01,
                "springLength": 140,
                "springConstant": 0.06,
                "avoidOverlap": 0.4,
            },
            "stabilization": {"enabled": True, "iterations": 600, "updateInterval": 25, "fit": True},
        }
    return {
        "layout": {"randomSeed": 7, "improvedLayout": not large},
        "physics": {"enabled": True, **physics},
        "interaction": {"hover": True, "tooltipDelay": 150, "hideEdgesOnDrag": large},
        "nodes": {
            "shape": "dot",
            "borderWidth": 1,
            "font": {"size": 14, "strokeWidth": 3, "strokeColor": "#ffffff"},
            # Labels smaller than this many pixels on screen are not drawn: they only blur.
            "scaling": {"label": {"drawThreshold": 7}},
        },
        "edges": {
            "arrows": {"to": {"enabled": True, "scaleFactor": 0.6}},
            "color": {"color": "#a0a0a0", "highlight": "#333333", "hover": "#555555"},
            "font": {"size": 13, "align": "middle", "color": "#555555", "strokeWidth": 3},
            # Dynamic curves add a simulated point to every edge: too slow for a large graph.
            "smooth": {"enabled": False} if large else {"enabled": True, "type": "dynamic"},
        },
    }


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
