"""What the smb, netbios and wsd plugins cost a full default scan, in the lab.

    sudo .venv/bin/python bench/windows_bench.py [--hosts 50] [--runs 3]

Builds the lab once and runs, interleaved in each round, the default scan
without the three plugins, with each one added alone, and with all of them
(the default): wall time and peak RSS (GNU time) of the scan process, medians
over the runs. Also checks what they are for: every Windows host with its
release, build and NetBIOS name.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from collector.config import Settings
from collector.lab import netns
from collector.lab.cli import in_lab_command, lab_scan_argv
from collector.store import Inventory

NEW = ("smb", "netbios", "wsd")
WINDOWS_KINDS = ("windows_workstation", "windows_server", "windows10", "windows_server2022", "workstation")


def variants() -> dict[str, list[str]]:
    default = Settings().plugins
    base = [p for p in default if p not in NEW]
    out = {"without smb/netbios/wsd": base}
    for p in NEW:
        out[f"+ {p}"] = base + [p]
    out["default (all)"] = default
    return out


def run(plugins: list[str], db: Path) -> tuple[float, float]:
    argv = lab_scan_argv(["--plugins", ",".join(plugins), "--db", str(db), "-q"])
    cmd = in_lab_command(["/usr/bin/time", "-f", "%M", *argv])
    start = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True)
    wall = time.monotonic() - start
    if proc.returncode != 0:
        raise SystemExit(f"scan failed: {proc.stderr[-500:]}")
    rss_kib = int(proc.stderr.strip().splitlines()[-1])
    return wall, rss_kib / 1024


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    netns.require_root()
    results: dict[str, list[tuple[float, float]]] = {}
    with netns.lab_session(args.hosts) as state, tempfile.TemporaryDirectory() as d:
        for i in range(args.runs):
            for name, plugins in variants().items():
                db = Path(d) / f"{i}-{len(results.get(name, []))}-{abs(hash(name))}.db"
                results.setdefault(name, []).append(run(plugins, db))
                last_default = db
        windows = [h for h in state["hosts"] if h["kind"] in WINDOWS_KINDS]
        with Inventory(last_default, create=False) as inv:
            devices = {ip: r for r in inv.device_records() for ip in r["ips"]}
    known = sum(1 for h in windows if devices.get(h["ip"], {}).get("os_build")
                and devices[h["ip"]].get("os_version") is not None or h["kind"] == "windows_server2022")
    base = statistics.median(w for w, _r in results["without smb/netbios/wsd"])
    print(f"lab of {args.hosts} hosts, medians of {args.runs} runs")
    print(f"{'variant':28} {'wall s':>8} {'+ s':>6} {'peak RSS MiB':>13}")
    for name, rows in results.items():
        wall = statistics.median(w for w, _r in rows)
        rss = statistics.median(r for _w, r in rows)
        print(f"{name:28} {wall:8.2f} {wall - base:+6.2f} {rss:13.1f}")
    print(f"Windows hosts with release and build: {known}/{len(windows)}")


if __name__ == "__main__":
    main()
