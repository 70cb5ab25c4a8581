"""Scoring: hand-made gold records against hand-built events, and floors on the gold suites."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dyads.evaluate import dataset_kind, load_gold, score_records
from dyads.model import Event, Story
from dyads.ontology import event_type, pentaclass_of

Coded = dict[str, list[tuple[str, str, str]]]  # story id -> [(source code, target code, CAMEO code)]


def make_event(story_id: str, source: str, target: str, code: str, confidence: float = 0.5) -> Event:
    info = event_type(code)
    return Event(
        story_id=story_id, sentence_index=0, story_date="2021-03-10", event_date="2021-03-10",
        date_precision="day", source_code=source, source_country=source[:3], source_sector=source[3:6],
        source_name="", source_text="", source_span=None, target_code=target, target_country=target[:3],
        target_sector=target[3:6], target_name="", target_text="", target_span=None, cameo_code=code,
        root_code=info.root, event_name=info.name, quad_class=info.quad_class, goldstein=info.goldstein,
        plover_type=info.plover_type, plover_mode=info.plover_mode, trigger_text="", trigger_span=None,
        confidence=confidence)


def fake_coder(coded: Coded, seen: list[str] | None = None):
    """A batch-coding function returning hand-built events per story id (and noting which ids it saw)."""

    def code(stories: list[Story]) -> list[list[Event]]:
        if seen is not None:
            seen.extend(s.id for s in stories)
        return [[make_event(s.id, *triple) for triple in coded.get(s.id, [])] for s in stories]

    return code


def record(rid: str, events: list[tuple[str, str, str]], **extra) -> dict:
    return {"id": rid, "date": "2021-03-10", "text": f"Story {rid}.",
            "events": [{"source": s, "target": t, "code": c} for s, t, c in events], **extra}


def test_score_records_counts_root_country_and_full_levels() -> None:
    records = [
        record("a", [("FRAGOV", "IRN", "111"), ("DEU", "RUS", "042")]),
        record("b", [("USA", "CHN", "190")]),
        record("c", []),
    ]
    coded = {
        "a": [("FRA", "IRN", "112"), ("ITA", "ESP", "051")],  # root and countries right, code and sector not
        "b": [("USA", "CHN", "190"), ("USA", "CHN", "190")],  # repeated: counts once
        "c": [("GBR", "IRL", "043")],
    }
    score = score_records("hand", records, fake_coder(coded)).as_dict()
    root = score["levels"]["root_country"]
    assert (root["tp"], root["fp"], root["fn"]) == (2, 2, 1)
    precision, recall = 2 / 4, 2 / 3  # scores are reported to 4 decimals
    assert root["precision"] == pytest.approx(precision, abs=1e-4)
    assert root["recall"] == pytest.approx(recall, abs=1e-4)
    assert root["f1"] == pytest.approx(2 * precision * recall / (precision + recall), abs=1e-4)
    full = score["levels"]["full"]
    assert (full["tp"], full["fp"], full["fn"]) == (1, 3, 2)
    assert score["scored"] == 3 and score["kind"] == "cameo"


def test_score_records_actor_accuracy_on_matched_roots() -> None:
    records = [record("a", [("FRAGOV", "IRNGOV", "111")])]
    score = score_records("hand", records, fake_coder({"a": [("FRAGOV", "IRN", "112")]})).as_dict()
    assert score["actors"] == {"source_country": 1.0, "source_full": 1.0, "target_country": 1.0,
                               "target_full": 0.0, "matched_events": 1}


def test_score_records_perfect_coder_scores_one() -> None:
    gold = {"a": [("KHMGOV", "JPNGOV", "041"), ("JPNGOV", "KHMGOV", "041")],
            "b": [("---REB", "AFGMIL", "190")]}
    records = [record(rid, events) for rid, events in gold.items()]
    levels = score_records("hand", records, fake_coder(gold)).as_dict()["levels"]
    assert all(levels[name]["f1"] == 1.0 for name in ("root_country", "full", "type"))


def test_score_records_optional_events_count_neither_way() -> None:
    records = [record("a", [("FRA", "IRN", "111")],
                      optional=[{"source": "IRN", "target": "FRA", "code": "016"},
                                {"source": "FRA", "target": "IRN", "code": "042"}])]
    coded = {"a": [("FRA", "IRN", "111"), ("IRN", "FRA", "016")]}  # one optional found, one not
    root = score_records("hand", records, fake_coder(coded)).as_dict()["levels"]["root_country"]
    assert (root["tp"], root["fp"], root["fn"]) == (1, 0, 0)


@pytest.mark.parametrize(
    "notes",
    [{"evaluate": False}, {"gold_uncertain": True}, {"language": "es"}],
    ids=["evaluate-false", "gold-uncertain", "not-english"],
)
def test_score_records_skips_records_not_to_evaluate(notes: dict) -> None:
    records = [record("a", [("FRA", "IRN", "111")]), record("b", [("USA", "CHN", "190")], notes=notes)]
    seen: list[str] = []
    score = score_records("hand", records, fake_coder({"a": [("FRA", "IRN", "111")]}, seen)).as_dict()
    assert seen == ["a"]
    assert (score["records"], score["scored"], score["skipped"]) == (2, 1, 1)
    assert score["levels"]["root_country"]["fn"] == 0


def test_score_records_pentaclass_accuracy_uses_most_confident_event() -> None:
    labels = {"a": "0", "b": "3", "c": "4", "d": "2"}
    records = [{"id": rid, "text": f"Story {rid}.", "events": [{"source": "", "target": "", "code": label}]}
               for rid, label in labels.items()]

    def code(stories: list[Story]) -> list[list[Event]]:
        out = {
            "a": [make_event("a", "FRA", "IRN", "111", 0.3), make_event("a", "FRA", "IRN", "010", 0.9)],
            "b": [make_event("b", "FRA", "IRN", "111")],
            "c": [make_event("c", "FRA", "IRN", "051")],  # wrong class
            "d": [],  # nothing coded
        }
        return [out[s.id] for s in stories]

    score = score_records("penta", records, code).as_dict()
    assert score["kind"] == "pentaclass"
    assert score["pentaclass"]["accuracy"] == 0.5 and score["pentaclass"]["n"] == 4
    assert pentaclass_of("111") == "3" and pentaclass_of("010") == "0"


@pytest.mark.parametrize(
    ("gold_code", "cameo_code"),
    [("DISAPPROVE", "111"), ("DEMAND", "100"), ("FIGHT", "190"), ("ACCUSE", "112")],
)
def test_score_records_plover_renames_match(gold_code: str, cameo_code: str) -> None:
    records = [record("a", [("FRA", "IRN", gold_code)])]
    score = score_records("plover", records, fake_coder({"a": [("FRAGOV", "IRN", cameo_code)]})).as_dict()
    assert score["kind"] == "plover"
    plover = score["levels"]["plover"]
    assert (plover["tp"], plover["fp"], plover["fn"]) == (1, 0, 0)


@pytest.mark.parametrize(
    ("codes", "kind"),
    [(["042", "111"], "cameo"), (["145_Protest_violently_riot"], "cameo"), (["0", "4"], "pentaclass"),
     (["PROTEST", "DEMAND"], "plover"), (["CHEM_WEAP", "ARMED_CLASH"], "labels")],
)
def test_dataset_kind_from_codes(codes: list[str], kind: str) -> None:
    assert dataset_kind([record("a", [("", "", c) for c in codes])]) == kind


def test_load_gold_names_file_and_line_of_broken_record(tmp_path: Path) -> None:
    from dyads.errors import InputError

    path = tmp_path / "gold.jsonl"
    path.write_text(json.dumps(record("a", [])) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"gold\.jsonl:2"):
        load_gold(path)


# ---- floors on the gold suites (scored by the code users run) ---------------------------------------

# floors slightly below the figures measured when written (current ones: BENCHMARKS.md)
GOLD_FLOORS = {"stories_synthetic.jsonl": 0.83, "petr2_gsr_validation.jsonl": 0.53}


def _score(shared_dir: Path, coder, name: str) -> dict:
    path = shared_dir / "data" / "gold" / name
    records = load_gold(path)

    def code(stories: list[Story]) -> list[list[Event]]:
        return [events for _, events in coder.code_many(stories)]

    return score_records(path.stem, records, code, classify=coder.triggers).as_dict()


@pytest.mark.parametrize(("name", "floor"), sorted(GOLD_FLOORS.items()))
def test_gold_suite_root_country_f1_above_floor(shared_dir: Path, coder, name: str, floor: float) -> None:
    score = _score(shared_dir, coder, name)
    assert score["scored"] > 0
    assert score["levels"]["root_country"]["f1"] >= floor


def test_gold_plover_source_and_type_f1_above_floor(shared_dir: Path, coder) -> None:
    score = _score(shared_dir, coder, "plover_gsr_cameo.jsonl")
    assert score["kind"] == "plover"
    assert score["levels"]["plover"]["f1"] >= 0.47


def test_gold_pentaclass_accuracy_above_floor(shared_dir: Path, coder) -> None:
    score = _score(shared_dir, coder, "conflibert_cameo_pentaclass.jsonl")
    assert score["pentaclass"]["accuracy"] >= 0.75


def test_gold_stories_actor_accuracy_above_floor(shared_dir: Path, coder) -> None:
    score = _score(shared_dir, coder, "stories_synthetic.jsonl")
    assert score["actors"]["source_country"] >= 0.90
    assert score["actors"]["target_country"] >= 0.90
