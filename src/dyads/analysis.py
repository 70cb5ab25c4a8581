"""Analysis: the store's events as pandas DataFrames an analyst can plot or join.

Reads: a `Store` (it asks the store; no SQL here). Returns frames:

    dyad_series      one dyad per day/week/month/year: events by quad class, Goldstein sum and mean,
                     cooperation minus conflict; every period in the range present (zeros when quiet)
    quad_series      all events (filtered) over time by quad class: the dashboard's overview
    top_dyads        dyads by volume, or by change between the last two periods
    actor_network    weighted directed edges source -> target (events, Goldstein sum and mean)
    event_types      the distribution of event types (root or full CAMEO code) with names and shares

Actors are matched by prefix (KHM matches KHMGOV), CAMEO codes too (04 = every consult), as in `Store.events`.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from dyads.errors import InputError
from dyads.store import FREQUENCIES

if TYPE_CHECKING:
    import pandas as pd

    from dyads.store import Store

__all__ = ["FREQUENCIES", "QUAD_CLASSES", "actor_network", "dyad_series", "event_types", "plot_dyad_series",
           "quad_series", "top_dyads"]

QUAD_CLASSES = {1: "verbal_cooperation", 2: "material_cooperation", 3: "verbal_conflict", 4: "material_conflict"}
SERIES_COLUMNS = ("period", "events", *QUAD_CLASSES.values(), "goldstein_sum", "goldstein_mean",
                  "cooperation_minus_conflict")
_PANDAS_FREQ = {"day": "D", "week": "W-MON", "month": "MS", "year": "YS"}
_LEVELS = {"country": ("source_country", "target_country"), "code": ("source_code", "target_code")}

DateLike = dt.date | str | None


def _check_freq(freq: str) -> None:
    if freq not in FREQUENCIES:
        raise InputError(f"freq {freq!r}: use one of {', '.join(FREQUENCIES)}")


def _check_actor(code: str, role: str) -> str:
    text = code.strip().upper()
    if not text or not all(ch.isalnum() or ch == "-" for ch in text) or len(text) > 30:
        raise InputError(f"{role} {code!r}: give a CAMEO actor code or its prefix, e.g. KHM or KHMGOV")
    return text


def _period_start(value: DateLike, freq: str) -> pd.Timestamp | None:
    import pandas as pd

    from dyads.dedup import first_day

    if not value:
        return None
    try:
        day = pd.Timestamp(value if isinstance(value, dt.date) else dt.date.fromisoformat(first_day(value)))
    except ValueError as exc:
        raise InputError(f"date {value!r}: use YYYY-MM-DD (or YYYY-MM, YYYY)") from exc
    if freq == "week":
        return day - pd.Timedelta(days=day.weekday())
    if freq == "month":
        return day.replace(day=1)
    if freq == "year":
        return day.replace(month=1, day=1)
    return day


def _fill_periods(frame: pd.DataFrame, freq: str, start: pd.Timestamp | None,
                  end: pd.Timestamp | None) -> pd.DataFrame:
    """Every period between the first and last (or the given bounds) present, with zero counts."""
    import pandas as pd

    if frame.empty and (start is None or end is None):
        return frame
    first = start if start is not None else frame["period"].min()
    last = end if end is not None else frame["period"].max()
    if first > last:
        return frame.iloc[0:0]
    periods = pd.date_range(first, last, freq=_PANDAS_FREQ[freq])
    filled = frame.set_index("period").reindex(periods)
    filled.index.name = "period"
    counts = [column for column in filled.columns if column != "goldstein_mean"]
    filled[counts] = filled[counts].fillna(0)
    return filled.reset_index()


def _finish_series(frame: pd.DataFrame) -> pd.DataFrame:
    for column in ("events", *QUAD_CLASSES.values()):
        frame[column] = frame[column].astype("int64")
    frame["goldstein_sum"] = frame["goldstein_sum"].astype("float64")
    frame["goldstein_mean"] = frame["goldstein_mean"].astype("float64")
    frame["cooperation_minus_conflict"] = (frame["verbal_cooperation"] + frame["material_cooperation"]
                                           - frame["verbal_conflict"] - frame["material_conflict"])
    return frame[list(SERIES_COLUMNS)].reset_index(drop=True)


def dyad_series(store: Store, source: str, target: str, *, freq: str = "month", dedup: bool = False,
                date_from: DateLike = None, date_to: DateLike = None) -> pd.DataFrame:
    """Events from `source` to `target` per period: counts per quad class, Goldstein sum and mean, and
    cooperation minus conflict (cooperative minus conflictual event counts). Quiet periods between the first
    and last event (or within the dates given) appear with zero counts and no mean."""
    import pandas as pd

    _check_freq(freq)
    source, target = _check_actor(source, "source"), _check_actor(target, "target")
    if not dedup:  # one aggregate over the events table, dates bounded in the query
        return quad_series(store, freq=freq, source=source, target=target, date_from=date_from, date_to=date_to)
    start, end = _period_start(date_from, freq), _period_start(date_to, freq)
    frame = store.dyad_series(source, target, freq=freq, dedup=dedup)
    frame["period"] = pd.to_datetime(frame["period"])
    if start is not None:
        frame = frame[frame["period"] >= start]
    if end is not None:
        frame = frame[frame["period"] <= end]
    return _finish_series(_fill_periods(frame, freq, start, end))


def quad_series(store: Store, *, freq: str = "month", **filters: Any) -> pd.DataFrame:
    """All events matching `filters` (as `Store.events`) per period, with the same columns as `dyad_series`."""
    import pandas as pd

    _check_freq(freq)
    grouped = store.aggregate(by=["quad_class"], freq=freq, **filters)
    if grouped.empty:
        frame = pd.DataFrame({name: pd.Series(dtype="datetime64[ns]" if name == "period" else "float64")
                              for name in SERIES_COLUMNS})
    else:
        grouped["period"] = pd.to_datetime(grouped["period"])
        counts = grouped.pivot_table(index="period", columns="quad_class", values="events", aggfunc="sum",
                                     fill_value=0)
        counts = counts.reindex(columns=list(QUAD_CLASSES), fill_value=0).rename(columns=QUAD_CLASSES)
        counts.columns.name = None
        totals = grouped.groupby("period").agg(events=("events", "sum"), goldstein_sum=("goldstein_sum", "sum"))
        frame = counts.join(totals)
        frame["goldstein_mean"] = frame["goldstein_sum"] / frame["events"]
        frame = frame.reset_index()
    start = _period_start(filters.get("date_from"), freq)
    end = _period_start(filters.get("date_to"), freq)
    return _finish_series(_fill_periods(frame, freq, start, end))


def actor_network(store: Store, *, level: str = "country", min_events: int = 1, **filters: Any) -> pd.DataFrame:
    """Directed weighted edges between actors (`level` country or code): source, target, events (the
    weight), goldstein_sum, goldstein_mean; events without a target and self-loops left out."""
    if level not in _LEVELS:
        raise InputError(f"level {level!r}: use country or code")
    source_column, target_column = _LEVELS[level]
    frame = store.aggregate(by=[source_column, target_column], with_target=True, **filters)
    frame = frame.rename(columns={source_column: "source", target_column: "target"})
    frame = frame[(frame["source"] != frame["target"]) & (frame["events"] >= min_events)]
    frame = frame[frame["source"].fillna("").ne("") & frame["target"].fillna("").ne("")]
    frame = frame.sort_values(["events", "source", "target"], ascending=[False, True, True])
    return frame[["source", "target", "events", "goldstein_sum", "goldstein_mean"]].reset_index(drop=True)


def top_dyads(store: Store, *, by: str = "volume", level: str = "country", limit: int = 10,
              freq: str = "month", **filters: Any) -> pd.DataFrame:
    """The busiest dyads (`by="volume"`: source, target, events, Goldstein sum and mean), or those whose
    event count changed most between the last two `freq` periods with events (`by="change"`: source, target,
    period, events_before, events_after, change, goldstein_mean_before, goldstein_mean_after)."""
    import pandas as pd

    if limit < 1:
        raise InputError(f"limit must be at least 1, got {limit}")
    if by == "volume":
        return actor_network(store, level=level, **filters).head(limit).reset_index(drop=True)
    if by != "change":
        raise InputError(f"top dyads by {by!r}: use volume or change")
    if level not in _LEVELS:
        raise InputError(f"level {level!r}: use country or code")
    _check_freq(freq)
    source_column, target_column = _LEVELS[level]
    frame = store.aggregate(by=[source_column, target_column], freq=freq, with_target=True, **filters)
    frame = frame.rename(columns={source_column: "source", target_column: "target"})
    frame = frame[frame["source"] != frame["target"]]
    columns = ["source", "target", "period", "events_before", "events_after", "change", "goldstein_mean_before",
               "goldstein_mean_after"]
    periods = sorted(frame["period"].unique())
    if len(periods) < 2:
        return pd.DataFrame(columns=columns)
    before, after = (frame.loc[frame["period"] == period, ["source", "target", "events", "goldstein_mean"]]
                     for period in periods[-2:])
    joined = before.merge(after, on=["source", "target"], how="outer", suffixes=("_before", "_after"))
    joined[["events_before", "events_after"]] = joined[["events_before", "events_after"]].fillna(0).astype("int64")
    joined["change"] = joined["events_after"] - joined["events_before"]
    joined["period"] = pd.Timestamp(periods[-1])
    joined["magnitude"] = joined["change"].abs()
    joined = joined.sort_values(["magnitude", "source", "target"], ascending=[False, True, True])
    return joined[columns].head(limit).reset_index(drop=True)


def event_types(store: Store, *, level: str = "root", **filters: Any) -> pd.DataFrame:
    """How events divide among types: code, name, quad_class, events, share (of all matching events),
    goldstein_mean; `level` root (20 CAMEO roots) or code (full codes)."""
    from dyads.ontology import event_type

    columns = {"root": "root_code", "code": "cameo_code"}
    if level not in columns:
        raise InputError(f"level {level!r}: use root or code")
    frame = store.aggregate(by=[columns[level]], **filters).rename(columns={columns[level]: "code"})
    frame = frame[frame["code"].fillna("").ne("")]
    names, quads = [], []
    for code in frame["code"]:
        try:
            info = event_type(code)
            names.append(info.name)
            quads.append(info.quad_class)
        except (KeyError, ValueError, InputError):
            names.append("")
            quads.append(0)
    frame = frame.assign(name=names, quad_class=quads)
    total = frame["events"].sum()
    frame["share"] = frame["events"] / total if total else 0.0
    frame = frame.sort_values(["events", "code"], ascending=[False, True])
    return frame[["code", "name", "quad_class", "events", "share", "goldstein_mean"]].reset_index(drop=True)


def plot_dyad_series(series: pd.DataFrame, path: str, *, title: str = "") -> None:
    """Write a chart of a `dyad_series` frame to `path` (PNG, SVG or PDF by suffix): quad-class counts as
    stacked bars above, the Goldstein mean as a line below. Needs matplotlib (the `web` extra)."""
    try:
        import matplotlib
    except ImportError as exc:
        from dyads.errors import MissingExtra

        raise MissingExtra("web", "matplotlib") from exc
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    colours = {"verbal_cooperation": "#4c9be8", "material_cooperation": "#1f5fa8", "verbal_conflict": "#f0a04b",
               "material_conflict": "#c8372d"}
    figure, (bars, line) = plt.subplots(2, 1, figsize=(10, 6), sharex=True, height_ratios=(2, 1))
    labels = [period.strftime("%Y-%m-%d") for period in series["period"]]
    positions = range(len(labels))
    bottom = [0] * len(labels)
    for column, colour in colours.items():
        values = series[column].tolist()
        bars.bar(positions, values, bottom=bottom, color=colour, label=column.replace("_", " "))
        bottom = [low + value for low, value in zip(bottom, values, strict=True)]
    bars.set_ylabel("events")
    bars.legend(loc="upper left", fontsize="small")
    bars.set_title(title)
    line.plot(list(positions), series["goldstein_mean"].tolist(), marker="o", color="#333333")
    line.axhline(0, color="#999999", linewidth=0.8)
    line.set_ylabel("Goldstein mean")
    line.set_ylim(-10.5, 10.5)
    step = max(1, len(labels) // 12)
    line.set_xticks(list(positions)[::step], labels[::step], rotation=45, ha="right", fontsize="small")
    figure.tight_layout()
    try:
        figure.savefig(path)
    except (OSError, ValueError) as exc:
        raise InputError(f"{path}: cannot write the chart: {exc}") from exc
    finally:
        plt.close(figure)
