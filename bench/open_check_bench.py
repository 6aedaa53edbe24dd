"""How much the open-time check costs: builds a large inventory through the
store (DEVICES devices seen in SCANS scans, each sighting with an SNMP-sized
observation), then times ``PRAGMA quick_check`` and a full read-only open.

    .venv/bin/python bench/open_check_bench.py [--devices 2000] [--scans 25] [--db /tmp/big.db]

No network: the data is made up here.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import statistics
import subprocess
import sys
import time

from collector.identity import HostEvidence
from collector.model import Fact, Observation, Service
from collector.store import Inventory


def build(path: str, devices: int, scans: int) -> None:
    with Inventory(path) as inv:
        for s in range(scans):
            scan_id = inv.begin_scan({"networks": ["10.0.0.0/16"]}, {}, {}, 65534)
            for d in range(devices):
                ip = f"10.0.{d // 250}.{d % 250 + 1}"
                mac = f"02:00:00:00:{d // 256:02x}:{d % 256:02x}"
                raw = {"sys_descr": "x" * 200, "interfaces": [{"if_index": i, "name": f"eth{i}",
                                                             "mac": mac, "oper_status": "up"} for i in range(8)],
                       "walk": {f"1.3.6.1.2.1.2.2.1.{i}": "v" * 20 for i in range(40)}}
                host = HostEvidence(ip=ip, mac=mac, facts=[Fact("hostname", f"host{d}", 70, "snmp"),
                                                           Fact("vendor", "Example", 40, "arp")],
                                    services=[Service(22, source="banners", product="OpenSSH", version="9.6p1")],
                                    observations=[Observation("snmp", ip, mac, raw=raw)])
                inv.record_host(scan_id, host)
            inv.finish_scan(scan_id, "complete")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--devices", type=int, default=2000)
    ap.add_argument("--scans", type=int, default=25)
    ap.add_argument("--db", default="/tmp/lc-open-check-bench.db")
    args = ap.parse_args()
    if not os.path.exists(args.db):
        t = time.monotonic()
        build(args.db, args.devices, args.scans)
        print(f"built {args.db} in {time.monotonic() - t:.0f} s")
    conn = sqlite3.connect(args.db)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    size = os.path.getsize(args.db)
    times = []
    for _ in range(5):
        t = time.monotonic()
        assert conn.execute("PRAGMA quick_check(3)").fetchone()[0] == "ok"
        times.append(time.monotonic() - t)
    conn.close()
    cli = []
    for _ in range(3):
        t = time.monotonic()
        subprocess.run([sys.executable, "-m", "collector", "flags", "--db", args.db], check=True,
                       stdout=subprocess.DEVNULL)
        cli.append(time.monotonic() - t)
    print(f"inventory {size / 2**20:.1f} MiB ({args.devices} devices x {args.scans} scans): "
          f"quick_check median {statistics.median(times) * 1000:.0f} ms (runs {', '.join(f'{x * 1000:.0f}' for x in times)}); "
          f"`lan-collector flags` (open + check + query) median {statistics.median(cli):.2f} s")


if __name__ == "__main__":
    main()
