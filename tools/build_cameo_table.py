"""Regenerate src/dyads/resources/cameo_codes.csv from the reference facts in ../shared/reference.

Run by hand when the reference changes: python tools/build_cameo_table.py ../shared/reference
The output is the project's own compact table (code, name, Goldstein, quad class, root, PLOVER type/mode).
"""

import csv
import sys
from pathlib import Path


def main(reference: Path, out: Path) -> None:
    rows = list(csv.DictReader((reference / "cameo_event_codes.csv").open(encoding="utf-8")))
    with out.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["code", "name", "goldstein", "quad_class", "root", "plover_type", "plover_mode"])
        for row in rows:
            plover = row["plover_event_2021"].strip()
            plover_type = "NONE" if plover in ("", "(dropped)") else plover.split("|")[0]
            name = (row["name_cameo_codebook"] or row["name"]).strip()
            writer.writerow([row["code"], name, row["goldstein"], row["quad_class"], row["root_code"],
                             plover_type, row["plover_mode_2021"].strip()])


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parents[1] / "src/dyads/resources/cameo_codes.csv")
