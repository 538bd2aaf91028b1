"""One build, start to end: read articles, parse, extract, resolve, write the graph files.

>>> from pathlib import Path
>>> build([Path("no/such/folder")], Path("output"))
Traceback (most recent call last):
...
kg.errors.InputError: Input path 'no/such/folder' does not exist; check the path and pass a file or folder of .txt or .md articles.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from kg import __version__
from kg.documents import find_article_files, iter_documents
from kg.errors import InputError, OutputError
from kg.export.files import write_atomically
from kg.export.html import write_html
from kg.export.turtle import write_turtle
from kg.extract import extract_article
from kg.nlp import default_model, load_pipeline
from kg.ontology import KG
from kg.rdf import build_graph
from kg.records import ArticleExtraction, Document
from kg.resolve import resolve_entities

BATCH_SIZE = 32


@dataclass
class BuildSummary:
    """What a build read, found and wrote."""

    documents: int = 0
    words: int = 0
    skipped: list[str] = field(default_factory=list)
    entities: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)
    model: str = ""
    seconds: float = 0.0
    outputs: list[Path] = field(default_factory=list)

    def report(self) -> dict[str, object]:
        """The summary as report.json holds it (no timings, so the file is reproducible)."""
        return {
            "kg_version": __version__,
            "model": self.model,
            "documents": self.documents,
            "words": self.words,
            "skipped": self.skipped,
            "entities_by_class": dict(sorted(self.entities.items())),
            "relations_by_property": dict(sorted(self.relations.items())),
            "dropped_relations": dict(sorted(self.dropped.items())),
        }


def build(
    inputs: Iterable[Path],
    output_dir: Path,
    *,
    model: str | None = None,
    min_confidence: float = 0.0,
    on_document: Callable[[Document], None] | None = None,
) -> BuildSummary:
    """Build the graph of every article under ``inputs`` into ``output_dir``.

    Writes graph.ttl, graph.html and report.json, each atomically. Raises InputError when an
    input path is missing or no readable article is found, ModelError when the spaCy pipeline
    is not installed, OutputError when the output folder cannot be written.
    """
    started = time.perf_counter()
    summary = BuildSummary(model=model or default_model())
    inputs = list(inputs)
    files = find_article_files(inputs)
    nlp = load_pipeline(summary.model)
    _prepare_output(output_dir)
    documents = iter_documents(files, summary.skipped)
    extractions: list[ArticleExtraction] = []
    for extraction in _extract_all(nlp, documents):
        extractions.append(extraction)
        summary.documents += 1
        summary.words += len(extraction.document.text.split())
        if on_document is not None:
            on_document(extraction.document)
    if not extractions:
        first = summary.skipped[0] if summary.skipped else "no text"
        raise InputError(
            f"None of the {len(files)} input files could be read as an article; the first reason: {first}"
        )
    resolution = resolve_entities(extractions)
    graph, report = build_graph(extractions, resolution, min_confidence=min_confidence)
    summary.relations = report.relations
    summary.dropped = report.dropped
    for entity in {iri for iri in resolution.entities if (iri, None, None) in graph}:
        cls = resolution.entities[entity].cls
        summary.entities[cls.removeprefix(str(KG._NS))] += 1
    graph_path, html_path, report_path = (
        output_dir / "graph.ttl",
        output_dir / "graph.html",
        output_dir / "report.json",
    )
    try:
        write_turtle(graph, graph_path)
        write_html(graph, html_path, title="kg — " + ", ".join(str(p) for p in inputs))
        write_atomically(
            report_path,
            (json.dumps(summary.report(), indent=2, ensure_ascii=False) + "\n").encode("utf-8"),
        )
    except OSError as error:
        raise OutputError(
            f"Cannot write to '{output_dir}' ({error.strerror or error}); free some space or pass "
            "another folder with -o."
        ) from error
    summary.outputs = [graph_path, html_path, report_path]
    summary.seconds = time.perf_counter() - started
    return summary


def _extract_all(nlp, documents: Iterator[Document]) -> Iterator[ArticleExtraction]:  # type: ignore[no-untyped-def]
    pairs = ((document.text, document) for document in documents)
    for doc, document in nlp.pipe(pairs, as_tuples=True, batch_size=BATCH_SIZE):
        yield extract_article(doc, document)


def _prepare_output(output_dir: Path) -> None:
    if output_dir.exists() and not output_dir.is_dir():
        raise OutputError(f"'{output_dir}' is a file, not a folder; pass a folder with -o.")
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(
            f"Cannot create the output folder '{output_dir}' ({error.strerror}); pass another folder with -o."
        ) from error
    try:
        tempfile.TemporaryFile(dir=output_dir).close()
    except OSError as error:
        raise OutputError(
            f"Cannot write to the output folder '{output_dir}' ({error.strerror}); check its "
            "permissions or pass another folder with -o."
        ) from error
