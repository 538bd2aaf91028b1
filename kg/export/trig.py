"""The graph as TriG: one named graph per article, for provenance by named graph.

Each article's graph is named by the article's IRI and holds the article node, the reified
statements derived from it (with any ``kg:reported`` edge pointing at them) and the direct
triples those statements state. A fact read in two articles is in both their graphs. The default
graph holds the descriptions of entities and events (class, label, other names). The union of all
graphs is exactly the graph of graph.ttl.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

from rdflib import Dataset, Graph, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import RDF
from rdflib.plugins.serializers.trig import TrigSerializer

from kg.export.files import write_atomically
from kg.export.turtle import LiteralSafeMixin
from kg.ontology import KG, PROV


class SafeTrigSerializer(LiteralSafeMixin, TrigSerializer):
    """rdflib's TriG serializer with kg's literal escaping and a stable order of graphs."""

    def __init__(self, store: Graph) -> None:
        super().__init__(store)
        # rdflib lists graphs in hash order; the default graph first, then named graphs by name.
        unique = {context.identifier: context for context in self.contexts}
        self.contexts = sorted(
            unique.values(),
            key=lambda context: (context.identifier != DATASET_DEFAULT_GRAPH_ID, str(context.identifier)),
        )


def article_dataset(graph: Graph) -> Dataset:
    """Split ``graph`` into a dataset with one named graph per article (see the module docstring)."""
    dataset = Dataset()
    for prefix, namespace in graph.namespaces():
        dataset.bind(prefix, namespace, replace=True)
    placed: set[tuple[object, object, object]] = set()
    articles = sorted(node for node in graph.subjects(RDF.type, KG.NewsArticle) if isinstance(node, URIRef))
    for article in articles:
        named = dataset.graph(article)
        for triple in graph.triples((article, None, None)):
            named.add(triple)
            placed.add(triple)
        for statement in graph.subjects(PROV.wasDerivedFrom, article):
            for triple in graph.triples((statement, None, None)):
                named.add(triple)
                placed.add(triple)
            for triple in graph.triples((None, KG.reported, statement)):
                named.add(triple)
                placed.add(triple)
            fact = (
                graph.value(statement, RDF.subject),
                graph.value(statement, RDF.predicate),
                graph.value(statement, RDF.object),
            )
            if None not in fact and fact in graph:
                named.add(fact)  # type: ignore[arg-type]
                placed.add(fact)
    default = dataset.default_graph
    for triple in graph:
        if triple not in placed:
            default.add(triple)
    return dataset


def serialize_trig(graph: Graph) -> bytes:
    """``graph`` as UTF-8 TriG, one named graph per article."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # rdflib's own TriG serializer calls its deprecated Dataset.contexts().
        warnings.simplefilter("ignore", DeprecationWarning)
        SafeTrigSerializer(article_dataset(graph)).serialize(buffer, encoding="utf-8")
    return buffer.getvalue()


def write_trig(graph: Graph, path: Path) -> None:
    """Serialise ``graph`` as TriG to ``path``, atomically. Raises OSError if it cannot be written."""
    write_atomically(path, serialize_trig(graph))
