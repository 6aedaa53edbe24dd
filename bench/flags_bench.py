"""Flag precision in the lab: every flag at confidence >= 70 compared with
the lab's ground truth (collector/lab/topology.py EXPECTED_FLAGS).

    sudo .venv/bin/python bench/flags_bench.py [--hosts 20]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from collector.lab import netns, topology as topo
from collector.lab.cli import in_lab_command, lab_scan_argv
from collector.store import Inventory


def measure(n: int) -> dict:
    import subprocess

    with netns.lab_session(n) as state, tempfile.TemporaryDirectory() as d:
        db = Path(d) / "flags.db"
        subprocess.run(in_lab_command(lab_scan_argv(["--db", str(db), "-q"])), check=True, capture_output=True)
        with Inventory(db, create=False) as inv:
            flags = inv.flags(70)
        by_ip = {h["ip"]: h for h in state["hosts"]}
        for h in state["hosts"]:
            if h.get("extra_ip"):
                by_ip[h["extra_ip"]] = h
    got = {(f["ip"], f["rule"]) for f in flags}
    truth = {(h["ip"], rule) for h in state["hosts"] for rule in topo.EXPECTED_FLAGS[h["kind"]]}
    # a flag on the router's second address is the router's
    got = {(by_ip[ip]["ip"], rule) for ip, rule in got if ip in by_ip}
    tp, fp, fn = got & truth, got - truth, truth - got
    return {"hosts": n, "flags": len(got), "tp": len(tp), "fp": sorted(fp), "fn": sorted(fn),
            "precision": len(tp) / len(got) if got else 1.0, "recall": len(tp) / len(truth) if truth else 1.0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=topo.full_size())
    args = ap.parse_args()
    netns.require_root()
    r = measure(args.hosts)
    print(f"lab of {r['hosts']} hosts: {r['flags']} distinct (host, rule) flags at confidence >= 70")
    print(f"precision {r['precision']:.1%}  recall {r['recall']:.1%}")
    for ip, rule in r["fp"]:
        print(f"  false positive: {ip} {rule}")
    for ip, rule in r["fn"]:
        print(f"  missed: {ip} {rule}")
    sys.exit(0)


if __name__ == "__main__":
    main()
