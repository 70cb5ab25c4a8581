"""Dedup: the same event reported by several stories or outlets becomes one event with several mentions.

Reads: raw events (one row per event per story, as the store holds them). Adds: a deduplicated event id.
Two raw events are one event when they share (source_code, target_code, cameo_code) and their event dates
fall within a window:

    window_days=1   the one-a-day rule of ICEWS and PETRARCH: same dyad, same code, same event date
    window_days=N   a cluster starts at its earliest report's date d0 and takes every later report dated
                    before d0 + N days; the next report starts a new cluster (greedy, deterministic)

Dates coarser than a day ("2020-08", "2020") count from their first day. Pure functions over pandas frames:
no database here (the store asks this module and holds the SQL).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["DEDUP_KEY", "collapse", "first_day", "one_a_day_id"]

DEDUP_KEY = ("source_code", "target_code", "cameo_code")


def first_day(event_date: str) -> str:
    """The first day of an ISO date of any precision: '2020-08' -> '2020-08-01', '2020' -> '2020-01-01'."""
    if len(event_date) == 7:
        return event_date + "-01"
    if len(event_date) == 4:
        return event_date + "-01-01"
    return event_date[:10]


def one_a_day_id(source_code: str, target_code: str, cameo_code: str, event_date: str) -> str:
    """The id of the deduplicated event a raw event belongs to under the one-a-day rule."""
    key = "|".join((source_code, target_code, cameo_code, first_day(event_date)))
    return hashlib.sha1(key.encode("utf-8")).hexdigest()[:16]


def _cluster_ids(frame: pd.DataFrame, window_days: int) -> list[str]:
    """A deduplicated event id for each row of `frame` (rows in any order)."""
    days = [_as_date(value) for value in frame["event_date"].tolist()]
    keys = list(zip(frame["source_code"].tolist(), frame["target_code"].tolist(), frame["cameo_code"].tolist(),
                    strict=True))
    event_ids = frame["event_id"].tolist()
    order = sorted(range(len(frame)), key=lambda i: (keys[i], days[i], event_ids[i]))
    ids = [""] * len(frame)
    current_key: tuple[str, str, str] | None = None
    start = dt.date.min
    cluster = ""
    window = dt.timedelta(days=window_days)
    for i in order:
        key, day = keys[i], days[i]
        if key != current_key or day >= start + window:
            current_key, start = key, day
            cluster = one_a_day_id(*key, day.isoformat())
        ids[i] = cluster
    return ids


def _as_date(event_date: str) -> dt.date:
    try:
        return dt.date.fromisoformat(first_day(str(event_date)))
    except ValueError:
        return dt.date.min


def collapse(frame: pd.DataFrame, *, window_days: int = 1) -> pd.DataFrame:
    """One row per deduplicated event: the earliest report's fields plus `mentions` (raw events), `stories`
    (distinct stories), `story_ids` (';'-joined), `first_date` and `last_date`."""
    import pandas as pd

    if window_days < 1:
        raise ValueError(f"window_days must be at least 1, got {window_days!r}")
    frame = frame.drop(columns=["dedup_id"], errors="ignore")
    if frame.empty:
        names = ("dedup_id", "mentions", "stories", "story_ids", "first_date", "last_date")
        extra: dict[str, list[object]] = {name: [] for name in names}
        return pd.concat([frame, pd.DataFrame(extra)], axis=1)
    work = frame.copy()
    work["dedup_id"] = _cluster_ids(work, window_days)
    work["_day"] = work["event_date"].map(first_day)
    work = work.sort_values(["dedup_id", "_day", "event_id"], kind="stable")
    groups = work.groupby("dedup_id", sort=False)
    summary = pd.DataFrame({
        "mentions": groups.size(),
        "stories": groups["story_id"].nunique(),
        "story_ids": groups["story_id"].agg(lambda ids: ";".join(sorted(set(ids)))),
        "first_date": groups["_day"].min(),
        "last_date": groups["_day"].max(),
    })
    first = groups.head(1).set_index("dedup_id").drop(columns=["_day"])
    result = first.join(summary).reset_index()
    columns = [*frame.columns, "dedup_id", "mentions", "stories", "story_ids", "first_date", "last_date"]
    return result[columns].sort_values(["first_date", "dedup_id"], kind="stable").reset_index(drop=True)
