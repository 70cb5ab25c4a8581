"""Exports: column lists match the formats they imitate (../shared/reference/schemas.md); Parquet round-trips."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from conftest import make_stored_event
from dyads.errors import InputError
from dyads.exporters import EXPORT_FORMATS, GDELT_COLUMNS, ICEWS_COLUMNS, POLECAT_COLUMNS, export_events
from dyads.model import Event, Story
from dyads.store import Store

make_event = make_stored_event


@pytest.fixture
def store() -> Store:
    store = Store(":memory:")
    first = Story(id="a1", date=dt.date(2021, 3, 1), text="x", source="Invented Wire", url="https://example.org/1")
    second = Story(id="a2", date=dt.date(2021, 3, 1), text="y", source="Other Wire")
    store.add_batch([
        (first, [make_event(first, "KENGOV", "NORGOV", "042"), make_event(first, "IGOUNO", "KEN", "0331"),
                 make_event(first, "---REB", "", "190", "2021-02")]),
        (second, [make_event(second, "KENGOV", "NORGOV", "042")]),
    ])
    return store


def _schemas(shared_dir: Path) -> str:
    return (shared_dir / "reference" / "schemas.md").read_text(encoding="utf-8")


def test_gdelt_columns_match_schema(shared_dir: Path) -> None:
    text = _schemas(shared_dir).split("## 1.")[1].split("### GDELT 2.0 Mentions")[0]
    numbered = {int(m[1]): m[2] for m in re.finditer(r"^\| (\d+) \| (\w+) \|", text, re.M)}
    assert len(GDELT_COLUMNS) == 61
    for index, name in numbered.items():
        assert GDELT_COLUMNS[index] == name
    assert GDELT_COLUMNS[12:15] == ("Actor1Type1Code", "Actor1Type2Code", "Actor1Type3Code")
    assert [c[6:] for c in GDELT_COLUMNS[15:25]] == [c[6:] for c in GDELT_COLUMNS[5:15]]
    assert GDELT_COLUMNS[43:51] == tuple(c.replace("Actor1", "Actor2") for c in GDELT_COLUMNS[35:43])
    assert GDELT_COLUMNS[51:59] == tuple(c.replace("Actor1", "Action") for c in GDELT_COLUMNS[35:43])


def test_icews_and_polecat_columns_match_schema(shared_dir: Path) -> None:
    text = _schemas(shared_dir)
    icews_rows = re.findall(r"^\| ([A-Z][^|]+?) \|", text.split("## 2.")[1].split("## 3.")[0], re.M)
    icews = [name.strip() for row in icews_rows[1:] for name in row.split(" / ")]
    assert list(ICEWS_COLUMNS) == icews
    polecat_text = text.split("## 3.")[1].split("Notes:")[0].split("40 columns)")[1]
    polecat_text = re.sub(r"\s*\([^)]*\)", "", " ".join(polecat_text.split()))  # drop "(PLOVER category)"
    polecat = [name.strip().rstrip(".") for name in polecat_text.split(",")]
    assert list(POLECAT_COLUMNS) == polecat and len(POLECAT_COLUMNS) == 40


def test_gdelt_export_rows_have_61_fields_and_no_header(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.gdelt.tsv"
    assert export_events(store, path, fmt="gdelt") == 4
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    assert all(len(row) == 61 for row in rows)
    by_code = {row[26]: dict(zip(GDELT_COLUMNS, row, strict=True)) for row in rows}
    un = by_code["0331"]
    assert (un["Actor1Code"], un["Actor1CountryCode"], un["Actor1KnownGroupCode"], un["Actor1Type1Code"]) == (
        "IGOUNO", "", "UNO", "IGO")
    assert (un["EventBaseCode"], un["EventRootCode"], un["SQLDATE"], un["MonthYear"]) == ("033", "03", "20210301",
                                                                                          "202103")
    assert un["SOURCEURL"] == "https://example.org/1" and un["GLOBALEVENTID"].isdigit()
    visit = by_code["042"]
    assert (visit["Actor1CountryCode"], visit["Actor1Type1Code"], visit["QuadClass"]) == ("KEN", "GOV", "1")


def test_gdelt_dedup_export_counts_mentions(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "dedup.tsv"
    assert export_events(store, path, fmt="gdelt", dedup=True) == 3
    visit = next(dict(zip(GDELT_COLUMNS, line.split("\t"), strict=True))
                 for line in path.read_text(encoding="utf-8").splitlines() if "\t042\t" in line)
    assert (visit["NumMentions"], visit["NumArticles"]) == ("2", "2")


@pytest.mark.parametrize(("fmt", "columns"), [("icews", ICEWS_COLUMNS), ("polecat", POLECAT_COLUMNS)])
def test_tsv_exports_have_the_header_and_width(store: Store, tmp_path: Path, fmt: str,
                                               columns: tuple[str, ...]) -> None:
    path = tmp_path / f"events.{fmt}"
    export_events(store, path, fmt=fmt)
    rows = [line.split("\t") for line in path.read_text(encoding="utf-8").splitlines()]
    assert tuple(rows[0]) == columns
    assert len(rows) == 5 and all(len(row) == len(columns) for row in rows)


def test_icews_export_names_countries_and_sectors(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "icews.tsv"
    export_events(store, path, fmt="icews", code="042", story_id="a1")
    with path.open(encoding="utf-8") as handle:
        (row,) = list(csv.DictReader(handle, delimiter="\t"))
    assert (row["Source Name"], row["Source Sectors"], row["Source Country"]) == ("Government (Kenya)",
                                                                                  "Government", "Kenya")
    assert (row["Event Text"], row["CAMEO Code"], row["Story ID"], row["Publisher"]) == ("Make a visit", "042",
                                                                                         "a1", "Invented Wire")


def test_plover_export_is_json_with_actor_spans(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "plover.jsonl"
    export_events(store, path, fmt="plover")
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(records) == 4
    assert {"id", "date", "event_type", "event_mode", "contexts", "story_id", "attributes"} <= set(records[0])
    visit = next(r for r in records if r["cameo_code"] == "042")
    assert visit["attributes"]["ACTOR"][0] | {"start_char": 0} == visit["attributes"]["ACTOR"][0]
    assert visit["attributes"]["RECIP"][0]["code"] == "NORGOV"


def test_jsonl_export_round_trips_events(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.jsonl"
    export_events(store, path, fmt="jsonl")
    exported = [Event.from_dict(json.loads(line)) for line in path.read_text(encoding="utf-8").splitlines()]
    assert sorted(exported, key=lambda e: e.event_id) == sorted(store.event_records(), key=lambda e: e.event_id)


@pytest.mark.parametrize("dedup", [False, True])
def test_parquet_round_trips(store: Store, tmp_path: Path, dedup: bool) -> None:
    path = tmp_path / "events.parquet"
    assert export_events(store, path, fmt="parquet", dedup=dedup) == (3 if dedup else 4)
    back = Store.read_parquet(path)
    original = store.events(dedup=dedup)
    assert list(back.columns) == list(original.columns)
    assert back.astype(str).equals(original.astype(str))


def test_csv_export_header_is_the_frame(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "events.csv"
    export_events(store, path, fmt="csv")
    with path.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == list(store.events().columns) and len(rows) == 4


def test_unknown_format_is_refused(store: Store, tmp_path: Path) -> None:
    assert "gdelt" in EXPORT_FORMATS
    with pytest.raises(InputError, match="unknown export format"):
        export_events(store, tmp_path / "x", fmt="xml")
