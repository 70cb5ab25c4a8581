"""Analysis: dyad series, quad-class series, top dyads, actor network, event types, the `series` command.

Most tests store hand-built events (no spaCy); one slow test ingests invented stories with the real coder.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from dyads import analysis
from dyads.cli import app
from dyads.errors import InputError
from dyads.model import Event, Story
from dyads.ontology import event_type
from dyads.store import Store, ingest

# (story day, source, target, CAMEO code): invented facts, no text from any dataset.
EVENTS: tuple[tuple[str, str, str, str], ...] = (
    ("2021-01-04", "KHMGOV", "JPNGOV", "042"),   # visit, quad 1, +1.9
    ("2021-01-20", "KHM", "JPN", "036"),         # intent to meet, quad 1, +4.0
    ("2021-01-21", "KHMGOV", "JPN", "0331"),     # intent to give aid, quad 1
    ("2021-03-02", "KHMGOV", "JPN", "112"),      # accuse, quad 3, -2.0
    ("2021-03-09", "KHM", "JPNMIL", "190"),      # fight, quad 4, -10.0
    ("2021-03-03", "JPN", "KHM", "070"),         # provide aid, quad 2
    ("2021-01-05", "BRA", "ARG", "042"),
    ("2021-03-04", "BRA", "ARG", "111"),
    ("2021-03-05", "BRAGOV", "ARG", "111"),
    ("2021-03-06", "BRA", "", "010"),            # no target: not a dyad
    ("2021-03-07", "ARG", "ARG", "043"),         # a self-loop
)


def make_event(story: Story, source: str, target: str, code: str) -> Event:
    info = event_type(code)
    text = story.text
    return Event(story_id=story.id, sentence_index=0, story_date=story.date.isoformat(),
                 event_date=story.date.isoformat(), date_precision="day", source_code=source,
                 source_country=source[:3], source_sector=source[3:6], source_name=source, source_text=text[:6],
                 source_span=(0, 6), target_code=target, target_country=target[:3], target_sector=target[3:6],
                 target_name=target, target_text=text[16:22] if target else "",
                 target_span=(16, 22) if target else None, cameo_code=info.code, root_code=info.root,
                 event_name=info.name, quad_class=info.quad_class, goldstein=info.goldstein,
                 plover_type=info.plover_type, plover_mode=info.plover_mode, trigger_text=text[7:15],
                 trigger_span=(7, 15))


def fill_store(store: Store, rows: Sequence[tuple[str, str, str, str]] = EVENTS) -> Store:
    """One story per row ("Source did-this Target.") with its one event."""
    coded = []
    for i, (day, source, target, code) in enumerate(rows):
        text = f"Source did-this Target. Invented story {i} about {source} and {target or 'nobody'}."
        story = Story(id=f"story-{i}", date=dt.date.fromisoformat(day), text=text, source="Invented Wire")
        coded.append((story, [make_event(story, source, target, code)]))
    store.add_batch(coded)
    return store


@pytest.fixture
def store() -> Store:
    return fill_store(Store(":memory:"))


def goldstein(code: str) -> float:
    return event_type(code).goldstein


def test_dyad_series_counts_quad_classes_per_month(store: Store) -> None:
    frame = analysis.dyad_series(store, "KHM", "JPN", freq="month")
    assert list(frame.columns) == list(analysis.SERIES_COLUMNS)
    assert [p.strftime("%Y-%m-%d") for p in frame["period"]] == ["2021-01-01", "2021-02-01", "2021-03-01"]
    assert frame["events"].tolist() == [3, 0, 2]
    assert frame["verbal_cooperation"].tolist() == [3, 0, 0]
    assert frame["verbal_conflict"].tolist() == [0, 0, 1]
    assert frame["material_conflict"].tolist() == [0, 0, 1]
    assert frame["cooperation_minus_conflict"].tolist() == [3, 0, -2]
    january = goldstein("042") + goldstein("036") + goldstein("0331")
    assert frame["goldstein_sum"].iloc[0] == pytest.approx(january)
    assert frame["goldstein_mean"].iloc[0] == pytest.approx(january / 3)
    assert pd.isna(frame["goldstein_mean"].iloc[1])  # a quiet month has no mean
    assert frame["goldstein_sum"].iloc[2] == pytest.approx(goldstein("112") + goldstein("190"))


def test_dyad_series_is_directed_and_matches_prefixes_in_any_case(store: Store) -> None:
    assert analysis.dyad_series(store, "khmgov", "jpn")["events"].sum() == 3
    assert analysis.dyad_series(store, "JPN", "KHM")["material_cooperation"].tolist() == [1]


def test_dyad_series_weeks_start_on_monday_and_dates_bound_the_range(store: Store) -> None:
    frame = analysis.dyad_series(store, "KHM", "JPN", freq="week", date_from="2021-01-01", date_to="2021-01-31")
    assert frame["period"].iloc[0] == pd.Timestamp("2020-12-28")  # the Monday of the week holding Jan 1
    assert all(period.weekday() == 0 for period in frame["period"])
    assert frame["events"].tolist() == [0, 1, 0, 2, 0]


def test_dyad_series_of_an_unknown_dyad_is_empty(store: Store) -> None:
    assert analysis.dyad_series(store, "USA", "CHN").empty
    bounded = analysis.dyad_series(store, "USA", "CHN", freq="month", date_from="2021-01", date_to="2021-02")
    assert bounded["events"].tolist() == [0, 0]


@pytest.mark.parametrize(("call", "message"), [
    (lambda s: analysis.dyad_series(s, "KHM", "JPN", freq="hour"), "freq"),
    (lambda s: analysis.dyad_series(s, "KH M", "JPN"), "source"),
    (lambda s: analysis.dyad_series(s, "KHM", "", freq="day"), "target"),
    (lambda s: analysis.dyad_series(s, "KHM", "JPN", date_from="2021-13-01"), "date"),
    (lambda s: analysis.top_dyads(s, by="size"), "volume or change"),
    (lambda s: analysis.top_dyads(s, limit=0), "limit"),
    (lambda s: analysis.actor_network(s, level="region"), "country or code"),
    (lambda s: analysis.event_types(s, level="plover"), "root or code"),
    (lambda s: s.aggregate(by=["text; DROP TABLE events"]), "cannot group by"),
])
def test_analysis_rejects_bad_options_clearly(store: Store, call: object, message: str) -> None:
    with pytest.raises(InputError, match=message):
        call(store)  # type: ignore[operator]


def test_quad_series_covers_every_event_with_a_date(store: Store) -> None:
    frame = analysis.quad_series(store, freq="month")
    assert frame["events"].sum() == len(EVENTS)
    assert (frame[list(analysis.QUAD_CLASSES.values())].sum(axis=1) == frame["events"]).all()
    filtered = analysis.quad_series(store, freq="month", source="BRA", code="11")
    assert filtered["events"].tolist() == [2]
    assert filtered["verbal_conflict"].tolist() == [2]


def test_top_dyads_by_volume_counts_country_dyads_without_self_loops(store: Store) -> None:
    frame = analysis.top_dyads(store, limit=3)
    assert list(zip(frame["source"], frame["target"], frame["events"], strict=True)) == [
        ("KHM", "JPN", 5), ("BRA", "ARG", 3), ("JPN", "KHM", 1)]
    by_code = analysis.top_dyads(store, level="code", limit=1)
    assert by_code[["source", "target", "events"]].values.tolist() == [["BRA", "ARG", 2]]


def test_top_dyads_by_change_compares_the_last_two_periods(store: Store) -> None:
    frame = analysis.top_dyads(store, by="change", freq="month")
    changes = {(row.source, row.target): (row.events_before, row.events_after, row.change)
               for row in frame.itertuples()}
    assert changes[("KHM", "JPN")] == (3, 2, -1)
    assert changes[("BRA", "ARG")] == (1, 2, 1)
    assert changes[("JPN", "KHM")] == (0, 1, 1)
    assert set(frame["period"]) == {pd.Timestamp("2021-03-01")}  # February had no events: compared with January


def test_actor_network_edges_are_weighted_and_skip_events_without_target(store: Store) -> None:
    edges = analysis.actor_network(store)
    assert ("BRA", "") not in set(zip(edges["source"], edges["target"], strict=True))
    assert int(edges["events"].sum()) == len(EVENTS) - 2  # no target, self-loop
    weights = {(row.source, row.target): row.events for row in edges.itertuples()}
    assert weights == {("KHM", "JPN"): 5, ("BRA", "ARG"): 3, ("JPN", "KHM"): 1}
    assert len(analysis.actor_network(store, min_events=2)) == 2


def test_event_types_shares_add_up_and_carry_names(store: Store) -> None:
    frame = analysis.event_types(store)
    assert frame["share"].sum() == pytest.approx(1.0)
    first = frame.iloc[0]
    assert (first["code"], first["name"], first["events"]) == ("04", "CONSULT", 3)
    full = analysis.event_types(store, level="code", source="KHM")
    assert set(full["code"]) == {"042", "036", "0331", "112", "190"}


def test_plot_dyad_series_writes_a_png(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "khm-jpn.png"
    analysis.plot_dyad_series(analysis.dyad_series(store, "KHM", "JPN"), str(path), title="KHM -> JPN")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_cli_series_prints_the_table_csv_and_plot(tmp_path: Path) -> None:
    db = tmp_path / "events.duckdb"
    fill_store(Store(db))
    runner = CliRunner()
    result = runner.invoke(app, ["series", "KHM", "JPN", "--db", str(db), "--freq", "month"])
    assert result.exit_code == 0, result.output
    assert "KHM -> JPN per month: 5 events" in result.output
    assert "2021-02-01" in result.output
    plot = tmp_path / "chart.png"
    result = runner.invoke(app, ["series", "KHM", "JPN", "--db", str(db), "--format", "csv", "--plot", str(plot)])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("period,events,verbal_cooperation")
    assert lines[1].startswith("2021-01-01,3,3,0,0,0,")
    assert plot.stat().st_size > 1000


@pytest.mark.parametrize("args", [["KHM", "JPN", "--freq", "hour"], ["KH M", "JPN"], ["KHM", "JPN", "-f", "xml"]])
def test_cli_series_fails_clearly_on_bad_input(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "events.duckdb"
    fill_store(Store(db))
    result = CliRunner().invoke(app, ["series", *args, "--db", str(db)])
    assert result.exit_code == 2
    assert "error:" in result.output


def test_cli_series_names_a_missing_store(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["series", "KHM", "JPN", "--db", str(tmp_path / "none.duckdb")])
    assert result.exit_code == 2
    assert "no such store" in result.output


# Invented stories: Cambodia and Japan over three months, written for this test.
INVENTED = (
    ("2021-01-12", "Japan pledged economic aid to Cambodia on Monday."),
    ("2021-01-20", "The foreign minister of Cambodia held talks with his counterpart from Japan in Tokyo."),
    ("2021-03-16", "Cambodia accused Japan of interfering in its elections."),
)


@pytest.mark.slow
def test_series_of_ingested_invented_stories(tmp_path: Path, coder: object) -> None:
    corpus = tmp_path / "invented.jsonl"
    corpus.write_text("".join(json.dumps({"id": f"inv-{i}", "date": day, "text": text}) + "\n"
                              for i, (day, text) in enumerate(INVENTED)), encoding="utf-8")
    store = Store(":memory:")
    summary = ingest(store, [corpus], coder=coder)  # type: ignore[arg-type]
    assert summary.stories_new == 3
    both = pd.concat([analysis.dyad_series(store, "KHM", "JPN"), analysis.dyad_series(store, "JPN", "KHM")])
    monthly = both.groupby("period")[["events", "verbal_conflict"]].sum()
    assert monthly.loc[pd.Timestamp("2021-01-01"), "events"] >= 2
    assert monthly.loc[pd.Timestamp("2021-03-01"), "verbal_conflict"] >= 1
    assert {("JPN", "KHM"), ("KHM", "JPN")} <= set(zip(analysis.actor_network(store)["source"],
                                                         analysis.actor_network(store)["target"], strict=True))


def test_dyad_series_dedup_counts_one_a_day_events(store: Store) -> None:
    story = Story(id="second-report", date=dt.date(2021, 1, 20), text="Source did-this Target. Another outlet.")
    store.add_batch([(story, [make_event(story, "KHM", "JPN", "036")])])  # the same event, same day, again
    assert analysis.dyad_series(store, "KHM", "JPN")["events"].tolist() == [4, 0, 2]
    assert analysis.dyad_series(store, "KHM", "JPN", dedup=True)["events"].tolist() == [3, 0, 2]
