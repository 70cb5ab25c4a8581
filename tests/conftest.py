"""Shared fixtures: one coder (spaCy loads once per session), sentence coding, actor resolution, ../shared."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import pytest

from dyads.lexicons import Knowledge
from dyads.model import Event, Story
from dyads.pipeline import Coder

SHARED = Path(__file__).resolve().parents[2] / "shared"
DAY = dt.date(2021, 3, 10)  # a Wednesday: "on Monday" resolves to 2021-03-08

CodeText = Callable[..., list[Event]]
Resolve = Callable[..., list[tuple[str, tuple[str, ...]]]]


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    """The project's ../shared folder (reference tables, gold data, the seed story); skip when absent."""
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is missing (reference and gold data live there)")
    return SHARED


@pytest.fixture(scope="session")
def coder() -> Coder:
    """The default coder, built once: it loads spaCy and the lexicons."""
    return Coder()


@pytest.fixture(scope="session")
def code_text(coder: Coder) -> CodeText:
    """Code a text as one story dated `date` (default DAY)."""

    def code(text: str, date: dt.date = DAY, story_id: str = "test") -> list[Event]:
        return coder.code(Story(id=story_id, date=date, text=text))

    return code


@pytest.fixture(scope="session")
def knowledge() -> Knowledge:
    from dyads.lexicons import default_knowledge

    return default_knowledge()


@pytest.fixture(scope="session")
def resolve(knowledge: Knowledge) -> Resolve:
    """Parse a text and resolve its actors: [(head token text, codes)] in text order."""
    from dyads.actors import resolve_actors
    from dyads.nlp import parse

    def run(text: str, story_date: dt.date | None = None) -> list[tuple[str, tuple[str, ...]]]:
        doc = parse(text)
        index = resolve_actors(doc, knowledge, story_date=story_date)
        return [(doc[i].text, tuple(m.actor.code for m in mentions))
                for i, mentions in sorted(index.by_token.items())]

    return run


def make_stored_event(story: Story, source: str, target: str, code: str, date: str | None = None) -> Event:
    """A hand-built event of `story` for store and export tests (no coder involved)."""
    from dyads.ontology import event_type

    info = event_type(code)
    return Event(story_id=story.id, sentence_index=0, story_date=story.date.isoformat(),
                 event_date=date or story.date.isoformat(), date_precision="day", source_code=source,
                 source_country=source[:3], source_sector=source[3:6], source_name=source, source_text=source,
                 source_span=(0, 3), target_code=target, target_country=target[:3], target_sector=target[3:6],
                 target_name=target, target_text=target, target_span=(4, 7) if target else None,
                 cameo_code=info.code, root_code=info.root, event_name=info.name, quad_class=info.quad_class,
                 goldstein=info.goldstein, plover_type=info.plover_type, plover_mode=info.plover_mode,
                 trigger_text=code, trigger_span=(8, 11))
