"""Executors: a local pool and a Dask LocalCluster code the same events as one process; Parquet partitions
are overwritten on a re-run; a missing Dask extra names the extra."""

from __future__ import annotations

import datetime as dt
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from dyads.cli import app
from dyads.errors import MissingExtra
from dyads.model import Event, Story
from dyads.pipeline import Coder
from dyads.scale import code_in_pool, code_stories, code_to_parquet, make_executor, partition_name, read_partition
from dyads.store import MEMORY, Store
from dyads.store import ingest as store_ingest

# Invented sentences for tests only; the templates vary actors, acts and places.
SOURCES = ["The foreign minister of Kenya", "Police in Peru", "The president of Ghana", "Rebels in Mali",
           "The government of Norway", "Protesters in Chile"]
ACTS = ["met the ambassador of {t} in the capital on Tuesday",
        "accused {t} of sheltering armed smugglers",
        "signed a trade agreement with {t}",
        "attacked soldiers from {t} near the border, killing four",
        "urged {t} to release the detained journalists",
        "promised to send $20 million in food aid to {t}"]
TARGETS = ["Uganda", "Bolivia", "Togo", "Niger", "Sweden", "Argentina", "Vietnam"]
CLOSERS = ["Officials said more talks were planned.", "Nobody was available for comment.",
           "The statement gave no further details."]


def invented_stories(count: int) -> list[Story]:
    stories = []
    for i in range(count):
        first = f"{SOURCES[i % 6]} {ACTS[(i // 6) % 6].format(t=TARGETS[i % 7])}."
        second = f"{SOURCES[(i + 3) % 6]} {ACTS[(i + 2) % 6].format(t=TARGETS[(i + 4) % 7])}."
        text = f"{first} {second} {CLOSERS[i % 3]}"
        stories.append(Story(id=f"story-{i:04d}", date=dt.date(2022, 5, 4) + dt.timedelta(days=i % 9), text=text))
    return stories


@pytest.fixture(scope="module")
def stories() -> list[Story]:
    return invented_stories(240)


@pytest.fixture(scope="module")
def one_worker(coder: Coder, stories: list[Story]) -> list[tuple[Story, list[Event]]]:
    return list(code_in_pool(coder, stories, workers=1))


@pytest.fixture(scope="module")
def dask_executor(coder: Coder) -> Iterator[object]:
    pytest.importorskip("distributed")
    with make_executor(coder, engine="dask", workers=2) as executor:
        yield executor


def test_invented_stories_code_events(one_worker: list[tuple[Story, list[Event]]]) -> None:
    coded = sum(1 for _, events in one_worker if events)
    assert coded > 0.8 * len(one_worker)


@pytest.mark.slow
def test_pool_two_workers_equal_one_worker(coder: Coder, stories: list[Story],
                                           one_worker: list[tuple[Story, list[Event]]]) -> None:
    pooled = list(code_in_pool(coder, stories[:200], workers=2))
    assert [story.id for story, _ in pooled] == [story.id for story in stories[:200]]
    assert pooled == one_worker[:200]


@pytest.mark.slow
def test_dask_local_cluster_equals_local_engine(dask_executor: object, stories: list[Story],
                                                one_worker: list[tuple[Story, list[Event]]]) -> None:
    assert dask_executor.workers == 2  # type: ignore[attr-defined]
    coded = list(code_stories(dask_executor, stories))  # type: ignore[arg-type]
    assert coded == one_worker
    assert sum(len(events) for _, events in coded) > 0


def thinc_ops_name(coder: Coder, stories: list[Story]) -> str:
    from thinc.api import get_current_ops

    return type(get_current_ops()).__name__


@pytest.mark.slow
def test_dask_tasks_use_the_models_fast_ops(dask_executor: object) -> None:
    """thinc's ops are per thread; Dask tasks run in another thread than the one that loaded the model."""
    from thinc.api import get_current_ops

    from dyads.nlp import load_pipeline

    load_pipeline()
    expected = type(get_current_ops()).__name__
    assert list(dask_executor.map(thinc_ops_name, [[], []])) == [expected, expected]  # type: ignore[attr-defined]


@pytest.mark.slow
def test_dask_parquet_rerun_overwrites(dask_executor: object, stories: list[Story],
                                       one_worker: list[tuple[Story, list[Event]]], tmp_path: Path) -> None:
    sample = stories[:48]
    first = list(code_to_parquet(dask_executor, sample, tmp_path, batch_size=16))  # type: ignore[arg-type]
    second = list(code_to_parquet(dask_executor, sample, tmp_path, batch_size=16))  # type: ignore[arg-type]
    assert [p.path for p in first] == [p.path for p in second]
    assert sorted(tmp_path.iterdir()) == sorted(p.path for p in first)
    assert [p.path.name for p in first] == [partition_name(sample[i:i + 16]) for i in (0, 16, 32)]
    read_back = [event for p in second for event in read_partition(p.path)]
    expected = [event for _, events in one_worker[:48] for event in events]
    assert sorted(read_back, key=lambda e: e.event_id) == sorted(expected, key=lambda e: e.event_id)
    total = Store.read_parquet(tmp_path / "*.parquet")
    assert len(total) == len(expected) == total["event_id"].nunique()


@pytest.mark.slow
def test_dask_ingest_matches_local_ingest(coder: Coder, stories: list[Story], tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    from dyads.scale import ingest as engine_ingest

    source = tmp_path / "stories.jsonl"
    source.write_text("".join(json.dumps({"id": s.id, "date": s.date.isoformat(), "text": s.text}) + "\n"
                              for s in stories[:40]), encoding="utf-8")
    local, dask = Store(MEMORY), Store(MEMORY)
    store_ingest(local, [source], coder=coder)
    summary = engine_ingest(dask, [source], parts=tmp_path / "parts", engine="dask", workers=2, coder=coder,
                            batch_size=16)
    assert summary.stories_new == 40 and summary.batches == 3
    columns = [c for c in local.events().columns if c != "ingested_at"]
    assert local.events()[columns].equals(dask.events()[columns])
    again = engine_ingest(dask, [source], parts=tmp_path / "parts", engine="dask", workers=2, coder=coder)
    assert (again.stories_new, again.stories_skipped) == (0, 40)
    assert dask.counts()["events"] == summary.events


def test_dask_engine_without_extra_names_it(coder: Coder, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "distributed", None)
    with pytest.raises(MissingExtra, match=r"pip install 'dyads\[dask\]'"):
        make_executor(coder, engine="dask", workers=2)
    result = CliRunner().invoke(app, ["code", "-", "--date", "2022-05-04", "--engine", "dask"],
                                input="Police in Peru met the ambassador of Togo.\n")
    assert result.exit_code == 2
    message = [line for line in result.output.splitlines() if line.strip()]
    assert message == ["error: this feature needs dask.distributed: pip install 'dyads[dask]'"]


@pytest.mark.parametrize(("engine", "scheduler", "text"), [
    ("spark", None, "unknown engine 'spark'"),
    ("local", "tcp://127.0.0.1:8786", "--scheduler needs --engine dask"),
])
def test_make_executor_rejects_bad_options(coder: Coder, engine: str, scheduler: str | None, text: str) -> None:
    from dyads.errors import ConfigError

    with pytest.raises(ConfigError, match=text):
        make_executor(coder, engine=engine, scheduler=scheduler)


def test_partition_name_depends_on_story_ids() -> None:
    batch = invented_stories(3)
    assert partition_name(batch) == partition_name(list(batch))
    assert partition_name(batch) != partition_name(batch[:2])
    assert partition_name(batch).endswith(".parquet")
