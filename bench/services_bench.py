"""Service identification benchmark: lan-collector (banners + nmap for the
rest) vs ``nmap -n -Pn -sV`` on the same hosts and ports, in the lab.

    sudo .venv/bin/python bench/services_bench.py [--sizes 50,200] [--runs 3]

Both tools get the lab's office hosts (the live hosts discovery would find)
and the curated LAN port list. Reported per tool: open services found,
services named with a product, median wall time and peak RSS (GNU time, the
tool's own process), and ratios to nmap.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from collector.lab import netns
from collector.lab.guard import check_lab_targets
from collector.nmapxml import parse
from collector.plugins.banners import LAN_PORTS

sys.path.insert(0, str(Path(__file__).parent))
from arp_bench import RESULTS, timed  # noqa: E402

PORTS = "T:" + ",".join(map(str, LAN_PORTS))


def targets(state: dict) -> list[str]:
    ips = sorted((h["ip"] for h in state["hosts"] if h["subnet"] == "lan"),
                 key=lambda ip: tuple(int(p) for p in ip.split(".")))
    # contiguous runs as ranges keep the command line short
    out, start, prev = [], None, None
    for ip in ips:
        last = int(ip.split(".")[-1])
        if start is not None and prev is not None and last == prev + 1:
            prev = last
            continue
        if start is not None:
            out.append(f"198.18.0.{start}" + (f"-{prev}" if prev != start else ""))
        start = prev = last
    out.append(f"198.18.0.{start}" + (f"-{prev}" if prev != start else ""))
    return out


def run_collector(tmp: Path, i: int, hosts: list[str]) -> tuple[float, int, int, int]:
    db = tmp / f"svc-{i}.db"
    wall, rss, _ = timed([sys.executable, "-m", "collector", "scan", *hosts, "--plugins", "banners,nmap",
                          "--db", str(db), "-q"], timeout=3600)
    from collector.store import Inventory

    with Inventory(db, create=False) as inv:
        found, named = inv.db.execute("select count(*), count(product) from services").fetchone()
    return wall, rss, found, named


def run_nmap(tmp: Path, i: int, hosts: list[str]) -> tuple[float, int, int, int]:
    wall, rss, out = timed(["nmap", "-n", "-Pn", "-sV", "-p", PORTS, "-oX", "-", *hosts], timeout=3600)
    services = [s for h in parse(out) for s in h.services]
    return wall, rss, len(services), sum(1 for s in services if s.product)


def bench_size(n: int, runs: int) -> dict:
    with netns.lab_session(n) as state:
        hosts = targets(state)
        check_lab_targets(hosts)
        rows: dict[str, list[tuple[float, int, int, int]]] = {"lan-collector": [], "nmap -n -Pn -sV": []}
        with tempfile.TemporaryDirectory() as d:
            for i in range(runs):
                rows["lan-collector"].append(run_collector(Path(d), i, hosts))
                rows["nmap -n -Pn -sV"].append(run_nmap(Path(d), i, hosts))
    return {"hosts": n, "runs": runs, "tools": {
        name: {"wall_s": statistics.median(r[0] for r in rs), "rss_mib": statistics.median(r[1] for r in rs) / 1024,
               "found": statistics.median(r[2] for r in rs), "named": statistics.median(r[3] for r in rs),
               "walls": [round(r[0], 2) for r in rs]}
        for name, rs in rows.items()}}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,200")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    netns.require_root()
    results = [bench_size(int(n), args.runs) for n in args.sizes.split(",")]
    print(f"\nServices on {len(LAN_PORTS)} LAN ports of the lab hosts, median of {args.runs} runs (ratios vs nmap)")
    print(f"{'hosts':>5}  {'tool':18} {'open':>5} {'named':>6} {'wall s':>8} {'x nmap':>7} {'RSS MiB':>8}")
    for res in results:
        ref = res["tools"]["nmap -n -Pn -sV"]
        for name, t in res["tools"].items():
            print(f"{res['hosts']:>5}  {name:18} {t['found']:>5} {t['named']:>6} {t['wall_s']:>8.1f} "
                  f"{t['wall_s'] / ref['wall_s']:>7.2f} {t['rss_mib']:>8.1f}")
    ours = [(r["tools"]["lan-collector"], r["tools"]["nmap -n -Pn -sV"]) for r in results]
    for label, ok in (("named services >= nmap's", all(a["named"] >= b["named"] for a, b in ours)),
                      ("wall <= 0.5x nmap -sV", all(a["wall_s"] <= 0.5 * b["wall_s"] for a, b in ours)),
                      ("peak RSS <= 120 MiB", all(a["rss_mib"] <= 120 for a, _ in ours))):
        print(f"target {label}: {'met' if ok else 'NOT met'}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"services-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"raw results: {out}")


if __name__ == "__main__":
    main()
