"""ARP discovery benchmark: lan-collector vs arp-scan vs nmap -sn, in the lab.

    sudo .venv/bin/python bench/arp_bench.py [--sizes 50,200] [--runs 7]

For each lab size it builds the lab, then runs the three tools in turn
(interleaved, so machine noise hits all alike) inside the lab's collector
namespace on the office /24, and reports per tool: recall against the lab
plan, median wall time, median peak RSS, and ratios to nmap. Every run goes
through the lab guard: nothing is sent outside the lab namespaces.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from collector.lab import netns, topology as topo
from collector.lab.cli import in_lab_command
from collector.lab.guard import check_lab_targets

LAN = str(topo.LAN)
RESULTS = Path(__file__).parent / "results"


def timed(argv: list[str], timeout: float = 300, *, in_lab: bool = True) -> tuple[float, int, str]:
    """Wall seconds, peak RSS (KiB) and stdout of argv, run inside the lab
    (``in_lab=False``: here, for tools that only talk to loopback). Both
    figures are GNU time's for the tool's own process (start to exit), so the
    lab guard that launches it is not counted against any tool."""
    cmd = ["/usr/bin/time", "-f", "@@TIME %e %M", *argv]
    cmd = in_lab_command(cmd) if in_lab else cmd
    proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
    if proc.returncode != 0:
        raise RuntimeError(f"{argv[0]} failed: {proc.stderr[-500:]}")
    m = re.search(r"@@TIME ([\d.]+) (\d+)", proc.stderr)
    assert m, proc.stderr
    return float(m.group(1)), int(m.group(2)), proc.stdout


def run_collector(tmp: Path, i: int) -> tuple[float, int, set[str]]:
    db = tmp / f"bench-{i}.db"
    wall, rss, _ = timed([sys.executable, "-m", "collector", "scan", LAN, "--plugins", "arp", "--db", str(db),
                          "-q"])
    from collector.store import Inventory

    with Inventory(db, create=False) as inv:
        found = {r["ip"] for r in inv.db.query("select ip from sightings")}
    return wall, rss, found


def run_arp_scan(tmp: Path, i: int) -> tuple[float, int, set[str]]:
    wall, rss, out = timed(["arp-scan", "--localnet", "--plain", "--quiet"])
    return wall, rss, {line.split()[0] for line in out.splitlines() if line.strip()}


def run_nmap(tmp: Path, i: int) -> tuple[float, int, set[str]]:
    wall, rss, out = timed(["nmap", "-n", "-sn", "-PR", LAN, "-oG", "-"])
    found = set(re.findall(r"^Host: (\S+) .*Status: Up", out, re.M)) - {topo.COLLECTOR_IP}
    return wall, rss, found


TOOLS = {"lan-collector": run_collector, "arp-scan --localnet": run_arp_scan, "nmap -n -sn -PR": run_nmap}


def bench_size(n: int, runs: int) -> dict:
    with netns.lab_session(n) as state:
        expected = {h["ip"] for h in state["hosts"] if h["subnet"] == "lan"}
        check_lab_targets([LAN])
        samples: dict[str, list[tuple[float, int, float]]] = {t: [] for t in TOOLS}
        with tempfile.TemporaryDirectory() as d:
            for i in range(runs):
                for name, fn in TOOLS.items():
                    wall, rss, found = fn(Path(d), i)
                    recall = len(found & expected) / len(expected)
                    samples[name].append((wall, rss, recall))
    summary = {}
    for name, rows in samples.items():
        summary[name] = {
            "wall_s": statistics.median(r[0] for r in rows),
            "rss_mib": statistics.median(r[1] for r in rows) / 1024,
            "recall_min": min(r[2] for r in rows),
            "walls": [round(r[0], 3) for r in rows],
        }
    return {"hosts": n, "runs": runs, "tools": summary}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="50,200")
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    netns.require_root()
    results = [bench_size(int(n), args.runs) for n in args.sizes.split(",")]
    print(f"\nARP discovery of the lab office /24, median of {args.runs} runs each (ratios vs nmap -sn)")
    print(f"{'hosts':>5}  {'tool':22} {'recall':>7} {'wall s':>7} {'x nmap':>7} {'RSS MiB':>8}")
    for res in results:
        nmap_wall = res["tools"]["nmap -n -sn -PR"]["wall_s"]
        for name, t in res["tools"].items():
            print(f"{res['hosts']:>5}  {name:22} {t['recall_min']:>7.0%} {t['wall_s']:>7.2f} "
                  f"{t['wall_s'] / nmap_wall:>7.2f} {t['rss_mib']:>8.1f}")
    ours = [r["tools"]["lan-collector"] for r in results]
    verdicts = [
        ("100 % recall", all(t["recall_min"] == 1.0 for t in ours)),
        ("wall <= 0.5x nmap -sn", all(r["tools"]["lan-collector"]["wall_s"] <= 0.5 * r["tools"]["nmap -n -sn -PR"]
                                      ["wall_s"] for r in results)),
        ("peak RSS <= 80 MiB", all(t["rss_mib"] <= 80 for t in ours)),
    ]
    for label, ok in verdicts:
        print(f"target {label}: {'met' if ok else 'NOT met'}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"arp-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps(results, indent=1))
    print(f"raw results: {out}")


if __name__ == "__main__":
    main()
