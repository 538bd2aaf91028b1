"""A real triple store: Debian's Virtuoso bulk-loads the seeds' graph.ttl and answers every query
in queries/ over its SPARQL HTTP endpoint with the same rows as `kg query`.

The server runs on 127.0.0.1 on free ports with a database in a temporary folder, and is shut down
(and its folder removed) whatever happens. CI installs virtuoso-opensource in .ci/run.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from pathlib import Path

import pytest

from kg.export.turtle import quote_string
from kg.store import open_graph, run_query

pytestmark = pytest.mark.slow

QUERIES = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))
GRAPH = "urn:kg:seeds"
STRINGS_GRAPH = "urn:kg:strings"
# Text that must survive the trip through Virtuoso's loader exactly.
STRINGS = [
    "She said \"no\" and 'yes' \\ back\\slash",
    "line one\nline two\ttab",
    "Zürich, Kraków, שלום, مرحبا, 中国, emoji 😀",
    "right-to-left \u202eoverride\u202c and controls \x01\x1f",
]

INI = """\
[Database]
DatabaseFile = {db}/kg.db
ErrorLogFile = {db}/kg.log
LockFile = {db}/kg.lck
TransactionFile = {db}/kg.trx
xa_persistent_file = {db}/kg.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/kg-temp.db
TransactionFile = {db}/kg-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {data}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
CheckpointInterval = 0
ThreadsPerQuery = 2

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
ServerThreads = 4
MaxClientConnections = 4

[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def require(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        if os.environ.get("CI"):
            pytest.fail(f"{name} is not installed; .ci/run installs virtuoso-opensource")
        pytest.skip(f"{name} (Debian virtuoso-opensource) is not installed")
    return found


class Virtuoso:
    """A running Virtuoso: SQL through isql, SPARQL over HTTP."""

    def __init__(self, isql: str, sql_port: int, http_port: int) -> None:
        self.isql = isql
        self.sql_port = sql_port
        self.endpoint = f"http://127.0.0.1:{http_port}/sparql"

    def sql(self, statements: str, timeout: float = 60) -> str:
        completed = subprocess.run(
            [self.isql, f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return completed.stdout

    def select(self, query: str, graph: str = GRAPH) -> tuple[list[str], list[dict[str, dict[str, str]]]]:
        parameters = urllib.parse.urlencode({"query": query, "default-graph-uri": graph})
        request = urllib.request.Request(
            f"{self.endpoint}?{parameters}", headers={"Accept": "application/sparql-results+json"}
        )
        with urllib.request.urlopen(request, timeout=60) as response:
            answer = json.loads(response.read())
        return answer["head"]["vars"], answer["results"]["bindings"]

    def ready(self) -> bool:
        try:
            self.select("ASK {}")
        except (OSError, urllib.error.URLError):
            return False
        return True


def strings_turtle() -> str:
    lines = [f"<urn:kg:s> <urn:kg:p{number}> {quote_string(text)} ." for number, text in enumerate(STRINGS)]
    return "\n".join(lines) + "\n"


@pytest.fixture(scope="module")
def virtuoso(tmp_path_factory: pytest.TempPathFactory, seed_output: Path) -> Iterator[Virtuoso]:
    server_binary, isql = require("virtuoso-t"), require("isql-vt")
    root = tmp_path_factory.mktemp("virtuoso")
    db, data = root / "db", root / "data"
    db.mkdir()
    data.mkdir()
    shutil.copy(seed_output / "graph.ttl", data / "graph.ttl")
    (data / "strings.ttl").write_text(strings_turtle(), encoding="utf-8")
    sql_port, http_port = free_port(), free_port()
    ini = root / "virtuoso.ini"
    ini.write_text(INI.format(db=db, data=data, sql_port=sql_port, http_port=http_port), encoding="utf-8")
    log = (root / "stdout.log").open("wb")
    process = subprocess.Popen(
        [server_binary, "+foreground", "+configfile", str(ini)],
        cwd=db,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    server = Virtuoso(isql, sql_port, http_port)
    try:
        deadline = time.monotonic() + 60
        while not server.ready():
            assert process.poll() is None, (db / "kg.log").read_text(errors="replace")[-2000:]
            assert time.monotonic() < deadline, "Virtuoso did not start within 60 s"
            time.sleep(0.25)
        server.sql(
            f"ld_dir('{data}', 'graph.ttl', '{GRAPH}'); ld_dir('{data}', 'strings.ttl', '{STRINGS_GRAPH}'); "
            "DB.DBA.rdf_loader_run(); checkpoint;"
        )
        yield server
    finally:
        try:
            if process.poll() is None:
                server.sql("shutdown;", timeout=30)
        except (AssertionError, subprocess.TimeoutExpired):
            pass
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()
        shutil.rmtree(root, ignore_errors=True)


def test_bulk_load_reports_no_errors(virtuoso: Virtuoso, seed_output: Path) -> None:
    # The loader does not fail loudly: a file it could not parse only has ll_error set.
    output = virtuoso.sql("SELECT 'KGLOAD', ll_file, ll_state, ll_error FROM DB.DBA.load_list;")
    rows = [line.split() for line in output.splitlines() if line.startswith("KGLOAD")]
    assert len(rows) == 2, output
    for row in rows:
        assert row[2:] == ["2", "NULL"], output  # state 2: done; no error
    _, bindings = virtuoso.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    graph = open_graph(seed_output / "graph.ttl")
    assert int(bindings[0]["n"]["value"]) == len(graph)


def normalise(value: str | None) -> str | None:
    """A cell as both stores agree on it: numbers by value ("10" and "10.0" are one decimal)."""
    if value is None:
        return None
    try:
        return str(Decimal(value).normalize()) if any(c.isdigit() for c in value) else value
    except InvalidOperation:
        return value


@pytest.mark.parametrize("query", QUERIES, ids=lambda path: path.name)
def test_every_query_gives_the_rows_of_kg_query(virtuoso: Virtuoso, seed_output: Path, query: Path) -> None:
    text = query.read_text(encoding="utf-8")
    expected = run_query(open_graph(seed_output / "graph.ttl"), text)
    variables, bindings = virtuoso.select(text)
    assert variables == list(expected.variables)
    got = [[normalise(b[v]["value"]) if v in b else None for v in variables] for b in bindings]
    want = [[normalise(None if t is None else t.value) for t in row] for row in expected.rows]
    assert got, "the query found nothing in Virtuoso"
    # Both sort by the query's ORDER BY, but the stores may order ties and strings differently.
    assert sorted(got, key=repr) == sorted(want, key=repr)


def test_literals_survive_the_loader_exactly(virtuoso: Virtuoso) -> None:
    _, bindings = virtuoso.select("SELECT ?p ?o WHERE { ?s ?p ?o }", graph=STRINGS_GRAPH)
    values = {b["p"]["value"]: b["o"]["value"] for b in bindings}
    assert values == {f"urn:kg:p{number}": text for number, text in enumerate(STRINGS)}
