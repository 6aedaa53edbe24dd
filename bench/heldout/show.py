"""Print what a recording says about the device, for a person labelling it.

    .venv/bin/python bench/heldout/show.py CASE|FILE ... [--strings N]

Deliberately independent of the project's identification code: it only
reads the recording and prints raw objects (system group, ENTITY-MIB
physical rows, HOST-RESOURCES devices and release packages, Printer-MIB,
UPS-MIB identity, LLDP local system, and the first string values under each
enterprise subtree), so a label is decided from the recording, not from
what the collector thinks.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from collector.snmp.walk import Walk, display, load_snmprec, oid_key

ROOT = Path(__file__).resolve().parent.parent.parent
HELDOUT = ROOT / "tests" / "fixtures" / "snmp" / "heldout"
ENT = "1.3.6.1.2.1.47.1.1.1.1"
ENT_COLS = {2: "descr", 3: "vendorType", 4: "containedIn", 5: "class", 7: "name", 8: "hwRev", 9: "fwRev",
            10: "swRev", 11: "serial", 12: "mfgName", 13: "model"}
RELEASE_PKG = re.compile(r"(release|base-files|lsb|os-release|kernel-\d|linux-image)", re.I)


def resolve(name: str) -> Path:
    path = Path(name)
    if path.exists():
        return path
    prov = json.loads((HELDOUT / "PROVENANCE.json").read_text())["cases"]
    if name in prov and not prov[name]["copied"]:
        import snmpsim_data

        return Path(snmpsim_data.__file__).parent / "data" / prov[name]["recording"]
    return HELDOUT / f"{name}.snmprec"


def text(walk: Walk, oid: str) -> str | None:
    item = walk.data.get(oid)
    return display(item) if item else None


def entity_rows(walk: Walk) -> list[str]:
    rows: dict[str, dict[str, str]] = {}
    for suffix, item in walk.subtree(ENT):
        col, _, index = suffix.partition(".")
        if col.isdigit() and int(col) in ENT_COLS:
            value = display(item)
            if value:
                rows.setdefault(index, {})[ENT_COLS[int(col)]] = value
    out = []
    for index in sorted(rows, key=oid_key)[:12]:
        row = rows[index]
        if row.get("class") in ("3", "11", "9", "10") or any(row.get(k) for k in ("serial", "model", "mfgName")):
            out.append(f"  ENT[{index}] " + " | ".join(f"{k}={v[:70]}" for k, v in row.items()
                                                     if k not in ("vendorType", "containedIn")))
    return out


def show(name: str, strings: int) -> str:
    walk = load_snmprec(resolve(name))
    lines = [f"=== {name} ({len(walk)} values)"]
    for label, oid in (("sysDescr", "1.3.6.1.2.1.1.1.0"), ("sysObjectID", "1.3.6.1.2.1.1.2.0"),
                       ("sysName", "1.3.6.1.2.1.1.5.0"), ("sysContact", "1.3.6.1.2.1.1.4.0"),
                       ("sysLocation", "1.3.6.1.2.1.1.6.0"), ("sysServices", "1.3.6.1.2.1.1.7.0")):
        value = text(walk, oid)
        if value:
            lines.append(f"  {label}: {value[:300]}")
    lines += entity_rows(walk)
    for suffix, item in list(walk.subtree("1.3.6.1.2.1.25.3.2.1.3"))[:6]:
        lines.append(f"  hrDeviceDescr.{suffix}: {display(item)}")
    pkgs = [display(item) or "" for _s, item in walk.subtree("1.3.6.1.2.1.25.6.3.1.2")]
    if pkgs:
        rel = [p for p in pkgs if RELEASE_PKG.search(p)]
        lines.append(f"  hrSWInstalled: {len(pkgs)} packages; release-like: {rel[:8]}")
    for label, root in (("prtGeneral", "1.3.6.1.2.1.43.5.1.1"), ("upsIdent", "1.3.6.1.2.1.33.1.1"),
                        ("lldpLocal", "1.0.8802.1.1.2.1.3")):
        found = [f"{s}={(display(i) or '')[:80]}" for s, i in walk.subtree(root) if i[0] == 4 and display(i)][:8]
        if found:
            lines.append(f"  {label}: " + "; ".join(found))
    by_pen: dict[str, list[str]] = {}
    for oid, item in sorted(walk.data.items(), key=lambda kv: oid_key(kv[0])):
        if oid.startswith("1.3.6.1.4.1.") and item[0] == 4:
            pen = oid.split(".")[6]
            value = display(item)
            if value and len(by_pen.setdefault(pen, [])) < strings:
                by_pen[pen].append(f"{oid[len('1.3.6.1.4.1.'):]}={value[:90]}")
    for pen, values in by_pen.items():
        lines.append(f"  PEN {pen}: " + "; ".join(values))
    return "\n".join(lines)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("names", nargs="+")
    ap.add_argument("--strings", type=int, default=12, help="string values shown per enterprise subtree")
    args = ap.parse_args()
    for name in args.names:
        print(show(name, args.strings))
    return 0


if __name__ == "__main__":
    sys.exit(main())
