"""The store: schema, idempotent and resumable ingest, rejects, dedup, queries, actor memory, concurrent reads.

Most tests use a stand-in coder (`FakeCoder`: "KEN NOR 042 ..." codes as KEN -> NOR 042) so they run without
spaCy; the slow ones run the real `dyads ingest` in a subprocess (SIGKILL mid-run, reads during an ingest).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from conftest import make_stored_event
from dyads.dedup import collapse, one_a_day_id
from dyads.errors import InputError, StoreError
from dyads.model import Event, Reject, Story
from dyads.store import SCHEMA_VERSION, Store, frame_row_to_event, ingest

# Invented sentences (not from any dataset), templated into corpora.
TEMPLATES = (
    "{a} and {b} signed an agreement on trade cooperation, officials said.",
    "The president of {a} met the prime minister of {b} in the capital to discuss security.",
    "{a} accused {b} of violating the ceasefire along the border.",
    "{a} pledged economic aid to {b} after the floods.",
    "The foreign minister of {a} held talks with his counterpart from {b}.",
    "{a} condemned the missile test carried out by {b}.",
)
PAIRS = (("Kenya", "Norway"), ("Brazil", "Argentina"), ("Japan", "Cambodia"), ("Chile", "Peru"),
         ("Egypt", "Sudan"), ("Canada", "Mexico"))


def write_corpus(path: Path, count: int, *, start: dt.date = dt.date(2021, 3, 1)) -> Path:
    """`count` distinct invented stories as JSON lines, three a day."""
    with path.open("w", encoding="utf-8") as handle:
        for i in range(count):
            a, b = PAIRS[(i // len(TEMPLATES)) % len(PAIRS)]
            text = TEMPLATES[i % len(TEMPLATES)].format(a=a, b=b) + f" It was report number {i}."
            record = {"id": f"story-{i}", "date": (start + dt.timedelta(days=i // 3)).isoformat(), "text": text,
                      "source": "Invented Wire"}
            handle.write(json.dumps(record) + "\n")
    return path


make_event = make_stored_event


class FakeCoder:
    """Codes "SRC TGT CODE [SRC TGT CODE...] | rest": one event per triple; "BOOM" makes it fail."""

    actor_files: tuple[Path, ...] = ()
    lexicon_files: tuple[Path, ...] = ()
    dictionary_dirs: tuple[Path, ...] = ()
    batch_size = 8

    def code(self, story: Story) -> list[Event]:
        if "BOOM" in story.text:
            raise RuntimeError("parser exploded")
        words = story.text.split("|")[0].split()
        return [make_event(story, *words[i:i + 3]) for i in range(0, len(words) - 2, 3)]

    def code_many(self, stories: Iterable[Story]) -> Iterator[tuple[Story, list[Event]]]:
        for story in stories:
            yield story, self.code(story)


def fake_corpus(path: Path, lines: Iterable[tuple[str, str]]) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        for i, (date, text) in enumerate(lines):
            handle.write(json.dumps({"id": f"r{i}", "date": date, "text": text, "source": "wire"}) + "\n")
    return path


@pytest.fixture
def store() -> Store:
    return Store(":memory:")


@pytest.fixture
def fake_inputs(tmp_path: Path) -> Path:
    return fake_corpus(tmp_path / "fake.jsonl", [
        ("2021-03-01", "KEN NOR 042 | Kenyan visit."),
        ("2021-03-01", "NOR KEN 043 KENGOV NORGOV 046 | Norway hosts."),
        ("2021-03-01", "KEN NOR 042 | Another outlet reports the visit."),
        ("2021-03-03", "KEN NOR 042 | Two days later."),
        ("2021-03-05", "BRAGOV ARG 111 | Brazil criticised."),
    ])


def test_store_creates_schema_with_version(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    store = Store(path)
    assert store.schema_version() == SCHEMA_VERSION
    assert store.counts() == {"stories": 0, "events": 0, "mentions": 0, "actors": 0, "rejects": 0,
                              "dedup_events": 0}
    assert Store(path).schema_version() == SCHEMA_VERSION  # reopening migrates nothing twice
    assert Store(path, read_only=True).schema_version() == SCHEMA_VERSION


def test_store_read_only_missing_file_says_what_to_do(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="dyads ingest"):
        Store(tmp_path / "none.duckdb", read_only=True)


def test_store_read_only_refuses_writes(tmp_path: Path) -> None:
    Store(tmp_path / "s.duckdb")
    with pytest.raises(StoreError, match="read-only"):
        Store(tmp_path / "s.duckdb", read_only=True).add_rejects([Reject("f", 1, "", "bad")])


def test_ingest_stores_stories_events_and_mentions(store: Store, fake_inputs: Path) -> None:
    summary = ingest(store, [fake_inputs], coder=FakeCoder(), batch_size=2)  # type: ignore[arg-type]
    assert (summary.stories_new, summary.events, summary.rejects, summary.batches) == (5, 6, 0, 3)
    counts = store.counts()
    assert counts["stories"] == 5 and counts["events"] == 6 and counts["mentions"] == 6
    assert counts["dedup_events"] == 5  # the two same-day KEN->NOR 042 reports are one event
    stories = store.stories()
    assert sorted(stories["record_id"]) == ["r0", "r1", "r2", "r3", "r4"]
    assert set(store.events()["story_id"]) <= set(stories["id"])


def test_ingest_twice_adds_zero_rows(store: Store, fake_inputs: Path) -> None:
    ingest(store, [fake_inputs], coder=FakeCoder())  # type: ignore[arg-type]
    before = store.counts()
    summary = ingest(store, [fake_inputs], coder=FakeCoder())  # type: ignore[arg-type]
    assert summary.stories_new == 0 and summary.stories_skipped == 5 and summary.events == 0
    assert store.counts() == before


def test_ingest_same_text_under_another_id_is_one_story(store: Store, tmp_path: Path) -> None:
    text = "KEN NOR 042 | The same wire story,\n  re-wrapped."
    first = fake_corpus(tmp_path / "a.jsonl", [("2021-03-01", text)])
    second = fake_corpus(tmp_path / "b.jsonl", [("2021-03-01", " ".join(text.split()))])
    summary = ingest(store, [first, second], coder=FakeCoder())  # type: ignore[arg-type]
    assert (summary.stories_new, summary.stories_duplicate) == (1, 1)


def test_ingest_stores_every_kind_of_reject_and_keeps_good_stories(store: Store, tmp_path: Path) -> None:
    good = json.dumps({"id": "ok", "date": "2021-03-01", "text": "KEN NOR 042 | fine"})
    lines = [
        good,
        "{broken json",
        json.dumps(["not", "an", "object"]),
        json.dumps({"id": "nodate", "text": "KEN NOR 042"}),
        json.dumps({"id": "baddate", "date": "March 1st", "text": "KEN NOR 042"}),
        json.dumps({"id": "empty", "date": "2021-03-01", "text": "   "}),
        json.dumps({"id": "notext", "date": "2021-03-01"}),
        json.dumps({"id": "boom", "date": "2021-03-02", "text": "KEN NOR 042 BOOM | coder fails"}),
    ]
    (tmp_path / "mixed.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (tmp_path / "latin1.jsonl").write_bytes(b'{"id": "x", "date": "2021-03-01", "text": "caf\xe9"}\n')
    (tmp_path / "rows.csv").write_text("id,date,text\nc1,2021-03-01,KEN NOR 042\nc2,2021-03-01\n", encoding="utf-8")
    (tmp_path / "undated.txt").write_text("Plain text with no date at all.", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02")
    summary = ingest(store, [tmp_path], coder=FakeCoder())  # type: ignore[arg-type]
    rejects = store.rejects()
    reasons = " | ".join(rejects["reason"])
    for expected in ("broken JSON", "expected a JSON object", "missing date", "invalid date", "empty text",
                     "missing text", "undecodable bytes", "row has 2 fields", "binary file", "coder failed"):
        assert expected in reasons, expected
    assert summary.rejects == len(rejects) == 11
    assert sorted(store.stories()["record_id"]) == ["c1", "ok"]
    assert set(rejects.loc[rejects["reason"].str.contains("coder failed"), "record_id"]) == {"boom"}
    ingest(store, [tmp_path], coder=FakeCoder())  # type: ignore[arg-type]
    assert len(store.rejects()) == 11  # a re-run stores no reject twice


def test_events_filters(store: Store, fake_inputs: Path) -> None:
    ingest(store, [fake_inputs], coder=FakeCoder())  # type: ignore[arg-type]
    assert len(store.events(source="KEN")) == 4  # prefix: KEN and KENGOV
    assert len(store.events(source="KENGOV")) == 1
    assert len(store.events(dyad="KEN-NOR")) == 4
    assert set(store.events(code="04")["cameo_code"]) == {"042", "043", "046"}
    assert len(store.events(date_from="2021-03-02", date_to="2021-03-04")) == 1
    assert len(store.events(limit=2)) == 2
    assert len(store.events(source="x' OR 1=1 --")) == 0  # parameters, not SQL
    with pytest.raises(InputError, match="SOURCE-TARGET"):
        store.events(dyad="KEN")


@pytest.mark.parametrize(("window", "expected"), [(1, [2, 1]), (3, [3]), (2, [2, 1])])
def test_dedup_window(store: Store, fake_inputs: Path, window: int, expected: list[int]) -> None:
    ingest(store, [fake_inputs], coder=FakeCoder())  # type: ignore[arg-type]
    frame = store.events(dyad="KEN-NOR", code="042", dedup=True, window_days=window)
    assert list(frame["mentions"]) == expected
    assert frame["stories"].sum() == 3


def test_dedup_collapse_is_order_independent(store: Store, fake_inputs: Path) -> None:
    ingest(store, [fake_inputs], coder=FakeCoder())  # type: ignore[arg-type]
    frame = store.events()
    forward = collapse(frame, window_days=3)
    backward = collapse(frame.iloc[::-1].reset_index(drop=True), window_days=3)
    assert list(forward["dedup_id"]) == list(backward["dedup_id"])
    one_day = collapse(frame, window_days=1)
    assert set(one_day["dedup_id"]) == set(frame["dedup_id"])  # same ids as the store's mentions table
    assert one_a_day_id("KEN", "NOR", "042", "2021-03") == one_a_day_id("KEN", "NOR", "042", "2021-03-01")


def test_dyad_series_counts_raw_or_dedup(store: Store, fake_inputs: Path) -> None:
    ingest(store, [fake_inputs], coder=FakeCoder())  # type: ignore[arg-type]
    raw = store.dyad_series("KEN", "NOR", freq="month")
    dedup = store.dyad_series("KEN", "NOR", freq="month", dedup=True)
    assert list(raw["events"]) == [4] and list(dedup["events"]) == [3]  # KEN matches KENGOV->NORGOV 046 too
    assert list(raw["verbal_cooperation"]) == [4]


def test_event_records_round_trip(store: Store) -> None:
    story = Story(id="s1", date=dt.date(2021, 3, 1), text="KEN NOR 042")
    event = make_event(story, "KENGOV", "", "042", "2021-02")
    store.add_batch([(story, [event])])
    assert store.event_records() == [event]
    assert frame_row_to_event(store.events().to_dict("records")[0]) == event


def test_actor_memory_set_list_remove_and_table(store: Store, tmp_path: Path) -> None:
    store.set_actor("Amara Velde", "NORGOV", first_seen=dt.date(2020, 1, 1), last_seen=dt.date(2022, 12, 31))
    store.set_actor("Amara Velde", "NORGOV", first_seen=dt.date(2019, 1, 1))  # replaces
    assert list(store.actors()["name"]) == ["Amara Velde"]
    assert store.write_actor_table(tmp_path / "a.csv") == 1
    assert (tmp_path / "a.csv").read_text().splitlines() == ["name,code,from,to", "Amara Velde,NORGOV,2019-01-01,"]
    with pytest.raises(InputError, match="CAMEO"):
        store.set_actor("X", "not a code")
    assert store.remove_actor("Amara Velde") and not store.remove_actor("Amara Velde")


@pytest.mark.slow
def test_actor_memory_resolves_untitled_person(store: Store, tmp_path: Path) -> None:
    corpus = fake_corpus(tmp_path / "c.jsonl", [("2021-03-01", "Amara Velde criticised Japan on Monday.")])
    store.set_actor("Amara Velde", "NORGOV", first_seen=dt.date(2020, 1, 1))
    ingest(store, [corpus])
    assert "NORGOV" in set(store.events()["source_code"])


# -- the real coder, in subprocesses ------------------------------------------------------------------------------


DYADS = (sys.executable, "-c", "from dyads.cli import app; app()")


def _run_ingest(corpus: Path, db: Path, *extra: str) -> subprocess.Popen[bytes]:
    command = [*DYADS, "ingest", str(corpus), "--db", str(db), "--batch-size", "16",
               *extra]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _counts(db: Path) -> dict[str, int]:
    return Store(db, read_only=True).counts()


def _wait_for_stories(db: Path, process: subprocess.Popen[bytes], minimum: int, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            if db.exists() and _counts(db)["stories"] >= minimum:
                return
        except StoreError:
            pass
        time.sleep(0.05)
    raise AssertionError(f"no batch committed in {timeout} s (exit code {process.poll()})")


@pytest.mark.slow
def test_ingest_killed_midway_then_rerun_equals_clean_run(tmp_path: Path, coder: object) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 200)
    clean = Store(tmp_path / "clean.duckdb")
    ingest(clean, [corpus], coder=coder, batch_size=16)  # type: ignore[arg-type]
    expected = clean.counts()
    assert expected["stories"] == 200 and expected["events"] > 100

    db = tmp_path / "killed.duckdb"
    process = _run_ingest(corpus, db)
    _wait_for_stories(db, process, 16)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = _counts(db)["stories"]
    assert 16 <= partial < 200, "the kill came too late to test anything"
    rerun = _run_ingest(corpus, db)
    _, stderr = rerun.communicate(timeout=120)
    assert rerun.returncode == 0, stderr.decode()
    assert f"{partial} already stored" in stderr.decode()
    assert _counts(db) == expected
    again = _run_ingest(corpus, db)
    again.communicate(timeout=120)
    assert _counts(db) == expected


@pytest.mark.slow
def test_reads_work_while_an_ingest_runs(tmp_path: Path) -> None:
    corpus = write_corpus(tmp_path / "corpus.jsonl", 200)
    db = tmp_path / "busy.duckdb"
    process = _run_ingest(corpus, db)
    _wait_for_stories(db, process, 16)
    seen: list[int] = []
    cli_reads = 0
    while process.poll() is None:
        seen.append(len(Store(db, read_only=True, lock_timeout=30).events()))
        if cli_reads < 2:
            result = subprocess.run([*DYADS, "events", "--db", str(db), "--format", "csv"],
                                    capture_output=True, text=True, timeout=60, env={**os.environ, "COLUMNS": "200"})
            assert result.returncode == 0, result.stderr
            assert result.stdout.startswith("event_id,")
            cli_reads += 1
    assert process.returncode == 0, process.stderr.read().decode() if process.stderr else ""
    assert len(seen) >= 2 and seen == sorted(seen)  # every read succeeded, and saw whole batches only
    assert len(Store(db, read_only=True).events()) >= seen[-1]


def test_ingest_learns_titled_persons_for_later_stories(tmp_path: Path) -> None:
    first = tmp_path / "2019-05-02-first.txt"
    first.write_text("date 2019-05-02 Estonian Foreign Minister Kaarel Tamm met Latvian officials in Riga.",
                     encoding="utf-8")
    later = tmp_path / "later"
    later.mkdir()
    (later / "2019-09-10-later.txt").write_text("date 2019-09-10 Kaarel Tamm condemned Belarus on Monday.",
                                                encoding="utf-8")
    store = Store(tmp_path / "memory.duckdb")
    ingest(store, [first])
    learned = store.actors()
    assert learned.loc[learned.name == "Kaarel Tamm", "code"].tolist() == ["ESTGOV"]
    assert learned.loc[learned.name == "Kaarel Tamm", "origin"].tolist() == ["learned"]
    ingest(store, [later])
    events = store.events(source="EST")
    assert ("ESTGOV", "BLR") in set(zip(events.source_code, events.target_code, strict=True))
