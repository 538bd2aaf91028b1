"""`kg build` over messy input: every bad file is skipped with a clear reason, the run goes on,
and nothing that could be read is lost; with --strict the first bad file stops the build."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD
from spacy.language import Language

from kg.cli import cli
from kg.documents import find_article_files, iter_documents
from kg.ontology import KG, SCHEMA

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS = sorted((PROJECT_DIR / "seeds").glob("*.txt"))
SEED_A, SEED_B = (path.read_text(encoding="utf-8") for path in SEEDS[:2])
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x02"
PAGE = """<!DOCTYPE html>
<html><head><title>Merkel meets Macron | Example News</title>
<meta property="og:title" content="Merkel meets Macron">
<meta name="author" content="Jane Doe">
<meta property="article:published_time" content="2025-04-09T10:30:00Z">
<link rel="canonical" href="https://news.example.org/merkel-macron">
<script>var tracking = "Donald Duck works for Acme Corporation";</script></head>
<body><nav><a href="/">Home</a> | <a href="/world">World</a></nav>
<article><h1>Merkel meets Macron</h1>
<p>German Chancellor Angela Merkel met French President Emmanuel Macron in Paris on Tuesday.</p>
<p>Wolfgang Schmidt, a spokesman for the German government, said the talks went well.</p>
</article><footer>Copyright 2025 Example News.</footer></body></html>
"""
JSON_ARTICLE = {
    "id": "wire-17",
    "title": "Trump talks trade",
    "url": "https://wire.example.org/17",
    "published": "2025-04-09T10:30:00Z",
    "author": ["Jane Doe", "John Roe"],
    "source": "Example Wire",
    "text": "Treasury Secretary Scott Bessent met Chinese Vice Premier He Lifeng in Geneva.",
}


def zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("article.txt", "Donald Trump imposed tariffs on China. " * 20)
    return buffer.getvalue()


@dataclass(frozen=True)
class Case:
    """One bad input: the files that make it, and the reason kg gives for skipping it."""

    name: str
    files: dict[str, bytes]
    reason: str  # "{dir}" stands for the input folder
    link: tuple[str, str] | None = None


CASES = [
    Case("empty", {"empty.txt": b""}, "'{dir}/empty.txt' is empty; remove it or add the article's text."),
    Case(
        "whitespace-only",
        {"blank.md": b" \r\n\t\r\n"},
        "'{dir}/blank.md' is empty; remove it or add the article's text.",
    ),
    Case(
        "image-renamed-txt",
        {"photo.txt": PNG},
        "'{dir}/photo.txt' is not a text file; pass articles as .txt, .md, .html or .jsonl files.",
    ),
    Case(
        "zip-renamed-txt",
        {"archive.txt": zip_bytes()},
        "'{dir}/archive.txt' is not a text file; pass articles as .txt, .md, .html or .jsonl files.",
    ),
    Case(
        "undecodable-bytes",
        {"garbled.txt": b"Trump \x81\x8d\x8f\x90\x9d said \x81"},
        "'{dir}/garbled.txt' is not text in an encoding kg can tell (UTF-8, UTF-16 or "
        "Windows-1252); re-save it as UTF-8.",
    ),
    Case(
        "duplicate-article",
        {"z-copy.txt": b"\xef\xbb\xbf" + SEED_A.replace("\n", "\r\n").encode()},
        "'{dir}/z-copy.txt' repeats an article already read; it is counted once.",
    ),
    Case(
        "malformed-jsonl-line",
        {"wire.jsonl": (json.dumps(JSON_ARTICLE) + '\n{"text": "cut off\n{"text": "Kept."}\n').encode()},
        "'{dir}/wire.jsonl' line 2 is not valid JSON (Unterminated string starting at column 10); "
        "fix or remove that line.",
    ),
    Case(
        "jsonl-line-without-text",
        {"feed.jsonl": b'{"title": "Headline only", "id": 3}\n{"text": "Also kept."}\n'},
        "'{dir}/feed.jsonl' line 1 has no \"text\"; give each article its text as a string in a "
        '"text" field.',
    ),
    Case(
        "unreadable-file",
        {"locked.txt": b"A locked article about Angela Merkel."},
        "Cannot read '{dir}/locked.txt' (Permission denied); check its permissions or remove it "
        "from the input.",
    ),
    Case(
        "symlink-loop-file",
        {},
        "Cannot read '{dir}/loop.txt': it is a symbolic link that leads back to itself; fix or "
        "remove the link.",
        link=("loop.txt", "loop.txt"),
    ),
    Case(
        "symlink-loop-folder",
        {"sub/note.md": b"# Note\n\nKept as well.\n"},
        "'{dir}/sub/up' leads to a folder already searched (a loop of symbolic links); its articles "
        "are read once.",
        link=("sub/up", ".."),
    ),
    Case(
        "html-without-article",
        {"menu.html": b"<html><head><script>var menu = 1;</script></head><body></body></html>"},
        "'{dir}/menu.html' has no article text that kg could find; pass the page of an article, not "
        "an index or an empty page.",
    ),
]

# Readable inputs in every form kg takes, each expected in the graph under its dcterms:source.
GOOD_FILES: dict[str, bytes] = {
    "a-seed.txt": SEED_A.encode(),
    "b-seed-utf16.txt": SEED_B.replace("\n", "\r\n").encode("utf-16"),
    "c-cp1252.txt": "Angela Merkel met Emmanuel Macron in Paris, the café owner said “no”.\r\n".encode(
        "cp1252"
    ),
    "d-page.html": PAGE.encode(),
}
GOOD_SOURCES = {
    "a-seed.txt",
    "b-seed-utf16.txt",
    "c-cp1252.txt",
    "d-page.html",
    "wire.jsonl#1",
    "wire.jsonl#3",
    "feed.jsonl#2",
    "note.md",
}


def make_inputs(folder: Path, cases: list[Case]) -> None:
    for name, data in GOOD_FILES.items():
        write(folder / name, data)
    for case in cases:
        add_case(folder, case)


def add_case(folder: Path, case: Case) -> None:
    for name, data in case.files.items():
        write(folder / name, data)
    if case.link is not None:
        (folder / case.link[0]).symlink_to(case.link[1])


def write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)


# One spaCy pipeline for every in-process build in this module (see conftest.py).
pytestmark = pytest.mark.usefixtures("pipeline")


@pytest.fixture(scope="module", autouse=True)
def locked_files() -> Iterator[None]:
    """Files named locked.txt cannot be read. Tests run as root, who reads any file whatever its
    permissions, so the refusal a user would get is simulated."""
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "locked.txt":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(Path, "read_bytes", refuse)
        yield


def build(*args: str, input: bytes | None = None) -> Result:
    return CliRunner().invoke(cli, ["build", *args], input=input)


@pytest.fixture(scope="module")
def messy(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Result, Graph, dict[str, object]]:
    """One build of a folder holding every case beside readable articles in every form."""
    folder = tmp_path_factory.mktemp("messy") / "in"
    make_inputs(folder, CASES)
    output = folder.parent / "out"
    result = build(str(folder), "-o", str(output))
    graph = Graph().parse(output / "graph.ttl", format="turtle")
    report = json.loads((output / "report.json").read_text(encoding="utf-8"))
    return folder, result, graph, report


def article_sources(graph: Graph) -> set[str]:
    return {str(source) for _, source in graph.subject_objects(DCTERMS.source)}


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_bad_input_is_skipped_with_its_reason_and_nothing_else_lost(
    case: Case, messy: tuple[Path, Result, Graph, dict[str, object]]
) -> None:
    folder, result, graph, report = messy
    reason = case.reason.format(dir=folder)
    assert result.exit_code == 0, result.output
    assert f"Skipped: {reason}" in result.stderr.splitlines()
    assert reason in report["skipped"]  # type: ignore[operator]
    assert article_sources(graph) == GOOD_SOURCES
    assert report["documents"] == len(GOOD_SOURCES)


def test_messy_build_lists_exactly_what_it_skipped(
    messy: tuple[Path, Result, Graph, dict[str, object]],
) -> None:
    folder, result, _, report = messy
    reasons = sorted(case.reason.format(dir=folder) for case in CASES)
    assert sorted(report["skipped"]) == reasons  # type: ignore[call-overload]
    skipped_lines = [line for line in result.stderr.splitlines() if line.startswith("Skipped: ")]
    assert sorted(skipped_lines) == [f"Skipped: {reason}" for reason in reasons]
    assert result.stdout.startswith(f"Built a graph of {len(GOOD_SOURCES)} articles (")
    assert "Traceback" not in result.output


def test_every_encoding_reads_as_the_same_text(messy: tuple[Path, Result, Graph, dict[str, object]]) -> None:
    _, _, graph, _ = messy
    evidence = {str(text) for text in graph.objects(None, KG.evidence)}
    cafe = [text for text in evidence if "café owner" in text]
    assert cafe and all("“no”" in text for text in cafe), cafe
    # The UTF-16 copy of the second seed article yields its facts like the UTF-8 original.
    second = URIRef(next(s for s, o in graph.subject_objects(DCTERMS.source) if str(o) == "b-seed-utf16.txt"))
    assert (None, None, second) in graph
    assert "\r" not in "".join(evidence)


def test_html_yields_the_article_and_its_metadata_without_scripts(
    messy: tuple[Path, Result, Graph, dict[str, object]],
) -> None:
    _, _, graph, _ = messy
    page = next(s for s, o in graph.subject_objects(DCTERMS.source) if str(o) == "d-page.html")
    assert graph.value(page, DCTERMS.title) == Literal("Merkel meets Macron")
    assert graph.value(page, SCHEMA.author) == Literal("Jane Doe")
    assert graph.value(page, SCHEMA.datePublished) == Literal(date(2025, 4, 9))
    assert graph.value(page, SCHEMA.url) == Literal(
        "https://news.example.org/merkel-macron", datatype=XSD.anyURI
    )
    labels = {
        str(label) for label in graph.objects(None, URIRef("http://www.w3.org/2000/01/rdf-schema#label"))
    }
    assert {"Angela Merkel", "Emmanuel Macron"} <= labels
    assert not {"Donald Duck", "Acme Corporation"} & labels


def test_jsonl_metadata_is_in_the_graph(messy: tuple[Path, Result, Graph, dict[str, object]]) -> None:
    _, _, graph, _ = messy
    article = next(s for s, o in graph.subject_objects(DCTERMS.source) if str(o) == "wire.jsonl#1")
    assert (article, RDF.type, SCHEMA.NewsArticle) in graph
    published = Literal(datetime(2025, 4, 9, 10, 30, tzinfo=timezone.utc))
    assert published.datatype == XSD.dateTime
    assert set(graph.predicate_objects(article)) >= {
        (DCTERMS.identifier, Literal("wire-17")),
        (DCTERMS.title, Literal("Trump talks trade")),
        (DCTERMS.date, published),
        (SCHEMA.datePublished, published),
        (SCHEMA.author, Literal("Jane Doe")),
        (SCHEMA.author, Literal("John Roe")),
        (SCHEMA.publisher, Literal("Example Wire")),
        (SCHEMA.url, Literal("https://wire.example.org/17", datatype=XSD.anyURI)),
    }
    assert set(graph.objects(article, SCHEMA.mentions))


# --- --strict ------------------------------------------------------------------------------


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.name)
def test_strict_stops_at_the_bad_input_and_keeps_the_previous_output(
    case: Case, tmp_path: Path, seed_output: Path
) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SEEDS[0], folder / "a-seed.txt")
    add_case(folder, case)
    output = tmp_path / "out"
    shutil.copytree(seed_output, output)
    before = snapshot(output)
    result = build(str(folder), "-o", str(output), "--strict")
    assert result.exit_code == 1, result.output
    assert result.stdout == ""
    assert result.stderr == f"Error: Stopped (strict): {case.reason.format(dir=folder)}\n"
    assert snapshot(output) == before


def test_strict_with_nothing_to_skip_builds(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    make_inputs(folder, [])
    result = build(str(folder), "-o", str(tmp_path / "out"), "--strict", "--quiet")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["skipped"] == []
    assert report["documents"] == len(GOOD_FILES)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --- standard input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data, sources",
    [
        (SEED_A.replace("\n", "\r\n").encode("utf-16"), {"<stdin>"}),
        (
            (json.dumps(JSON_ARTICLE) + "\n" + json.dumps({"text": SEED_B}) + "\n").encode(),
            {"<stdin>#1", "<stdin>#2"},
        ),
    ],
    ids=["text", "jsonl"],
)
def test_dash_reads_standard_input(tmp_path: Path, data: bytes, sources: set[str]) -> None:
    result = build("-", "-o", str(tmp_path / "out"), input=data)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    assert article_sources(graph) == sources
    assert set(graph.subjects(SCHEMA.mentions, None))


def test_empty_standard_input(tmp_path: Path) -> None:
    result = build("-", "-o", str(tmp_path / "out"), input=b"")
    assert result.exit_code == 1
    assert result.stderr == (
        "Error: None of the 1 input files could be read as an article; the first reason: Standard "
        "input is empty; remove it or add the article's text.\n"
    )
    assert not (tmp_path / "out" / "graph.ttl").exists()


# --- a long article ------------------------------------------------------------------------


def test_an_article_over_spacys_max_length_is_parsed_in_parts(tmp_path: Path, pipeline: Language) -> None:
    # A 20 MB article takes minutes to parse; the same path is taken by a shorter article when
    # the pipeline's limit is lowered (spaCy refuses any text longer than nlp.max_length).
    text = "\n\n".join([SEED_A.strip(), SEED_B.strip()] * 3) + "\n"
    write(tmp_path / "long.txt", text.encode())
    whole = build(str(tmp_path / "long.txt"), "-o", str(tmp_path / "whole"))
    assert whole.exit_code == 0, whole.output
    limit = 3_000
    assert len(text) > 5 * limit
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(pipeline, "max_length", limit)
        parts = build(str(tmp_path / "long.txt"), "-o", str(tmp_path / "parts"))
    assert parts.exit_code == 0, parts.output
    graph = Graph().parse(tmp_path / "parts" / "graph.ttl", format="turtle")
    offsets = [
        (int(graph.value(s, KG.startChar)), int(graph.value(s, KG.endChar)), str(graph.value(s, KG.evidence)))
        for s in graph.subjects(RDF.type, RDF.Statement)
    ]
    assert max(start for start, _, _ in offsets) > len(text) - limit  # facts from the last part
    for start, end, evidence in offsets:
        assert text[start:end] == evidence
    # Cut at paragraph breaks, the article yields the same graph as when parsed whole.
    assert (tmp_path / "parts" / "graph.ttl").read_bytes() == (tmp_path / "whole" / "graph.ttl").read_bytes()


# --- many files ----------------------------------------------------------------------------

NAMES = ["Angela Merkel", "Emmanuel Macron", "Olaf Scholz", "Xi Jinping", "Donald Trump", "Keir Starmer"]


def tiny_articles(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    for number in range(count):
        first, second = NAMES[number % len(NAMES)], NAMES[(number * 5 + 1) % len(NAMES)]
        (folder / f"{number:05d}.txt").write_text(
            f"{first} met {second} on day {number}.\n", encoding="utf-8"
        )


def test_a_folder_of_10000_tiny_files_is_read_whole(tmp_path: Path) -> None:
    tiny_articles(tmp_path / "many", 10_000)
    files = find_article_files([tmp_path / "many"])
    skipped: list[str] = []
    documents = list(iter_documents(files, skipped))
    assert len(documents) == 10_000 and skipped == []
    assert [document.source for document in documents] == [f"{number:05d}.txt" for number in range(10_000)]
    assert documents[-1].text == "Xi Jinping met Donald Trump on day 9999.\n"


def test_a_folder_of_many_tiny_files_builds(tmp_path: Path) -> None:
    # Parsing 10,000 articles takes most of a minute; 300 take the same path in a few seconds.
    tiny_articles(tmp_path / "many", 300)
    result = build(str(tmp_path / "many"), "-o", str(tmp_path / "out"), "--strict")
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("Built a graph of 300 articles (")
    graph = Graph().parse(tmp_path / "out" / "graph.ttl", format="turtle")
    assert len(article_sources(graph)) == 300
