"""How long `kg build --store` takes to add one article to a large store, and to change nothing.

From folders of real news texts it cuts sentences of at least eight words, makes N + 2 distinct
short articles of two sentences each (pairs of sentences that no other article has): the corpus
of N, the added article and another one, then runs, each in a fresh process:

- `kg build CORPUS --store STORE` into a new store: the first build, every article parsed;
- `kg build ADDED --store STORE`: one article added to the store of N;
- `kg build ADDED --store STORE` and `kg build CORPUS --store STORE` again: nothing new;
- `kg build ADDED --store EMPTY`: the same article added to an empty store (what any one-article
  build costs: starting kg, loading the pipeline, parsing);
- the model load and one parse alone (spaCy's pipeline loaded as kg loads it, the added article
  parsed and extracted), timed inside the process;
- `kg build ANOTHER --store STORE -o OUT`: one more article added, with the files of the whole
  store's graph written (graph.ttl, graph.html, report.json);
- `kg build CORPUS ADDED ANOTHER -o OUT` without a store: a fresh build of the store's articles,
  whose graph.ttl must be the one the store build wrote (skip it with --no-fresh).

It prints wall-clock and processor seconds of each. The machine's load average is printed
beside the figures: other busy processes slow everything down, processor seconds far less.

    python bench/incremental_bench.py ../shared/eval/conll04-train/texts ../shared/eval/dwie-dev/texts
    python bench/incremental_bench.py TEXTS... --articles 1000 --no-fresh
    python bench/incremental_bench.py TEXTS... --keep /tmp/bench   # keep the stores and folders
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kg.nlp import default_model

MODEL_LOAD_AND_ONE_PARSE = """
import sys, time
from pathlib import Path
started = time.perf_counter()
from kg.build import _extract_chunk
from kg.documents import read_document
from kg.nlp import load_pipeline
imported = time.perf_counter()
nlp = load_pipeline(sys.argv[2])
loaded = time.perf_counter()
list(_extract_chunk(nlp, [read_document(Path(sys.argv[1]))]))
parsed = time.perf_counter()
print(imported - started, loaded - imported, parsed - loaded)
"""


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    output: str

    def __str__(self) -> str:
        return f"{self.seconds:6.2f} s (processor {self.cpu_seconds:6.2f} s)"


def sentences(folders: list[Path]) -> list[str]:
    """The distinct sentences of at least eight words in the .txt files of ``folders``."""
    found: set[str] = set()
    for folder in folders:
        for path in sorted(folder.glob("*.txt")):
            for sentence in re.split(r"(?<=[.!?])\s+", path.read_text(encoding="utf-8")):
                sentence = " ".join(sentence.split())
                if len(sentence.split()) >= 8:
                    found.add(sentence)
    if len(found) < 10:
        sys.exit(f"Too few sentences in {', '.join(map(str, folders))}; pass folders of news texts (.txt).")
    return sorted(found)


def make_articles(pieces: list[str], count: int, folder: Path) -> None:
    """Write ``count`` articles into ``folder``: article i is sentences a and b, with a = i mod n and
    b = a + 1 + i div n (mod n), so no two articles are the same pair."""
    n = len(pieces)
    if count > n * (n - 1):
        sys.exit(f"{n} sentences make at most {n * (n - 1):,} distinct articles; pass more texts.")
    folder.mkdir(parents=True)
    for i in range(count):
        a = i % n
        b = (a + 1 + i // n) % n
        (folder / f"{i:06d}.txt").write_text(f"{pieces[a]}\n\n{pieces[b]}\n", encoding="utf-8")


def run(command: list[str]) -> Run:
    """Run ``command``: its wall-clock time, the processor time it used, and what it printed."""
    before = os.times()
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    after = os.times()
    if done.returncode != 0:
        sys.exit(f"{' '.join(command)} failed:\n{done.stderr.decode(errors='replace')}")
    cpu = after.children_user + after.children_system - before.children_user - before.children_system
    return Run(seconds, cpu, done.stdout.decode())


def kg(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "kg", *map(str, args)]


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("texts", type=Path, nargs="+", help="Folders of news texts (.txt).")
    parser.add_argument("--articles", type=int, default=10_000, help="Articles in the store.")
    parser.add_argument("--model", default=default_model(), help="spaCy pipeline to use.")
    parser.add_argument("--no-fresh", action="store_true", help="Skip the fresh build without a store.")
    parser.add_argument("--keep", type=Path, help="A new folder to make the stores in and keep them.")
    args = parser.parse_args()

    pieces = sentences(args.texts)
    with tempfile.TemporaryDirectory(prefix="kg-incremental-bench-") as scratch:
        root = Path(scratch)
        if args.keep is not None:
            args.keep.mkdir(parents=True)
            root = args.keep
        corpus, added, another = root / "corpus", root / "added", root / "another"
        make_articles(pieces, args.articles + 2, root / "all")
        corpus.mkdir()
        for path in sorted((root / "all").iterdir())[: args.articles]:
            path.rename(corpus / path.name)
        added.mkdir()
        another.mkdir()
        *_, second_last, last = sorted((root / "all").iterdir())
        second_last.rename(added / second_last.name)
        last.rename(another / last.name)
        article = next(added.iterdir())
        words = sum(len(path.read_text(encoding="utf-8").split()) for path in corpus.iterdir())
        store, empty = root / "store", root / "empty-store"
        model = ("--model", args.model)
        print(f"Corpus: {args.articles:,} articles, {words:,} words; model {args.model}")
        print(f"Machine: {os.cpu_count()} cores, {load()}", flush=True)

        first = run(kg("build", corpus, "--store", store, "-q", *model))
        print(f"first build into a new store ({args.articles:,} articles):  {first}  [{load()}]", flush=True)
        add = run(kg("build", added, "--store", store, *model))
        print(f"add 1 article to the store of {args.articles:,}:  {add}  [{load()}]", flush=True)
        print(f"  kg says: {add.output.splitlines()[0]}")
        same = run(kg("build", added, "--store", store, *model))
        print(f"the same article again (nothing new):  {same}  [{load()}]", flush=True)
        print(f"  kg says: {same.output.splitlines()[0]}")
        everything = run(kg("build", corpus, "--store", store, "-q", *model))
        print(f"all {args.articles:,} articles again (nothing new):  {everything}  [{load()}]", flush=True)
        alone = run(kg("build", added, "--store", empty, "-q", *model))
        print(f"add the article to an empty store:  {alone}  [{load()}]", flush=True)
        bare = run([sys.executable, "-c", MODEL_LOAD_AND_ONE_PARSE, str(article), args.model])
        imports, loading, parsing = (float(value) for value in bare.output.split())
        print(
            f"model load + one parse:  {loading + parsing:.2f} s (load {loading:.2f} s, parse "
            f"{parsing:.2f} s; importing spaCy and kg before: {imports:.2f} s; the whole process "
            f"{bare})  [{load()}]",
            flush=True,
        )
        files = run(kg("build", another, "--store", store, "-o", root / "out", "-q", *model))
        print(f"add 1 more article and write the files of the store's graph:  {files}  [{load()}]")
        size = sum(path.stat().st_size for path in (root / "out").iterdir()) / 2**20
        print(f"  ({size:,.0f} MiB of files)", flush=True)
        if not args.no_fresh:
            fresh = run(kg("build", corpus, added, another, "-o", root / "fresh", "-q", *model))
            print(f"fresh build of the {args.articles + 2:,} articles, no store:  {fresh}  [{load()}]")
            same = (root / "fresh" / "graph.ttl").read_bytes() == (root / "out" / "graph.ttl").read_bytes()
            print(f"  graph.ttl of the store equals the fresh build's: {'yes' if same else 'NO'}")


if __name__ == "__main__":
    main()
