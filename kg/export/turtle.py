"""The graph as Turtle with readable prefixes, byte-identical for the same graph.

rdflib lays the file out (prefixes, subjects sorted, ``;`` and ``,`` lists); kg writes every
string literal itself, because rdflib leaves control characters raw and mis-escapes a string that
ends in a backslash and a quote inside a multi-line literal. Strings are always written in the
short ``"…"`` form with the escapes Turtle, TriG, N-Triples and SPARQL share.

>>> print(quote_string('He said "no",\\tthen left.\\n\\x07'))
"He said \\"no\\",\\tthen left.\\n\\u0007"
"""

from __future__ import annotations

import io
from pathlib import Path

from rdflib import Graph, Literal
from rdflib.namespace import XSD
from rdflib.plugins.serializers.turtle import OBJECT, TurtleSerializer
from rdflib.term import Node

from kg.export.files import write_atomically

# Characters a string literal never holds raw: the quote and backslash, line and tab characters
# (short escapes), and every other control character (\\uXXXX), so that no tool downstream sees a
# raw control character, whatever its parser makes of them. Non-characters such as U+FFFF stay raw:
# raptor (rapper) rejects them escaped but reads them as UTF-8.
_SHORT_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b", "\f": "\\f"}
_ESCAPES: dict[int, str] = {
    code: _SHORT_ESCAPES.get(chr(code), f"\\u{code:04X}")
    for code in [*range(0x00, 0x20), *range(0x7F, 0xA0), 0x22, 0x5C]
}


def quote_string(text: str) -> str:
    """``text`` as a quoted Turtle / N-Triples / SPARQL string, every special character escaped."""
    return '"' + text.translate(_ESCAPES) + '"'


class LiteralSafeMixin:
    """Writes string literals with :func:`quote_string`; other terms as rdflib does."""

    def label(self, node: Node, position: int) -> str:
        text: str = super().label(node, position)  # type: ignore[misc]
        if not isinstance(node, Literal) or not text.startswith('"'):
            return text  # an IRI, a prefixed name, or a bare number or boolean
        if node.language:
            return f"{quote_string(str(node))}@{node.language}"
        if node.datatype is None or node.datatype == XSD.string:
            return quote_string(str(node))
        datatype: str = super().label(node.datatype, OBJECT)  # type: ignore[misc]
        return f"{quote_string(str(node))}^^{datatype}"


class SafeTurtleSerializer(LiteralSafeMixin, TurtleSerializer):
    """rdflib's Turtle serializer with kg's literal escaping."""


def serialize_turtle(graph: Graph) -> bytes:
    """``graph`` as UTF-8 Turtle."""
    buffer = io.BytesIO()
    SafeTurtleSerializer(graph).serialize(buffer, encoding="utf-8")
    return buffer.getvalue()


def write_turtle(graph: Graph, path: Path) -> None:
    """Serialise ``graph`` as Turtle to ``path``, atomically.

    Raises OSError if the file cannot be written.
    """
    write_atomically(path, serialize_turtle(graph))
