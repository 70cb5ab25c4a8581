"""The ontology table: every CAMEO code is complete and consistent."""

import csv
from pathlib import Path

import pytest

from dyads.ontology import event_type, event_types, intent_code, is_event_code, pentaclass_of

SHARED = Path(__file__).resolve().parents[2] / "shared"


def test_ontology_has_every_code_with_scores_and_plover():
    table = event_types()
    assert len(table) >= 300
    for code, entry in table.items():
        assert entry.quad_class in (1, 2, 3, 4), code
        assert -10.0 <= entry.goldstein <= 10.0, code
        assert entry.plover_type, f"{code} needs a PLOVER type or NONE"
        assert code.startswith(entry.root)


@pytest.mark.skipif(not (SHARED / "reference").is_dir(), reason="needs ../shared/reference")
def test_ontology_matches_reference_codes():
    with (SHARED / "reference" / "cameo_event_codes.csv").open(encoding="utf-8") as handle:
        reference = {row["code"]: row for row in csv.DictReader(handle)}
    assert set(reference) == set(event_types())
    for code, row in reference.items():
        assert event_type(code).goldstein == pytest.approx(float(row["goldstein"]))
        assert event_type(code).quad_class == int(row["quad_class"])


@pytest.mark.parametrize("code", sorted(event_types()))
def test_intent_code_is_a_real_code_or_none(code):
    intent = intent_code(code)
    assert intent == "" or is_event_code(intent)
    if intent:
        assert intent[:2] in ("03", "13")


@pytest.mark.parametrize(("code", "intent"), [("071", "0331"), ("042", "036"), ("062", "0312"), ("190", "138"),
                                              ("036", "036"), ("0874", "0356")])
def test_intent_code_maps_actions_to_commitments(code, intent):
    assert intent_code(code) == intent


@pytest.mark.parametrize(("code", "label"), [("010", "0"), ("023", "0"), ("046", "1"), ("071", "2"),
                                             ("112", "3"), ("130", "3"), ("163", "3"), ("145", "4"),
                                             ("173", "4"), ("190", "4")])
def test_pentaclass_groups_roots(code, label):
    assert pentaclass_of(code) == label
