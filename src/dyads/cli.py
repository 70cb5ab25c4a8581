"""The `dyads` command line: a thin shell over the library (the library never prints)."""

from __future__ import annotations

import csv
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from dyads import __version__
from dyads.errors import DyadsError
from dyads.model import EVENT_FIELDS, Event, Reject, Story

app = typer.Typer(
    help="dyads: code news stories into political event data (CAMEO/PLOVER): who did what to whom, when.",
    no_args_is_help=True,
    add_completion=False,
)
err = Console(stderr=True, soft_wrap=True)
out = Console() if Console().is_terminal else Console(width=200)


def _fail(message: str, code: int = 2) -> None:
    err.print(f"[bold red]error:[/] {escape(message)}", highlight=False)  # escaped: "dyads[dask]" is no markup
    raise typer.Exit(code)


def _version(value: bool) -> None:
    if value:
        out.print(f"dyads {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[bool, typer.Option("--version", callback=_version, is_eager=True,
                                          help="Print the version and exit.")] = False,
) -> None:
    """dyads: code news stories into political event data."""


def _progress(total: int | None, label: str) -> Progress:
    return Progress(TextColumn(label), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(), console=err,
                    transient=True, disable=not err.is_terminal and total is not None and total < 2)


def _make_coder(dictionaries: list[Path] | None, actors: list[Path] | None, lexicon: list[Path] | None) -> Any:
    from dyads.pipeline import Coder

    return Coder(dictionary_dirs=tuple(dictionaries or ()), actor_files=tuple(actors or ()),
                 lexicon_files=tuple(lexicon or ()))


@app.command()
def code(
    paths: Annotated[list[str], typer.Argument(help="Story files or folders (sample format, .txt, .jsonl, .csv); "
                                                    "'-' reads stdin.")],
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, jsonl or csv.")] = "table",
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write events here instead of stdout.")] = None,
    date: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD) for plain .txt files without one.")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (one spaCy model each).")] = 1,
    engine: Annotated[str, typer.Option(help="local (a process pool) or dask (dask.distributed; "
                                             "pip install 'dyads[dask]').")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://HOST:8786); without it "
                                                       "--engine dask starts a local cluster.")] = None,
    rejects: Annotated[Path | None, typer.Option(help="Write rejected records here as JSON lines.")] = None,
    dictionaries: Annotated[list[Path] | None, typer.Option(
        "--dictionaries", help="Folder of TABARI/PETRARCH .actors/.agents files to load.")] = None,
    actors: Annotated[list[Path] | None, typer.Option("--actors", help="Your own actor YAML file.")] = None,
    lexicon: Annotated[list[Path] | None, typer.Option("--lexicon", help="Your own event lexicon YAML.")] = None,
) -> None:
    """Code stories into events and print them (table, JSON lines or CSV)."""
    from dyads.readers import read_stories

    if fmt not in ("table", "jsonl", "csv"):
        _fail(f"unknown format {fmt!r}: use table, jsonl or csv")
    story_date = None
    if date:
        try:
            story_date = dt.date.fromisoformat(date)
        except ValueError:
            _fail(f"--date {date!r} is not a date: use YYYY-MM-DD")
    try:
        items = list(read_stories(paths, date=story_date))
    except DyadsError as exc:
        _fail(str(exc))
    stories = [s for s in items if isinstance(s, Story)]
    bad = [r for r in items if isinstance(r, Reject)]
    for reject in bad:
        err.print(f"[yellow]rejected[/] {reject.message()}", highlight=False)
    if rejects is not None:
        with rejects.open("w", encoding="utf-8") as rejects_file:
            for reject in bad:
                rejects_file.write(json.dumps(reject.__dict__, ensure_ascii=False) + "\n")
    try:
        coder = _make_coder(dictionaries, actors, lexicon)
        events: list[Event] = []
        with _progress(len(stories), "coding") as bar:
            task = bar.add_task("coding", total=len(stories))
            from dyads.scale import code_stories, make_executor

            with make_executor(coder, engine=engine, workers=workers, scheduler=scheduler) as executor:
                for _, story_events in code_stories(executor, stories):
                    events.extend(story_events)
                    bar.advance(task)
    except DyadsError as exc:
        _fail(str(exc))
    handle: Any = output.open("w", encoding="utf-8", newline="") if output else sys.stdout
    try:
        _write_events(events, fmt, handle)
    finally:
        if output:
            handle.close()
    if not stories and bad:
        raise typer.Exit(1)


def _write_events(events: list[Event], fmt: str, handle: Any) -> None:
    if fmt == "jsonl":
        for event in events:
            handle.write(event.to_json() + "\n")
    elif fmt == "csv":
        writer = csv.DictWriter(handle, fieldnames=list(EVENT_FIELDS))
        writer.writeheader()
        for event in events:
            writer.writerow(event.to_dict())
    else:
        table = Table(title=f"{len(events)} events", show_lines=False)
        for column in ("story", "date", "source", "target", "code", "event", "trigger", "quad", "gold."):
            table.add_column(column)
        for e in events:
            table.add_row(e.story_id, e.event_date, e.source_code, e.target_code or "-", e.cameo_code, e.event_name,
                          e.trigger_text, str(e.quad_class), f"{e.goldstein:+.1f}")
        Console(file=handle, width=160).print(table)


@app.command()
def evaluate(
    gold: Annotated[list[Path], typer.Argument(help="Gold JSONL files (format: shared/data/gold/README.md).")],
    json_out: Annotated[Path | None, typer.Option("--json", help="Also write the scores as JSON here.")] = None,
    dictionaries: Annotated[Path | None, typer.Option(
        "--dictionaries", help="Folder of TABARI/PETRARCH dictionaries for the suites' made-up actors. "
                               "A folder of folders named after the gold files picks the matching one.")] = None,
    limit: Annotated[int | None, typer.Option(help="Score only the first N records of each file.")] = None,
    lexicon: Annotated[list[Path] | None, typer.Option("--lexicon", help="Your own event lexicon YAML.")] = None,
) -> None:
    """Code the gold records' texts and score the events against them."""
    from dyads.evaluate import load_gold, score_records
    from dyads.pipeline import Coder

    results = []
    for path in gold:
        try:
            records = load_gold(path)
        except DyadsError as exc:
            _fail(str(exc))
        if limit:
            records = records[:limit]
        dict_dirs: tuple[Path, ...] = ()
        if dictionaries is not None:
            specific = dictionaries / path.stem
            if specific.is_dir():
                dict_dirs = (specific,)
            elif any(p.is_file() for p in dictionaries.iterdir()):
                dict_dirs = (dictionaries,)
        try:
            coder = Coder(dictionary_dirs=dict_dirs, strict_dictionaries=False, lexicon_files=tuple(lexicon or ()))
            with _progress(len(records), path.stem) as bar:
                task = bar.add_task(path.stem, total=len(records))

                def code_batch(stories: list[Story], coder: Coder = coder) -> list[list[Event]]:
                    return [events for _, events in coder.code_many(stories)]

                def advance(n: int, task: Any = task) -> None:
                    bar.advance(task, n)

                score = score_records(path.stem, records, code_batch, progress=advance, classify=coder.triggers)
        except DyadsError as exc:
            _fail(str(exc))
        results.append(score.as_dict())
    _print_scores(results)
    if json_out:
        json_out.write_text(json.dumps(results, indent=2), encoding="utf-8")


def _print_scores(results: list[dict[str, Any]]) -> None:
    table = Table(title="dyads evaluate")
    for column in ("dataset", "kind", "scored", "level", "P", "R", "F1", "tp/fp/fn", "other"):
        table.add_column(column)
    for result in results:
        other = ""
        if "actors" in result:
            a = result["actors"]
            other = (f"actors src {a.get('source_country', 0):.2f}/{a.get('source_full', 0):.2f} "
                     f"tgt {a.get('target_country', 0):.2f}/{a.get('target_full', 0):.2f}")
        if "pentaclass" in result:
            p = result["pentaclass"]
            other = f"accuracy {p['accuracy']:.3f} macro-F1 {p['macro_f1']:.3f}"
        if "detection_rate" in result:
            other = f"detection rate {result['detection_rate']:.3f} (labels not CAMEO)"
        levels = result["levels"] or {"-": None}
        for i, (level, counts) in enumerate(levels.items()):
            cells = ["", "", "", ""] if counts is None else [
                f"{counts['precision']:.3f}", f"{counts['recall']:.3f}", f"{counts['f1']:.3f}",
                f"{counts['tp']}/{counts['fp']}/{counts['fn']}"]
            table.add_row(result["dataset"] if i == 0 else "", result["kind"] if i == 0 else "",
                          str(result["scored"]) if i == 0 else "", level, *cells, other if i == 0 else "")
    out.print(table)


# -- store: ingest, events, export, actors (thin shells over dyads.store and dyads.exporters) ------------------

DbOption = Annotated[str, typer.Option("--db", help="The DuckDB store file.", envvar="DYADS_DB")]


def _parse_date(value: str | None, option: str) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        _fail(f"{option} {value!r} is not a date: use YYYY-MM-DD")
    return None


def _open_store(db: str, *, read_only: bool) -> Any:
    from dyads.store import Store

    try:
        return Store(db, read_only=read_only)
    except DyadsError as exc:
        _fail(str(exc))


@app.command()
def ingest(
    paths: Annotated[list[str], typer.Argument(help="Story files or folders (sample format, .txt, .jsonl, .csv); "
                                                    "'-' reads stdin.")],
    db: DbOption = "dyads.duckdb",
    workers: Annotated[int, typer.Option(min=1, help="Worker processes (one spaCy model each).")] = 1,
    engine: Annotated[str, typer.Option(help="local (a process pool) or dask (dask.distributed; "
                                             "pip install 'dyads[dask]').")] = "local",
    scheduler: Annotated[str | None, typer.Option(help="Dask scheduler address (tcp://HOST:8786); without it "
                                                       "--engine dask starts a local cluster.")] = None,
    date: Annotated[str | None, typer.Option(help="Date (YYYY-MM-DD) for plain .txt files without one.")] = None,
    batch_size: Annotated[int, typer.Option("--batch-size", min=1,
                                            help="Stories per committed batch (a kill loses at most one).")] = 64,
    actor_memory: Annotated[bool, typer.Option("--actor-memory/--no-actor-memory",
                                               help="Resolve the store's remembered actors (dyads actors).")] = True,
) -> None:
    """Code stories and store them; stories already stored are skipped, so re-running resumes a stopped run."""
    from dyads.store import ingest as run_ingest

    story_date = _parse_date(date, "--date")
    store = _open_store(db, read_only=False)
    with Progress(TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("ingesting", total=None)

        def progress(phase: str, done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        try:
            if engine == "local" and scheduler is None:
                summary = run_ingest(store, paths, workers=workers, date=story_date, batch_size=batch_size,
                                     progress=progress, use_actor_memory=actor_memory)
            else:  # coded into Parquet partitions beside the store, then loaded
                from dyads.scale import ingest as ingest_parts

                summary = ingest_parts(store, paths, parts=f"{db}.parts", engine=engine, workers=workers,
                                       scheduler=scheduler, date=story_date, batch_size=batch_size,
                                       progress=progress, use_actor_memory=actor_memory)
        except DyadsError as exc:
            _fail(str(exc))
    err.print(f"{db}: {summary.line()}", highlight=False)


@app.command()
def events(
    db: DbOption = "dyads.duckdb",
    source: Annotated[str | None, typer.Option(help="Source actor code or prefix (KHM, KHMGOV).")] = None,
    target: Annotated[str | None, typer.Option(help="Target actor code or prefix.")] = None,
    dyad: Annotated[str | None, typer.Option(help="SOURCE-TARGET, e.g. KHM-JPN.")] = None,
    code: Annotated[str | None, typer.Option(help="CAMEO code or prefix (04 = all consults).")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First event date, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last event date, YYYY-MM-DD.")] = None,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table, jsonl or csv.")] = "table",
    limit: Annotated[int | None, typer.Option(min=1, help="At most N events.")] = None,
    dedup: Annotated[bool, typer.Option(help="One row per deduplicated event, with mention counts.")] = False,
    window: Annotated[int, typer.Option(min=1, help="Dedup window in days (1 = one-a-day rule).")] = 1,
) -> None:
    """Query stored events (works while an ingest is running)."""
    from dyads.exporters import write_frame

    if fmt not in ("table", "jsonl", "csv"):
        _fail(f"unknown format {fmt!r}: use table, jsonl or csv")
    store = _open_store(db, read_only=True)
    try:
        frame = store.events(source=source, target=target, dyad=dyad, code=code, date_from=date_from,
                             date_to=date_to, limit=limit, dedup=dedup, window_days=window)
    except DyadsError as exc:
        _fail(str(exc))
    if fmt != "table":
        write_frame(frame, sys.stdout, fmt=fmt)
        return
    table = Table(title=f"{len(frame)} {'deduplicated ' if dedup else ''}events", show_lines=False)
    columns = ["event_day", "source_code", "target_code", "cameo_code", "event_name", "goldstein", "trigger_text",
               "story_record_id"] + (["mentions", "stories"] if dedup else [])
    for column in ("date", "source", "target", "code", "event", "gold.", "trigger", "story",
                   *(("mentions", "stories") if dedup else ())):
        table.add_column(column)
    for row in frame[columns].itertuples(index=False):
        cells = [str(value)[:10] if i == 0 else str(value) for i, value in enumerate(row)]
        cells[2] = cells[2] or "-"
        table.add_row(*cells)
    out.print(table)


@app.command()
def export(
    output: Annotated[Path, typer.Option("--output", "-o", help="File to write.")],
    fmt: Annotated[str, typer.Option("--format", "-f",
                                     help="jsonl, csv, parquet, gdelt, icews, polecat or plover.")] = "jsonl",
    db: DbOption = "dyads.duckdb",
    source: Annotated[str | None, typer.Option(help="Source actor code or prefix.")] = None,
    target: Annotated[str | None, typer.Option(help="Target actor code or prefix.")] = None,
    dyad: Annotated[str | None, typer.Option(help="SOURCE-TARGET, e.g. KHM-JPN.")] = None,
    code: Annotated[str | None, typer.Option(help="CAMEO code or prefix.")] = None,
    date_from: Annotated[str | None, typer.Option("--from", help="First event date, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last event date, YYYY-MM-DD.")] = None,
    dedup: Annotated[bool, typer.Option(help="Export deduplicated events (GDELT NumMentions etc. filled).")] = False,
    window: Annotated[int, typer.Option(min=1, help="Dedup window in days (1 = one-a-day rule).")] = 1,
) -> None:
    """Export stored events: dyads' JSONL/CSV/Parquet, or GDELT 2.0, ICEWS, POLECAT and PLOVER shapes."""
    from dyads.exporters import export_events

    store = _open_store(db, read_only=True)
    try:
        count = export_events(store, output, fmt=fmt, dedup=dedup, window_days=window, source=source,
                              target=target, dyad=dyad, code=code, date_from=date_from, date_to=date_to)
    except DyadsError as exc:
        _fail(str(exc))
    err.print(f"{output}: {count} events ({fmt})", highlight=False)


@app.command()
def actors(
    db: DbOption = "dyads.duckdb",
    add: Annotated[str | None, typer.Option(help="Person or name to remember (use with --code).")] = None,
    code: Annotated[str | None, typer.Option(help="Actor code for --add, e.g. KHMGOV.")] = None,
    first_seen: Annotated[str | None, typer.Option("--from", help="First date the role holds, YYYY-MM-DD.")] = None,
    last_seen: Annotated[str | None, typer.Option("--to", help="Last date the role holds, YYYY-MM-DD.")] = None,
    remove: Annotated[str | None, typer.Option(help="Name to forget.")] = None,
) -> None:
    """List the store's actor memory (name -> code within dates), or --add / --remove an entry."""
    if add is not None and remove is not None:
        _fail("use --add or --remove, not both")
    store = _open_store(db, read_only=add is None and remove is None)
    try:
        if add is not None:
            if not code:
                _fail("--add needs --code, e.g. --code KHMGOV")
            store.set_actor(add, code, first_seen=_parse_date(first_seen, "--from"),
                            last_seen=_parse_date(last_seen, "--to"))
        elif remove is not None and not store.remove_actor(remove):
            _fail(f"no actor named {remove!r} in {db}", code=1)
        frame = store.actors()
    except DyadsError as exc:
        _fail(str(exc))
    table = Table(title=f"{len(frame)} actors in {db}")
    for column in ("name", "code", "from", "to", "origin"):
        table.add_column(column)
    for row in frame.itertuples(index=False):
        table.add_row(row.name, row.code, _date_cell(row.first_seen), _date_cell(row.last_seen), row.origin)
    out.print(table)


def _date_cell(value: Any) -> str:
    text = str(value)
    return "" if text in ("None", "NaT", "nan") else text[:10]


# -- analysis and the web: series, serve (thin shells over dyads.analysis and dyads.api) ----------------------


@app.command()
def series(
    source: Annotated[str, typer.Argument(help="Source actor code or prefix (KHM, KHMGOV).")],
    target: Annotated[str, typer.Argument(help="Target actor code or prefix (JPN).")],
    db: DbOption = "dyads.duckdb",
    freq: Annotated[str, typer.Option(help="Period: day, week, month or year.")] = "month",
    date_from: Annotated[str | None, typer.Option("--from", help="First period, YYYY-MM-DD.")] = None,
    date_to: Annotated[str | None, typer.Option("--to", help="Last period, YYYY-MM-DD.")] = None,
    dedup: Annotated[bool, typer.Option(help="Count deduplicated events rather than mentions.")] = False,
    fmt: Annotated[str, typer.Option("--format", "-f", help="table or csv.")] = "table",
    plot: Annotated[Path | None, typer.Option(help="Also write a chart here (PNG, SVG or PDF; needs "
                                                   "dyads[web]).")] = None,
) -> None:
    """A dyad's time series: events per quad class, Goldstein sum and mean, cooperation minus conflict."""
    from dyads.analysis import dyad_series, plot_dyad_series

    if fmt not in ("table", "csv"):
        _fail(f"unknown format {fmt!r}: use table or csv")
    store = _open_store(db, read_only=True)
    try:
        frame = dyad_series(store, source, target, freq=freq, dedup=dedup, date_from=date_from, date_to=date_to)
        if plot is not None:
            plot_dyad_series(frame, str(plot), title=f"{source.upper()} -> {target.upper()} per {freq}")
    except DyadsError as exc:
        _fail(str(exc))
    if fmt == "csv":
        frame.assign(period=frame["period"].dt.strftime("%Y-%m-%d")).to_csv(sys.stdout, index=False)
    else:
        table = Table(title=f"{source.upper()} -> {target.upper()} per {freq}: {int(frame['events'].sum())} events")
        for column in ("period", "events", "verb. coop.", "mat. coop.", "verb. confl.", "mat. confl.",
                       "gold. sum", "gold. mean", "coop - confl"):
            table.add_column(column, justify="left" if column == "period" else "right")
        for row in frame.itertuples(index=False):
            mean = "" if row.goldstein_mean != row.goldstein_mean else f"{row.goldstein_mean:+.2f}"
            table.add_row(row.period.strftime("%Y-%m-%d"), str(row.events), str(row.verbal_cooperation),
                          str(row.material_cooperation), str(row.verbal_conflict), str(row.material_conflict),
                          f"{row.goldstein_sum:+.1f}", mean, f"{row.cooperation_minus_conflict:+d}")
        out.print(table)
    if plot is not None:
        err.print(f"chart written to {plot}", highlight=False)


@app.command()
def serve(
    db: DbOption = "dyads.duckdb",
    host: Annotated[str, typer.Option(help="Address to listen on (127.0.0.1: this machine only).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=0, max=65535, help="Port to listen on.")] = 8000,
) -> None:
    """Serve the dashboard (/) and the HTTP API (/docs) over a store, read-only."""
    try:
        import uvicorn

        from dyads.api import create_app
    except ImportError as exc:
        _fail(f"'dyads serve' needs the web extra ({exc.name} is missing): pip install 'dyads[web]'")
    try:
        application = create_app(db)
    except DyadsError as exc:
        _fail(str(exc))
    err.print(f"dyads dashboard on http://{host}:{port}/  (API docs at /docs; Ctrl-C stops)", highlight=False)
    uvicorn.run(application, host=host, port=port, log_level="warning")
