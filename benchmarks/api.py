"""HTTP API latency over a large store: p50/p99 of a dyad series and of /events with concurrent clients.

    python benchmarks/api.py                       # 1,000,000 synthetic events, 50 clients, 1,000 requests each
    python benchmarks/api.py --events 100000 --clients 10 --requests 200 --json out.json

Builds the store once (cached beside --db; synthetic events written by DuckDB from generate_series, in the
store's own schema, created by `Store`), starts `dyads serve` on a free loopback port in a subprocess, then runs
`--clients` concurrent httpx clients for each endpoint until `--requests` requests or `--seconds` have passed.
Loopback only. Prints one line per endpoint (and writes JSON with --json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import random
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb
import httpx

from dyads.store import Store

COUNTRIES = ("USA", "CHN", "RUS", "JPN", "KHM", "BRA", "ARG", "KEN", "NOR", "IND", "PAK", "IRN", "ISR", "EGY",
             "FRA", "DEU", "GBR", "TUR", "UKR", "ZAF", "NGA", "MEX", "CAN", "AUS", "IDN", "VNM", "THA", "KOR",
             "PRK", "SAU")
SECTORS = ("GOV", "MIL", "", "OPP", "COP", "BUS")
# (code, root, name, quad class, Goldstein)
CODES = (("042", "04", "Make a visit", 1, 1.9), ("036", "03", "Express intent to meet or negotiate", 1, 4.0),
         ("046", "04", "Engage in negotiation", 1, 7.0), ("057", "05", "Sign formal agreement", 1, 8.0),
         ("070", "07", "Provide aid", 2, 7.0), ("0331", "03", "Express intent to provide economic aid", 1, 5.2),
         ("111", "11", "Criticize or denounce", 3, -2.0), ("112", "11", "Accuse", 3, -2.0),
         ("130", "13", "Threaten", 3, -4.4), ("173", "17", "Arrest, detain, or charge with legal action", 4, -5.0),
         ("190", "19", "Use conventional military force", 4, -10.0), ("051", "05", "Praise or endorse", 1, 3.4))
DAYS = 3650  # 2015-01-01 onwards


def _sql_list(values: tuple[Any, ...]) -> str:
    return "[" + ", ".join(repr(v) if not isinstance(v, str) else "'" + v + "'" for v in values) + "]"


def build_store(path: Path, events: int) -> None:
    """A store of `events` synthetic events (one story per 50 events), created by Store, filled by DuckDB."""
    if path.exists():
        path.unlink()
    Store(path)  # schema from the store itself
    stories = max(1, events // 50)
    codes = {name: _sql_list(tuple(code[i] for code in CODES))
             for i, name in enumerate(("code", "root", "event_name", "quad", "goldstein"))}
    n_codes, n_countries, n_sectors = len(CODES), len(COUNTRIES), len(SECTORS)
    connection = duckdb.connect(str(path))
    try:
        connection.execute("BEGIN TRANSACTION")
        connection.execute(f"""
            INSERT INTO stories BY NAME
            SELECT 'bench-' || i AS id, 'bench-' || i AS record_id, DATE '2015-01-01' + (i % {DAYS})::INTEGER AS date,
                   'Synthetic story ' || i || '.' AS text, 'bench' AS source, '' AS url, '{{}}'::JSON AS metadata,
                   'benchmarks/api.py' AS origin, now()::TIMESTAMP AS ingested_at
            FROM range({stories}) t(i)""")
        connection.execute(f"""
            INSERT INTO events BY NAME
            WITH base AS (
                SELECT i, hash(i) AS h, i // 50 AS story, hash(i * 31 + 7) AS g FROM range({events}) t(i)),
            picked AS (
                SELECT i, story, (h % {n_countries})::INTEGER + 1 AS s,
                       ((h // {n_countries} + 1 + g % ({n_countries} - 1)) % {n_countries})::INTEGER + 1 AS t,
                       (g % {n_codes})::INTEGER + 1 AS c, ((h // 1000) % {n_sectors})::INTEGER + 1 AS ss,
                       ((g // 1000) % {n_sectors})::INTEGER + 1 AS ts,
                       DATE '2015-01-01' + (story % {DAYS})::INTEGER AS day FROM base)
            SELECT printf('%016x', hash(i, 'event')) AS event_id, 'bench-' || story AS story_id,
                   0 AS sentence_index, day AS story_date, CAST(day AS VARCHAR) AS event_date, day AS event_day,
                   'day' AS date_precision,
                   {_sql_list(COUNTRIES)}[s] || {_sql_list(SECTORS)}[ss] AS source_code,
                   {_sql_list(COUNTRIES)}[s] AS source_country, {_sql_list(SECTORS)}[ss] AS source_sector,
                   {_sql_list(COUNTRIES)}[s] AS source_name, {_sql_list(COUNTRIES)}[s] AS source_text,
                   0 AS source_start, 3 AS source_end,
                   {_sql_list(COUNTRIES)}[t] || {_sql_list(SECTORS)}[ts] AS target_code,
                   {_sql_list(COUNTRIES)}[t] AS target_country, {_sql_list(SECTORS)}[ts] AS target_sector,
                   {_sql_list(COUNTRIES)}[t] AS target_name, {_sql_list(COUNTRIES)}[t] AS target_text,
                   4 AS target_start, 7 AS target_end,
                   {codes['code']}[c] AS cameo_code, {codes['root']}[c] AS root_code,
                   {codes['event_name']}[c] AS event_name, {codes['quad']}[c] AS quad_class,
                   {codes['goldstein']}[c] AS goldstein, '' AS plover_type, '' AS plover_mode,
                   'did' AS trigger_text, 8 AS trigger_start, 11 AS trigger_end, 'asserted' AS modality,
                   '' AS quantity_unit, '' AS location_name, '' AS location_country, 0.5 AS confidence,
                   'bench' AS coder_version
            FROM picked""")
        connection.execute("""
            INSERT INTO mentions BY NAME
            SELECT event_id, left(md5(source_code || '|' || target_code || '|' || cameo_code || '|' || event_date), 16)
                   AS dedup_id, story_id, event_day FROM events""")
        connection.execute("COMMIT")
        connection.execute("CHECKPOINT")
    finally:
        connection.close()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(db: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-c", "from dyads.cli import app; app()", "serve", "--db", str(db),
               "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit(f"dyads serve did not start: {process.stderr.read().decode() if process.stderr else ''}")


async def load(base: str, paths: list[str], *, clients: int, requests: int, seconds: float) -> dict[str, Any]:
    """`clients` concurrent clients sharing `requests` requests (at most `seconds`): latencies and errors."""
    latencies: list[float] = []
    errors: list[str] = []
    counter = iter(range(requests))
    stop = time.monotonic() + seconds
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)

    async def client(client_id: int) -> None:
        chooser = random.Random(client_id)
        async with httpx.AsyncClient(base_url=base, timeout=60, limits=httpx.Limits(max_connections=1)) as http:
            for _ in counter:
                if time.monotonic() > stop:
                    return
                start = time.perf_counter()
                try:
                    answer = await http.get(chooser.choice(paths))
                    if answer.status_code != 200:
                        errors.append(f"{answer.status_code}: {answer.text[:200]}")
                except httpx.HTTPError as exc:
                    errors.append(repr(exc))
                latencies.append(time.perf_counter() - start)

    del limits
    began = time.perf_counter()
    await asyncio.gather(*(client(i) for i in range(clients)))
    elapsed = time.perf_counter() - began
    latencies.sort()

    def quantile(q: float) -> float:
        return latencies[min(len(latencies) - 1, int(q * len(latencies)))] * 1000 if latencies else float("nan")

    return {"requests": len(latencies), "errors": len(errors), "first_error": errors[0] if errors else "",
            "seconds": round(elapsed, 2), "per_second": round(len(latencies) / elapsed, 1),
            "p50_ms": round(quantile(0.50), 1), "p99_ms": round(quantile(0.99), 1),
            "max_ms": round(latencies[-1] * 1000, 1) if latencies else None}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--db", type=Path, default=Path("benchmarks/.api-bench.duckdb"))
    parser.add_argument("--rebuild", action="store_true", help="Rebuild the store even if it holds --events.")
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--requests", type=int, default=1000, help="Requests per endpoint (shared by clients).")
    parser.add_argument("--seconds", type=float, default=120, help="Time limit per endpoint.")
    parser.add_argument("--json", type=Path)
    args = parser.parse_args()

    args.db.parent.mkdir(parents=True, exist_ok=True)
    built = "reused"
    if args.rebuild or not args.db.exists() or Store(args.db, read_only=True).counts()["events"] != args.events:
        began = time.perf_counter()
        build_store(args.db, args.events)
        built = f"built in {time.perf_counter() - began:.1f} s"
    print(f"store {args.db}: {args.events:,} events ({built}, {args.db.stat().st_size / 1e6:.0f} MB)")

    pairs = [(a, b) for a in COUNTRIES[:10] for b in COUNTRIES[:10] if a != b]
    endpoints = {
        "dyad series (month)": [f"/dyads/{a}/{b}/series?freq=month" for a, b in pairs],
        "events (dyad, page of 100)": [f"/events?dyad={a}-{b}&limit=100&offset={i * 100}"
                                       for i, (a, b) in enumerate(pairs)],
        "events (code+dates, page of 100)": [f"/events?code=19&from={y}-01-01&to={y}-12-31&limit=100"
                                             for y in range(2015, 2025)],
    }
    port = free_port()
    server = start_server(args.db, port)
    base = f"http://127.0.0.1:{port}"
    results: dict[str, Any] = {"events": args.events, "clients": args.clients, "machine": platform.platform(),
                               "cpus": os.cpu_count(), "endpoints": {}}
    try:
        for name, paths in endpoints.items():
            asyncio.run(load(base, paths[:5], clients=5, requests=20, seconds=30))  # warm up
            outcome = asyncio.run(load(base, paths, clients=args.clients, requests=args.requests,
                                       seconds=args.seconds))
            results["endpoints"][name] = outcome
            print(f"{name:34s} {outcome['requests']:5d} requests, {outcome['errors']} errors, "
                  f"p50 {outcome['p50_ms']:7.1f} ms, p99 {outcome['p99_ms']:7.1f} ms, "
                  f"{outcome['per_second']:6.1f} req/s  ({args.clients} clients)"
                  + (f"  first error: {outcome['first_error']}" if outcome["errors"] else ""))
    finally:
        server.terminate()
        server.wait(timeout=10)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
