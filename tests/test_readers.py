"""Tests for dyads.readers: every input format, directories, stdin, and each kind of bad record."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import sys
import types
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dyads.errors import ConfigError, InputError
from dyads.model import Reject, Story
from dyads.readers import read_stories, story_id_for

TEXT = (
    "The foreign ministers of Ruritania and Freedonia met in Zenda on Tuesday.\n\nThey agreed to talk again."
)
OTHER = "Protesters gathered outside the parliament of Ruritania, police said."
DAY = dt.date(2021, 3, 4)


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = content.encode("utf-8")
    path.write_bytes(content)
    return path


def read(*paths: str | Path, **options: object) -> list[Story | Reject]:
    return list(read_stories(list(paths), **options))  # type: ignore[arg-type]


def split(records: list[Story | Reject]) -> tuple[list[Story], list[Reject]]:
    stories = [record for record in records if isinstance(record, Story)]
    rejects = [record for record in records if isinstance(record, Reject)]
    return stories, rejects


def jsonl(*records: object) -> str:
    return "".join(json.dumps(record) + "\n" for record in records)


def csv_text(*rows: list[str]) -> str:
    buffer = io.StringIO(newline="")
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def set_stdin(monkeypatch: pytest.MonkeyPatch, data: bytes) -> None:
    monkeypatch.setattr(sys, "stdin", types.SimpleNamespace(buffer=io.BytesIO(data)))


# Sample format and plain text


@pytest.mark.parametrize("name", ["story-one.txt", "story-one", "story-one.text"])
def test_sample_format_reads_header_and_text(tmp_path: Path, name: str) -> None:
    path = write(tmp_path / name, f"  date 2021-03-04 {TEXT}")
    [story] = read(path)
    assert isinstance(story, Story)
    assert (story.id, story.date, story.text) == ("story-one", DAY, TEXT)


def test_sample_format_header_on_its_own_line(tmp_path: Path) -> None:
    path = write(tmp_path / "s.txt", f"\n date 2021-03-04\n\n{TEXT}\n")
    [story] = read(path)
    assert story.text == TEXT + "\n"


def test_sample_format_accepts_iso_datetime(tmp_path: Path) -> None:
    path = write(tmp_path / "s.txt", f"date 2021-03-04T09:30:00Z {TEXT}")
    [story] = read(path)
    assert isinstance(story, Story) and story.date == DAY


def test_sample_format_header_wins_over_date_option(tmp_path: Path) -> None:
    path = write(tmp_path / "s-1999-01-01.txt", f"date 2021-03-04 {TEXT}")
    [story] = read(path, date=dt.date(2000, 1, 1))
    assert story.date == DAY


def test_sample_format_bom_is_stripped(tmp_path: Path) -> None:
    path = write(tmp_path / "s.txt", b"\xef\xbb\xbf" + f"date 2021-03-04 {TEXT}".encode())
    [story] = read(path)
    assert isinstance(story, Story) and story.text == TEXT


def test_plain_text_dated_by_option_is_kept_exactly(tmp_path: Path) -> None:
    content = "  " + TEXT.replace("\n", "\r\n") + "\n"
    path = write(tmp_path / "plain.txt", content)
    [story] = read(path, date=DAY)
    assert isinstance(story, Story)
    assert (story.id, story.date, story.text) == ("plain", DAY, content)


def test_plain_text_dated_by_file_name(tmp_path: Path) -> None:
    path = write(tmp_path / "zenda-2021-03-04-talks.txt", TEXT)
    [story] = read(path)
    assert isinstance(story, Story) and story.date == DAY


def test_plain_text_opening_with_word_date_is_not_a_header(tmp_path: Path) -> None:
    content = "date growers in Freedonia blocked a highway."
    [story] = read(write(tmp_path / "growers.txt", content), date=DAY)
    assert isinstance(story, Story) and story.text == content


def test_plain_text_without_date_is_rejected(tmp_path: Path) -> None:
    path = write(tmp_path / "undated.txt", TEXT)
    [reject] = read(path)
    assert isinstance(reject, Reject)
    assert reject.reason == "missing date; pass --date or put YYYY-MM-DD in the file name"
    assert (reject.origin, reject.line, reject.record_id) == (str(path), None, "undated")


# JSON lines


def test_jsonl_reads_fields_and_metadata(tmp_path: Path) -> None:
    record = {
        "id": "a1",
        "date": "2021-03-04",
        "text": TEXT,
        "source": "Zenda Herald",
        "url": "https://example.org/a1",
        "lang": "en",
        "tags": ["diplomacy"],
    }
    [story] = read(write(tmp_path / "batch.jsonl", jsonl(record)))
    assert isinstance(story, Story)
    assert (story.id, story.date, story.text) == ("a1", DAY, TEXT)
    assert (story.source, story.url) == ("Zenda Herald", "https://example.org/a1")
    assert story.metadata == {"lang": "en", "tags": ["diplomacy"]}


def test_jsonl_missing_id_uses_stem_and_line(tmp_path: Path) -> None:
    content = "\n" + jsonl(
        {"date": "2021-03-04", "text": TEXT}, {"id": 7, "date": "2021-03-04", "text": OTHER}
    )
    stories = read(write(tmp_path / "batch.ndjson", content))
    assert [story.id for story in stories] == ["batch:2", "7"]


def test_jsonl_accepts_datetime_and_bom(tmp_path: Path) -> None:
    content = b"\xef\xbb\xbf" + jsonl({"id": "x", "date": "2021-03-04T23:59:00+05:00", "text": TEXT}).encode()
    [story] = read(write(tmp_path / "b.jsonl", content))
    assert isinstance(story, Story) and story.date == DAY


# CSV


def test_csv_reads_fields_metadata_and_multiline_text(tmp_path: Path) -> None:
    content = csv_text(
        ["id", "date", "text", "source", "url", "section"],
        ["c1", "2021-03-04", TEXT, "Zenda Herald", "", "world"],
        ["c2", "2021-03-04 08:00:00", 'He said, "we will return."', "", "https://example.org/c2", ""],
    )
    first, second = read(write(tmp_path / "batch.csv", content))
    assert isinstance(first, Story) and isinstance(second, Story)
    assert (first.id, first.date, first.text, first.source) == ("c1", DAY, TEXT, "Zenda Herald")
    assert first.metadata == {"section": "world"}
    assert (second.text, second.url) == ('He said, "we will return."', "https://example.org/c2")


def test_csv_without_id_column_uses_stem_and_line(tmp_path: Path) -> None:
    content = csv_text(["date", "text"], ["2021-03-04", "Line one\nline two"], ["2021-03-04", OTHER])
    stories = read(write(tmp_path / "noid.csv", content))
    assert [story.id for story in stories] == ["noid:2", "noid:4"]


# Directories and stdin


def test_directory_is_read_recursively_sorted_skipping_hidden_and_unknown(tmp_path: Path) -> None:
    write(tmp_path / "b" / "2021-03-04-second.txt", OTHER)
    write(tmp_path / "a.txt", f"date 2021-03-04 {TEXT}")
    write(tmp_path / "b" / "a" / "deep.jsonl", jsonl({"id": "deep", "date": "2021-03-04", "text": TEXT}))
    write(tmp_path / "c.csv", csv_text(["id", "date", "text"], ["row", "2021-03-04", OTHER]))
    write(tmp_path / ".hidden.txt", f"date 2021-03-04 {TEXT}")
    write(tmp_path / ".git" / "x.txt", f"date 2021-03-04 {TEXT}")
    write(tmp_path / "notes.md", f"date 2021-03-04 {TEXT}")
    write(tmp_path / "noext", f"date 2021-03-04 {TEXT}")
    write(tmp_path / "b" / "undated.txt", OTHER)
    records = read(tmp_path)
    assert [getattr(record, "id", None) for record in records] == [
        "a",
        "2021-03-04-second",
        "deep",
        None,
        "row",
    ]
    reject = records[3]
    assert isinstance(reject, Reject)
    assert (reject.origin, reject.record_id) == (str(tmp_path / "b" / "undated.txt"), "undated")


@pytest.mark.parametrize(
    ("data", "expected_id"),
    [
        (f"  date 2021-03-04 {TEXT}".encode(), story_id_for(TEXT, DAY)),
        (b"\n" + jsonl({"id": "s1", "date": "2021-03-04", "text": TEXT}).encode(), "s1"),
    ],
)
def test_stdin_detects_format(monkeypatch: pytest.MonkeyPatch, data: bytes, expected_id: str) -> None:
    set_stdin(monkeypatch, data)
    [story] = read("-")
    assert isinstance(story, Story)
    assert (story.id, story.date, story.text) == (expected_id, DAY, TEXT)


def test_stdin_plain_text_uses_date_option(monkeypatch: pytest.MonkeyPatch) -> None:
    set_stdin(monkeypatch, TEXT.encode())
    [story] = read("-", date=DAY)
    assert isinstance(story, Story) and story.text == TEXT
    set_stdin(monkeypatch, TEXT.encode())
    [reject] = read("-")
    assert isinstance(reject, Reject)
    assert (reject.origin, reject.reason) == ("<stdin>", "missing date; pass --date")


def test_stdin_jsonl_rejects_name_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    set_stdin(monkeypatch, b'{"date": "2021-03-04", "text": "A summit was held."}\n{broken\n')
    story, reject = read("-")
    assert isinstance(story, Story) and story.id == "<stdin>:1"
    assert isinstance(reject, Reject) and (reject.origin, reject.line) == ("<stdin>", 2)


# Bad input


def test_missing_path_raises_before_reading(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no-such.txt: no such file"):
        read_stories([tmp_path / "no-such.txt"])


def test_nonpositive_max_chars_is_a_config_error() -> None:
    with pytest.raises(ConfigError):
        read_stories([], max_chars=0)


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.txt", b"", "empty text"),
        ("blank.txt", b"  \n\t\n", "empty text"),
        ("header-only.txt", b" date 2021-03-04 \n", "empty text"),
        ("binary.txt", b"date 2021-03-04 \x00\x01\x02\xff", "binary file"),
        ("latin1.txt", "date 2021-03-04 Caf\xe9 talks".encode("latin-1"), "undecodable bytes (not UTF-8)"),
        ("bad-date.txt", b"date 2021-13-45 Ministers met.", "invalid date '2021-13-45'"),
        ("huge.txt", b"date 2021-03-04 " + b"word " * 30, "text too long (150 characters, limit 100"),
        ("enormous.txt", b"x" * 1000, "text too long (1000 bytes, limit 100"),
        ("story.json", b'{"id": "a"}', "unsupported file type '.json'"),
    ],
)
def test_bad_text_file_is_rejected(tmp_path: Path, name: str, content: bytes, reason: str) -> None:
    path = write(tmp_path / name, content)
    [reject] = read(path, max_chars=100)
    assert isinstance(reject, Reject)
    assert reject.reason.startswith(reason)
    assert (reject.origin, reject.line, reject.record_id) == (str(path), None, Path(name).stem)
    assert "\n" not in reject.reason
    assert reject.message().startswith(f"{path} (record {Path(name).stem}): ")


def test_unreadable_file_is_rejected(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write(tmp_path / "locked.txt", f"date 2021-03-04 {TEXT}")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)
    [reject] = read(path)
    assert isinstance(reject, Reject)
    assert reject.reason.startswith("cannot read the file: Permission denied")


def test_bad_jsonl_lines_are_rejected_and_good_lines_kept(tmp_path: Path) -> None:
    lines = [
        json.dumps({"id": "good1", "date": "2021-03-04", "text": TEXT}),
        '{"id": "broken", "date": ',
        "[1, 2, 3]",
        json.dumps({"id": "d1", "date": "yesterday", "text": TEXT}),
        json.dumps({"id": "d2", "date": "2020-13-45", "text": TEXT}),
        json.dumps({"id": "d3", "text": TEXT}),
        json.dumps({"id": "e1", "date": "2021-03-04", "text": "  "}),
        json.dumps({"id": "t1", "date": "2021-03-04"}),
        json.dumps({"id": "t2", "date": "2021-03-04", "text": 42}),
        json.dumps({"id": "h1", "date": "2021-03-04", "text": "long " * 50}),
        json.dumps({"id": "s1", "date": "2021-03-04", "text": TEXT, "source": 3}),
        json.dumps({"id": True, "date": "2021-03-04", "text": TEXT}),
        json.dumps({"id": "good2", "date": "2021-03-04", "text": OTHER}),
    ]
    content = "\n".join(lines).encode() + b'\n{"id": "u1", "date": "2021-03-04", "text": "caf\xe9"}\n'
    stories, rejects = split(read(write(tmp_path / "mixed.jsonl", content), max_chars=150))
    assert [story.id for story in stories] == ["good1", "good2"]
    found = {reject.line: (reject.record_id, reject.reason) for reject in rejects}
    assert set(found) == set(range(2, 13)) | {14}
    assert found[2][1].startswith("broken JSON line: Expecting value")
    assert found[3] == ("", "expected a JSON object, got list")
    assert found[4][0] == "d1" and found[4][1].startswith("invalid date 'yesterday'")
    assert found[5][1].startswith("invalid date '2020-13-45'")
    assert found[6][1].startswith("missing date")
    assert found[7] == ("e1", "empty text")
    assert found[8] == ("t1", "missing text")
    assert found[9][1] == "text must be a string, got int"
    assert found[10][1].startswith("text too long (250 characters, limit 150")
    assert found[11][1] == "source must be a string, got int"
    assert found[12][1].startswith("id must be a string or a number")
    assert found[14][1].startswith("undecodable bytes (not UTF-8)")
    assert all(reject.origin == str(tmp_path / "mixed.jsonl") for reject in rejects)
    assert all("\n" not in reject.reason for reject in rejects)


def test_binary_jsonl_is_rejected_once(tmp_path: Path) -> None:
    content = jsonl({"id": "ok", "date": "2021-03-04", "text": TEXT}).encode() + b"\x00\x01\n\x00\x02\n"
    stories, rejects = split(read(write(tmp_path / "bin.jsonl", content)))
    assert [story.id for story in stories] == ["ok"]
    assert [(reject.line, reject.reason.split(" (")[0]) for reject in rejects] == [(2, "binary data")]


@pytest.mark.parametrize(
    ("header", "missing"),
    [(["id", "text"], "date"), (["id", "date", "body"], "text"), ([], "date, text")],
)
def test_csv_missing_column_is_rejected(tmp_path: Path, header: list[str], missing: str) -> None:
    content = csv_text(header, ["x", "2021-03-04", TEXT]) if header else "\n2021-03-04\n"
    [reject] = read(write(tmp_path / "cols.csv", content))
    assert isinstance(reject, Reject) and reject.line == 1
    assert reject.reason.startswith(f"CSV header lacks column(s) {missing};")


def test_bad_csv_rows_are_rejected_and_good_rows_kept(tmp_path: Path) -> None:
    content = (
        csv_text(
            ["id", "date", "text"],
            ["good1", "2021-03-04", OTHER],
            ["short", "2021-03-04"],
            ["d1", "yesterday", OTHER],
            ["e1", "2021-03-04", ""],
            ["good2", "2021-03-04", OTHER],
        ).encode()
        + b"u1,2021-03-04,caf\xe9\r\n"
    )
    stories, rejects = split(read(write(tmp_path / "rows.csv", content)))
    assert [story.id for story in stories] == ["good1", "good2"]
    found = {reject.line: (reject.record_id, reject.reason) for reject in rejects}
    assert found[3] == ("short", "row has 2 fields but the header has 3")
    assert found[4][0] == "d1" and found[4][1].startswith("invalid date 'yesterday'")
    assert found[5] == ("e1", "empty text")
    assert found[7] == ("u1", "undecodable bytes (not UTF-8)")
    assert set(found) == {3, 4, 5, 7}
    assert "\ufffd" in rejects[-1].raw


@pytest.mark.parametrize("content", [b"", b"id,date,text\r\n\x00"])
def test_empty_or_binary_csv_is_rejected(tmp_path: Path, content: bytes) -> None:
    [reject] = read(write(tmp_path / "bad.csv", content))
    assert isinstance(reject, Reject)


def test_csv_text_over_default_field_limit_is_read(tmp_path: Path) -> None:
    long_text = "Talks went on. " * 10_000
    content = csv_text(["id", "date", "text"], ["long", "2021-03-04", long_text])
    [story] = read(write(tmp_path / "long.csv", content))
    assert isinstance(story, Story) and story.text == long_text


# Story ids


def test_story_id_is_stable_and_ignores_whitespace() -> None:
    story_id = story_id_for(TEXT, DAY)
    assert len(story_id) == 16 and int(story_id, 16) >= 0
    assert story_id == story_id_for("  " + TEXT.replace(" ", "\n  ") + "\n", DAY)
    assert story_id != story_id_for(TEXT, dt.date(2021, 3, 5))
    assert story_id != story_id_for(TEXT, DAY, "Zenda Herald")
    assert story_id != story_id_for(OTHER, DAY)


# Properties

CHARACTERS = st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00")
TEXTS = st.text(CHARACTERS, min_size=1).filter(lambda text: bool(text.strip()))


@settings(max_examples=150, deadline=None)
@given(text=TEXTS.filter(lambda text: not text[0].isspace()), date=st.dates())
def test_sample_format_round_trips(
    tmp_path_factory: pytest.TempPathFactory, text: str, date: dt.date
) -> None:
    path = write(tmp_path_factory.mktemp("sample") / "story.txt", f"  date {date.isoformat()} {text}")
    [story] = read(path)
    assert isinstance(story, Story)
    assert (story.id, story.date, story.text) == ("story", date, text)


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(st.tuples(st.text(CHARACTERS, min_size=1), TEXTS), min_size=1, max_size=5),
    date=st.dates(),
    ascii_only=st.booleans(),
)
def test_jsonl_round_trips(
    tmp_path_factory: pytest.TempPathFactory, records: list[tuple[str, str]], date: dt.date, ascii_only: bool
) -> None:
    content = "".join(
        json.dumps({"id": story_id, "date": date.isoformat(), "text": text}, ensure_ascii=ascii_only) + "\n"
        for story_id, text in records
    )
    stories = read(write(tmp_path_factory.mktemp("jsonl") / "batch.jsonl", content))
    assert [(story.id, story.date, story.text) for story in stories] == [
        (story_id, date, text) for story_id, text in records
    ]


@settings(max_examples=150, deadline=None)
@given(
    records=st.lists(st.tuples(st.text(CHARACTERS, min_size=1), TEXTS), min_size=1, max_size=5),
    date=st.dates(),
)
def test_csv_round_trips(
    tmp_path_factory: pytest.TempPathFactory, records: list[tuple[str, str]], date: dt.date
) -> None:
    path = tmp_path_factory.mktemp("csv") / "batch.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "date", "text"])
        writer.writerows([story_id, date.isoformat(), text] for story_id, text in records)
    stories = read(path)
    assert [(story.id, story.date, story.text) for story in stories] == [
        (story_id, date, text) for story_id, text in records
    ]
