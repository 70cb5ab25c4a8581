"""Event attributes: the date an event's own clause states.

Reads: the parsed story, an event's trigger token, the story date.
Adds: a ResolvedDate ("on Oct. 21" -> 2020-10-21, "in August 2020" -> 2020-08 at month precision,
"on Tuesday" -> the latest Tuesday on or before the story date), or the story date when the clause
says nothing. Formats are parsed by dateparser; attaching the date to the right clause is ours.
"""

from __future__ import annotations

import datetime as dt
import re
from functools import lru_cache
from typing import Any

from dyads.model import ResolvedDate

Token = Any

_MONTH_ONLY = re.compile(
    r"^(?:in |during |since |by |early |late |mid-?)*(?:(?:early|late|mid)[- ])?"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?(?:,? (\d{4}))?$", re.I)
_YEAR_ONLY = re.compile(r"^(?:in )?(\d{4})$")
_SKIP = re.compile(r"\b(year|years|decade|decades|century|months|weeks|days|ago)\b", re.I)


def _date_entities(trigger: Token) -> list[Any]:
    """DATE entities inside the trigger's clause, nearest first."""
    doc = trigger.doc
    if trigger.pos_ in ("NOUN", "PROPN"):
        scope = {t.i for t in trigger.subtree}
        head = trigger.head
        if head.pos_ in ("VERB", "AUX"):
            scope.update(t.i for c in head.children if c.dep_ in ("prep", "npadvmod") for t in c.subtree)
    else:
        scope = set()
        for child in trigger.children:
            if child.dep_ in ("ccomp", "xcomp", "advcl", "relcl", "conj", "parataxis"):
                continue
            scope.update(t.i for t in child.subtree)
    ents = [e for e in doc.ents if e.label_ == "DATE" and e.start in scope]
    return sorted(ents, key=lambda e: abs(e.start - trigger.i))


@lru_cache(maxsize=4096)
def _parse(text: str, base: dt.date) -> ResolvedDate | None:
    import dateparser

    cleaned = re.sub(r"^(on|in|at|during|since|by|last|this|the)\s+", "", text.strip(), flags=re.I)
    if _SKIP.search(text) and "ago" not in text.lower():
        return None
    month = _MONTH_ONLY.match(text.strip().lower())
    settings = {
        "RELATIVE_BASE": dt.datetime(base.year, base.month, base.day),
        "PREFER_DATES_FROM": "past",
        "REQUIRE_PARTS": [],
    }
    parsed = dateparser.parse(cleaned, languages=["en"], settings=settings)  # type: ignore[arg-type]
    if parsed is None:
        return None
    value = parsed.date()
    if value > base + dt.timedelta(days=1) and month is None:
        return None
    if month:
        year = int(month.group(2)) if month.group(2) else value.year
        if year > base.year or (year == base.year and value.month > base.month):
            year -= 1 if not month.group(2) else 0
        return ResolvedDate(f"{year:04d}-{value.month:02d}", "month")
    year_only = _YEAR_ONLY.match(text.strip().lower())
    if year_only:
        return ResolvedDate(year_only.group(1), "year")
    if "week" in text.lower():
        return ResolvedDate(value.isoformat(), "week")
    return ResolvedDate(value.isoformat(), "day")


def resolve_event_date(doc: Any, trigger: Token, story_date: dt.date) -> ResolvedDate:
    """The event's own date, else the story date."""
    for ent in _date_entities(trigger):
        resolved = _parse(ent.text, story_date)
        if resolved is not None:
            return resolved
    return ResolvedDate(story_date.isoformat(), "day")
