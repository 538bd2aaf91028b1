"""`kg build INPUTS --store DIR` parses only what the store does not hold yet, and the store (and the
-o files) then hold exactly what a fresh build of all the store's articles gives."""

from __future__ import annotations

import gc
import random
import shutil
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner, Result
from spacy.language import Language

import kg.build
import kg.cache
import kg.incremental
from kg.cache import CACHE_FILE_NAME
from kg.cli import cli
from kg.export.trig import serialize_trig
from kg.incremental import StoreBuild
from kg.store import StoreError, add_to_store, open_store

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
OUTPUT_FILES = ("graph.ttl", "graph.html", "report.json", "ontology.ttl")
SCHOLZ = """Germany's chancellor meets farmers

German Chancellor Olaf Scholz met with farmers on Monday. Christian Lindner, the finance minister \
of Germany, criticized the European Commission for its new rules.
"""
# Resolution across articles: a bare "Mr. Trump" is Donald Trump while he is the only Trump of the
# store, and a Trump of his own once Melania Trump is in it too.
MR_TRUMP = "Mr. Trump met Xi Jinping in Beijing.\n"
DONALD_TRUMP = "President Donald Trump imposed a 25% tariff on Canada, the White House said.\n"
MELANIA_TRUMP = "Melania Trump visited a school in New York on Tuesday.\n"
YUN_SUN = (
    "Yun Sun, director of the China program at the Stimson Center, a Washington think tank, told "
    "Reuters that talks would resume.\n"
)


class Parses:
    """How often a build loaded the spaCy pipeline and parsed an article."""

    def __init__(self) -> None:
        self.loads = 0
        self.articles = 0


@pytest.fixture
def parses(pipeline: Language, monkeypatch: pytest.MonkeyPatch) -> Iterator[Parses]:
    counts = Parses()
    extract = kg.build.extract_article

    def load(model: str | None = None) -> Language:
        counts.loads += 1
        return pipeline

    def count(*args: object) -> object:
        counts.articles += 1
        return extract(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.build, "load_pipeline", load)
    monkeypatch.setattr(kg.build, "extract_article", count)
    yield counts


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two short articles, one with a tariff (an event node)."""
    return folder(tmp_path_factory.mktemp("base"), "base", {"sun.txt": YUN_SUN, "tariff.txt": DONALD_TRUMP})


def run(*args: str | Path) -> Result:
    result = CliRunner().invoke(cli, [str(arg) for arg in args])
    assert result.exit_code == 0, result.output
    return result


def folder(root: Path, name: str, articles: dict[str, str]) -> Path:
    path = root / name
    path.mkdir()
    for file_name, text in articles.items():
        (path / file_name).write_text(text, encoding="utf-8")
    return path


def quads(store: Path) -> frozenset[ox.Quad]:
    return frozenset(open_store(store))


def fresh(root: Path, *inputs: Path, options: tuple[str, ...] = ()) -> tuple[Path, frozenset[ox.Quad]]:
    """A build of ``inputs`` without a store: its output folder, and the quads of its graph.trig."""
    output = root / ("fresh-" + "-".join(path.name for path in inputs))
    run("build", *inputs, "-o", output, "--format", "trig", "-q", *options)
    store = ox.Store()
    store.load(path=output / "graph.trig", format=ox.RdfFormat.TRIG)
    return output, frozenset(store)


def files(output: Path) -> dict[str, bytes]:
    return {name: (output / name).read_bytes() for name in OUTPUT_FILES}


def folder_state(path: Path) -> dict[str, bytes]:
    return {entry.name: entry.read_bytes() for entry in sorted(path.iterdir()) if entry.is_file()}


def test_adding_articles_equals_a_fresh_build_of_all(tmp_path: Path, parses: Parses) -> None:
    news = folder(tmp_path, "news", {"scholz.txt": SCHOLZ})
    store = tmp_path / "store"
    run("build", SEEDS_DIR, "--store", store, "-o", tmp_path / "first")
    assert (parses.loads, parses.articles) == (1, 2)
    result = run("build", news, "--store", store, "-o", tmp_path / "out")
    assert (parses.loads, parses.articles) == (2, 3)  # only the new article was parsed
    assert "Added 1 article to the store (1 parsed) in " in result.stdout
    assert "it holds 3 articles" in result.stdout
    reference, expected = fresh(tmp_path, SEEDS_DIR, news)
    # The same named graph per article and descriptions in the default graph as graph.trig.
    assert quads(store) == expected
    # The -o files are the whole store's graph, as the fresh build wrote them (but the page's title).
    for name in ("graph.ttl", "report.json", "ontology.ttl"):
        assert (tmp_path / "out" / name).read_bytes() == (reference / name).read_bytes(), name


def test_a_new_article_changes_the_nodes_of_earlier_ones(tmp_path: Path, parses: Parses) -> None:
    store = tmp_path / "store"
    inputs = [
        folder(tmp_path, name, {f"{name}.txt": text})
        for name, text in (("mr", MR_TRUMP), ("donald", DONALD_TRUMP), ("melania", MELANIA_TRUMP))
    ]
    query = "SELECT ?who WHERE { GRAPH ?g { ?g dcterms:source 'mr.txt' . ?s rdf:subject ?who } }"
    seen = []
    for count in (1, 2, 3):
        parsed = parses.articles
        run("build", inputs[count - 1], "--store", store, "-q")
        assert parses.articles == parsed + 1
        assert quads(store) == fresh(tmp_path, *inputs[:count])[1], f"after {count} articles"
        answer = CliRunner().invoke(cli, ["query", str(store), query, "--format", "csv"])
        seen.append(answer.output.splitlines()[1:])
    assert seen == [["person:trump"], ["person:donald-trump"], ["person:trump"]]


def test_the_same_inputs_again_change_nothing(base: Path, tmp_path: Path, parses: Parses) -> None:
    store = tmp_path / "store"
    first = run("build", base, "--store", store, "-o", tmp_path / "out")
    before, written = folder_state(store), files(tmp_path / "out")
    again = run("build", base, "--store", store, "-o", tmp_path / "out")
    assert (parses.loads, parses.articles) == (1, 2)  # the first build's only
    assert again.stdout.splitlines()[0] == (
        f"Nothing new: 2 articles ({len((YUN_SUN + DONALD_TRUMP).split())} words) already in the store, "
        "which is unchanged."
    )
    assert again.stdout.splitlines()[1:] == first.stdout.splitlines()[1:]
    assert folder_state(store) == before  # not even opened for writing
    assert files(tmp_path / "out") == written


def test_without_o_only_the_store_is_written(
    base: Path, tmp_path: Path, parses: Parses, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    result = run("build", base, "--store", "store")
    assert sorted(path.name for path in tmp_path.iterdir()) == ["store"]
    assert result.stdout.splitlines()[-1] == "Wrote store"


def test_formats_without_o_are_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["build", str(SEEDS_DIR), "--store", str(tmp_path / "s"), "--format", "nt"]
    )
    assert result.exit_code == 2
    assert result.output.endswith("Error: --format names files to write; with --store, give -o DIR too.\n")
    assert not (tmp_path / "s").exists()


def test_an_article_with_new_text_replaces_the_old_one(base: Path, tmp_path: Path, parses: Parses) -> None:
    store = tmp_path / "store"
    news = folder(tmp_path, "news", {"scholz.txt": SCHOLZ})
    run("build", base, news, "--store", store, "-q")
    (news / "scholz.txt").write_text(SCHOLZ.replace("Olaf Scholz", "Friedrich Merz"), encoding="utf-8")
    result = run("build", news, "--store", store)
    assert "Added 1 article to the store (1 parsed, 1 replaced)" in result.stdout
    assert "it holds 3 articles" in result.stdout
    assert quads(store) == fresh(tmp_path, base, news)[1]
    answer = CliRunner().invoke(cli, ["query", str(store), "ASK { ?who rdfs:label 'Olaf Scholz' }"])
    assert answer.output == "false\n"


def test_the_same_text_under_another_name_replaces_the_old_one(tmp_path: Path, parses: Parses) -> None:
    store = tmp_path / "store"
    run("build", folder(tmp_path, "old", {"scholz.txt": SCHOLZ}), "--store", store, "-q")
    renamed = folder(tmp_path, "renamed", {"chancellor.txt": SCHOLZ})
    result = run("build", renamed, "--store", store)
    assert "(1 parsed, 1 replaced)" in result.stdout
    assert quads(store) == fresh(tmp_path, renamed)[1]


def test_a_cache_of_another_kg_or_pipeline_is_not_reused(
    base: Path, tmp_path: Path, parses: Parses, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    news = folder(tmp_path, "news", {"scholz.txt": SCHOLZ})
    run("build", base, "--store", store, "-q")
    # Another pipeline: every article of the store is parsed again, the earlier ones too.
    result = run("build", news, "--store", store, "--model", "other_pipeline")
    assert parses.articles == 2 + 3
    assert "(3 parsed) in " in result.stdout and "with other_pipeline;" in result.stdout
    # The store remembers its pipeline: the same build again parses nothing.
    assert "Nothing new" in run("build", news, "--store", store).stdout
    monkeypatch.setattr(kg.cache, "__version__", "0.0.0-other")
    run("build", news, "--store", store, "-q")
    assert parses.articles == 2 + 3 + 3
    assert quads(store) == fresh(tmp_path, base, news)[1]


def test_a_change_of_min_confidence_rewrites_without_parsing(
    base: Path, tmp_path: Path, parses: Parses
) -> None:
    store = tmp_path / "store"
    run("build", base, "--store", store, "-q")
    result = run("build", base, "--store", store, "--min-confidence", "0.8")
    assert parses.articles == 2
    assert "Added 0 articles to the store (0 parsed)" in result.stdout
    _, expected = fresh(tmp_path, base, options=("--min-confidence", "0.8"))
    assert quads(store) == expected != fresh(tmp_path, base)[1]


class Stop(Exception):
    """Raised into a build to stop it half-way."""


def stop(*args: object, **kwargs: object) -> None:
    raise Stop


@pytest.mark.parametrize(
    "where",
    ["kg.build.extract_article", "kg.incremental.replace_in_store", "kg.cache.CacheWriter.finish"],
    ids=["while-parsing", "before-the-store-is-written", "after-the-store-is-written"],
)
def test_a_stopped_build_leaves_the_store_as_it_was_or_complete(
    base: Path, where: str, tmp_path: Path, parses: Parses, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    news = folder(tmp_path, "news", {"scholz.txt": SCHOLZ})
    run("build", base, "--store", store, "-q")
    old = quads(store)
    with monkeypatch.context() as patch:
        patch.setattr(where, stop)
        result = CliRunner().invoke(cli, ["build", str(news), "--store", str(store)])
        assert isinstance(result.exception, Stop)
        del result  # its traceback holds the store open (a process that stops closes it)
        gc.collect()
    new = fresh(tmp_path, base, news)[1]
    if where == "kg.cache.CacheWriter.finish":
        # The store took the build in its own transaction; the cache did not, and marked the
        # graphs it changed: the next build rewrites them, with nothing to parse again.
        assert quads(store) == new
    else:
        assert quads(store) == old
    parsed = parses.articles
    run("build", news, "--store", store, "-q")
    assert quads(store) == new
    assert parses.articles == parsed + (1 if where == "kg.build.extract_article" else 0)
    assert "Nothing new" in run("build", news, "--store", store).stdout


def test_a_first_build_stopped_after_the_store_is_written_is_completed(
    base: Path, tmp_path: Path, parses: Parses, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = tmp_path / "store"
    with monkeypatch.context() as patch:
        patch.setattr("kg.cache.CacheWriter.finish", stop)
        result = CliRunner().invoke(cli, ["build", str(base), "--store", str(store)])
        assert isinstance(result.exception, Stop)
        del result
        gc.collect()
    run("build", base, "--store", store, "-q")
    assert parses.articles == 2
    assert quads(store) == fresh(tmp_path, base)[1]


def test_a_build_that_another_build_overtook_is_refused(base: Path, tmp_path: Path, parses: Parses) -> None:
    store = tmp_path / "store"
    run("build", base, "--store", store, "-q")
    news = folder(tmp_path, "news", {"scholz.txt": SCHOLZ})
    plan = StoreBuild(store, model=None, min_confidence=0.0)
    documents = list(kg.build.iter_documents([news / "scholz.txt"], []))
    for document in plan.to_parse(iter(documents)):
        plan.add(next(iter(kg.build._extract_chunk(kg.build.load_pipeline(), [document]))))
    plan.prepare()
    run("build", folder(tmp_path, "other", {"other.txt": MELANIA_TRUMP}), "--store", store, "-q")
    before = quads(store)
    with pytest.raises(StoreError, match="was changed by another build while this one ran; build again"):
        plan.commit()
    plan.close()
    assert quads(store) == before


def test_a_store_without_a_cache_is_refused(
    base: Path, tmp_path: Path, seed_output: Path, parses: Parses
) -> None:
    from rdflib import Graph

    add_to_store(tmp_path / "old", serialize_trig(Graph().parse(seed_output / "graph.ttl")))
    result = CliRunner().invoke(cli, ["build", str(base), "--store", str(tmp_path / "old")])
    assert result.exit_code == 1
    assert result.output == (
        f"Error: The store '{tmp_path / 'old'}' was made by an older kg and has no {CACHE_FILE_NAME} "
        "to add to; build its articles into a new store folder.\n"
    )
    assert parses.loads == 0


def test_a_store_can_be_copied(base: Path, tmp_path: Path, parses: Parses) -> None:
    run("build", base, "--store", tmp_path / "store", "-q")
    shutil.copytree(tmp_path / "store", tmp_path / "copy")
    assert "Nothing new" in run("build", base, "--store", tmp_path / "copy").stdout
    assert quads(tmp_path / "copy") == quads(tmp_path / "store")


def test_docstring_examples_run() -> None:
    import doctest

    for module in (kg.cache, kg.incremental):
        outcome = doctest.testmod(module)
        assert outcome.failed == 0, module.__name__


# Texts whose entities merge across articles: bare surnames, a surname misread as an organisation,
# acronyms of organisations, tariffs whose event nodes take their roles' names.
CORPUS = {
    "mr": MR_TRUMP,
    "donald": DONALD_TRUMP,
    "melania": MELANIA_TRUMP,
    "sun": YUN_SUN,
    "scholz": SCHOLZ,
    "said": "Trump said the talks with China would go on.\n",
    "who": "The World Health Organization warned about the outbreak in Geneva on Friday.\n",
    "who-short": "The WHO said on Monday that cases rose in Europe.\n",
    "ecb": "The European Central Bank raised rates, and ECB officials expect more inflation.\n",
    "canada": "Canada imposed a 10% tariff on China, Prime Minister Justin Trudeau said.\n",
    "justin": "Trudeau met Donald Trump in Washington.\n",
    "us": "The U.S. imposed a 25% tariff on Canada on Monday.\n",
    "states": "The United States and Canada agreed on new rules for steel.\n",
}


def counts(output: str) -> list[str]:
    return [line for line in output.splitlines() if line.startswith(("Entities", "Relations", "Dropped"))]


class FullResolutions:
    """How often a build resolved every article of the store again."""

    def __init__(self) -> None:
        self.count = 0


@pytest.fixture
def full_resolutions(monkeypatch: pytest.MonkeyPatch) -> FullResolutions:
    calls = FullResolutions()
    resolve = kg.incremental.resolve_with_clusters

    def count(*args: object) -> object:
        calls.count += 1
        return resolve(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(kg.incremental, "resolve_with_clusters", count)
    return calls


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_adds_and_replacements_equal_fresh_builds(
    seed: int, tmp_path: Path, parses: Parses, full_resolutions: FullResolutions
) -> None:
    chooser = random.Random(seed)
    store = tmp_path / "store"
    held: dict[str, str] = {}  # file name → text, as the store holds them
    names = [f"{name}.txt" for name in ("a", "b", "c", "d", "e", "f", "g")]
    for step in range(8):
        batch: dict[str, str] = {}
        for _ in range(chooser.choice([1, 1, 2])):
            batch[chooser.choice(names)] = chooser.choice(sorted(CORPUS.values()))
        # The same text twice in one build is one article.
        batch = {name: text for text, name in {text: name for name, text in batch.items()}.items()}
        result = run("build", folder(tmp_path, f"step{step}", batch), "--store", store)
        for name, text in batch.items():
            held = {other: kept for other, kept in held.items() if kept != text}
            held[name] = text
        output = tmp_path / f"fresh{step}"
        reference = run("build", folder(tmp_path, f"all{step}", held), "-o", output, "--format", "trig")
        expected = ox.Store()
        expected.load(path=output / "graph.trig", format=ox.RdfFormat.TRIG)
        assert quads(store) == frozenset(expected), f"step {step}: {batch}"
        # The same counts of entities by class and of relations.
        assert counts(result.stdout) == counts(reference.stdout) != []
        assert "Nothing new" in run("build", folder(tmp_path, f"again{step}", batch), "--store", store).stdout
    assert full_resolutions.count == 1  # the first build's: the others resolved what they changed


def test_a_cache_without_resolution_gets_one(
    base: Path, tmp_path: Path, parses: Parses, full_resolutions: FullResolutions
) -> None:
    store = tmp_path / "store"
    run("build", base, "--store", store, "-q")
    # A cache as kg kept it before it kept what resolution made of the store's articles.
    with closing(sqlite3.connect(store / CACHE_FILE_NAME)) as connection, connection:
        for table in ("clusters", "cluster_terms", "nodes", "mentioned"):
            connection.execute(f"DROP TABLE {table}")
        connection.execute("DELETE FROM meta WHERE name = 'resolution'")
    inputs = [base]
    for name, text in (("mr", MR_TRUMP), ("melania", MELANIA_TRUMP)):
        inputs.append(folder(tmp_path, name, {f"{name}.txt": text}))
        run("build", inputs[-1], "--store", store, "-q")
        assert quads(store) == fresh(tmp_path, *inputs)[1]
        assert full_resolutions.count == 2  # the first build's and the one that made the tables
