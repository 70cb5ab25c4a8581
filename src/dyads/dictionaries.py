"""Load TABARI/PETRARCH actor and agent dictionaries into the coder's Knowledge.

Formats (see the validation dictionaries that ship with those coders):
    actors:  `NAME_WITH_UNDERSCORES [CODE]` or `NAME [CODE 950101-991231]`, date-restricted codes in
             further brackets; lines starting with `#`, `<!--` or `;` comments are skipped; a line starting
             with `+` adds a synonym for the entry above.
    agents:  `NOUN_PHRASE [~SECTOR]` (the `~` marks a sector to append to a country code); `!NAME! = A, B`
             substitution sets are expanded.
Names are matched case-insensitively, underscores standing for spaces.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from dyads.errors import ConfigError
from dyads.lexicons import DICTIONARY, GazetteerEntry, Knowledge, Period

_CODE_BLOCK = re.compile(r"\[([^\]]*)\]")
_ACTOR_CODE = re.compile(r"(?:[A-Z0-9]{3}|---)(?:[A-Z0-9]{3})*")
_SUBST = re.compile(r"^!(\w+)!\s*=\s*(.+)$")


def _clean_name(raw: str) -> list[str]:
    name = raw.strip().rstrip("_").replace("_", " ")
    name = re.sub(r"\{[^}]*\}", "", name).strip()
    return [w for w in name.split() if w]


def _two_digit_date(text: str) -> dt.date:
    """TABARI/PETRARCH YYMMDD: 50-99 are 19xx, 00-49 are 20xx."""
    year = int(text[:2])
    return dt.date(1900 + year if year >= 50 else 2000 + year, int(text[2:4]), int(text[4:6]))


def _codes(blocks: list[str]) -> tuple[str, tuple[Period, ...]]:
    """The undated code and the date-bounded codes of an actor line: `[USAGOV 450703-470121]`,
    `[USAGOV <011214]` (until), `[USAGOV >011214]` (from)."""
    undated = ""
    periods: list[Period] = []
    for block in blocks:
        parts = block.split()
        if not parts:
            continue
        code = parts[0].upper().lstrip("~")
        if len(parts) == 1:
            undated = undated or code
            continue
        span = parts[1]
        try:
            if span.startswith("<"):
                periods.append((code, None, _two_digit_date(span[1:])))
            elif span.startswith(">"):
                periods.append((code, _two_digit_date(span[1:]), None))
            else:
                start, end = span.split("-")
                periods.append((code, _two_digit_date(start), _two_digit_date(end)))
        except ValueError as exc:
            raise ValueError(f"bad date range {span!r}") from exc
    if not undated:
        undated = "---" if periods else ""
    return undated, tuple(periods)


def _problem(message: str, *, strict: bool, knowledge: Knowledge) -> None:
    if strict:
        raise ConfigError(message)
    knowledge.warnings.append(message)


def load_actor_file(knowledge: Knowledge, path: Path, *, strict: bool = True) -> int:
    """Add the names of a TABARI/PETRARCH `.actors` file; returns how many were added. A malformed line
    raises ConfigError naming file and line (strict), or is skipped with a warning."""
    added = 0
    last_code = ""
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read dictionary: {exc}") from exc
    for line_no, line in enumerate(lines, start=1):
        text = line.split(";")[0].split("#")[0].strip()
        if not text or text.startswith("<") or text.startswith("-->"):
            continue
        if text.startswith("+"):
            if last_code:
                words = _clean_name(text[1:])
                knowledge.add_name(words, GazetteerEntry(last_code, DICTIONARY, " ".join(words)), fold_case=True)
                added += 1
            continue
        blocks = _CODE_BLOCK.findall(text)
        name = _CODE_BLOCK.sub("", text)
        words = _clean_name(name)
        if not words:
            continue
        if not blocks:
            continue
        try:
            code, periods = _codes(blocks)
        except ValueError as exc:
            _problem(f"{path}:{line_no}: {exc}", strict=strict, knowledge=knowledge)
            continue
        bad = [c for c in [code, *(p[0] for p in periods)] if not _ACTOR_CODE.fullmatch(c)]
        if bad:
            _problem(f"{path}:{line_no}: bad actor code {bad[0]!r}", strict=strict, knowledge=knowledge)
            continue
        last_code = code
        entry = GazetteerEntry(code, DICTIONARY, " ".join(words), periods)
        knowledge.add_name(words, entry, fold_case=True)
        added += 1
    return added


def load_agent_file(knowledge: Knowledge, path: Path, *, strict: bool = True) -> int:
    """Add the sector nouns of a TABARI/PETRARCH `.agents` file; returns how many were added."""
    substitutions: dict[str, list[str]] = {}
    added = 0
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    for line_no, line in enumerate(lines, start=1):
        text = line.split(";")[0].split("#")[0].strip()
        if not text or text.startswith("<"):
            continue
        subst = _SUBST.match(text)
        if subst:
            substitutions[subst.group(1)] = [w.strip().lower() for w in subst.group(2).split(",") if w.strip()]
            continue
        blocks = _CODE_BLOCK.findall(text)
        if not blocks:
            continue
        sector = blocks[0].strip().lstrip("~").strip()[:3].upper()
        if not re.fullmatch(r"[A-Z]{3}", sector):
            _problem(f"{path}:{line_no}: bad agent code {blocks[0]!r}", strict=strict, knowledge=knowledge)
            continue
        name = _CODE_BLOCK.sub("", text)
        variants = [name]
        for key, values in substitutions.items():
            marker = f"!{key}!"
            if marker in name:
                variants = [v.replace(marker, f" {value} ") for v in variants for value in values]
        for variant in variants:
            words = [w.lower() for w in _clean_name(variant)]
            if words:
                knowledge.add_sector(words, sector)
                added += 1
    return added


def load_dictionary_dir(knowledge: Knowledge, directory: Path, *, strict: bool = True) -> None:
    """Load every actors/agents dictionary in a directory (by file name)."""
    if not directory.is_dir():
        raise ConfigError(f"{directory}: not a directory of dictionaries")
    for path in sorted(directory.iterdir()):
        lower = path.name.lower()
        if "agent" in lower:
            load_agent_file(knowledge, path, strict=strict)
        elif "actor" in lower:
            load_actor_file(knowledge, path, strict=strict)
