"""The CAMEO ontology: event codes with names, Goldstein scores, quad classes and PLOVER types.

Reads `resources/cameo_codes.csv` once and validates it. Also knows the intent code that corresponds to
an action code ("will provide aid" 071 -> 0331) and the PLOVER name changes between versions.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from dyads.errors import ConfigError

QUAD_NAMES = {1: "verbal cooperation", 2: "material cooperation", 3: "verbal conflict", 4: "material conflict"}
PLOVER_RENAMES = {"DEMAND": "REQUEST", "DISAPPROVE": "ACCUSE", "INVESTIGATE": "ACCUSE", "FIGHT": "ASSAULT"}

# Action code (prefix) -> the intent code that states it as a commitment. Longest prefix wins.
_INTENT_OF = {
    "04": "036", "045": "039", "05": "032", "06": "031", "061": "0311", "062": "0312", "063": "0313", "064": "0314",
    "07": "033", "071": "0331", "072": "0332", "073": "0333", "074": "0334",
    "08": "035", "081": "0351", "082": "0352", "0841": "0353", "084": "0353", "085": "0354", "086": "0355",
    "087": "0356", "083": "034", "057": "030", "03": "",
    "16": "131", "161": "1313", "162": "1311", "163": "1312", "166": "1313",
    "17": "137", "171": "137", "172": "132", "173": "137", "174": "137", "175": "137",
    "18": "138", "181": "1383", "183": "1383", "19": "138", "190": "138", "191": "1381", "192": "1382",
    "193": "1384", "194": "1384", "195": "1384", "20": "1385", "14": "133", "15": "138",
}


# Action code (prefix) -> the appeal that asks someone else to take it ("urged X to release" -> 0253).
_APPEAL_OF = {
    "04": "026", "045": "028", "046": "026", "05": "022", "057": "027", "06": "021", "061": "0211",
    "062": "0212", "063": "0213", "064": "0214", "07": "023", "071": "0231", "072": "0232", "073": "0233",
    "074": "0234", "075": "0234", "08": "025", "081": "0251", "082": "0252", "083": "024", "084": "0253",
    "085": "0254", "086": "0255", "087": "0256", "03": "020",
}


# Action code (prefix) -> the refusal of it ("would not withdraw" 087 -> 1246). Longest prefix wins.
_REFUSAL_OF = {
    "03": "120", "04": "125", "036": "125", "045": "126", "057": "127", "05": "120", "06": "121", "061": "1211",
    "062": "1212", "063": "1213", "064": "1214", "07": "122", "071": "1221", "072": "1222", "073": "1223",
    "074": "1224", "08": "124", "081": "1241", "082": "1242", "083": "123", "0831": "1231", "0832": "1232",
    "0833": "1233", "0834": "1234", "084": "1243", "085": "1244", "086": "1245", "087": "1246",
}


@dataclass(frozen=True)
class EventType:
    """One CAMEO event code and what it means."""

    code: str
    name: str
    goldstein: float
    quad_class: int
    root: str
    plover_type: str  # "NONE" where PLOVER drops the code
    plover_mode: str


@lru_cache(maxsize=1)
def event_types() -> dict[str, EventType]:
    """All CAMEO event codes, keyed by code."""
    table: dict[str, EventType] = {}
    text = resources.files("dyads").joinpath("resources/cameo_codes.csv").read_text(encoding="utf-8")
    for line_no, row in enumerate(csv.DictReader(text.splitlines()), start=2):
        try:
            entry = EventType(
                code=row["code"], name=row["name"], goldstein=float(row["goldstein"]),
                quad_class=int(row["quad_class"]), root=row["root"], plover_type=row["plover_type"],
                plover_mode=row["plover_mode"],
            )
        except (KeyError, ValueError) as exc:
            raise ConfigError(f"cameo_codes.csv line {line_no}: {exc}") from exc
        if entry.quad_class not in QUAD_NAMES or not entry.code.startswith(entry.root):
            raise ConfigError(f"cameo_codes.csv line {line_no}: inconsistent row for {entry.code}")
        table[entry.code] = entry
    return table


def event_type(code: str) -> EventType:
    """The EventType of a code; raises KeyError for unknown codes."""
    return event_types()[code]


def is_event_code(code: str) -> bool:
    return code in event_types()


def _longest_prefix(table: dict[str, str], code: str) -> str | None:
    """The table's value for the longest prefix of the code it lists (4, 3 then 2 digits)."""
    for length in (4, 3, 2):
        found = table.get(code[:length])
        if found is not None:
            return found
    return None


def intent_code(code: str) -> str:
    """The 'express intent' code for an action code, or "" when the code has none."""
    if code.startswith("03") or code.startswith("13"):
        return code
    intent = _longest_prefix(_INTENT_OF, code)
    if intent is not None:
        return intent
    return "030" if event_type(code).quad_class <= 2 else ""


def appeal_code(code: str) -> str:
    """The 'appeal for' code asking for an action code, or "" when CAMEO has none."""
    return _longest_prefix(_APPEAL_OF, code) or ""


def refusal_code(code: str) -> str:
    """The 'reject / refuse to' code for a cooperative action code, or "" when CAMEO has none."""
    return _longest_prefix(_REFUSAL_OF, code) or ""


def quad_class_of(code: str) -> int:
    return event_type(code).quad_class


def pentaclass_of(code: str) -> str:
    """The 5-class label used by sentence-classification sets (ConfliBERT's CAMEO classes). Roots 01-02
    (statements, appeals) are "0"; 03-05 (words of cooperation) "1"; 06-08 (deeds of cooperation) "2";
    09-13 plus 16 "3" (words of conflict; the labelled set puts sanctions, expulsions and aid cut off, root 16,
    there rather than with force); 14, 15 and 17-20 "4" (deeds of conflict)."""
    root = int(code[:2])
    if root <= 2:
        return "0"
    if root <= 5:
        return "1"
    if root <= 8:
        return "2"
    if root <= 13 or root == 16:
        return "3"
    return "4"


def normalise_plover(name: str) -> str:
    name = name.strip().upper()
    return PLOVER_RENAMES.get(name, name)
