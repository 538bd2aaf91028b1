"""Cross-article resolution: one node per real thing, IRIs that do not depend on run order."""

from __future__ import annotations

import pytest
from rdflib import URIRef

from kg.documents import document_id
from kg.extract import extract_article
from kg.nlp import load_pipeline
from kg.records import Document
from kg.resolve import entity_iri, resolve_entities, slug


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def extractions(nlp, *texts: str):
    result = []
    for i, text in enumerate(texts):
        document = Document(id=document_id(text), source=f"{i}.txt", text=text)
        result.append(extract_article(nlp(text), document))
    return result


def labels(resolution) -> dict[str, URIRef]:
    return {entity.label: iri for iri, entity in resolution.entities.items()}


def test_surname_in_one_article_joins_full_name_in_another(nlp):
    resolution = resolve_entities(
        extractions(
            nlp,
            "President Donald Trump spoke on Monday.",
            "President Trump left on Tuesday.",
            "Trump said on Wednesday that talks went well.",
        )
    )
    found = labels(resolution)
    assert "Donald Trump" in found and "Trump" not in found
    assert {"Trump", "President Trump"} <= resolution.entities[found["Donald Trump"]].forms
    iris = {iri for key, iri in resolution.iri_of.items() if key[1] in {"trump", "donald trump"}}
    assert iris == {found["Donald Trump"]}


def test_ambiguous_surname_stays_apart(nlp):
    resolution = resolve_entities(
        extractions(nlp, "Boris Johnson spoke.", "Lyndon Johnson spoke.", "Johnson said no more.")
    )
    found = labels(resolution)
    assert {"Boris Johnson", "Lyndon Johnson"} <= set(found)


def test_acronym_joins_organisation_across_articles(nlp):
    resolution = resolve_entities(
        extractions(
            nlp, "The Wall Street Journal reported on Friday.", "The WSJ reported on Friday that talks began."
        )
    )
    found = labels(resolution)
    assert "Wall Street Journal" in found
    assert "WSJ" in resolution.entities[found["Wall Street Journal"]].forms
    assert "WSJ" not in found


def test_country_spellings_are_one_node(nlp):
    resolution = resolve_entities(
        extractions(nlp, "The U.S. acted.", "America acted.", "The United States acted.")
    )
    countries = [e for e in resolution.entities.values() if e.cls.endswith("#Country")]
    assert [c.label for c in countries] == ["United States"]
    assert str(countries[0].iri).endswith("/country/united-states")


def test_iris_do_not_depend_on_article_order(nlp):
    texts = ["President Donald Trump spoke.", "Trump blamed China.", "The WSJ and The Wall Street Journal."]
    forward = resolve_entities(extractions(nlp, *texts))
    backward = resolve_entities(extractions(nlp, *reversed(texts)))
    assert set(forward.entities) == set(backward.entities)
    assert {e.label for e in forward.entities.values()} == {e.label for e in backward.entities.values()}


@pytest.mark.parametrize(
    "coarse, identity, expected",
    [
        ("person", "donald trump", "person/donald-trump"),
        ("organization", "wall street journal", "organization/wall-street-journal"),
        ("place", "kraków", "place/krakow"),
    ],
)
def test_entity_iris_are_readable_slugs(coarse, identity, expected):
    assert str(entity_iri(coarse, identity)).endswith(expected)


def test_slug_of_unwritable_name_is_a_stable_hash():
    assert slug("!!!") == slug("!!!") != ""


def test_a_name_written_after_a_colon_is_labelled_without_its_capital_the(nlp):
    resolution = resolve_entities(
        extractions(
            nlp,
            "Deutsche Welle: The European Union has been critical of the situation.",
            "The summit of the European Union ended on Friday.",
            "Leaders of the European Union met in Brussels.",
        )
    )
    found = labels(resolution)
    assert "European Union" in found and "The European Union" not in found


def test_an_honorific_and_a_generic_word_name_no_one_else(nlp):
    resolution = resolve_entities(
        extractions(
            nlp,
            "Chancellor Angela Merkel spoke in Berlin.",
            "Frau Merkel said the talks went well.",
            "University events filmed. Photos were taken at a University of Zurich seminar. Other "
            "events at the University in late 2016 were filmed.",
        )
    )
    found = labels(resolution)
    assert "Frau Merkel" not in found and "Angela Merkel" in found
    assert "University" not in found and "University of Zurich" in found
