"""SNMP identification: tuning vs held-out, per field, offline or live.

    .venv/bin/python bench/snmp_eval.py [--set tuning|opened|heldout|all] [--details]
    sudo .venv/bin/python bench/snmp_eval.py --live [--set ...] [--runs 3] [--no-baseline]

Offline (fast, for development): each recording is read into a Walk and
given to ``collector.snmp.identify.identify``; ``.best()`` is scored. The
whole recording is visible there, while a scan reads only what it asks for,
so offline can overstate: it is never the published number.

Live (the published number): the recordings are served by one snmpsim
process on 127.0.1.1-N (loopback only, as ``snmp_bench.py`` does: one
community per device, each credential limited to its one address), the real
``lan-collector scan 127.0.1.1-N --plugins snmp`` fills a temporary
inventory, and its ``export --format json`` is scored. In the same run,
interleaved, sequential ``snmpbulkwalk -v2c`` full-tree walks of the same
devices give the baseline; wall times and the scan's peak RSS (GNU time)
are medians of ``--runs``. Each run scans into a fresh inventory, as a new
user's first scan does; the scores printed are the first run's, and with
several runs every run is scored and the spread is printed per field (the
same devices must give the same fields run after run: a slow agent may not
lose fields). On the closed half only counts are printed, never which
devices moved.

Matching rules: see ``bench/snmp_scoring.py`` (and the README section
"SNMP identification: tuning vs held-out").
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
import snmp_bench  # noqa: E402
from snmp_scoring import FIELDS, OPTIONAL_FIELDS, Case, load_cases, offline_result, score, table  # noqa: E402
from snmp_scoring import SETS, from_export  # noqa: E402

#: Not snmp_bench's 1161: both may run at once on one machine.
PORT = 1171
NOTE_OFFLINE = ("offline: identify() sees the whole recording; a scan reads only part of it, so these "
                "numbers can overstate. Publish the --live numbers.")


def groups(cases: list[Case]) -> dict[str, list[Case]]:
    out: dict[str, list[Case]] = {}
    for case in cases:
        key = case.set if not case.duplicate_of else f"{case.set} (same device as another recording)"
        out.setdefault(key, []).append(case)
    return out


def report(cases: list[Case], results: dict[str, dict], fields: tuple[str, ...], details: bool) -> dict:
    summary = {}
    for name, members in groups(cases).items():
        tallies = score(members, results, fields)
        print(f"\n## {name}: {len(members)} recordings\n")
        print(table(tallies, details))
        summary[name] = {f: [t.right, t.held] for f, t in tallies.items() if t.held}
    return summary


def offline(cases: list[Case], details: bool) -> int:
    results = {}
    for case in cases:
        try:
            results[case.name] = offline_result(case)
        except Exception as exc:  # one bad recording must not hide the others' scores
            print(f"{case.name}: identification failed: {type(exc).__name__}: {exc}", file=sys.stderr)
            results[case.name] = {}
    print(NOTE_OFFLINE)
    report(cases, results, FIELDS + ("kernel_version",), details)
    return 0


def export_json(db: Path) -> list[dict]:
    out = subprocess.run([sys.executable, "-m", "collector", "export", "--format", "json", "--db", str(db)],
                         capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        raise RuntimeError(f"export failed: {out.stderr.strip()[:300]}")
    return json.loads(out.stdout)


def _by_case(records: list[dict], by_ip: dict[str, str]) -> dict[str, dict]:
    """Each recording's device in an export (by the address it was served on)."""
    results: dict[str, dict] = {}
    for record in records:
        for ip in record.get("ips") or []:
            if ip in by_ip:
                results[by_ip[ip]] = from_export(record)
    return results


def stability(cases: list[Case], per_run: list[dict[str, dict]], fields: tuple[str, ...],
              names_shown: bool) -> dict[str, list[int]]:
    """Print, per field, the right count of every run and how many devices
    gave that field differently in some run (which ones only where
    ``names_shown``: never on the closed half)."""
    rights = {f: [] for f in fields}
    for results in per_run:
        tallies = score([c for c in cases if not c.duplicate_of], results, fields)
        for f in fields:
            rights[f].append(tallies[f].right if f in tallies else 0)
    moved: dict[str, list[str]] = {f: [] for f in fields}
    for case in cases:
        for f in fields:
            values = {json.dumps((r.get(case.name) or {}).get(f)) for r in per_run}
            if len(values) > 1:
                moved[f].append(case.name)
    print(f"\nrun to run ({len(per_run)} runs, each into a fresh inventory): right per run, and recordings "
          "whose value changed between runs")
    for f in fields:
        if any(rights[f]) or moved[f]:
            line = f"  {f}: {'/'.join(map(str, rights[f]))}; changed on {len(moved[f])}"
            print(line + (f" ({', '.join(moved[f])})" if names_shown and moved[f] else ""))
    return rights


def live(cases: list[Case], runs: int, baseline: bool, details: bool, work: Path, simulators: int = 1,
         port: int = PORT) -> int:
    snmp_bench.PORT = port
    devices = snmp_bench.prepare(work, [(c.name, c.path, c.expected) for c in cases])
    by_ip = {d["ip"]: d["case"] for d in devices}
    print(f"{len(devices)} recordings, {sum(d['values'] for d in devices):,} values; starting snmpsim "
          f"(the first start indexes every value) ...", flush=True)
    started = time.monotonic()
    # one process serves its endpoints one request at a time; with --simulators N the devices
    # are spread over N processes sharing the data (a real network has one agent per device)
    sims: list[subprocess.Popen] = []
    try:
        for i in range(simulators):
            sims.append(snmp_bench.start_simulator(work, devices[i::simulators], wait_s=7200))
    except BaseException:
        _stop(sims)
        raise
    print(f"{simulators} snmpsim process(es) up after {time.monotonic() - started:.0f} s", flush=True)
    ours: list[tuple[float, int]] = []
    theirs: list[tuple[float, int]] = []
    per_run: list[dict[str, dict]] = []
    try:
        with tempfile.TemporaryDirectory() as tmp:
            config = snmp_bench.config_for(devices, Path(tmp) / "snmp.toml")
            for run in range(runs):
                db = Path(tmp) / f"eval-{run + 1}.db"  # a fresh inventory each run, as a first scan
                ours.append(snmp_bench.run_collector(devices, config, db))
                line = f"run {run + 1}: lan-collector {ours[-1][0]:.1f} s ({ours[-1][1] / 1024:.0f} MiB)"
                if baseline:
                    theirs.append(snmp_bench.run_bulkwalks(devices))
                    line += f", sequential snmpbulkwalk {theirs[-1][0]:.1f} s ({theirs[-1][1]:,} values)"
                print(line, flush=True)
                per_run.append(_by_case(export_json(db), by_ip))
    finally:
        _stop(sims)
    results = per_run[0]
    print(f"\nlive: lan-collector scan --plugins snmp, JSON export of the first run; {len(results)} of "
          f"{len(devices)} recordings became devices ({simulators} snmpsim process(es))")
    summary = report(cases, results, FIELDS + OPTIONAL_FIELDS, details)
    if runs > 1:
        stability(cases, per_run, FIELDS + OPTIONAL_FIELDS, names_shown=cases[0].set != "heldout")
    wall = statistics.median(r[0] for r in ours)
    rss = statistics.median(r[1] for r in ours) / 1024
    speed = {"runs": runs, "wall_s": [r[0] for r in ours], "rss_mib": [r[1] / 1024 for r in ours]}
    line = f"\nscan of {len(devices)} devices: median {wall:.1f} s, peak RSS median {rss:.0f} MiB"
    if theirs:
        base = statistics.median(r[0] for r in theirs)
        speed["bulkwalk_s"] = [r[0] for r in theirs]
        line += f"; sequential snmpbulkwalk full trees median {base:.1f} s: ratio {wall / base:.3f}"
    print(line + f" (medians of {runs})")
    out = snmp_bench.RESULTS / f"snmp_eval_{work.name}-sim{simulators}.json"
    out.write_text(json.dumps({"set": [c.name for c in cases], "scores": summary, "speed": speed,
                               "results": results, "later_runs": per_run[1:]}, indent=1))
    print(f"written {out.relative_to(snmp_bench.ROOT)}")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", choices=SETS, default="heldout")
    ap.add_argument("--live", action="store_true", help="serve with snmpsim and run the real scan (root)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--no-baseline", dest="baseline", action="store_false",
                    help="live: skip the snmpbulkwalk full-tree baseline")
    ap.add_argument("--max-values", type=int, default=0,
                    help="live: leave out recordings with more values (0: none left out); they are listed")
    ap.add_argument("--min-values", type=int, default=0,
                    help="live: only recordings with more values than this (to run the large ones apart)")
    ap.add_argument("--simulators", type=int, default=1,
                    help="live: snmpsim processes to spread the devices over (default 1, as snmp_bench.py)")
    ap.add_argument("--port", type=int, default=PORT, help=f"live: UDP port of the simulated agents ({PORT})")
    ap.add_argument("--rescore", type=Path, metavar="JSON", nargs="+",
                    help="score the per-device results live runs wrote (several: merged), e.g. after a "
                         "label or rule change")
    ap.add_argument("--details", action="store_true", help="list every wrong and missing value")
    args = ap.parse_args()
    if args.runs < 1:
        ap.error("--runs must be at least 1")
    cases = load_cases(args.set)
    if not cases:
        print(f"snmp_eval: no expected files for --set {args.set}", file=sys.stderr)
        return 2
    if args.rescore:
        names: set[str] = set()
        merged: dict[str, dict] = {}
        for path in args.rescore:
            try:
                saved = json.loads(path.read_text())
                names |= set(saved["set"])
                merged.update(saved["results"])
            except (OSError, ValueError, KeyError) as exc:
                print(f"snmp_eval: cannot read {path}: {exc}", file=sys.stderr)
                return 2
            print(f"live results of {path}: speed {saved.get('speed')}")
        report([c for c in cases if c.name in names], merged, FIELDS + OPTIONAL_FIELDS, args.details)
        return 0
    if not args.live:
        return offline(cases, args.details)
    if not 1 <= args.simulators <= 16:
        ap.error("--simulators must be 1-16")
    work = f"snmpeval-{args.set}"
    if args.max_values or args.min_values:
        sizes = {c.name: _values(c.path) for c in cases}
        keep = [c for c in cases if sizes[c.name] > args.min_values
                and (not args.max_values or sizes[c.name] <= args.max_values)]
        left = [c.name for c in cases if c not in keep]
        print(f"left out of this live run ({len(left)}, by --min-values/--max-values): {', '.join(left)}")
        cases, work = keep, f"{work}-{args.min_values}-{args.max_values}"
    snmp_bench.RESULTS.mkdir(exist_ok=True)
    return live(cases, args.runs, args.baseline, args.details, snmp_bench.RESULTS / work, args.simulators,
                args.port)


def _stop(sims: list[subprocess.Popen]) -> None:
    for sim in sims:
        os.killpg(sim.pid, signal.SIGTERM)
        sim.wait(timeout=60)


def _values(path: Path) -> int:
    import bz2

    opener = bz2.open if path.suffix == ".bz2" else open
    with opener(path, "rb") as fh:
        return sum(1 for _ in fh)


if __name__ == "__main__":
    sys.exit(main())
