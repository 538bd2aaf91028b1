"""The graph as JSON-LD with an embedded context, so keys read ``kg:worksFor``, not full IRIs.

The context holds the output contract's prefixes and nothing else, so any JSON-LD processor
expands the document to exactly the triples of graph.ttl without fetching anything.
"""

from __future__ import annotations

import json
from pathlib import Path

from rdflib import Graph

from kg.export.files import write_atomically
from kg.rdf import PREFIXES

#: The JSON-LD context of graph.jsonld: the contract's prefixes.
CONTEXT: dict[str, str] = dict(PREFIXES)


def serialize_jsonld(graph: Graph) -> bytes:
    """``graph`` as compacted JSON-LD with :data:`CONTEXT`, nodes and values in a stable order."""
    text = graph.serialize(format="json-ld", context=CONTEXT, auto_compact=True)
    document = json.loads(text)
    # rdflib emits nodes and values in hash order; JSON-LD values are sets, so sorting is safe.
    nodes = document["@graph"] if "@graph" in document else [document]
    for node in nodes:
        for key, value in node.items():
            if isinstance(value, list):
                node[key] = sorted(value, key=_sort_key)
    if "@graph" in document:
        document["@graph"] = sorted(nodes, key=lambda node: str(node.get("@id", "")))
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _sort_key(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def write_jsonld(graph: Graph, path: Path) -> None:
    """Serialise ``graph`` as JSON-LD to ``path``, atomically. Raises OSError if it cannot be written."""
    write_atomically(path, serialize_jsonld(graph))
