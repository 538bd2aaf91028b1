"""Load and query timings of kg graphs in Virtuoso, pyoxigraph and rdflib.

Two graphs: the seeds' graph (`kg build seeds/`, or a graph.ttl you pass) and a synthetic graph of
at least 100,000 triples made of renamed copies of it (every person, organisation, place, article,
event and statement IRI gets a per-copy prefix), so it has the contract's exact shape: typed and
labelled entities, articles, direct triples and reified statements with provenance.

For each store it times loading the Turtle file, then each query in queries/ (first run, and the
median of three more unless the first took over 10 s). Virtuoso (Debian's virtuoso-opensource)
runs on 127.0.0.1 on free ports with a temporary database, loads with ld_dir + rdf_loader_run +
checkpoint through isql, and is queried over its SPARQL HTTP endpoint; it is shut down at the end.

    python bench/rdf_load_bench.py                      # builds the seeds' graph first
    python bench/rdf_load_bench.py --graph output/graph.ttl --min-triples 200000
"""

from __future__ import annotations

import argparse
import json
import math
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph

PROJECT_DIR = Path(__file__).resolve().parent.parent
QUERIES = sorted((PROJECT_DIR / "queries").glob("*.rq"))
ID_PREFIXES = ("person", "organization", "country", "place", "article", "event", "statement")
_PREFIXED_ID = re.compile(r"(?<![\w:/#])(" + "|".join(ID_PREFIXES) + r"):([\w-]+)")


def seeds_graph(work: Path) -> Path:
    """Build the seeds' graph into ``work`` with kg itself."""
    from kg.build import build

    build([PROJECT_DIR / "seeds"], work / "seeds")
    return work / "seeds" / "graph.ttl"


def synthetic_graph(seed: Path, min_triples: int, target: Path) -> int:
    """Copies of ``seed`` with renamed IRIs until there are ``min_triples``; the copies' count."""
    text = seed.read_text(encoding="utf-8")
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("@prefix"))
    body = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("@prefix"))
    size = len(Graph().parse(seed, format="turtle"))
    copies = math.ceil(min_triples / size)
    with target.open("w", encoding="utf-8") as out:
        out.write(header)
        for number in range(copies):
            out.write(_PREFIXED_ID.sub(lambda m, n=number: f"{m[1]}:c{n}-{m[2]}", body))
    return copies


def timed(action: Callable[[], object]) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return time.perf_counter() - started, result


def query_timings(run: Callable[[str], int]) -> dict[str, tuple[float, float, int]]:
    """Per query: first run, median of three more (seconds), and the number of rows.

    A query whose first run takes over 10 s is not repeated (its median is its first run).
    """
    timings = {}
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        first, rows = timed(lambda t=text: run(t))
        again = [timed(lambda t=text: run(t))[0] for _ in range(3)] if first < 10 else [first]
        timings[path.name] = (first, statistics.median(again), int(rows))  # type: ignore[call-overload]
    return timings


# --- the three stores ----------------------------------------------------------------------------


def bench_rdflib(path: Path) -> tuple[float, dict[str, tuple[float, float, int]]]:
    graph = Graph()
    load, _ = timed(lambda: graph.parse(path, format="turtle"))
    return load, query_timings(lambda q: len(list(graph.query(q))))


def bench_pyoxigraph(path: Path, on_disk: Path | None) -> tuple[float, dict[str, tuple[float, float, int]]]:
    """Load into a store in memory (load) or in a folder on disk (bulk_load), then query it."""
    store = ox.Store(str(on_disk)) if on_disk is not None else ox.Store()
    load = store.bulk_load if on_disk is not None else store.load
    seconds, _ = timed(lambda: load(path=path, format=ox.RdfFormat.TURTLE))
    return seconds, query_timings(lambda q: len(list(store.query(q))))  # type: ignore[arg-type]


class Virtuoso:
    """A throwaway Virtuoso server in ``root`` (see tests/test_virtuoso.py for the same setup)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.db, self.data = root / "db", root / "data"
        self.db.mkdir(parents=True)
        self.data.mkdir()
        self.sql_port, self.http_port = _free_port(), _free_port()
        ini = root / "virtuoso.ini"
        ini.write_text(
            f"""[Database]
DatabaseFile = {self.db}/kg.db
ErrorLogFile = {self.db}/kg.log
LockFile = {self.db}/kg.lck
TransactionFile = {self.db}/kg.trx
xa_persistent_file = {self.db}/kg.pxa
TempStorage = TempDatabase
[TempDatabase]
DatabaseFile = {self.db}/kg-temp.db
TransactionFile = {self.db}/kg-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{self.sql_port}
DisableUnixSocket = 1
DirsAllowed = ., {self.data}
NumberOfBuffers = 170000
MaxDirtyBuffers = 130000
CheckpointInterval = 0
[HTTPServer]
ServerPort = 127.0.0.1:{self.http_port}
ServerRoot = {self.db}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 300
""",
            encoding="utf-8",
        )
        self.process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(ini)],
            cwd=self.db,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 60
        while not self._ready():
            if self.process.poll() is not None or time.monotonic() > deadline:
                self.process.kill()
                self.process.wait()
                raise RuntimeError(f"Virtuoso did not start; see {self.db / 'kg.log'}")
            time.sleep(0.25)

    def sql(self, statements: str) -> str:
        completed = subprocess.run(
            ["isql-vt", f"127.0.0.1:{self.sql_port}", "dba", "dba", f"exec={statements}"],
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        return completed.stdout

    def load(self, path: Path, graph: str) -> float:
        shutil.copy(path, self.data / path.name)
        seconds, _ = timed(
            lambda: self.sql(
                f"ld_dir('{self.data}', '{path.name}', '{graph}'); DB.DBA.rdf_loader_run(); checkpoint;"
            )
        )
        errors = self.sql(f"SELECT 'KGERR', ll_error FROM DB.DBA.load_list WHERE ll_graph = '{graph}';")
        if any(line.startswith("KGERR") and not line.split()[1:] == ["NULL"] for line in errors.splitlines()):
            raise RuntimeError(f"Virtuoso could not load {path}: {errors}")
        return seconds

    def select(self, query: str, graph: str) -> int:
        parameters = urllib.parse.urlencode({"query": query, "default-graph-uri": graph})
        request = urllib.request.Request(
            f"http://127.0.0.1:{self.http_port}/sparql?{parameters}",
            headers={"Accept": "application/sparql-results+json"},
        )
        with urllib.request.urlopen(request, timeout=600) as response:
            return len(json.loads(response.read())["results"]["bindings"])

    def _ready(self) -> bool:
        try:
            self.select("ASK {}", "urn:kg:none")
        except (OSError, urllib.error.URLError):
            return False
        return True

    def stop(self) -> None:
        try:
            self.sql("shutdown;")
        except (subprocess.SubprocessError, OSError):
            pass
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# --- report --------------------------------------------------------------------------------------


def report(name: str, triples: int, rows: list[tuple[str, str, dict[str, tuple[float, float, int]]]]) -> None:
    print(f"\n{name}: {triples:,} triples")
    header = f"  {'store':<22} {'load':>14}"
    for path in QUERIES:
        header += f"  {path.stem + ' (first / median)':>32}"
    print(header)
    for store, load, timings in rows:
        line = f"  {store:<22} {load:>14}"
        for path in QUERIES:
            first, median, count = timings[path.name]
            line += f"  {f'{first * 1000:.1f} / {median * 1000:.1f} ms ({count} rows)':>32}"
        print(line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--graph", type=Path, help="the seeds' graph.ttl (default: build it now)")
    parser.add_argument("--min-triples", type=int, default=100_000, help="size of the synthetic graph")
    parser.add_argument("--no-virtuoso", action="store_true", help="skip Virtuoso")
    args = parser.parse_args()
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    use_virtuoso = not args.no_virtuoso and shutil.which("virtuoso-t") and shutil.which("isql-vt")
    if not args.no_virtuoso and not use_virtuoso:
        print("Virtuoso is not installed (apt-get install virtuoso-opensource); timing the others.")
    with tempfile.TemporaryDirectory(prefix="kg-rdf-bench-") as temporary:
        work = Path(temporary)
        seed = args.graph or seeds_graph(work)
        synthetic = work / "synthetic.ttl"
        copies = synthetic_graph(seed, args.min_triples, synthetic)
        virtuoso = Virtuoso(work / "virtuoso") if use_virtuoso else None
        try:
            for name, path in (
                (f"seeds' graph ({seed})", seed),
                (f"synthetic graph ({copies} copies)", synthetic),
            ):
                size = len(list(ox.parse(path=path, format=ox.RdfFormat.TURTLE)))
                rows = []
                if virtuoso is not None:
                    graph_name = f"urn:kg:{path.stem}"
                    load = virtuoso.load(path, graph_name)
                    rows.append(
                        (
                            "Virtuoso 7 (HTTP)",
                            f"{load:.2f} s",
                            query_timings(lambda q, g=graph_name: virtuoso.select(q, g)),
                        )
                    )
                load, timings = bench_pyoxigraph(path, None)
                rows.append(("pyoxigraph (memory)", f"{load:.2f} s", timings))
                load, timings = bench_pyoxigraph(path, work / f"oxigraph-{path.stem}")
                rows.append(("pyoxigraph (on disk)", f"{load:.2f} s", timings))
                load, timings = bench_rdflib(path)
                rows.append(("rdflib", f"{load:.2f} s", timings))
                report(name, size, rows)
        finally:
            if virtuoso is not None:
                virtuoso.stop()
    print(
        "\nload: parse and index the Turtle file (Virtuoso: ld_dir + rdf_loader_run + checkpoint via isql;"
        "\npyoxigraph on disk: bulk_load into a RocksDB store, as `kg build --store` keeps one)."
        "\nQueries return all rows; Virtuoso's times include HTTP and JSON parsing."
    )


if __name__ == "__main__":
    main()
