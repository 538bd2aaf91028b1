"""The graph as N-Triples, one triple a line, for bulk loaders.

Strings are escaped as in graph.ttl (:func:`kg.export.turtle.quote_string`); the lines are sorted
so the file is byte-identical for the same graph.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph, Literal
from rdflib.namespace import XSD
from rdflib.term import Node

from kg.export.files import write_atomically
from kg.export.turtle import quote_string


def ntriples_term(node: Node) -> str:
    """One RDF term in N-Triples syntax.

    >>> from rdflib import URIRef
    >>> print(ntriples_term(Literal("Yun Sun")), ntriples_term(URIRef("https://w3id.org/kg-news/id/person/yun-sun")))
    "Yun Sun" <https://w3id.org/kg-news/id/person/yun-sun>
    """
    if isinstance(node, Literal):
        text = quote_string(str(node))
        if node.language:
            return f"{text}@{node.language}"
        if node.datatype is not None and node.datatype != XSD.string:
            return f"{text}^^<{node.datatype}>"
        return text
    if isinstance(node, BNode):
        return f"_:{node}"
    return f"<{node}>"


def serialize_ntriples(graph: Graph) -> bytes:
    """``graph`` as UTF-8 N-Triples, lines sorted."""
    lines = sorted(" ".join(ntriples_term(node) for node in triple) + " .\n" for triple in graph)
    return "".join(lines).encode("utf-8")


def write_ntriples(graph: Graph, path: Path) -> None:
    """Serialise ``graph`` as N-Triples to ``path``, atomically. Raises OSError if it cannot be written."""
    write_atomically(path, serialize_ntriples(graph))
