"""Load a kg graph into an embedded Oxigraph store, run SPARQL on it and format the answers.

Library code for ``kg query``: nothing here prints or exits; problems are raised as
:class:`GraphLoadError` (the graph file) or :class:`QueryError` (the query), each with a message
fit to show to a user as is.

The prefixes of the output contract (``kg:``, ``person:``, ``organization:``, ``country:``,
``place:``, ``article:``, ``event:``, ``statement:``, ``schema:``, ``prov:``, ``dcterms:``,
``skos:``, ``rdf:``, ``rdfs:``, ``xsd:``, ``owl:``) are predeclared for every query, so
``kg:worksFor`` works without a ``PREFIX`` line; a ``PREFIX`` the query declares itself wins.

>>> import pyoxigraph
>>> store = pyoxigraph.Store()
>>> store.load(
...     input='<https://w3id.org/kg-news/id/person/yun-sun> '
...     '<http://www.w3.org/2000/01/rdf-schema#label> "Yun Sun" .',
...     format=pyoxigraph.RdfFormat.N_TRIPLES,
... )
>>> result = run_query(store, "SELECT ?who ?name WHERE { ?who rdfs:label ?name }")
>>> print(format_result(result, "table"), end="")
who             name
--------------  -------
person:yun-sun  Yun Sun
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal as TypingLiteral

import pyoxigraph as ox
import rdflib

from kg.errors import KgError
from kg.rdf import PREFIXES as GRAPH_PREFIXES

__all__ = [
    "FORMATS",
    "PREFIXES",
    "GraphLoadError",
    "QueryError",
    "QueryResult",
    "Term",
    "compact",
    "format_result",
    "open_graph",
    "run_query",
]

#: An RDF term as pyoxigraph returns it in a solution or a triple.
Term = ox.NamedNode | ox.BlankNode | ox.Literal | ox.Triple

#: The prefixes of the output contract, predeclared in every query and used to shorten IRIs.
PREFIXES: Mapping[str, str] = GRAPH_PREFIXES

#: The output formats :func:`format_result` accepts.
FORMATS: tuple[str, ...] = ("table", "csv", "tsv", "json")

#: Graph file formats by file extension (lower case, with the dot).
_RDF_FORMATS: Mapping[str, ox.RdfFormat] = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".trig": ox.RdfFormat.TRIG,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
}

_GRAPH_FILE_NAME = "graph.ttl"
_XSD_STRING = PREFIXES["xsd"] + "string"
_RDF_LANG_STRING = PREFIXES["rdf"] + "langString"
# A local name that can be written after "prefix:" without escapes (a safe subset of PN_LOCAL).
_LOCAL_NAME = re.compile(r"(?:[A-Za-z0-9_](?:[\w.-]*[\w-])?)?")
_POSITION = re.compile(r"error at (\d+):(\d+)")
_UPDATE_KEYWORD = re.compile(
    r"^\s*(?:(?:PREFIX\s+\S*\s*<[^>]*>|BASE\s*<[^>]*>|#[^\n]*\n)\s*)*"
    r"(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD|WITH)\b",
    re.IGNORECASE,
)


class GraphLoadError(KgError):
    """A graph file is missing, has an unknown extension or does not parse."""


class QueryError(KgError):
    """A SPARQL query is not valid or fails while it runs."""


@dataclass(frozen=True)
class QueryResult:
    """The answer to one SPARQL query, keeping the full RDF terms.

    ``kind`` says which fields are meaningful:

    * ``"select"``: ``variables`` (column names, without ``?``) and ``rows`` (one term per
      variable, ``None`` where unbound), in the order the query produced them;
    * ``"ask"``: ``boolean``;
    * ``"graph"`` (``CONSTRUCT`` / ``DESCRIBE``): ``triples``, sorted so output is stable.
    """

    kind: TypingLiteral["select", "ask", "graph"]
    variables: tuple[str, ...] = ()
    rows: tuple[tuple[Term | None, ...], ...] = ()
    boolean: bool | None = None
    triples: tuple[ox.Triple, ...] = ()

    def compact_rows(self) -> list[list[str | None]]:
        """The rows as strings: IRIs shortened with :data:`PREFIXES`, literals as plain values.

        >>> works_for = ox.NamedNode("https://w3id.org/kg-news/ontology#worksFor")
        >>> row = (works_for, ox.Literal("x"), None)
        >>> QueryResult("select", ("p", "o", "u"), (row,)).compact_rows()
        [['kg:worksFor', 'x', None]]
        """
        return [[None if term is None else compact(term) for term in row] for row in self.rows]


def compact(term: Term) -> str:
    """A short human-readable string for ``term``.

    IRIs under a contract prefix become ``prefix:local`` (others stay ``<iri>``), literals give
    their lexical value, blank nodes ``_:id`` and quoted triples ``<< s p o >>``.

    >>> compact(ox.NamedNode("https://w3id.org/kg-news/id/person/donald-trump"))
    'person:donald-trump'
    >>> compact(ox.NamedNode("https://example.org/thing"))
    '<https://example.org/thing>'
    >>> compact(ox.Literal("10.0", datatype=ox.NamedNode(PREFIXES["xsd"] + "decimal")))
    '10.0'
    """
    if isinstance(term, ox.NamedNode):
        return _compact_iri(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return f"<< {compact(term.subject)} {compact(term.predicate)} {compact(term.object)} >>"


def _compact_iri(iri: str) -> str:
    best: tuple[str, str] | None = None
    for name, namespace in PREFIXES.items():
        if iri.startswith(namespace) and (best is None or len(namespace) > len(best[1])):
            local = iri[len(namespace) :]
            if _LOCAL_NAME.fullmatch(local):
                best = (name, namespace)
    if best is None:
        return f"<{iri}>"
    return f"{best[0]}:{iri[len(best[1]) :]}"


def open_graph(path: str | os.PathLike[str]) -> ox.Store:
    """Load a graph file into a new in-memory Oxigraph store.

    The format comes from the extension: ``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``
    (also ``.turtle``, and ``.rdf`` / ``.owl`` for RDF/XML). A directory stands for the
    ``graph.ttl`` inside it, so the output folder of ``kg build`` can be passed directly.

    :raises GraphLoadError: if the file (or the directory's ``graph.ttl``) does not exist, its
        extension is not a known RDF format, or its content does not parse.

    >>> open_graph("no/such/graph.ttl")
    Traceback (most recent call last):
    ...
    kg.store.GraphLoadError: Cannot read graph file no/such/graph.ttl: the file does not exist. Pass a Turtle file written by `kg build`.
    """  # noqa: E501
    path = graph_file(path)
    fmt = _RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_RDF_FORMATS))
        shown = f"'{path.suffix}'" if path.suffix else "no extension"
        raise _load_error(path, f"{shown} is not a known RDF format (use one of {known})")
    store = ox.Store()
    try:
        store.load(path=path, format=fmt)
    except (SyntaxError, ValueError) as exc:
        raise _load_error(path, f"it is not valid {fmt.name}: {_first_line(str(exc))}") from exc
    except OSError as exc:
        raise _load_error(path, exc.strerror or str(exc)) from exc
    return store


def graph_file(path: str | os.PathLike[str]) -> Path:
    """The graph file ``path`` names: the file itself, or ``graph.ttl`` in a folder.

    :raises GraphLoadError: if there is no such file.
    """
    path = Path(path)
    if path.is_dir():
        path = path / _GRAPH_FILE_NAME
        if not path.is_file():
            raise _load_error(path, f"the folder has no {_GRAPH_FILE_NAME}")
    elif not path.exists():
        raise _load_error(path, "the file does not exist")
    return path


def load_rdflib_graph(path: str | os.PathLike[str]) -> rdflib.Graph:
    """Parse a Turtle graph file (or a build folder's graph.ttl) with rdflib.

    :raises GraphLoadError: if the file does not exist or is not valid Turtle.
    """
    path = graph_file(path)
    graph = rdflib.Graph()
    try:
        graph.parse(path, format="turtle")
    except Exception as exc:  # rdflib's parsers raise many unrelated exception types
        raise _load_error(path, f"it is not valid Turtle: {_first_line(str(exc))}") from exc
    return graph


def _load_error(path: Path, reason: str) -> GraphLoadError:
    return GraphLoadError(
        f"Cannot read graph file {path}: {reason}. Pass a Turtle file written by `kg build`."
    )


def run_query(store: ox.Store, sparql: str) -> QueryResult:
    """Run a read-only SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE) on ``store``.

    Contract prefixes (:data:`PREFIXES`) are predeclared; a ``PREFIX`` in the query overrides
    the predeclared one of the same name. Triples in named graphs (TriG, N-Quads) are matched as
    if they were in the default graph.

    :raises QueryError: if the query does not parse (the message gives the line and column and
        what the parser expected, or names the undeclared prefix), is an update, or fails while
        running.

    >>> import pyoxigraph
    >>> store = pyoxigraph.Store()
    >>> run_query(store, "ASK { ?s kg:worksFor ?o }").boolean
    False
    >>> run_query(store, "SELECT ?s WHERE { ?s ?p ?o ")
    Traceback (most recent call last):
    ...
    kg.store.QueryError: The SPARQL query is not valid at line 1, column 28: expected one of ",", ".", ";", "{", "{|", "}", "~"; check the query syntax, e.g. missing prefixes or braces.
    """  # noqa: E501
    if _UPDATE_KEYWORD.match(sparql):
        raise QueryError(
            "The SPARQL query is an update, but only read-only queries can run here; "
            "use SELECT, ASK, CONSTRUCT or DESCRIBE."
        )
    try:
        answer = store.query(sparql, prefixes=dict(PREFIXES), use_default_graph_as_union=True)
        if isinstance(answer, ox.QuerySolutions):
            variables = tuple(variable.value for variable in answer.variables)
            rows = tuple(tuple(solution[name] for name in variables) for solution in answer)
            return QueryResult("select", variables=variables, rows=rows)
        if isinstance(answer, ox.QueryBoolean):
            return QueryResult("ask", boolean=bool(answer))
        triples = tuple(sorted(answer, key=_triple_key))
        return QueryResult("graph", triples=triples)
    except SyntaxError as exc:
        raise QueryError(_syntax_message(sparql, str(exc))) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(
            f"The SPARQL query failed while running: {_first_line(str(exc))}; "
            "simplify the query or check the functions and services it calls."
        ) from exc


def _triple_key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


def _syntax_message(sparql: str, parser_message: str) -> str:
    """Turn Oxigraph's parser message into one readable sentence with a fix."""
    flat = " ".join(parser_message.split())
    match = _POSITION.search(flat)
    where = f" at line {match[1]}, column {match[2]}" if match else ""
    expected_text = flat.split("expected ", 1)[1] if "expected " in flat else ""
    expected_text = expected_text.removeprefix("one of ")
    items = _split_expected(expected_text)

    if "Prefix not found" in items:
        prefix = _prefix_before(sparql, match) if match else None
        named = f"the undeclared prefix '{prefix}:'" if prefix is not None else "an undeclared prefix"
        known = ", ".join(f"{name}:" for name in PREFIXES)
        return (
            f"The SPARQL query uses {named}{where}; declare it with a PREFIX line "
            f"or use one of the predeclared prefixes {known}."
        )
    # Items with spaces are messages about the query rather than tokens the parser wanted.
    notes = [item for item in items if " " in item and not item.startswith(("[", '"'))]
    if notes:
        said = "; ".join(note[:1].lower() + note[1:] for note in notes)
        return f"The SPARQL query is not valid{where}: {said}; fix the query and retry."
    tokens = [item for item in items if not item.startswith("[")]
    if not sparql.strip():
        what = "the query is empty"
    elif tokens == ["CONSTRUCT"]:
        # Oxigraph names only the last query form it tried.
        what = "expected SELECT, ASK, CONSTRUCT or DESCRIBE"
    elif tokens:
        listed = ", ".join(tokens[:12]) + (", …" if len(tokens) > 12 else "")
        what = f"expected {listed}" if len(tokens) == 1 else f"expected one of {listed}"
    else:
        what = "unexpected text"
    return (
        f"The SPARQL query is not valid{where}: {what}; "
        "check the query syntax, e.g. missing prefixes or braces."
    )


def _split_expected(text: str) -> list[str]:
    """Split Oxigraph's 'expected one of' list at top-level commas (not inside quotes/brackets)."""
    items: list[str] = []
    current: list[str] = []
    depth = 0
    quote: str | None = None
    index = 0
    while index < len(text):
        char = text[index]
        if quote is not None:
            current.append(char)
            if char == "\\" and index + 1 < len(text):
                current.append(text[index + 1])
                index += 1
            elif char == quote:
                quote = None
        elif char in "\"'":
            quote = char
            current.append(char)
        elif char == "[":
            depth += 1
            current.append(char)
        elif char == "]":
            depth = max(depth - 1, 0)
            current.append(char)
        elif char == "," and depth == 0:
            items.append("".join(current).strip())
            current = []
        else:
            current.append(char)
        index += 1
    items.append("".join(current).strip())
    return [item for item in items if item]


def _prefix_before(sparql: str, match: re.Match[str]) -> str | None:
    """The prefix of the prefixed name that ends just before the reported error position."""
    lines = sparql.splitlines()
    line_number, column = int(match[1]), int(match[2])
    if not 1 <= line_number <= len(lines):
        return None
    before = lines[line_number - 1][: max(column - 1, 0)]
    tokens = before.split()
    if not tokens:
        return None
    token = tokens[-1].lstrip("({[,;/|^!")
    found = re.match(r"([A-Za-z][\w.-]*)?:", token)
    return (found[1] or "") if found else None


def format_result(result: QueryResult, fmt: str) -> str:
    """Render ``result`` as text in ``fmt``, one of :data:`FORMATS`; the text ends with a newline.

    SELECT results:

    * ``table``: aligned columns, a header of variable names and a rule line; IRIs shortened
      with the contract prefixes, literals as plain values, unbound cells empty, line breaks
      inside values shown as spaces.
    * ``csv`` / ``tsv``: a header of variable names, then one line per row with the same
      short values as the table (quoted by Python's :mod:`csv` rules where needed).
    * ``json``: the W3C SPARQL 1.1 Query Results JSON format with full IRIs.

    ASK results give ``true`` / ``false`` (``{"head": {}, "boolean": ...}`` in ``json``).
    CONSTRUCT / DESCRIBE results give Turtle with the contract prefixes for ``table``,
    JSON-LD for ``json`` and ``subject``/``predicate``/``object`` columns for ``csv``/``tsv``.

    :raises ValueError: if ``fmt`` is not one of :data:`FORMATS`.

    >>> print(format_result(QueryResult("ask", boolean=True), "json"), end="")
    {
      "head": {},
      "boolean": true
    }
    >>> format_result(QueryResult("ask", boolean=True), "xml")
    Traceback (most recent call last):
    ...
    ValueError: Unknown output format 'xml'; use one of: table, csv, tsv, json.
    """
    if fmt not in FORMATS:
        raise ValueError(f"Unknown output format {fmt!r}; use one of: {', '.join(FORMATS)}.")
    if result.kind == "ask":
        if fmt == "json":
            return _dump_json({"head": {}, "boolean": bool(result.boolean)})
        return "true\n" if result.boolean else "false\n"
    if result.kind == "graph":
        if fmt == "table":
            return _serialize_triples(result.triples, ox.RdfFormat.TURTLE) or "# no triples\n"
        if fmt == "json":
            return _dump_json(json.loads(_serialize_triples(result.triples, ox.RdfFormat.JSON_LD)))
        header = ("subject", "predicate", "object")
        rows = [[compact(t.subject), compact(t.predicate), compact(t.object)] for t in result.triples]
        return _delimited(header, rows, fmt)
    if fmt == "json":
        return _dump_json(_sparql_json(result))
    rows = [["" if value is None else value for value in row] for row in result.compact_rows()]
    if fmt == "table":
        return _table(result.variables, rows)
    return _delimited(result.variables, rows, fmt)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    if not header:
        return "(no variables)\n"
    cells = [list(header)] + [[re.sub(r"\s*[\r\n\t]+\s*", " ", cell) for cell in row] for row in rows]
    widths = [max(len(line[column]) for line in cells) for column in range(len(header))]
    rule = ["-" * width for width in widths]
    lines = [cells[0], rule, *cells[1:]]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=True)).rstrip() + "\n"
        for line in lines
    )


def _delimited(header: Sequence[str], rows: Iterable[Sequence[str]], fmt: str) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, dialect="excel-tab" if fmt == "tsv" else "excel", lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue()


def _serialize_triples(triples: Sequence[ox.Triple], fmt: ox.RdfFormat) -> str:
    used = {
        name: namespace
        for name, namespace in PREFIXES.items()
        if any(_mentions(triple, namespace) for triple in triples)
    }
    data = ox.serialize(triples, format=fmt, prefixes=used)
    text = data.decode("utf-8") if data else ""
    # Oxigraph writes the @prefix lines in its own order; list them in PREFIXES order instead.
    lines = text.splitlines(keepends=True)
    count = next((i for i, line in enumerate(lines) if not line.startswith("@prefix ")), len(lines))
    order = list(PREFIXES)
    header = sorted(lines[:count], key=lambda line: order.index(line.split()[1].rstrip(":")))
    return "".join(header + lines[count:])


def _mentions(term: Term, namespace: str) -> bool:
    if isinstance(term, ox.NamedNode):
        return term.value.startswith(namespace)
    if isinstance(term, ox.Literal):
        return term.datatype.value.startswith(namespace)
    if isinstance(term, ox.Triple):
        return any(_mentions(part, namespace) for part in (term.subject, term.predicate, term.object))
    return False


def _sparql_json(result: QueryResult) -> dict[str, object]:
    bindings = [
        {name: _json_term(term) for name, term in zip(result.variables, row, strict=True) if term is not None}
        for row in result.rows
    ]
    return {"head": {"vars": list(result.variables)}, "results": {"bindings": bindings}}


def _json_term(term: Term) -> dict[str, object]:
    """One RDF term in the SPARQL 1.1 Query Results JSON format (RDF-star triples included)."""
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    if isinstance(term, ox.Literal):
        encoded: dict[str, object] = {"type": "literal", "value": term.value}
        if term.language:
            encoded["xml:lang"] = term.language
        elif term.datatype.value not in (_XSD_STRING, _RDF_LANG_STRING):
            encoded["datatype"] = term.datatype.value
        return encoded
    return {
        "type": "triple",
        "value": {
            "subject": _json_term(term.subject),
            "predicate": _json_term(term.predicate),
            "object": _json_term(term.object),
        },
    }


def _dump_json(data: object) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"
