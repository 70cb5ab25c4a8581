"""The store: stories/s into the store (coding included, and the store's own share alone), store size per
million events (extrapolated from the measured run), and query time for one dyad's monthly series.

Run: python benchmarks/store.py [--stories 10000] [--workers 1] [--db /tmp/bench.duckdb]

Input: invented multi-sentence stories templated over country pairs and dates (three a day), written to a
JSONL file and ingested with `dyads.store.ingest` exactly as `dyads ingest` does. The store-only figure
re-stores the coded events into a second store without coding (add_batch per 64 stories).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from dyads.store import Store, ingest

SENTENCES = (
    "{a} and {b} signed an agreement on trade cooperation on Monday, officials said.",
    "The president of {a} met the prime minister of {b} in the capital to discuss security.",
    "{a} accused {b} of violating the ceasefire along the border.",
    "{a} pledged economic aid to {b} after the floods.",
    "The foreign minister of {a} held talks with his counterpart from {b}.",
    "{a} condemned the missile test carried out by {b}.",
    "Police in {a} arrested dozens of opposition protesters on Tuesday.",
    "{b} expelled two diplomats from {a}, the ministry said.",
)
PAIRS = (("Kenya", "Norway"), ("Brazil", "Argentina"), ("Japan", "Cambodia"), ("Chile", "Peru"), ("Egypt", "Sudan"),
         ("Canada", "Mexico"), ("India", "Nepal"), ("France", "Germany"), ("Ghana", "Togo"), ("Poland", "Ukraine"))


def write_corpus(path: Path, count: int) -> None:
    start = dt.date(2019, 1, 1)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            a, b = PAIRS[i % len(PAIRS)]
            picked = [SENTENCES[(i + k) % len(SENTENCES)] for k in range(3)]
            text = " ".join(s.format(a=a, b=b) for s in picked) + f" Report {i}."
            record = {"id": f"b{i}", "date": (start + dt.timedelta(days=i // 3)).isoformat(), "text": text,
                      "source": "Bench Wire"}
            handle.write(json.dumps(record) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--stories", type=int, default=10_000)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        corpus = Path(folder) / "corpus.jsonl"
        write_corpus(corpus, args.stories)
        db = args.db or Path(folder) / "bench.duckdb"
        db.unlink(missing_ok=True)
        store = Store(db)
        started = time.perf_counter()
        summary = ingest(store, [corpus], workers=args.workers)
        elapsed = time.perf_counter() - started
        counts = store.counts()
        size = db.stat().st_size

        # The store alone: the same stories and events into a fresh file, 64 stories a transaction.
        frame = store.events()
        records = store.event_records()
        stories = store.stories()
        from dyads.model import Story

        by_story: dict[str, list] = {}
        for event in records:
            by_story.setdefault(event.story_id, []).append(event)
        coded = [(Story(id=row.id, date=row.date.date() if hasattr(row.date, "date") else row.date, text=row.text,
                        source=row.source), by_story.get(row.id, [])) for row in stories.itertuples(index=False)]
        plain = Store(Path(folder) / "plain.duckdb")
        started = time.perf_counter()
        for i in range(0, len(coded), 64):
            plain.add_batch(coded[i:i + 64])
        store_only = time.perf_counter() - started

        reader = Store(db, read_only=True)
        busiest = frame.groupby(["source_country", "target_country"]).size().idxmax()
        timings = []
        for _ in range(20):
            t0 = time.perf_counter()
            series = reader.dyad_series(busiest[0], busiest[1], freq="month")
            timings.append(time.perf_counter() - t0)
        event_timings = []
        for _ in range(10):
            t0 = time.perf_counter()
            reader.events(dyad=f"{busiest[0]}-{busiest[1]}")
            event_timings.append(time.perf_counter() - t0)

    print(f"machine: {platform.processor() or platform.machine()}, python {platform.python_version()}")
    print(f"ingest: {summary.stories_new} stories, {counts['events']} events ({counts['dedup_events']} one-a-day) "
          f"in {elapsed:.1f} s = {summary.stories_new / elapsed:.0f} stories/s (workers={args.workers}, coding "
          f"included)")
    print(f"store only: {len(coded)} stories + {len(records)} events in {store_only:.2f} s = "
          f"{len(coded) / store_only:.0f} stories/s, {len(records) / store_only:.0f} events/s")
    print(f"store size: {size / 1e6:.1f} MB for {counts['stories']} stories + {counts['events']} events = "
          f"{size / counts['events'] * 1e6 / 1e9:.2f} GB per million events (stories' text included)")
    print(f"monthly series {busiest[0]}-{busiest[1]} ({len(series)} months): median "
          f"{statistics.median(timings) * 1000:.1f} ms (open + query); events for the dyad: median "
          f"{statistics.median(event_timings) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
