"""The ``kg`` command: build a graph from articles, query it with SPARQL, draw it as a page.

Library code raises :class:`kg.errors.KgError` with a message that says how to fix the problem;
this module alone turns those into ``Error: …`` lines and a non-zero exit code.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click
from click.core import ParameterSource

from kg import __version__
from kg.errors import KgError


class _KgGroup(click.Group):
    """Every KgError becomes one clear line and exit code 1; Ctrl-C exits quietly with 130."""

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except KgError as error:
            raise click.ClickException(str(error)) from None
        except KeyboardInterrupt:
            click.echo("Interrupted; the previous output is unchanged.", err=True)
            sys.exit(130)


@click.group(cls=_KgGroup)
@click.version_option(__version__, prog_name="kg")
def cli() -> None:
    """Build an RDF knowledge graph of people, organisations, countries and places from news."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output_dir",
    default=None,
    type=click.Path(path_type=Path),
    help="Folder to write graph.ttl, graph.html and report.json to.  [default: output, or none with --store]",
)
@click.option("--model", default=None, help="Installed spaCy pipeline to use, e.g. en_core_web_trf.")
@click.option(
    "--min-confidence",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Leave out relations whose confidence is below this.",
)
@click.option(
    "-q", "--quiet", is_flag=True, help="Print nothing but errors (and no progress bar on a terminal)."
)
@click.option(
    "-j",
    "--jobs",
    default=1,
    show_default=True,
    type=click.IntRange(1, 256),
    help="Parse the articles in this many processes (e.g. the number of cores); same output.",
)
@click.option(
    "--strict",
    is_flag=True,
    help="Stop with an error at the first input that would be skipped, and write nothing.",
)
@click.option(
    "--format",
    "formats",
    default="ttl",
    show_default=True,
    help="Graph formats to write, comma-separated: ttl, trig (a named graph per article), nt, jsonld. "
    "graph.ttl is always written.",
)
@click.option(
    "--store",
    "store_dir",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    help="Build into the persistent Oxigraph store in this folder (created if needed): parse only "
    "articles it does not hold yet; it then holds the graph of all its articles (so do the -o files).",
)
@click.option(
    "--dask",
    "dask_address",
    metavar="ADDRESS",
    default=None,
    help="Parse on the Dask cluster whose scheduler is at ADDRESS (e.g. tcp://host:8786; needs "
    "kg's dask extra); 'local' starts a cluster on this machine with --jobs worker processes "
    "(default: one per core). Same output.",
)
def build(
    inputs: tuple[Path, ...],
    output_dir: Path | None,
    model: str | None,
    min_confidence: float,
    quiet: bool,
    strict: bool,
    formats: str,
    store_dir: Path | None,
    jobs: int,
    dask_address: str | None,
) -> None:
    """Build the graph of the articles in INPUTS: .txt, .md, .html and .jsonl files, folders
    of them, or - for standard input.

    Example:

        kg build seeds/ -o output

        kg build articles/ --jobs 2

        kg build today/ --store store/

        kg build articles/ --dask tcp://scheduler:8786 --format nt
    """
    from kg.build import build as run_build
    from kg.export.formats import parse_formats

    if store_dir is not None and output_dir is None and formats != "ttl":
        raise click.UsageError("--format names files to write; with --store, give -o DIR too.")
    jobs_given = click.get_current_context().get_parameter_source("jobs") is not ParameterSource.DEFAULT
    if dask_address == "local" and not jobs_given:
        jobs = os.cpu_count() or 1
    elif dask_address not in (None, "local") and jobs > 1:
        raise click.UsageError(
            "--jobs sets the processes on this machine; with --dask ADDRESS the cluster's workers parse "
            "the articles, so leave --jobs out (or use --dask local --jobs N)."
        )

    summary = run_build(
        inputs,
        Path("output") if output_dir is None and store_dir is None else output_dir,
        model=model,
        min_confidence=min_confidence,
        strict=strict,
        formats=parse_formats(formats),
        store=store_dir,
        jobs=jobs,
        progress=not quiet,
        dask=dask_address,
    )
    for reason in summary.skipped:
        click.echo(f"Skipped: {reason}", err=True)
    if quiet:
        return
    articles = f"{summary.documents} article{'s' if summary.documents != 1 else ''} ({summary.words:,} words)"
    if store_dir is None:
        click.echo(f"Built a graph of {articles} in {summary.seconds:.1f} s with {summary.model}.")
    elif summary.store_unchanged:
        click.echo(f"Nothing new: {articles} already in the store, which is unchanged.")
    else:
        replaced = f", {summary.replaced:,} replaced" if summary.replaced else ""
        click.echo(
            f"Added {summary.added:,} article{'s' if summary.added != 1 else ''} to the store "
            f"({summary.parsed:,} parsed{replaced}) in {summary.seconds:.1f} s with {summary.model}; "
            f"it holds {articles}."
        )
    click.echo(f"Entities ({sum(summary.entities.values())}): " + _counts(summary.entities))
    click.echo(f"Relations ({sum(summary.relations.values())}): " + _counts(summary.relations))
    if summary.dropped:
        where = "see report.json" if output_dir is not None or store_dir is None else _counts(summary.dropped)
        click.echo(f"Dropped ({sum(summary.dropped.values())}): {where}")
    click.echo("Wrote " + ", ".join(str(p) for p in summary.outputs))
    for note in summary.page_notes:
        click.echo(f"graph.html: {note}")


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.argument("sparql", required=False)
@click.option(
    "-f",
    "--file",
    "query_file",
    type=click.File("r", encoding="utf-8"),
    help="Read the query from a .rq file.",
)
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "tsv", "json"]),
    help="How to print the results.",
)
def query(graph: Path, sparql: str | None, query_file: click.utils.LazyFile | None, fmt: str) -> None:
    """Run a SPARQL query over GRAPH (a graph file, the folder kg build wrote, or a store folder).

    The prefixes kg:, person:, organization:, country:, place:, article:, event:, statement:,
    schema:, prov:, dcterms:, skos:, rdf:, rdfs:, xsd: and owl: are predeclared.

    Example:

        kg query output 'SELECT ?p ?o WHERE { ?p kg:worksFor ?o }'

        kg query store/ --file queries/tariffs.rq
    """
    from kg.store import format_result, open_graph, run_query

    if (sparql is None) == (query_file is None):
        raise click.UsageError("Give the query either as an argument or with --file, not both or neither.")
    text = sparql if sparql is not None else query_file.read()  # type: ignore[union-attr]
    store = open_graph(graph)
    click.echo(format_result(run_query(store, text), fmt), nl=False)


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--output",
    "output",
    type=click.Path(path_type=Path, dir_okay=False),
    default=None,
    help="Page to write (default: graph.html beside the graph; STORE.html for a store folder).",
)
@click.option("--focus", metavar="NAME", default=None, help="Draw only the neighbourhood of this entity.")
@click.option(
    "--hops",
    default=1,
    show_default=True,
    type=click.IntRange(1, 10),
    help="With --focus: how many relations away from the entity to reach.",
)
@click.option(
    "--max-nodes",
    default=None,
    type=click.IntRange(min=1),
    help="Draw at most this many entities, the best-connected.  [default: 2000]",
)
@click.option(
    "--min-confidence",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Leave out relations whose evidence is less sure than this.",
)
def html(
    graph: Path,
    output: Path | None,
    focus: str | None,
    hops: int,
    max_nodes: int | None,
    min_confidence: float,
) -> None:
    """Draw GRAPH (a graph file, the folder kg build wrote, or a store folder) as an interactive page.

    The page leaves out what the options exclude and says so.

    Example:

        kg html output/graph.ttl -o graph.html

        kg html output --focus "Donald Trump" --hops 2
    """
    from kg.errors import OutputError
    from kg.export.html import DEFAULT_MAX_NODES, read_graph, write_html
    from kg.store import graph_file, is_store

    if hops != 1 and focus is None:
        raise click.UsageError("--hops needs --focus NAME: the entity to count the hops from.")
    loaded = read_graph(graph)
    if is_store(graph):
        source, default_target = graph, graph.parent / f"{graph.resolve().name}.html"
    else:
        source = graph_file(graph)
        default_target = source.with_suffix(".html")
    target = output or default_target
    try:
        page = write_html(
            loaded,
            target,
            source=str(source),
            focus=focus,
            hops=hops,
            max_nodes=DEFAULT_MAX_NODES if max_nodes is None else max_nodes,
            min_confidence=min_confidence,
        )
    except OSError as error:
        raise OutputError(
            f"Cannot write '{target}' ({error.strerror or error}); pass a writable file with -o."
        ) from error
    for note in page.notes:
        click.echo(note)
    click.echo(f"Wrote {target}")


@cli.command()
@click.argument("graph", type=click.Path(path_type=Path))
def validate(graph: Path) -> None:
    """Check GRAPH (a graph file, the folder kg build wrote, or a store) against the kg SHACL shapes.

    Prints each violation: the node, the property, the value and what was expected. Exits with
    1 when there is any.

    Example:

        kg validate output/graph.ttl
    """
    from kg.validate import validate_file

    report = validate_file(graph)
    if report.conforms:
        click.echo(f"{graph} conforms to the kg shapes ({report.triples:,} triples).")
        return
    count = len(report.violations)
    click.echo(f"{graph} breaks the kg shapes in {count} place{'s' if count != 1 else ''}:")
    for violation in report.violations:
        click.echo(f"  {violation}".replace("\n", "\n  "))
    sys.exit(1)


@cli.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option(
    "--port", default=7878, show_default=True, type=click.IntRange(0, 65535), help="Port (0: any free)."
)
@click.option(
    "--timeout",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds a query may run before it is stopped.",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Most rows (or triples) one answer may hold.",
)
@click.option(
    "--workers", default=2, show_default=True, type=click.IntRange(1, 64), help="Queries run at once."
)
@click.option("-q", "--quiet", is_flag=True, help="Do not log requests.")
def serve(
    source: Path, host: str, port: int, timeout: float, max_rows: int, workers: int, quiet: bool
) -> None:
    """Serve SOURCE (a store folder, a graph file or the folder kg build wrote) as a read-only
    SPARQL 1.1 endpoint at http://HOST:PORT/sparql.

    Example:

        kg serve store/ --port 7878
    """
    from kg.serve import ServeLimits, make_server

    server = make_server(
        source,
        host,
        port,
        limits=ServeLimits(timeout=timeout, max_rows=max_rows),
        workers=workers,
        quiet=quiet,
    )
    click.echo(f"Serving {source} read-only at {server.url} (Ctrl-C to stop).")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("Stopped.")
    finally:
        server.server_close()


def _counts(counter: dict[str, int]) -> str:
    return (
        ", ".join(
            f"{name} {count}" for name, count in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        or "none"
    )


def main() -> None:
    """Entry point of the ``kg`` console script."""
    cli(prog_name="kg")
