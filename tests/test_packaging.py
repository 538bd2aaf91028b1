"""The wheel a user installs: it holds the ontology and data files and works anywhere."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from rdflib import Graph

from kg import __version__

pytestmark = pytest.mark.slow

PROJECT_DIR = Path(__file__).resolve().parent.parent
SEEDS_DIR = PROJECT_DIR / "seeds"
# Build from a copy so that setuptools' build/ and *.egg-info leftovers neither land in the
# checkout nor leak stale files into the wheel.
NOT_PACKAGED = shutil.ignore_patterns(
    ".git", "build", "dist", "output", "*.egg-info", "__pycache__", ".*cache", ".benchmarks"
)


def run(*args: str | Path, cwd: Path) -> str:
    completed = subprocess.run(
        [str(arg) for arg in args], cwd=cwd, capture_output=True, text=True, check=False
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    return completed.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    source = tmp_path_factory.mktemp("source") / "kg"
    shutil.copytree(PROJECT_DIR, source, ignore=NOT_PACKAGED)
    dist = tmp_path_factory.mktemp("dist")
    run(sys.executable, "-m", "pip", "wheel", ".", "--no-deps", "-w", dist, cwd=source)
    return dist / f"kg-{__version__}-py3-none-any.whl"


@pytest.fixture(scope="module")
def venv(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; dependencies come from the machine."""
    venv = tmp_path_factory.mktemp("venv")
    run(sys.executable, "-m", "venv", "--system-site-packages", "--without-pip", venv, cwd=venv)
    # The machine's pip, seen through --system-site-packages, installs into the venv.
    run(venv / "bin" / "python", "-m", "pip", "install", "--no-deps", "--no-index", wheel, cwd=venv)
    return venv


@pytest.mark.parametrize(
    "name, source",
    [
        ("kg/_ontology/kg.ttl", "ontology/kg.ttl"),
        ("kg/data/roles.tsv", "kg/data/roles.tsv"),
        ("kg/data/outlets.txt", "kg/data/outlets.txt"),
        ("kg/data/organization_countries.tsv", "kg/data/organization_countries.tsv"),
    ],
)
def test_wheel_contains_resource(wheel: Path, name: str, source: str) -> None:
    with zipfile.ZipFile(wheel) as archive:
        assert archive.read(name) == (PROJECT_DIR / source).read_bytes()


def test_wheel_declares_the_console_script(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        entry_points = archive.read(f"kg-{__version__}.dist-info/entry_points.txt").decode("utf-8")
    assert "kg = kg.cli:main" in entry_points.splitlines()


def test_installed_package_finds_its_ontology(venv: Path, tmp_path: Path) -> None:
    purelib = "import sysconfig; print(sysconfig.get_paths()['purelib'])"
    site_packages = Path(run(venv / "bin" / "python", "-c", purelib, cwd=tmp_path).strip())
    output = run(
        venv / "bin" / "python",
        "-c",
        "import kg; print(kg.__file__); "
        "from kg.ontology import ontology_path, load_ontology; "
        "print(ontology_path()); print(len(load_ontology()))",
        cwd=tmp_path,
    )
    module, ontology, triples = output.splitlines()
    assert site_packages.is_relative_to(venv)
    assert Path(module) == site_packages / "kg" / "__init__.py", "the checkout shadowed the wheel"
    assert Path(ontology) == site_packages / "kg" / "_ontology" / "kg.ttl"
    assert not Path(ontology).resolve().is_relative_to(PROJECT_DIR)
    source = Graph().parse(PROJECT_DIR / "ontology" / "kg.ttl", format="turtle")
    assert int(triples) == len(source)


def test_installed_kg_builds_the_same_graph(venv: Path, seed_output: Path, tmp_path: Path) -> None:
    # The build reads kg/data/*.tsv|txt and the ontology, so this proves the wheel is complete.
    run(venv / "bin" / "kg", "build", SEEDS_DIR, "-o", tmp_path / "out", "--quiet", cwd=tmp_path)
    for name in ("graph.ttl", "graph.html", "report.json"):
        assert (tmp_path / "out" / name).read_bytes() == (seed_output / name).read_bytes(), name
