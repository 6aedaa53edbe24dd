"""Satori's DHCP fingerprints (github.com/xnih/satori, GPL-2.0) converted
for the passive plugin: ``satori_dhcp.json``, a list of fingerprints with
their tests (message type, exact/partial match of the option-55 list, the
option order or the vendor class, weight). Built by ``lan-collector data
build``; the IP TTL tests are dropped (the passive plugin does not read TTL
as a fingerprint: a router in between changes it).
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

from collector.refdata import DataError

FIELDS = ("dhcpoption55", "dhcpoptions", "dhcpvendorcode")


def parse_dhcp_xml(path: Path) -> list[dict[str, Any]]:
    import defusedxml.ElementTree as ET

    try:
        root = ET.parse(path).getroot()
    except Exception as exc:
        raise DataError(f"{path}: not a valid Satori fingerprint file ({exc})") from None
    out = []
    for fp in root.iter("fingerprint"):
        tests = []
        for test in fp.iter("test"):
            for name in FIELDS:
                value = test.get(name)
                if value is None:
                    continue
                try:
                    weight = int(test.get("weight", "1"))
                except ValueError:
                    weight = 1
                tests.append({"type": test.get("dhcptype", "Any"), "match": test.get("matchtype", "exact"),
                              "field": name, "value": value.strip(), "weight": weight})
        if not tests:
            continue
        out.append({"name": (fp.get("name") or "").strip(), "os_name": (fp.get("os_name") or "").strip(),
                    "os_class": (fp.get("os_class") or "").strip(),
                    "device_type": (fp.get("device_type") or "").strip(),
                    "device_vendor": (fp.get("device_vendor") or "").strip(), "tests": tests})
    return out


def build_satori(src: Path, out: Path, source_info: Any) -> dict[str, Any]:
    path = src / "satori" / "dhcp.xml"
    if not path.exists():
        raise DataError(f"{path} missing")
    fingerprints = parse_dhcp_xml(path)
    if len(fingerprints) < 300:
        raise DataError(f"{path}: only {len(fingerprints)} DHCP fingerprints (expected > 300)")
    (out / "satori_dhcp.json").write_text(json.dumps({"fingerprints": fingerprints}, separators=(",", ":"),
                                                     sort_keys=True))
    if (src / "satori" / "LICENSE").exists():
        shutil.copyfile(src / "satori" / "LICENSE", out / "satori.LICENSE")
    info = source_info(src / "satori" / "SOURCE.md", "GPL-2.0")
    text = (src / "satori" / "SOURCE.md").read_text(encoding="utf-8") if (src / "satori" / "SOURCE.md").exists() else ""
    m = re.search(r"Source:\s*(\S+)\s*@\s*([0-9a-f]{7,40})\s*\((\d{4}-\d{2}-\d{2})\)", text)
    if m:
        info.update(repository=info.get("repository") or m.group(1), commit=info.get("commit") or m.group(2),
                    date=info.get("date") or m.group(3))
    return {"satori_dhcp.json": {"source": info, "inputs": {"satori/dhcp.xml": hashlib.sha256(path.read_bytes()).hexdigest()},
                                 "entries": len(fingerprints), "licence_files": ["satori.LICENSE"],
                                 # a passive fingerprint set changes slowly (its last entry: 2025-05)
                                 "max_age_days": 730}}
