"""The small typed records that flow between the stages of a build."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from rdflib import Literal, URIRef


@dataclass(frozen=True)
class Document:
    """One input article.

    ``id`` is a hash of the text, so the same article read twice (or on another machine)
    gets the same identity; ``source`` is the file name it came from (``FILE#LINE`` for a line
    of a .jsonl file). The rest is what the input says about the article, where it says it:
    its web address, publication date (a date or datetime when it is ISO 8601, else as
    written), authors, publisher, and the identifier a .jsonl line gives it.
    """

    id: str
    source: str
    text: str
    title: str | None = None
    url: str | None = None
    published: date | datetime | str | None = None
    authors: tuple[str, ...] = ()
    publisher: str | None = None
    identifier: str | None = None


@dataclass(frozen=True)
class Entity:
    """A real-world thing as one article names it: its class, canonical name and surface forms.

    ``key`` identifies it inside its article; ``identity`` is what makes two articles' entities
    the same thing (class-independent normalised name, an ISO code for a country, or a name
    qualified by its country for a ministry).
    """

    key: str
    cls: URIRef
    name: str
    identity: str
    forms: frozenset[str] = field(default_factory=frozenset)
    mention_count: int = 1


@dataclass(frozen=True)
class Relation:
    """One extracted fact with its evidence: ``subject predicate object`` from one sentence.

    ``subject`` is an entity key of the article; ``object`` is an entity key, or a literal for
    attributes such as a position or a rate. ``reported_by`` is the news organisation the
    sentence attributes the fact to ("…, the Wall Street Journal reported"), if any.
    """

    subject: str
    predicate: URIRef
    object: str | Literal
    sentence: str
    start_char: int
    end_char: int
    confidence: float
    rule: str
    reported_by: str | None = None


@dataclass(frozen=True)
class ArticleExtraction:
    """Everything one article yields: its entities and the relations between them."""

    document: Document
    entities: tuple[Entity, ...]
    relations: tuple[Relation, ...]
