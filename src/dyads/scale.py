"""Executors: code many stories in this process, a local pool of worker processes, or a Dask cluster.

    Executor (protocol)    map(task, batches) -> results in input order; close()
     +-- LocalExecutor     `--workers N` processes on this machine (1 = this process)
     +-- DaskExecutor      dask.distributed: a LocalCluster (`--workers N`) or a running scheduler (`--scheduler`)

Every worker process holds one `Coder` (one spaCy model, one set of lexicons), built once per process from
the coder's settings and reused by every batch it codes, with BLAS limited to one thread so that workers do
not fight over cores. Batches go out whole and come back in input order, so results equal one process's.

`code_to_parquet` writes each batch's events as one Parquet file named by a hash of the batch's story ids
(a re-run of the same batch overwrites its file instead of adding another); `ingest` codes through any
executor that way and loads the partitions into the store. Dask is the optional extra `dyads[dask]`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from dyads.errors import ConfigError, MissingExtra
from dyads.model import Event, Reject, Story
from dyads.pipeline import Coder

if TYPE_CHECKING:
    from dyads.store import IngestSummary, Progress, Store

__all__ = ["ENGINES", "DaskExecutor", "Executor", "LocalExecutor", "code_in_pool", "code_stories",
           "code_to_parquet", "ingest", "make_executor", "partition_name"]

ENGINES = ("local", "dask")
T = TypeVar("T")
Task = Callable[[Coder, list[Story]], T]  # runs in a worker with that worker's coder

# -- one coder per worker process ------------------------------------------------------------------------------

_WORKER_CODER: Coder | None = None
_WORKER_KEY: tuple[Any, ...] | None = None
_WORKER_LOCK = threading.Lock()  # a Dask worker with several threads must not run two batches on one model


def _coder_key(coder: Coder) -> tuple[Any, ...]:
    return (tuple(map(str, coder.actor_files)), tuple(map(str, coder.lexicon_files)),
            tuple(map(str, coder.dictionary_dirs)), coder.batch_size, coder.strict_dictionaries)


def _fresh(coder: Coder) -> Coder:
    """An unloaded copy of `coder`'s settings: cheap to send to a worker, which loads it once."""
    return Coder(actor_files=coder.actor_files, lexicon_files=coder.lexicon_files,
                 dictionary_dirs=coder.dictionary_dirs, batch_size=coder.batch_size,
                 strict_dictionaries=coder.strict_dictionaries)


def _init_worker(coder: Coder) -> None:
    """One coder per worker process; BLAS limited to one thread so workers don't fight over cores."""
    global _WORKER_CODER, _WORKER_KEY
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    _WORKER_CODER = coder
    _WORKER_KEY = _coder_key(coder)


def _worker_coder(coder: Coder) -> Coder:
    """This process's coder for `coder`'s settings, built (and its model and lexicons loaded) on first use."""
    if _WORKER_CODER is None or _coder_key(coder) != _WORKER_KEY:
        _init_worker(_fresh(coder))
    assert _WORKER_CODER is not None
    return _WORKER_CODER


_WORKER_OPS: Any = None  # the thinc ops the model was loaded with (dyads' fast matmul ops)


def _pin_ops() -> None:
    """Use the process's model ops in this thread. thinc keeps the current ops per thread, and Dask runs tasks
    in a thread other than the one that loaded the model: without this, tasks fall back to thinc's default
    ops, slower, and with float differences that change a few parses."""
    global _WORKER_OPS
    from thinc.api import get_current_ops, set_current_ops

    from dyads.nlp import load_pipeline

    load_pipeline()  # the first call in a process installs dyads' ops in the calling thread
    if _WORKER_OPS is None:
        _WORKER_OPS = get_current_ops()
    elif get_current_ops() is not _WORKER_OPS:
        set_current_ops(_WORKER_OPS)


def _warm_worker(coder: Coder) -> int:
    """Load the model and lexicons in a worker before it gets work; returns the worker's process id."""
    with _WORKER_LOCK:
        _pin_ops()
        _worker_coder(coder).knowledge  # noqa: B018 - loads the lexicons
    return os.getpid()


def _code_batch(stories: list[Story]) -> list[list[Event]]:
    """Code one batch with the coder `_init_worker` set up (the store's ingest pool calls this)."""
    assert _WORKER_CODER is not None
    return _code_events(_WORKER_CODER, stories)


def _code_events(coder: Coder, stories: list[Story]) -> list[list[Event]]:
    return [events for _, events in coder.code_many(stories)]


def _run_local(task: Task[T], stories: list[Story]) -> T:
    assert _WORKER_CODER is not None
    return task(_WORKER_CODER, stories)


def _run_dask(task: Task[T], coder: Coder, stories: list[Story]) -> T:
    with _WORKER_LOCK:
        _pin_ops()
        return task(_worker_coder(coder), stories)


# -- executors ----------------------------------------------------------------------------------------------------


class Executor(Protocol):
    """Runs a task over batches of stories in worker processes that each hold one coder."""

    workers: int

    def map(self, task: Task[T], batches: Sequence[list[Story]]) -> Iterator[T]:
        """task(worker's coder, batch) for every batch, yielded in input order."""
        ...

    def close(self) -> None: ...

    def __enter__(self) -> Executor: ...

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None: ...


class _Closing:
    def close(self) -> None:
        """Release the workers."""

    def __enter__(self: Any) -> Any:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.close()


class LocalExecutor(_Closing):
    """`workers` processes on this machine (started on first use); 1 runs the batches in this process."""

    def __init__(self, coder: Coder, *, workers: int = 1) -> None:
        self.coder = coder
        self.workers = max(1, workers)
        self._pool: ProcessPoolExecutor | None = None

    def __repr__(self) -> str:
        return f"LocalExecutor(workers={self.workers})"

    def map(self, task: Task[T], batches: Sequence[list[Story]]) -> Iterator[T]:
        if self.workers == 1 or len(batches) <= 1:
            for batch in batches:
                yield task(self.coder, batch)
            return
        if self._pool is None:
            self._pool = ProcessPoolExecutor(max_workers=self.workers, initializer=_init_worker,
                                             initargs=(_fresh(self.coder),))
        pool = self._pool
        yield from _in_order((pool.submit(_run_local, task, batch) for batch in batches), 2 * self.workers)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown()
            self._pool = None


class DaskExecutor(_Closing):
    """Batches as dask.distributed tasks. Without `scheduler`, starts a LocalCluster of `workers` processes
    with one thread each; with one (e.g. "tcp://10.0.0.5:8786"), uses that cluster's workers, which need
    dyads installed and the coder's dictionary files at the same paths."""

    def __init__(self, coder: Coder, *, workers: int = 2, scheduler: str | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError as exc:
            raise MissingExtra("dask", "dask.distributed") from exc
        import logging
        import warnings

        self.coder = _fresh(coder)
        self.scheduler = scheduler
        self._cluster: Any = None
        try:
            if scheduler is None:
                with warnings.catch_warnings():  # another cluster's HTTP port: this one takes a free port
                    warnings.filterwarnings("ignore", message="Port .* is already in use")
                    self._cluster = LocalCluster(n_workers=max(1, workers), threads_per_worker=1, processes=True,
                                                 dashboard_address=None, silence_logs=logging.ERROR)
                self.client: Any = Client(self._cluster)
            else:
                self.client = Client(scheduler, timeout="20s")
        except OSError as exc:  # a scheduler that cannot be reached
            self.close()
            raise ConfigError(f"cannot reach the Dask scheduler {scheduler!r}: {exc}; start one with "
                              "'dask scheduler' or leave out --scheduler for a local cluster") from exc
        self.worker_pids: dict[str, int] = self.client.run(_warm_worker, self.coder)
        self.workers = max(1, len(self.worker_pids))

    def __repr__(self) -> str:
        return f"DaskExecutor(workers={self.workers}, scheduler={self.scheduler or 'local'!r})"

    def map(self, task: Task[T], batches: Sequence[list[Story]]) -> Iterator[T]:
        futures = (self.client.submit(_run_dask, task, self.coder, batch, pure=False) for batch in batches)
        yield from _in_order(futures, 2 * self.workers)

    def run_on_workers(self, function: Callable[[], T]) -> dict[str, T]:
        """function() on every worker, by worker address (e.g. to read each worker's peak memory)."""
        return dict(self.client.run(function))

    def close(self) -> None:
        client = getattr(self, "client", None)
        if client is not None:
            client.close()
            self.client = None
        if self._cluster is not None:
            self._cluster.close()
            self._cluster = None


def _in_order(futures: Iterator[Any], window: int) -> Iterator[Any]:
    """Results of futures in submission order, with at most `window` in flight (bounded memory)."""
    pending: deque[Any] = deque()
    for future in futures:
        pending.append(future)
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def make_executor(coder: Coder, *, engine: str = "local", workers: int = 1,
                  scheduler: str | None = None) -> Executor:
    """The executor for `--engine`/`--workers`/`--scheduler`."""
    if engine not in ENGINES:
        raise ConfigError(f"unknown engine {engine!r}: use local or dask")
    if engine == "local":
        if scheduler:
            raise ConfigError("--scheduler needs --engine dask")
        return LocalExecutor(coder, workers=workers)
    return DaskExecutor(coder, workers=workers, scheduler=scheduler)


# -- coding -------------------------------------------------------------------------------------------------------


def _batches(stories: Sequence[Story], batch_size: int) -> list[list[Story]]:
    return [list(stories[i:i + batch_size]) for i in range(0, len(stories), max(1, batch_size))]


def code_stories(executor: Executor, stories: Sequence[Story], *,
                 batch_size: int = 16) -> Iterator[tuple[Story, list[Event]]]:
    """Code stories with `executor`, yielding each story with its events, in input order."""
    batches = _batches(stories, batch_size)
    for batch, results in zip(batches, executor.map(_code_events, batches), strict=True):
        yield from zip(batch, results, strict=True)


def code_in_pool(coder: Coder, stories: Sequence[Story], *, workers: int = 1,
                 batch_size: int = 16) -> Iterator[tuple[Story, list[Event]]]:
    """Code stories with `workers` processes (1 = in this process), yielding results in input order."""
    if workers <= 1 or len(stories) <= batch_size:
        yield from coder.code_many(stories)
        return
    with LocalExecutor(coder, workers=workers) as executor:
        yield from code_stories(executor, stories, batch_size=batch_size)


def partition_name(stories: Sequence[Story]) -> str:
    """The Parquet file name of a batch: a hash of its story ids, so the same batch always maps to one file."""
    digest = hashlib.sha256("\n".join(story.id for story in stories).encode("utf-8")).hexdigest()
    return f"events-{digest[:20]}.parquet"


@dataclasses.dataclass(frozen=True)
class Partition:
    """One coded batch: its Parquet file, the ids of the stories coded, and the stories the coder failed on."""

    path: Path
    story_ids: tuple[str, ...]
    events: int
    rejects: tuple[Reject, ...] = ()


def _write_partition(folder: Path, coder: Coder, stories: list[Story]) -> Partition:
    """Code a batch (a failing story becomes a reject, the others are kept) and write its events to Parquet
    with the store's event-export columns; written to a temporary name first, so a file is never half there."""
    from dyads.store import MEMORY, Store, _code_chunk

    coded, failed = _code_chunk(coder, stories)
    scratch = Store(MEMORY)
    scratch.add_batch(coded)
    path = folder / partition_name(stories)
    partial = path.with_name(path.name + f".{os.getpid()}.part")
    count = scratch.write_parquet(partial)
    os.replace(partial, path)
    return Partition(path, tuple(story.id for story, _ in coded), count, tuple(failed))


def code_to_parquet(executor: Executor, stories: Sequence[Story], folder: str | Path, *,
                    batch_size: int = 64) -> Iterator[Partition]:
    """Code stories batch by batch into `folder`, one Parquet file per batch, yielding partitions in input
    order. The folder must be reachable at the same path by the workers (same machine or shared disk)."""
    import functools

    target = Path(folder).resolve()
    target.mkdir(parents=True, exist_ok=True)
    yield from executor.map(functools.partial(_write_partition, target), _batches(stories, batch_size))


def read_partition(path: str | Path) -> list[Event]:
    """The events of one partition file, as Event records (ordered by event day and id)."""
    from dyads.store import Store, frame_row_to_event

    return [frame_row_to_event(row) for row in Store.read_parquet(path).to_dict("records")]


def ingest(store: Store, paths: Sequence[str | Path], *, parts: str | Path, engine: str = "local",
           workers: int = 1, scheduler: str | None = None, coder: Coder | None = None, date: Any = None,
           batch_size: int = 64, progress: Progress | None = None, use_actor_memory: bool = True) -> IngestSummary:
    """`dyads.store.ingest` through an engine: the stories the store lacks are coded into Parquet partitions
    under `parts` (one per batch), and each partition is loaded into the store as it arrives. A re-run skips
    stored stories; a batch coded again overwrites its own file."""
    import tempfile

    from dyads.store import IngestSummary, _coder_with_memory, read_new_stories

    read = read_new_stories(store, paths, date=date)
    stored_stories = stored_events = batches = done = 0
    added_rejects = store.add_rejects(read.rejects)
    by_id = {story.id: story for story in read.todo}
    if progress:
        progress("coding", 0, len(read.todo))
    if not read.todo:
        return IngestSummary(stories_read=read.count, stories_skipped=read.known, stories_duplicate=read.duplicates,
                             rejects=added_rejects)
    with tempfile.TemporaryDirectory(prefix="dyads-actors-") as folder:
        if coder is None:
            coder = _coder_with_memory(store, Path(folder) if use_actor_memory else None)
        with make_executor(coder, engine=engine, workers=workers, scheduler=scheduler) as executor:
            for partition in code_to_parquet(executor, read.todo, parts, batch_size=batch_size):
                events: dict[str, list[Event]] = {story_id: [] for story_id in partition.story_ids}
                for event in read_partition(partition.path):
                    events[event.story_id].append(event)
                coded = [(by_id[story_id], found) for story_id, found in events.items()]
                added, added_events, rejected = store.add_batch(coded, rejects=partition.rejects)
                stored_stories += added
                stored_events += added_events
                added_rejects += rejected
                batches += 1
                done += len(partition.story_ids) + len(partition.rejects)
                if progress:
                    progress("coding", done, len(read.todo))
    return IngestSummary(stories_read=read.count, stories_new=stored_stories, stories_skipped=read.known,
                         stories_duplicate=read.duplicates, events=stored_events, rejects=added_rejects,
                         batches=batches)


