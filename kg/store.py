"""Load a kg graph into an embedded Oxigraph store, run SPARQL on it and format the answers.

Library code for ``kg query``: nothing here prints or exits; problems are raised as
:class:`GraphLoadError` (the graph file), :class:`StoreError` (a persistent store folder) or
:class:`QueryError` (the query), each with a message fit to show to a user as is.

A persistent store (``kg build --store DIR``) is an on-disk Oxigraph store laid out like
graph.trig: one named graph per article, entity descriptions in the default graph; queries see the
union of all graphs. ``kg build`` keeps a cache of the store's articles beside the data (see
:mod:`kg.cache` and :mod:`kg.incremental`) and rewrites only the graphs that change
(:func:`replace_in_store`); :func:`add_to_store` adds a graph built elsewhere.

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
from dataclasses import dataclass, field
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
    "StoreChanges",
    "StoreError",
    "StoreUpdate",
    "Term",
    "add_to_store",
    "compact",
    "compact_iri",
    "format_result",
    "is_store",
    "open_graph",
    "open_store",
    "replace_in_store",
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

#: rdflib's parser name for each format of :data:`_RDF_FORMATS`.
_RDFLIB_FORMATS: Mapping[ox.RdfFormat, str] = {
    ox.RdfFormat.TURTLE: "turtle",
    ox.RdfFormat.N_TRIPLES: "nt",
    ox.RdfFormat.N_QUADS: "nquads",
    ox.RdfFormat.TRIG: "trig",
    ox.RdfFormat.JSON_LD: "json-ld",
    ox.RdfFormat.RDF_XML: "xml",
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


class StoreError(KgError):
    """A persistent store folder cannot be opened, created or written."""


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
        return compact_iri(term.value)
    if isinstance(term, ox.Literal):
        return term.value
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return f"<< {compact(term.subject)} {compact(term.predicate)} {compact(term.object)} >>"


def compact_iri(iri: str) -> str:
    """``prefix:local`` for an IRI under a contract prefix, else ``<iri>``.

    >>> compact_iri("https://w3id.org/kg-news/ontology#worksFor")
    'kg:worksFor'
    """
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
    """Load a graph file into a new in-memory Oxigraph store, or open a persistent store.

    The format comes from the extension: ``.ttl``, ``.nt``, ``.nq``, ``.trig``, ``.jsonld``
    (also ``.turtle``, and ``.rdf`` / ``.owl`` for RDF/XML). A directory stands for the
    ``graph.ttl`` inside it, so the output folder of ``kg build`` can be passed directly, unless
    it is a persistent store (``kg build --store``), which is opened read-only.

    :raises GraphLoadError: if the file (or the directory's ``graph.ttl``) does not exist, its
        extension is not a known RDF format, or its content does not parse.
    :raises StoreError: if a store folder cannot be opened.

    >>> open_graph("no/such/graph.ttl")
    Traceback (most recent call last):
    ...
    kg.store.GraphLoadError: Cannot read graph file no/such/graph.ttl: the file does not exist. Pass a Turtle file written by `kg build`.
    """  # noqa: E501
    if is_store(path):
        return open_store(path)
    path = graph_file(path)
    fmt = _graph_format(path)
    store = ox.Store()
    try:
        store.load(path=path, format=fmt)
    except (SyntaxError, ValueError) as exc:
        raise _load_error(path, f"it is not valid {fmt.name}: {_first_line(str(exc))}") from exc
    except OSError as exc:
        raise _load_error(path, exc.strerror or str(exc)) from exc
    return store


def _graph_format(path: Path) -> ox.RdfFormat:
    """The RDF format a graph file's extension names; GraphLoadError for an unknown one."""
    fmt = _RDF_FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_RDF_FORMATS))
        shown = f"'{path.suffix}'" if path.suffix else "no extension"
        raise _load_error(path, f"{shown} is not a known RDF format (use one of {known})")
    return fmt


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
    """Parse a graph file (or a build folder's graph.ttl) with rdflib, named graphs merged.

    The format comes from the extension as for :func:`open_graph`.

    :raises GraphLoadError: if the file does not exist, its extension is not a known RDF format,
        or it does not parse.
    """
    path = graph_file(path)
    fmt = _graph_format(path)
    graph = rdflib.Graph()
    try:
        if fmt.supports_datasets:
            dataset = rdflib.Dataset()
            dataset.parse(path, format=_RDFLIB_FORMATS[fmt])
            for subject, predicate, obj, _ in dataset.quads():
                graph.add((subject, predicate, obj))
        else:
            graph.parse(path, format=_RDFLIB_FORMATS[fmt])
    except Exception as exc:  # rdflib's parsers raise many unrelated exception types
        raise _load_error(path, f"it is not valid {fmt.name}: {_first_line(str(exc))}") from exc
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


def _load_error(path: Path, reason: str) -> GraphLoadError:
    return GraphLoadError(
        f"Cannot read graph file {path}: {reason}. Pass a Turtle file written by `kg build`."
    )


@dataclass(frozen=True)
class StoreUpdate:
    """What :func:`add_to_store` did: articles new to the store, articles replaced, quads now held."""

    added: int
    replaced: int
    quads: int


def is_store(path: str | os.PathLike[str]) -> bool:
    """Whether ``path`` is a folder holding an on-disk Oxigraph store."""
    path = Path(path)
    return path.is_dir() and (path / "CURRENT").is_file() and any(path.glob("MANIFEST-*"))


def open_store(path: str | os.PathLike[str], *, read_only: bool = True) -> ox.Store:
    """Open the persistent store in folder ``path``; with ``read_only=False`` create it if needed.

    A read-only store sees the data as it was when opened; do not add to a store (``kg build
    --store``) while it is being queried or served.

    :raises StoreError: if ``path`` is not a store (read-only), is a file or a folder holding
        something else (read-write), or another process has it open for writing.

    >>> open_store("no/such/store")
    Traceback (most recent call last):
    ...
    kg.store.StoreError: 'no/such/store' is not a kg store; pass a folder written by `kg build --store`.
    """
    path = Path(path)
    if read_only:
        if not is_store(path):
            raise StoreError(f"'{path}' is not a kg store; pass a folder written by `kg build --store`.")
        try:
            return ox.Store.read_only(str(path))
        except OSError as exc:
            raise StoreError(
                f"Cannot open the store '{path}': {_first_line(str(exc))}; check the folder's permissions."
            ) from exc
    check_store_folder(path)
    try:
        path.mkdir(parents=True, exist_ok=True)
        return ox.Store(str(path))
    except OSError as exc:
        reason = _first_line(str(exc))
        if "lock" in reason.lower():
            raise StoreError(
                f"The store '{path}' is open for writing in another process; wait for that build to end."
            ) from exc
        raise StoreError(f"Cannot open the store '{path}' for writing: {reason}; check the folder.") from exc


def check_store_folder(path: Path) -> None:
    """Raise StoreError unless ``path`` is a store, an empty folder or nothing yet."""
    if path.exists() and not path.is_dir():
        raise StoreError(f"'{path}' is a file, not a store folder; pass a folder with --store.")
    if path.is_dir() and any(path.iterdir()) and not is_store(path):
        raise StoreError(
            f"'{path}' holds other files and is not a kg store; pass a new or empty folder with --store."
        )


def add_to_store(path: str | os.PathLike[str], trig: bytes) -> StoreUpdate:
    """Add a build, given as the TriG kg writes (graph.trig), to the persistent store at ``path``.

    This merges graphs built apart; ``kg build --store`` does not use it, and a store it keeps
    should change only through it (what is added here is not in its cache, and stays as it is).

    Each article's named graph replaces the graph of the same article already in the store, so
    building an article again updates it instead of doubling it; entity and event descriptions
    go to the default graph. An entity already in the store keeps its name and class: a different
    name from this build becomes a ``skos:altLabel``, and a class replaces the stored one only when
    it is more specific (a kg:GovernmentBody over a kg:Organization). After a replacement,
    descriptions of entities no article mentions any more are removed. The whole change is one
    transaction: an interrupted build leaves the store as it was.

    :raises StoreError: if the store cannot be opened or written.
    """
    by_graph: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(trig, format=ox.RdfFormat.TRIG):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else ""
        by_graph.setdefault(name, []).append(quad.triple)
    articles = sorted(name for name in by_graph if name)
    store = open_store(path, read_only=False)
    try:
        replaced = [iri for iri in articles if store.contains_named_graph(ox.NamedNode(iri))]
        descriptions, superseded = _merge_descriptions(store, by_graph.get("", []))
        operations = [f"DROP SILENT GRAPH <{iri}>" for iri in replaced]
        if superseded:
            operations.append(f"DELETE DATA {{\n{_ntriples(superseded)}}}")
        named = "".join(f"GRAPH <{iri}> {{\n{_ntriples(by_graph[iri])}}}\n" for iri in articles)
        operations.append(f"INSERT DATA {{\n{_ntriples(descriptions)}{named}}}")
        if replaced:
            operations.append(_PRUNE_ORPHANS)
        store.update(" ;\n".join(operations))
        store.flush()
        return StoreUpdate(added=len(articles) - len(replaced), replaced=len(replaced), quads=len(store))
    except OSError as exc:
        raise StoreError(
            f"Cannot write to the store '{path}': {_first_line(str(exc))}; free some space and build again."
        ) from exc
    finally:
        del store


@dataclass(frozen=True)
class StoreChanges:
    """Named graphs and default-graph descriptions to replace in a store, in one transaction.

    Each graph of ``graphs`` (by IRI) is emptied and then holds exactly the given triples; each of
    ``dropped_graphs`` is emptied. Every default-graph triple whose subject is in
    ``dropped_descriptions`` is removed, then ``descriptions`` are added to the default graph.
    """

    graphs: Mapping[str, Sequence[ox.Triple]] = field(default_factory=dict)
    dropped_graphs: frozenset[str] = frozenset()
    descriptions: Sequence[ox.Triple] = ()
    dropped_descriptions: frozenset[str] = frozenset()


def replace_in_store(store: ox.Store, changes: StoreChanges, path: str | os.PathLike[str]) -> None:
    """Apply ``changes`` to ``store`` (opened for writing from folder ``path``) in one transaction:
    a build stopped meanwhile leaves the store as it was.

    :raises StoreError: if the store cannot be written.
    """
    operations = [f"DROP SILENT GRAPH {ox.NamedNode(iri)}" for iri in sorted(changes.dropped_graphs)]
    operations += [f"DROP SILENT GRAPH {ox.NamedNode(iri)}" for iri in sorted(changes.graphs)]
    if changes.dropped_descriptions:
        subjects = " ".join(str(ox.NamedNode(iri)) for iri in sorted(changes.dropped_descriptions))
        operations.append(f"DELETE {{ ?s ?p ?o }} WHERE {{ VALUES ?s {{ {subjects} }} ?s ?p ?o }}")
    named = "".join(
        f"GRAPH {ox.NamedNode(iri)} {{\n{_ntriples(triples)}}}\n"
        for iri, triples in sorted(changes.graphs.items())
        if triples
    )
    if changes.descriptions or named:
        operations.append(f"INSERT DATA {{\n{_ntriples(changes.descriptions)}{named}}}")
    if not operations:
        return
    try:
        store.update(" ;\n".join(operations))
        store.flush()
    except OSError as exc:
        raise StoreError(
            f"Cannot write to the store '{path}': {_first_line(str(exc))}; free some space and build again."
        ) from exc


# Entity and event descriptions (default graph) that no article graph mentions any more.
_PRUNE_ORPHANS = """DELETE { ?node ?property ?value } WHERE {
  ?node ?property ?value .
  FILTER NOT EXISTS { GRAPH ?article { ?any ?link ?node } }
  FILTER NOT EXISTS { GRAPH ?article { ?node ?link ?other } }
}"""

_RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")
_RDFS_LABEL = ox.NamedNode(PREFIXES["rdfs"] + "label")
_SKOS_ALT_LABEL = ox.NamedNode(PREFIXES["skos"] + "altLabel")


def _merge_descriptions(store: ox.Store, triples: list[ox.Triple]) -> tuple[list[ox.Triple], list[ox.Triple]]:
    """The description triples to insert, and the stored class triples they supersede."""
    from kg.ontology import class_ancestors

    ancestors = {str(cls): {str(parent) for parent in parents} for cls, parents in class_ancestors().items()}
    default = ox.DefaultGraph()

    def stored(subject: ox.NamedNode | ox.BlankNode | ox.Triple, predicate: ox.NamedNode) -> list[Term]:
        return [q.object for q in store.quads_for_pattern(subject, predicate, None, default)]

    labels: dict[Term, Term] = {}
    kept: list[ox.Triple] = []
    superseded: list[ox.Triple] = []
    for triple in triples:
        subject, predicate, obj = triple.subject, triple.predicate, triple.object
        if predicate == _RDFS_LABEL:
            existing = stored(subject, _RDFS_LABEL)
            if existing and obj not in existing:
                labels[subject] = existing[0]
                triple = ox.Triple(subject, _SKOS_ALT_LABEL, obj)
        elif predicate == _RDF_TYPE and isinstance(obj, ox.NamedNode) and obj.value in ancestors:
            existing_classes = [
                c for c in stored(subject, _RDF_TYPE) if isinstance(c, ox.NamedNode) and c.value in ancestors
            ]
            if existing_classes and obj not in existing_classes:
                old = existing_classes[0]
                if old.value not in ancestors[obj.value]:
                    continue  # the stored class is as specific or unrelated: keep it
                superseded.append(ox.Triple(subject, _RDF_TYPE, old))
        kept.append(triple)
    # A name that is now the other names' label needs no altLabel of its own.
    kept = [t for t in kept if not (t.predicate == _SKOS_ALT_LABEL and labels.get(t.subject) == t.object)]
    return kept, superseded


def _ntriples(triples: Sequence[ox.Triple]) -> str:
    return (ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b"").decode("utf-8")


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
    if is_update(sparql):
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
        raise QueryError(syntax_message(sparql, str(exc))) from exc
    except (OSError, ValueError, RuntimeError) as exc:
        raise QueryError(
            f"The SPARQL query failed while running: {_first_line(str(exc))}; "
            "simplify the query or check the functions and services it calls."
        ) from exc


def is_update(sparql: str) -> bool:
    """Whether ``sparql`` is a SPARQL Update (INSERT, DELETE, LOAD, CLEAR, DROP …), not a query.

    >>> is_update("PREFIX kg: <https://w3id.org/kg-news/ontology#> DELETE WHERE { ?s ?p ?o }")
    True
    >>> is_update("SELECT * WHERE { ?s ?p ?o }")
    False
    """
    return _UPDATE_KEYWORD.match(sparql) is not None


def _triple_key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "unknown error"


def syntax_message(sparql: str, parser_message: str) -> str:
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
            return serialize_triples(result.triples, ox.RdfFormat.TURTLE) or "# no triples\n"
        if fmt == "json":
            return _dump_json(json.loads(serialize_triples(result.triples, ox.RdfFormat.JSON_LD)))
        header = ("subject", "predicate", "object")
        rows = [[compact(t.subject), compact(t.predicate), compact(t.object)] for t in result.triples]
        return _delimited(header, rows, fmt)
    if fmt == "json":
        return _dump_json(results_json(result))
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


def serialize_triples(triples: Sequence[ox.Triple], fmt: ox.RdfFormat) -> str:
    """``triples`` in ``fmt`` with the contract prefixes they use, listed in a stable order."""
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


def results_json(result: QueryResult) -> dict[str, object]:
    """A SELECT result in the W3C SPARQL 1.1 Query Results JSON format, as a dict."""
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
