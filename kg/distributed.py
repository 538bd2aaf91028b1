"""The parsing of a build spread over a Dask cluster (``kg build --dask``).

This process reads the articles and sends them to the cluster's workers in chunks of
kg.build.BATCH_SIZE; each worker parses a chunk exactly as a build on one machine parses it
(kg.build._extract_chunk) and sends the extractions back. They come back in input order, and the
cross-article resolution then runs here over all of them, so the graph is the one a build on one
machine writes. Only a few chunks per worker are on their way at a time: memory does not grow
with the input.

Every worker needs kg (with its ``dask`` extra) and the spaCy pipeline installed; it loads the
pipeline once, at its first chunk.

>>> list(extract_on_dask([], "en_core_web_sm", "tcp://127.0.0.1:1"))  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
kg.distributed.DaskError: Cannot reach the Dask scheduler at tcp://127.0.0.1:1 (Connection refused); ...
"""

from __future__ import annotations

import contextlib
import importlib.metadata
import logging
import os
import socket
import threading
from collections import deque
from collections.abc import Iterable, Iterator
from concurrent.futures import CancelledError

from spacy.language import Language

import kg.build
from kg import __version__
from kg.errors import KgError, ModelError
from kg.nlp import load_pipeline
from kg.records import ArticleExtraction, Document

try:
    import dask
    from distributed import Client, Future, KilledWorker, LocalCluster, get_worker
    from distributed.comm import CommClosedError, get_address_host_port, parse_address
except ModuleNotFoundError as error:
    raise KgError(
        "kg build --dask needs Dask; install it with `pip install 'dask[distributed]'` (kg's dask extra)."
    ) from error

#: The address that starts a cluster on this machine instead of connecting to one.
LOCAL = "local"
#: Seconds to wait for the scheduler to answer, and for a scheduler without workers to get one.
CONNECT_TIMEOUT = 5.0
WORKER_TIMEOUT = 30.0
#: Chunks on their way per worker thread: one parsing, one waiting, so no worker sits idle.
CHUNKS_PER_THREAD = 2


class DaskError(KgError):
    """The Dask scheduler cannot be reached, has no usable workers, or a worker failed."""


def extract_on_dask(
    documents: Iterable[Document], model: str, address: str, workers: int | None = None
) -> Iterator[ArticleExtraction]:
    """Each article's extraction, in input order, parsed with the spaCy pipeline ``model`` on
    the Dask cluster whose scheduler is at ``address`` (e.g. tcp://host:8786).

    With ``address`` "local", a cluster of ``workers`` processes (default: one per core) is
    started on this machine, listening on 127.0.0.1 only, and closed at the end.

    Raises DaskError when the scheduler cannot be reached, has no workers, a worker lacks kg or
    has another version of it, or workers die while parsing; ModelError when a worker cannot
    load ``model``.
    """
    with _quiet_logs(), _connect(address, workers) as client:
        _check_workers(client, address)
        in_flight = CHUNKS_PER_THREAD * max(sum(client.nthreads().values()), 1)
        pending: deque[Future] = deque()
        for chunk in kg.build._chunked(iter(documents), kg.build.BATCH_SIZE):
            pending.append(client.submit(_extract_on_worker, model, chunk, pure=False))
            if len(pending) >= in_flight:
                yield from _result(pending.popleft(), address)
        while pending:
            yield from _result(pending.popleft(), address)


@contextlib.contextmanager
def _connect(address: str, workers: int | None) -> Iterator[Client]:
    if address == LOCAL:
        try:
            # Started with Ctrl-C ignored, the worker processes keep ignoring it: Ctrl-C stops the
            # build in this process, which then stops the cluster (a worker stopped on its own
            # would be restarted while the cluster closes).
            with kg.build._ctrl_c_ignored():
                cluster = _start_local_cluster(workers)
        except (OSError, RuntimeError) as error:
            raise DaskError(
                f"Cannot start a Dask cluster on this machine ({error}); build without --dask, "
                "or with --jobs to parse in several processes."
            ) from error
        with cluster, Client(cluster, set_as_default=False) as client:
            yield client
        return
    _check_reachable(address)
    try:
        client = Client(address, timeout=CONNECT_TIMEOUT, set_as_default=False)
    except (OSError, ValueError) as error:
        raise DaskError(
            f"Cannot connect to a Dask scheduler at {address} ({error}); pass the address "
            "`dask scheduler` prints, such as tcp://host:8786, or --dask local."
        ) from error
    with client:
        yield client


def _start_local_cluster(workers: int | None) -> LocalCluster:
    # What Dask sets up for workers by default and a parsing worker pays for: sampling its stacks a
    # hundred times a second for a dashboard that is not there (about a tenth of its processor
    # time), and giving freed memory back to the system at once (four times the system time).
    settings = {
        "distributed.worker.profile.enabled": False,
        "distributed.nanny.pre-spawn-environ": {
            name: value
            for name, value in dask.config.get("distributed.nanny.pre-spawn-environ").items()
            if name != "MALLOC_TRIM_THRESHOLD_"
        },
    }
    with dask.config.set(settings):
        return LocalCluster(
            n_workers=workers or os.cpu_count() or 1,
            threads_per_worker=1,
            processes=True,
            host="127.0.0.1",
            dashboard_address=None,
            # The scheduler's status pages (no dashboard) on any free port, not on 8787.
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=logging.CRITICAL,
        )


def _check_reachable(address: str) -> None:
    """Fail at once, with the reason, when nothing listens at ``address`` (Dask itself keeps
    retrying until its timeout and then names none)."""
    scheme, _ = parse_address(address)
    if scheme not in ("tcp", "tls", "ws", "wss"):
        return
    try:
        host, port = get_address_host_port(address)
    except ValueError as error:
        raise DaskError(
            f"'{address}' is not the address of a Dask scheduler ({error}); pass one such as "
            "tcp://host:8786, or local."
        ) from error
    try:
        socket.create_connection((host, port), timeout=CONNECT_TIMEOUT).close()
    except OSError as error:
        reason = error.strerror or str(error) or "no answer"
        raise DaskError(
            f"Cannot reach the Dask scheduler at {address} ({reason}); check that `dask scheduler` "
            "runs there and its port is open, or pass --dask local."
        ) from error


def _check_workers(client: Client, address: str) -> None:
    """Every worker runs the same kg as this process: the graph must not depend on which worker
    parsed which article."""
    try:
        client.wait_for_workers(1, timeout=WORKER_TIMEOUT)
    except TimeoutError as error:
        raise DaskError(
            f"The Dask scheduler at {address} has no workers; start some with `dask worker "
            f"{address}` on machines with kg and the spaCy pipeline installed."
        ) from error
    versions = client.run(importlib.metadata.version, "kg", on_error="return")
    for worker, version in sorted(versions.items()):
        if isinstance(version, BaseException):
            raise DaskError(
                f"kg is not installed on the Dask worker {worker}; install it on every worker, with "
                "its dask extra and the spaCy pipeline."
            )
        if version != __version__:
            raise DaskError(
                f"The Dask worker {worker} has kg {version} and this machine kg {__version__}; "
                "install the same version on every worker."
            )


def _result(future: Future, address: str) -> list[ArticleExtraction]:
    try:
        extractions: list[ArticleExtraction] = future.result()
    except KilledWorker as error:
        raise DaskError(
            "Dask workers died while parsing articles, more often than the scheduler allows; "
            "check the workers' logs and memory, and build again."
        ) from error
    except (CancelledError, CommClosedError) as error:
        raise DaskError(
            f"Lost the connection to the Dask scheduler at {address} while parsing; check that "
            "it still runs, and build again."
        ) from error
    return extractions


# The pipelines a worker process has loaded, by name.
_pipelines: dict[str, Language] = {}
_pipelines_lock = threading.Lock()


def _extract_on_worker(model: str, documents: list[Document]) -> list[ArticleExtraction]:
    """One chunk's extractions, parsed in a worker process."""
    # A worker with several threads parses one chunk at a time: a pipeline is not shared between
    # threads, and spaCy holds the interpreter lock while it parses anyway.
    with _pipelines_lock:
        nlp = _pipelines.get(model)
        if nlp is None:
            try:
                nlp = _pipelines[model] = load_pipeline(model)
            except ModelError as error:
                raise ModelError(
                    f"The Dask worker {get_worker().address} cannot load the spaCy pipeline "
                    f"'{model}'; install it on every worker (e.g. `pip install "
                    f"{model.replace('_', '-')}`) or pass --model with one they all have."
                ) from error
        return list(kg.build._extract_chunk(nlp, documents))


@contextlib.contextmanager
def _quiet_logs() -> Iterator[None]:
    """Dask logs what it retries and how it shuts down; kg reports what failed as an error."""
    logger = logging.getLogger("distributed")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        yield
    finally:
        logger.setLevel(level)
