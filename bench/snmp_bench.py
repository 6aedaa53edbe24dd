"""SNMP benchmark: identification accuracy and speed on real recordings.

    sudo .venv/bin/python bench/snmp_bench.py [--runs 3]

Serves the snmpsim-data recordings that have a hand-checked expected file
(tests/fixtures/snmp/snmpsim) with one snmpsim process on loopback addresses
127.0.1.1-N, port 1161 (loopback only: nothing leaves this machine). Each
recording is reached with its own community (snmpsim's per-endpoint layout,
``public/<transport id>``), which the collector gets as one credential per
address range: the same configuration a site with per-device communities
would write. Then, interleaved per run:

- lan-collector: ``lan-collector scan 127.0.1.1-N --plugins snmp``;
- net-snmp: ``snmpbulkwalk -v2c`` of the full tree of every device, one
  device after the other (the baseline the issue names).

Prints per-field accuracy against the expected files (wherever a recording
holds the value), median wall time of both, the ratio, and our peak RSS.
"""

from __future__ import annotations

import argparse
import bz2
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from collector.snmp.identify import IDENTITY_FIELDS

sys.path.insert(0, str(Path(__file__).parent))
from arp_bench import timed  # noqa: E402  (GNU time's wall and peak RSS, shared by the benchmarks)

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "snmp" / "snmpsim"
RESULTS = Path(__file__).parent / "results"
PORT = 1161
FIELDS = [f for f in IDENTITY_FIELDS if f != "hostname"]
TARGETS = {"vendor": 95, "device_class": 95, "os_name": 95, "model": 90, "serial": 90, "os_version": 90,
           "firmware": 90}


def tuning_cases() -> list[tuple[str, Path, dict]]:
    """(case, recording, expected) of the hand-checked snmpsim-data recordings."""
    import snmpsim_data

    src = Path(snmpsim_data.__file__).parent / "data"
    out = []
    for case in sorted(FIXTURES.glob("*.json")):
        spec = json.loads(case.read_text())
        out.append((case.stem, src / spec["recording"], spec["expected"]))
    return out


def prepare(work: Path, cases: list[tuple[str, Path, dict]] | None = None) -> list[dict]:
    """One snmpsim data file per recording (decompressed) and the device list:
    127.0.1.(i+1), community ``public/1.3.6.1.6.1.1.i``."""
    (work / "data" / "public").mkdir(parents=True, exist_ok=True)
    devices = []
    for i, (name, raw, expected) in enumerate(cases if cases is not None else tuning_cases()):
        if i >= 254:
            raise ValueError("at most 254 recordings (127.0.1.1-254)")
        dst = work / "data" / "public" / f"1.3.6.1.6.1.1.{i}.snmprec"
        stamp = dst.with_suffix(".source")
        if not dst.exists() or not stamp.exists() or stamp.read_text() != str(raw):
            if ".snmprec" in raw.name:
                dst.write_bytes(bz2.open(raw).read() if raw.suffix == ".bz2" else raw.read_bytes())
            else:  # another walk format (a Checkmk stored walk): served as the snmprec it reads as
                from collector.snmp.walk import dump_snmprec
                from collector.snmp.walkfile import load_walk_file

                dump_snmprec(load_walk_file(raw), dst)
            stamp.write_text(str(raw))
        devices.append({"ip": f"127.0.1.{i + 1}", "community": f"public/1.3.6.1.6.1.1.{i}",
                        "case": name, "expected": expected, "values": dst.read_bytes().count(b"\n")})
    return devices


def port_free(ip: str, port: int) -> bool:
    """Nobody else serves ip:port (another benchmark's simulator would answer our readiness
    check with its own data)."""
    import socket

    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        try:
            sock.bind((ip, port))
        except OSError:
            return False
    return True


def start_simulator(work: Path, devices: list[dict], wait_s: float = 900) -> subprocess.Popen:
    busy = [d["ip"] for d in devices if not port_free(d["ip"], PORT)]
    if busy:
        raise RuntimeError(f"UDP port {PORT} already in use on {', '.join(busy[:5])}: another simulator runs")
    exe = Path(sys.executable).with_name("snmpsim-command-responder")
    argv = [str(exe), f"--data-dir={work / 'data'}", f"--cache-dir={work / 'cache'}", "--log-level=error",
            *(f"--agent-udpv4-endpoint={d['ip']}:{PORT}" for d in devices)]
    proc = subprocess.Popen(argv, env={**os.environ, "SNMPSIM_ALLOW_ROOT": "true"}, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + wait_s  # the first start indexes every value (~1.5 M: minutes)
    for d in devices:
        while True:
            out = subprocess.run(["snmpget", "-m", "", "-v2c", "-c", d["community"], "-t", "1", "-r", "0",
                                  f"{d['ip']}:{PORT}", "1.3.6.1.2.1.1.3.0"], capture_output=True, text=True)
            # any answer (a Checkmk walk's sysUpTime comes back an INTEGER: its file has no types)
            if proc.poll() is None and " = " in out.stdout:
                break
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("snmpsim did not come up")
            time.sleep(1)
    return proc


def config_for(devices: list[dict], path: Path) -> Path:
    lines = []
    for d in devices:
        lines += ["[[snmp.credentials]]", f'name = "{d["case"][:60]}"', 'version = "2c"',
                  f'community = "{d["community"]}"', f'ranges = ["{d["ip"]}/32"]', ""]
    lines += ["[snmp]", "communities = []", f"port = {PORT}", "timeout = 2.0", "retries = 1", ""]
    path.write_text("\n".join(lines))
    return path


def run_collector(devices: list[dict], config: Path, db: Path) -> tuple[float, int]:
    if db.exists():
        db.unlink()
    wall, rss, _ = timed([sys.executable, "-m", "collector", "scan", f"127.0.1.1-{len(devices)}", "--plugins",
                          "snmp", "--config", str(config), "--db", str(db), "-q"], 3600, in_lab=False)
    return wall, rss


def run_bulkwalks(devices: list[dict]) -> tuple[float, int]:
    start = time.monotonic()
    values = 0
    for d in devices:
        out = subprocess.run(["snmpbulkwalk", "-m", "", "-v2c", "-c", d["community"], "-t", "5", "-r", "1",
                              "-On", "-Cr25", f"{d['ip']}:{PORT}", ".1"], capture_output=True, text=True,
                             timeout=3600)
        values += out.stdout.count("\n")
    return time.monotonic() - start, values


def accuracy(devices: list[dict], db: Path) -> dict[str, tuple[int, int, list]]:
    from collector.store import Inventory

    with Inventory(db, create=False) as inv:
        records = {r["ips"][0]: r for r in inv.device_records()}
    out = {}
    for name in FIELDS:
        held = [(d["case"], d["expected"][name], (records.get(d["ip"]) or {}).get(name)) for d in devices
                if d["expected"][name] is not None]
        out[name] = (sum(1 for _c, e, g in held if e == g), len(held), [h for h in held if h[1] != h[2]])
    return out


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    RESULTS.mkdir(exist_ok=True)
    work = RESULTS / "snmpsim"
    devices = prepare(work)
    print(f"{len(devices)} recordings, {sum(d['values'] for d in devices):,} values; starting snmpsim ...",
          flush=True)
    sim = start_simulator(work, devices)
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = config_for(devices, Path(tmp) / "snmp.toml")
            db = Path(tmp) / "bench.db"
            ours, theirs = [], []
            for run in range(args.runs):
                ours.append(run_collector(devices, config, db))
                theirs.append(run_bulkwalks(devices))
                print(f"run {run + 1}: lan-collector {ours[-1][0]:.1f} s ({ours[-1][1] / 1024:.0f} MiB), "
                      f"sequential snmpbulkwalk {theirs[-1][0]:.1f} s ({theirs[-1][1]:,} values)", flush=True)
            acc = accuracy(devices, db)
    finally:
        os.killpg(sim.pid, signal.SIGTERM)
        sim.wait(timeout=30)
    wall = statistics.median(r[0] for r in ours)
    rss = statistics.median(r[1] for r in ours) / 1024
    base = statistics.median(r[0] for r in theirs)
    print(f"\nper-field accuracy over {len(devices)} recordings (where the recording holds the value):")
    ok = True
    for name, (right, held, wrong) in acc.items():
        pct = 100 * right / held if held else 100.0
        ok &= pct >= TARGETS[name]
        print(f"  {name:13} {right:3}/{held:<3} {pct:5.1f} %  (target {TARGETS[name]} %)"
              + (f"  misses: {wrong}" if wrong else ""))
    print(f"\nSNMP inventory of {len(devices)} devices: lan-collector {wall:.1f} s, sequential snmpbulkwalk "
          f"-v2c full trees {base:.1f} s: ratio {wall / base:.3f} (target <= 1); peak RSS {rss:.0f} MiB "
          f"(target <= 120)")
    ok &= wall <= base and rss <= 120
    (RESULTS / "snmp.json").write_text(json.dumps({"wall_s": wall, "bulkwalk_s": base, "rss_mib": rss,
                                                   "accuracy": {k: v[:2] for k, v in acc.items()}}, indent=1))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
