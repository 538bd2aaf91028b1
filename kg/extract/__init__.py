"""From one parsed article to its entities and relations."""

from __future__ import annotations

from rdflib import Literal, URIRef
from spacy.tokens import Doc

from kg.extract.learned import find_learned_relations
from kg.extract.mentions import TIME_ZONES, ArticleEntities
from kg.extract.relations import RelationFinder
from kg.extract.tariffs import find_tariffs
from kg.records import ArticleExtraction, Document, Relation


def extract_article(doc: Doc, document: Document) -> ArticleExtraction:
    """Entities and relations of one article parsed by spaCy.

    Relations come out once per (subject, property, object, sentence), in text order.
    """
    entities = ArticleEntities(doc)
    finder = RelationFinder(entities)
    relations = list(finder.find_all())
    relations.extend(find_tariffs(finder))
    relations.extend(find_learned_relations(finder, relations))
    # Last: the rules above may add countries the article names only by a demonym.
    relations.extend(finder.find_city_countries())
    relations.extend(finder.find_known_organization_countries())
    relations.extend(list(finder.countries_of_cities(relations)))
    relations.extend(list(finder.citizens_of_national_bodies(relations)))
    relations.extend(list(finder.regions_of_homes(relations)))
    relations.extend(list(finder.home_country_bodies(relations)))
    records = entities.entities()
    known = {entity.key for entity in records}
    unique: dict[tuple[str, URIRef, object, int], Relation] = {}
    for relation in relations:
        dangling = not isinstance(relation.object, Literal) and relation.object not in known
        if relation.subject not in known or dangling:
            continue  # never an edge to a name the article's entities do not have
        if _is_schedule(relation.sentence):
            continue  # "Berlin UTC +2 | Moscow UTC +3 DW (Deutsch+)": a programme, not a sentence
        key = (relation.subject, relation.predicate, relation.object, relation.start_char)
        if key not in unique or unique[key].confidence < relation.confidence:
            unique[key] = relation
    ordered = sorted(
        unique.values(), key=lambda r: (r.start_char, r.rule, str(r.predicate), str(r.object), r.subject)
    )
    return ArticleExtraction(document=document, entities=records, relations=tuple(ordered))


def _is_schedule(sentence: str) -> bool:
    """Whether a "sentence" is a broadcast schedule: cities and time zones."""
    return sum(word in TIME_ZONES for word in sentence.split()) >= 2
