"""How fast `kg build --dask local` runs next to a build in one process and one with --jobs.

From a folder of real news texts it writes a corpus of at least the asked number of words (as
bench/build_bench.py does: the texts repeated, each copy made distinct), then runs `kg build` on
it, each in a fresh process: in one process, with `--jobs N`, and with `--dask local --jobs N`
(a Dask cluster of N worker processes started on this machine, each loading the spaCy pipeline).
It prints words per second of each, the speed-up over one process, whether the files are the
same as the one-process build's, and the machine's load average beside each figure. Times are
wall-clock times of the whole command, model loading and the cluster's start included; the
processor time (of the command and all its processes) shows the work each way costs, and is far
less disturbed by other work on the machine.

    python bench/dask_bench.py ../shared/eval/dwie-dev/texts
    python bench/dask_bench.py TEXTS --words 100000 --workers 2
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from build_bench import Run, load, make_corpus, run

from kg.nlp import default_model

OUTPUT_FILES = ("graph.ttl", "graph.html", "report.json")


def kg_build(corpus: Path, output: Path, model: str, options: list[str]) -> Run:
    return run(
        [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(output), "--model", model, "--quiet"]
        + options
    )


def same_files(one: Path, other: Path) -> bool:
    return all((one / name).read_bytes() == (other / name).read_bytes() for name in OUTPUT_FILES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("texts", type=Path, help="Folder of news texts (.txt), e.g. dwie-dev/texts.")
    parser.add_argument("--words", type=int, default=200_000, help="Words of the corpus.")
    parser.add_argument(
        "--workers", type=int, default=os.cpu_count() or 1, help="Processes of --jobs and --dask local."
    )
    parser.add_argument("--model", default=default_model(), help="spaCy pipeline to use.")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="kg-dask-bench-") as scratch:
        corpus = Path(scratch) / "corpus"
        total = make_corpus(args.texts, args.words, corpus)
        print(f"Corpus: {total:,} words in {len(list(corpus.iterdir())):,} files; model {args.model}")
        print(f"Machine: {os.cpu_count()} cores, {load()}", flush=True)
        jobs = ["--jobs", str(args.workers)]
        runs = {
            "1 process": [],
            f"--jobs {args.workers}": jobs,
            f"--dask local --jobs {args.workers}": ["--dask", "local"] + jobs,
        }
        single: Run | None = None
        first = Path(scratch) / "out-0"
        for number, (name, options) in enumerate(runs.items()):
            output = Path(scratch) / f"out-{number}"
            result = kg_build(corpus, output, args.model, options)
            single = single or result
            same = f", same files: {'yes' if same_files(output, first) else 'NO'}" if number else ""
            print(
                f"{name}: {total / result.seconds:,.0f} words/s ({result.seconds:.1f} s, "
                f"{single.seconds / result.seconds:.2f}x one process; processor {result.cpu_seconds:.1f} s, "
                f"peak {result.peak_rss_mib:,.0f} MiB in one process{same})  [{load()}]",
                flush=True,
            )


if __name__ == "__main__":
    main()
