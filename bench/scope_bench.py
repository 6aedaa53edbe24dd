"""What a huge scope costs: refusing a /8, and setting up a /16 scan.

    sudo .venv/bin/python bench/scope_bench.py [--runs 3]

1. ``lan-collector scan 10.0.0.0/8`` (and with ``--max-hosts 16777216``) is
   refused before anything is probed: measured here, nothing is sent (the
   refusal comes from the scope and settings checks).
2. ``lan-collector scan 198.18.0.0/16 --plugins arp --max-hosts 65536`` runs
   inside the lab: the scope is built, the scan row written, all 65,536
   addresses classified (the lab /24 is swept, the rest recorded as skipped
   probes: the journal of a /16) and stored.

Wall time and peak RSS are GNU time's, medians of ``--runs``.
"""

from __future__ import annotations

import argparse
import re
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from collector.lab import netns
from collector.lab.cli import in_lab_command


def timed(argv: list[str], *, in_lab: bool, expect: int) -> tuple[float, int, str]:
    cmd = ["/usr/bin/time", "-f", "@@TIME %e %M", *argv]
    proc = subprocess.run(in_lab_command(cmd) if in_lab else cmd, capture_output=True, text=True, timeout=900)
    assert proc.returncode == expect, proc.stderr[-800:]
    m = re.search(r"@@TIME ([\d.]+) (\d+)", proc.stderr)
    assert m, proc.stderr
    return float(m.group(1)), int(m.group(2)), proc.stderr.splitlines()[0]


def report(label: str, runs: list[tuple[float, int, str]]) -> None:
    wall = statistics.median(r[0] for r in runs)
    rss = statistics.median(r[1] for r in runs) / 1024
    print(f"{label}: wall {wall:.2f} s, peak RSS {rss:.1f} MiB (runs: "
          f"{', '.join(f'{r[0]:.2f}' for r in runs)}); {runs[0][2]}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    py = [sys.executable, "-m", "collector"]
    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "x.db")
        report("refuse 10.0.0.0/8", [timed([*py, "scan", "10.0.0.0/8", "--db", db], in_lab=False, expect=2)
                                     for _ in range(args.runs)])
        report("refuse --max-hosts 16777216 10.0.0.0/8",
               [timed([*py, "scan", "10.0.0.0/8", "--max-hosts", "16777216", "--db", db], in_lab=False, expect=2)
                for _ in range(args.runs)])
        report("refuse 10.*.*.* --max-hosts 262144",
               [timed([*py, "scan", "10.*.*.*", "--max-hosts", "262144", "--db", db], in_lab=False, expect=2)
                for _ in range(args.runs)])
        with netns.lab_session(20):
            runs = []
            for i in range(args.runs):
                runs.append(timed([*py, "scan", "198.18.0.0/16", "--plugins", "arp", "--max-hosts", "65536",
                                   "--db", str(Path(tmp) / f"lab{i}.db"), "-q"], in_lab=True, expect=0))
            report("lab scan 198.18.0.0/16 --plugins arp", runs)


if __name__ == "__main__":
    main()
