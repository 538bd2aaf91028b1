"""`kg build --dask`: the articles are parsed on a Dask cluster and the files are the same."""

from __future__ import annotations

import doctest
import json
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

# Imported here, not first inside a CliRunner run, so Dask's log handler keeps the real stderr.
from distributed import LocalCluster

import kg.build
import kg.distributed
from kg.cli import cli
from kg.distributed import DaskError, extract_on_dask
from kg.errors import ModelError
from kg.nlp import default_model
from kg.records import Document

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
OUTPUT_FILES = ("graph.ttl", "graph.html", "report.json", "ontology.ttl")
# A cluster whose scheduler and workers run in this process and listen on 127.0.0.1 only.
IN_PROCESS: dict[str, Any] = {
    "processes": False,
    "protocol": "tcp",
    "host": "127.0.0.1",
    "dashboard_address": None,
    "scheduler_kwargs": {"dashboard_address": "127.0.0.1:0"},
}

pytestmark = pytest.mark.usefixtures("pipeline")


def run(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


def files(folder: Path) -> dict[str, bytes]:
    return {name: (folder / name).read_bytes() for name in OUTPUT_FILES}


def closed_port() -> int:
    """A port on 127.0.0.1 that nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def articles(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seed articles, and each of their lines again as an article of its own (.jsonl)."""
    folder = tmp_path_factory.mktemp("dask-articles")
    lines = [
        json.dumps({"id": f"{path.stem}-{number}", "text": line.strip()})
        for path in sorted(SEEDS_DIR.glob("*.txt"))
        for number, line in enumerate(path.read_text(encoding="utf-8-sig").splitlines())
        if len(line.split()) > 3
    ]
    for path in SEEDS_DIR.glob("*.txt"):
        shutil.copy(path, folder / path.name)
    (folder / "lines.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a Dask scheduler on 127.0.0.1 with one worker (a thread of this process)."""
    with LocalCluster(n_workers=1, threads_per_worker=1, **IN_PROCESS) as cluster:
        yield cluster.scheduler_address
    kg.distributed._pipelines.clear()


@pytest.mark.slow
def test_a_local_cluster_of_two_processes_writes_the_same_files_as_one_process(
    articles: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Chunks of two articles: many more chunks than are sent ahead, spread over both workers.
    monkeypatch.setattr(kg.build, "BATCH_SIZE", 2)
    plain, dask = tmp_path / "plain", tmp_path / "dask"
    assert run("build", str(articles), "-o", str(plain)).exit_code == 0
    result = run("build", str(articles), "-o", str(dask), "--dask", "local", "--jobs", "2")
    assert result.exit_code == 0, result.output
    report = json.loads((dask / "report.json").read_text(encoding="utf-8"))
    assert report["documents"] > 2 * kg.distributed.CHUNKS_PER_THREAD * kg.build.BATCH_SIZE
    assert f"Built a graph of {report['documents']} articles" in result.stdout
    assert files(dask) == files(plain)


def test_a_cluster_at_an_address_writes_the_same_files(
    scheduler: str, seed_output: Path, tmp_path: Path
) -> None:
    result = run("build", str(SEEDS_DIR), "-o", str(tmp_path), "--dask", scheduler)
    assert result.exit_code == 0, result.output
    assert files(tmp_path) == files(seed_output)


def test_only_a_few_chunks_are_read_ahead_and_articles_keep_their_order(
    scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(kg.build, "BATCH_SIZE", 2)
    read = 0

    def articles() -> Iterator[Document]:
        nonlocal read
        for number in range(20):
            read += 1
            yield Document(
                id=str(number), source=f"{number}.txt", text=f"Angela Merkel spoke in Paris on day {number}."
            )

    extractions = extract_on_dask(articles(), default_model(), scheduler)
    assert next(extractions).document.id == "0"
    # One worker thread: the chunk it parses and the one waiting for it, no more.
    assert read == kg.distributed.CHUNKS_PER_THREAD * kg.build.BATCH_SIZE
    assert [extraction.document.id for extraction in extractions] == [str(n) for n in range(1, 20)]


def test_an_unreachable_scheduler_is_an_error_and_the_previous_output_stays(
    seed_output: Path, tmp_path: Path
) -> None:
    output = tmp_path / "output"
    shutil.copytree(seed_output, output)
    address = f"tcp://127.0.0.1:{closed_port()}"
    result = run("build", str(SEEDS_DIR), "-o", str(output), "--dask", address)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Cannot reach the Dask scheduler at {address} (Connection refused); check that "
        "`dask scheduler` runs there and its port is open, or pass --dask local.\n"
    )
    assert files(output) == files(seed_output)
    assert sorted(path.name for path in output.iterdir()) == sorted(p.name for p in seed_output.iterdir())


def test_an_address_that_is_not_one_is_an_error(tmp_path: Path) -> None:
    result = run("build", str(SEEDS_DIR), "-o", str(tmp_path), "--dask", "scheduler")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error: 'scheduler' is not the address of a Dask scheduler (")
    assert result.stderr.endswith("; pass one such as tcp://host:8786, or local.\n")


def test_a_scheduler_without_workers_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(kg.distributed, "WORKER_TIMEOUT", 0.5)
    with LocalCluster(n_workers=0, **IN_PROCESS) as cluster:
        address = cluster.scheduler_address
        result = run("build", str(SEEDS_DIR), "-o", str(tmp_path), "--dask", address)
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: The Dask scheduler at {address} has no workers; start some with `dask worker "
        f"{address}` on machines with kg and the spaCy pipeline installed.\n"
    )
    assert not list(tmp_path.iterdir())


def test_workers_without_the_pipeline_are_an_error(scheduler: str) -> None:
    article = Document(id="a", source="a.txt", text="Angela Merkel met Emmanuel Macron in Berlin.")
    with pytest.raises(ModelError) as raised:
        list(extract_on_dask([article], "no_such_pipeline", scheduler))
    assert str(raised.value).startswith("The Dask worker tcp://127.0.0.1:")
    assert str(raised.value).endswith(
        " cannot load the spaCy pipeline 'no_such_pipeline'; install it on every worker "
        "(e.g. `pip install no-such-pipeline`) or pass --model with one they all have."
    )


def test_workers_with_another_kg_are_an_error(scheduler: str, monkeypatch: pytest.MonkeyPatch) -> None:
    # The worker reports the installed kg's version; this process claims another.
    monkeypatch.setattr(kg.distributed, "__version__", "0.0.0-other")
    with pytest.raises(DaskError, match=r"has kg \S+ and this machine kg 0\.0\.0-other; install the same"):
        list(extract_on_dask([], "en_core_web_sm", scheduler))


def test_jobs_with_a_scheduler_address_is_a_usage_error(tmp_path: Path) -> None:
    result = run("build", str(SEEDS_DIR), "-o", str(tmp_path), "--dask", "tcp://host:8786", "--jobs", "2")
    assert result.exit_code == 2
    assert "with --dask ADDRESS the cluster's workers parse the articles" in result.stderr


def test_the_examples_in_the_docstrings_hold() -> None:
    outcome = doctest.testmod(kg.distributed)
    assert outcome.attempted > 0
    assert outcome.failed == 0
