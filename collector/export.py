"""Exports of the inventory: JSON (the stable contract) and CSV."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

CSV_COLUMNS = ("id", "ips", "macs", "hostname", "vendor", "device_class", "model", "serial", "os_name",
               "os_version", "os_build", "kernel_version", "firmware", "mac_random", "first_seen", "last_seen", "services", "software", "flags")


def to_json(devices: list[dict[str, Any]]) -> str:
    return json.dumps(devices, indent=2, ensure_ascii=False) + "\n"


def _cell(value: Any) -> str:
    text = "" if value is None else str(value)
    # Spreadsheets execute cells starting with these; banners are hostile input.
    if text[:1] in ("=", "+", "-", "@", "\t", "\r"):
        text = "'" + text
    return text


def to_csv(devices: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for d in devices:
        services = "; ".join(
            " ".join(str(x) for x in (f"{s['port']}/{s['proto']}", s["name"], s["product"], s["version"]) if x)
            for s in d["services"])
        software = "; ".join(f"{s['name']} {s['version'] or ''}".strip() for s in d["software"])
        flags = "; ".join(f"{f['kind']}:{f['rule']}" for f in d["flags"])
        row = {**d, "ips": " ".join(d["ips"]), "macs": " ".join(d["macs"]), "services": services,
               "software": software, "flags": flags}
        writer.writerow([_cell(row[c]) for c in CSV_COLUMNS])
    return out.getvalue()
