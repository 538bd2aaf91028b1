"""A read-only SPARQL 1.1 Protocol endpoint over a kg store or graph: ``kg serve``.

``GET /sparql?query=…`` and ``POST /sparql`` (form-encoded ``query=…``, or the query itself as
``application/sparql-query``) answer SELECT and ASK in SPARQL Results JSON, XML, CSV or TSV and
CONSTRUCT / DESCRIBE in Turtle, N-Triples, RDF/XML or JSON-LD, chosen by the ``Accept`` header or
a ``format`` parameter (json, xml, csv, tsv; turtle, nt, rdfxml, jsonld). ``default-graph-uri``
and ``named-graph-uri`` are honoured; without them the default graph is the union of all graphs,
as for ``kg query``. ``GET /sparql`` without a query returns a SPARQL service description.

Updates are refused (403 for ``update=`` or ``application/sparql-update``, 400 for an update sent
as a query). Each query runs in a worker process that is stopped when it passes the time limit
(503), and a result larger than the row limit is refused (400) rather than silently cut.

Library code: nothing here prints; :func:`make_server` raises :class:`ServeError` (or the
loading errors of :mod:`kg.store`) with a message fit to show as is.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import queue
import signal
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from multiprocessing.connection import Connection
from multiprocessing.context import SpawnProcess
from pathlib import Path
from typing import Literal as TypingLiteral
from urllib.parse import parse_qs, urlsplit

import pyoxigraph as ox

from kg import __version__
from kg.errors import KgError
from kg.store import (
    PREFIXES,
    QueryResult,
    graph_file,
    is_store,
    is_update,
    open_graph,
    results_json,
    serialize_triples,
    syntax_message,
)

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
ENDPOINT_PATH = "/sparql"

_RESULTS = ox.QueryResultsFormat
_RDF = ox.RdfFormat

#: Media types for SELECT / ASK answers, the first being the default.
RESULT_MEDIA_TYPES: Mapping[str, ox.QueryResultsFormat] = {
    "application/sparql-results+json": _RESULTS.JSON,
    "application/json": _RESULTS.JSON,
    "application/sparql-results+xml": _RESULTS.XML,
    "application/xml": _RESULTS.XML,
    "text/xml": _RESULTS.XML,
    "text/csv": _RESULTS.CSV,
    "text/tab-separated-values": _RESULTS.TSV,
}
#: Media types for CONSTRUCT / DESCRIBE answers, the first being the default.
GRAPH_MEDIA_TYPES: Mapping[str, ox.RdfFormat] = {
    "text/turtle": _RDF.TURTLE,
    "application/x-turtle": _RDF.TURTLE,
    "application/n-triples": _RDF.N_TRIPLES,
    "text/plain": _RDF.N_TRIPLES,
    "application/rdf+xml": _RDF.RDF_XML,
    "application/ld+json": _RDF.JSON_LD,
}
_RESULT_FORMAT_NAMES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
_GRAPH_FORMAT_NAMES = {
    "turtle": "text/turtle",
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "ntriples": "application/n-triples",
    "rdfxml": "application/rdf+xml",
    "xml": "application/rdf+xml",
    "jsonld": "application/ld+json",
    "json": "application/ld+json",
}


class ServeError(KgError):
    """The endpoint cannot start: the graph cannot be loaded or the address cannot be bound."""


@dataclass(frozen=True)
class ServeLimits:
    """What one request may cost: seconds of query time, rows (or triples) of result, request bytes."""

    timeout: float = 10.0
    max_rows: int = 10_000
    max_request_bytes: int = 1_000_000


@dataclass(frozen=True)
class Answer:
    """An HTTP response: status, media type and body."""

    status: int
    media_type: str
    body: bytes

    @classmethod
    def error(cls, status: int, message: str) -> Answer:
        return cls(status, "text/plain; charset=utf-8", (message + "\n").encode("utf-8"))


@dataclass(frozen=True)
class QueryRequest:
    """One query as the protocol delivered it."""

    query: str
    default_graphs: tuple[str, ...] = ()
    named_graphs: tuple[str, ...] = ()
    accept: str = ""
    format: str = ""
    max_rows: int = ServeLimits.max_rows


def negotiate(
    accept: str, format_name: str, kind: TypingLiteral["results", "graph"]
) -> tuple[str, ox.QueryResultsFormat | ox.RdfFormat] | None:
    """The media type and format to answer with, or None if the client accepts none kg can write.

    A ``format`` parameter wins over the ``Accept`` header; ``*/*`` or no header at all gives
    JSON for results and Turtle for graphs.

    >>> negotiate("text/csv;q=0.5, application/sparql-results+xml", "", "results")[0]
    'application/sparql-results+xml'
    >>> negotiate("", "jsonld", "graph")[0]
    'application/ld+json'
    >>> negotiate("image/png", "", "graph") is None
    True
    """
    table: Mapping[str, ox.QueryResultsFormat | ox.RdfFormat]
    table, names = (
        (RESULT_MEDIA_TYPES, _RESULT_FORMAT_NAMES)
        if kind == "results"
        else (GRAPH_MEDIA_TYPES, _GRAPH_FORMAT_NAMES)
    )
    if format_name:
        media_type = names.get(format_name.strip().lower())
        return (media_type, table[media_type]) if media_type else None
    default = next(iter(table))
    if not accept.strip():
        return default, table[default]
    for media_type in _accepted(accept):
        if media_type == "*/*":
            return default, table[default]
        if media_type.endswith("/*"):
            matching = [m for m in table if m.startswith(media_type[:-1])]
            if matching:
                return matching[0], table[matching[0]]
        elif media_type in table:
            return media_type, table[media_type]
    return None


def _accepted(accept: str) -> list[str]:
    """The media types of an Accept header, most wanted first (q=0 left out)."""
    ranked: list[tuple[float, int, str]] = []
    for position, item in enumerate(accept.split(",")):
        media_type, *parameters = (part.strip() for part in item.split(";"))
        quality = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media_type and quality > 0:
            ranked.append((-quality, position, media_type.lower()))
    return [media_type for _, _, media_type in sorted(ranked)]


def evaluate(store: ox.Store, request: QueryRequest) -> Answer:
    """Run one read-only query on ``store`` and render the answer as the client asked.

    >>> store = ox.Store()
    >>> answer = evaluate(store, QueryRequest("ASK { ?s ?p ?o }", accept="text/csv"))
    >>> answer.status, answer.media_type, answer.body
    (200, 'text/csv; charset=utf-8', b'false')
    """
    if is_update(request.query):
        return Answer.error(
            400,
            "The request is a SPARQL update, but this endpoint is read-only; send a SELECT, ASK, "
            "CONSTRUCT or DESCRIBE query.",
        )
    options: dict[str, object] = {"prefixes": dict(PREFIXES)}
    if request.default_graphs:
        options["default_graph"] = [ox.NamedNode(iri) for iri in request.default_graphs]
    else:
        options["use_default_graph_as_union"] = True
    if request.named_graphs:
        options["named_graphs"] = [ox.NamedNode(iri) for iri in request.named_graphs]
    try:
        answer = store.query(request.query, **options)  # type: ignore[arg-type]
        if isinstance(answer, ox.QueryBoolean):
            chosen = negotiate(request.accept, request.format, "results")
            if chosen is None:
                return _not_acceptable("results")
            assert isinstance(chosen[1], ox.QueryResultsFormat)
            return Answer(200, _with_charset(chosen[0]), answer.serialize(format=chosen[1]) or b"")
        if isinstance(answer, ox.QuerySolutions):
            return _select_answer(answer, request)
        return _graph_answer(answer, request)
    except SyntaxError as exc:
        return Answer.error(400, syntax_message(request.query, str(exc)))
    except (OSError, ValueError, RuntimeError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unknown error"
        return Answer.error(500, f"The query failed while running: {first}; simplify the query.")


def _select_answer(solutions: ox.QuerySolutions, request: QueryRequest) -> Answer:
    chosen = negotiate(request.accept, request.format, "results")
    if chosen is None:
        return _not_acceptable("results")
    variables = tuple(variable.value for variable in solutions.variables)
    rows = [
        tuple(solution[name] for name in variables) for solution in islice(solutions, request.max_rows + 1)
    ]
    if len(rows) > request.max_rows:
        return _too_many("rows", request.max_rows)
    data = json.dumps(results_json(QueryResult("select", variables, tuple(rows))), ensure_ascii=False)
    body = data.encode("utf-8")
    assert isinstance(chosen[1], ox.QueryResultsFormat)
    if chosen[1] != _RESULTS.JSON:
        body = ox.parse_query_results(body, format=_RESULTS.JSON).serialize(format=chosen[1]) or b""
    return Answer(200, _with_charset(chosen[0]), body)


def _graph_answer(triples: ox.QueryTriples, request: QueryRequest) -> Answer:
    chosen = negotiate(request.accept, request.format, "graph")
    if chosen is None:
        return _not_acceptable("graph")
    found = list(islice(triples, request.max_rows + 1))
    if len(found) > request.max_rows:
        return _too_many("triples", request.max_rows)
    found.sort(key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    assert isinstance(chosen[1], ox.RdfFormat)
    return Answer(200, _with_charset(chosen[0]), serialize_triples(found, chosen[1]).encode("utf-8"))


def _with_charset(media_type: str) -> str:
    return (
        media_type
        if media_type.endswith("+json") or media_type == "application/json"
        else (f"{media_type}; charset=utf-8")
    )


def _not_acceptable(kind: str) -> Answer:
    table = RESULT_MEDIA_TYPES if kind == "results" else GRAPH_MEDIA_TYPES
    names = _RESULT_FORMAT_NAMES if kind == "results" else _GRAPH_FORMAT_NAMES
    return Answer.error(
        406,
        f"None of the accepted media types can carry this answer; accept one of {', '.join(table)} "
        f"or pass format= one of {', '.join(names)}.",
    )


def _too_many(what: str, limit: int) -> Answer:
    return Answer.error(
        400,
        f"The answer has more than {limit:,} {what}, the limit of this endpoint; add a LIMIT (with "
        "OFFSET to page through it) or restart kg serve with a larger --max-rows.",
    )


# --- worker processes ----------------------------------------------------------------------------


def _worker_main(source: str, connection: Connection) -> None:
    """A worker: open the graph once, then answer requests until told to stop (None)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
    try:
        store = open_graph(source)
    except KgError as error:
        connection.send(("error", str(error)))
        return
    connection.send(("ready", ""))
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        connection.send(evaluate(store, request))


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, source: str) -> None:
        context = multiprocessing.get_context("spawn")
        self.connection, child = context.Pipe()
        self.process: SpawnProcess = context.Process(
            target=_worker_main, args=(source, child), daemon=True, name="kg-serve-worker"
        )
        self.process.start()
        child.close()
        self.ready = False

    def wait_ready(self, seconds: float) -> None:
        """Block until the worker has loaded the graph. Raises ServeError if it could not."""
        if self.ready:
            return
        if not self.connection.poll(seconds):
            self.kill()
            raise ServeError(f"Loading the graph took longer than {seconds:.0f} s; serve a store instead.")
        try:
            status, message = self.connection.recv()
        except EOFError:
            status, message = "error", "the worker process ended while loading the graph"
        if status != "ready":
            self.kill()
            raise ServeError(message)
        self.ready = True

    def ask(self, request: QueryRequest, seconds: float) -> Answer | None:
        """The worker's answer, or None if it took longer than ``seconds``."""
        self.connection.send(request)
        if not self.connection.poll(seconds):
            return None
        answer = self.connection.recv()
        assert isinstance(answer, Answer)
        return answer

    def stop(self) -> None:
        try:
            self.connection.send(None)
        except (OSError, ValueError):
            pass
        self.process.join(2)
        self.kill()

    def kill(self) -> None:
        if self.process.is_alive():
            self.process.kill()
        self.process.join(2)
        self.connection.close()


@dataclass
class QueryPool:
    """Worker processes that each hold the graph open read-only and run one query at a time.

    A query past the time limit is ended by killing its worker; a new one takes its place.
    """

    source: str
    workers: int
    limits: ServeLimits
    load_timeout: float = 300.0
    _idle: queue.Queue[_Worker] = field(default_factory=queue.Queue)
    _all: list[_Worker] = field(default_factory=list)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def start(self) -> None:
        """Start the workers and wait until each has loaded the graph. Raises ServeError."""
        started = [_Worker(self.source) for _ in range(self.workers)]
        self._all.extend(started)
        for worker in started:
            worker.wait_ready(self.load_timeout)
            self._idle.put(worker)

    def run(self, request: QueryRequest) -> Answer:
        """Answer ``request`` within the time limit (503 when the limit or the queue is exceeded)."""
        try:
            worker = self._idle.get(timeout=self.limits.timeout)
        except queue.Empty:
            return Answer.error(503, "All query workers are busy; retry in a moment.")
        try:
            worker.wait_ready(self.load_timeout)
            answer = worker.ask(request, self.limits.timeout)
            if answer is None:
                worker = self._replace(worker)
                return Answer.error(
                    503,
                    f"The query ran longer than {self.limits.timeout:g} s, the limit of this endpoint, "
                    "and was stopped; make it more selective or restart kg serve with a larger --timeout.",
                )
            return answer
        except ServeError as error:
            worker = self._replace(worker)
            return Answer.error(500, str(error))
        except (EOFError, OSError):
            worker = self._replace(worker)
            return Answer.error(500, "The query worker stopped unexpectedly; retry the query.")
        finally:
            self._idle.put(worker)

    def _replace(self, worker: _Worker) -> _Worker:
        """Kill ``worker`` and start another in its place (it loads the graph in the background)."""
        worker.kill()
        fresh = _Worker(self.source)
        with self._lock:
            self._all[self._all.index(worker)] = fresh
        return fresh

    def close(self) -> None:
        """Stop every worker."""
        for worker in self._all:
            worker.stop()


# --- HTTP ----------------------------------------------------------------------------------------


class SparqlServer(ThreadingHTTPServer):
    """The HTTP server: one thread per connection, queries handed to a :class:`QueryPool`."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], pool: QueryPool, quiet: bool) -> None:
        super().__init__(address, _Handler)
        self.pool = pool
        self.quiet = quiet

    @property
    def url(self) -> str:
        """The endpoint's URL, e.g. ``http://127.0.0.1:7878/sparql``."""
        host, port = self.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        shown = f"[{name}]" if ":" in name else name
        return f"http://{shown}:{port}{ENDPOINT_PATH}"

    def server_close(self) -> None:
        super().server_close()
        self.pool.close()


class _Handler(BaseHTTPRequestHandler):
    server: SparqlServer
    protocol_version = "HTTP/1.1"
    server_version = f"kg/{__version__}"

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if url.path != ENDPOINT_PATH:
            self._send(Answer.error(404, f"Not found; the SPARQL endpoint is at {ENDPOINT_PATH}."))
            return
        parameters = parse_qs(url.query, keep_blank_values=True)
        if "update" in parameters:
            self._send(_update_refused())
        elif "query" not in parameters:
            self._send(self._service_description())
        else:
            self._query(parameters)

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if url.path != ENDPOINT_PATH:
            self._send(Answer.error(404, f"Not found; the SPARQL endpoint is at {ENDPOINT_PATH}."))
            return
        length_header = self.headers.get("Content-Length")
        if length_header is None or not length_header.isdigit():
            self._send(Answer.error(411, "A POST needs a Content-Length header."), close=True)
            return
        length = int(length_header)
        limit = self.server.pool.limits.max_request_bytes
        if length > limit:
            self._send(
                Answer.error(413, f"The request is larger than {limit:,} bytes; send a shorter query."),
                close=True,
            )
            return
        body = self.rfile.read(length)
        parameters = parse_qs(url.query, keep_blank_values=True)
        media_type = (self.headers.get("Content-Type") or "").split(";")[0].strip().lower()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            self._send(Answer.error(400, "The request body is not UTF-8; send the query as UTF-8."))
            return
        if media_type == "application/sparql-update":
            self._send(_update_refused())
        elif media_type == "application/x-www-form-urlencoded":
            form = parse_qs(text, keep_blank_values=True)
            if "update" in form:
                self._send(_update_refused())
                return
            for name, values in form.items():
                parameters.setdefault(name, []).extend(values)
            self._query(parameters)
        elif media_type == "application/sparql-query":
            parameters["query"] = [text]
            self._query(parameters)
        else:
            self._send(
                Answer.error(
                    415,
                    "Send the query as application/x-www-form-urlencoded (query=…) or "
                    "application/sparql-query.",
                )
            )

    def do_OPTIONS(self) -> None:  # CORS preflight, for browser clients
        self.send_response(204)
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
        self.send_header("Access-Control-Allow-Headers", "Accept, Content-Type")
        self.send_header("Content-Length", "0")
        self.end_headers()

    def _query(self, parameters: dict[str, list[str]]) -> None:
        queries = parameters.get("query", [])
        if len(queries) != 1 or not queries[0].strip():
            self._send(Answer.error(400, "Pass exactly one non-empty query parameter."))
            return
        formats = parameters.get("format", [""])
        request = QueryRequest(
            query=queries[0],
            default_graphs=tuple(parameters.get("default-graph-uri", [])),
            named_graphs=tuple(parameters.get("named-graph-uri", [])),
            accept=self.headers.get("Accept", ""),
            format=formats[0],
            max_rows=self.server.pool.limits.max_rows,
        )
        self._send(self.server.pool.run(request))

    def _service_description(self) -> Answer:
        formats = "http://www.w3.org/ns/formats/"
        description = f"""@prefix sd: <http://www.w3.org/ns/sparql-service-description#> .

[] a sd:Service ;
    sd:endpoint <{self.server.url}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat <{formats}SPARQL_Results_JSON>, <{formats}SPARQL_Results_XML>,
        <{formats}SPARQL_Results_CSV>, <{formats}SPARQL_Results_TSV>,
        <{formats}Turtle>, <{formats}N-Triples>, <{formats}RDF_XML>, <{formats}JSON-LD> .
"""
        return Answer(200, "text/turtle; charset=utf-8", description.encode("utf-8"))

    def _send(self, answer: Answer, close: bool = False) -> None:
        self.send_response(answer.status)
        self.send_header("Content-Type", answer.media_type)
        self.send_header("Content-Length", str(len(answer.body)))
        self.send_header("Access-Control-Allow-Origin", "*")
        self.send_header("Vary", "Accept")
        if close:
            self.send_header("Connection", "close")
            self.close_connection = True
        self.end_headers()
        self.wfile.write(answer.body)

    def log_message(self, format: str, *args: object) -> None:
        if not self.server.quiet:
            super().log_message(format, *args)


def _update_refused() -> Answer:
    return Answer.error(403, "This endpoint is read-only: SPARQL updates are refused.")


def make_server(
    source: str | os.PathLike[str],
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    limits: ServeLimits = ServeLimits(),
    workers: int = 2,
    quiet: bool = False,
) -> SparqlServer:
    """A ready endpoint over ``source`` (a store folder, a graph file or a build folder).

    Call ``serve_forever()`` on it, and ``server_close()`` when done. Port 0 picks a free port.

    :raises kg.store.GraphLoadError: if ``source`` is neither a store nor a readable graph.
    :raises ServeError: if a worker cannot load the graph or the address cannot be bound.
    """
    if not is_store(source):
        graph_file(source)  # a missing graph fails here, before any worker starts
    pool = QueryPool(str(Path(source)), workers, limits)
    try:
        pool.start()
        return SparqlServer((host, port), pool, quiet)
    except OSError as error:
        pool.close()
        raise ServeError(
            f"Cannot listen on {host}:{port} ({error.strerror or error}); pass another --port or --host."
        ) from error
    except BaseException:
        pool.close()
        raise


__all__: Sequence[str] = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "ENDPOINT_PATH",
    "Answer",
    "QueryRequest",
    "ServeError",
    "ServeLimits",
    "SparqlServer",
    "evaluate",
    "make_server",
    "negotiate",
]
