"""The graph file formats `kg build --format` can write, by name.

>>> parse_formats("ttl, nt")
('ttl', 'nt')
>>> parse_formats("ttl,rdfxml")
Traceback (most recent call last):
...
kg.export.formats.FormatError: Unknown graph format 'rdfxml'; use a comma-separated list of ttl, trig, nt, jsonld.
"""  # noqa: E501

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

from rdflib import Graph

from kg.errors import KgError
from kg.export.files import write_atomically
from kg.export.jsonld import serialize_jsonld
from kg.export.ntriples import serialize_ntriples
from kg.export.trig import serialize_trig
from kg.export.turtle import serialize_turtle


class FormatError(KgError):
    """A graph format name that kg cannot write."""


class GraphFormat(NamedTuple):
    """A file format for the graph: its file name in the output folder and its writer."""

    file_name: str
    media_type: str
    serialize: Callable[[Graph], bytes]


#: Every format by the name `--format` takes, in the order files are written.
GRAPH_FORMATS: dict[str, GraphFormat] = {
    "ttl": GraphFormat("graph.ttl", "text/turtle", serialize_turtle),
    "trig": GraphFormat("graph.trig", "application/trig", serialize_trig),
    "nt": GraphFormat("graph.nt", "application/n-triples", serialize_ntriples),
    "jsonld": GraphFormat("graph.jsonld", "application/ld+json", serialize_jsonld),
}


def parse_formats(text: str) -> tuple[str, ...]:
    """The format names in a comma-separated list, in the order given, without repeats.

    :raises FormatError: if a name is not one of :data:`GRAPH_FORMATS`.
    """
    names: list[str] = []
    for name in (part.strip().lower() for part in text.split(",")):
        if not name or name in names:
            continue
        if name not in GRAPH_FORMATS:
            known = ", ".join(GRAPH_FORMATS)
            raise FormatError(f"Unknown graph format {name!r}; use a comma-separated list of {known}.")
        names.append(name)
    return tuple(names)


def write_graph(graph: Graph, output_dir: Path, fmt: str) -> Path:
    """Write ``graph`` in format ``fmt`` into ``output_dir``, atomically; return the file's path.

    Raises OSError if the file cannot be written.
    """
    graph_format = GRAPH_FORMATS[fmt]
    path = output_dir / graph_format.file_name
    write_atomically(path, graph_format.serialize(graph))
    return path
