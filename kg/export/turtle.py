"""The graph as Turtle with readable prefixes, byte-identical for the same graph."""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from kg.export.files import write_atomically


def write_turtle(graph: Graph, path: Path) -> None:
    """Serialise ``graph`` as Turtle to ``path``, atomically.

    Raises OSError if the file cannot be written.
    """
    write_atomically(path, graph.serialize(format="turtle", encoding="utf-8"))
