"""Merge a lexicon file of additions into src/dyads/resources/events.yaml, inside each root's section.

Patterns already present anywhere in the lexicon are skipped (no pattern under two codes).
Usage: python tools/merge_lexicon.py ADDITIONS.yaml
"""

import sys
from pathlib import Path

import yaml

LEXICON = Path(__file__).resolve().parents[1] / "src/dyads/resources/events.yaml"


def flow(items: list[str]) -> str:
    return "[" + ", ".join(f'"{item}"' for item in items) + "]"


def main(additions_path: str) -> None:
    lines = LEXICON.read_text(encoding="utf-8").splitlines()
    existing = yaml.safe_load("\n".join(lines))
    seen = {(kind, p) for entry in existing for kind in ("verbs", "nouns") for p in entry.get(kind) or []}
    additions = yaml.safe_load(Path(additions_path).read_text(encoding="utf-8"))
    by_root: dict[str, list[str]] = {}
    added = 0
    for entry in additions:
        block = [f'- code: "{entry["code"]}"']
        for kind in ("verbs", "nouns"):
            fresh = [p for p in entry.get(kind) or [] if (kind, p) not in seen]
            seen.update((kind, p) for p in fresh)
            if fresh:
                block.append(f"  {kind}: {flow(fresh)}")
                added += len(fresh)
        if entry.get("reciprocal"):
            block.append("  reciprocal: true")
        if len(block) > 1 + bool(entry.get("reciprocal")):
            by_root.setdefault(str(entry["code"])[:2], []).extend(block)
    out: list[str] = []
    current = None
    for line in lines + ["# ---- end"]:
        if line.startswith("# ---- "):
            if current in by_root:
                out.extend(by_root.pop(current))
                out.append("")
            current = line[7:9]
        if line != "# ---- end":
            out.append(line)
    for blocks in by_root.values():
        out.extend(blocks)
    LEXICON.write_text("\n".join(out).rstrip() + "\n", encoding="utf-8")
    print(f"added {added} patterns")


if __name__ == "__main__":
    main(sys.argv[1])
