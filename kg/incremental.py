"""Building into a persistent store: parse only what is new, rewrite only what changed.

After ``kg build INPUTS --store DIR`` the store holds the graph a fresh build of every article it
holds would give: the articles of earlier builds and those of INPUTS. An article of INPUTS
replaces an earlier one of the same name (its web address, else its file name; see
:func:`kg.cache.article_key`) or the same text. Resolution is global, so a new article can change
the nodes of earlier ones (a bare surname that now has two candidates, a better label): every
article's entities are resolved again, from the extractions the store's cache keeps, and only the
article graphs and entity descriptions that come out different are rewritten.

An article is parsed only when the cache has no extraction of it by this kg and this spaCy
pipeline; the pipeline is then loaded (by the caller) only if something needs parsing. A build
that changes nothing leaves the store untouched.
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.cache import ArticleCache, ArticleRecord, article_key, content_hash, parser_name
from kg.nlp import default_model
from kg.ontology import KG, RESOURCE_BASE
from kg.rdf import build_graph
from kg.records import ArticleExtraction, Document
from kg.resolve import Resolution, resolve_entities
from kg.store import StoreChanges, open_store, replace_in_store

# What a description of an entity or event says in the default graph (see kg.rdf.build_graph).
_DESCRIBING = (RDF.type, RDFS.label, SKOS.altLabel)


@dataclass
class StoreContents:
    """What the store holds once the build is done: articles, words and the graph's counts."""

    articles: int = 0
    words: int = 0
    added: int = 0  # articles new to the store
    parsed: int = 0  # articles this build parsed
    replaced: int = 0  # articles of the store that articles of this build replaced
    unchanged: bool = False  # the build left the store as it was
    entities: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    dropped: Counter[str] = field(default_factory=Counter)


@dataclass
class _ArticleGraph:
    """One article's part of the store: its named graph, the descriptions it needs, its counts."""

    named: list[ox.Triple]
    descriptions: dict[str, list[ox.Triple]]
    relations: Counter[str]
    dropped: Counter[str]


class StoreBuild:
    """One build into the store in folder ``path``; see the module docstring.

    Use: :meth:`to_parse` over the build's documents, :meth:`add` for each extraction of what it
    yields, then :meth:`prepare`, optionally :meth:`graph` (the whole store's graph, for the
    output files), and :meth:`commit`.

    ``model`` is the spaCy pipeline; by default the one the store was last built with.

    :raises StoreError: if the store's cache cannot be read (see :class:`kg.cache.ArticleCache`).
    """

    def __init__(self, path: Path, *, model: str | None, min_confidence: float) -> None:
        self.path = path
        self.cache = ArticleCache(path)
        self.model = model or self.cache.meta.get("model") or default_model()
        self.parser = parser_name(self.model)
        self.min_confidence = min_confidence
        self.stored = self.cache.articles()
        self._cached = self.cache.parsed(self.parser)
        # This build's articles by content hash, with the document when it is new to the store.
        self.read: dict[str, Document | None] = {}
        self.parsed: dict[str, ArticleExtraction] = {}
        self.replaced: set[str] = set()
        self._names: set[str] = set()
        self._document_ids: set[str] = set()
        self._changes = StoreChanges()
        self._records: list[ArticleRecord] = []
        self._descriptions: dict[str, tuple[str, str]] = {}
        self._removed_descriptions: set[str] = set()
        self._extractions: dict[str, ArticleExtraction] = {}
        self._resolution: Resolution | None = None
        self.contents = StoreContents()

    def close(self) -> None:
        self.cache.close()
        gc.unfreeze()

    def to_parse(
        self, documents: Iterable[Document], on_cached: Callable[[Document], None] | None = None
    ) -> Iterator[Document]:
        """The articles that need parsing: those of ``documents`` the cache has no extraction of,
        then the store's own articles that this kg or pipeline has not parsed yet. Each of
        ``documents`` that needs none goes to ``on_cached``."""
        for document in documents:
            content = content_hash(document)
            self.read[content] = None if content in self.stored else document
            name = article_key(document)
            if name is not None:
                self._names.add(name)
            self._document_ids.add(document.id)
            if content not in self._cached:
                yield document
            elif on_cached is not None:
                on_cached(document)
        self.replaced = {
            content
            for content, article in self.stored.items()
            if content not in self.read
            and (article.key in self._names or article.document_id in self._document_ids)
        }
        stale = [content for content in self._kept() if content not in self._cached]
        for _, document in self.cache.documents(stale):
            yield document

    def add(self, extraction: ArticleExtraction) -> None:
        """An extraction of an article :meth:`to_parse` yielded."""
        self.parsed[content_hash(extraction.document)] = extraction

    def _kept(self) -> list[str]:
        """The store's articles that stay, after this build's."""
        return [c for c in self.stored if c not in self.read and c not in self.replaced]

    def prepare(self) -> StoreContents:
        """Work out what the store will hold and which of its graphs change; nothing is written."""
        final = [*self.read, *self._kept()]
        pending = self.cache.pending()
        contents = self.contents
        contents.articles = len(final)
        contents.added = sum(1 for content in self.read if content not in self.stored)
        contents.parsed = len(self.parsed)
        contents.replaced = len(self.replaced)
        contents.words = sum(
            self.stored[c].words if c in self.stored else len(self._document(c).text.split()) for c in final
        )
        contents.unchanged = (
            not self.parsed
            and not self.replaced
            and not contents.added
            and not pending
            and self.cache.meta.get("parser") == self.parser
            and self.cache.meta.get("min_confidence") == repr(self.min_confidence)
        )
        relations, dropped = self.cache.relation_totals()
        if contents.unchanged:
            contents.relations, contents.dropped = relations, dropped
            for cls, _ in self.cache.descriptions().values():
                contents.entities[cls.removeprefix(str(KG._NS))] += 1
            return contents

        resolution = self._resolve(final)
        pending_graphs = {iri for iri, kind in pending if kind == "graph"}
        digests = {c: self._digest(c, resolution) for c in final}
        changed = [
            c
            for c in final
            if c not in self.stored
            or self.stored[c].digest != digests[c]
            or (pending_graphs and article_iri(self._extractions[c].document) in pending_graphs)
        ]
        built = {c: self._article_graph(c, resolution) for c in changed}

        # The totals of the store's relations, less those of the graphs that go, plus the new ones.
        for c in [*self.replaced, *(c for c in changed if c in self.stored)]:
            old_relations, old_dropped = self.stored[c].relation_counts()
            relations.subtract(old_relations)
            dropped.subtract(old_dropped)
        for c in changed:
            relations.update(built[c].relations)
            dropped.update(built[c].dropped)
        contents.relations, contents.dropped = +relations, +dropped

        needed: dict[str, str] = {}  # description IRI → an article that mentions it
        for c in final:
            for iri in sorted(built[c].descriptions) if c in built else self.stored[c].mentions:
                needed.setdefault(iri, c)
        stored_descriptions = self.cache.descriptions()
        pending_descriptions = {iri for iri, kind in pending if kind == "description"}
        descriptions: list[ox.Triple] = []
        for iri, c in needed.items():
            entity = resolution.entities[URIRef(iri)]
            described = (str(entity.cls), _description_digest(entity.cls, entity.label, entity.forms))
            contents.entities[entity.cls.removeprefix(str(KG._NS))] += 1
            if stored_descriptions.get(iri) == described and iri not in pending_descriptions:
                continue
            self._descriptions[iri] = described
            if c not in built:  # only an unchanged article mentions it: build that one's graph again
                built[c] = self._article_graph(c, resolution)
            descriptions += built[c].descriptions[iri]
        self._removed_descriptions = (set(stored_descriptions) | pending_descriptions) - set(needed)

        graphs = {article_iri(self._extractions[c].document): built[c].named for c in changed}
        gone = {article_iri_of(self.stored[c].document_id) for c in self.replaced} | pending_graphs
        self._changes = StoreChanges(
            graphs=graphs,
            dropped_graphs=frozenset(gone - set(graphs)),
            descriptions=descriptions,
            dropped_descriptions=frozenset(self._descriptions) | frozenset(self._removed_descriptions),
        )
        self._records = [
            ArticleRecord(
                content=c,
                document=None if c in self.stored else self._document(c),
                digest=digests[c],
                mentions=tuple(sorted(built[c].descriptions)),
                relations=built[c].relations,
                dropped=built[c].dropped,
            )
            for c in changed
        ]
        return contents

    def graph(self) -> Graph:
        """The graph of every article of the store (after :meth:`prepare`), as a fresh build of
        them all would write it."""
        final = [*self.read, *self._kept()]
        resolution = self._resolution or self._resolve(final)
        extractions = [self._extractions[c] for c in final]
        graph, _ = build_graph(extractions, resolution, min_confidence=self.min_confidence)
        return graph

    def commit(self) -> None:
        """Write the build into the store and its cache (see :class:`kg.cache.CacheWriter`).

        :raises StoreError: if the store cannot be written, or another build changed it meanwhile.
        """
        if self.contents.unchanged:
            return
        changes = self._changes
        pending = [(iri, "graph") for iri in [*changes.graphs, *changes.dropped_graphs]]
        pending += [(iri, "description") for iri in changes.dropped_descriptions]
        # The store's own lock keeps any other build out until the cache is written too.
        store = open_store(self.path, read_only=False)
        try:
            with self.cache.writer() as writer:
                writer.begin(self.parsed, self.parser, pending)
                replace_in_store(store, changes, self.path)
                writer.finish(
                    records=self._records,
                    removed=self.replaced,
                    descriptions=self._descriptions,
                    removed_descriptions=self._removed_descriptions,
                    relations=self.contents.relations,
                    dropped=self.contents.dropped,
                    meta={
                        "model": self.model,
                        "parser": self.parser,
                        "min_confidence": repr(self.min_confidence),
                    },
                )
        finally:
            del store

    def _document(self, content: str) -> Document:
        """An article of this build that is new to the store."""
        document = self.read[content]
        assert document is not None
        return document

    def _resolve(self, final: list[str]) -> Resolution:
        with _gc_paused():
            missing = [c for c in final if c not in self.parsed]
            self._extractions = {**self.cache.extractions(missing, self.parser), **self.parsed}
            self._resolution = resolve_entities(self._extractions[c] for c in final)
        return self._resolution

    def _digest(self, content: str, resolution: Resolution) -> str:
        """What an article's named graph is made of: its extraction (its text and metadata, and
        the parser) and what its entities resolved to (node and class)."""
        extraction = self._extractions[content]
        document = extraction.document.id
        iri_of, nodes = resolution.iri_of, resolution.entities
        parts = [self.parser, repr(self.min_confidence), content]
        for entity in extraction.entities:
            iri = iri_of[(document, entity.key)]
            parts += (entity.key, iri, nodes[iri].cls)
        return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()

    def _article_graph(self, content: str, resolution: Resolution) -> _ArticleGraph:
        """One article's graph, split as graph.trig splits it (kg.export.trig): the article node,
        its statements and the facts they state in its named graph; the descriptions of the
        entities and events it mentions in the default graph."""
        extraction = self._extractions[content]
        graph, report = build_graph([extraction], resolution, min_confidence=self.min_confidence)
        article = URIRef(article_iri(extraction.document))
        statements = set(graph.subjects(RDF.type, RDF.Statement))
        named: list[ox.Triple] = []
        descriptions: dict[str, list[ox.Triple]] = defaultdict(list)
        for subject, predicate, obj in graph:
            triple = ox.Triple(_iri(subject), _iri(predicate), _oxigraph(obj))
            if predicate in _DESCRIBING and subject != article and subject not in statements:
                descriptions[str(subject)].append(triple)
            else:
                named.append(triple)
        return _ArticleGraph(named, dict(descriptions), report.relations, report.dropped)


def article_iri(document: Document) -> str:
    """The IRI of an article's node and named graph (as kg.rdf.build_graph mints it)."""
    return article_iri_of(document.id)


def article_iri_of(document_id: str) -> str:
    return f"{RESOURCE_BASE}article/{document_id}"


def _description_digest(cls: URIRef, label: str, forms: Iterable[str]) -> str:
    return hashlib.sha256("\n".join([str(cls), label, *sorted(forms)]).encode("utf-8")).hexdigest()


def _iri(term: object) -> ox.NamedNode:
    if not isinstance(term, URIRef):
        raise TypeError(f"kg graphs have IRIs as subjects and predicates, not {term!r}")
    return ox.NamedNode(str(term))


def _oxigraph(term: object) -> ox.NamedNode | ox.Literal:
    """An rdflib IRI or literal as pyoxigraph's (kg's graphs have no blank nodes)."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
    raise TypeError(f"kg graphs hold IRIs and literals only, not {term!r}")


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Python's cycle collector paused while a large store's extractions load and resolve, and
    then kept off what they made until the build ends (:meth:`StoreBuild.close`): they are many
    objects and no cycles, and the collector would scan them again and again (for a store of
    10,000 articles that costs more than loading and resolving them)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        gc.freeze()
        if enabled:
            gc.enable()
