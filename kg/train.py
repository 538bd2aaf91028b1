"""Train the relation classifier shipped in ``kg/data/relation_model.json``.

    pip install -e '.[train]'
    python -m kg.train PATH/conll04-train -o kg/data/relation_model.json

PATH/conll04-train holds ``texts/*.txt`` and ``gold.jsonl`` (one line per text: entities with
their mention strings, relations as head/relation/tail), the layout of the evaluation kit. The
texts are parsed by kg's own pipeline, so the classifier learns from the same mentions and parses
it will see; a pair of mentions is a positive example when its names match a gold relation's.
Training is deterministic: the same data and versions give the same file.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence
from pathlib import Path

from kg.extract.learned import NO_RELATION, candidates, features
from kg.extract.mentions import ArticleEntities
from kg.gazetteer import normalise_name
from kg.nlp import load_pipeline

GOLD_LABELS = {
    "Work_For": "worksFor",
    "Live_In": "livesIn",
    "OrgBased_In": "basedIn",
    "Located_In": "locatedIn",
    "Kill": "killed",
}
TARGET_PRECISION = 0.8


def training_examples(folder: Path, model: str | None = None) -> tuple[list[list[str]], list[str]]:
    """Features and labels of every candidate pair in the annotated texts of ``folder``."""
    nlp = load_pipeline(model)
    golds = [json.loads(line) for line in (folder / "gold.jsonl").read_text(encoding="utf-8").splitlines()]
    texts = [(folder / "texts" / gold["doc"]).read_text(encoding="utf-8") for gold in golds]
    rows: list[list[str]] = []
    labels: list[str] = []
    for doc, gold in zip(nlp.pipe(texts, batch_size=64), golds, strict=True):
        mentions = {e["id"]: {normalise_name(m) for m in e["mentions"]} for e in gold["entities"]}
        relations = [
            (mentions[r["h"]], GOLD_LABELS[r["r"]], mentions[r["t"]])
            for r in gold["relations"]
            if r["r"] in GOLD_LABELS
        ]
        entities = ArticleEntities(doc)
        for candidate in candidates(entities):
            subject = normalise_name(candidate.subject.text)
            obj = normalise_name(candidate.object.text)
            label = next((r for h, r, t in relations if subject in h and obj in t), NO_RELATION)
            rows.append(features(candidate))
            labels.append(label)
    return rows, labels


def train(folder: Path, output: Path, model: str | None = None) -> dict[str, object]:
    """Fit the classifier, pick the probability threshold that keeps cross-validated precision
    at or above TARGET_PRECISION, and write the weights to ``output``."""
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    rows, labels = training_examples(folder, model)
    vectorizer = DictVectorizer()
    matrix = vectorizer.fit_transform([dict.fromkeys(row, 1) for row in rows])
    classifier = LogisticRegression(C=0.5, max_iter=2000, class_weight=None)
    smallest = min(labels.count(label) for label in set(labels))
    folds = StratifiedKFold(n_splits=max(2, min(5, smallest)), shuffle=True, random_state=0)
    probabilities = cross_val_predict(classifier, matrix, labels, cv=folds, method="predict_proba")
    classifier.fit(matrix, labels)
    classes = list(classifier.classes_)
    thresholds = _choose_thresholds(probabilities, labels, classes)
    names = vectorizer.get_feature_names_out()
    weights = {}
    for index, name in enumerate(names):
        row = [round(float(classifier.coef_[c][index]), 4) for c in range(len(classes))]
        if max(abs(w) for w in row) >= 0.01:
            weights[str(name)] = row
    data = {
        "about": "Relation classifier for kg; train with `python -m kg.train`.",
        "trained_on": folder.name,
        "examples": len(labels),
        "positives": sum(label != NO_RELATION for label in labels),
        "cross_validated": thresholds,
        "labels": classes,
        "intercepts": [round(float(v), 4) for v in classifier.intercept_],
        "thresholds": {label: values["threshold"] for label, values in thresholds.items()},
        "weights": dict(sorted(weights.items())),
    }
    output.write_text(json.dumps(data, separators=(",", ":"), sort_keys=False) + "\n", encoding="utf-8")
    return {k: v for k, v in data.items() if k != "weights"}


def _choose_thresholds(
    probabilities: Sequence[Sequence[float]], labels: list[str], classes: list[str]
) -> dict[str, dict[str, float]]:
    """For each relation label, the lowest probability threshold (in steps of 0.05) at which
    cross-validated predictions of that label reach TARGET_PRECISION, with the precision and
    recall they keep there; a label that never does gets a threshold of 1 (never predicted)."""
    chosen: dict[str, dict[str, float]] = {}
    for label in classes:
        if label == NO_RELATION:
            continue
        gold = sum(truth == label for truth in labels)
        chosen[label] = {"threshold": 1.0, "precision": 0.0, "recall": 0.0}
        for step in range(19, 5, -1):
            threshold = step / 20
            predicted = correct = 0
            for row, truth in zip(probabilities, labels, strict=True):
                best = max(range(len(classes)), key=lambda i: row[i])
                if classes[best] == label and row[best] >= threshold:
                    predicted += 1
                    correct += truth == label
            if predicted and correct / predicted >= TARGET_PRECISION:
                chosen[label] = {
                    "threshold": threshold,
                    "precision": round(correct / predicted, 4),
                    "recall": round(correct / gold, 4) if gold else 0.0,
                }
    return chosen


def main() -> None:
    parser = argparse.ArgumentParser(description="Train kg's relation classifier.")
    parser.add_argument("folder", type=Path, help="annotated texts: texts/*.txt and gold.jsonl")
    parser.add_argument("-o", "--output", type=Path, default=Path("kg/data/relation_model.json"))
    parser.add_argument("--model", default=None, help="spaCy pipeline to parse with")
    arguments = parser.parse_args()
    summary = train(arguments.folder, arguments.output, arguments.model)
    print(json.dumps(summary, indent=1))


if __name__ == "__main__":
    main()
