"""A full default scan of the office lab against ``nmap -n -Pn -sV`` over the
same hosts and 16 office ports, in the same lab run, interleaved.

    sudo .venv/bin/python bench/office_bench.py [--hosts 50] [--runs 3]

lan-collector gets the lab's two subnets and runs every default plugin (ARP,
TCP ping, SNMP, banners, HTTP, nmap for what banners could not name, SMB,
NetBIOS, WS-Discovery, mDNS, SSDP; DNS skips: the lab has no resolver) and
writes its inventory; nmap gets the hosts ARP finds (the lab's live hosts)
and names services on the 16 ports. Reported: median wall time and peak RSS
(GNU time, each tool's own process), the ratio to nmap, what each told
(hosts with a class, a model, an OS), and lan-collector's flag precision and
recall against the lab's ground truth.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from collector.lab import netns, topology as topo
from collector.nmapxml import parse
from collector.store import Inventory

sys.path.insert(0, str(Path(__file__).parent))
from arp_bench import RESULTS, timed  # noqa: E402
from scan_cost_bench import flag_score  # noqa: E402

#: What an office runs (never a printer's raw port 9100).
PORTS = [21, 22, 23, 25, 53, 80, 135, 139, 443, 445, 554, 631, 3389, 5000, 5060, 8080]
TARGETS = [str(topo.LAN), str(topo.BRANCH)]


def live_hosts(state: dict) -> list[str]:
    return [h["ip"] for h in state["hosts"]]


def run_collector(tmp: Path, i: int, state: dict) -> dict:
    db = tmp / f"office-{i}.db"
    wall, rss, _ = timed([sys.executable, "-m", "collector", "scan", *TARGETS, "--db", str(db), "-q"], timeout=900)
    with Inventory(db, create=False) as inv:
        records = inv.device_records()
    told = {"devices": len(records), "class": sum(1 for d in records if d["device_class"]),
            "model": sum(1 for d in records if d["model"]), "os": sum(1 for d in records if d["os_name"]),
            "named": sum(1 for d in records for s in d["services"] if s["product"])}
    return {"wall": wall, "rss": rss, "told": told, "flags": flag_score(db, state)}


def run_nmap(hosts: list[str]) -> dict:
    wall, rss, out = timed(["nmap", "-n", "-Pn", "-sV", "-p", "T:" + ",".join(map(str, PORTS)), "-oX", "-",
                            *hosts], timeout=1800)
    parsed = parse(out.encode() if isinstance(out, str) else out)
    told = {"devices": len(parsed), "class": 0, "model": 0, "os": sum(1 for h in parsed if h.os_matches),
            "named": sum(1 for h in parsed for s in h.services if s.product)}
    return {"wall": wall, "rss": rss, "told": told}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    netns.require_root()
    rows: dict[str, list[dict]] = {"lan-collector": [], "nmap -n -Pn -sV": []}
    with netns.lab_session(args.hosts) as state, tempfile.TemporaryDirectory() as d:
        hosts = live_hosts(state)
        for i in range(args.runs):
            rows["lan-collector"].append(run_collector(Path(d), i, state))
            rows["nmap -n -Pn -sV"].append(run_nmap(hosts))
            print(f"run {i + 1}: lan-collector {rows['lan-collector'][-1]['wall']:.1f} s, "
                  f"nmap {rows['nmap -n -Pn -sV'][-1]['wall']:.1f} s", flush=True)
    med = {name: {"wall": statistics.median(r["wall"] for r in rs), "rss": statistics.median(r["rss"] for r in rs) / 1024,
                  "walls": [round(r["wall"], 1) for r in rs], "told": rs[len(rs) // 2]["told"]}
           for name, rs in rows.items()}
    ref = med["nmap -n -Pn -sV"]["wall"]
    print(f"\n{args.hosts}-host lab ({len(hosts)} hosts incl. the branch), {len(PORTS)} ports for nmap, "
          f"medians of {args.runs}:")
    print(f"{'tool':18} {'wall s':>7} {'x nmap':>7} {'RSS MiB':>8}  devices class model os named-services")
    for name, m in med.items():
        t = m["told"]
        print(f"{name:18} {m['wall']:>7.1f} {m['wall'] / ref:>7.2f} {m['rss']:>8.1f}  {t['devices']:>7} "
              f"{t['class']:>5} {t['model']:>5} {t['os']:>2} {t['named']:>5}   runs {m['walls']}")
    flags = rows["lan-collector"][len(rows["lan-collector"]) // 2]["flags"]
    print(f"lan-collector flags >= 70: {flags['flags']}, precision {flags['precision']:.1%}, recall "
          f"{flags['recall']:.1%}" + (f"; missed {flags['fn']}" if flags["fn"] else "")
          + (f"; false {flags['fp']}" if flags["fp"] else ""))
    ours = med["lan-collector"]
    for label, ok in (("wall <= 0.5x nmap -sV", ours["wall"] <= 0.5 * ref), ("wall <= 60 s", ours["wall"] <= 60),
                      ("peak RSS <= 120 MiB", ours["rss"] <= 120)):
        print(f"target {label}: {'met' if ok else 'NOT met'}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"office-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"hosts": args.hosts, "runs": rows, "medians": med}, indent=1, default=str))
    print(f"raw results: {out}")


if __name__ == "__main__":
    main()
