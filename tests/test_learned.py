"""The shipped relation classifier, and the command that trains it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from kg.extract.learned import candidates, features, load_model
from kg.extract.mentions import ArticleEntities
from kg.nlp import load_pipeline


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline()


def predictions(nlp, text: str) -> dict[tuple[str, str], str]:
    model = load_model()
    assert model is not None
    found = {}
    for candidate in candidates(ArticleEntities(nlp(text))):
        prediction = model.predict(candidate)
        if prediction is not None:
            found[(candidate.subject.text, candidate.object.text)] = prediction[0]
    return found


def test_the_package_ships_a_model_with_a_threshold_per_relation():
    model = load_model()
    assert model is not None
    assert set(model.thresholds) == {"basedIn", "killed", "livesIn", "locatedIn", "worksFor"}
    assert all(0.0 < t <= 1.0 for t in model.thresholds.values())


@pytest.mark.parametrize(
    "text, pair, label",
    [
        (
            "Lee Harvey Oswald assassinated Kennedy in Dallas in 1963.",
            ("Lee Harvey Oswald", "Kennedy"),
            "killed",
        ),
        (
            "Jeffrey Bander, vice president for development at American Express, said the company agreed.",
            ("Jeffrey Bander", "American Express"),
            "worksFor",
        ),
    ],
)
def test_classifier_reads_relations_the_rules_have_no_pattern_for(nlp, text, pair, label):
    assert predictions(nlp, text).get(pair) == label


def test_classifier_never_reverses_a_killing(nlp):
    found = predictions(nlp, "Lee Harvey Oswald assassinated Kennedy in Dallas in 1963.")
    assert ("Kennedy", "Lee Harvey Oswald") not in found


def test_features_are_the_same_for_the_same_sentence(nlp):
    text = "Mark Smith, a spokesman for IBM, declined to comment."
    first = [features(c) for c in candidates(ArticleEntities(nlp(text)))]
    second = [features(c) for c in candidates(ArticleEntities(nlp(text)))]
    assert first == second and first


@pytest.mark.slow
def test_training_writes_a_model_kg_can_load(tmp_path: Path):
    pytest.importorskip("sklearn")
    from kg.extract.learned import RelationModel
    from kg.train import train

    texts = tmp_path / "data" / "texts"
    texts.mkdir(parents=True)
    sentences = [
        ("John Smith, a spokesman for Acme Corp, said sales rose.", "John Smith", "Acme Corp", "Work_For"),
        ("Mary Jones works for General Motors in Detroit.", "Mary Jones", "General Motors", "Work_For"),
        ("Peter Brown, an analyst at Lehman Brothers, agreed.", "Peter Brown", "Lehman Brothers", "Work_For"),
        ("Anna Lee, an engineer with Boeing, spoke on Monday.", "Anna Lee", "Boeing", "Work_For"),
        ("Robert Ford shot and killed Jesse James in 1882.", "Robert Ford", "Jesse James", "Kill"),
        ("Booth assassinated Abraham Lincoln at Ford's Theatre.", "Booth", "Abraham Lincoln", "Kill"),
    ] * 3
    with (tmp_path / "data" / "gold.jsonl").open("w") as gold:
        for i, (text, head, tail, relation) in enumerate(sentences):
            name = f"s{i}.txt"
            (texts / name).write_text(text + "\n")
            entities = [{"id": 0, "mentions": [head]}, {"id": 1, "mentions": [tail]}]
            gold.write(
                json.dumps(
                    {"doc": name, "entities": entities, "relations": [{"h": 0, "t": 1, "r": relation}]}
                )
                + "\n"
            )
    first, second = tmp_path / "a.json", tmp_path / "b.json"
    summary = train(tmp_path / "data", first)
    train(tmp_path / "data", second)
    assert first.read_bytes() == second.read_bytes()
    assert summary["positives"] > 0
    data = json.loads(first.read_text())
    model = RelationModel(
        labels=tuple(data["labels"]),
        weights=data["weights"],
        intercepts=tuple(data["intercepts"]),
        thresholds=data["thresholds"],
    )
    assert "none" in model.labels and model.weights
