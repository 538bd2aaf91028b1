"""`kg build --jobs N`: the articles are parsed in N processes and the files are the same."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import kg.build
from kg.cli import cli

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
OUTPUT_FILES = ("graph.ttl", "graph.html", "report.json", "ontology.ttl")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


@pytest.fixture(scope="module")
def short_articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles cut into one article per line, as lines of a .jsonl file."""
    lines = [
        json.dumps({"id": f"{path.stem}-{number}", "text": line.strip()})
        for path in sorted(SEEDS_DIR.glob("*.txt"))
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines())
        if len(line.split()) > 3
    ]
    folder = tmp_path_factory.mktemp("short-articles")
    (folder / "short_articles.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_two_jobs_write_the_same_files_as_one(seed_output: Path, tmp_path: Path) -> None:
    result = run("build", str(SEEDS_DIR), "-o", str(tmp_path), "--jobs", "2")
    assert result.exit_code == 0, result.output
    assert files(tmp_path) == files(seed_output)
    assert "Built a graph of 2 articles" in result.stdout


def test_articles_spread_over_processes_keep_their_order(
    short_articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of two articles: the lines go to both processes, several chunks ahead.
    monkeypatch.setattr(kg.build, "BATCH_SIZE", 2)
    one, two = tmp_path / "one", tmp_path / "two"
    assert run("build", str(short_articles), "-o", str(one), "--jobs", "1").exit_code == 0
    result = run("build", str(short_articles), "-o", str(two), "--jobs", "2")
    assert result.exit_code == 0, result.output
    report = json.loads((two / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] > 4 * kg.build.BATCH_SIZE
    assert sum(report["entities_by_class"].values()) > 0
    assert files(two) == files(one)


def test_a_bad_input_is_skipped_the_same_way_in_parallel(
    short_articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.build, "BATCH_SIZE", 2)
    (tmp_path / "broken.jsonl").write_text('{"text": "unfinished\n', encoding="utf-8")
    inputs = [str(short_articles / "short_articles.jsonl"), str(tmp_path / "broken.jsonl")]
    results = [run("build", *inputs, "-o", str(tmp_path / jobs), "--jobs", jobs) for jobs in ("1", "2")]
    assert [r.exit_code for r in results] == [0, 0]
    assert results[0].stderr == results[1].stderr
    assert "Skipped: " in results[1].stderr
    assert files(tmp_path / "2") == files(tmp_path / "1")


def test_strict_stops_a_parallel_build_and_writes_nothing(short_articles: Path, tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    result = run("build", str(short_articles), str(tmp_path / "empty.txt"), "-o", str(tmp_path / "out"))
    strict = run(
        "build",
        str(short_articles),
        str(tmp_path / "empty.txt"),
        "-o",
        str(tmp_path / "strict"),
        "--jobs",
        "2",
        "--strict",
    )
    assert result.exit_code == 0
    assert strict.exit_code == 1
    assert strict.stderr.startswith("Error: Stopped (strict): ")
    assert not list((tmp_path / "strict").glob("*"))


@pytest.mark.parametrize("jobs", ["0", "-1", "two"])
def test_jobs_must_be_a_positive_number(jobs: str, tmp_path: Path) -> None:
    result = run("build", str(SEEDS_DIR), "-o", str(tmp_path), "--jobs", jobs)
    assert result.exit_code == 2
    assert "Invalid value for '-j' / '--jobs'" in result.stderr
