"""Event-date and location accuracy.

Dates: codes the gold stories that carry event dates (stories_synthetic: event "date"; tabari_validation:
event "event_date") with `dyads.pipeline.Coder`, matches coded events to gold events on (source country,
target country, root code), and compares `event_date` with the gold date: exact, and within one day (a
month-precision gold date matches a coded date in that month).
Locations: `find_location` on the hand-written set in tests/test_attributes.py.

    python3 benchmarks/dates.py [--shared ../shared]
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.util
import json
from collections import Counter
from pathlib import Path
from typing import Any

from dyads.model import Story
from dyads.pipeline import Coder

ROOT = Path(__file__).resolve().parents[1]
SUITES = {"stories_synthetic": "date", "tabari_validation": "event_date"}


def _root(code: str) -> str:
    return code[:2]


def _close(coded: str, gold: str) -> bool:
    if len(gold) == 7 or len(coded) == 7:
        return coded[:7] == gold[:7]
    if len(coded) != 10 or len(gold) != 10:
        return coded == gold
    return abs((dt.date.fromisoformat(coded) - dt.date.fromisoformat(gold)).days) <= 1


def score_suite(path: Path, field: str, coder: Coder) -> Counter[str]:
    counts: Counter[str] = Counter()
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    for record in records:
        gold = [e for e in record["events"] if e.get(field)]
        if not gold or not record.get("date"):
            continue
        counts["gold_events"] += len(gold)
        story = Story(id=record["id"], date=dt.date.fromisoformat(record["date"]), text=record["text"])
        coded = coder.code(story)
        used: set[int] = set()
        for event in gold:
            key = (event["source"][:3], event["target"][:3], _root(event["code"]))
            match = next((c for i, c in enumerate(coded) if i not in used
                          and (c.source_country, c.target_country, c.root_code) == key), None)
            if match is None:
                continue
            used.add(coded.index(match))
            counts["matched"] += 1
            counts["exact"] += match.event_date == event[field]
            counts["within_1_day"] += _close(match.event_date, event[field])
            counts["story_date_would_be_exact"] += record["date"] == event[field]
    return counts


def location_accuracy() -> tuple[int, int]:
    spec = importlib.util.spec_from_file_location("test_attributes", ROOT / "tests" / "test_attributes.py")
    assert spec is not None and spec.loader is not None
    module: Any = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    from dyads.attributes import find_location
    from dyads.nlp import parse

    right = 0
    for text, word, dateline, expected in module.LOCATION_CASES:
        doc = parse(text)
        trigger = next(t for t in doc if t.text == word)
        right += find_location(doc, trigger, dateline) == expected
    return right, len(module.LOCATION_CASES)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    args = parser.parse_args()
    gold_dir = args.shared / "data" / "gold"
    for name, field in SUITES.items():
        dictionaries = gold_dir / "dictionaries" / name
        coder = (Coder(dictionary_dirs=(dictionaries,), strict_dictionaries=False) if dictionaries.is_dir()
                 else Coder())
        counts = score_suite(gold_dir / f"{name}.jsonl", field, coder)
        matched = counts["matched"] or 1
        print(f"{name}: gold events with dates {counts['gold_events']}, matched {counts['matched']}; "
              f"exact {counts['exact']}/{counts['matched']} ({counts['exact'] / matched:.1%}), "
              f"within 1 day {counts['within_1_day']}/{counts['matched']} "
              f"({counts['within_1_day'] / matched:.1%}); story-date baseline exact "
              f"{counts['story_date_would_be_exact']}/{counts['matched']} "
              f"({counts['story_date_would_be_exact'] / matched:.1%})")
    right, total = location_accuracy()
    print(f"locations (hand-written set): {right}/{total} ({right / total:.1%})")


if __name__ == "__main__":
    main()
