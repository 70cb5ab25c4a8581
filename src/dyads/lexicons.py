"""Load and validate the coder's knowledge files (resources/*.yaml, formats in resources/README.md).

Reads: countries.yaml, sectors.yaml, organizations.yaml, events.yaml (plus user files in the same
formats, and TABARI/PETRARCH dictionaries through `dyads.dictionaries`).
Adds: a `Knowledge` object with a gazetteer (token sequence -> actor code), sector phrases and the
event lexicon, ready for fast lookup.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from dyads.errors import ConfigError
from dyads.model import ActorCode
from dyads.ontology import is_event_code

# kinds of gazetteer entries
NAME, ADJECTIVE, CAPITAL, GOVERNMENT, CITY, ORGANIZATION, DICTIONARY = (
    "name", "adjective", "capital", "government", "city", "organization", "dictionary")


@lru_cache(maxsize=1 << 16)
def fold_word(word: str) -> str:
    """A crude singular, lower-case form used on both sides of sector matching
    ("Ministers" -> "minister", "parties" -> "party"), robust to the lemmatizer's context effects."""
    word = word.lower()
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    if (len(word) > 4 or word == "men") and word.endswith("men") and word not in ("specimen", "regimen", "abdomen"):
        return word[:-3] + "man"  # "gunmen", "policemen", "spokesmen"
    return word


Period = tuple[str, dt.date | None, dt.date | None]  # (code, first day, last day); None = open


@dataclass(frozen=True)
class GazetteerEntry:
    """A name's actor code; `periods` give date-bounded codes (a person's office), `code` applies
    outside them ("---" = not an actor then)."""

    code: str
    kind: str
    name: str  # canonical readable name
    periods: tuple[Period, ...] = ()

    def code_on(self, day: dt.date | None) -> str:
        if day is not None:
            for code, first, last in self.periods:
                if (first is None or day >= first) and (last is None or day <= last):
                    return code
        return self.code


@dataclass(frozen=True)
class VerbPattern:
    code: str
    verb: str
    words: tuple[str, ...]  # further lemmas required among the verb's dependents ("*" = any)
    reciprocal: bool

    @property
    def specificity(self) -> tuple[int, int, int]:
        # an object noun says more than a preposition: "fly doses to X" is a delivery, not "fly to"
        content = sum(1 for w in self.words if w not in FUNCTION_WORDS)
        return (len(self.words), content, len(self.code))


FUNCTION_WORDS = {"to", "in", "on", "at", "with", "for", "from", "of", "into", "onto", "against", "about", "over",
                  "up", "down", "out", "off", "back", "away", "by", "through", "across", "upon", "under", "*", "@", "&"}


@dataclass(frozen=True)
class NounPattern:
    code: str
    noun: str
    modifiers: tuple[str, ...]  # lemmas of compound/amod words required before the noun
    reciprocal: bool

    @property
    def specificity(self) -> tuple[int, int]:
        return (len(self.modifiers), len(self.code))


@dataclass
class Knowledge:
    """Everything the coder looks up, indexed for speed."""

    gazetteer: dict[tuple[str, ...], GazetteerEntry] = field(default_factory=dict)
    gazetteer_folded: dict[tuple[str, ...], GazetteerEntry] = field(default_factory=dict)  # lower-cased keys
    max_name_tokens: int = 1
    first_words: set[str] = field(default_factory=set)  # lower-cased first words of names: a quick "no"
    sectors: dict[tuple[str, ...], str] = field(default_factory=dict)
    max_sector_tokens: int = 1
    verbs: dict[str, list[VerbPattern]] = field(default_factory=lambda: defaultdict(list))
    nouns: dict[str, list[NounPattern]] = field(default_factory=lambda: defaultdict(list))
    country_names: dict[str, str] = field(default_factory=dict)  # code -> readable name
    warnings: list[str] = field(default_factory=list)  # skipped lines of lenient dictionary loads

    def add_name(self, tokens: Sequence[str], entry: GazetteerEntry, *, fold_case: bool = False) -> None:
        """Add a name. The first entry for a name wins, except that dated entries for the same name
        merge their periods (a person's successive offices)."""
        key = tuple(tokens)
        if not key:
            return
        keys = [(self.gazetteer_folded, tuple(t.lower() for t in key))] if fold_case else [
            (self.gazetteer, key), (self.gazetteer, tuple(t.upper() for t in key))]
        for table, name in keys:
            known = table.get(name)
            if known is None:
                table[name] = entry
            elif entry.periods and known.code == "---":
                table[name] = GazetteerEntry(known.code, known.kind, known.name, known.periods + entry.periods)
        self.max_name_tokens = max(self.max_name_tokens, len(key))
        self.first_words.add(key[0].lower())

    def add_sector(self, phrase: Sequence[str], sector: str) -> None:
        key = tuple(fold_word(w) for w in phrase)
        self.sectors.setdefault(key, sector)
        self.max_sector_tokens = max(self.max_sector_tokens, len(key))

    def lookup_name(self, tokens: Sequence[str]) -> GazetteerEntry | None:
        key = tuple(tokens)
        entry = self.gazetteer.get(key)
        if entry is None and self.gazetteer_folded:
            entry = self.gazetteer_folded.get(tuple(t.lower() for t in key))
        return entry


def _read_yaml(path: Path | str, text: str | None = None) -> Any:
    try:
        raw = text if text is not None else Path(path).read_text(encoding="utf-8")
        return yaml.safe_load(raw)
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read YAML: {exc}") from exc


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: expected a list of strings")
    return [v.strip() for v in value if v.strip()]


def _check_actor(code: str, where: str) -> str:
    try:
        ActorCode(code)
    except ValueError as exc:
        raise ConfigError(f"{where}: {exc}") from exc
    return code


Tokenizer = Callable[[str], list[str]]


def add_countries(knowledge: Knowledge, data: Any, origin: str, tokenize: Tokenizer) -> None:
    if not isinstance(data, list):
        raise ConfigError(f"{origin}: expected a list of countries")
    for index, item in enumerate(data):
        where = f"{origin} entry {index + 1}"
        if not isinstance(item, dict) or "code" not in item:
            raise ConfigError(f"{where}: each country needs a code")
        code = _check_actor(str(item["code"]), where)
        names = _strings(item.get("names"), where)
        knowledge.country_names.setdefault(code, names[0] if names else code)
        readable = knowledge.country_names[code]
        for kind, key in ((NAME, "names"), (ADJECTIVE, "adjectives"), (CAPITAL, "capitals"),
                          (GOVERNMENT, "government"), (CITY, "cities")):
            for text in _strings(item.get(key), where):
                entry_code = code + "GOV" if kind in (CAPITAL, GOVERNMENT) else code
                knowledge.add_name(tokenize(text), GazetteerEntry(entry_code, kind, readable))


def add_organizations(knowledge: Knowledge, data: Any, origin: str, tokenize: Tokenizer) -> None:
    if not isinstance(data, list):
        raise ConfigError(f"{origin}: expected a list of organizations")
    for index, item in enumerate(data):
        where = f"{origin} entry {index + 1}"
        if not isinstance(item, dict) or "code" not in item:
            raise ConfigError(f"{where}: each organization needs a code")
        code = _check_actor(str(item["code"]), where)
        names = _strings(item.get("names"), where)
        first, last = _date(item.get("from"), where), _date(item.get("to"), where)
        for text in names:
            if first or last:  # a dated role: the name is this actor only within the dates
                entry = GazetteerEntry("---", DICTIONARY, names[0], ((code, first, last),))
                knowledge.add_name(tokenize(text), entry)
            else:
                knowledge.add_name(tokenize(text), GazetteerEntry(code, ORGANIZATION, names[0]))


def _date(value: Any, where: str) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise ConfigError(f"{where}: bad date {value!r}: use YYYY-MM-DD") from exc


def add_actor_table(knowledge: Knowledge, path: Path, tokenize: Tokenizer) -> None:
    """A CSV of actors: columns name, code, and optional from, to (YYYY-MM-DD)."""
    try:
        rows = list(csv.DictReader(path.read_text(encoding="utf-8").splitlines()))
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read actor table: {exc}") from exc
    for line_no, row in enumerate(rows, start=2):
        where = f"{path}:{line_no}"
        if not row.get("name") or not row.get("code"):
            raise ConfigError(f"{where}: each row needs a name and a code")
        item = {"code": row["code"].strip(), "names": [row["name"]], "from": row.get("from"), "to": row.get("to")}
        add_organizations(knowledge, [item], where, tokenize)


def add_sectors(knowledge: Knowledge, data: Any, origin: str, tokenize: Tokenizer) -> None:
    if not isinstance(data, dict):
        raise ConfigError(f"{origin}: expected a mapping from sector code to phrases")
    for sector, phrases in data.items():
        if not isinstance(sector, str) or len(sector) != 3 or not sector.isupper():
            raise ConfigError(f"{origin}: bad sector code {sector!r}")
        for phrase in _strings(phrases, f"{origin} sector {sector}"):
            knowledge.add_sector(tokenize(phrase), sector)


def add_events(knowledge: Knowledge, data: Any, origin: str) -> None:
    if not isinstance(data, list):
        raise ConfigError(f"{origin}: expected a list of event entries")
    for index, item in enumerate(data):
        where = f"{origin} entry {index + 1}"
        if not isinstance(item, dict) or "code" not in item:
            raise ConfigError(f"{where}: each entry needs a code")
        code = str(item["code"])
        if not is_event_code(code):
            raise ConfigError(f"{where}: unknown CAMEO code {code!r}")
        reciprocal = bool(item.get("reciprocal", False))
        for pattern in _strings(item.get("verbs"), where):
            words = pattern.lower().split()
            knowledge.verbs[words[0]].append(VerbPattern(code, words[0], tuple(words[1:]), reciprocal))
        for pattern in _strings(item.get("nouns"), where):
            words = pattern.lower().split()
            knowledge.nouns[words[-1]].append(NounPattern(code, words[-1], tuple(words[:-1]), reciprocal))
    for table in (knowledge.verbs, knowledge.nouns):
        for patterns in table.values():
            patterns.sort(key=lambda p: p.specificity, reverse=True)


def _resource_text(name: str) -> str:
    return resources.files("dyads").joinpath(f"resources/{name}").read_text(encoding="utf-8")


def build_knowledge(
    tokenize: Tokenizer,
    *,
    actor_files: Iterable[Path] = (),
    lexicon_files: Iterable[Path] = (),
    dictionary_dirs: Iterable[Path] = (),
    strict_dictionaries: bool = True,
) -> Knowledge:
    """The project's knowledge plus the user's own files. User entries come first, so they win."""
    from dyads.dictionaries import load_dictionary_dir  # local: only needed with dictionaries

    knowledge = Knowledge()
    for directory in dictionary_dirs:
        load_dictionary_dir(knowledge, Path(directory), strict=strict_dictionaries)
    for path in actor_files:
        if Path(path).suffix.lower() == ".csv":
            add_actor_table(knowledge, Path(path), tokenize)
            continue
        data = _read_yaml(path)
        if isinstance(data, dict):
            add_countries(knowledge, data.get("countries", []), str(path), tokenize)
            add_organizations(knowledge, data.get("organizations", []), str(path), tokenize)
            add_sectors(knowledge, data.get("sectors", {}), str(path), tokenize)
        else:
            add_organizations(knowledge, data, str(path), tokenize)
    add_organizations(knowledge, _read_yaml("organizations.yaml", _resource_text("organizations.yaml")),
                      "organizations.yaml", tokenize)
    add_organizations(knowledge, _read_yaml("persons.yaml", _resource_text("persons.yaml")), "persons.yaml", tokenize)
    add_countries(knowledge, _read_yaml("countries.yaml", _resource_text("countries.yaml")),
                  "countries.yaml", tokenize)
    for path in lexicon_files:
        add_events(knowledge, _read_yaml(path), str(path))
    add_sectors(knowledge, _read_yaml("sectors.yaml", _resource_text("sectors.yaml")), "sectors.yaml", tokenize)
    add_events(knowledge, _read_yaml("events.yaml", _resource_text("events.yaml")), "events.yaml")
    return knowledge


@lru_cache(maxsize=1)
def default_knowledge() -> Knowledge:
    from dyads.nlp import tokenize_words

    return build_knowledge(tokenize_words)
