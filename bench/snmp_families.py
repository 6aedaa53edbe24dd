"""Count the SNMP definition files and the device families they cover, as
the README states them: a file is one family, or as many as the distinct
makers its vendor rules name (files that cover several makers by
enterprise number, e.g. printer/office-printer-vendors.yaml).

    .venv/bin/python bench/snmp_families.py
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import yaml

DEFS = Path(__file__).resolve().parent.parent / "collector" / "snmp" / "defs"


def makers(d: dict) -> set[str]:
    names = {d["vendor"]} if d.get("vendor") else set()
    for rule in (d.get("fields") or {}).get("vendor") or []:
        if isinstance(rule, str):
            names.add(rule)
        elif isinstance(rule, dict):
            table = rule.get("map")
            if isinstance(table, dict):
                names.update(str(v) for v in table.values())
            elif isinstance(table, list):
                names.update(str(pair[1]) for pair in table)
            if rule.get("value"):
                names.add(str(rule["value"]))
    return names


def main() -> None:
    files, families, areas = 0, 0, Counter()
    for path in sorted(DEFS.glob("*/*.yaml")):
        d = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        files += 1
        n = max(1, len(makers(d)))
        families += n
        areas[path.parent.name] += n
    print(f"{files} definition files, {families} families")
    for area, n in areas.most_common():
        print(f"  {area:10} {n}")


if __name__ == "__main__":
    main()
