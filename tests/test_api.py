"""The HTTP API and dashboard through FastAPI's TestClient: answers, paging, bad input (422), oversize bodies
(413), SQL-injection attempts, missing stories (404), the pages and the locally served plotly.js."""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest

from dyads.store import Store
from test_analysis import EVENTS, fill_store

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # starlette 1.x: a notice about httpx in its TestClient
    from fastapi.testclient import TestClient

from dyads.api import MAX_BODY_BYTES, create_app, mark_spans


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("api") / "events.duckdb"
    fill_store(Store(path))
    return path


@pytest.fixture(scope="module")
def client(db: Path) -> Iterator[TestClient]:
    with TestClient(create_app(db)) as test_client:
        yield test_client


def test_health_reports_counts(client: TestClient) -> None:
    answer = client.get("/health").json()
    assert answer["status"] == "ok"
    assert answer["counts"]["events"] == len(EVENTS)


def test_events_pages_with_limit_offset_and_total(client: TestClient) -> None:
    first = client.get("/events", params={"limit": 4}).json()
    assert (first["total"], first["limit"], first["offset"], len(first["events"])) == (len(EVENTS), 4, 0, 4)
    rest = client.get("/events", params={"limit": 1000, "offset": 4}).json()["events"]
    ids = [event["event_id"] for event in first["events"] + rest]
    assert len(ids) == len(set(ids)) == len(EVENTS)
    days = [event["event_day"] for event in first["events"] + rest]
    assert days == sorted(days)
    assert days[0] == "2021-01-04"


@pytest.mark.parametrize(("params", "count"), [
    ({"source": "KHM"}, 5), ({"source": "khmgov"}, 3), ({"dyad": "BRA-ARG"}, 3), ({"code": "11"}, 3),
    ({"from": "2021-03-01", "to": "2021-03-05"}, 4), ({"from": "2021-03"}, 7), ({"story": "story-3"}, 1),
    ({"source": "", "code": ""}, len(EVENTS)),  # empty form fields mean no filter
])
def test_events_filters_like_the_cli(client: TestClient, params: dict[str, str], count: int) -> None:
    answer = client.get("/events", params=params)
    assert answer.status_code == 200, answer.text
    assert answer.json()["total"] == count


@pytest.mark.parametrize(("params", "where"), [
    ({"limit": 1001}, "query.limit"), ({"limit": 0}, "query.limit"), ({"offset": -1}, "query.offset"),
    ({"limit": "ten"}, "query.limit"), ({"code": "04a"}, "query.code"), ({"from": "15/03/2021"}, "query.from"),
    ({"dyad": "KHM"}, "query.dyad"), ({"source": "KHM;"}, "query.source"),
])
def test_events_bad_parameters_get_422_naming_the_parameter(client: TestClient, params: dict[str, object],
                                                              where: str) -> None:
    answer = client.get("/events", params=params)
    assert answer.status_code == 422
    body = answer.json()
    assert body["detail"].startswith("invalid input: ")
    assert where in body["detail"]
    assert body["errors"][0]["where"] == where


def test_an_impossible_date_gets_422_with_the_format(client: TestClient) -> None:
    answer = client.get("/events", params={"from": "2021-02-30"})
    assert answer.status_code == 422
    assert "use YYYY-MM-DD" in answer.json()["detail"]


@pytest.mark.parametrize("attempt", ["x' OR '1'='1", "story-1'; DROP TABLE events; --",
                                     "' UNION SELECT * FROM stories --"])
def test_sql_injection_attempts_are_plain_values(client: TestClient, attempt: str) -> None:
    assert client.get("/events", params={"story": attempt}).json()["total"] == 0
    assert client.get(f"/stories/{attempt}").status_code == 404
    assert client.get("/events", params={"source": attempt}).status_code == 422
    assert client.get("/health").json()["counts"]["events"] == len(EVENTS)  # nothing dropped


def test_story_has_text_and_events_with_spans(client: TestClient) -> None:
    answer = client.get("/stories/story-0")
    assert answer.status_code == 200
    story = answer.json()
    assert story["record_id"] == "story-0"
    assert story["text"].startswith("Source did-this Target.")
    [event] = story["events"]
    assert story["text"][slice(*event["trigger_span"])] == "did-this"
    assert event["source_span"] == [0, 6]
    assert client.get(f"/stories/{story['id']}").json()["record_id"] == "story-0"  # by content id too


def test_missing_story_is_404_with_a_hint(client: TestClient) -> None:
    answer = client.get("/stories/no-such-story")
    assert answer.status_code == 404
    assert "GET /events" in answer.json()["detail"]


def test_dyad_series_matches_the_analysis(client: TestClient) -> None:
    answer = client.get("/dyads/KHM/JPN/series", params={"freq": "month"}).json()
    assert (answer["source"], answer["target"], answer["freq"]) == ("KHM", "JPN", "month")
    assert [row["period"] for row in answer["periods"]] == ["2021-01-01", "2021-02-01", "2021-03-01"]
    assert [row["events"] for row in answer["periods"]] == [3, 0, 2]
    assert answer["periods"][1]["goldstein_mean"] is None
    assert [row["cooperation_minus_conflict"] for row in answer["periods"]] == [3, 0, -2]
    bounded = client.get("/dyads/KHM/JPN/series", params={"freq": "week", "from": "2021-01-18", "to": "2021-01-24"})
    assert [row["events"] for row in bounded.json()["periods"]] == [2]


@pytest.mark.parametrize(("path", "params"), [
    ("/dyads/KHM/JPN/series", {"freq": "hour"}), ("/dyads/KH%20M/JPN/series", {}),
    ("/dyads/KHM/JPN/series", {"from": "yesterday"}), ("/dyads/KHM/JPN/series", {"dedup": "maybe"}),
])
def test_dyad_series_bad_parameters_get_422(client: TestClient, path: str, params: dict[str, str]) -> None:
    answer = client.get(path, params=params)
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("invalid input")


def test_actors_lists_codes_with_role_counts(client: TestClient) -> None:
    actors = {row["code"]: row for row in client.get("/actors").json()}
    assert actors["KHMGOV"]["as_source"] == 3
    assert actors["ARG"]["as_target"] == 4  # with the self-loop
    assert actors["ARG"]["as_source"] == 1
    assert len(client.get("/actors", params={"limit": 2}).json()) == 2
    assert client.get("/actors", params={"limit": 5000}).status_code == 422


def test_code_rejects_an_oversize_body_with_413(client: TestClient) -> None:
    text = "Japan pledged aid to Cambodia. " * (MAX_BODY_BYTES // 30)
    answer = client.post("/code", json={"text": text, "date": "2021-01-01"})
    assert answer.status_code == 413
    assert f"at most {MAX_BODY_BYTES} bytes" in answer.json()["detail"]


def test_code_rejects_an_oversize_chunked_body_with_413(client: TestClient) -> None:
    def chunks() -> Iterator[bytes]:
        for _ in range(30):
            yield b"x" * 10_000

    answer = client.post("/code", content=chunks(), headers={"content-type": "application/json"})
    assert answer.status_code == 413


@pytest.mark.parametrize("body", [{}, {"text": ""}, {"text": "Japan met Cambodia.", "date": "March"},
                                  {"text": 42}, {"text": "x" * 100_001}])
def test_code_bad_bodies_get_422(client: TestClient, body: dict[str, object]) -> None:
    answer = client.post("/code", json=body)
    assert answer.status_code == 422
    assert answer.json()["detail"].startswith("invalid input: body")


def test_code_malformed_json_gets_422(client: TestClient) -> None:
    answer = client.post("/code", content=b"{not json", headers={"content-type": "application/json"})
    assert answer.status_code == 422


@pytest.mark.slow
def test_code_codes_a_story_without_storing_it(db: Path, coder: object) -> None:
    with TestClient(create_app(db, coder=coder)) as local:  # type: ignore[arg-type]
        answer = local.post("/code", json={"text": "Japan pledged economic aid to Cambodia on Monday.",
                                           "date": "2021-03-10", "source": "Invented Wire"})
        assert answer.status_code == 200, answer.text
        events = answer.json()["events"]
        assert any(e["source_country"] == "JPN" and e["target_country"] == "KHM" for e in events)
        assert all(e["trigger_span"] for e in events)
        assert local.get("/health").json()["counts"]["events"] == len(EVENTS)


def test_openapi_schema_lists_the_api(client: TestClient) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    assert {"/health", "/events", "/stories/{story_id}", "/dyads/{source}/{target}/series", "/actors",
            "/code"} <= set(paths)
    assert "/" not in paths


def test_plotly_js_is_served_from_the_installed_package(client: TestClient) -> None:
    answer = client.get("/static/vendor/plotly.min.js")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/javascript")
    assert "plotly.js" in answer.text[:300]
    assert client.get("/static/dyads.js").status_code == 200
    assert client.get("/static/dyads.css").status_code == 200


def test_overview_page_has_charts_top_dyads_and_filters(client: TestClient) -> None:
    page = client.get("/", params={"source": "KHM", "freq": "month"})
    assert page.status_code == 200
    html = page.text
    assert 'data-chart="quads"' in html and 'id="dyads-data"' in html
    assert '/dyad/KHM/JPN?freq=month' in html
    assert 'value="KHM"' in html
    assert "/static/vendor/plotly.min.js" in html
    assert "http://" not in html and "https://" not in html  # no CDN


def test_dyad_page_has_both_directions_and_the_event_list(client: TestClient) -> None:
    html = client.get("/dyad/khm/jpn").text
    assert "KHM → JPN" in html
    assert 'data-chart="goldstein"' in html and 'data-chart="dyad-quads"' in html
    assert html.count('href="/story/') == 5
    assert 'href="/dyad/JPN/KHM?freq=month"' in html


def test_story_page_highlights_source_target_and_trigger(client: TestClient) -> None:
    html = client.get("/story/story-0").text
    assert '<mark class="source"' in html and '<mark class="target"' in html and '<mark class="trigger"' in html
    assert '<span class="label">TRIGGER 042 ' in html


@pytest.mark.parametrize(("path", "status"), [("/story/nothing-here", 404), ("/?code=abc", 422),
                                               ("/dyad/KHM/JPN?freq=hour", 422)])
def test_pages_show_errors_as_html(client: TestClient, path: str, status: int) -> None:
    answer = client.get(path)
    assert answer.status_code == status
    assert answer.headers["content-type"].startswith("text/html")
    assert 'class="error"' in answer.text


def test_page_text_is_escaped(tmp_path: Path) -> None:
    store = fill_store(Store(tmp_path / "x.duckdb"), [("2021-01-01", "KHM", "JPN", "042")])
    from dyads.model import Story

    story = Story(id="evil", date=__import__("datetime").date(2021, 1, 2), text="<script>alert(1)</script> said.")
    store.add_batch([(story, [])])
    with TestClient(create_app(store)) as local:
        html = local.get("/story/evil").text
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_create_app_names_a_missing_store(tmp_path: Path) -> None:
    from dyads.errors import StoreError

    with pytest.raises(StoreError, match="no such store"):
        create_app(tmp_path / "missing.duckdb")


def test_mark_spans_marks_each_span_once_without_nesting() -> None:
    text = "Japan pledged aid to Cambodia."
    segments = mark_spans(text, [(0, 5, "source", "SOURCE JPN"), (6, 13, "trigger", "TRIGGER 033"),
                                 (21, 29, "target", "TARGET KHM"), (0, 13, "target", "overlaps")])
    assert "".join(segment.text for segment in segments) == text
    assert [(segment.text, segment.role) for segment in segments if segment.role] == [
        ("Japan", "source"), ("pledged", "trigger"), ("Cambodia", "target")]
    window = mark_spans(text, [(6, 13, "trigger", "T")], start=6, end=17)
    assert "".join(segment.text for segment in window) == "pledged aid"
