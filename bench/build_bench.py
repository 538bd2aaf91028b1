"""How fast `kg build` runs next to bare spaCy, how it spreads over processes, and its peak memory.

From a folder of real news texts it writes a corpus of at least the asked number of words into a
temporary folder (the texts repeated as often as needed, each copy made distinct by a last line
"Copy N." so that kg does not count it as a repeat), then runs, each in a fresh process:

- bare spaCy: read the files and `nlp.pipe` them with the same model, batch size and process count
  (for one process also cut into the parts of at most 10,000 characters that kg parses a long
  article in, which spaCy parses faster than whole long texts);
- `kg build` end to end (read, parse, extract, resolve, write graph.ttl, graph.html, report.json);

and prints words per second of both and their ratio, for one process and for --jobs processes, the
`kg build --jobs` speed-up over one process, and the peak resident memory of `kg build` (one
process) at each of the --memory-sizes. Every time is wall-clock time of the whole process, model
loading included. The machine's load average is printed beside the figures: another busy process
slows everything down. For one process, the ratio of processor times (words per CPU second) is
printed too; it is far less disturbed by other work on the machine.

    python bench/build_bench.py ../shared/eval/dwie-dev/texts
    python bench/build_bench.py TEXTS --words 100000 --memory-sizes 50000,100000 --jobs 2
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from kg.build import MAX_PART_CHARS
from kg.nlp import default_model

# What `kg build` feeds nlp.pipe at a time (kg.build.BATCH_SIZE), used for bare spaCy as well.
BATCH_SIZE = 32

BARE_SPACY = """
import sys
from pathlib import Path
import spacy
folder, model, jobs, batch_size = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
part_chars = int(sys.argv[5])
nlp = spacy.load(model)
texts = (path.read_text(encoding="utf-8") for path in sorted(folder.iterdir()))
if part_chars:
    from kg.documents import split_text
    texts = (part for text in texts for part in split_text(text, part_chars))
for doc in nlp.pipe(texts, batch_size=batch_size, n_process=jobs):
    pass
"""


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_rss_mib: float


def make_corpus(source: Path, words: int, folder: Path) -> int:
    """Write the texts of ``source`` into ``folder`` until they hold at least ``words`` words."""
    texts = [path.read_text(encoding="utf-8") for path in sorted(source.glob("*.txt"))]
    if not texts:
        sys.exit(f"No .txt files in {source}; pass a folder of news texts.")
    folder.mkdir(parents=True)
    total, copy = 0, 0
    while total < words:
        for number, text in enumerate(texts):
            text = text.rstrip() + f"\n\nCopy {copy}.\n"
            (folder / f"{copy:04d}-{number:05d}.txt").write_text(text, encoding="utf-8")
            total += len(text.split())
            if total >= words:
                break
        copy += 1
    return total


def run(command: list[str]) -> Run:
    """Run ``command``: its wall-clock time, the processor time it and its worker processes used,
    and its peak resident memory (its own or any of its worker processes', whichever is larger)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert process.stderr is not None
    errors = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(command)} failed:\n{errors.decode(errors='replace')}")
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024)


def bare_spacy(corpus: Path, model: str, jobs: int, part_chars: int = 0) -> Run:
    """nlp.pipe over the texts, whole or (with ``part_chars``) cut into parts as kg cuts them."""
    return run(
        [sys.executable, "-c", BARE_SPACY, str(corpus), model, str(jobs), str(BATCH_SIZE), str(part_chars)]
    )


def kg_build(corpus: Path, output: Path, model: str, jobs: int) -> Run:
    return run(
        [sys.executable, "-m", "kg", "build", str(corpus), "-o", str(output), "--model", model]
        + ["--jobs", str(jobs), "--quiet"]
    )


def load() -> str:
    return "load average {:.2f} {:.2f} {:.2f}".format(*os.getloadavg())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("texts", type=Path, help="Folder of news texts (.txt), e.g. dwie-dev/texts.")
    parser.add_argument("--words", type=int, default=500_000, help="Words of the speed runs.")
    parser.add_argument("--jobs", type=int, default=2, help="Processes of the parallel runs.")
    parser.add_argument(
        "--memory-sizes",
        default="100000,500000,1000000",
        help="Corpus sizes in words (comma-separated) to report peak memory at.",
    )
    parser.add_argument("--model", default=default_model(), help="spaCy pipeline to use.")
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.memory_sizes.split(",") if size} | {args.words})

    with tempfile.TemporaryDirectory(prefix="kg-build-bench-") as scratch:
        corpora = {size: Path(scratch) / f"corpus-{size}" for size in sizes}
        words = {size: make_corpus(args.texts, size, corpora[size]) for size in sizes}
        corpus, total = corpora[args.words], words[args.words]
        print(f"Corpus: {total:,} words in {len(list(corpus.iterdir())):,} files; model {args.model}")
        print(f"Machine: {os.cpu_count()} cores, {load()}")

        def rate(result: Run) -> float:
            return total / result.seconds

        results: dict[str, Run] = {}
        for jobs in sorted({1, args.jobs}):
            bare = bare_spacy(corpus, args.model, jobs)
            built = kg_build(corpus, Path(scratch) / f"out-{jobs}", args.model, jobs)
            results[f"bare-{jobs}"], results[f"kg-{jobs}"] = bare, built
            print(
                f"{jobs} process{'es' if jobs > 1 else ''}: bare spaCy {rate(bare):,.0f} words/s "
                f"({bare.seconds:.1f} s), kg build {rate(built):,.0f} words/s ({built.seconds:.1f} s), "
                f"ratio {rate(built) / rate(bare):.2f}  [{load()}]",
                flush=True,
            )
            if jobs == 1:
                print(
                    f"  processor time: bare spaCy {bare.cpu_seconds:.1f} s, kg build "
                    f"{built.cpu_seconds:.1f} s, ratio {bare.cpu_seconds / built.cpu_seconds:.2f}",
                    flush=True,
                )
                parts = bare_spacy(corpus, args.model, jobs, MAX_PART_CHARS)
                print(
                    f"  bare spaCy on the parts kg parses (at most {MAX_PART_CHARS:,} characters): "
                    f"{rate(parts):,.0f} words/s ({parts.seconds:.1f} s, "
                    f"processor {parts.cpu_seconds:.1f} s), "
                    f"kg build ratio {rate(built) / rate(parts):.2f}  [{load()}]",
                    flush=True,
                )
        if args.jobs > 1:
            same = all(
                (Path(scratch) / "out-1" / name).read_bytes()
                == (Path(scratch) / f"out-{args.jobs}" / name).read_bytes()
                for name in ("graph.ttl", "graph.html", "report.json")
            )
            print(
                f"kg build --jobs {args.jobs} speed-up: "
                f"{results['kg-1'].seconds / results[f'kg-{args.jobs}'].seconds:.2f}x "
                f"(bare spaCy n_process={args.jobs}: "
                f"{results['bare-1'].seconds / results[f'bare-{args.jobs}'].seconds:.2f}x); "
                f"output identical to --jobs 1: {'yes' if same else 'NO'}",
                flush=True,
            )
        print("Peak resident memory of kg build (1 process):")
        for size in sizes:
            result = results["kg-1"] if size == args.words else None
            if result is None:
                result = kg_build(corpora[size], Path(scratch) / f"out-size-{size}", args.model, 1)
            print(
                f"  {words[size]:>11,} words: {result.peak_rss_mib:,.0f} MiB "
                f"({words[size] / result.seconds:,.0f} words/s)  [{load()}]",
                flush=True,
            )


if __name__ == "__main__":
    main()
