"""SNMP benchmark on trimmed recordings: where first contact, enterprise
discovery and vendor probing dominate, not table walks.

    sudo .venv/bin/python bench/snmp_trimmed_bench.py [--runs 3] [--shared DIR]

Serves the tuning set's small recordings — the walks recorded from the lab's
agents and the tuning half of the centreon walks (tests/fixtures/snmp/lab,
tests/fixtures/snmp/centreon; the latter read from
shared/data/snmp-walks-centreon) — with one snmpsim process on loopback
addresses 127.0.2.1-N, port 1162 (nothing leaves this machine), and times,
in the same run and interleaved, ``lan-collector scan --plugins snmp``
against sequential ``snmpbulkwalk -v2c`` full-tree walks of each device.
Prints medians, the ratio and our peak RSS; accuracy on these recordings is
``bench/snmp_tuning.py``'s job.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
import snmp_bench  # noqa: E402  (the simulator and the two timed runs)
from snmp_tuning import shared_dir  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "snmp"
RESULTS = Path(__file__).parent / "results"
PORT = 1162


def prepare(work: Path, shared: Path | None) -> list[dict]:
    from collector.snmp.walk import dump_snmprec
    from collector.snmp.walkfile import load_walk_file

    (work / "data" / "public").mkdir(parents=True, exist_ok=True)
    sources = [(p.stem, FIXTURES / "lab" / json.loads(p.read_text())["recording"])
               for p in sorted((FIXTURES / "lab").glob("*.json"))]
    if shared is not None:
        sources += [(p.stem, shared / "snmp-walks-centreon" / spec["recording"])
                    for p in sorted((FIXTURES / "centreon").glob("*.json"))
                    if "recording" in (spec := json.loads(p.read_text()))]
    devices = []
    for i, (name, path) in enumerate(sources):
        dst = work / "data" / "public" / f"1.3.6.1.6.1.2.{i}.snmprec"
        walk = load_walk_file(path)
        if not dst.exists():
            dump_snmprec(walk, dst)
        devices.append({"ip": f"127.0.2.{i + 1}", "community": f"public/1.3.6.1.6.1.2.{i}", "case": name,
                        "values": len(walk)})
    return devices


def start(work: Path, devices: list[dict]) -> subprocess.Popen:
    exe = Path(sys.executable).with_name("snmpsim-command-responder")
    argv = [str(exe), f"--data-dir={work / 'data'}", f"--cache-dir={work / 'cache'}", "--log-level=error",
            *(f"--agent-udpv4-endpoint={d['ip']}:{PORT}" for d in devices)]
    proc = subprocess.Popen(argv, env={**os.environ, "SNMPSIM_ALLOW_ROOT": "true"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 300
    for d in devices:
        while True:
            out = subprocess.run(["snmpgetnext", "-m", "", "-v2c", "-c", d["community"], "-t", "1", "-r", "0",
                                  f"{d['ip']}:{PORT}", "1.3.6"], capture_output=True, text=True)
            if out.returncode == 0 and "=" in out.stdout:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"snmpsim did not come up for {d['case']}")
            time.sleep(0.5)
    return proc


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--shared", help="the shared/data directory (for the centreon walks)")
    args = ap.parse_args()
    work = RESULTS / "snmpsim-trimmed"
    devices = prepare(work, shared_dir(args.shared))
    print(f"{len(devices)} trimmed recordings, {sum(d['values'] for d in devices):,} values", flush=True)
    sim = start(work, devices)
    snmp_bench.PORT = PORT
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = snmp_bench.config_for(devices, Path(tmp) / "snmp.toml")
            db = Path(tmp) / "bench.db"
            ours, theirs = [], []
            for run in range(args.runs):
                wall, rss, _ = snmp_bench.timed(
                    [sys.executable, "-m", "collector", "scan", f"127.0.2.1-{len(devices)}", "--plugins", "snmp",
                     "--config", str(config), "--db", str(db), "-q"], 3600, in_lab=False)
                ours.append((wall, rss))
                db.unlink(missing_ok=True)
                theirs.append(snmp_bench.run_bulkwalks(devices))
                print(f"run {run + 1}: lan-collector {wall:.2f} s ({rss / 1024:.0f} MiB), sequential snmpbulkwalk "
                      f"{theirs[-1][0]:.2f} s", flush=True)
    finally:
        os.killpg(sim.pid, signal.SIGTERM)
        sim.wait(timeout=30)
    wall = statistics.median(r[0] for r in ours)
    base = statistics.median(r[0] for r in theirs)
    rss = statistics.median(r[1] for r in ours) / 1024
    print(f"\nSNMP inventory of {len(devices)} trimmed recordings: lan-collector {wall:.2f} s, sequential "
          f"snmpbulkwalk -v2c full trees {base:.2f} s: ratio {wall / base:.2f} (target <= 1, aim 0.5); "
          f"peak RSS {rss:.0f} MiB (target <= 120)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "snmp_trimmed.json").write_text(json.dumps({"wall_s": wall, "bulkwalk_s": base, "rss_mib": rss,
                                                           "devices": len(devices)}, indent=1))
    return 0 if wall <= base and rss <= 120 else 1


if __name__ == "__main__":
    sys.exit(main())
