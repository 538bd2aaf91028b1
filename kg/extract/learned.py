"""A learned relation classifier for pairs of entities in one sentence.

Where the rules have no pattern for a sentence, a multinomial logistic regression over features
of the dependency parse between two names (the path between them, the words between them, their
classes) decides whether the sentence states that one works for, lives in, is based in, lies in
or killed the other. It is trained by ``python -m kg.train`` on annotated news sentences and
ships as plain weights in ``kg/data/relation_model.json``; reading it needs nothing but the
standard library, and the same features and weights give the same answers everywhere.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources

from rdflib import URIRef
from spacy.tokens import Span, Token

from kg.extract.actions import is_hedged
from kg.extract.mentions import COARSE_CLASS, ArticleEntities
from kg.extract.relations import RelationFinder
from kg.gazetteer import find_city
from kg.ontology import KG
from kg.records import Relation

MODEL_FILE = "data/relation_model.json"
NO_RELATION = "none"
# Model labels → the ontology property each stands for.
LABEL_PROPERTIES: dict[str, URIRef] = {
    "worksFor": KG.worksFor,
    "livesIn": KG.livesIn,
    "basedIn": KG.basedIn,
    "locatedIn": KG.locatedIn,
    "killed": KG.killed,
}
# The coarse classes of subject and object each label may join.
LABEL_CLASSES: dict[str, tuple[set[str], set[str]]] = {
    "worksFor": ({"PER"}, {"ORG"}),
    "livesIn": ({"PER"}, {"LOC"}),
    "basedIn": ({"ORG"}, {"LOC"}),
    "locatedIn": ({"LOC"}, {"LOC"}),
    "killed": ({"PER"}, {"PER"}),
}
_TYPE = {"person": "PER", "organization": "ORG", "country": "LOC", "place": "LOC"}
MAX_TOKENS_BETWEEN = 30


@dataclass(frozen=True)
class Candidate:
    """Two entity mentions of one sentence, in the order subject, object."""

    subject_key: str
    object_key: str
    subject: Span
    object: Span

    @property
    def types(self) -> tuple[str, str]:
        return self.subject.label_, self.object.label_


def mention_spans(entities: ArticleEntities) -> list[Span]:
    """Every mention of a person, organisation or place, labelled PER, ORG or LOC, in text order."""
    spans: list[Span] = []
    doc = entities.doc
    i = 0
    while i < len(doc):
        key = entities.key_at(doc[i])
        if key is None or key.startswith("derived:") or COARSE_CLASS.get(entities.cls(key)) not in _TYPE:
            i += 1
            continue
        end = i
        while end < len(doc) and entities.key_at(doc[end]) == key:
            end += 1
        spans.append(Span(doc, i, end, label=_TYPE[COARSE_CLASS[entities.cls(key)]]))
        i = end
    return spans


def candidates(entities: ArticleEntities) -> Iterator[Candidate]:
    """Ordered pairs of different entities mentioned in the same sentence whose classes some
    label can join."""
    allowed = {(s, o) for subjects, objects in LABEL_CLASSES.values() for s in subjects for o in objects}
    by_sentence: dict[int, list[tuple[Span, str]]] = {}
    sentence_starts = {token.i: sentence.start for sentence in entities.doc.sents for token in sentence}
    for span in mention_spans(entities):
        key = entities.key_at(span[0])
        if key is not None:
            by_sentence.setdefault(sentence_starts[span.start], []).append((span, key))
    for mentions in by_sentence.values():
        for a, key_a in mentions:
            for b, key_b in mentions:
                if key_a == key_b or abs(a.start - b.start) > MAX_TOKENS_BETWEEN:
                    continue
                if (a.label_, b.label_) in allowed:
                    yield Candidate(key_a, key_b, a, b)


def features(candidate: Candidate) -> list[str]:
    """Sparse binary features of a candidate pair: classes, order, words between, the
    dependency path between the two names and the words around them."""
    subject, obj = candidate.subject, candidate.object
    doc = subject.doc
    types = f"{subject.label_}>{obj.label_}"
    first, second = (subject, obj) if subject.start < obj.start else (obj, subject)
    order = "fwd" if subject.start < obj.start else "rev"
    between = doc[first.end : second.start]
    found = [f"types={types}", f"order={types}|{order}"]
    found.append(f"gap={min(len(between), 10)}")
    words = [t.lower_ for t in between]
    found += [f"btw={w}" for w in set(words)]
    if len(words) <= 4:
        found.append(f"btwseq={order}|{' '.join(words)}")
    found.append(f"before={doc[first.start - 1].lower_ if first.start else '<s>'}")
    found.append(f"after={doc[second.end].lower_ if second.end < len(doc) else '</s>'}")
    path, lemmas = _dependency_path(subject.root, obj.root)
    found.append(f"path={types}|{path}")
    found.append(f"pathlen={min(path.count(' ') + 1, 8)}")
    found += [f"pathlemma={lemma}" for lemma in lemmas]
    found += [f"pathlemma={types}|{lemma}" for lemma in lemmas]
    found.append(f"shead={subject.root.dep_}|{subject.root.head.lemma_.lower()}")
    found.append(f"ohead={obj.root.dep_}|{obj.root.head.lemma_.lower()}")
    return found


def _dependency_path(a: Token, b: Token) -> tuple[str, list[str]]:
    """The path from ``a`` up to the lowest common ancestor and down to ``b`` as dependency
    labels with the lemmas passed through."""
    up = [a, *a.ancestors]
    down = [b, *b.ancestors]
    common = next((t for t in up if t in down), None)
    if common is None:
        return "none", []
    rising = up[: up.index(common)]
    falling = list(reversed(down[: down.index(common)]))
    steps = [f"{t.dep_}^" for t in rising] + [common.lemma_.lower()] + [f"{t.dep_}v" for t in falling]
    lemmas = [t.lemma_.lower() for t in rising[1:] + [common] + falling[:-1] if t.pos_ != "PUNCT"]
    return " ".join(steps), lemmas


def _is_hedged_between(a: Token, b: Token) -> bool:
    """Whether a verb on the dependency path between two names is negated or only possible."""
    up = [a, *a.ancestors]
    down = [b, *b.ancestors]
    common = next((t for t in up if t in down), None)
    if common is None:
        return False
    path = up[: up.index(common) + 1] + down[: down.index(common)]
    return any(t.pos_ in {"VERB", "AUX"} and is_hedged(t) for t in path)


def _both_cities(finder: RelationFinder, candidate: Candidate) -> bool:
    """Whether GeoNames knows both names of a pair as cities."""
    names = (finder.entities.name(candidate.subject_key), finder.entities.name(candidate.object_key))
    return all(find_city(name) is not None for name in names)


@dataclass(frozen=True)
class RelationModel:
    """Weights of a multinomial logistic regression over the features above."""

    labels: tuple[str, ...]
    weights: dict[str, list[float]]
    intercepts: tuple[float, ...]
    thresholds: dict[str, float]

    def probabilities(self, feature_names: list[str]) -> dict[str, float]:
        """The probability of each label for one candidate."""
        scores = list(self.intercepts)
        for name in feature_names:
            row = self.weights.get(name)
            if row is not None:
                scores = [s + w for s, w in zip(scores, row, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(self.labels, exps, strict=True)}

    def predict(self, candidate: Candidate) -> tuple[str, float] | None:
        """The most likely relation label and its probability, if it is a relation that the
        pair's classes allow and it clears that label's threshold."""
        probabilities = self.probabilities(features(candidate))
        label = max(sorted(probabilities), key=lambda name: probabilities[name])
        if label == NO_RELATION or probabilities[label] < self.thresholds.get(label, 1.0):
            return None
        subjects, objects = LABEL_CLASSES[label]
        if candidate.subject.label_ not in subjects or candidate.object.label_ not in objects:
            return None
        return label, probabilities[label]


@cache
def load_model() -> RelationModel | None:
    """The shipped model, or None when the package has none."""
    path = resources.files("kg").joinpath(MODEL_FILE)
    if not path.is_file():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    return RelationModel(
        labels=tuple(data["labels"]),
        weights={name: list(row) for name, row in data["weights"].items()},
        intercepts=tuple(data["intercepts"]),
        thresholds={label: float(value) for label, value in data["thresholds"].items()},
    )


def find_learned_relations(finder: RelationFinder, stated: Iterable[Relation] = ()) -> Iterator[Relation]:
    """Relations the classifier finds between names of one sentence, its probability as the
    confidence. Where the rules found a birthplace (``stated``), the classifier's "lives in"
    for the same pair is that birthplace misread and is left out."""
    model = load_model()
    if model is None:
        return
    births = {(r.subject, r.object) for r in stated if r.predicate == KG.bornIn}
    birthplaces = {(r.object, r.sentence) for r in stated if r.predicate == KG.bornIn}
    for candidate in candidates(finder.entities):
        if _is_hedged_between(candidate.subject.root, candidate.object.root):
            continue  # "Obama was not born in Kenya"
        prediction = model.predict(candidate)
        if prediction is not None:
            label, probability = prediction
            if label == "livesIn" and (candidate.subject_key, candidate.object_key) in births:
                continue
            sentence = candidate.subject.sent.text.strip()
            if label == "livesIn" and (candidate.object_key, sentence) in birthplaces:
                continue  # "Dole's wife, Elizabeth, is a native of Salisbury": nobody else's home
            if label == "locatedIn" and finder.entities.cls(candidate.subject_key) == KG.Country:
                continue  # "Podemos in Spain or Syriza in Greece": a country lies in no other place
            if label == "locatedIn" and _both_cities(finder, candidate):
                continue  # "a summit in Paris and a meeting in Brussels": no city lies in another
            prop = LABEL_PROPERTIES[label]
            if prop == KG.livesIn and finder.entities.cls(candidate.object_key) == KG.Country:
                # "one of the top strategists in Israel": news names a country as a person's
                # nationality; where they live is a city.
                prop = KG.citizenOf
            yield finder.relation(
                candidate.subject_key,
                prop,
                candidate.object_key,
                candidate.subject.root,
                round(probability, 2),
                "classifier",
            )
