"""What plugins (or a whole revision) cost a full default scan, measured in one
lab run: interleaved, ``--runs`` times each,

- ``default``: ``lan-collector scan`` of the lab's two subnets with the default plugins;
- ``without X``: the same without the plugins named by ``--without`` (default ``http,dns``);
- ``baseline`` (with ``--baseline PYTHON``): another checkout's default scan, run by
  that checkout's venv python (e.g. the revision before a change), on the same lab.

Per variant: median wall time and peak RSS (GNU time, the scan's own process)
and flag precision / recall at confidence >= 70 against the lab's ground truth
(``collector/lab/topology.py`` EXPECTED_FLAGS, of this checkout).

    sudo .venv/bin/python bench/scan_cost_bench.py [--hosts 50] [--runs 3] [--baseline OTHER/.venv/bin/python]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from collector.config import Settings
from collector.lab import netns, topology as topo
from collector.store import Inventory

sys.path.insert(0, str(Path(__file__).parent))
from arp_bench import RESULTS, timed  # noqa: E402

TARGETS = [str(topo.LAN), str(topo.BRANCH)]


def flag_score(db: Path, state: dict) -> dict:
    with Inventory(db, create=False) as inv:
        flags = inv.flags(70)
    by_ip = {h["ip"]: h for h in state["hosts"]}
    by_ip.update({h["extra_ip"]: h for h in state["hosts"] if h.get("extra_ip")})
    got = {(by_ip[f["ip"]]["ip"], f["rule"]) for f in flags if f["ip"] in by_ip}
    truth = {(h["ip"], r) for h in state["hosts"] for r in topo.EXPECTED_FLAGS[h["kind"]]}
    tp = got & truth
    return {"flags": len(got), "precision": len(tp) / len(got) if got else 1.0,
            "recall": len(tp) / len(truth) if truth else 1.0, "fp": sorted(got - truth), "fn": sorted(truth - got)}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--hosts", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--without", default="http,dns")
    ap.add_argument("--baseline", help="python of another checkout's venv, whose default scan is measured too")
    args = ap.parse_args()
    netns.require_root()
    without = [p for p in Settings().plugins if p not in args.without.split(",")]
    variants = {"default": [sys.executable, "-m", "collector", "scan", *TARGETS],
                f"without {args.without}": [sys.executable, "-m", "collector", "scan", *TARGETS,
                                            "--plugins", ",".join(without)]}
    if args.baseline:
        # -P: the current directory (this checkout) must not shadow the other checkout's package
        variants["baseline"] = [args.baseline, "-P", "-m", "collector", "scan", *TARGETS]
    rows: dict[str, list[dict]] = {name: [] for name in variants}
    with netns.lab_session(args.hosts) as state, tempfile.TemporaryDirectory() as d:
        for i in range(args.runs):
            for name, argv in variants.items():
                db = Path(d) / f"{name.replace(' ', '_')}-{i}.db"
                wall, rss, _ = timed([*argv, "--db", str(db), "-q"], timeout=1800)
                rows[name].append({"wall_s": wall, "rss_kib": rss, **flag_score(db, state)})
                print(f"run {i + 1} {name}: {wall:.1f} s, {rss / 1024:.1f} MiB, "
                      f"precision {rows[name][-1]['precision']:.1%} recall {rows[name][-1]['recall']:.1%}",
                      flush=True)
    ref = statistics.median(r["wall_s"] for r in rows["default"])
    print(f"\nFull scan of a {args.hosts}-host lab, median of {args.runs} runs, interleaved")
    print(f"{'variant':28} {'wall s':>7} {'vs default':>10} {'RSS MiB':>8} {'precision':>9} {'recall':>7}")
    summary = {}
    for name, rs in rows.items():
        wall = statistics.median(r["wall_s"] for r in rs)
        rss = statistics.median(r["rss_kib"] for r in rs) / 1024
        summary[name] = {"wall_s": wall, "walls": [round(r["wall_s"], 2) for r in rs], "rss_mib": rss,
                         "precision": min(r["precision"] for r in rs), "recall": min(r["recall"] for r in rs),
                         "fp": rs[-1]["fp"], "fn": rs[-1]["fn"]}
        print(f"{name:28} {wall:>7.1f} {wall - ref:>+10.1f} {rss:>8.1f} {summary[name]['precision']:>9.1%} "
              f"{summary[name]['recall']:>7.1%}")
        for ip, rule in rs[-1]["fp"]:
            print(f"    false positive: {ip} {rule}")
        for ip, rule in rs[-1]["fn"]:
            print(f"    missed: {ip} {rule}")
    RESULTS.mkdir(exist_ok=True)
    out = RESULTS / f"scan-cost-{time.strftime('%Y%m%dT%H%M%S')}.json"
    out.write_text(json.dumps({"hosts": args.hosts, "runs": args.runs, "variants": summary}, indent=1))
    print(f"raw results: {out}")


if __name__ == "__main__":
    main()
