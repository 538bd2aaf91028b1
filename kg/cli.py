"""The ``kg`` command: build a graph from articles, query it with SPARQL, draw it as a page.

Library code raises :class:`kg.errors.KgError` with a message that says how to fix the problem;
this module alone turns those into ``Error: …`` lines and a non-zero exit code.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

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
    default=Path("output"),
    show_default=True,
    type=click.Path(path_type=Path),
    help="Folder to write graph.ttl, graph.html and report.json to.",
)
@click.option("--model", default=None, help="Installed spaCy pipeline to use, e.g. en_core_web_trf.")
@click.option(
    "--min-confidence",
    default=0.0,
    show_default=True,
    type=click.FloatRange(0.0, 1.0),
    help="Leave out relations whose confidence is below this.",
)
@click.option("-q", "--quiet", is_flag=True, help="Print nothing but errors.")
def build(
    inputs: tuple[Path, ...], output_dir: Path, model: str | None, min_confidence: float, quiet: bool
) -> None:
    """Build the graph of the articles (.txt, .md) in INPUTS (files or folders).

    Example:

        kg build seeds/ -o output
    """
    from kg.build import build as run_build

    summary = run_build(inputs, output_dir, model=model, min_confidence=min_confidence)
    for reason in summary.skipped:
        click.echo(f"Skipped: {reason}", err=True)
    if quiet:
        return
    click.echo(
        f"Built a graph of {summary.documents} article{'s' if summary.documents != 1 else ''} "
        f"({summary.words:,} words) in {summary.seconds:.1f} s with {summary.model}."
    )
    click.echo(f"Entities ({sum(summary.entities.values())}): " + _counts(summary.entities))
    click.echo(f"Relations ({sum(summary.relations.values())}): " + _counts(summary.relations))
    if summary.dropped:
        click.echo(f"Dropped ({sum(summary.dropped.values())}): see report.json")
    click.echo("Wrote " + ", ".join(str(p) for p in summary.outputs))


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
    """Run a SPARQL query over GRAPH (a graph file, or the folder kg build wrote).

    The prefixes kg:, person:, organization:, country:, place:, article:, event:, statement:,
    schema:, prov:, dcterms:, skos:, rdf:, rdfs:, xsd: and owl: are predeclared.

    Example:

        kg query output 'SELECT ?p ?o WHERE { ?p kg:worksFor ?o }'
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
    help="Page to write (default: graph.html beside the graph).",
)
def html(graph: Path, output: Path | None) -> None:
    """Draw GRAPH (a Turtle file, or the folder kg build wrote) as an interactive page.

    Example:

        kg html output/graph.ttl -o graph.html
    """
    from kg.errors import OutputError
    from kg.export.html import write_html
    from kg.store import graph_file, load_rdflib_graph

    source = graph_file(graph)
    loaded = load_rdflib_graph(source)
    target = output or source.with_suffix(".html")
    try:
        write_html(loaded, target, title=f"kg — {source}")
    except OSError as error:
        raise OutputError(
            f"Cannot write '{target}' ({error.strerror or error}); pass a writable file with -o."
        ) from error
    click.echo(f"Wrote {target}")


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
