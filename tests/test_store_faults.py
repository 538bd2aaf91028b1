"""A build that adds to a persistent store (``kg build --store DIR``) and is killed (kill -9) or
stopped (Ctrl-C) at any moment leaves a store that still opens and holds either what it held
before or everything the build adds, never part of an article; building again then gives the
same store as a build that was never stopped."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from spacy.language import Language

import kg.build
from kg.cli import cli
from kg.nlp import load_pipeline
from kg.store import open_store

SEEDS_DIR = Path(__file__).resolve().parent.parent / "seeds"
EXTRA_ARTICLES = {
    "crisis.txt": (
        "Amanda Hsiao, a senior analyst at the Crisis Group, said on Monday that China and the "
        "United States were still far apart on trade. President Donald Trump imposed a 25% tariff "
        'on Chinese steel imports, the Commerce Department said. "Both sides want a deal," Hsiao '
        "told Reuters.\n"
    ),
    "gmf.txt": (
        "Bonnie Glaser, a director at the German Marshall Fund, said Beijing would not bow to "
        "pressure. Chinese Foreign Minister Wang Yi met Secretary of State Marco Rubio in Kuala "
        "Lumpur, Malaysia, on Thursday.\n"
    ),
    "csis.txt": (
        "Scott Kennedy, a senior adviser at the Center for Strategic and International Studies, "
        "told Reuters that the 145% tariffs on Chinese goods hurt American farmers in Iowa.\n"
    ),
    "stimson.txt": (
        "Yun Sun, director of the China program at the Stimson Center, said talks between Beijing "
        "and Washington could resume in Geneva, Switzerland, next month.\n"
    ),
}
YUN_SUN_AT_STIMSON = "ASK { person:yun-sun kg:worksFor organization:stimson-center }"
Quads = frozenset[ox.Quad]


@pytest.fixture(scope="module", autouse=True)
def pipeline() -> Iterator[Language]:
    """One spaCy pipeline for every in-process build in this module."""
    nlp = load_pipeline()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(kg.build, "load_pipeline", lambda model=None: nlp)
        yield nlp


def quads(store: Path) -> Quads:
    """Every quad in the store at ``store``, read as `kg query` reads it."""
    return frozenset(open_store(store))


def build_into(store: Path, inputs: Path, output: Path) -> None:
    result = CliRunner().invoke(cli, ["build", str(inputs), "-o", str(output), "--store", str(store), "-q"])
    assert result.exit_code == 0, result.output


def describe(found: Quads, old: Quads, new: Quads) -> str:
    """Why ``found`` is neither the store before the build (``old``) nor after it (``new``)."""
    graphs = sorted({str(q.graph_name) for q in (new - found) | (found - new)})
    return (
        f"{len(found)} quads: {len(new - found)} of the build's are missing and {len(found - new)} "
        f"are unexpected (graphs {', '.join(graphs)}); the store held {len(old)} before, {len(new)} after"
    )


@dataclass(frozen=True)
class Stores:
    extras: Path  # the folder of articles the stopped builds add
    edited: Path  # the extra articles under the same names with other text
    seeds: Path  # a store holding the seed articles only
    complete: Path  # the seed store once a build never stopped has added the extra articles
    old: Quads  # what the seed store holds
    new: Quads  # what the complete store holds
    edits: Quads  # what the complete store holds once a build never stopped has added the edited ones


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> Stores:
    root = tmp_path_factory.mktemp("store-faults")
    extras = root / "extras"
    extras.mkdir()
    for name, text in EXTRA_ARTICLES.items():
        (extras / name).write_text(text, encoding="utf-8")
    edited = root / "edited"
    edited.mkdir()
    for name, text in EXTRA_ARTICLES.items():
        (edited / name).write_text(text + "More talks are planned.\n", encoding="utf-8")
    seeds = root / "seeds-store"
    build_into(seeds, SEEDS_DIR, root / "seeds-output")
    reference = root / "reference-store"
    shutil.copytree(seeds, reference)
    build_into(reference, extras, root / "reference-output")
    edits = root / "edits-store"
    shutil.copytree(reference, edits)
    build_into(edits, edited, root / "edits-output")
    old, new = quads(seeds), quads(reference)
    added = {q.graph_name for q in new - old if isinstance(q.graph_name, ox.NamedNode)}
    assert old < new and len(added) == len(EXTRA_ARTICLES), "the extra articles must add to the store"
    replaced = {q.graph_name for q in new - quads(edits) if isinstance(q.graph_name, ox.NamedNode)}
    assert replaced == added, "the edited articles must replace the extra ones"
    return Stores(
        extras=extras, edited=edited, seeds=seeds, complete=reference, old=old, new=new, edits=quads(edits)
    )


@dataclass(frozen=True)
class Stop:
    """When to send which signal to a `kg build` of the extra articles: ``delay`` seconds after its trigger.

    ``parsing``: the build has made its output folder and is reading the articles; ``store``: it
    has opened the store (a file in the store folder appeared or went away). The build adds the
    articles to a copy of the seed store, or with ``replacing`` builds their edited versions into
    a copy of the complete store (building the same articles again would change nothing).
    """

    name: str
    signal: signal.Signals
    trigger: Literal["parsing", "store"]
    delay: float
    replacing: bool = False


STOPS = (
    Stop("kill-while-parsing", signal.SIGKILL, "parsing", 0.0),
    Stop("kill-at-store-open", signal.SIGKILL, "store", 0.0),
    Stop("kill-store+25ms", signal.SIGKILL, "store", 0.025),
    Stop("kill-store+60ms", signal.SIGKILL, "store", 0.060),
    Stop("kill-store+150ms", signal.SIGKILL, "store", 0.150),
    Stop("ctrl-c-while-parsing", signal.SIGINT, "parsing", 0.0),
    Stop("kill-replacing-store+40ms", signal.SIGKILL, "store", 0.040, replacing=True),
    Stop("ctrl-c-store+30ms", signal.SIGINT, "store", 0.030),
)


@dataclass
class Run:
    stop: Stop
    store: Path
    output: Path
    stderr: Path
    process: subprocess.Popen[bytes]
    files: frozenset[str]
    triggered: float | None = None
    signalled: float | None = None
    after: Quads = frozenset()

    def allowed(self, stores: Stores) -> tuple[Quads, ...]:
        """What the store may hold once the build is stopped: as it was, or complete."""
        return (stores.new, stores.edits) if self.stop.replacing else (stores.old, stores.new)

    def fired(self) -> bool:
        if self.stop.trigger == "parsing":
            return self.output.is_dir()
        return frozenset(os.listdir(self.store)) != self.files


@pytest.fixture(scope="module")
def runs(stores: Stores, tmp_path_factory: pytest.TempPathFactory) -> list[Run]:
    """Every :data:`STOPS` case, run side by side, each on its own copy of the seed store."""
    root = tmp_path_factory.mktemp("stopped-builds")
    started: list[Run] = []
    for stop in STOPS:
        store = root / stop.name / "store"
        shutil.copytree(stores.complete if stop.replacing else stores.seeds, store)
        output, stderr = root / stop.name / "output", root / stop.name / "stderr.txt"
        with stderr.open("wb") as err:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "kg",
                    "build",
                    str(stores.edited if stop.replacing else stores.extras),
                    "-o",
                    str(output),
                    "--store",
                    str(store),
                ],
                stdout=subprocess.DEVNULL,
                stderr=err,
            )
        started.append(Run(stop, store, output, stderr, process, frozenset(os.listdir(store))))
    deadline = time.monotonic() + 180
    try:
        while any(run.process.poll() is None for run in started):
            assert time.monotonic() < deadline, "the builds did not end within 180 s"
            for run in started:
                if run.signalled is not None or run.process.poll() is not None:
                    continue
                now = time.monotonic()
                if run.triggered is None and run.fired():
                    run.triggered = now
                if run.triggered is not None and now >= run.triggered + run.stop.delay:
                    run.process.send_signal(run.stop.signal)
                    run.signalled = now
            time.sleep(0.001)
    finally:
        for run in started:
            if run.process.poll() is None:
                run.process.kill()
                run.process.wait()
    for run in started:
        # Ctrl-C may come too late on a loaded machine (see the Ctrl-C test); a kill may not.
        ended = run.stop.signal is signal.SIGINT and run.process.returncode == 0
        assert run.signalled is not None or ended, f"{run.stop.name}: the build ended before it was stopped"
        run.after = quads(run.store)
    return started


def check_store(run: Run, stores: Stores) -> str:
    """``kg query`` answers on the stopped build's store, which is as it was or complete."""
    answer = CliRunner().invoke(cli, ["query", str(run.store), YUN_SUN_AT_STIMSON])
    assert (answer.exit_code, answer.output) == (0, "true\n"), f"{run.stop.name}: {answer.output}"
    before, after = run.allowed(stores)
    assert run.after in (before, after), f"{run.stop.name}: " + describe(run.after, before, after)
    state = "as it was" if run.after == before else "complete"
    if run.triggered is None or run.signalled is None:
        return f"{run.stop.name}: {state}, ended before it could be stopped"
    return (
        f"{run.stop.name}: {state}, stopped {1000 * (run.signalled - run.triggered):.0f} ms after its trigger"
    )


@pytest.mark.slow
def test_a_killed_build_leaves_the_store_as_it_was_or_complete(stores: Stores, runs: list[Run]) -> None:
    killed = [run for run in runs if run.stop.signal is signal.SIGKILL]
    for run in killed:
        assert run.process.returncode == -signal.SIGKILL, f"{run.stop.name}: the build was not killed"
    print("\n" + "\n".join(check_store(run, stores) for run in killed))
    # A kill before the store is opened cannot have changed it.
    assert all(run.after == stores.old for run in killed if run.stop.trigger == "parsing")


@pytest.mark.slow
def test_ctrl_c_exits_130_with_one_line_and_a_readable_store(stores: Stores, runs: list[Run]) -> None:
    for run in runs:
        if run.stop.signal is signal.SIGINT:
            stderr = run.stderr.read_text(encoding="utf-8")
            if run.process.returncode in (0, -signal.SIGINT) and not stderr:
                # On a loaded machine the build may have done all its work before Ctrl-C came
                # (as it ended, or with the finished files being moved into place, when Ctrl-C is
                # ignored): then the store is complete.
                assert run.after == run.allowed(stores)[1], f"{run.stop.name}: ended without its articles"
                continue
            assert run.process.returncode == 130, f"{run.stop.name}: exit {run.process.returncode}\n{stderr}"
            assert len(stderr.splitlines()) == 1, f"{run.stop.name}: {stderr}"
            assert stderr.startswith("Interrupted"), f"{run.stop.name}: {stderr}"
            print(check_store(run, stores))


@pytest.mark.slow
def test_building_again_after_a_stop_equals_a_build_never_stopped(
    stores: Stores, runs: list[Run], tmp_path: Path
) -> None:
    for run in runs:
        store = tmp_path / run.stop.name
        shutil.copytree(run.store, store)
        inputs = stores.edited if run.stop.replacing else stores.extras
        build_into(store, inputs, tmp_path / f"{run.stop.name}-output")
        rebuilt = quads(store)
        before, after = run.allowed(stores)
        assert rebuilt == after, f"{run.stop.name}: " + describe(rebuilt, before, after)
        expected = {quad.triple for quad in after}
        construct = CliRunner().invoke(
            cli, ["query", str(store), "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"]
        )
        assert construct.exit_code == 0, construct.output
        triples = {quad.triple for quad in ox.parse(construct.output.encode(), format=ox.RdfFormat.TURTLE)}
        assert triples == expected, (
            f"{run.stop.name}: kg query sees {len(triples)} triples, not {len(expected)}"
        )
