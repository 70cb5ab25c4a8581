"""The event store: one class, `Store`, owns the DuckDB database; nothing else in dyads writes SQL.

Tables (schema version in `schema_version`, upgraded by `MIGRATIONS` when a writer opens the file):

    stories     id (content hash of normalised text + date + source), record_id (the input's own id), date,
                text, source, url, metadata (JSON), origin (file), ingested_at
    events      every field of `dyads.model.Event`; spans as *_start/*_end integer columns; event_day (DATE,
                first day of event_date) for range queries
    mentions    dedup_id (the one-a-day deduplicated event), event_id (the raw event), story_id, event_day
    actors      name -> code with first_seen/last_seen dates (date-bounded actors fed back to the coder)
    rejects     reject_id, origin, line, record_id, reason, raw, rejected_at

Concurrency: a file store is opened per operation, never held. A writer (an ingest) holds the write lock only
while it commits one batch; readers open the file read-only between batches and retry while a batch commits,
so `dyads events` works during an ingest and lock errors never reach the user (only a `StoreError` after
`lock_timeout` seconds). An in-memory store (path ":memory:") keeps one connection; tests use it.

`ingest` (below) reads, skips stories already stored, codes the rest and commits them batch by batch: a kill
loses at most the open batch, and re-running the same command finishes the job with nothing duplicated.
"""

from __future__ import annotations

import contextlib
import csv
import dataclasses
import datetime as dt
import hashlib
import json
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from dyads.dedup import collapse, first_day, one_a_day_id
from dyads.errors import InputError, StoreError
from dyads.model import EVENT_FIELDS, Event, Reject, Story

if TYPE_CHECKING:
    import pandas as pd

    from dyads.pipeline import Coder

__all__ = ["DEFAULT_PATH", "SCHEMA_VERSION", "IngestSummary", "Store", "ingest"]

DEFAULT_PATH = "dyads.duckdb"
MEMORY_GRACE_DAYS = 365  # a learned person -> role holds this long before and after the stories that showed it
MEMORY = ":memory:"
SPANS = ("source_span", "target_span", "trigger_span")
FREQUENCIES = ("day", "week", "month", "year")
AGGREGATE_COLUMNS = ("source_code", "target_code", "source_country", "target_country", "source_sector",
                     "target_sector", "cameo_code", "root_code", "event_name", "quad_class", "plover_type")

_EVENT_COLUMNS = """
    event_id VARCHAR PRIMARY KEY, story_id VARCHAR NOT NULL, sentence_index INTEGER, story_date DATE,
    event_date VARCHAR, event_day DATE, date_precision VARCHAR,
    source_code VARCHAR, source_country VARCHAR, source_sector VARCHAR, source_name VARCHAR, source_text VARCHAR,
    source_start INTEGER, source_end INTEGER,
    target_code VARCHAR, target_country VARCHAR, target_sector VARCHAR, target_name VARCHAR, target_text VARCHAR,
    target_start INTEGER, target_end INTEGER,
    cameo_code VARCHAR, root_code VARCHAR, event_name VARCHAR, quad_class INTEGER, goldstein DOUBLE,
    plover_type VARCHAR, plover_mode VARCHAR, trigger_text VARCHAR, trigger_start INTEGER, trigger_end INTEGER,
    modality VARCHAR, quantity_value DOUBLE, quantity_unit VARCHAR, usd_value DOUBLE,
    location_name VARCHAR, location_country VARCHAR, confidence DOUBLE, coder_version VARCHAR"""

MIGRATIONS: dict[int, tuple[str, ...]] = {
    1: (
        """CREATE TABLE stories (id VARCHAR PRIMARY KEY, record_id VARCHAR, date DATE NOT NULL, text VARCHAR NOT NULL,
            source VARCHAR, url VARCHAR, metadata JSON, origin VARCHAR, ingested_at TIMESTAMP NOT NULL)""",
        f"CREATE TABLE events ({_EVENT_COLUMNS})",
        """CREATE TABLE mentions (event_id VARCHAR PRIMARY KEY, dedup_id VARCHAR NOT NULL, story_id VARCHAR NOT NULL,
            event_day DATE)""",
        """CREATE TABLE actors (name VARCHAR PRIMARY KEY, code VARCHAR NOT NULL, first_seen DATE, last_seen DATE,
            origin VARCHAR NOT NULL, updated_at TIMESTAMP NOT NULL)""",
        """CREATE TABLE rejects (reject_id VARCHAR PRIMARY KEY, origin VARCHAR, line INTEGER, record_id VARCHAR,
            reason VARCHAR NOT NULL, raw VARCHAR, rejected_at TIMESTAMP NOT NULL)""",
    ),
    2: (  # coordinates of the place, and how source and target were resolved
        "ALTER TABLE events ADD COLUMN location_lat DOUBLE",
        "ALTER TABLE events ADD COLUMN location_lon DOUBLE",
        "ALTER TABLE events ADD COLUMN source_how VARCHAR",
        "ALTER TABLE events ADD COLUMN target_how VARCHAR",
    ),
}
SCHEMA_VERSION = max(MIGRATIONS)

# Columns of the frame `Store.events` returns: the event record (spans split), its story's details, event_day.
_SELECT_EVENTS = """
    SELECT e.* EXCLUDE (story_date, event_day), CAST(e.story_date AS VARCHAR) AS story_date,
           e.event_day, s.record_id AS story_record_id, s.source AS story_source, s.url AS story_url,
           s.ingested_at, m.dedup_id
    FROM events e JOIN stories s ON s.id = e.story_id LEFT JOIN mentions m ON m.event_id = e.event_id"""


@dataclass(frozen=True)
class IngestSummary:
    """What one ingest did."""

    stories_read: int = 0
    stories_new: int = 0
    stories_skipped: int = 0  # already in the store
    stories_duplicate: int = 0  # the same story twice in this input
    events: int = 0
    rejects: int = 0
    batches: int = 0

    def line(self) -> str:
        return (f"{self.stories_new} new stories, {self.stories_skipped} already stored, "
                f"{self.stories_duplicate} duplicates in input, {self.events} events, {self.rejects} rejects")


class Store:
    """The DuckDB event store. `Store(path)` creates or upgrades the file; `read_only=True` never writes."""

    def __init__(self, path: str | Path = DEFAULT_PATH, *, read_only: bool = False,
                 lock_timeout: float = 60.0) -> None:
        self.path = str(path)
        self.read_only = read_only
        self.lock_timeout = lock_timeout
        self._memory: duckdb.DuckDBPyConnection | None = None
        if self.path == MEMORY:
            self._memory = duckdb.connect(MEMORY)
        elif read_only and not Path(self.path).exists():
            raise StoreError(f"{self.path}: no such store; create it with 'dyads ingest FILES --db {self.path}'")
        if read_only:
            self._check_version()
        else:
            self.migrate()

    def __repr__(self) -> str:
        return f"Store({self.path!r}, read_only={self.read_only})"

    # -- connections ------------------------------------------------------------------------------------------

    @contextlib.contextmanager
    def _connect(self, *, write: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection for one operation; a write runs in one transaction. Retries while another process
        holds a conflicting lock, up to `lock_timeout` seconds."""
        if write and self.read_only:
            raise StoreError(f"{self.path}: the store was opened read-only")
        connection = self._memory if self._memory is not None else self._open(write=write)
        try:
            if write:
                connection.execute("BEGIN TRANSACTION")
            try:
                yield connection
                if write:
                    connection.execute("COMMIT")
            except BaseException:
                if write:
                    with contextlib.suppress(duckdb.Error):
                        connection.execute("ROLLBACK")
                raise
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: {exc}") from exc
        finally:
            if self._memory is None:
                connection.close()

    def _open(self, *, write: bool) -> duckdb.DuckDBPyConnection:
        deadline = time.monotonic() + self.lock_timeout
        pause = 0.02
        while True:
            try:
                return duckdb.connect(self.path, read_only=not write)
            except duckdb.IOException as exc:
                if "lock" not in str(exc).lower():
                    raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
                if time.monotonic() >= deadline:
                    raise StoreError(f"{self.path}: the store stayed locked by another process for "
                                     f"{self.lock_timeout:.0f} s; try again when its ingest has finished") from exc
            except duckdb.Error as exc:
                raise StoreError(f"{self.path}: cannot open the store: {exc}") from exc
            time.sleep(pause)
            pause = min(pause * 1.5, 0.5)

    # -- schema -----------------------------------------------------------------------------------------------

    def schema_version(self) -> int:
        with self._connect() as connection:
            return _version(connection)

    def migrate(self) -> int:
        """Apply every migration the file lacks; return the schema version."""
        with self._connect(write=True) as connection:
            connection.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL, "
                               "applied_at TIMESTAMP NOT NULL)")
            current = _version(connection)
            if current > SCHEMA_VERSION:
                raise StoreError(f"{self.path}: schema version {current} is newer than this dyads "
                                 f"({SCHEMA_VERSION}); upgrade dyads")
            for version in range(current + 1, SCHEMA_VERSION + 1):
                for statement in MIGRATIONS[version]:
                    connection.execute(statement)
                connection.execute("INSERT INTO schema_version VALUES (?, ?)", [version, _now()])
        return SCHEMA_VERSION

    def _check_version(self) -> None:
        version = self.schema_version()
        if version != SCHEMA_VERSION:
            raise StoreError(f"{self.path}: schema version {version}, this dyads needs {SCHEMA_VERSION}; "
                             "open it once for writing (e.g. 'dyads ingest') to upgrade it")

    # -- writing ----------------------------------------------------------------------------------------------

    def known_story_ids(self, ids: Iterable[str]) -> set[str]:
        """The ids among `ids` that the store already holds."""
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            return set()
        with self._connect() as connection:
            rows = connection.execute("SELECT id FROM stories WHERE id IN (SELECT unnest(?::VARCHAR[]))",
                                      [wanted]).fetchall()
        return {row[0] for row in rows}

    def add_batch(self, coded: Sequence[tuple[Story, Sequence[Event]]], *,
                  rejects: Sequence[Reject] = ()) -> tuple[int, int, int]:
        """Store stories with their events (and rejects) in one transaction. Stories already stored are
        ignored with their events. Returns (stories added, events added, rejects added)."""
        import pandas as pd

        now = _now()
        stories = pd.DataFrame(
            [_story_row(story, now) for story, _ in coded],
            columns=["id", "record_id", "date", "text", "source", "url", "metadata", "origin", "ingested_at"])
        event_rows = [_event_row(event) for _, events in coded for event in events]
        events = pd.DataFrame(event_rows, columns=_EVENT_FRAME_COLUMNS)
        mentions = pd.DataFrame(
            [(row["event_id"], one_a_day_id(row["source_code"], row["target_code"], row["cameo_code"],
                                            row["event_date"]), row["story_id"], row["event_day"])
             for row in event_rows], columns=["event_id", "dedup_id", "story_id", "event_day"])
        with self._connect(write=True) as connection:
            new_ids = self._insert_new_stories(connection, stories)
            added_events = 0
            if new_ids and not events.empty:
                events = events[events["story_id"].isin(new_ids)]
                mentions = mentions[mentions["story_id"].isin(new_ids)]
                added_events = _insert(connection, "events", events)
                _insert(connection, "mentions", mentions)
            added_rejects = _insert_rejects(connection, rejects, now)
        return len(new_ids), added_events, added_rejects

    @staticmethod
    def _insert_new_stories(connection: duckdb.DuckDBPyConnection, stories: pd.DataFrame) -> set[str]:
        if stories.empty:
            return set()
        stories = stories.drop_duplicates("id")
        connection.register("batch_story_ids", stories[["id"]])
        try:
            known = {row[0] for row in connection.execute(
                "SELECT b.id FROM batch_story_ids b JOIN stories s ON s.id = b.id").fetchall()}
        finally:
            connection.unregister("batch_story_ids")
        fresh = stories[~stories["id"].isin(known)]
        _insert(connection, "stories", fresh, cast={"metadata": "JSON", "date": "DATE"})
        return set(fresh["id"])

    def add_rejects(self, rejects: Sequence[Reject]) -> int:
        """Store rejects (once each: the same reject from a re-run is not added again)."""
        if not rejects:
            return 0
        with self._connect(write=True) as connection:
            return _insert_rejects(connection, rejects, _now())

    # -- actors -----------------------------------------------------------------------------------------------

    def actors(self) -> pd.DataFrame:
        """The actor memory: name, code, first_seen, last_seen, origin, updated_at."""
        with self._connect() as connection:
            return connection.execute("SELECT * FROM actors ORDER BY name").df()

    def set_actor(self, name: str, code: str, *, first_seen: dt.date | None = None,
                  last_seen: dt.date | None = None, origin: str = "user") -> None:
        """Add or replace one actor: `name` codes as `code` between the dates (open-ended when None)."""
        from dyads.model import ActorCode

        if not name.strip():
            raise InputError("an actor needs a name")
        try:
            ActorCode(code)
        except ValueError as exc:
            raise InputError(f"actor {name!r}: {exc}; use a CAMEO code such as KHMGOV") from exc
        with self._connect(write=True) as connection:
            connection.execute("INSERT OR REPLACE INTO actors VALUES (?, ?, ?, ?, ?, ?)",
                               [name.strip(), code, first_seen, last_seen, origin, _now()])

    def learn_actors(self, sightings: Sequence[tuple[str, str, dt.date]]) -> int:
        """Remember persons the coder resolved by their title: (name, code, story date) ->
        name codes as code from the first to the last date seen. Entries a user set are never changed;
        a person seen with a new code takes it. Returns how many names were added or widened."""
        if not sightings:
            return 0
        changed = 0
        with self._connect(write=True) as connection:
            for name, code, day in sorted(sightings, key=lambda s: s[2]):
                row = connection.execute("SELECT code, first_seen, last_seen, origin FROM actors WHERE name = ?",
                                         [name]).fetchone()
                if row is None:
                    connection.execute("INSERT INTO actors VALUES (?, ?, ?, ?, 'learned', ?)",
                                       [name, code, day, day, _now()])
                    changed += 1
                    continue
                known_code, first, last, origin = row
                if origin != "learned":
                    continue
                if known_code != code:
                    first = last = day
                first, last = min(first, day), max(last, day)
                if (known_code, row[1], row[2]) != (code, first, last):
                    connection.execute("UPDATE actors SET code = ?, first_seen = ?, last_seen = ?, updated_at = ? "
                                       "WHERE name = ?", [code, first, last, _now(), name])
                    changed += 1
        return changed

    def remove_actor(self, name: str) -> bool:
        """Forget one actor; False if it was not there."""
        with self._connect(write=True) as connection:
            found = connection.execute("SELECT count(*) FROM actors WHERE name = ?", [name]).fetchone()
            connection.execute("DELETE FROM actors WHERE name = ?", [name])
        return bool(found and found[0])

    def write_actor_table(self, path: Path) -> int:
        """Write the actor memory as a CSV (name, code, from, to) that `Coder(actor_files=...)` loads."""
        frame = self.actors()
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["name", "code", "from", "to"])
            for row in frame.itertuples(index=False):
                first, last = row.first_seen, row.last_seen
                if row.origin == "learned":  # a role seen on some days holds for a while around them
                    first = _shift(first, -MEMORY_GRACE_DAYS)
                    last = _shift(last, MEMORY_GRACE_DAYS)
                writer.writerow([row.name, row.code, _iso(first), _iso(last)])
        return len(frame)

    # -- reading ----------------------------------------------------------------------------------------------

    def counts(self) -> dict[str, int]:
        """Rows per table, plus deduplicated (one-a-day) events."""
        with self._connect() as connection:
            counts = {table: _scalar(connection, f"SELECT count(*) FROM {table}")
                      for table in ("stories", "events", "mentions", "actors", "rejects")}
            counts["dedup_events"] = _scalar(connection, "SELECT count(DISTINCT dedup_id) FROM mentions")
        return counts

    def events(self, *, source: str | None = None, target: str | None = None, dyad: str | None = None,
               code: str | None = None, date_from: dt.date | str | None = None,
               date_to: dt.date | str | None = None, story_id: str | None = None, limit: int | None = None,
               dedup: bool = False, window_days: int = 1) -> pd.DataFrame:
        """Events as a pandas DataFrame, filtered, ordered by event day and id.

        `source`/`target` match an actor code by prefix (KHM matches KHMGOV); `dyad` is "SRC-TGT"; `code`
        matches a CAMEO code by prefix (04 = every consult); dates bound event_day, inclusive. With `dedup`,
        one row per deduplicated event (see dyads.dedup) with mentions/stories counts; `limit` applies last.
        """
        where, params = _filters(source=source, target=target, dyad=dyad, code=code, date_from=date_from,
                                 date_to=date_to, story_id=story_id)
        sql = f"SELECT * FROM ({_SELECT_EVENTS}) {where} ORDER BY event_day, event_id"
        if limit is not None and not dedup:
            sql += " LIMIT ?"
            params.append(int(limit))
        with self._connect() as connection:
            frame = connection.execute(sql, params).df()
        if dedup:
            frame = collapse(frame, window_days=window_days)
            if limit is not None:
                frame = frame.head(limit)
        return frame

    def event_records(self, **filters: Any) -> list[Event]:
        """The same events as `events(**filters)` (without dedup), as Event records."""
        frame = self.events(**filters)
        return [frame_row_to_event(row) for row in frame.to_dict("records")]

    def dyad_series(self, source: str, target: str, *, freq: str = "month", dedup: bool = False) -> pd.DataFrame:
        """One dyad's series: per period, events, Goldstein sum and mean, and counts per quad class.
        `source`/`target` match actor codes by prefix; `freq` is day, week, month or year."""
        if freq not in ("day", "week", "month", "year"):
            raise InputError(f"freq must be day, week, month or year, got {freq!r}")
        unit = "DISTINCT m.dedup_id" if dedup else "e.event_id"
        sql = f"""
            SELECT date_trunc('{freq}', e.event_day) AS period, count({unit}) AS events,
                   sum(e.goldstein) AS goldstein_sum, avg(e.goldstein) AS goldstein_mean,
                   count({unit}) FILTER (WHERE e.quad_class = 1) AS verbal_cooperation,
                   count({unit}) FILTER (WHERE e.quad_class = 2) AS material_cooperation,
                   count({unit}) FILTER (WHERE e.quad_class = 3) AS verbal_conflict,
                   count({unit}) FILTER (WHERE e.quad_class = 4) AS material_conflict
            FROM events e JOIN mentions m ON m.event_id = e.event_id
            WHERE starts_with(e.source_code, ?) AND starts_with(e.target_code, ?)
            GROUP BY period ORDER BY period"""
        with self._connect() as connection:
            return connection.execute(sql, [source, target]).df()

    # -- read-only queries for analysis and the web API (group columns from a fixed list; values as parameters)

    def events_page(self, *, limit: int, offset: int = 0, **filters: Any) -> tuple[pd.DataFrame, int]:
        """One page of `events(**filters)` (same columns and order) and the number of events that match."""
        where, params = _filters(**filters)
        if filters.get("story_id"):  # filters on a story column: page the joined rows
            sql = f"SELECT * FROM ({_SELECT_EVENTS}) {where} ORDER BY event_day, event_id LIMIT ? OFFSET ?"
            counted = f"({_SELECT_EVENTS})"
        else:  # page the events first, then join only that page to its stories and mentions
            page = f"SELECT * FROM events {where} ORDER BY event_day, event_id LIMIT ? OFFSET ?"
            sql = (f"WITH page AS ({page}) {_SELECT_EVENTS.replace('FROM events e', 'FROM page e')} "
                   "ORDER BY event_day, event_id")
            counted = "events"
        with self._connect() as connection:
            frame = connection.execute(sql, [*params, int(limit), int(offset)]).df()
            total = _scalar(connection, f"SELECT count(*) FROM {counted} {where}", params)
        return frame, total

    def aggregate(self, *, by: Sequence[str] = (), freq: str | None = None, with_target: bool = False,
                  **filters: Any) -> pd.DataFrame:
        """Events per group: the `by` columns (any of AGGREGATE_COLUMNS), per `freq` period (day, week, month,
        year) when given, with events, goldstein_sum and goldstein_mean. Filters as `events`; `with_target`
        keeps only events that have a target (for dyads and networks)."""
        unknown = [name for name in by if name not in AGGREGATE_COLUMNS]
        if unknown:
            raise InputError(f"cannot group by {unknown}: use any of {', '.join(AGGREGATE_COLUMNS)}")
        if freq is not None and freq not in FREQUENCIES:
            raise InputError(f"freq must be one of {', '.join(FREQUENCIES)}, got {freq!r}")
        where, params = _filters(**filters)
        extra = (["coalesce(target_code, '') <> ''"] if with_target else []) + (
            ["event_day IS NOT NULL"] if freq else [])
        if extra:
            where = (where + " AND " if where else "WHERE ") + " AND ".join(extra)
        keys = (["period"] if freq else []) + list(by)
        columns = ([f"date_trunc('{freq}', event_day) AS period"] if freq else []) + list(by)
        grouping = f"GROUP BY {', '.join(keys)} ORDER BY {', '.join(keys)}" if keys else ""
        table = "events" if not filters.get("story_id") else f"({_SELECT_EVENTS})"
        sql = f"""SELECT {''.join(column + ', ' for column in columns)}count(*) AS events,
                         sum(goldstein) AS goldstein_sum, avg(goldstein) AS goldstein_mean
                  FROM {table} AS e {where} {grouping}"""
        with self._connect() as connection:
            return connection.execute(sql, params).df()

    def actor_activity(self) -> pd.DataFrame:
        """Every actor code seen in events: code, country, name (the most frequent), as_source, as_target,
        events (both roles), ordered by events."""
        sql = """
            WITH roles AS (
                SELECT source_code AS code, source_country AS country, source_name AS name, 1 AS src, 0 AS tgt
                FROM events WHERE coalesce(source_code, '') <> ''
                UNION ALL
                SELECT target_code, target_country, target_name, 0, 1
                FROM events WHERE coalesce(target_code, '') <> '')
            SELECT code, any_value(country) AS country, mode(name) AS name, sum(src)::BIGINT AS as_source,
                   sum(tgt)::BIGINT AS as_target, count(*) AS events
            FROM roles GROUP BY code ORDER BY events DESC, code"""
        with self._connect() as connection:
            return connection.execute(sql).df()

    def story(self, story_id: str) -> dict[str, Any] | None:
        """One story (by content id or the input's record id) as a dict, or None."""
        sql = """SELECT id, record_id, CAST(date AS VARCHAR) AS date, text, source, url, CAST(metadata AS VARCHAR)
                 AS metadata, origin FROM stories WHERE id = ? OR record_id = ? ORDER BY id LIMIT 1"""
        with self._connect() as connection:
            row = connection.execute(sql, [story_id, story_id]).fetchone()
        if row is None:
            return None
        names = ("id", "record_id", "date", "text", "source", "url", "metadata", "origin")
        record = dict(zip(names, row, strict=True))
        record["metadata"] = json.loads(record["metadata"] or "{}")
        return record

    def rejects(self) -> pd.DataFrame:
        with self._connect() as connection:
            sql = "SELECT * EXCLUDE (reject_id) FROM rejects ORDER BY rejected_at, origin, line"
            return connection.execute(sql).df()

    def stories(self, *, limit: int | None = None) -> pd.DataFrame:
        sql = "SELECT * FROM stories ORDER BY date, id"
        params: list[Any] = []
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        with self._connect() as connection:
            return connection.execute(sql, params).df()

    def write_parquet(self, path: str | Path, **filters: Any) -> int:
        """Write the (filtered) events to a Parquet file with DuckDB itself; returns the row count."""
        where, params = _filters(**filters)
        target = str(path).replace("'", "''")
        with self._connect() as connection:
            query = f"SELECT * FROM ({_SELECT_EVENTS}) {where} ORDER BY event_day, event_id"
            connection.execute(f"COPY ({query}) TO '{target}' (FORMAT parquet)", params)
            return _scalar(connection, f"SELECT count(*) FROM ({_SELECT_EVENTS}) {where}", params)

    @staticmethod
    def write_frame_parquet(frame: pd.DataFrame, path: str | Path) -> int:
        """Write any events frame (e.g. a deduplicated one) to Parquet with DuckDB; returns the row count."""
        connection = duckdb.connect(MEMORY)
        try:
            connection.register("frame", frame)
            target = str(path).replace("'", "''")
            connection.execute(f"COPY (SELECT * FROM frame) TO '{target}' (FORMAT parquet)")
        except duckdb.Error as exc:
            raise StoreError(f"{path}: cannot write Parquet: {exc}") from exc
        finally:
            connection.close()
        return len(frame)

    @staticmethod
    def read_parquet(path: str | Path) -> pd.DataFrame:
        """A Parquet export read back as a DataFrame (no pyarrow needed)."""
        connection = duckdb.connect(MEMORY)
        try:
            return connection.execute("SELECT * FROM read_parquet(?)", [str(path)]).df()
        except duckdb.Error as exc:
            raise StoreError(f"{path}: cannot read Parquet: {exc}") from exc
        finally:
            connection.close()

    def size_bytes(self) -> int:
        return 0 if self._memory is not None else Path(self.path).stat().st_size


# -- rows and SQL helpers ---------------------------------------------------------------------------------------

_EVENT_FRAME_COLUMNS = [name for name in EVENT_FIELDS if name not in SPANS] + [
    f"{name[:-5]}_{end}" for name in SPANS for end in ("start", "end")] + ["event_day"]


def _event_row(event: Event) -> dict[str, Any]:
    row = {name: getattr(event, name) for name in EVENT_FIELDS if name not in SPANS}
    for name in SPANS:
        span = getattr(event, name)
        row[f"{name[:-5]}_start"], row[f"{name[:-5]}_end"] = span if span is not None else (None, None)
    row["event_day"] = _day(event.event_date)
    return row


def frame_row_to_event(row: dict[str, Any]) -> Event:
    """An Event from one row of a `Store.events` frame (spans joined back, NaN -> None)."""
    import pandas as pd

    values: dict[str, Any] = {}
    for name in EVENT_FIELDS:
        if name in SPANS:
            start, end = row.get(f"{name[:-5]}_start"), row.get(f"{name[:-5]}_end")
            values[name] = None if start is None or end is None or pd.isna(start) else (int(start), int(end))
            continue
        value = row.get(name)
        values[name] = None if value is not None and not isinstance(value, str) and pd.isna(value) else value
    values["sentence_index"] = int(values["sentence_index"])
    values["quad_class"] = int(values["quad_class"])
    for name in ("quantity_unit", "location_name", "location_country", "plover_mode", "plover_type",
                 "source_how", "target_how"):
        values[name] = values[name] or ""
    return Event(**values)


def _story_row(story: Story, now: dt.datetime) -> dict[str, Any]:
    record_id = str(story.metadata.get("_record_id", story.id))
    origin = str(story.metadata.get("_origin", ""))
    metadata = {key: value for key, value in story.metadata.items() if key not in ("_record_id", "_origin")}
    return {"id": story.id, "record_id": record_id, "date": story.date.isoformat(), "text": story.text,
            "source": story.source, "url": story.url, "metadata": json.dumps(metadata, ensure_ascii=False),
            "origin": origin, "ingested_at": now}


def _insert(connection: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame,
            cast: dict[str, str] | None = None) -> int:
    """Bulk insert a frame (DuckDB scans it directly), ignoring rows whose key is already there."""
    if frame.empty:
        return 0
    columns = ", ".join(f"CAST({name} AS {cast[name]}) AS {name}" if cast and name in cast else name
                        for name in frame.columns)
    connection.register("batch_frame", frame)
    try:
        row = connection.execute(f"INSERT OR IGNORE INTO {table} BY NAME SELECT {columns} FROM batch_frame").fetchone()
    finally:
        connection.unregister("batch_frame")
    return int(row[0]) if row else 0


def _insert_rejects(connection: duckdb.DuckDBPyConnection, rejects: Sequence[Reject], now: dt.datetime) -> int:
    import pandas as pd

    if not rejects:
        return 0
    rows = [{"reject_id": _reject_id(reject), "origin": reject.origin, "line": reject.line,
             "record_id": reject.record_id, "reason": reject.reason, "raw": reject.raw, "rejected_at": now}
            for reject in rejects]
    frame = pd.DataFrame(rows).drop_duplicates("reject_id")
    frame["line"] = frame["line"].astype("Int64")
    return _insert(connection, "rejects", frame)


def _reject_id(reject: Reject) -> str:
    key = "\n".join((reject.origin, str(reject.line), reject.record_id, reject.reason, reject.raw))
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


def _filters(*, source: str | None = None, target: str | None = None, dyad: str | None = None,
             code: str | None = None, date_from: dt.date | str | None = None,
             date_to: dt.date | str | None = None, story_id: str | None = None) -> tuple[str, list[Any]]:
    """A parameterised WHERE clause over the columns of _SELECT_EVENTS."""
    clauses: list[str] = []
    params: list[Any] = []
    if dyad:
        parts = dyad.split("-")
        if len(parts) != 2 or not all(parts):
            raise InputError(f"dyad {dyad!r}: write it SOURCE-TARGET, e.g. KHM-JPN")
        source, target = parts
    for column, prefix in (("source_code", source), ("target_code", target), ("cameo_code", code)):
        if prefix:
            clauses.append(f"starts_with({column}, ?)")
            params.append(prefix.upper() if column != "cameo_code" else prefix)
    for operator, value in ((">=", date_from), ("<=", date_to)):
        if value:
            clauses.append(f"event_day {operator} ?")
            params.append(_as_date(value))
    if story_id:
        clauses.append("(story_id = ? OR story_record_id = ?)")
        params.extend([story_id, story_id])
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _as_date(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(first_day(value))
    except ValueError as exc:
        raise InputError(f"date {value!r}: use YYYY-MM-DD (or YYYY-MM, YYYY)") from exc


def _day(event_date: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(first_day(event_date))
    except ValueError:
        return None


def _iso(value: Any) -> str:
    import pandas as pd

    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return value.date().isoformat() if hasattr(value, "date") and callable(value.date) else str(value)[:10]


def _version(connection: duckdb.DuckDBPyConnection) -> int:
    exists = _scalar(connection, "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_version'")
    if not exists:
        return 0
    return _scalar(connection, "SELECT coalesce(max(version), 0) FROM schema_version")


def _scalar(connection: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] = ()) -> int:
    row = connection.execute(sql, list(params)).fetchone()
    return int(row[0]) if row and row[0] is not None else 0


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)


# -- ingest -----------------------------------------------------------------------------------------------------

Progress = Callable[[str, int, int], None]  # (phase, done, total)


def ingest(store: Store, paths: Sequence[str | Path], *, coder: Coder | None = None, workers: int = 1,
           date: dt.date | None = None, batch_size: int = 64, progress: Progress | None = None,
           use_actor_memory: bool = True) -> IngestSummary:
    """Read `paths`, skip stories the store holds, code the rest and store them `batch_size` at a time.

    Story ids are content hashes (readers.story_id_for over normalised text, date, source); the input's
    own id is kept as the story's record_id. Rejects (unreadable records, stories the coder fails on) go
    to the rejects table and never stop the batch. Each batch commits stories and events together.
    """
    read = read_new_stories(store, paths, date=date)
    todo, rejects = read.todo, read.rejects
    added_rejects = store.add_rejects(rejects)
    stored_stories = stored_events = batches = 0
    with tempfile.TemporaryDirectory(prefix="dyads-actors-") as folder:
        if coder is None:
            coder = _coder_with_memory(store, Path(folder) if use_actor_memory else None)
        if progress:
            progress("coding", 0, len(todo))
        for coded, failed in _code_batches(coder, todo, workers=workers, batch_size=batch_size):
            added, events, rejected = store.add_batch(coded, rejects=failed)
            if use_actor_memory:
                store.learn_actors(_titled_persons(coded))
            stored_stories += added
            stored_events += events
            added_rejects += rejected
            batches += 1
            if progress:
                progress("coding", stored_stories + len(failed), len(todo))
    return IngestSummary(stories_read=read.count, stories_new=stored_stories, stories_skipped=read.known,
                         stories_duplicate=read.duplicates, events=stored_events, rejects=added_rejects,
                         batches=batches)


@dataclass
class NewStories:
    """What an ingest has to code: stories not yet stored (with content ids), the input's rejects, counts."""

    todo: list[Story]
    rejects: list[Reject]
    count: int  # stories read, duplicates included
    known: int  # already in the store
    duplicates: int  # the same story twice in this input


def read_new_stories(store: Store, paths: Sequence[str | Path], *, date: dt.date | None = None) -> NewStories:
    """Read `paths` for an ingest: content ids (the input's own id kept as `_record_id`), the same story
    twice in the input dropped, stories the store already holds skipped."""
    from dyads.readers import read_stories, story_id_for

    rejects: list[Reject] = []
    stories: list[Story] = []
    seen: set[str] = set()
    duplicates = 0
    for item in read_stories(paths, date=date):
        if isinstance(item, Reject):
            rejects.append(item)
            continue
        content_id = story_id_for(item.text, item.date, item.source)
        if content_id in seen:
            duplicates += 1
            continue
        seen.add(content_id)
        stories.append(dataclasses.replace(item, id=content_id, metadata={**item.metadata, "_record_id": item.id}))
    known: set[str] = set()
    for start in range(0, len(stories), 10_000):
        known |= store.known_story_ids(s.id for s in stories[start:start + 10_000])
    todo = [story for story in stories if story.id not in known]
    return NewStories(todo, rejects, len(stories) + duplicates, len(known), duplicates)


def _shift(day: Any, days: int) -> Any:
    import pandas as pd

    if day is None or (not isinstance(day, str) and pd.isna(day)):
        return day
    return pd.Timestamp(day).date() + dt.timedelta(days=days)


def _titled_persons(coded: Sequence[tuple[Story, list[Event]]]) -> list[tuple[str, str, dt.date]]:
    """Persons the coder resolved from a title or apposition in the story itself, with the story date."""
    found = []
    for story, events in coded:
        for event in events:
            for name, code, how in ((event.source_name, event.source_code, event.source_how),
                                    (event.target_name, event.target_code, event.target_how)):
                if how == "person" and len(name.split()) >= 2 and len(code) > 3:
                    found.append((name, code, story.date))
    return found


def _coder_with_memory(store: Store, folder: Path | None) -> Coder:
    """The default coder, plus the store's actor memory as a date-bounded actor table."""
    from dyads.pipeline import Coder

    if folder is None:
        return Coder()
    table = folder / "actors.csv"
    return Coder(actor_files=(table,)) if store.write_actor_table(table) else Coder()


CodedBatch = tuple[list[tuple[Story, list[Event]]], list[Reject]]


def _code_batches(coder: Coder, stories: list[Story], *, workers: int,
                  batch_size: int) -> Iterator[CodedBatch]:
    """Code stories, yielding (coded, rejects) per batch of `batch_size` stories, in input order."""
    chunks = [stories[i:i + batch_size] for i in range(0, len(stories), batch_size)]
    if workers <= 1 or len(chunks) <= 1:
        for chunk in chunks:
            yield _code_chunk(coder, chunk)
        return
    from concurrent.futures import ProcessPoolExecutor

    from dyads.pipeline import Coder
    from dyads.scale import _code_batch, _init_worker

    fresh = Coder(actor_files=coder.actor_files, lexicon_files=coder.lexicon_files,
                  dictionary_dirs=coder.dictionary_dirs, batch_size=coder.batch_size)
    step = max(1, -(-batch_size // workers))
    with ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(fresh,)) as pool:
        window: list[list[Any]] = []
        for chunk in chunks:  # keep at most two chunks in flight: bounded memory, workers stay busy
            parts = [chunk[i:i + step] for i in range(0, len(chunk), step)]
            window.append([chunk, parts, [pool.submit(_code_batch, part) for part in parts]])
            if len(window) > 2:
                yield _collect(coder, *window.pop(0))
        for pending in window:
            yield _collect(coder, *pending)


def _collect(coder: Coder, chunk: list[Story], parts: list[list[Story]], futures: list[Any]) -> CodedBatch:
    coded: list[tuple[Story, list[Event]]] = []
    failed: list[Reject] = []
    for part, future in zip(parts, futures, strict=True):
        try:
            coded.extend(zip(part, future.result(), strict=True))
        except Exception:  # noqa: BLE001 - one bad story must not stop the batch: retry story by story
            part_coded, part_failed = _code_chunk(coder, part)
            coded.extend(part_coded)
            failed.extend(part_failed)
    return coded, failed


def _code_chunk(coder: Coder, chunk: list[Story]) -> CodedBatch:
    try:
        return [(story, events) for story, events in coder.code_many(chunk)], []
    except Exception:  # noqa: BLE001 - find the story that fails, keep the others
        coded: list[tuple[Story, list[Event]]] = []
        failed: list[Reject] = []
        for story in chunk:
            try:
                coded.append((story, coder.code(story)))
            except Exception as exc:  # noqa: BLE001
                record_id = str(story.metadata.get("_record_id", story.id))
                failed.append(Reject(str(story.metadata.get("_origin", "<coder>")), None, record_id,
                                     f"the coder failed on this story: {type(exc).__name__}: {exc}",
                                     story.text[:500]))
        return coded, failed
