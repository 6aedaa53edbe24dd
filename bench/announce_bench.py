"""What the announce plugins (mdns, ssdp) add to a full default scan.

    sudo .venv/bin/python bench/announce_bench.py [--hosts 50] [--runs 3]

Builds the lab, then runs in the same lab, interleaved, a full default scan
with and without mdns,ssdp (both 198.18.0.0/24, the same other plugins),
`--runs` times each; prints the medians of wall time and peak RSS (GNU time,
the scan's own process) and the difference.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from arp_bench import timed  # noqa: E402

from collector.config import Settings  # noqa: E402
from collector.lab.netns import lab_session  # noqa: E402

LAN = "198.18.0.0/24"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--hosts", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    full = Settings().plugins
    without = [p for p in full if p not in ("mdns", "ssdp")]
    results: dict[str, list[tuple[float, int]]] = {"with": [], "without": []}
    with lab_session(args.hosts), tempfile.TemporaryDirectory() as tmp:
        for i in range(args.runs):
            for label, plugins in (("without", without), ("with", full)):
                db = Path(tmp) / f"{label}-{i}.db"
                wall, rss, _ = timed([sys.executable, "-m", "collector", "scan", LAN, "--plugins", ",".join(plugins),
                                      "--db", str(db), "-q"], timeout=600)
                results[label].append((wall, rss))
                print(f"run {i + 1} {label:7s} wall {wall:6.2f} s  peak RSS {rss / 1024:6.1f} MiB", flush=True)
    med = {k: (statistics.median(w for w, _ in v), statistics.median(r for _, r in v) / 1024) for k, v in results.items()}
    print(f"\n{args.hosts} hosts, medians of {args.runs}:")
    for label in ("without", "with"):
        print(f"  {label:7s} mdns,ssdp: wall {med[label][0]:6.2f} s, peak RSS {med[label][1]:6.1f} MiB")
    print(f"  added by mdns,ssdp: {med['with'][0] - med['without'][0]:+.2f} s, "
          f"{med['with'][1] - med['without'][1]:+.1f} MiB")


if __name__ == "__main__":
    main()
