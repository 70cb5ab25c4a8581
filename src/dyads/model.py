"""The data model: frozen value objects that cross module borders.

Story -> Sentence -> Mention (a span resolved to an Actor) -> Event (the coded record).
Every object validates in its constructor and converts to and from plain dicts for JSON.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from dataclasses import asdict, dataclass, field, fields
from typing import Any

from dyads.errors import InputError

Span = tuple[int, int]

_ACTOR_RE = re.compile(r"^(?:[A-Z0-9]{3}|---)(?:[A-Z0-9]{3})*$")
_CODE_RE = re.compile(r"^\d{2,4}$")
PRECISIONS = ("day", "week", "month", "year")
MODALITIES = ("asserted", "intent")


@dataclass(frozen=True)
class Story:
    """One dated news story: the coder's input."""

    id: str
    date: dt.date
    text: str
    source: str = ""
    url: str = ""
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def __post_init__(self) -> None:
        if not self.id:
            raise InputError("a story needs a non-empty id")
        if not isinstance(self.date, dt.date):
            raise InputError(f"story {self.id!r}: date must be a datetime.date, got {self.date!r}")
        if not self.text or not self.text.strip():
            raise InputError(f"story {self.id!r}: empty text")


@dataclass(frozen=True)
class Sentence:
    """A sentence of a story, by character offsets into the story text."""

    index: int
    start: int
    end: int
    text: str


# Codes in the country slot that name no country: unknown, international and non-governmental bodies,
# international militant groups.
NOT_COUNTRIES = frozenset({"---", "IGO", "NGO", "IMG"})


@dataclass(frozen=True)
class ActorCode:
    """A CAMEO-style actor code: a 3-letter country (or IGO/NGO/---) slot plus 3-letter sector slots."""

    code: str

    def __post_init__(self) -> None:
        if not _ACTOR_RE.match(self.code):
            raise ValueError(f"not a CAMEO actor code: {self.code!r}")

    @property
    def country(self) -> str:
        return self.code[:3]

    @property
    def sector(self) -> str:
        return self.code[3:6]

    def __str__(self) -> str:
        return self.code


@dataclass(frozen=True)
class Actor:
    """A political actor as the coder knows it: a code and a readable name."""

    code: str
    name: str = ""

    def __post_init__(self) -> None:
        ActorCode(self.code)

    @property
    def country(self) -> str:
        return self.code[:3]

    @property
    def sector(self) -> str:
        return self.code[3:6]


@dataclass(frozen=True)
class Mention:
    """A span of story text resolved to an actor, with how it was resolved."""

    text: str
    start: int
    end: int
    actor: Actor
    how: str  # name | adjective | title | coreference | dictionary | organization | capital


@dataclass(frozen=True)
class ResolvedDate:
    """An event date with its precision; `value` is ISO (YYYY-MM-DD, or YYYY-MM / YYYY when coarser)."""

    value: str
    precision: str = "day"

    def __post_init__(self) -> None:
        if self.precision not in PRECISIONS:
            raise ValueError(f"date precision must be one of {PRECISIONS}, got {self.precision!r}")


@dataclass(frozen=True)
class Quantity:
    """An amount attached to an event: money (ISO currency) or people (killed, wounded, arrested...)."""

    value: float
    unit: str
    usd_value: float | None = None


@dataclass(frozen=True)
class Event:
    """One coded event: the record dyads stores and exports (see DESIGN.md, 'The event record')."""

    story_id: str
    sentence_index: int
    story_date: str
    event_date: str
    date_precision: str
    source_code: str
    source_country: str
    source_sector: str
    source_name: str
    source_text: str
    source_span: Span | None
    target_code: str
    target_country: str
    target_sector: str
    target_name: str
    target_text: str
    target_span: Span | None
    cameo_code: str
    root_code: str
    event_name: str
    quad_class: int
    goldstein: float
    plover_type: str
    plover_mode: str
    trigger_text: str
    trigger_span: Span | None
    modality: str = "asserted"
    quantity_value: float | None = None
    quantity_unit: str = ""
    usd_value: float | None = None
    location_name: str = ""
    location_country: str = ""
    location_lat: float | None = None
    location_lon: float | None = None
    source_how: str = ""  # how the source was resolved: name, adjective, capital, title, person, coreference...
    target_how: str = ""
    confidence: float = 0.5
    coder_version: str = ""
    event_id: str = ""

    def __post_init__(self) -> None:
        if not _CODE_RE.match(self.cameo_code):
            raise ValueError(f"not a CAMEO event code: {self.cameo_code!r}")
        if self.modality not in MODALITIES:
            raise ValueError(f"modality must be one of {MODALITIES}, got {self.modality!r}")
        if not self.event_id:
            key = "|".join((self.story_id, self.source_code, self.target_code, self.cameo_code))
            object.__setattr__(self, "event_id", hashlib.sha1(key.encode("utf-8")).hexdigest()[:16])

    @property
    def dyad(self) -> tuple[str, str]:
        return (self.source_code, self.target_code)

    def to_dict(self) -> dict[str, Any]:
        record = asdict(self)
        for name in ("source_span", "target_span", "trigger_span"):
            if record[name] is not None:
                record[name] = list(record[name])
        return record

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_dict(cls, record: dict[str, Any]) -> Event:
        known = {f.name for f in fields(cls)}
        values = {key: value for key, value in record.items() if key in known}
        for name in ("source_span", "target_span", "trigger_span"):
            if values.get(name) is not None:
                values[name] = tuple(values[name])
        return cls(**values)


EVENT_FIELDS: tuple[str, ...] = tuple(f.name for f in fields(Event))


@dataclass(frozen=True)
class Reject:
    """An input record that could not be read, with where it was and why."""

    origin: str  # file path, or "<stdin>"
    line: int | None
    record_id: str
    reason: str
    raw: str = ""

    def message(self) -> str:
        where = self.origin if self.line is None else f"{self.origin}:{self.line}"
        ident = f" (record {self.record_id})" if self.record_id else ""
        return f"{where}{ident}: {self.reason}"
