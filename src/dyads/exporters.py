"""Exporters: stored events -> files in dyads' own formats and in the shapes of the datasets analysts know.

    jsonl     one Event record a line, as `dyads code --format jsonl` prints it (+ mention counts with dedup)
    csv       the columns of `Store.events` (event record with spans split, story source/url, event_day)
    parquet   the same columns, written by DuckDB (no pyarrow needed); reads back identically
    gdelt     GDELT 2.0 Events "export" file: 61 tab-separated columns in GDELT's order, no header row
    icews     ICEWS coded event data: 20 tab-separated columns with ICEWS's header
    polecat   POLECAT (PLOVER-coded): 40 tab-separated columns with POLECAT's header
    plover    PLOVER/NGEC-style JSON, one object a line (event_type, event_mode, attributes ACTOR/RECIP...)

Column lists follow ../shared/reference/schemas.md; fields dyads does not produce are left blank. Exporters
read frames from the store (`Store.events`) and never touch the database themselves.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from dyads.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

    from dyads.store import Store

__all__ = ["EXPORT_FORMATS", "GDELT_COLUMNS", "ICEWS_COLUMNS", "POLECAT_COLUMNS", "export_events", "write_frame"]

_ACTOR_FIELDS = ("Code", "Name", "CountryCode", "KnownGroupCode", "EthnicCode", "Religion1Code", "Religion2Code",
                 "Type1Code", "Type2Code", "Type3Code")
_GEO_FIELDS = ("Type", "FullName", "CountryCode", "ADM1Code", "ADM2Code", "Lat", "Long", "FeatureID")
GDELT_COLUMNS: tuple[str, ...] = (
    "GLOBALEVENTID", "SQLDATE", "MonthYear", "Year", "FractionDate",
    *(f"Actor1{name}" for name in _ACTOR_FIELDS), *(f"Actor2{name}" for name in _ACTOR_FIELDS),
    "IsRootEvent", "EventCode", "EventBaseCode", "EventRootCode", "QuadClass", "GoldsteinScale",
    "NumMentions", "NumSources", "NumArticles", "AvgTone",
    *(f"{who}Geo_{name}" for who in ("Actor1", "Actor2", "Action") for name in _GEO_FIELDS),
    "DATEADDED", "SOURCEURL",
)
ICEWS_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Source Name", "Source Sectors", "Source Country", "Event Text", "CAMEO Code",
    "Intensity", "Target Name", "Target Sectors", "Target Country", "Story ID", "Sentence Number", "Publisher",
    "City", "District", "Province", "Country", "Latitude", "Longitude",
)
POLECAT_COLUMNS: tuple[str, ...] = (
    "Event ID", "Event Date", "Event Type", "Event Mode", "Intensity", "Quad Code", "Contexts",
    "Actor Name", "Actor Country", "Actor COW", "Primary Actor Sector", "Actor Sectors", "Actor Title",
    "Actor Name Raw", "Wikipedia Actor ID",
    "Recipient Name", "Recipient Country", "Recipient COW", "Primary Recipient Sector", "Recipient Sectors",
    "Recipient Title", "Recipient Name Raw", "Wikipedia Recipient ID",
    "Placename", "City", "District", "Province", "Country", "Latitude", "Longitude", "GeoNames ID",
    "Raw Placename", "Feature Type", "Source", "Publication Date", "Story People", "Story Organizations",
    "Story Locations", "Language", "Version",
)

# CAMEO sector codes -> names (GDELT CAMEO.type.txt labels), for ICEWS/POLECAT sector columns.
SECTOR_NAMES = {
    "GOV": "Government", "MIL": "Military", "COP": "Police", "JUD": "Judiciary", "LEG": "Legislature",
    "OPP": "Political Opposition", "PTY": "Political Party", "REB": "Rebels", "INS": "Insurgents",
    "SEP": "Separatist Rebels", "SPY": "State Intelligence", "UAF": "Unaligned Armed Forces", "BUS": "Business",
    "MED": "Media", "CVL": "Civilian", "EDU": "Education", "LAB": "Labor", "REF": "Refugees", "HLH": "Health",
    "CRM": "Criminal", "REL": "Religious", "HRI": "Human Rights", "NGO": "Non-Governmental Organization",
    "ENV": "Environmental", "AGR": "Agriculture", "DEV": "Development", "ELI": "Elites", "SET": "Settler",
    "PKO": "Peacekeepers", "IGO": "Inter-Governmental Organization", "MNC": "Multinational Corporation",
}
_INTERNATIONAL = ("IGO", "NGO", "IMG", "INT", "MNC", "NGM", "---")

EXPORT_FORMATS = ("jsonl", "csv", "parquet", "gdelt", "icews", "polecat", "plover")


def export_events(store: Store, path: str | Path, *, fmt: str, dedup: bool = False, window_days: int = 1,
                  **filters: Any) -> int:
    """Write the store's (filtered, optionally deduplicated) events to `path` in `fmt`; return the row count."""
    if fmt not in EXPORT_FORMATS:
        raise InputError(f"unknown export format {fmt!r}: use one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet" and not dedup:
        return store.write_parquet(path, **filters)
    frame = store.events(dedup=dedup, window_days=window_days, **filters)
    if fmt == "parquet":
        return store.write_frame_parquet(frame, path)
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        return write_frame(frame, handle, fmt=fmt)


def write_frame(frame: pd.DataFrame, handle: TextIO, *, fmt: str) -> int:
    """Write an events frame (from `Store.events`) to an open text file in a text format."""
    writers: dict[str, Callable[[pd.DataFrame, TextIO], None]] = {
        "jsonl": _write_jsonl, "csv": _write_csv, "plover": _write_plover,
        "gdelt": lambda f, h: _write_tsv(h, None, (gdelt_row(r) for r in _records(f))),
        "icews": lambda f, h: _write_tsv(h, ICEWS_COLUMNS, (icews_row(r) for r in _records(f))),
        "polecat": lambda f, h: _write_tsv(h, POLECAT_COLUMNS, (polecat_row(r) for r in _records(f))),
    }
    if fmt not in writers:
        raise InputError(f"format {fmt!r} cannot be written to a text stream: use one of {', '.join(writers)}")
    writers[fmt](frame, handle)
    return len(frame)


# -- dyads' own formats -----------------------------------------------------------------------------------------


def _write_jsonl(frame: pd.DataFrame, handle: TextIO) -> None:
    from dyads.store import frame_row_to_event

    for row in _records(frame):
        record = frame_row_to_event(row).to_dict()
        for name in ("mentions", "stories", "story_ids", "first_date", "last_date", "dedup_id"):
            if name in row and ("mentions" in row or name == "dedup_id"):
                record[name] = row[name]
        handle.write(json.dumps(record, ensure_ascii=False, default=str) + "\n")


def _write_csv(frame: pd.DataFrame, handle: TextIO) -> None:
    writer = csv.writer(handle)
    writer.writerow(list(frame.columns))
    for row in _records(frame):
        writer.writerow([_text(row[name]) for name in frame.columns])


# -- GDELT 2.0 --------------------------------------------------------------------------------------------------


def gdelt_row(row: dict[str, Any]) -> list[str]:
    """One GDELT 2.0 Events row (61 fields) from one events-frame row."""
    day = _text(row.get("event_day"))[:10] or _text(row.get("story_date"))
    year, month, dom = (day.split("-") + ["", "", ""])[:3]
    code = _text(row["cameo_code"])
    values: list[str] = [str(int(_text(row.get("dedup_id") if "mentions" in row else row["event_id"])[:15], 16)),
                         f"{year}{month}{dom}", f"{year}{month}", year, _fraction_date(year, month, dom)]
    for side in ("source", "target"):
        values += _gdelt_actor(_text(row.get(f"{side}_code")), _text(row.get(f"{side}_name")))
    mentions = _text(row.get("mentions", 1)) or "1"
    stories = _text(row.get("stories", 1)) or "1"
    values += ["1" if row.get("sentence_index") == 0 else "0", code, code[:3], code[:2],
               _text(row.get("quad_class")), _text(row.get("goldstein")), mentions, stories, stories, ""]
    values += [""] * 8 + [""] * 8  # Actor1Geo_*, Actor2Geo_*: dyads geocodes the action only
    location = _text(row.get("location_name"))
    values += ["", location, "", "", "", "", "", ""]  # ActionGeo_*: GDELT wants FIPS codes, we have ISO3
    values += [_dateadded(row.get("ingested_at")), _text(row.get("story_url"))]
    assert len(values) == len(GDELT_COLUMNS)
    return values


def _gdelt_actor(code: str, name: str) -> list[str]:
    if not code:
        return [""] * len(_ACTOR_FIELDS)
    head, rest = code[:3], [code[i:i + 3] for i in range(3, len(code), 3)]
    country = "" if head in _INTERNATIONAL else head
    known = ""
    if head in _INTERNATIONAL and rest and rest[0] not in SECTOR_NAMES:
        known = rest.pop(0)
    types = (rest + ["", "", ""])[:3]
    if head in ("IGO", "NGO", "MNC") and not types[0]:
        types[0] = head
    return [code, name.upper(), country, known, "", "", "", *types]


def _fraction_date(year: str, month: str, day: str) -> str:
    try:
        import datetime as dt

        date = dt.date(int(year), int(month), int(day))
    except ValueError:
        return ""
    return f"{date.year + (date.timetuple().tm_yday - 1) / 365:.4f}"


def _dateadded(value: Any) -> str:
    text = _text(value)
    digits = "".join(ch for ch in text if ch.isdigit())
    return digits[:14]


# -- ICEWS ------------------------------------------------------------------------------------------------------


def icews_row(row: dict[str, Any]) -> list[str]:
    """One ICEWS row (20 fields). Reciprocal events are already two rows in dyads, as in ICEWS."""
    values = [_text(row.get("dedup_id") if "mentions" in row else row["event_id"]), _text(row.get("event_day"))[:10]]
    values += _icews_actor(row, "source")
    values += [_text(row.get("event_name")), _text(row.get("cameo_code")), _text(row.get("goldstein"))]
    values += _icews_actor(row, "target")
    values += [_text(row.get("story_record_id") or row.get("story_id")),
               str(int(row["sentence_index"]) + 1) if _text(row.get("sentence_index")) else "",
               _text(row.get("story_source"))]
    values += [_text(row.get("location_name")), "", "", _country_name(_text(row.get("location_country"))), "", ""]
    assert len(values) == len(ICEWS_COLUMNS)
    return values


def _icews_actor(row: dict[str, Any], side: str) -> list[str]:
    code = _text(row.get(f"{side}_code"))
    country = _country_name(_text(row.get(f"{side}_country")))
    sectors = [SECTOR_NAMES.get(code[i:i + 3], code[i:i + 3]) for i in range(3, len(code), 3)]
    name = _text(row.get(f"{side}_name")) or country
    if sectors and country:
        name = f"{sectors[0]} ({country})"
    return [name, ",".join(sectors), country]


# -- POLECAT / PLOVER -------------------------------------------------------------------------------------------


def polecat_row(row: dict[str, Any]) -> list[str]:
    """One POLECAT row (40 fields)."""
    values = [_text(row.get("dedup_id") if "mentions" in row else row["event_id"]), _text(row.get("event_day"))[:10],
              _text(row.get("plover_type")).lower(), _text(row.get("plover_mode")).lower(),
              _text(row.get("goldstein")), _text(row.get("quad_class")), ""]
    for side in ("source", "target"):
        code = _text(row.get(f"{side}_code"))
        sector = _text(row.get(f"{side}_sector"))
        values += [_text(row.get(f"{side}_name")), _text(row.get(f"{side}_country")), "",
                   SECTOR_NAMES.get(sector, sector),
                   ";".join(SECTOR_NAMES.get(code[i:i + 3], code[i:i + 3]) for i in range(3, len(code), 3)),
                   "", _text(row.get(f"{side}_text")), ""]
    location = _text(row.get("location_name"))
    values += [location, "", "", "", _country_name(_text(row.get("location_country"))), "", "", "", location, ""]
    values += [_text(row.get("story_source")), _text(row.get("story_date")), "", "", "", "en",
               _text(row.get("coder_version"))]
    assert len(values) == len(POLECAT_COLUMNS)
    return values


def plover_record(row: dict[str, Any]) -> dict[str, Any]:
    """One PLOVER/NGEC-style JSON event: type, mode, dates, story and the ACTOR/RECIP/LOC spans."""

    def actor(side: str) -> list[dict[str, Any]]:
        if not _text(row.get(f"{side}_code")):
            return []
        return [{"text": _text(row.get(f"{side}_text")), "start_char": _int(row.get(f"{side}_start")),
                 "end_char": _int(row.get(f"{side}_end")), "code": _text(row.get(f"{side}_code")),
                 "country": _text(row.get(f"{side}_country")), "sector": _text(row.get(f"{side}_sector")),
                 "name": _text(row.get(f"{side}_name"))}]

    location = _text(row.get("location_name"))
    record: dict[str, Any] = {
        "id": _text(row.get("dedup_id") if "mentions" in row else row["event_id"]),
        "date": _text(row.get("event_day"))[:10], "event_type": _text(row.get("plover_type")),
        "event_mode": _text(row.get("plover_mode")), "contexts": [], "event_text": _text(row.get("trigger_text")),
        "cameo_code": _text(row.get("cameo_code")), "story_id": _text(row.get("story_record_id")),
        "publisher": _text(row.get("story_source")), "headline": "", "pub_date": _text(row.get("story_date")),
        "version": _text(row.get("coder_version")),
        "attributes": {"ACTOR": actor("source"), "RECIP": actor("target"),
                       "LOC": [{"text": location, "country": _text(row.get("location_country"))}] if location else [],
                       "DATE": [{"text": _text(row.get("event_date")),
                                 "precision": _text(row.get("date_precision"))}]},
        "date_resolved": _text(row.get("event_date")), "date_raw": "",
    }
    if "mentions" in row:
        record["mentions"] = int(row["mentions"])
        record["story_ids"] = _text(row.get("story_ids")).split(";")
    return record


def _write_plover(frame: pd.DataFrame, handle: TextIO) -> None:
    for row in _records(frame):
        handle.write(json.dumps(plover_record(row), ensure_ascii=False) + "\n")


# -- helpers ----------------------------------------------------------------------------------------------------


def _write_tsv(handle: TextIO, header: tuple[str, ...] | None, rows: Iterator[list[str]]) -> None:
    if header is not None:
        handle.write("\t".join(header) + "\n")
    for row in rows:
        handle.write("\t".join(_tsv_cell(value) for value in row) + "\n")


def _tsv_cell(value: str) -> str:
    return value.replace("\t", " ").replace("\r", " ").replace("\n", " ")


def _records(frame: pd.DataFrame) -> Iterator[dict[str, Any]]:
    yield from frame.to_dict("records")


def _text(value: Any) -> str:
    """A cell as text: None/NaN/NaT -> "", floats without a spurious ".0" for whole numbers, dates ISO."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    if hasattr(value, "isoformat"):
        try:
            import pandas as pd

            if pd.isna(value):
                return ""
        except (TypeError, ValueError):
            pass
        text = value.isoformat()
        return text[:10] if text.endswith("T00:00:00") else text
    return str(value)


def _int(value: Any) -> int | None:
    text = _text(value)
    return int(text) if text else None


@lru_cache(maxsize=1)
def _country_names() -> dict[str, str]:
    from importlib import resources

    import yaml

    data = yaml.safe_load(resources.files("dyads").joinpath("resources/countries.yaml").read_text(encoding="utf-8"))
    return {str(item["code"]): str(item["names"][0]) for item in data if item.get("names")}


def _country_name(code: str) -> str:
    return _country_names().get(code, code) if code else ""
