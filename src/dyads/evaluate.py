"""Score the coder against gold-standard records (format: shared/data/gold/README.md).

Per record, coded events are compared as sets (each (source, target, code) counts once per record):
- root_country: (source country, target country, CAMEO root)
- full:         (source code, target code, CAMEO code)
- type:         CAMEO code alone
- plover:       (source country, PLOVER type) for PLOVER-labelled records; plover_type: PLOVER type alone
- pentaclass:   5-class sentence label (accuracy, macro-F1) for records labelled "0".."4"
- actors:       for gold events whose root the coder found in the record: share of source and target
                right at country level and as full codes
Events listed as `optional` count neither way. Records with `evaluate: false` or `gold_uncertain` are
skipped; non-English records are skipped (the coder is English-only).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from dyads.errors import InputError
from dyads.model import Event, Story
from dyads.ontology import normalise_plover, pentaclass_of

PLOVER_TYPES = {"AGREE", "CONSULT", "SUPPORT", "CONCEDE", "COOPERATE", "AID", "RETREAT", "REQUEST", "ACCUSE",
                "REJECT", "THREATEN", "PROTEST", "SANCTION", "MOBILIZE", "COERCE", "ASSAULT"}
PENTA = ("0", "1", "2", "3", "4")
DEFAULT_DATE = dt.date(2000, 1, 1)
_CODE_PREFIX = re.compile(r"^(\d{2,4})")


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, gold: set[Any], predicted: set[Any], optional: set[Any] = frozenset()) -> None:  # type: ignore[assignment]
        self.tp += len(gold & predicted)
        self.fp += len(predicted - gold - optional)
        self.fn += len(gold - predicted)

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, float | int]:
        return {"precision": round(self.precision, 4), "recall": round(self.recall, 4), "f1": round(self.f1, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


@dataclass
class DatasetScore:
    name: str
    kind: str  # cameo | plover | pentaclass | labels
    records: int = 0
    scored: int = 0
    skipped: int = 0
    levels: dict[str, Counts] = field(default_factory=dict)
    actor_hits: Counter[str] = field(default_factory=Counter)
    actor_total: int = 0
    penta_gold: list[str] = field(default_factory=list)
    penta_pred: list[str] = field(default_factory=list)
    detected: int = 0

    def level(self, name: str) -> Counts:
        return self.levels.setdefault(name, Counts())

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"dataset": self.name, "kind": self.kind, "records": self.records,
                               "scored": self.scored, "skipped": self.skipped,
                               "levels": {k: v.as_dict() for k, v in self.levels.items()}}
        if self.actor_total:
            out["actors"] = {k: round(v / self.actor_total, 4) for k, v in sorted(self.actor_hits.items())}
            out["actors"]["matched_events"] = self.actor_total
        if self.penta_gold:
            out["pentaclass"] = pentaclass_scores(self.penta_gold, self.penta_pred)
        if self.kind == "labels" and self.scored:
            out["detection_rate"] = round(self.detected / self.scored, 4)
        return out


def pentaclass_scores(gold: list[str], predicted: list[str]) -> dict[str, float]:
    accuracy = sum(g == p for g, p in zip(gold, predicted, strict=True)) / len(gold)
    f1s = []
    for label in PENTA:
        tp = sum(g == p == label for g, p in zip(gold, predicted, strict=True))
        fp = sum(p == label and g != label for g, p in zip(gold, predicted, strict=True))
        fn = sum(g == label and p != label for g, p in zip(gold, predicted, strict=True))
        prec = tp / (tp + fp) if tp + fp else 0.0
        rec = tp / (tp + fn) if tp + fn else 0.0
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    return {"accuracy": round(accuracy, 4), "macro_f1": round(sum(f1s) / len(f1s), 4), "n": len(gold)}


def load_gold(path: Path) -> list[dict[str, Any]]:
    records = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read gold file: {exc}") from exc
    for line_no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(f"{path}:{line_no}: broken JSON line: {exc.msg}") from exc
        if not isinstance(record, dict) or "text" not in record:
            raise InputError(f"{path}:{line_no}: a gold record needs 'text' and 'events'")
        records.append(record)
    return records


def _cameo(event: dict[str, Any]) -> str:
    code = str(event.get("cameo_code") or event.get("code") or "")
    match = _CODE_PREFIX.match(code)
    return match.group(1) if match else ""


def _actor(code: Any) -> str:
    return str(code or "").strip()


def dataset_kind(records: list[dict[str, Any]]) -> str:
    codes = [str(e.get("code", "")) for r in records for e in r.get("events", [])]
    if not codes:
        return "cameo"
    if all(c in PENTA for c in codes):
        return "pentaclass"
    if all(normalise_plover(c) in PLOVER_TYPES for c in codes):
        return "plover"
    if sum(bool(_CODE_PREFIX.match(c)) for c in codes) >= 0.9 * len(codes):
        return "cameo"
    return "labels"


def _skip(record: dict[str, Any]) -> bool:
    notes = record.get("notes") or {}
    if notes.get("evaluate") is False or notes.get("gold_uncertain"):
        return True
    return notes.get("language", "en") != "en"


def score_records(name: str, records: list[dict[str, Any]], code: Callable[[list[Story]], list[list[Event]]],
                  *, progress: Callable[[int], None] | None = None,
                  classify: Callable[[list[str]], list[list[str]]] | None = None) -> DatasetScore:
    """Code the records' texts with `code` (a batch function) and score them. For sentence-class
    records that get no event, `classify` (texts -> trigger codes) supplies the event type."""
    kind = dataset_kind(records)
    score = DatasetScore(name, kind, records=len(records))
    usable = [r for r in records if not _skip(r)]
    score.skipped = len(records) - len(usable)
    stories = []
    for index, record in enumerate(usable):
        try:
            date = dt.date.fromisoformat(record["date"]) if record.get("date") else DEFAULT_DATE
        except ValueError:
            date = DEFAULT_DATE
        stories.append(Story(id=str(record.get("id") or index), date=date, text=record["text"]))
    coded = code(stories)
    fallback: dict[int, list[str]] = {}
    if kind in ("pentaclass", "labels") and classify is not None:
        empty = [i for i, events in enumerate(coded) if not events]
        fallback = dict(zip(empty, classify([usable[i]["text"] for i in empty]), strict=True))
    for i, (record, events) in enumerate(zip(usable, coded, strict=True)):
        score.scored += 1
        _score_one(score, record, events, fallback.get(i, []))
        if progress:
            progress(1)
    return score


def _score_one(score: DatasetScore, record: dict[str, Any], events: list[Event], triggers: list[str]) -> None:
    gold = record.get("events") or []
    optional = record.get("optional") or []
    if score.kind == "pentaclass":
        score.penta_gold.append(str(gold[0]["code"]) if gold else "none")
        best = max(events, key=lambda e: e.confidence, default=None)
        if best is not None:
            score.penta_pred.append(pentaclass_of(best.cameo_code))
        else:
            score.penta_pred.append(pentaclass_of(triggers[0]) if triggers else "none")
        return
    if score.kind == "labels":
        score.detected += bool(events or triggers)
        return
    if score.kind == "plover":
        gold_set = {(_actor(e.get("source"))[:3], normalise_plover(str(e["code"]))) for e in gold}
        pred_set = {(e.source_country, e.plover_type) for e in events if e.plover_type != "NONE"}
        score.level("plover").add(gold_set, pred_set)
        score.level("plover_type").add({g[1] for g in gold_set}, {p[1] for p in pred_set})
        return
    gold_events = [(_actor(e.get("source")), _actor(e.get("target")), _cameo(e)) for e in gold]
    gold_events = [g for g in gold_events if g[2]]
    opt_events = [(_actor(e.get("source")), _actor(e.get("target")), _cameo(e)) for e in optional]
    pred = [(e.source_code, e.target_code, e.cameo_code) for e in events]
    score.level("root_country").add(_roots(gold_events), _roots(pred), _roots(opt_events))
    score.level("full").add(set(gold_events), set(pred), set(opt_events))
    score.level("type").add({g[2] for g in gold_events}, {p[2] for p in pred}, {o[2] for o in opt_events})
    for source, target, code in gold_events:
        same_root = [p for p in pred if p[2][:2] == code[:2]]
        if not same_root:
            continue
        score.actor_total += 1
        closest = max(same_root, key=lambda p: ((p[0][:3] == source[:3]) + (p[1][:3] == target[:3]),
                                                (p[0] == source) + (p[1] == target)))
        score.actor_hits["source_country"] += closest[0][:3] == source[:3]
        score.actor_hits["target_country"] += closest[1][:3] == target[:3]
        score.actor_hits["source_full"] += closest[0] == source
        score.actor_hits["target_full"] += closest[1] == target


def _roots(events: Iterable[tuple[str, str, str]]) -> set[tuple[str, str, str]]:
    return {(s[:3], t[:3], c[:2]) for s, t, c in events}
