"""The article cache of a persistent store: what a store's articles were read and parsed into.

A store folder (``kg build --store DIR``) holds the Oxigraph data and, beside it, this cache in
one SQLite file (:data:`CACHE_FILE_NAME`). For each article of the store it keeps

- the article as read (text and metadata, as JSON), under a content hash: the SHA-256 of that JSON;
- the extraction kg made of it, keyed by the content hash and the parser (the kg version with a
  digest of kg's files, and the spaCy pipeline with its version), so a new or edited kg or another
  pipeline parses the article again;
- what the article's named graph in the store was built from (a digest), the entities and events
  whose descriptions it needs, and its relation counts, so that a build rewrites only the graphs
  and descriptions that changed and sums the counts without rebuilding the graph;
- what cross-article resolution made of the store's entities (see :class:`ResolutionChanges`): the
  clusters of entities with their counts, what each merged into, each node, and which articles
  mention which node, so that adding an article resolves again only what it can change.

The cache is written in two transactions around the store's own (see :class:`CacheWriter`); a build
stopped at any moment leaves it as it was or complete, and the store's graphs it was about to
rewrite marked as such, so the next build rewrites them whatever state they were left in.

The extractions are Python pickles: build only into store folders you made yourself.

>>> document = Document(id="185f8db32271fe25", source="a.txt", text="Hello")
>>> document_from_json(document_json(document)) == document
True
>>> content_hash(document)[:16]
'a32ece3eeebf1310'
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import importlib.metadata
import json
import pickle
import sqlite3
import urllib.parse
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from kg import __version__
from kg.documents import STDIN_NAME
from kg.records import ArticleExtraction, Document
from kg.store import StoreError

#: The cache's file in a store folder.
CACHE_FILE_NAME = "kg-cache.sqlite3"
# The layout of the tables below; a cache of another layout is not read.
_FORMAT = "1"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS articles (
    content TEXT PRIMARY KEY,
    key TEXT,
    document_id TEXT NOT NULL UNIQUE,
    document TEXT NOT NULL,
    words INTEGER NOT NULL,
    digest TEXT NOT NULL,
    mentions TEXT NOT NULL,
    counts TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS articles_by_key ON articles (key);
CREATE TABLE IF NOT EXISTS extractions (
    content TEXT NOT NULL,
    parser TEXT NOT NULL,
    extraction BLOB NOT NULL,
    PRIMARY KEY (content, parser)
);
CREATE TABLE IF NOT EXISTS descriptions (iri TEXT PRIMARY KEY, class TEXT NOT NULL, digest TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS pending (iri TEXT NOT NULL, kind TEXT NOT NULL, PRIMARY KEY (iri, kind));
CREATE TABLE IF NOT EXISTS clusters (key TEXT PRIMARY KEY, root TEXT NOT NULL, aggregate TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS clusters_by_root ON clusters (root);
CREATE TABLE IF NOT EXISTS cluster_terms (term TEXT NOT NULL, key TEXT NOT NULL, PRIMARY KEY (term, key));
CREATE INDEX IF NOT EXISTS cluster_terms_by_key ON cluster_terms (key);
CREATE TABLE IF NOT EXISTS nodes (root TEXT PRIMARY KEY, iri TEXT NOT NULL, node TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS nodes_by_iri ON nodes (iri);
CREATE TABLE IF NOT EXISTS mentioned (iri TEXT NOT NULL, content TEXT NOT NULL, PRIMARY KEY (iri, content));
CREATE INDEX IF NOT EXISTS mentioned_by_content ON mentioned (content);
"""
#: The layout of the resolution tables (clusters, cluster_terms, nodes, mentioned); a cache
#: without them, or with another, has them made again by a build that resolves every article.
RESOLUTION_FORMAT = "1"
# SQLite's limit on the parameters of one statement is 999 in older versions.
_CHUNK = 900


def parser_name(model: str) -> str:
    """What made an extraction: the kg version with a digest of kg's own files (an edited kg is
    another kg), and the spaCy pipeline (with its version when it is an installed package)."""
    try:
        model_version = importlib.metadata.version(model)
    except (importlib.metadata.PackageNotFoundError, ValueError):
        model_version = ""
    return f"kg {__version__} {_kg_digest()}; {model} {model_version}".rstrip()


@functools.cache
def _kg_digest() -> str:
    """The first 16 hex digits of a SHA-256 of kg's code, data and ontology files."""
    from kg.ontology import ontology_dir

    digest = hashlib.sha256()
    for root in (Path(__file__).resolve().parent, ontology_dir()):
        for path in sorted(root.rglob("*")):
            if path.suffix in _KG_FILE_SUFFIXES and path.is_file():
                digest.update(f"{path.relative_to(root).as_posix()}\n".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


_KG_FILE_SUFFIXES = {".py", ".txt", ".tsv", ".json", ".ttl"}


def document_json(document: Document) -> str:
    """``document`` as canonical JSON (keys sorted, no spaces): the same article, the same text."""
    fields = dataclasses.asdict(document)
    published = document.published
    if isinstance(published, datetime):
        fields["published"] = {"datetime": published.isoformat()}
    elif isinstance(published, date):
        fields["published"] = {"date": published.isoformat()}
    return json.dumps(fields, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def document_from_json(text: str) -> Document:
    """The Document :func:`document_json` wrote."""
    fields = json.loads(text)
    published = fields.get("published")
    if isinstance(published, dict):
        if "datetime" in published:
            fields["published"] = datetime.fromisoformat(published["datetime"])
        else:
            fields["published"] = date.fromisoformat(published["date"])
    fields["authors"] = tuple(fields.get("authors", ()))
    return Document(**fields)


def content_hash(document: Document) -> str:
    """The SHA-256 of everything kg reads of an article (its text and every metadata field)."""
    return hashlib.sha256(document_json(document).encode("utf-8")).hexdigest()


def article_key(document: Document) -> str | None:
    """What names an article across builds: its web address when the input gives one, else its
    file name (``FILE#LINE`` for a line of a .jsonl file). An article read from standard input
    has no name: only the same text replaces it."""
    if document.url:
        return document.url
    if document.source == STDIN_NAME or document.source.startswith(STDIN_NAME + "#"):
        return None
    return document.source


@dataclass(frozen=True)
class CachedArticle:
    """One article of the store as the cache knows it (its text and extraction are read apart)."""

    content: str
    key: str | None
    document_id: str
    words: int
    digest: str  # what its named graph was built from
    mentions: tuple[str, ...]  # the entities and events whose descriptions its graph needs
    counts: str  # its relations kept and dropped, by kind (JSON, read by :meth:`relation_counts`)

    def relation_counts(self) -> tuple[Counter[str], Counter[str]]:
        """The relations its graph holds and those it left out, by property (or reason)."""
        counts = json.loads(self.counts)
        return Counter(counts["relations"]), Counter(counts["dropped"])


@dataclass
class ResolutionChanges:
    """What :meth:`CacheWriter.finish` writes of cross-article resolution (see :mod:`kg.resolve`):
    each cluster of entities ("coarse|identity") with its root and its counts (JSON), the terms the
    merge rules look it up by, each root's node (IRI and JSON), and the IRIs each article's graph
    mentions. With ``everything``, the whole of it (the tables are emptied first, and ``mentions``
    holds every article's); else the clusters, terms and nodes that changed (None: gone), the
    mentions coming from the records written."""

    everything: bool = False
    clusters: dict[str, tuple[str, str] | None] = dataclasses.field(default_factory=dict)  # root, aggregate
    terms: dict[str, set[str]] = dataclasses.field(default_factory=dict)  # cluster → its index terms
    nodes: dict[str, tuple[str, str] | None] = dataclasses.field(default_factory=dict)  # IRI, node
    mentions: dict[str, tuple[str, ...]] = dataclasses.field(default_factory=dict)


@dataclass(frozen=True)
class ArticleRecord:
    """What :meth:`CacheWriter.finish` writes for an article that is new to the cache or whose
    graph was rebuilt; ``document`` is None for an article the cache already holds."""

    content: str
    document: Document | None
    digest: str
    mentions: tuple[str, ...]
    relations: Mapping[str, int]
    dropped: Mapping[str, int]


class ArticleCache:
    """The cache of the store at ``path`` as it was when opened, read-only.

    A folder without a cache is a new store, unless it already holds a store of kg's (made
    before stores had a cache, which cannot be added to).

    :raises StoreError: if the cache cannot be read or is of another layout, or the folder is
        an older store without one, a file, or a folder of other files.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.file = path / CACHE_FILE_NAME
        self.meta: dict[str, str] = {}
        self._connection: sqlite3.Connection | None = None
        if not self.file.exists():
            _check_no_older_store(path)
            return
        try:
            uri = f"file:{urllib.parse.quote(str(self.file.resolve()))}?mode=ro"
            self._connection = sqlite3.connect(uri, uri=True)
            self.meta = dict(self._query("SELECT name, value FROM meta"))
        except sqlite3.Error as error:
            raise _cache_error(self.file, error) from error
        if self.meta.get("format") != _FORMAT:
            raise StoreError(
                f"The store '{path}' was made by another version of kg (its {CACHE_FILE_NAME} has "
                f"layout {self.meta.get('format', 'unknown')}, this kg reads {_FORMAT}); build its "
                "articles into a new store folder."
            )

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()

    @property
    def generation(self) -> int:
        """How many builds have changed the store."""
        return int(self.meta.get("generation", "0"))

    def articles(self) -> dict[str, CachedArticle]:
        """Every article of the store by content hash."""
        rows = self._query("SELECT content, key, document_id, words, digest, mentions, counts FROM articles")
        return {
            row[0]: CachedArticle(
                content=row[0],
                key=row[1],
                document_id=row[2],
                words=row[3],
                digest=row[4],
                mentions=tuple(row[5].split("\n")) if row[5] else (),
                counts=row[6],
            )
            for row in rows
        }

    def relation_totals(self) -> tuple[Counter[str], Counter[str]]:
        """The relations the store's graph holds and those its articles left out, by kind."""
        return (
            Counter(json.loads(self.meta.get("relations", "{}"))),
            Counter(json.loads(self.meta.get("dropped", "{}"))),
        )

    def parsed(self, parser: str) -> set[str]:
        """The content hashes of the articles ``parser`` has an extraction of."""
        return {row[0] for row in self._query("SELECT content FROM extractions WHERE parser = ?", (parser,))}

    def extractions(self, contents: Iterable[str], parser: str) -> dict[str, ArticleExtraction]:
        """The cached extractions of ``contents`` by ``parser``; their documents have no text (see
        :meth:`documents`)."""
        wanted = set(contents)
        if len(wanted) < _CHUNK:
            rows = self._in(
                "SELECT content, extraction FROM extractions WHERE parser = ? AND content", wanted, (parser,)
            )
        else:
            rows = self._query("SELECT content, extraction FROM extractions WHERE parser = ?", (parser,))
        return {content: pickle.loads(data) for content, data in rows if content in wanted}

    def has_resolution(self) -> bool:
        """Whether the cache holds the resolution of the store's articles (see :class:`ResolutionChanges`)."""
        return self.meta.get("resolution") == RESOLUTION_FORMAT

    def clusters(self, keys: Iterable[str]) -> dict[str, tuple[str, str]]:
        """The root and aggregate (JSON) of each of the clusters ``keys`` the store has."""
        return {
            key: (root, aggregate)
            for key, root, aggregate in self._in("SELECT * FROM clusters WHERE key", keys)
        }

    def cluster_terms(self, terms: Iterable[str]) -> dict[str, set[str]]:
        """The clusters with each index term of ``terms``."""
        return self._grouped("SELECT term, key FROM cluster_terms WHERE term", terms)

    def members(self, roots: Iterable[str]) -> dict[str, set[str]]:
        """The clusters that merged into each of ``roots`` (a root is its own member)."""
        return self._grouped("SELECT root, key FROM clusters WHERE root", roots)

    def nodes(self, roots: Iterable[str]) -> dict[str, str]:
        """The node (JSON) of each of ``roots``."""
        return dict(self._in("SELECT root, node FROM nodes WHERE root", roots))

    def roots_of_iris(self, iris: Iterable[str]) -> dict[str, set[str]]:
        """The roots whose node has each IRI of ``iris``."""
        return self._grouped("SELECT iri, root FROM nodes WHERE iri", iris)

    def mentioning(self, iris: Iterable[str]) -> dict[str, set[str]]:
        """The articles (content hashes) whose graphs mention each IRI of ``iris``."""
        return self._grouped("SELECT iri, content FROM mentioned WHERE iri", iris)

    def descriptions_of(self, iris: Iterable[str]) -> dict[str, tuple[str, str]]:
        """:meth:`descriptions`, of ``iris`` only."""
        rows = self._in("SELECT iri, class, digest FROM descriptions WHERE iri", iris)
        return {iri: (cls, digest) for iri, cls, digest in rows}

    def description_classes(self) -> Counter[str]:
        """How many descriptions of the store have each class."""
        return Counter(dict(self._query("SELECT class, count(*) FROM descriptions GROUP BY class")))

    def _grouped(self, sql: str, values: Iterable[str]) -> dict[str, set[str]]:
        """``sql`` selecting (value, item) pairs, run as in :meth:`_in`: the items of each value."""
        found: dict[str, set[str]] = {}
        for value, item in self._in(sql, values):
            found.setdefault(value, set()).add(item)
        return found

    def _in(self, sql: str, values: Iterable[str], parameters: tuple[str, ...] = ()) -> list[Any]:
        """``sql`` ending in a column, with "IN (values)" appended, in chunks."""
        values = sorted(set(values))
        rows: list[Any] = []
        for start in range(0, len(values), _CHUNK):
            chunk = tuple(values[start : start + _CHUNK])
            rows += self._query(f"{sql} IN ({','.join('?' * len(chunk))})", (*parameters, *chunk))
        return rows

    def documents(self, contents: Iterable[str]) -> Iterator[tuple[str, Document]]:
        """The articles ``contents`` as read, text included, to parse them again."""
        for content in contents:
            for (text,) in self._query("SELECT document FROM articles WHERE content = ?", (content,)):
                yield content, document_from_json(text)

    def descriptions(self) -> dict[str, tuple[str, str]]:
        """The class and digest of each entity or event description in the store, by IRI."""
        return {iri: (cls, digest) for iri, cls, digest in self._query("SELECT * FROM descriptions")}

    def pending(self) -> set[tuple[str, str]]:
        """The (IRI, "graph" or "description") a stopped build may have left half-way."""
        return set(self._query("SELECT iri, kind FROM pending"))

    def _query(self, sql: str, parameters: tuple[str, ...] = ()) -> list[Any]:
        if self._connection is None:
            return []
        try:
            return self._connection.execute(sql, parameters).fetchall()
        except sqlite3.Error as error:
            raise _cache_error(self.file, error) from error

    @contextmanager
    def writer(self) -> Iterator[CacheWriter]:
        """A connection that writes the cache (creating it in a new store)."""
        try:
            connection = sqlite3.connect(self.file, isolation_level=None, timeout=30)
        except sqlite3.Error as error:
            raise _cache_error(self.file, error) from error
        with closing(connection):
            yield CacheWriter(self, connection)


class CacheWriter:
    """Writes one build into the cache, around the store's own transaction:

    1. :meth:`begin`: the new extractions (harmless: nothing refers to them yet) and the store
       graphs and descriptions about to be rewritten, marked pending;
    2. the store's transaction;
    3. :meth:`finish`: the store's new article list, digests and descriptions, pending cleared.
    """

    def __init__(self, cache: ArticleCache, connection: sqlite3.Connection) -> None:
        self.cache = cache
        self.connection = connection

    def begin(
        self,
        extractions: Mapping[str, ArticleExtraction],
        parser: str,
        pending: Iterable[tuple[str, str]],
    ) -> None:
        """Step 1. Raises StoreError if another build changed the store since the cache was read."""
        rows = [
            (content, parser, _pickled_without_text(extraction))
            for content, extraction in extractions.items()
        ]
        with self._transaction() as connection:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            found = dict(connection.execute("SELECT name, value FROM meta").fetchall())
            if int(found.get("generation", "0")) != self.cache.generation:
                raise StoreError(
                    f"The store '{self.cache.path}' was changed by another build while this one "
                    "ran; build again."
                )
            connection.execute("INSERT OR IGNORE INTO meta VALUES ('format', ?)", (_FORMAT,))
            connection.executemany("INSERT OR REPLACE INTO extractions VALUES (?, ?, ?)", rows)
            connection.executemany("INSERT OR IGNORE INTO pending VALUES (?, ?)", sorted(set(pending)))

    def finish(
        self,
        *,
        records: Iterable[ArticleRecord],
        removed: Iterable[str],
        descriptions: Mapping[str, tuple[str, str]],
        removed_descriptions: Iterable[str],
        relations: Mapping[str, int],
        dropped: Mapping[str, int],
        meta: Mapping[str, str],
        resolution: ResolutionChanges | None = None,
    ) -> None:
        """Step 3: the store's articles, descriptions and relation totals as the store now holds
        them, ``meta`` (the pipeline and options it was built with) and what changed of resolution
        (without it, the cache keeps no resolution: the next build resolves every article)."""
        records = list(records)
        removed = list(removed)
        with self._transaction() as connection:
            connection.executemany("DELETE FROM articles WHERE content = ?", [(c,) for c in removed])
            _write_resolution(connection, resolution, records, removed)
            for record in records:
                counts = (
                    record.digest,
                    "\n".join(record.mentions),
                    _counts_json(record.relations, record.dropped),
                )
                if record.document is None:
                    connection.execute(
                        "UPDATE articles SET digest = ?, mentions = ?, counts = ? WHERE content = ?",
                        (*counts, record.content),
                    )
                    continue
                document = record.document
                connection.execute(
                    "INSERT OR REPLACE INTO articles VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        record.content,
                        article_key(document),
                        document.id,
                        document_json(document),
                        len(document.text.split()),
                        *counts,
                    ),
                )
            connection.executemany(
                "DELETE FROM descriptions WHERE iri = ?", [(iri,) for iri in removed_descriptions]
            )
            connection.executemany(
                "INSERT OR REPLACE INTO descriptions VALUES (?, ?, ?)",
                [(iri, cls, digest) for iri, (cls, digest) in descriptions.items()],
            )
            # Extractions of articles the store no longer holds, or by another kg or pipeline.
            connection.execute(
                "DELETE FROM extractions WHERE parser != ? OR content NOT IN (SELECT content FROM articles)",
                (meta["parser"],),
            )
            connection.execute("DELETE FROM pending")
            values = {
                **meta,
                "relations": json.dumps(dict(sorted(relations.items()))),
                "dropped": json.dumps(dict(sorted(dropped.items()))),
                "format": _FORMAT,
                "generation": str(self.cache.generation + 1),
                "resolution": RESOLUTION_FORMAT if resolution is not None else "",
            }
            connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)", sorted(values.items()))

    @contextmanager
    def _transaction(self) -> Iterator[sqlite3.Connection]:
        connection = self.connection
        try:
            connection.execute("BEGIN IMMEDIATE")
            try:
                yield connection
            except BaseException:
                connection.execute("ROLLBACK")
                raise
            connection.execute("COMMIT")
        except sqlite3.Error as error:
            raise _cache_error(self.cache.file, error) from error


def _write_resolution(
    connection: sqlite3.Connection,
    resolution: ResolutionChanges | None,
    records: list[ArticleRecord],
    removed: list[str],
) -> None:
    if resolution is None or resolution.everything:
        for table in ("clusters", "cluster_terms", "nodes", "mentioned"):
            connection.execute(f"DELETE FROM {table}")
        if resolution is None:
            return
        mentions = resolution.mentions
    else:
        gone = [*removed, *(record.content for record in records)]
        connection.executemany("DELETE FROM mentioned WHERE content = ?", [(c,) for c in gone])
        mentions = {record.content: record.mentions for record in records}
        connection.executemany("DELETE FROM clusters WHERE key = ?", [(key,) for key in resolution.clusters])
        connection.executemany(
            "DELETE FROM cluster_terms WHERE key = ?", [(key,) for key in resolution.terms]
        )
        connection.executemany("DELETE FROM nodes WHERE root = ?", [(root,) for root in resolution.nodes])
    connection.executemany(
        "INSERT INTO mentioned VALUES (?, ?)",
        [(iri, content) for content, iris in mentions.items() for iri in iris],
    )
    connection.executemany(
        "INSERT INTO clusters VALUES (?, ?, ?)",
        [(key, *value) for key, value in resolution.clusters.items() if value is not None],
    )
    connection.executemany(
        "INSERT INTO cluster_terms VALUES (?, ?)",
        [(term, key) for key, terms in resolution.terms.items() for term in terms],
    )
    connection.executemany(
        "INSERT INTO nodes VALUES (?, ?, ?)",
        [(root, *value) for root, value in resolution.nodes.items() if value is not None],
    )


def _counts_json(relations: Mapping[str, int], dropped: Mapping[str, int]) -> str:
    counts = {"relations": dict(sorted(relations.items())), "dropped": dict(sorted(dropped.items()))}
    return json.dumps(counts)


def _pickled_without_text(extraction: ArticleExtraction) -> bytes:
    # The text is kept once, in the article's document; the graph needs none of it.
    document = dataclasses.replace(extraction.document, text="")
    return pickle.dumps(dataclasses.replace(extraction, document=document), protocol=pickle.HIGHEST_PROTOCOL)


def _check_no_older_store(path: Path) -> None:
    from kg.store import check_store_folder, is_store, open_store

    check_store_folder(path)
    if not is_store(path):
        return
    store = open_store(path)
    try:
        empty = len(store) == 0
    finally:
        del store
    if not empty:
        raise StoreError(
            f"The store '{path}' was made by an older kg and has no {CACHE_FILE_NAME} to add to; "
            "build its articles into a new store folder."
        )


def _cache_error(file: Path, error: sqlite3.Error) -> StoreError:
    return StoreError(
        f"Cannot use the store's article cache '{file}' ({error}); check the folder, or build into a "
        "new store folder."
    )
