"""Executors: code many stories with one process or a pool of worker processes.

Each worker loads its own spaCy model and lexicons once; stories go out in batches and come back in
input order, so results are identical to a single process's.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor

from dyads.model import Event, Story
from dyads.pipeline import Coder

_WORKER_CODER: Coder | None = None


def _init_worker(coder: Coder) -> None:
    """One coder per worker process; BLAS limited to one thread so workers don't fight over cores."""
    global _WORKER_CODER
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1)
    _WORKER_CODER = coder


def _code_batch(stories: list[Story]) -> list[list[Event]]:
    assert _WORKER_CODER is not None
    return [events for _, events in _WORKER_CODER.code_many(stories)]


def code_in_pool(coder: Coder, stories: Sequence[Story], *, workers: int = 1,
                 batch_size: int = 16) -> Iterator[tuple[Story, list[Event]]]:
    """Code stories with `workers` processes (1 = in this process), yielding results in input order."""
    if workers <= 1 or len(stories) <= batch_size:
        yield from coder.code_many(stories)
        return
    batches = [list(stories[i:i + batch_size]) for i in range(0, len(stories), batch_size)]
    fresh = Coder(actor_files=coder.actor_files, lexicon_files=coder.lexicon_files,
                  dictionary_dirs=coder.dictionary_dirs, batch_size=coder.batch_size)
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(fresh,)) as pool:
        for batch, results in zip(batches, pool.map(_code_batch, batches), strict=True):
            yield from zip(batch, results, strict=True)
