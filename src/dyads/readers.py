"""Readers: turn input files, directories and stdin into Story records.

Reads: paths given by the user ("-" is stdin). Produces: `Story` for each good record and `Reject` for each
bad one (empty, undecodable, bad date, broken line, too long), so that one bad record never stops a batch.

Formats:
    sample    `.txt` / `.text` / no extension, starting (after whitespace) with `date YYYY-MM-DD text...`;
              the story id is the file name's stem and the header is not part of the text
    plain     `.txt` / `.text` / no extension without that header: one story, dated by the `date` option or
              by an ISO date in the file name
    JSON      `.jsonl` / `.ndjson`: one object a line with `id`, `date`, `text`, optional `source`, `url`
    CSV       `.csv` with a header naming at least `date` and `text` (`id`, `source`, `url` optional)
    folders   walked recursively in sorted order; only the extensions above, hidden entries skipped

Text is kept exactly as written (only a UTF-8 byte order mark is dropped) so that character offsets computed
later point into the original text.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import hashlib
import io
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from dyads.errors import ConfigError, InputError
from dyads.model import Reject, Story

__all__ = ["STORY_EXTENSIONS", "read_stories", "story_id_for"]

STDIN = "<stdin>"
TEXT_EXTENSIONS = (".txt", ".text")
JSONL_EXTENSIONS = (".jsonl", ".ndjson")
CSV_EXTENSIONS = (".csv",)
STORY_EXTENSIONS = TEXT_EXTENSIONS + JSONL_EXTENSIONS + CSV_EXTENSIONS

_RAW_KEEP = 500  # characters of a bad record kept in Reject.raw
_CSV_FIELD_LIMIT = 2**31 - 1
_STANDARD_FIELDS = ("id", "date", "text", "source", "url")

# `date 2020-10-22 text`: the token after `date` must start like an ISO date to count as a header, so that a
# plain story opening with the word "date" is not mistaken for one.
_HEADER_RE = re.compile(r"\A\s*date[ \t]+(?P<date>\d{4}-\d\d?-\d\d?\S*)(?=\s|\Z)")
_ISO_DATE_RE = re.compile(r"\A\d{4}-\d{2}-\d{2}(?:[T ].+)?\Z")
_NAME_DATE_RE = re.compile(r"(?<!\d)\d{4}-\d{2}-\d{2}(?!\d)")
_SURROGATE_RE = re.compile("[\udc80-\udcff]")


def story_id_for(text: str, date: dt.date, source: str = "") -> str:
    """Return a stable id for a story: the first 16 hex digits of sha256(normalised text, date, source).

    Whitespace is collapsed before hashing so that re-wrapped copies of one story share an id.
    """
    key = "\n".join((" ".join(text.split()), date.isoformat(), source))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def read_stories(
    paths: Sequence[str | Path],
    *,
    date: dt.date | None = None,
    max_chars: int = 200_000,
) -> Iterator[Story | Reject]:
    """Yield a Story for every good record in `paths` and a Reject for every bad one.

    `paths` are files, directories (walked recursively) or "-" for stdin. `date` dates plain-text stories that
    carry no date of their own; `max_chars` is the longest text accepted. Raises InputError at once, before
    anything is read, if a path does not exist.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    if max_chars < 1:
        raise ConfigError(f"max_chars must be a positive number of characters, got {max_chars!r}")
    for path in paths:
        if str(path) != "-" and not Path(path).exists():
            raise InputError(f"{path}: no such file or directory; check the path (use '-' to read stdin)")
    return _read_all(list(paths), date=date, max_chars=max_chars)


def _read_all(paths: list[str | Path], *, date: dt.date | None, max_chars: int) -> Iterator[Story | Reject]:
    for path in paths:
        if str(path) == "-":
            yield from _read_stdin(date=date, max_chars=max_chars)
        elif Path(path).is_dir():
            for file_path in _walk(str(path)):
                yield from _read_readable(file_path, date=date, max_chars=max_chars)
        else:
            yield from _read_readable(str(path), date=date, max_chars=max_chars)


def _read_readable(origin: str, *, date: dt.date | None, max_chars: int) -> Iterator[Story | Reject]:
    """Read one file; a file the system will not let us read becomes a Reject, not an exception."""
    try:
        yield from _read_file(origin, date=date, max_chars=max_chars)
    except OSError as exc:
        yield Reject(origin, None, "", f"cannot read the file: {exc.strerror or exc}; check its permissions")


def _walk(root: str) -> list[str]:
    """Files under `root` with a known extension, sorted by path, skipping hidden files and directories."""
    found: list[tuple[tuple[str, ...], str]] = []
    for directory, subdirs, names in os.walk(root):
        subdirs[:] = [name for name in subdirs if not name.startswith(".")]
        for name in names:
            if not name.startswith(".") and Path(name).suffix.lower() in STORY_EXTENSIONS:
                path = os.path.join(directory, name)
                found.append((Path(os.path.relpath(path, root)).parts, path))
    return [path for _, path in sorted(found)]


def _read_file(origin: str, *, date: dt.date | None, max_chars: int) -> Iterator[Story | Reject]:
    path = Path(origin)
    suffix = path.suffix.lower()
    if suffix in JSONL_EXTENSIONS:
        with path.open("rb") as lines:
            yield from _read_jsonl(lines, origin=origin, stem=path.stem, max_chars=max_chars)
    elif suffix in CSV_EXTENSIONS:
        yield from _read_csv(path.read_bytes(), origin=origin, stem=path.stem, max_chars=max_chars)
    elif suffix in TEXT_EXTENSIONS or not suffix:
        # UTF-8 needs at most 4 bytes a character: a bigger file is too long whatever it holds.
        size = path.stat().st_size
        if size > 4 * max_chars + 64:
            yield Reject(origin, None, path.stem, _too_long_reason(f"{size} bytes", max_chars))
            return
        yield _read_text(path.read_bytes(), origin=origin, name=path.name, date=date, max_chars=max_chars)
    else:
        known = ", ".join(STORY_EXTENSIONS)
        reason = f"unsupported file type {suffix!r}; use {known} or a file without extension"
        yield Reject(origin, None, path.stem, reason)


def _read_stdin(*, date: dt.date | None, max_chars: int) -> Iterator[Story | Reject]:
    data = sys.stdin.buffer.read()
    if data.lstrip(codecs.BOM_UTF8 + b" \t\r\n\f\v").startswith(b"{"):
        yield from _read_jsonl(io.BytesIO(data), origin=STDIN, stem=STDIN, max_chars=max_chars)
    else:
        yield _read_text(data, origin=STDIN, name=None, date=date, max_chars=max_chars)


def _read_text(
    data: bytes, *, origin: str, name: str | None, date: dt.date | None, max_chars: int
) -> Story | Reject:
    """One story from a whole file (`name` is the file name; None for stdin)."""
    story_id = Path(name).stem if name else ""
    if b"\x00" in data:
        return Reject(origin, None, story_id, "binary file (contains NUL bytes), not a text story")
    try:
        content = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        return Reject(origin, None, story_id, _decode_reason(exc), _raw(data.decode("utf-8", "replace")))
    header = _HEADER_RE.match(content)
    # A date in the file's own header wins over the `date` option, which only dates undated text.
    text = content[header.end() :].lstrip() if header else content
    if not text.strip():
        return Reject(origin, None, story_id, "empty text")
    if header:
        story_date = _parse_date(header["date"])
        if story_date is None:
            reason = f"invalid date {header['date']!r} in the 'date YYYY-MM-DD' header"
            return Reject(origin, None, story_id, reason, _raw(content))
    else:
        story_date = date if date is not None else _date_in_name(name)
        if story_date is None:
            hint = "pass --date or put YYYY-MM-DD in the file name" if name else "pass --date"
            return Reject(origin, None, story_id, f"missing date; {hint}", _raw(content))
    if len(text) > max_chars:
        return Reject(origin, None, story_id, _too_long_reason(f"{len(text)} characters", max_chars))
    return Story(id=story_id or story_id_for(text, story_date), date=story_date, text=text)


def _read_jsonl(
    lines: Iterable[bytes], *, origin: str, stem: str, max_chars: int
) -> Iterator[Story | Reject]:
    for number, line in enumerate(lines, start=1):
        if number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[len(codecs.BOM_UTF8) :]
        if not line.strip():
            continue
        if b"\x00" in line:
            reason = "binary data (contains NUL bytes); the rest of the file is skipped"
            yield Reject(origin, number, "", reason)
            return
        try:
            text_line = line.decode("utf-8")
        except UnicodeDecodeError as exc:
            yield Reject(origin, number, "", _decode_reason(exc), _raw(line.decode("utf-8", "replace")))
            continue
        try:
            record = json.loads(text_line)
        except json.JSONDecodeError as exc:
            yield Reject(origin, number, "", f"broken JSON line: {exc}", _raw(text_line))
            continue
        if not isinstance(record, dict):
            reason = f"expected a JSON object, got {type(record).__name__}"
            yield Reject(origin, number, "", reason, _raw(text_line))
            continue
        yield _build_story(record, origin=origin, line=number, stem=stem, raw=text_line, max_chars=max_chars)


def _read_csv(data: bytes, *, origin: str, stem: str, max_chars: int) -> Iterator[Story | Reject]:
    if b"\x00" in data:
        yield Reject(origin, None, "", "binary file (contains NUL bytes), not a CSV file")
        return
    # Undecodable bytes become lone surrogates, so that one bad row is rejected and the others still read.
    content = data.decode("utf-8", "surrogateescape").removeprefix("\ufeff")
    if not content.strip():
        yield Reject(origin, None, "", "empty file; expected a CSV header with id,date,text")
        return
    reader = csv.reader(io.StringIO(content, newline=""))
    previous_limit = csv.field_size_limit(_CSV_FIELD_LIMIT)
    try:
        yield from _read_csv_rows(reader, origin=origin, stem=stem, max_chars=max_chars)
    except csv.Error as exc:
        reason = f"unreadable CSV: {exc}; the rest of the file is skipped"
        yield Reject(origin, reader.line_num, "", reason)
    finally:
        csv.field_size_limit(previous_limit)


def _read_csv_rows(reader: Any, *, origin: str, stem: str, max_chars: int) -> Iterator[Story | Reject]:
    header = [name.strip() for name in next(reader, [])]
    missing = [name for name in ("date", "text") if name not in (column.lower() for column in header)]
    if missing:
        reason = f"CSV header lacks column(s) {', '.join(missing)}; expected id,date,text (+ source,url)"
        yield Reject(origin, 1, "", reason, _raw(",".join(header)))
        return
    columns = [name.lower() if name.lower() in _STANDARD_FIELDS else name for name in header]
    id_index = columns.index("id") if "id" in columns else None
    end_line = reader.line_num
    for row in reader:
        start_line, end_line = end_line + 1, reader.line_num
        if not row:
            continue
        raw = ",".join(row)
        record_id = _raw(row[id_index]) if id_index is not None and id_index < len(row) else ""
        if len(row) != len(columns):
            reason = f"row has {len(row)} fields but the header has {len(columns)}"
            yield Reject(origin, start_line, record_id, reason, _raw(raw))
            continue
        if any(_SURROGATE_RE.search(value) for value in row):
            yield Reject(origin, start_line, record_id, "undecodable bytes (not UTF-8)", _raw(raw))
            continue
        record = dict(zip(columns, row, strict=True))
        yield _build_story(record, origin=origin, line=start_line, stem=stem, raw=raw, max_chars=max_chars)


def _build_story(
    record: dict[str, Any], *, origin: str, line: int, stem: str, raw: str, max_chars: int
) -> Story | Reject:
    """A Story from one JSON/CSV record, or a Reject saying which field is wrong."""
    given_id = record.get("id")
    if given_id is None or given_id == "":
        story_id = f"{stem}:{line}"
    elif isinstance(given_id, str | int) and not isinstance(given_id, bool):
        story_id = str(given_id)
    else:
        return Reject(origin, line, "", f"id must be a string or a number, got {given_id!r}", _raw(raw))

    def reject(reason: str) -> Reject:
        return Reject(origin, line, story_id, reason, _raw(raw))

    text = record.get("text")
    if text is None:
        return reject("missing text")
    if not isinstance(text, str):
        return reject(f"text must be a string, got {type(text).__name__}")
    if not text.strip():
        return reject("empty text")
    if len(text) > max_chars:
        return reject(_too_long_reason(f"{len(text)} characters", max_chars))
    raw_date = record.get("date")
    if raw_date is None or raw_date == "":
        return reject("missing date; expected YYYY-MM-DD")
    story_date = _parse_date(raw_date) if isinstance(raw_date, str) else None
    if story_date is None:
        return reject(f"invalid date {raw_date!r}; expected YYYY-MM-DD or an ISO datetime")
    extras: dict[str, str] = {}
    for name in ("source", "url"):
        value = record.get(name)
        if value is not None and not isinstance(value, str):
            return reject(f"{name} must be a string, got {type(value).__name__}")
        extras[name] = value or ""
    metadata = {key: value for key, value in record.items() if key not in _STANDARD_FIELDS}
    return Story(id=story_id, date=story_date, text=text, metadata=metadata, **extras)


def _parse_date(value: str) -> dt.date | None:
    """A date from `YYYY-MM-DD` or a full ISO datetime (its date part); None if it is neither."""
    value = value.strip()
    if not _ISO_DATE_RE.match(value):
        return None
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value)
        return dt.datetime.fromisoformat(value).date()
    except ValueError:
        return None


def _date_in_name(name: str | None) -> dt.date | None:
    """The first valid YYYY-MM-DD in a file name."""
    for match in _NAME_DATE_RE.finditer(name or ""):
        found = _parse_date(match.group())
        if found is not None:
            return found
    return None


def _decode_reason(exc: UnicodeDecodeError) -> str:
    bad = exc.object[exc.start : exc.start + 1].hex()
    return f"undecodable bytes (not UTF-8): byte 0x{bad} at offset {exc.start}; save the file as UTF-8"


def _too_long_reason(size: str, max_chars: int) -> str:
    return f"text too long ({size}, limit {max_chars} characters); split the story or raise max_chars"


def _raw(text: str) -> str:
    """The start of a bad record, for the reject log; lone surrogates (undecodable bytes) become U+FFFD."""
    return _SURROGATE_RE.sub("\ufffd", text[:_RAW_KEEP])
