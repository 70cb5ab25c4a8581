"""Throughput of the coder: stories/s and sentences/s end to end with 1 and 2 local workers and a 2-worker Dask
LocalCluster on the same input, peak memory per worker, and the split of time between spaCy and our code.
Run: python benchmarks/throughput.py [--stories N] [--workers 1 2] [--dask-workers 2 | --no-dask]

Input: the shipped example stories (and ../shared/data/gold/stories_synthetic.jsonl when present), repeated
to N stories. The split is measured in one process: spaCy's `nlp.pipe` over the (dateline-masked) texts,
then our stages (actors, events, attributes) over the parsed docs, each timed on its own.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import resource
import time
from pathlib import Path

from dyads.model import Story
from dyads.readers import read_stories

ROOT = Path(__file__).resolve().parents[1]


def corpus(size: int) -> list[Story]:
    texts: list[tuple[str, dt.date]] = []
    for item in read_stories([ROOT / "examples"]):
        if isinstance(item, Story):
            texts.append((item.text, item.date))
    gold = ROOT.parent / "shared" / "data" / "gold" / "stories_synthetic.jsonl"
    if gold.exists():
        for line in gold.read_text(encoding="utf-8").splitlines():
            record = json.loads(line)
            texts.append((record["text"], dt.date.fromisoformat(record["date"])))
    return [Story(id=f"s{i}", date=texts[i % len(texts)][1], text=texts[i % len(texts)][0]) for i in range(size)]


def _peak_mib() -> float:
    """This process's peak resident memory, MiB (Linux reports KiB)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def split_time(stories: list[Story]) -> tuple[float, float, int, int, int]:
    """(spaCy seconds, our-code seconds, sentences, tokens, events) for coding `stories` in this process."""
    from dyads.nlp import parse_many
    from dyads.pipeline import Coder

    coder = Coder()
    coder.knowledge  # noqa: B018 - load lexicons outside the timed part
    texts = [coder._masked(story.text) for story in stories]
    start = time.perf_counter()
    docs = list(parse_many(texts, batch_size=coder.batch_size))
    spacy_seconds = time.perf_counter() - start
    start = time.perf_counter()
    events = sum(len(coder._code_doc(story, doc)) for story, doc in zip(stories, docs, strict=True))
    ours_seconds = time.perf_counter() - start
    sentences = sum(len(list(doc.sents)) for doc in docs)
    tokens = sum(len(doc) for doc in docs)
    return spacy_seconds, ours_seconds, sentences, tokens, events


def rate(label: str, seconds: float, stories: int, sentences: int, events: int) -> str:
    return (f"{label}: {seconds:.2f} s = {stories / seconds:.1f} stories/s, {sentences / seconds:.0f} sentences/s, "
            f"{events} events")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    parser.add_argument("--dask-workers", type=int, default=2)
    parser.add_argument("--no-dask", action="store_true", help="Skip the Dask LocalCluster run.")
    args = parser.parse_args()
    stories = corpus(args.stories)

    from dyads.nlp import load_pipeline
    from dyads.pipeline import Coder
    from dyads.scale import code_in_pool

    load_pipeline()
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    coder = Coder()
    coder.knowledge  # noqa: B018 - load lexicons outside the timed part
    local: list[tuple[int, float, int]] = []
    for workers in args.workers:
        start = time.perf_counter()
        events = sum(len(found) for _, found in code_in_pool(coder, stories, workers=workers))
        local.append((workers, time.perf_counter() - start, events))
    main_peak = _peak_mib()  # before the split below holds every parsed doc at once
    pool_peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    spacy_seconds, ours_seconds, sentences, words, _ = split_time(stories)
    both = spacy_seconds + ours_seconds
    print(f"input: {len(stories)} stories, {sentences} sentences, {words} tokens")
    print(f"split (one process): spaCy {spacy_seconds:.2f} s ({100 * spacy_seconds / both:.0f}%), our code "
          f"{ours_seconds:.2f} s ({100 * ours_seconds / both:.0f}%) = {100 * ours_seconds / spacy_seconds:.0f}% "
          f"of the parse time; spaCy alone {words / spacy_seconds:.0f} tokens/s")
    rates: dict[str, float] = {}
    for workers, seconds, events in local:
        rates[f"local {workers}"] = len(stories) / seconds
        print(rate(f"local, {workers} worker(s)", seconds, len(stories), sentences, events))
    print(f"peak memory: main process {main_peak:.0f} MiB (codes the 1-worker run), "
          f"largest local pool worker {pool_peak:.0f} MiB")
    if not args.no_dask:
        run_dask(coder, stories, sentences, args.dask_workers, rates)
    if "local 1" in rates:
        for other in [name for name in rates if name != "local 1"]:
            print(f"speed-up {other} vs local 1: {rates[other] / rates['local 1']:.2f}x")
        per_core = {name: value / int(name.split()[-1]) for name, value in rates.items()}
        print(f"sizing: 100,000 stories in an hour = {100_000 / 3600:.1f} stories/s; cores needed at each run's "
              "per-core rate: " + ", ".join(f"{name} {100_000 / 3600 / value:.2f} ({value:.1f} stories/s/core)"
                                             for name, value in per_core.items()))


def run_dask(coder: object, stories: list[Story], sentences: int, workers: int, rates: dict[str, float]) -> None:
    """The same input through a Dask LocalCluster: startup (workers spawn and load the model) timed apart."""
    from dyads.scale import code_stories, make_executor

    start = time.perf_counter()
    try:
        executor = make_executor(coder, engine="dask", workers=workers)  # type: ignore[arg-type]
    except Exception as exc:  # noqa: BLE001 - a benchmark reports what it could not run
        print(f"dask: not run ({exc})")
        return
    with executor:
        startup = time.perf_counter() - start
        start = time.perf_counter()
        events = sum(len(found) for _, found in code_stories(executor, stories))
        seconds = time.perf_counter() - start
        rates[f"dask {workers}"] = len(stories) / seconds
        print(rate(f"dask LocalCluster, {workers} workers", seconds, len(stories), sentences, events)
              + f" (+ {startup:.1f} s cluster start and model load)")
        peaks = executor.run_on_workers(_peak_mib)  # type: ignore[attr-defined]
        print("peak memory per Dask worker: " + ", ".join(f"{peak:.0f} MiB" for peak in peaks.values()))


if __name__ == "__main__":
    main()
