"""One build, start to end: read articles, parse, extract, resolve, write the graph files.

>>> from pathlib import Path
>>> build([Path("no/such/folder")], Path("output"))
Traceback (most recent call last):
...
kg.errors.InputError: Input path 'no/such/folder' does not exist; check the path and pass a file or folder of articles (.txt, .md, .html, .jsonl).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import multiprocessing
import os
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult
from pathlib import Path

from rdflib import Graph
from spacy.language import Language
from spacy.tokens import Doc
from tqdm import tqdm

from kg import __version__
from kg.documents import find_article_files, iter_documents, split_text
from kg.errors import InputError, OutputError
from kg.export.files import write_atomically
from kg.export.formats import parse_formats, write_graph
from kg.export.html import DEFAULT_MAX_NODES, write_html
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
    # Articles parsed by this build; with a store, ``documents`` and ``words`` count the store's
    # articles, of which ``added`` are new, and ``replaced`` earlier ones gave way to this build's.
    parsed: int = 0
    added: int = 0
    replaced: int = 0
    store_unchanged: bool = False

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
    output_dir: Path | None,
    *,
    model: str | None = None,
    min_confidence: float = 0.0,
    on_document: Callable[[Document], None] | None = None,
    strict: bool = False,
    formats: Sequence[str] = ("ttl",),
    store: Path | None = None,
    jobs: int = 1,
    progress: bool = False,
    dask: str | None = None,
) -> BuildSummary:
    """Build the graph of every article under ``inputs`` into ``output_dir``.

    Inputs that cannot be read are skipped and listed in the summary, or with ``strict`` stop
    the build. Writes graph.ttl, graph.html and report.json together: all three are written
    aside first and then moved into place, so a build that fails or is stopped leaves the
    previous files as they were. Raises InputError when an input path is missing, no readable
    article is found, or (with ``strict``) an input is skipped; ModelError when the spaCy
    pipeline is not installed, OutputError when the output folder cannot be written.

    graph.ttl is always written, with a copy of the ontology beside it (ontology.ttl); each other
    name in ``formats`` (see kg.export.formats) adds its file.

    With ``store``, the articles go into the persistent Oxigraph store in that folder (see
    kg.incremental; StoreError if it cannot be used): only articles its cache has not parsed are
    parsed, and the spaCy pipeline is loaded only if there are any; the store then holds the
    graph of all its articles, earlier and new, and so do the files in ``output_dir``, which are
    written only when it is given (it may be None only with a store).

    ``jobs`` processes parse the articles; the files are the same whatever their number. With
    ``progress``, a bar on standard error shows the articles done, words per second and the time
    left, when standard error is a terminal.

    With ``dask``, the articles are parsed on the Dask cluster whose scheduler is at that address
    (see kg.distributed), or with "local" on a cluster of ``jobs`` worker processes started on
    this machine; the files are the same (DaskError if the cluster cannot be used).
    """
    started = time.perf_counter()
    formats = parse_formats(",".join(formats))
    summary = BuildSummary(model=model or default_model())
    inputs = list(inputs)
    files = find_article_files(inputs, summary.skipped)
    if store is not None:
        return _build_into_store(
            files,
            output_dir,
            store,
            summary,
            model=model,
            min_confidence=min_confidence,
            on_document=on_document,
            strict=strict,
            formats=formats,
            jobs=jobs,
            progress=progress,
            dask=dask,
            started=started,
        )
    assert output_dir is not None, "a build without a store writes files"
    # On a Dask cluster the workers parse; this process only resolves and writes.
    nlp = None if dask else load_pipeline(summary.model)
    _prepare_output(output_dir)
    documents = iter_documents(files, summary.skipped)
    if strict:
        documents = _stop_at_skipped(documents, summary.skipped)
    extractions: list[ArticleExtraction] = []
    with contextlib.closing(_ProgressBar(files, enabled=progress)) as bar:
        for extraction in _extract_all(nlp, documents, summary.model, jobs, dask):
            extractions.append(extraction)
            summary.documents += 1
            words = len(extraction.document.text.split())
            summary.words += words
            bar.advance(words)
            if on_document is not None:
                on_document(extraction.document)
    if not extractions:
        first = summary.skipped[0] if summary.skipped else "no text"
        raise InputError(
            f"None of the {len(files)} input files could be read as an article; the first reason: {first}"
        )
    summary.parsed = summary.documents
    resolution = resolve_entities(extractions)
    graph, report = build_graph(extractions, resolution, min_confidence=min_confidence)
    summary.relations = report.relations
    summary.dropped = report.dropped
    for entity in {iri for iri in resolution.entities if (iri, None, None) in graph}:
        cls = resolution.entities[entity].cls
        summary.entities[cls.removeprefix(str(KG._NS))] += 1
    _write_files(graph, output_dir, summary, ", ".join(str(p) for p in inputs), formats)
    summary.seconds = time.perf_counter() - started
    return summary


def _build_into_store(
    files: list[Path],
    output_dir: Path | None,
    store: Path,
    summary: BuildSummary,
    *,
    model: str | None,
    min_confidence: float,
    on_document: Callable[[Document], None] | None,
    strict: bool,
    formats: Sequence[str],
    jobs: int,
    progress: bool,
    dask: str | None,
    started: float,
) -> BuildSummary:
    """:func:`build` with a store: parse what the store's cache lacks, then update the store (and
    write the files of the whole store's graph into ``output_dir`` if given)."""
    from kg.incremental import StoreBuild

    plan = StoreBuild(store, model=model, min_confidence=min_confidence)
    with contextlib.closing(plan):
        summary.model = plan.model
        if output_dir is not None:
            _prepare_output(output_dir)
        documents = iter_documents(files, summary.skipped)
        if strict:
            documents = _stop_at_skipped(documents, summary.skipped)
        with contextlib.closing(_ProgressBar(files, enabled=progress)) as bar:
            # An article the store's cache holds counts as done, with no words parsed.
            new = plan.to_parse(documents, on_cached=lambda document: bar.advance(0))
            for extraction in _parse_lazily(new, plan.model, jobs, dask):
                plan.add(extraction)
                bar.advance(len(extraction.document.text.split()))
                if on_document is not None:
                    on_document(extraction.document)
        if not plan.read:
            first = summary.skipped[0] if summary.skipped else "no text"
            raise InputError(
                f"None of the {len(files)} input files could be read as an article; the first reason: {first}"
            )
        contents = plan.prepare()
        summary.documents, summary.words = contents.articles, contents.words
        summary.parsed, summary.added, summary.replaced = contents.parsed, contents.added, contents.replaced
        summary.store_unchanged = contents.unchanged
        summary.entities, summary.relations, summary.dropped = (
            contents.entities,
            contents.relations,
            contents.dropped,
        )
        if output_dir is None:
            plan.commit()
        else:
            # Into the store before the files move in: a build stopped here leaves both as they were.
            _write_files(plan.graph(), output_dir, summary, str(store), formats, before_moving=plan.commit)
    summary.outputs.append(store)
    summary.seconds = time.perf_counter() - started
    return summary


def _parse_lazily(
    documents: Iterator[Document], model: str, jobs: int, dask: str | None
) -> Iterator[ArticleExtraction]:
    """:func:`_extract_all`, loading the spaCy pipeline only once there is an article to parse."""
    first = next(documents, None)
    if first is None:
        return
    nlp = None if dask else load_pipeline(model)
    yield from _extract_all(nlp, itertools.chain([first], documents), model, jobs, dask)


def _write_files(
    graph: Graph,
    output_dir: Path,
    summary: BuildSummary,
    source: str,
    formats: Sequence[str],
    before_moving: Callable[[], None] | None = None,
) -> None:
    """graph.ttl, graph.html, report.json, ontology.ttl and the other ``formats`` of ``graph``,
    written aside and moved into ``output_dir`` together once ``before_moving`` has run."""
    graph_path, html_path, report_path = (
        output_dir / "graph.ttl",
        output_dir / "graph.html",
        output_dir / "report.json",
    )
    report_data = (json.dumps(summary.report(), indent=2, ensure_ascii=False) + "\n").encode("utf-8")
    try:
        with _staged(output_dir) as staging:
            write_turtle(graph, staging / graph_path.name)
            page = write_html(graph, staging / html_path.name, source=source, max_nodes=DEFAULT_MAX_NODES)
            summary.page_notes = list(page.notes)
            write_atomically(staging / report_path.name, report_data)
            extra = [write_graph(graph, staging, fmt) for fmt in formats if fmt != "ttl"]
            write_atomically(staging / "ontology.ttl", ontology_path().read_bytes())
            if before_moving is not None:
                before_moving()
    except OSError as error:
        raise OutputError(
            f"Cannot write to '{output_dir}' ({error.strerror or error}); free some space or pass "
            "another folder with -o."
        ) from error
    summary.outputs = [graph_path, html_path, report_path]
    summary.outputs += [output_dir / path.name for path in extra] + [output_dir / "ontology.ttl"]


def _extract_all(
    nlp: Language | None, documents: Iterator[Document], model: str, jobs: int = 1, dask: str | None = None
) -> Iterator[ArticleExtraction]:
    """Each article's extraction, in input order, parsed in ``jobs`` processes, or on the Dask
    cluster at ``dask``.

    Articles go to the parser in chunks of BATCH_SIZE, each chunk parsed alone, so every parse
    sees the same batches whatever ``jobs`` is and the output does not depend on it. At most two
    chunks per process are read ahead: memory does not grow with the input.
    """
    if dask is not None:
        from kg.distributed import extract_on_dask

        yield from extract_on_dask(documents, model, dask, workers=jobs)
        return
    if nlp is None:
        nlp = load_pipeline(model)
    chunks = _chunked(documents, BATCH_SIZE)
    if jobs <= 1:
        for chunk in chunks:
            yield from _extract_chunk(nlp, chunk)
        return
    global _worker_nlp
    methods = multiprocessing.get_all_start_methods()
    # A forked process shares the loaded pipeline with this one instead of loading its own.
    context = multiprocessing.get_context("fork" if "fork" in methods else None)
    _worker_nlp = nlp if "fork" in methods else None
    try:
        with context.Pool(jobs, initializer=_start_worker, initargs=(model,)) as pool:
            pending: deque[AsyncResult[list[ArticleExtraction]]] = deque()
            for chunk in chunks:
                pending.append(pool.apply_async(_extract_in_worker, (chunk,)))
                if len(pending) >= 2 * jobs:
                    yield from pending.popleft().get()
            while pending:
                yield from pending.popleft().get()
    finally:
        _worker_nlp = None


# The pipeline of a worker process of a parallel build.
_worker_nlp: Language | None = None


def _start_worker(model: str) -> None:
    global _worker_nlp
    # Ctrl-C stops the build in the main process, which then ends the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if _worker_nlp is None:
        _worker_nlp = load_pipeline(model)


def _extract_in_worker(documents: list[Document]) -> list[ArticleExtraction]:
    assert _worker_nlp is not None
    return list(_extract_chunk(_worker_nlp, documents))


def _chunked(documents: Iterator[Document], size: int) -> Iterator[list[Document]]:
    chunk: list[Document] = []
    for document in documents:
        chunk.append(document)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _extract_chunk(nlp: Language, documents: list[Document]) -> Iterator[ArticleExtraction]:
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


class _ProgressBar:
    """Articles parsed so far, words per second and the time left, on standard error."""

    def __init__(self, files: Sequence[Path], enabled: bool) -> None:
        self.words = 0
        self.started = time.perf_counter()
        self.bar: tqdm[None] | None = None
        if enabled and sys.stderr.isatty():
            tqdm.monitor_interval = 0  # no extra thread, so worker processes fork safely
            self.bar = tqdm(
                total=_count_articles(files),
                file=sys.stderr,
                dynamic_ncols=True,
                bar_format="{l_bar}{bar}| {n_fmt}/{total_fmt} articles [{elapsed}<{remaining}{postfix}]",
            )

    def advance(self, words: int) -> None:
        if self.bar is None:
            return
        self.words += words
        rate = self.words / max(time.perf_counter() - self.started, 1e-9)
        self.bar.set_postfix_str(f"{rate:,.0f} words/s", refresh=False)
        self.bar.update(1)

    def close(self) -> None:
        if self.bar is not None:
            # The count read ahead includes inputs that were then skipped.
            self.bar.total = self.bar.n
            self.bar.close()


def _count_articles(files: Sequence[Path]) -> int:
    """How many articles ``files`` hold, as far as a quick look tells: one per line of a .jsonl
    file, one per other file (repeats and unreadable files are counted, so it is an upper bound)."""
    count = 0
    for path in files:
        if path.suffix.lower() == ".jsonl":
            with contextlib.suppress(OSError), path.open("rb") as lines:
                count += sum(1 for line in lines if line.strip())
        else:
            count += 1
    return count


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
