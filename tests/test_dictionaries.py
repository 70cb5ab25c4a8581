"""TABARI/PETRARCH dictionaries: gold suites' agents and hand-written files load; bad lines are named."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from dyads.dictionaries import load_actor_file, load_agent_file, load_dictionary_dir
from dyads.errors import ConfigError
from dyads.lexicons import Knowledge, build_knowledge
from dyads.model import Story
from dyads.pipeline import Coder

GOLD_DICTIONARIES = ["petrarch_unittest", "tabari_validation", "udpetr_validate_2_02"]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def gold_agent_files(shared: Path) -> list[Path]:
    folder = shared / "data" / "gold" / "dictionaries"
    return sorted(p for p in folder.glob("*/*") if "agent" in p.name.lower())


def test_gold_dictionary_folders_are_present(shared_dir: Path) -> None:
    folder = shared_dir / "data" / "gold" / "dictionaries"
    assert sorted(p.name for p in folder.iterdir() if p.is_dir()) == GOLD_DICTIONARIES
    assert len(gold_agent_files(shared_dir)) == len(GOLD_DICTIONARIES)


@pytest.mark.parametrize("name", GOLD_DICTIONARIES)
def test_load_agent_file_gold_agents_add_sectors(shared_dir: Path, name: str) -> None:
    [path] = [p for p in gold_agent_files(shared_dir) if p.parent.name == name]
    knowledge = Knowledge()
    added = load_agent_file(knowledge, path)
    assert added > 0 and knowledge.sectors
    assert all(len(sector) == 3 and sector.isupper() for sector in knowledge.sectors.values())


ACTORS = """\
<!-- a hand-written dictionary for tests -->
# comment line
RURITANIA_ [RUR]
+RURITANIAN_
+KINGDOM_OF_RURITANIA_
RUDOLF_RASSENDYLL_ [RURGOV 180101-181231] [RURELI]
BLACK_MICHAEL_ [RURREB 180101-181231]
FREEDONIA_ [FRD] ; trailing comment
"""


@pytest.fixture
def actors(tmp_path: Path) -> tuple[Knowledge, int]:
    knowledge = Knowledge()
    added = load_actor_file(knowledge, write(tmp_path / "test.actors", ACTORS))
    return knowledge, added


@pytest.mark.parametrize(
    ("words", "day", "code"),
    [
        (["Ruritania"], None, "RUR"),
        (["RURITANIAN"], None, "RUR"),
        (["kingdom", "of", "Ruritania"], None, "RUR"),
        (["Rudolf", "Rassendyll"], dt.date(2018, 6, 1), "RURGOV"),
        (["Rudolf", "Rassendyll"], dt.date(2019, 6, 1), "RURELI"),
        (["Black", "Michael"], dt.date(2018, 6, 1), "RURREB"),
        (["Black", "Michael"], dt.date(2017, 6, 1), "---"),
        (["Freedonia"], None, "FRD"),
    ],
    ids=["name", "synonym", "multiword-synonym", "dated-code-in-range", "undated-code-outside-range",
         "only-dated-code-in-range", "only-dated-code-outside-range", "trailing-comment"],
)
def test_load_actor_file_hand_written_entries(actors: tuple[Knowledge, int], words: list[str],
                                              day: dt.date | None, code: str) -> None:
    knowledge, _ = actors
    entry = knowledge.lookup_name(words)
    assert entry is not None and entry.code_on(day) == code


def test_dated_dictionary_actor_codes_by_story_date(tmp_path: Path) -> None:
    from dyads.pipeline import Coder

    directory = tmp_path / "dicts"
    directory.mkdir()
    write(directory / "test.actors", ACTORS)
    coder = Coder(dictionary_dirs=(directory,))
    text = "Rudolf Rassendyll condemned Freedonia."
    in_office = coder.code(Story(id="a", date=dt.date(2018, 5, 1), text=text))
    retired = coder.code(Story(id="b", date=dt.date(2019, 5, 1), text=text))
    assert {(e.source_code, e.target_code) for e in in_office} == {("RURGOV", "FRD")}
    assert {(e.source_code, e.target_code) for e in retired} == {("RURELI", "FRD")}


def test_load_actor_file_counts_names_and_synonyms(actors: tuple[Knowledge, int]) -> None:
    knowledge, added = actors
    assert added == 6 == len(knowledge.gazetteer_folded)


@pytest.mark.parametrize(
    ("line", "bad"),
    [("STRELSAU_ [rur1]", "RUR1"), ("ZENDA_ [RU]", "RU"), ("TARLENHEIM_ [RURGO]", "RURGO")],
    ids=["digit", "short-country", "short-sector"],
)
def test_load_actor_file_malformed_code_names_file_and_line(tmp_path: Path, line: str, bad: str) -> None:
    path = write(tmp_path / "broken.actors", f"RURITANIA_ [RUR]\n# comment\n{line}\n")
    with pytest.raises(ConfigError, match=rf"broken\.actors:3\b.*{bad}"):
        load_actor_file(Knowledge(), path)


def test_load_agent_file_adds_sectors_with_substitutions(tmp_path: Path) -> None:
    path = write(tmp_path / "test.agents", "!GUARD! = GUARD, GUARDS, SENTRY\nPALACE_!GUARD! [~MIL]\n"
                                           "CHANCELLOR [~GOV] # comment\n")
    knowledge = Knowledge()
    added = load_agent_file(knowledge, path)
    assert added == 4
    assert knowledge.sectors[("palace", "guard")] == "MIL"
    assert knowledge.sectors[("palace", "sentry")] == "MIL"
    assert knowledge.sectors[("chancellor",)] == "GOV"


def test_load_agent_file_malformed_code_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "broken.agents", "CHANCELLOR [~GOV]\nPALACE_GUARD [~M1]\n")
    with pytest.raises(ConfigError, match=r"broken\.agents:2"):
        load_agent_file(Knowledge(), path)


def test_load_dictionary_dir_not_a_folder_raises(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="nowhere"):
        load_dictionary_dir(Knowledge(), tmp_path / "nowhere")


def test_build_knowledge_dictionary_names_reach_the_coder(tmp_path: Path) -> None:
    folder = tmp_path / "dicts"
    folder.mkdir()
    write(folder / "test.actors", ACTORS)
    knowledge = build_knowledge(str.split, dictionary_dirs=[folder])
    assert knowledge.lookup_name(["Freedonia"]).code == "FRD"
    assert knowledge.lookup_name(["Japan"]).code == "JPN"


def test_coder_codes_dictionary_actors(tmp_path: Path) -> None:
    folder = tmp_path / "dicts"
    folder.mkdir()
    write(folder / "test.actors", ACTORS)
    coder = Coder(dictionary_dirs=(folder,))
    story = Story(id="d", date=dt.date(2021, 3, 10), text="Ruritania condemned Freedonia on Monday.")
    events = coder.code(story)
    assert ("RUR", "FRD", "11") in {(e.source_country, e.target_country, e.root_code) for e in events}


def test_user_actor_table_with_dates(tmp_path: Path) -> None:
    table = write(tmp_path / "people.csv", "name,code,from,to\nAnna Kowalska,POLGOV,2019-01-01,2021-12-31\n"
                                           "Anna Kowalska,POLOPP,2022-01-01,\n")
    coder = Coder(actor_files=(table,))
    text = "Anna Kowalska praised Lithuania."
    early = coder.code(Story(id="a", date=dt.date(2020, 3, 1), text=text))
    late = coder.code(Story(id="b", date=dt.date(2023, 3, 1), text=text))
    assert {e.source_code for e in early} == {"POLGOV"}
    assert {e.source_code for e in late} == {"POLOPP"}


def test_user_actor_table_bad_date_names_file(tmp_path: Path) -> None:
    table = write(tmp_path / "people.csv", "name,code,from,to\nAnna Kowalska,POLGOV,last year,\n")
    with pytest.raises(ConfigError, match=r"people\.csv:2.*bad date"):
        _ = Coder(actor_files=(table,)).knowledge
