"""Throughput of the coder: stories/s and sentences/s end to end, spaCy's own parse time on the same input,
and peak memory. Run: python benchmarks/throughput.py [--stories N] [--workers 1 2]

Input: the shipped example stories (and ../shared/data/gold/stories_synthetic.jsonl when present), repeated
to N stories. The share of our own work is (end-to-end time - parse time) / parse time.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=300)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    stories = corpus(args.stories)

    from dyads.nlp import load_pipeline, parse_many
    from dyads.pipeline import Coder
    from dyads.scale import code_in_pool

    load_pipeline()
    coder = Coder()
    coder.knowledge  # noqa: B018 - load lexicons outside the timed part
    start = time.perf_counter()
    docs = list(parse_many([s.text for s in stories]))
    parse_seconds = time.perf_counter() - start
    sentences = sum(len(list(doc.sents)) for doc in docs)
    words = sum(len(doc) for doc in docs)
    del docs
    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print(f"input: {len(stories)} stories, {sentences} sentences, {words} tokens")
    print(f"spaCy parse only: {parse_seconds:.2f} s = {len(stories) / parse_seconds:.1f} stories/s, "
          f"{sentences / parse_seconds:.0f} sentences/s, {words / parse_seconds:.0f} tokens/s")
    for workers in args.workers:
        start = time.perf_counter()
        events = sum(len(found) for _, found in code_in_pool(coder, stories, workers=workers))
        seconds = time.perf_counter() - start
        line = (f"end to end, {workers} worker(s): {seconds:.2f} s = {len(stories) / seconds:.1f} stories/s, "
                f"{sentences / seconds:.0f} sentences/s, {events} events")
        if workers == 1:
            line += f"; our code after parsing = {100 * (seconds - parse_seconds) / parse_seconds:.0f}% of parse time"
        print(line)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(f"peak memory: main process {peak:.0f} MiB, largest worker {children:.0f} MiB")


if __name__ == "__main__":
    main()
