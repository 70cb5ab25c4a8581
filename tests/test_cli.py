"""The command line: help for every command, `dyads code` output formats, clean errors, rejects."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from dyads.cli import app
from dyads.model import EVENT_FIELDS

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]

runner = CliRunner()


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    """Run `dyads` in a fresh process, as a user would (real stdout, stderr and exit status)."""
    return subprocess.run([sys.executable, "-c", "from dyads.cli import app; app()", *args],
                          capture_output=True, text=True, timeout=120)


def test_cli_has_commands() -> None:
    assert {"code", "evaluate"} <= set(COMMANDS)


@pytest.mark.parametrize("command", [[], *([c] for c in COMMANDS)], ids=["dyads", *COMMANDS])
def test_cli_command_has_help(command: list[str]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    group = typer.main.get_command(app)
    help_text = group.commands[command[0]].help if command else group.help  # type: ignore[attr-defined]
    assert help_text and help_text.strip()


def test_cli_version_prints_version() -> None:
    import dyads

    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert dyads.__version__ in result.output


@pytest.fixture(scope="module")
def examples_jsonl(coder) -> list[dict]:
    result = runner.invoke(app, ["code", str(EXAMPLES), "--format", "jsonl"])
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_cli_code_jsonl_lines_are_event_records(examples_jsonl: list[dict]) -> None:
    assert examples_jsonl
    for record in examples_jsonl:
        assert list(record) == list(EVENT_FIELDS)


def test_cli_code_jsonl_covers_every_example_story(examples_jsonl: list[dict]) -> None:
    stems = {path.stem for path in EXAMPLES.iterdir() if path.suffix == ".txt"}
    assert {record["story_id"] for record in examples_jsonl} == stems


def test_cli_code_csv_has_header_and_rows(tmp_path: Path, coder) -> None:
    out = tmp_path / "events.csv"
    result = runner.invoke(app, ["code", str(EXAMPLES), "--format", "csv", "--output", str(out)])
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert rows[0] == list(EVENT_FIELDS)
    assert len(rows) > 1 and all(len(row) == len(EVENT_FIELDS) for row in rows)


def test_cli_code_table_lists_events(coder) -> None:
    result = runner.invoke(app, ["code", str(EXAMPLES / "2023-03-15-norway-kenya.txt")])
    assert result.exit_code == 0, result.output
    assert "2023-03-15-norway-kenya" in result.stdout


def test_cli_code_unknown_format_fails_cleanly() -> None:
    result = runner.invoke(app, ["code", str(EXAMPLES), "--format", "xml"])
    assert result.exit_code != 0
    assert "xml" in result.output and "Traceback" not in result.output


def test_cli_code_rejects_file_lists_bad_records(tmp_path: Path, coder) -> None:
    stories = tmp_path / "stories.jsonl"
    good = {"id": "good", "date": "2021-03-10", "text": "France condemned Iran on Monday."}
    empty = {"id": "empty", "date": "2021-03-10", "text": " "}
    stories.write_text(f"{json.dumps(good)}\n{{broken json\n{json.dumps(empty)}\n", encoding="utf-8")
    rejects = tmp_path / "rejects.jsonl"
    result = runner.invoke(app, ["code", str(stories), "--format", "jsonl", "--rejects", str(rejects)])
    assert result.exit_code == 0, result.output
    assert {json.loads(line)["story_id"] for line in result.stdout.splitlines() if line.strip()} == {"good"}
    written = [json.loads(line) for line in rejects.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in written] == [2, 3]
    assert all(r["origin"] == str(stories) and r["reason"] for r in written)


@pytest.mark.parametrize("case", ["missing-file", "non-utf8-file"])
def test_cli_code_unreadable_input_exits_nonzero_without_traceback(tmp_path: Path, case: str) -> None:
    path = tmp_path / "story.txt"
    if case == "non-utf8-file":
        path.write_bytes(b"date 2021-03-10 Fran\xe7a condenou o Ir\xe3 na segunda-feira.\n")
    result = run_cli("code", str(path), "--format", "jsonl")
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and result.stderr.startswith(("error:", "rejected"))
    assert result.stdout.strip() == ""


def test_cli_evaluate_prints_scores(tmp_path: Path, coder) -> None:
    gold = tmp_path / "gold.jsonl"
    gold.write_text(json.dumps({"id": "g1", "date": "2021-03-10", "text": "France condemned Iran on Monday.",
                                "events": [{"source": "FRA", "target": "IRN", "code": "111"}]}) + "\n",
                    encoding="utf-8")
    scores = tmp_path / "scores.json"
    result = runner.invoke(app, ["evaluate", str(gold), "--json", str(scores)])
    assert result.exit_code == 0, result.output
    [score] = json.loads(scores.read_text(encoding="utf-8"))
    assert score["dataset"] == "gold" and score["scored"] == 1
    assert set(score["levels"]) >= {"root_country", "full", "type"}


def test_cli_evaluate_missing_gold_file_fails_cleanly(tmp_path: Path) -> None:
    result = run_cli("evaluate", str(tmp_path / "nope.jsonl"))
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and result.stderr.startswith("error:")
