"""Shared, expensive fixtures: one real build of the seed articles per test session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph
from spacy.language import Language

import kg.build
from kg.cli import cli
from kg.nlp import load_pipeline

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture(scope="session")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result]:
    """`kg build seeds -o DIR`, run once per session: DIR and what the command printed."""
    output_dir = tmp_path_factory.mktemp("seed-build") / "output"
    result = CliRunner().invoke(cli, ["build", str(SEEDS_DIR), "-o", str(output_dir)])
    assert result.exit_code == 0, result.output
    return output_dir, result


@pytest.fixture(scope="session")
def seed_output(seed_build: tuple[Path, Result]) -> Path:
    """The folder the seed build wrote graph.ttl, graph.html and report.json to; do not modify."""
    return seed_build[0]


@pytest.fixture(scope="session")
def seed_graph(seed_output: Path) -> Graph:
    """The seed build's graph.ttl parsed by rdflib."""
    graph = Graph()
    graph.parse(seed_output / "graph.ttl", format="turtle")
    return graph


@pytest.fixture(scope="session")
def seed_texts() -> dict[str, str]:
    """Each seed article's text by file name, with line endings as kg reads them."""
    return {
        path.name: path.read_text(encoding="utf-8-sig").replace("\r\n", "\n").replace("\r", "\n")
        for path in sorted(SEEDS_DIR.glob("*.txt"))
    }


@pytest.fixture(scope="module")
def pipeline() -> Iterator[Language]:
    """One spaCy pipeline for every in-process build of a module: kg.build loads it once
    (loading it is most of a small build)."""
    nlp = load_pipeline()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kg.build, "load_pipeline", lambda model=None: nlp)
        yield nlp
