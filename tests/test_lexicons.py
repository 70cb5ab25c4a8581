"""The coder's resource files: every code in them is real, they load, and bad user files are named."""

from __future__ import annotations

import csv
import importlib
from importlib import resources
from pathlib import Path

import pytest
import yaml

import dyads
from dyads.errors import ConfigError
from dyads.lexicons import Knowledge, build_knowledge
from dyads.model import ActorCode
from dyads.ontology import is_event_code

# first slots that are not countries (CODING-RULES; organizations.yaml header)
NON_STATE_SLOTS = {"IGO", "NGO", "IMG", "---"}


def resource(name: str):
    return yaml.safe_load(resources.files("dyads").joinpath(f"resources/{name}").read_text(encoding="utf-8"))


def reference_codes(shared: Path, name: str) -> set[str]:
    with (shared / "reference" / name).open(encoding="utf-8", newline="") as handle:
        return {row["code"] for row in csv.DictReader(handle)}


EVENT_ENTRIES = resource("events.yaml")
COUNTRIES = resource("countries.yaml")
ORGANIZATIONS = resource("organizations.yaml")
SECTORS = resource("sectors.yaml")


@pytest.mark.parametrize("entry", EVENT_ENTRIES, ids=lambda e: str(e.get("code")))
def test_events_yaml_code_exists_in_ontology(entry: dict) -> None:
    assert is_event_code(str(entry["code"]))
    assert entry.get("verbs") or entry.get("nouns"), "an event entry without triggers codes nothing"


@pytest.mark.parametrize("sector", sorted(SECTORS))
def test_sectors_yaml_code_is_a_cameo_actor_type(shared_dir: Path, sector: str) -> None:
    assert sector in reference_codes(shared_dir, "cameo_actor_types.csv")


@pytest.mark.parametrize("entry", COUNTRIES, ids=lambda e: str(e.get("code")))
def test_countries_yaml_code_is_a_cameo_country(shared_dir: Path, entry: dict) -> None:
    code = str(entry["code"])
    ActorCode(code)
    assert code in reference_codes(shared_dir, "cameo_country_codes.csv")
    assert entry.get("names"), "a country needs at least one name"


@pytest.mark.parametrize("entry", ORGANIZATIONS, ids=lambda e: str(e.get("code")))
def test_organizations_yaml_code_is_cameo_style(shared_dir: Path, entry: dict) -> None:
    code = str(entry["code"])
    ActorCode(code)
    slots = [code[i:i + 3] for i in range(0, len(code), 3)]
    countries = reference_codes(shared_dir, "cameo_country_codes.csv")
    roles = reference_codes(shared_dir, "cameo_actor_types.csv") | reference_codes(
        shared_dir, "cameo_known_groups.csv")
    assert slots[0] in countries | NON_STATE_SLOTS
    assert all(slot in roles for slot in slots[1:]), f"{code}: unknown sector or group slot"


def test_resource_names_are_unique_across_organizations() -> None:
    seen: dict[str, str] = {}
    for entry in ORGANIZATIONS:
        for name in entry.get("names") or []:
            assert seen.setdefault(name, entry["code"]) == entry["code"], f"{name!r} under two codes"


def test_default_knowledge_loads_every_resource(knowledge: Knowledge) -> None:
    assert len(knowledge.country_names) == len(COUNTRIES)
    assert {entry.code for entry in knowledge.gazetteer.values()} >= {str(e["code"]) for e in ORGANIZATIONS}
    assert set(knowledge.sectors.values()) == set(SECTORS)
    coded = {p.code for patterns in knowledge.verbs.values() for p in patterns}
    coded |= {p.code for patterns in knowledge.nouns.values() for p in patterns}
    assert coded == {str(e["code"]) for e in EVENT_ENTRIES}


@pytest.mark.parametrize(
    ("option", "content"),
    [
        ("actor_files", "- code: Ruritania\n  names: [Ruritania]\n"),
        ("actor_files", "countries:\n  - code: rur\n    names: [Ruritania]\n"),
        ("actor_files", "- names: [Ruritanian Army]\n"),
        ("actor_files", "sectors:\n  government: [palace]\n"),
        ("actor_files", "- code: IGO\n  names: [[nested]]\n"),
        ("actor_files", "- code: [unclosed\n"),
        ("lexicon_files", '- code: "999"\n  verbs: [frobnicate]\n'),
        ("lexicon_files", "- verbs: [frobnicate]\n"),
        ("lexicon_files", "code: '042'\n"),
    ],
    ids=["bad-org-code", "bad-country-code", "no-code", "bad-sector", "names-not-strings", "broken-yaml",
         "unknown-event-code", "event-without-code", "not-a-list"],
)
def test_user_file_with_bad_entry_raises_config_error_naming_file(tmp_path: Path, option: str,
                                                                    content: str) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError, match="mine.yaml"):
        build_knowledge(str.split, **{option: [path]})


def test_user_actor_file_adds_names_that_win(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text("countries:\n  - code: RUR\n    names: [Ruritania]\n    capitals: [Strelsau]\n"
                    "organizations:\n  - code: IGOUNO\n    names: [Concert of Nations]\n", encoding="utf-8")
    knowledge = build_knowledge(str.split, actor_files=[path])
    assert knowledge.lookup_name(["Strelsau"]).code == "RURGOV"
    assert knowledge.lookup_name(["Ruritania"]).code == "RUR"
    assert knowledge.lookup_name(["Concert", "of", "Nations"]).code == "IGOUNO"


@pytest.mark.parametrize("name", dyads.__all__)
def test_package_all_names_are_importable(name: str) -> None:
    assert getattr(importlib.import_module("dyads"), name) is not None
