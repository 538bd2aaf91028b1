"""Building into a persistent store: parse only what is new, rewrite only what changed.

After ``kg build INPUTS --store DIR`` the store holds the graph a fresh build of every article it
holds would give: the articles of earlier builds and those of INPUTS. An article of INPUTS
replaces an earlier one of the same name (its web address, else its file name; see
:func:`kg.cache.article_key`) or the same text. Resolution is global, so a new article can change
the nodes of earlier ones (a bare surname that now has two candidates, a better label): every
article's entities are resolved again, from the extractions the store's cache keeps, and only the
article graphs and entity descriptions that come out different are rewritten.

The cache keeps what resolution made of the store's entities (:class:`kg.cache.ResolutionChanges`),
so that a build resolves again only what its articles can change (:class:`_Resolver`): the clusters
of their entities, the clusters whose merging those can change, and the nodes of them all; only the
articles that mention a node that changed are built again. Every article is resolved again when the
store was built by another kg or pipeline or with another --min-confidence, when a stopped build
left graphs to repair, when the files of the whole graph are written (-o), and when the cache has
no resolution yet.

An article is parsed only when the cache has no extraction of it by this kg and this spaCy
pipeline; the pipeline is then loaded (by the caller) only if something needs parsing. A build
that changes nothing leaves the store untouched.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS, XSD

from kg.cache import (
    ArticleCache,
    ArticleRecord,
    ResolutionChanges,
    article_key,
    content_hash,
    parser_name,
)
from kg.nlp import default_model
from kg.ontology import KG, RESOURCE_BASE
from kg.rdf import build_graph
from kg.records import ArticleExtraction, Document, Entity
from kg.resolve import (
    Cluster,
    ClusterKey,
    Resolution,
    ResolvedEntity,
    add_events,
    cluster_key,
    merge_parent,
    node_of,
    resolve_with_clusters,
)
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
        self._resolution: Resolution | None = None  # of every article of the store
        self._resolved: ResolutionChanges | None = None
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

        if (
            not pending
            and self.cache.has_resolution()
            and self.cache.meta.get("parser") == self.parser
            and self.cache.meta.get("min_confidence") == repr(self.min_confidence)
            and not any(c in self.stored for c in self.parsed)
            and self._prepare_incrementally(relations, dropped)
        ):
            return contents
        self._prepare_fully(final, pending, relations, dropped)
        return contents

    def _prepare_fully(
        self, final: list[str], pending: set[tuple[str, str]], relations: Counter[str], dropped: Counter[str]
    ) -> None:
        """:meth:`prepare` from the resolution of every article of the store."""
        contents = self.contents
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

        self._count_relations(relations, dropped, self.replaced, changed, built)

        needed: dict[str, str] = {}  # description IRI → an article that mentions it
        mentions: dict[str, tuple[str, ...]] = {}
        for c in final:
            mentions[c] = tuple(sorted(built[c].descriptions)) if c in built else self.stored[c].mentions
            for iri in mentions[c]:
                needed.setdefault(iri, c)
        assert self._resolved is not None
        self._resolved.mentions = mentions
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

        gone = {article_iri_of(self.stored[c].document_id) for c in self.replaced} | pending_graphs
        self._set_changes(changed, built, digests, descriptions, gone, self._removed_descriptions)

    def _count_relations(
        self,
        relations: Counter[str],
        dropped: Counter[str],
        removed: Iterable[str],
        changed: list[str],
        built: dict[str, _ArticleGraph],
    ) -> None:
        """The totals of the store's relations, less those of the graphs that go (``removed`` and
        the stored ones among ``changed``), plus those of the ``changed`` graphs."""
        for c in [*removed, *(c for c in changed if c in self.stored)]:
            old_relations, old_dropped = self.stored[c].relation_counts()
            relations.subtract(old_relations)
            dropped.subtract(old_dropped)
        for c in changed:
            relations.update(built[c].relations)
            dropped.update(built[c].dropped)
        self.contents.relations, self.contents.dropped = +relations, +dropped

    def _set_changes(
        self,
        changed: list[str],
        built: dict[str, _ArticleGraph],
        digests: dict[str, str],
        descriptions: list[ox.Triple],
        gone: set[str],
        removed: set[str],
    ) -> None:
        """What :meth:`commit` will write: the ``changed`` articles' graphs (``built``), the
        ``descriptions`` to replace, the graphs that go and the descriptions no article needs."""
        graphs = {article_iri(self._extractions[c].document): built[c].named for c in changed}
        self._changes = StoreChanges(
            graphs=graphs,
            dropped_graphs=frozenset(gone - set(graphs)),
            descriptions=descriptions,
            dropped_descriptions=frozenset(self._descriptions) | frozenset(removed),
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

    def _prepare_incrementally(self, relations: Counter[str], dropped: Counter[str]) -> bool:
        """:meth:`prepare` from the resolution the cache keeps, resolving again only what this
        build's articles can change (see :class:`_Resolver`); False if it cannot."""
        added = [c for c in self.read if c not in self.stored]
        replaced = sorted(self.replaced)
        missing = [c for c in added if c not in self.parsed]
        loaded = self.cache.extractions([*missing, *replaced], self.parser)
        if any(c not in loaded for c in [*missing, *replaced]):
            return False
        self._extractions = {c: self.parsed[c] if c in self.parsed else loaded[c] for c in added}
        resolver = _Resolver(self.cache)
        step = resolver.apply([loaded[c] for c in replaced], list(self._extractions.values()))
        if step is None:
            return False
        touching, redescribed = step
        gone = set(replaced) | set(added)
        touched = sorted({c for found in self.cache.mentioning(touching).values() for c in found} - gone)
        self._extractions.update(self.cache.extractions(touched, self.parser))
        if any(c not in self._extractions for c in touched):
            return False
        affected = [*added, *touched]
        resolution = resolver.resolution([self._extractions[c] for c in affected])
        digests = {c: self._digest(c, resolution) for c in affected}
        built = {c: self._article_graph(c, resolution) for c in affected}
        changed = [c for c in affected if c not in self.stored or self.stored[c].digest != digests[c]]

        contents = self.contents
        self._count_relations(relations, dropped, replaced, changed, built)

        # The descriptions the articles that change mention, and those only they mentioned.
        needed: dict[str, str] = {}
        for c in affected:
            for iri in sorted(built[c].descriptions):
                needed.setdefault(iri, c)
        unmentioned = {iri for c in [*replaced, *touched] for iri in self.stored[c].mentions} - set(needed)
        still = self.cache.mentioning(unmentioned)
        removed = {iri for iri in unmentioned if not still.get(iri, set()) - gone - set(touched)}
        stored_descriptions = self.cache.descriptions_of([*needed, *removed, *redescribed])
        classes = self.cache.description_classes()
        descriptions: list[ox.Triple] = []
        nodes = {iri: resolution.entities[URIRef(iri)] for iri in needed}
        for iri, entity in {**redescribed, **nodes}.items():
            described = (str(entity.cls), _description_digest(entity.cls, entity.label, entity.forms))
            stored = stored_descriptions.get(iri)
            if stored == described:
                continue
            if stored is not None:
                classes[stored[0]] -= 1
            classes[described[0]] += 1
            self._descriptions[iri] = described
            if iri in needed:
                descriptions += built[needed[iri]].descriptions[iri]
            else:
                descriptions += _description_triples(entity)
        for iri in removed:
            if iri in stored_descriptions:
                classes[stored_descriptions[iri][0]] -= 1
        contents.entities = Counter(
            {cls.removeprefix(str(KG._NS)): count for cls, count in classes.items() if count > 0}
        )
        self._removed_descriptions = removed

        gone_graphs = {article_iri_of(self.stored[c].document_id) for c in replaced}
        self._set_changes(changed, built, digests, descriptions, gone_graphs, removed)
        self._resolved = resolver.changes()
        return True

    def graph(self) -> Graph:
        """The graph of every article of the store (after :meth:`prepare`), as a fresh build of
        them all would write it."""
        final = [*self.read, *self._kept()]
        resolution = self._resolution or self._resolve(final)  # (not when prepared incrementally)
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
                    resolution=self._resolved,
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
            self._resolution, resolved = resolve_with_clusters(self._extractions[c] for c in final)
        if self._resolved is None:  # (after an incremental prepare, the changes it made stay)
            self._resolved = ResolutionChanges(
                everything=True,
                clusters={
                    _key(key): (_key(resolved.roots[key]), _aggregate_json(cluster))
                    for key, cluster in resolved.clusters.items()
                },
                terms={_key(key): cluster.index_terms() for key, cluster in resolved.clusters.items()},
                nodes={
                    _key(root): (str(node.iri), _node_json(node)) for root, node in resolved.nodes.items()
                },
            )
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


def _description_triples(entity: ResolvedEntity) -> list[ox.Triple]:
    """The description of an entity in the default graph, as :meth:`StoreBuild._article_graph`
    splits it from an article's graph."""
    subject = _iri(entity.iri)
    triples = [
        ox.Triple(subject, _iri(RDF.type), _iri(entity.cls)),
        ox.Triple(subject, _iri(RDFS.label), _oxigraph(Literal(entity.label))),
    ]
    triples += [
        ox.Triple(subject, _iri(SKOS.altLabel), _oxigraph(Literal(form))) for form in sorted(entity.forms)
    ]
    return triples


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


class _Resolver:
    """Resolution of the store's entities again, once some articles leave and others come, from
    what the cache keeps of it (:class:`kg.cache.ResolutionChanges`); clusters and roots are named by
    :func:`_key` strings.

    The merge rules of :func:`kg.resolve.merge_parent` look a cluster up only by its index terms
    and by the one-word person of its name, so a change of a cluster (its counts, names, being
    there at all) can change where these merge: itself; the one-word people named by a word of a
    full name that comes or goes, and the one-word organisations of their names (misread
    surnames); the one-word organisations whose acronym is the initials of a name that comes or
    goes. Each of them is merged again, and the node of every root that one of them left or joined
    or whose clusters changed is made again.
    """

    def __init__(self, cache: ArticleCache) -> None:
        self.cache = cache
        self._rows: dict[str, tuple[str, str] | None] = {}  # the store's (root, aggregate) of a cluster
        self._clusters: dict[str, Cluster | None] = {}  # a cluster as it is now (None: gone)
        self._changed: dict[str, set[str]] = {}  # the clusters that changed, with their index terms
        self._roots: dict[str, str | None] = {}  # the clusters merged again, with their roots now
        self._nodes: dict[str, ResolvedEntity | None] = {}  # the roots made again, with their nodes
        self._terms: dict[str, set[str]] = {}

    def apply(
        self, removed: list[ArticleExtraction], added: list[ArticleExtraction]
    ) -> tuple[set[str], dict[str, ResolvedEntity]] | None:
        """Take the entities of ``removed`` out and those of ``added`` in, and resolve again what
        that changes. The IRIs of the nodes that changed or that clusters left or joined (the
        store's articles that mention them are to be built again), and the nodes of which only the
        forms changed, by IRI (only their descriptions change); or None if two nodes of the store
        would share an IRI (a fresh build gives it the node that comes last: resolve every article)."""
        entities: dict[str, list[tuple[Entity, int]]] = defaultdict(list)
        for extractions, sign in ((removed, -1), (added, 1)):
            for extraction in extractions:
                for entity in extraction.entities:
                    found = cluster_key(entity)
                    if found is not None:
                        entities[_key(found)].append((entity, sign))
        self._load(entities)
        old_terms: dict[str, set[str]] = {}
        for key, changes in entities.items():
            old = self._cluster(key)
            coarse, identity = _unkey(key)
            new = Cluster(coarse, identity)
            if old is not None:
                new.classes, new.names = Counter(old.classes), Counter(old.names)
                new.forms, new.entities = Counter(old.forms), old.entities
            for entity, sign in sorted(changes, key=lambda change: change[1]):  # out, then in
                new.add(entity, sign)
            now = new if new.entities > 0 else None
            if _aggregate_json(now) == _aggregate_json(old):
                continue
            self._clusters[key] = now
            old_terms[key] = old.index_terms() if old is not None else set()
            self._changed[key] = now.index_terms() if now is not None else set()

        again = set(self._changed)
        for key, terms in self._changed.items():
            for term in terms ^ old_terms[key]:
                if term.startswith("w:"):
                    again |= self._keys_with(f"p:{term[2:]}")
                elif term.startswith("i:"):
                    again |= self._keys_with(f"a:{term[2:]}")
        again |= {_key(("organization", _unkey(key)[1])) for key in again if key.startswith("person|")}
        self._load(again)
        for key in sorted(again):
            cluster = self._cluster(key)
            if cluster is None:
                self._roots[key] = None
                continue
            parent = merge_parent(
                cluster,
                lambda term: {_unkey(found) for found in self._keys_with(term)},
                lambda found: self._cluster(_key(found)),
            )
            self._roots[key] = _key(parent) if parent is not None else key

        roots = {root for key in again for root in (self._stored_root(key), self._roots[key]) if root}
        # The roots a cluster of earlier articles left: its articles, which mention the root's
        # node, are to be built again. (A cluster that comes or goes is in new or removed articles.)
        moved = set()
        for key in again:
            before, after = self._stored_root(key), self._roots[key]
            if before is not None and after is not None and before != after:
                moved.add(before)
        members = self.cache.members(roots)
        for root, keys in members.items():
            members[root] = {key for key in keys if key not in self._roots}
        for key, now_root in self._roots.items():
            if now_root is not None:
                members.setdefault(now_root, set()).add(key)
        self._load({key for keys in members.values() for key in keys} | roots)
        for root in roots:
            root_cluster = self._cluster(root)
            if root_cluster is None or self._root(root) != root:
                self._nodes[root] = None
            else:
                parts = [self._cluster(key) for key in sorted(members[root])]
                self._nodes[root] = node_of(root_cluster, [part for part in parts if part is not None])
        stored_nodes = {root: _node_from_json(text) for root, text in self.cache.nodes(roots).items()}

        changed = {root for root in roots if root in moved or stored_nodes.get(root) != self._nodes[root]}
        old_iris = {str(stored_nodes[root].iri) for root in changed if root in stored_nodes}
        touching: set[str] = set()
        redescribed: dict[str, ResolvedEntity] = {}
        for root in changed:
            was, node = stored_nodes.get(root), self._nodes[root]
            if was is None:
                continue
            if (
                root not in moved
                and node is not None
                and (was.iri, was.cls, was.label) == (node.iri, node.cls, node.label)
            ):
                redescribed[str(node.iri)] = node  # only its forms changed: no article's graph does
            else:
                touching.add(str(was.iri))
        new_iris: dict[str, set[str]] = defaultdict(set)
        for root, node in self._nodes.items():
            if node is not None:
                new_iris[str(node.iri)].add(root)
        holders = self.cache.roots_of_iris(old_iris | set(new_iris))
        if any(len(holders.get(iri, ())) > 1 for iri in old_iris):
            return None
        for iri, holding in new_iris.items():
            if len(holding | (holders.get(iri, set()) - roots)) > 1:
                return None
        return touching, redescribed

    def resolution(self, extractions: list[ArticleExtraction]) -> Resolution:
        """The resolution of the entities of ``extractions`` (after :meth:`apply`): the nodes they
        stand for and the events they report."""
        keys = {
            (extraction.document.id, entity.key): _key(found)
            for extraction in extractions
            for entity in extraction.entities
            if (found := cluster_key(entity)) is not None
        }
        self._load(set(keys.values()))
        roots = {key: self._root(key) for key in set(keys.values())}
        stored = self.cache.nodes(
            {root for root in roots.values() if root is not None and root not in self._nodes}
        )
        nodes: dict[str, ResolvedEntity] = {}
        for root in set(roots.values()):
            assert root is not None
            node = self._nodes[root] if root in self._nodes else _node_from_json(stored[root])
            assert node is not None
            nodes[root] = node
        iri_of: dict[tuple[str, str], URIRef] = {}
        entities: dict[URIRef, ResolvedEntity] = {}
        for member, key in keys.items():
            node = nodes[roots[key]]  # type: ignore[index]
            iri_of[member] = node.iri
            entities[node.iri] = node
        add_events(extractions, iri_of, entities)
        return Resolution(entities=entities, iri_of=iri_of)

    def changes(self) -> ResolutionChanges:
        """What the cache is to keep of the resolution that changed."""
        clusters: dict[str, tuple[str, str] | None] = {}
        for key in {*self._changed, *self._roots}:
            cluster, root = self._clusters[key], self._root(key)
            clusters[key] = None if cluster is None or root is None else (root, _aggregate_json(cluster))
        nodes = {
            root: None if node is None else (str(node.iri), _node_json(node))
            for root, node in self._nodes.items()
        }
        return ResolutionChanges(clusters=clusters, terms=dict(self._changed), nodes=nodes)

    def _load(self, keys: Iterable[str]) -> None:
        wanted = [key for key in keys if key not in self._rows]
        found = self.cache.clusters(wanted)
        for key in wanted:
            self._rows[key] = found.get(key)

    def _cluster(self, key: str) -> Cluster | None:
        if key not in self._clusters:
            self._load([key])
            row = self._rows[key]
            self._clusters[key] = None if row is None else _cluster_from_json(key, row[1])
        return self._clusters[key]

    def _stored_root(self, key: str) -> str | None:
        self._load([key])
        row = self._rows[key]
        return None if row is None else row[0]

    def _root(self, key: str) -> str | None:
        return self._roots[key] if key in self._roots else self._stored_root(key)

    def _keys_with(self, term: str) -> set[str]:
        """The clusters (as they are now) with index term ``term``."""
        if term not in self._terms:
            self._terms[term] = self.cache.cluster_terms([term]).get(term, set())
        found = {key for key in self._terms[term] if key not in self._changed}
        return found | {key for key, terms in self._changed.items() if term in terms}


def _key(key: ClusterKey) -> str:
    """A cluster's key as the cache keeps it (a coarse class has no "|")."""
    return f"{key[0]}|{key[1]}"


def _unkey(key: str) -> ClusterKey:
    coarse, identity = key.split("|", 1)
    return coarse, identity


def _aggregate_json(cluster: Cluster | None) -> str:
    if cluster is None:
        return ""
    counts = {
        "classes": {str(cls): count for cls, count in cluster.classes.items()},
        "names": dict(cluster.names),
        "forms": dict(cluster.forms),
        "entities": cluster.entities,
    }
    return json.dumps(counts, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _cluster_from_json(key: str, text: str) -> Cluster:
    counts = json.loads(text)
    return Cluster(
        *_unkey(key),
        classes=Counter({URIRef(cls): count for cls, count in counts["classes"].items()}),
        names=Counter(counts["names"]),
        forms=Counter(counts["forms"]),
        entities=counts["entities"],
    )


def _node_json(node: ResolvedEntity) -> str:
    return json.dumps([str(node.iri), str(node.cls), node.label, sorted(node.forms)], ensure_ascii=False)


def _node_from_json(text: str) -> ResolvedEntity:
    iri, cls, label, forms = json.loads(text)
    return ResolvedEntity(iri=URIRef(iri), cls=URIRef(cls), label=label, forms=frozenset(forms))
