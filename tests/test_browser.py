"""End to end in a real browser: ingest the shipped examples, run `dyads serve`, open the overview, a dyad page
and a story page in headless Chromium (Debian's, driven by selenium through chromium-driver), check that the
charts and the highlighted story render, and save screenshots (into $DYADS_SCREENSHOTS, else a temp folder)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
CLI = [sys.executable, "-c", "from dyads.cli import app; app()"]

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not CHROMIUM.exists() or not CHROMEDRIVER.exists(),
                       reason="needs Debian's chromium and chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): "
                              "apt-get install chromium chromium-driver (.ci/run does)"),
]
webdriver = pytest.importorskip("selenium.webdriver", reason="needs selenium: pip install -e '.[dev]'")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """`dyads serve` on a free loopback port over a store ingested from examples/."""
    folder = tmp_path_factory.mktemp("browser")
    db = folder / "examples.duckdb"
    ingested = subprocess.run([*CLI, "ingest", str(ROOT / "examples"), "--db", str(db)], capture_output=True,
                              text=True, timeout=300)
    assert ingested.returncode == 0, ingested.stderr
    port = free_port()
    log = (folder / "serve.log").open("w")
    process = subprocess.Popen([*CLI, "serve", "--db", str(db), "--host", "127.0.0.1", "--port", str(port)],
                               stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=2) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"dyads serve did not start: {(folder / 'serve.log').read_text()}")
                time.sleep(0.2)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tempfile.mkdtemp(prefix="dyads-chromium-")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--disable-dev-shm-usage", f"--user-data-dir={profile}", "--window-size=1280,1600"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)), options=options)
    driver.set_page_load_timeout(60)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = Path(os.environ["DYADS_SCREENSHOTS"]) if os.environ.get("DYADS_SCREENSHOTS") else \
        tmp_path_factory.mktemp("screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def open_page(driver: Any, url: str) -> None:
    """Load `url` and wait until the page's charts have been drawn (body[data-charts] set by dyads.js)."""
    from selenium.webdriver.support.ui import WebDriverWait

    driver.get(url)
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.readyState") == "complete")
    WebDriverWait(driver, 30).until(
        lambda d: d.execute_script("return document.getElementById('dyads-data') === null || "
                                   "document.body.getAttribute('data-charts') !== null"))


def drawn_charts(driver: Any) -> list[str]:
    """The ids of chart containers in which plotly drew an SVG with data."""
    script = """return Array.from(document.querySelectorAll('[data-chart]'))
        .filter(e => e.querySelector('svg.main-svg') && e.querySelectorAll('.trace, .point, path.bar, .bars').length)
        .map(e => e.id);"""
    return list(driver.execute_script(script))


def test_overview_draws_its_charts(server: str, browser: Any, shots: Path) -> None:
    open_page(browser, f"{server}/")
    assert browser.execute_script("return document.body.getAttribute('data-charts')") == "2"
    assert set(drawn_charts(browser)) == {"chart-quads", "chart-types"}
    links = browser.execute_script(
        "return Array.from(document.querySelectorAll('#top-dyads a')).map(a => a.textContent)")
    assert links, "the top-dyads table is empty"
    browser.save_screenshot(str(shots / "overview.png"))


def test_dyad_page_draws_goldstein_and_quad_charts(server: str, browser: Any, shots: Path) -> None:
    open_page(browser, f"{server}/dyad/BRA/ARG?freq=month")
    assert set(drawn_charts(browser)) == {"chart-goldstein", "chart-dyad-quads"}
    rows = browser.execute_script("return document.querySelectorAll('table.events tbody tr a').length")
    assert rows >= 1
    browser.save_screenshot(str(shots / "dyad-BRA-ARG.png"))


def test_story_page_highlights_the_events(server: str, browser: Any, shots: Path) -> None:
    open_page(browser, f"{server}/story/2024-06-02-brazil-argentina")
    counts = browser.execute_script(
        "return ['source', 'target', 'trigger'].map(r => document.querySelectorAll('#story-text mark.' + r).length)")
    assert all(count >= 1 for count in counts), counts
    telephoned = browser.execute_script(
        "return Array.from(document.querySelectorAll('#story-text mark.trigger')).map(m => m.textContent)")
    assert "telephoned" in telephoned
    colour = browser.execute_script(
        "return getComputedStyle(document.querySelector('mark.trigger')).backgroundColor")
    assert colour not in ("rgba(0, 0, 0, 0)", "transparent", "rgb(255, 255, 0)")  # our stylesheet, not the default
    cards = browser.execute_script("return document.querySelectorAll('article.event-card .label').length")
    assert cards >= 3
    browser.save_screenshot(str(shots / "story.png"))


def test_every_page_link_on_the_overview_answers(server: str) -> None:
    """The links the overview shows (dyads and stories) all answer 200."""
    import re

    with urllib.request.urlopen(f"{server}/", timeout=10) as answer:
        html = answer.read().decode("utf-8")
    links = sorted(set(re.findall(r'href="(/(?:dyad|story)/[^"]+)"', html)))
    assert links
    for link in links:
        with urllib.request.urlopen(server + link.replace("&amp;", "&"), timeout=10) as answer:
            assert answer.status == 200, link
