"""A build that is stopped (Ctrl-C, kill -9) or cannot write (disk full, no permission) leaves the
previous output as it was and readable, and says so in one line."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

import kg.build
from kg.cli import cli

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS = sorted((PROJECT_DIR / "seeds").glob("*.txt"))
INTERRUPTED = "Interrupted; the previous output is unchanged.\n"
EXTRA_ARTICLE = "German Chancellor Angela Merkel met French President Emmanuel Macron in Paris.\n"


# One spaCy pipeline for every in-process build in this module (see conftest.py).
pytestmark = pytest.mark.usefixtures("pipeline")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder``, hidden temporary ones too, with its bytes."""
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def visible(files: dict[str, bytes]) -> dict[str, bytes]:
    return {name: data for name, data in files.items() if not name.startswith(".")}


def assert_readable(output: Path) -> None:
    """kg can still query what is in ``output``."""
    result = CliRunner().invoke(cli, ["query", str(output), "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"])
    assert result.exit_code == 0, result.output
    assert int(result.stdout.split()[-1]) > 0
    json.loads((output / "report.json").read_text(encoding="utf-8"))


@pytest.fixture
def previous(tmp_path: Path, seed_output: Path) -> tuple[Path, dict[str, bytes]]:
    """An output folder holding a finished earlier build, and its files."""
    output = tmp_path / "out"
    shutil.copytree(seed_output, output)
    return output, snapshot(output)


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    """Three articles: the seeds and one more, so a finished build would change the output."""
    folder = tmp_path / "in"
    folder.mkdir()
    for seed in SEEDS:
        shutil.copy(seed, folder / seed.name)
    (folder / "extra.txt").write_text(EXTRA_ARTICLE, encoding="utf-8")
    return folder


def build(articles: Path, output: Path) -> Result:
    return CliRunner().invoke(cli, ["build", str(articles), "-o", str(output)])


# --- Ctrl-C --------------------------------------------------------------------------------


class FailingFile:
    """An output file that, if it is the ``nth`` file the build writes, takes half of what is
    written to it and then meets ``fault``: a signal, or an error it raises."""

    def __init__(self, handle: Any, count: list[int], nth: int, fault: Callable[[], None]) -> None:
        self.handle, self.fault = handle, fault
        count[0] += 1
        self.fails = count[0] == nth

    def __enter__(self) -> FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()

    def write(self, data: bytes) -> int:
        if not self.fails:
            return int(self.handle.write(data))
        self.handle.write(data[: len(data) // 2])
        self.handle.flush()
        self.fault()
        raise AssertionError("the fault did not stop the write")


def fail_writing(monkeypatch: pytest.MonkeyPatch, nth: int, fault: Callable[[], None]) -> list[int]:
    """Make the ``nth`` file written fail halfway; returns the count of files opened for writing."""
    fdopen = os.fdopen
    count = [0]
    monkeypatch.setattr(
        os, "fdopen", lambda fd, mode="r", *a: FailingFile(fdopen(fd, mode, *a), count, nth, fault)
    )
    return count


def ctrl_c() -> None:
    os.kill(os.getpid(), signal.SIGINT)


def disk_full() -> None:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


# The files a build writes, in order.
WRITTEN = ["graph.ttl", "graph.html", "report.json"]


def test_ctrl_c_while_parsing_leaves_the_previous_output(
    articles: Path, previous: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    output, before = previous
    extract = kg.build.extract_article
    parsed = []

    def interrupted(*args: Any) -> Any:
        parsed.append(args)
        if len(parsed) == 2:
            ctrl_c()
        return extract(*args)

    monkeypatch.setattr(kg.build, "extract_article", interrupted)
    result = build(articles, output)
    monkeypatch.undo()
    assert len(parsed) == 2
    assert result.exit_code == 130
    assert result.stdout == ""
    assert result.stderr == INTERRUPTED
    assert snapshot(output) == before  # no temporary file left behind either
    assert_readable(output)


@pytest.mark.parametrize("nth", [1, 2, 3], ids=WRITTEN)
def test_ctrl_c_while_writing_leaves_the_previous_output(
    nth: int, articles: Path, previous: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    output, before = previous
    written = fail_writing(monkeypatch, nth, ctrl_c)
    result = build(articles, output)
    monkeypatch.undo()
    assert written[0] == nth
    assert result.exit_code == 130
    assert result.stdout == ""
    assert result.stderr == INTERRUPTED
    assert snapshot(output) == before
    assert_readable(output)


def test_ctrl_c_while_the_files_are_moved_into_place_lets_the_build_finish(
    articles: Path, previous: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Moving the finished files into place takes a moment; stopping halfway would mix new files
    # with old ones, so Ctrl-C waits until all of them are in place.
    output, before = previous
    replace = os.replace

    def interrupted(source: str | os.PathLike[str], target: str | os.PathLike[str]) -> None:
        if Path(target).parent == output:
            os.kill(os.getpid(), signal.SIGINT)
        replace(source, target)

    monkeypatch.setattr(os, "replace", interrupted)
    result = build(articles, output)
    monkeypatch.undo()
    assert result.exit_code == 0, result.output
    after = snapshot(output)
    assert sorted(after) == sorted(before)
    assert all(after[name] != before[name] for name in ("graph.ttl", "graph.html", "report.json"))
    assert json.loads(after["report.json"])["documents"] == 3
    assert_readable(output)


# --- killed from outside -------------------------------------------------------------------

DRIVER = """
import os, signal, sys
from pathlib import Path

import kg.build
from kg.cli import main

mode, marker = sys.argv[1], Path(sys.argv[2])
if mode == "parsing":
    extract = kg.build.extract_article

    def extract_and_tell(*args):
        marker.touch()  # the build is parsing articles now
        return extract(*args)

    kg.build.extract_article = extract_and_tell
else:
    fdopen = os.fdopen

    class HalfWrite:
        def __init__(self, handle):
            self.handle = handle

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.handle.close()

        def write(self, data):
            self.handle.write(data[: len(data) // 2])
            self.handle.flush()
            marker.touch()
            os.kill(os.getpid(), signal.SIGKILL)

    def fdopen_dying(fd, mode="r", *args):
        handle = fdopen(fd, mode, *args)
        return HalfWrite(handle) if "w" in mode else handle

    os.fdopen = fdopen_dying
sys.argv = ["kg", *sys.argv[3:]]
main()
"""

KILLS = {
    "ctrl-c-while-parsing": ("parsing", signal.SIGINT),
    "kill-9-while-parsing": ("parsing", signal.SIGKILL),
    "kill-9-halfway-through-writing": ("writing", None),
}


@pytest.fixture(scope="module")
def killed_builds(
    tmp_path_factory: pytest.TempPathFactory, seed_output: Path
) -> dict[str, tuple[Path, dict[str, bytes], int, str]]:
    """Each way of stopping `kg build` from outside, run side by side in real processes: the
    output folder, its files before, the exit status and what the process printed to stderr."""
    root = tmp_path_factory.mktemp("killed")
    inputs = {"parsing": root / "many", "writing": root / "few"}
    for folder in inputs.values():
        folder.mkdir()
    for number in range(100):  # enough to be still parsing when the signal comes
        for seed in SEEDS:
            text = f"{seed.read_text(encoding='utf-8')}\nEdition {number}.\n"
            (inputs["parsing"] / f"{number:03d}-{seed.name}").write_text(text, encoding="utf-8")
    for seed in SEEDS:
        shutil.copy(seed, inputs["writing"] / seed.name)
    driver = root / "driver.py"
    driver.write_text(DRIVER, encoding="utf-8")
    runs = {}
    for name, (mode, signum) in KILLS.items():
        output = root / name / "out"
        shutil.copytree(seed_output, output)
        marker = root / name / "marker"
        process = subprocess.Popen(
            [sys.executable, str(driver), mode, str(marker), "build", str(inputs[mode]), "-o", str(output)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        runs[name] = (output, snapshot(output), process, marker, signum)
    results = {}
    for name, (output, before, process, marker, signum) in runs.items():
        deadline = time.monotonic() + 120
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.02)
        if signum is not None and process.poll() is None:
            process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
        results[name] = (output, before, process.returncode, stderr.decode())
    return results


def test_ctrl_c_from_outside_exits_promptly_with_one_line(
    killed_builds: dict[str, tuple[Path, dict[str, bytes], int, str]],
) -> None:
    output, before, status, stderr = killed_builds["ctrl-c-while-parsing"]
    assert status == 130
    assert stderr == INTERRUPTED
    assert snapshot(output) == before
    assert_readable(output)


@pytest.mark.parametrize("name", ["kill-9-while-parsing", "kill-9-halfway-through-writing"])
def test_kill_9_leaves_the_previous_output_readable(
    name: str, killed_builds: dict[str, tuple[Path, dict[str, bytes], int, str]], articles: Path
) -> None:
    output, before, status, stderr = killed_builds[name]
    assert status == -signal.SIGKILL
    assert stderr == ""
    after = snapshot(output)
    assert visible(after) == before
    # A killed process cannot tidy up: what it left is inside one hidden folder, which a
    # later build does not mind.
    assert {name.split("/")[0] for name in after if name not in before} <= {
        path.name for path in output.glob(".kg-build-*")
    }
    assert_readable(output)
    rebuilt = build(articles, output)
    assert rebuilt.exit_code == 0, rebuilt.output
    assert json.loads((output / "report.json").read_text(encoding="utf-8"))["documents"] == 3


# --- cannot write --------------------------------------------------------------------------


@pytest.mark.parametrize("nth", [1, 2, 3], ids=WRITTEN)
def test_disk_full_leaves_the_previous_output(
    nth: int, articles: Path, previous: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    output, before = previous
    written = fail_writing(monkeypatch, nth, disk_full)
    result = build(articles, output)
    monkeypatch.undo()
    assert written[0] == nth
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"Error: Cannot write to '{output}' (No space left on device); free some space or pass "
        "another folder with -o.\n"
    )
    assert snapshot(output) == before
    assert_readable(output)


def test_output_folder_without_write_permission(
    articles: Path, previous: tuple[Path, dict[str, bytes]], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Tests run as root, who may write anywhere: the refusal a user would get is simulated.
    output, before = previous

    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES))

    monkeypatch.setattr(tempfile, "TemporaryFile", refuse)
    result = build(articles, output)
    monkeypatch.undo()
    assert result.exit_code == 1
    assert result.stderr == (
        f"Error: Cannot write to the output folder '{output}' (Permission denied); check its "
        "permissions or pass another folder with -o.\n"
    )
    assert snapshot(output) == before


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes anywhere whatever the permissions")
def test_output_folder_made_read_only(articles: Path, previous: tuple[Path, dict[str, bytes]]) -> None:
    output, before = previous
    output.chmod(0o555)
    try:
        result = build(articles, output)
    finally:
        output.chmod(0o755)
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"Error: Cannot write to the output folder '{output}' (Permission denied)"
    )
    assert snapshot(output) == before
