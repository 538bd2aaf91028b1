"""One build, start to end: read articles, parse, extract, resolve, write the graph files.

>>> from pathlib import Path
>>> build([Path("no/such/folder")], Path("output"))
Traceback (most recent call last):
...
kg.errors.InputError: Input path 'no/such/folder' does not exist; check the path and pass a file or folder of articles (.txt, .md, .html, .jsonl).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from spacy.tokens import Doc

from kg import __version__
from kg.documents import find_article_files, iter_documents, split_text
from kg.errors import InputError, OutputError
from kg.export.files import write_atomically
from kg.export.formats import parse_formats, write_graph
from kg.export.html import DEFAULT_MAX_NODES, write_html
from kg.export.trig import serialize_trig
from kg.export.turtle import write_turtle
from kg.extract import extract_article
from kg.nlp import default_model, load_pipeline
from kg.ontology import KG, ontology_path
from kg.rdf import build_graph
from kg.records import ArticleExtraction, Document
from kg.resolve import resolve_entities

BATCH_SIZE = 32
# A longer article is parsed in parts of at most this many characters, cut at paragraph breaks:
# spaCy is faster and needs far less memory on short texts. Most news articles are shorter.
MAX_PART_CHARS = 10_000


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
    # What graph.html leaves out of a graph larger than its default cap.
    page_notes: list[str] = field(default_factory=list)

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
    strict: bool = False,
    formats: Sequence[str] = ("ttl",),
    store: Path | None = None,
) -> BuildSummary:
    """Build the graph of every article under ``inputs`` into ``output_dir``.

    Inputs that cannot be read are skipped and listed in the summary, or with ``strict`` stop
    the build. Writes graph.ttl, graph.html and report.json together: all three are written
    aside first and then moved into place, so a build that fails or is stopped leaves the
    previous files as they were. Raises InputError when an input path is missing, no readable
    article is found, or (with ``strict``) an input is skipped; ModelError when the spaCy
    pipeline is not installed, OutputError when the output folder cannot be written.

    graph.ttl is always written, with a copy of the ontology beside it (ontology.ttl); each other
    name in ``formats`` (see kg.export.formats) adds its file. With ``store``, the build is also
    added to the persistent Oxigraph store in that folder (StoreError if it cannot be).
    """
    started = time.perf_counter()
    formats = parse_formats(",".join(formats))
    summary = BuildSummary(model=model or default_model())
    inputs = list(inputs)
    files = find_article_files(inputs, summary.skipped)
    nlp = load_pipeline(summary.model)
    _prepare_output(output_dir)
    documents = iter_documents(files, summary.skipped)
    if strict:
        documents = _stop_at_skipped(documents, summary.skipped)
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
    report_data = (json.dumps(summary.report(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        with _staged(output_dir) as staging:
            write_turtle(graph, staging / graph_path.name)
            page = write_html(
                graph,
                staging / html_path.name,
                source=", ".join(str(p) for p in inputs),
                max_nodes=DEFAULT_MAX_NODES,
            )
            summary.page_notes = list(page.notes)
            write_atomically(staging / report_path.name, report_data)
            extra = [write_graph(graph, staging, fmt) for fmt in formats if fmt != "ttl"]
            write_atomically(staging / "ontology.ttl", ontology_path().read_bytes())
    except OSError as error:
        raise OutputError(
            f"Cannot write to '{output_dir}' ({error.strerror or error}); free some space or pass "
            "another folder with -o."
        ) from error
    summary.outputs = [graph_path, html_path, report_path]
    summary.outputs += [output_dir / path.name for path in extra] + [output_dir / "ontology.ttl"]
    if store is not None:
        from kg.store import add_to_store

        add_to_store(store, serialize_trig(graph))
        summary.outputs.append(store)
    summary.seconds = time.perf_counter() - started
    return summary


def _extract_all(nlp, documents: Iterator[Document]) -> Iterator[ArticleExtraction]:  # type: ignore[no-untyped-def]
    # A long article is parsed in parts (spaCy refuses texts over nlp.max_length, and memory grows
    # with a part's length); the parsed parts join into one Doc whose offsets are the article's.
    limit = min(nlp.max_length, MAX_PART_CHARS)
    pairs = (
        (part, (document, number == len(parts) - 1))
        for document in documents
        for parts in [split_text(document.text, limit)]
        for number, part in enumerate(parts)
    )
    parsed: list[Doc] = []
    for doc, (document, last) in nlp.pipe(pairs, as_tuples=True, batch_size=BATCH_SIZE):
        parsed.append(doc)
        if last:
            whole = parsed[0] if len(parsed) == 1 else Doc.from_docs(parsed, ensure_whitespace=False)
            parsed = []
            yield extract_article(whole, document)


def _stop_at_skipped(documents: Iterator[Document], skipped: list[str]) -> Iterator[Document]:
    """``documents``, ending the build with an InputError at the first input that was skipped."""
    for document in documents:
        _raise_if_skipped(skipped)
        yield document
    _raise_if_skipped(skipped)


def _raise_if_skipped(skipped: list[str]) -> None:
    if skipped:
        raise InputError(f"Stopped (strict): {skipped[0]}")


@contextlib.contextmanager
def _staged(output_dir: Path) -> Iterator[Path]:
    """A hidden folder inside ``output_dir`` to write into; on success its files replace those
    in ``output_dir``, on any failure or interruption they are thrown away."""
    staging = Path(tempfile.mkdtemp(prefix=".kg-build-", dir=output_dir))
    try:
        yield staging
        names = sorted(path.name for path in staging.iterdir())
        with _ctrl_c_ignored():
            for name in names:
                os.replace(staging / name, output_dir / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


@contextlib.contextmanager
def _ctrl_c_ignored() -> Iterator[None]:
    """Ctrl-C is ignored for the moment the finished files are moved into place (the build then
    ends as usual), so the output folder never holds new files next to old ones."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


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
