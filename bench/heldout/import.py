"""Import the held-out SNMP recordings and write their provenance.

    .venv/bin/python bench/heldout/import.py [--check]

The centreon walks are read from ``/work/shared/data/snmp-walks-centreon``
(``--centreon DIR`` to change); snmpsim-data's recordings and the two in the
snmpsim package itself from the installed packages (not copied).

Writes ``tests/fixtures/snmp/heldout/<case>.snmprec`` for the centreon walks
(``snmpwalk`` text converted by ``netsnmp_text.py``), and ``PROVENANCE.json``: per case
the source, repository, commit, path, licence, sha256 of the original file
and, for converted walks, how many records were converted and skipped.
``--check`` compares the originals' sha256 with the provenance already
written and changes nothing.
"""

from __future__ import annotations

import argparse
import bz2
import hashlib
import json
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from netsnmp_text import convert  # noqa: E402
from sources import (CENTREON, DUPLICATES, SNMPSIM_DATA, SNMPSIM_PACKAGE, centreon_case,  # noqa: E402
                     centreon_held_out, snmpsim_case)

ROOT = HERE.parent.parent
OUT = ROOT / "tests" / "fixtures" / "snmp" / "heldout"
TUNING = ROOT / "tests" / "fixtures" / "snmp" / "snmpsim"
PROVENANCE = OUT / "PROVENANCE.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_recording(case: str, data: bytes, fmt: str) -> dict:
    """The fixture file for one case, and what the conversion did."""
    from collector.snmp.walk import dump_snmprec

    OUT.mkdir(parents=True, exist_ok=True)
    target = OUT / f"{case}.snmprec"
    if fmt == "snmprec":
        target.write_bytes(data)
        return {"format": "snmprec"}
    conv = convert(data)
    dump_snmprec(conv.walk, target)
    return {"format": "snmpwalk text, converted", "records": conv.records, "skipped": len(conv.skipped),
            "skipped_examples": [f"line {n}: {why}" for n, why in conv.skipped[:3]]}


def snmpsim_data_cases() -> dict[str, dict]:
    import snmpsim_data

    base = Path(snmpsim_data.__file__).parent / "data"
    tuning = {p.stem for p in TUNING.glob("*.json")}
    out = {}
    for path in sorted(base.rglob("*.snmprec*")):
        rel = path.relative_to(base).as_posix()
        case = snmpsim_case(rel)
        if case in tuning:
            continue
        raw = path.read_bytes()
        plain = bz2.decompress(raw) if path.suffix == ".bz2" else raw
        out[case] = {**SNMPSIM_DATA, "path": rel, "sha256": sha256(raw), "sha256_uncompressed": sha256(plain),
                     "recording": rel, "copied": False}
        if case in DUPLICATES:
            out[case]["duplicate_of"] = DUPLICATES[case]
    return out


def centreon_cases(folder: Path, write: bool) -> dict[str, dict]:
    out = {}
    for path in sorted(folder.rglob("*.snmpwalk")):
        rel = path.relative_to(folder).as_posix()
        if not centreon_held_out(rel):
            continue
        case = centreon_case(rel)
        data = path.read_bytes()
        entry = {"source": "centreon-plugins test walks (Apache-2.0)", "repository": CENTREON["repository"],
                 "commit": CENTREON["commit"], "path": CENTREON["prefix"] + rel, "licence": CENTREON["licence"],
                 "sha256": sha256(data), "recording": f"{case}.snmprec", "copied": True}
        if write:
            entry.update(write_recording(case, data, "snmpwalk"))
        out[case] = entry
    return out


def snmpsim_package_cases() -> dict[str, dict]:
    import snmpsim

    base = Path(snmpsim.__file__).parent / "data"
    out = {}
    for rel, case in SNMPSIM_PACKAGE["files"]:
        raw = (base / rel).read_bytes()
        out[case] = {k: v for k, v in SNMPSIM_PACKAGE.items() if k != "files"}
        out[case].update({"path": rel, "sha256": sha256(raw), "recording": rel, "copied": False})
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--centreon", type=Path, default=Path("/work/shared/data/snmp-walks-centreon"))
    ap.add_argument("--check", action="store_true", help="only compare sha256 with PROVENANCE.json")
    args = ap.parse_args()
    if not args.centreon.is_dir():
        print(f"import: no centreon walks at {args.centreon}", file=sys.stderr)
        return 2
    cases = {**snmpsim_data_cases(), **centreon_cases(args.centreon, not args.check),
             **snmpsim_package_cases()}
    if args.check:
        known = json.loads(PROVENANCE.read_text())["cases"]
        bad = [c for c, e in cases.items() if c not in known or known[c]["sha256"] != e["sha256"]]
        print(f"{len(cases)} originals, {len(bad)} differ from PROVENANCE.json" + (f": {bad}" if bad else ""))
        return 1 if bad else 0
    doc = {"$comment": "Held-out SNMP recordings: where each came from (bench/heldout/import.py writes this). "
                       "Never tune identification on them.", "cases": cases}
    PROVENANCE.write_text(json.dumps(doc, indent=1, sort_keys=True) + "\n")
    copied = sum(1 for e in cases.values() if e["copied"])
    print(f"{len(cases)} held-out recordings ({copied} copied into {OUT.relative_to(ROOT)}, "
          f"{len(cases) - copied} read from the snmpsim-data and snmpsim packages); provenance in {PROVENANCE.name}")
    return 0


if __name__ == "__main__":
    os.chdir(ROOT)
    sys.exit(main())
