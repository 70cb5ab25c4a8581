"""The HTTP API and the dashboard: a FastAPI app over a read-only `Store` (`create_app`).

API (JSON; OpenAPI schema at /openapi.json, docs at /docs):

    GET  /health                    status, version, row counts
    GET  /events                    filters as `dyads events` (source, target, dyad, code, from, to, story),
                                    limit (1..1000) and offset; the page plus the total that match
    GET  /stories/{id}              a story's text and its events, spans as [start, end] character offsets
    GET  /dyads/{a}/{b}/series      `dyads.analysis.dyad_series` per day/week/month/year
    GET  /actors                    actor codes seen in events, with counts as source and target
    POST /code                      code a story without storing it (body at most `max_body_bytes`, else 413)

Dashboard (HTML; charts drawn by plotly.js, served from the installed plotly package, no CDN):

    GET  /                          overview: events over time by quad class, top dyads, event types, latest
    GET  /dyad/{a}/{b}              a dyad: Goldstein lines both ways, quad-class bars, the event list
    GET  /story/{id}                a story with each event's source, target and trigger highlighted

Invalid input gets 422 with a message naming the parameter; a missing story 404. The app asks the store
(parameterised queries there) and holds no connection of its own, so an ingest can write between requests.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import threading
from collections.abc import Awaitable, Callable, MutableMapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from dyads import __version__
from dyads.errors import DyadsError, InputError, MissingExtra, StoreError
from dyads.store import FREQUENCIES, Store, frame_row_to_event

try:
    import jinja2
    from fastapi import FastAPI, Query, Request
    from fastapi import Path as PathParam
    from fastapi.exceptions import RequestValidationError
    from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, Response
    from fastapi.staticfiles import StaticFiles
    from pydantic import BaseModel, Field
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise MissingExtra("web", exc.name or "fastapi") from exc

if TYPE_CHECKING:
    import pandas as pd

    from dyads.pipeline import Coder

__all__ = ["MAX_BODY_BYTES", "MAX_PAGE", "create_app", "mark_spans"]

MAX_PAGE = 1000
MAX_BODY_BYTES = 200_000
MAX_TEXT_CHARS = 100_000
WEB = Path(__file__).parent / "web"

ActorQuery = Annotated[str | None, Query(max_length=30, pattern=r"^(---)?[A-Za-z0-9]*$",
                                         description="Actor code or prefix, e.g. KHM or KHMGOV.")]
ActorPath = Annotated[str, PathParam(min_length=1, max_length=30, pattern=r"^(---)?[A-Za-z0-9]*$",
                                     description="Actor code or prefix, e.g. KHM.")]
CodeQuery = Annotated[str | None, Query(max_length=4, pattern=r"^(\d{1,4})?$",
                                        description="CAMEO code or prefix (04 = every consult).")]
_DATE = r"^(\d{4}(-\d{2}(-\d{2})?)?)?$"
DateFrom = Annotated[str | None, Query(alias="from", max_length=10, pattern=_DATE,
                                       description="First event day, YYYY-MM-DD (or YYYY-MM, YYYY).")]
DateTo = Annotated[str | None, Query(alias="to", max_length=10, pattern=_DATE,
                                     description="Last event day, YYYY-MM-DD (or YYYY-MM, YYYY).")]
DyadQuery = Annotated[str | None, Query(max_length=61, pattern=r"^[A-Za-z0-9]{1,30}-[A-Za-z0-9]{1,30}$",
                                        description="SOURCE-TARGET, e.g. KHM-JPN.")]
StoryQuery = Annotated[str | None, Query(max_length=200, description="Story id or record id.")]
FreqQuery = Annotated[str, Query(pattern=f"^({'|'.join(FREQUENCIES)})$", description="day, week, month or year.")]


# -- response and request bodies (for the OpenAPI schema) ---------------------------------------------------------

class Health(BaseModel):
    status: str
    version: str
    counts: dict[str, int]


class EventPage(BaseModel):
    total: int = Field(description="Events that match the filters.")
    limit: int
    offset: int
    events: list[dict[str, Any]] = Field(description="Event records (spans as *_start/*_end columns).")


class StoryDetail(BaseModel):
    id: str
    record_id: str | None
    date: str
    text: str
    source: str | None
    url: str | None
    events: list[dict[str, Any]] = Field(description="Event records, spans as [start, end] offsets into text.")


class SeriesRow(BaseModel):
    period: str
    events: int
    verbal_cooperation: int
    material_cooperation: int
    verbal_conflict: int
    material_conflict: int
    goldstein_sum: float
    goldstein_mean: float | None
    cooperation_minus_conflict: int


class Series(BaseModel):
    source: str
    target: str
    freq: str
    periods: list[SeriesRow]


class ActorRow(BaseModel):
    code: str
    country: str | None
    name: str | None
    as_source: int
    as_target: int
    events: int


class CodeRequest(BaseModel):
    text: str = Field(min_length=1, max_length=MAX_TEXT_CHARS, description="The story text.")
    date: dt.date = Field(default_factory=dt.date.today, description="The story's date (resolves 'on Monday').")
    source: str = Field(default="", max_length=200, description="The outlet.")
    url: str = Field(default="", max_length=2000)


class CodeResult(BaseModel):
    story_id: str
    events: list[dict[str, Any]]


# -- the app --------------------------------------------------------------------------------------------------


def create_app(db: str | Path | Store, *, coder: Coder | None = None,
               max_body_bytes: int = MAX_BODY_BYTES) -> FastAPI:
    """The API and dashboard over the store at `db` (opened read-only), or over a `Store` given.
    `coder` codes POST /code (default: the default `Coder`, built on first use)."""
    store = db if isinstance(db, Store) else Store(db, read_only=True)
    app = FastAPI(title="dyads", version=__version__,
                  description="Political event data coded from news: query events, dyad series and stories.")
    app.state.store = store
    coders = _CoderSlot(coder)
    templates = _templates()

    _add_error_handlers(app, templates)
    app.add_middleware(BodyLimit, max_bytes=max_body_bytes)
    @app.get("/health", response_model=Health, tags=["api"])
    def health() -> Health:
        """Liveness and row counts."""
        return Health(status="ok", version=__version__, counts=store.counts())

    @app.get("/events", response_model=EventPage, tags=["api"])
    def events(source: ActorQuery = None, target: ActorQuery = None, dyad: DyadQuery = None,
               code: CodeQuery = None, date_from: DateFrom = None,
               date_to: DateTo = None, story: StoryQuery = None,
               limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = 100,
               offset: Annotated[int, Query(ge=0, le=100_000_000)] = 0) -> Response:
        """Stored events, filtered as `dyads events`, ordered by event day; one page at a time."""
        frame, total = store.events_page(limit=limit, offset=offset, source=source, target=target, dyad=dyad,
                                         code=code, date_from=date_from, date_to=date_to, story_id=story)
        body = f'{{"total":{total},"limit":{limit},"offset":{offset},"events":{_frame_json(frame)}}}'
        return Response(body, media_type="application/json")

    @app.get("/stories/{story_id}", response_model=StoryDetail, tags=["api"])
    def story(story_id: Annotated[str, PathParam(max_length=200)]) -> StoryDetail:
        """A story's text and its events, with the character spans of source, target and trigger."""
        record, events = _story_with_events(store, story_id)
        return StoryDetail(**{key: record[key] for key in ("id", "record_id", "date", "text", "source", "url")},
                           events=events)

    @app.get("/dyads/{source}/{target}/series", response_model=Series, tags=["api"])
    def dyad_series(source: ActorPath, target: ActorPath, freq: FreqQuery = "month", dedup: bool = False,
                    date_from: DateFrom = None,
                    date_to: DateTo = None) -> Response:
        """Events from source to target per period: quad-class counts, Goldstein sum and mean, cooperation
        minus conflict."""
        from dyads.analysis import dyad_series as series

        frame = series(store, source, target, freq=freq, dedup=dedup, date_from=date_from, date_to=date_to)
        body = (f'{{"source":{json.dumps(source.upper())},"target":{json.dumps(target.upper())},'
                f'"freq":"{freq}","periods":{_frame_json(frame)}}}')
        return Response(body, media_type="application/json")

    @app.get("/actors", response_model=list[ActorRow], tags=["api"])
    def actors(limit: Annotated[int, Query(ge=1, le=MAX_PAGE)] = MAX_PAGE) -> Response:
        """Actor codes seen in events, busiest first, with counts as source and as target."""
        return Response(_frame_json(store.actor_activity().head(limit)), media_type="application/json")

    @app.post("/code", response_model=CodeResult, tags=["api"])
    def code(request: CodeRequest) -> CodeResult:
        """Code one story and return its events; nothing is stored."""
        from dyads.model import Story
        from dyads.readers import story_id_for

        story_id = story_id_for(request.text, request.date, request.source)
        story = Story(id=story_id, date=request.date, text=request.text, source=request.source, url=request.url)
        return CodeResult(story_id=story_id, events=[event.to_dict() for event in coders.code(story)])

    @app.get("/static/vendor/plotly.min.js", include_in_schema=False)
    def plotly_js() -> Response:
        path = _plotly_js()
        if path is None:
            return Response("/* plotly is not installed: pip install 'dyads[web]' */", status_code=404,
                            media_type="text/javascript")
        return FileResponse(path, media_type="text/javascript", headers={"Cache-Control": "max-age=86400"})

    _add_pages(app, store, templates)
    app.mount("/static", StaticFiles(directory=WEB / "static"), name="static")  # after the vendor route
    return app


class _CoderSlot:
    """The coder for POST /code: built on first use (spaCy loads in seconds), one story at a time."""

    def __init__(self, coder: Coder | None) -> None:
        self._coder = coder
        self._lock = threading.Lock()

    def code(self, story: Any) -> list[Any]:
        with self._lock:
            if self._coder is None:
                from dyads.pipeline import Coder

                self._coder = Coder()
            return self._coder.code(story)


def _plotly_js() -> Path | None:
    """plotly.js as the installed plotly package ships it (never copied into dyads)."""
    try:
        import plotly
    except ImportError:
        return None
    path = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    return path if path.is_file() else None


def _frame_json(frame: pd.DataFrame) -> str:
    """Records as JSON: dates as YYYY-MM-DD, timestamps ISO, NaN as null."""
    import pandas as pd

    frame = frame.copy()
    for column in frame.columns:
        if pd.api.types.is_datetime64_any_dtype(frame[column]):
            values = frame[column]
            daily = (values.dropna() == values.dropna().dt.normalize()).all()
            frame[column] = values.dt.strftime("%Y-%m-%d" if daily else "%Y-%m-%dT%H:%M:%S")
        elif frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: v.isoformat() if isinstance(v, dt.date) else v)
    return frame.to_json(orient="records", force_ascii=False, double_precision=6)


def _story_with_events(store: Store, story_id: str) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    record = store.story(story_id)
    if record is None:
        raise _NotFound(f"no story {story_id!r} in the store; list stories with GET /events")
    frame = store.events(story_id=record["id"])
    events = [frame_row_to_event(row).to_dict() for row in frame.to_dict("records")]
    events.sort(key=lambda event: (event["sentence_index"], (event["trigger_span"] or [0])[0]))
    return record, events


class _NotFound(DyadsError):
    """A story or page that is not there (404)."""


# -- errors -------------------------------------------------------------------------------------------------------

_PAGE_PATHS = re.compile(r"^/($|dyad/|story/)")


def _add_error_handlers(app: FastAPI, templates: jinja2.Environment) -> None:
    def reply(request: Request, status: int, message: str, extra: dict[str, Any] | None = None) -> Response:
        if _PAGE_PATHS.match(request.url.path):
            html = templates.get_template("error.html").render(status=status, message=message, title="error",
                                                                 version=__version__)
            return HTMLResponse(html, status_code=status)
        return JSONResponse({"detail": message, **(extra or {})}, status_code=status)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> Response:
        errors = [{"where": ".".join(str(part) for part in error.get("loc", ())), "message": error.get("msg", "")}
                  for error in exc.errors()]
        message = "invalid input: " + "; ".join(f"{error['where']}: {error['message']}" for error in errors)
        return reply(request, 422, message, {"errors": errors})

    @app.exception_handler(InputError)
    async def bad_input(request: Request, exc: InputError) -> Response:
        return reply(request, 422, f"invalid input: {exc}")

    @app.exception_handler(_NotFound)
    async def not_found(request: Request, exc: _NotFound) -> Response:
        return reply(request, 404, str(exc))

    @app.exception_handler(StoreError)
    async def store_error(request: Request, exc: StoreError) -> Response:
        return reply(request, 503, f"the store cannot answer now: {exc}")


Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    """ASGI middleware: a request body over `max_bytes` gets 413 before the app sees it (by Content-Length,
    or by counting a chunked body as it arrives)."""

    def __init__(self, app: Callable[[Scope, Receive, Send], Awaitable[None]], *, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.max_bytes):
            await self._reject(scope, receive, send)
            return
        chunks: list[bytes] = []
        size = 0
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(scope, receive, send)
                return
            chunks.append(chunk)
            more = message.get("more_body", False)
        body = b"".join(chunks)
        sent = False

        async def replay() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _reject(self, scope: Scope, receive: Receive, send: Send) -> None:
        message = (f"request body too large: at most {self.max_bytes} bytes; send a shorter story or split it")
        response = JSONResponse({"detail": message}, status_code=413)
        await response(scope, receive, send)


# -- dashboard ----------------------------------------------------------------------------------------------------


def _templates() -> jinja2.Environment:
    environment = jinja2.Environment(loader=jinja2.FileSystemLoader(WEB / "templates"),
                                     autoescape=jinja2.select_autoescape(("html",)), undefined=jinja2.StrictUndefined)
    environment.filters["signed"] = lambda value, digits=1: "" if value is None or value != value \
        else f"{value:+.{digits}f}"
    environment.policies["json.dumps_kwargs"] = {"sort_keys": False, "ensure_ascii": False}
    return environment


def _add_pages(app: FastAPI, store: Store, templates: jinja2.Environment) -> None:
    from dyads import analysis

    def render(name: str, **context: Any) -> HTMLResponse:
        return HTMLResponse(templates.get_template(name).render(version=__version__, **context))

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def overview(source: ActorQuery = None, target: ActorQuery = None, code: CodeQuery = None,
                 date_from: DateFrom = None,
                 date_to: DateTo = None,
                 freq: FreqQuery = "month") -> HTMLResponse:
        filters: dict[str, Any] = {"source": source or None, "target": target or None, "code": code or None,
                   "date_from": date_from or None, "date_to": date_to or None}
        quads = analysis.quad_series(store, freq=freq, **filters)
        top = analysis.top_dyads(store, limit=12, **filters)
        rising = analysis.top_dyads(store, by="change", limit=8, freq=freq, **filters)
        types = analysis.event_types(store, **filters)
        _, total = store.events_page(limit=1, **filters)
        latest, _ = store.events_page(limit=25, offset=max(total - 25, 0), **filters)
        charts = {"quads": json.loads(_frame_json(quads)), "types": json.loads(_frame_json(types))}
        return render("overview.html", title="overview", filters=_form(filters, freq), total=total,
                      top=_rows(top), rising=_rows(rising), types=_rows(types),
                      latest=list(reversed(_rows(latest))), charts=charts)

    @app.get("/dyad/{source}/{target}", response_class=HTMLResponse, include_in_schema=False)
    def dyad(source: ActorPath, target: ActorPath, freq: FreqQuery = "month", code: CodeQuery = None,
             date_from: DateFrom = None,
             date_to: DateTo = None,
             offset: Annotated[int, Query(ge=0)] = 0) -> HTMLResponse:
        source, target = source.upper(), target.upper()
        forward = analysis.quad_series(store, freq=freq, source=source, target=target, code=code,
                                       date_from=date_from, date_to=date_to)
        backward = analysis.quad_series(store, freq=freq, source=target, target=source, code=code,
                                        date_from=date_from, date_to=date_to)
        events, total = store.events_page(limit=200, offset=offset, source=source, target=target, code=code,
                                          date_from=date_from, date_to=date_to)
        charts = {"forward": json.loads(_frame_json(forward)), "backward": json.loads(_frame_json(backward)),
                  "source": source, "target": target}
        filters = {"source": source, "target": target, "code": code, "date_from": date_from, "date_to": date_to}
        return render("dyad.html", title=f"{source} → {target}", source=source, target=target, freq=freq,
                      filters=_form(filters, freq), events=_rows(events), total=total, offset=offset,
                      charts=charts, summary=_summary(forward), reverse_summary=_summary(backward))

    @app.get("/story/{story_id}", response_class=HTMLResponse, include_in_schema=False)
    def story_page(story_id: Annotated[str, PathParam(max_length=200)]) -> HTMLResponse:
        record, events = _story_with_events(store, story_id)
        text = record["text"]
        marks = [(event["trigger_span"], "trigger", index) for index, event in enumerate(events)] + \
                [(event["source_span"], "source", index) for index, event in enumerate(events)] + \
                [(event["target_span"], "target", index) for index, event in enumerate(events)]
        full = _overlay(text, [(span[0], span[1], role, index) for span, role, index in marks if span])
        cards = [_event_card(text, index, event) for index, event in enumerate(events)]
        return render("story.html", title=f"story {record['record_id'] or record['id']}", story=record,
                      full=full, cards=cards, events=events)


def _form(filters: dict[str, Any], freq: str) -> dict[str, str]:
    return {"source": filters.get("source") or "", "target": filters.get("target") or "",
            "code": filters.get("code") or "", "from": filters.get("date_from") or "",
            "to": filters.get("date_to") or "", "freq": freq}


def _rows(frame: pd.DataFrame) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = json.loads(_frame_json(frame))
    return rows


def _summary(series: pd.DataFrame) -> dict[str, Any]:
    events = int(series["events"].sum()) if len(series) else 0
    goldstein = float(series["goldstein_sum"].sum()) if len(series) else 0.0
    return {"events": events, "goldstein_mean": goldstein / events if events else None,
            "cooperation_minus_conflict": int(series["cooperation_minus_conflict"].sum()) if len(series) else 0}


# -- highlighting (displaCy-like): spans of a story's events as marked segments ------------------------------------

_ROLE_ORDER = ("trigger", "source", "target")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")


@dataclass(frozen=True)
class Segment:
    """A run of text; `role` is source, target, trigger or "" (plain); `label` shows after a marked span;
    `events` are the indexes of the events whose spans cover it."""

    text: str
    role: str = ""
    label: str = ""
    events: tuple[int, ...] = ()


def mark_spans(text: str, spans: list[tuple[int, int, str, str]], *, start: int = 0,
               end: int | None = None) -> list[Segment]:
    """`text[start:end]` cut into segments, each span (start, end, role, label) marked once; a span that
    overlaps an earlier (or a higher-priority) one is left out, so the marks never nest."""
    end = len(text) if end is None else end
    chosen: list[tuple[int, int, str, str]] = []
    ordered = sorted(spans, key=lambda span: (_ROLE_ORDER.index(span[2]) if span[2] in _ROLE_ORDER else 9, span[0]))
    for span in ordered:
        low, high = max(span[0], start), min(span[1], end)
        if low >= high or any(low < other[1] and other[0] < high for other in chosen):
            continue
        chosen.append((low, high, span[2], span[3]))
    segments: list[Segment] = []
    position = start
    for low, high, role, label in sorted(chosen):
        if low > position:
            segments.append(Segment(text[position:low]))
        segments.append(Segment(text[low:high], role, label))
        position = high
    if position < end:
        segments.append(Segment(text[position:end]))
    return segments


def _overlay(text: str, spans: list[tuple[int, int, str, int]]) -> list[Segment]:
    """The whole text with every event's spans: a segment per stretch covered by the same spans; its role
    is the highest-priority one covering it (trigger, then source, then target)."""
    spans = [(max(0, low), min(len(text), high), role, index) for low, high, role, index in spans if high > low]
    cuts = sorted({0, len(text), *(low for low, _, _, _ in spans), *(high for _, high, _, _ in spans)})
    segments: list[Segment] = []
    for low, high in zip(cuts, cuts[1:], strict=False):
        covering = [(role, index) for start, end, role, index in spans if start <= low and high <= end]
        roles = sorted({role for role, _ in covering}, key=_ROLE_ORDER.index)
        segments.append(Segment(text[low:high], roles[0] if roles else "", "",
                                tuple(sorted({index for _, index in covering}))))
    return segments


def _event_card(text: str, index: int, event: dict[str, Any]) -> dict[str, Any]:
    """One event's sentence with its three spans marked and labelled."""
    spans = []
    for role, label in (("source", event["source_code"]), ("target", event["target_code"]),
                        ("trigger", f"{event['cameo_code']} {event['event_name']}")):
        span = event[f"{role}_span"]
        if span:
            spans.append((int(span[0]), int(span[1]), role, f"{role.upper()} {label}"))
    if spans:
        low, high = min(span[0] for span in spans), max(span[1] for span in spans)
        starts = [0] + [match.end() for match in _SENTENCE_END.finditer(text) if match.end() <= low]
        ends = [match.start() for match in _SENTENCE_END.finditer(text) if match.start() >= high] + [len(text)]
        window = (max(starts), min(ends))
    else:
        window = (0, 0)
    return {"index": index, "event": event, "segments": mark_spans(text, spans, start=window[0], end=window[1])}
