"""Per-field identification scores on the tuning set (no network).

    .venv/bin/python bench/snmp_tuning.py [--shared DIR] [--json FILE] [-v]

The tuning set is what definitions are written against (see README,
"The SNMP plugin"): the snmpsim-data recordings with a hand-checked expected
file (tests/fixtures/snmp/snmpsim), the walks recorded from the lab's agents
(tests/fixtures/snmp/lab) and the tuning half of the centreon walks
(tests/fixtures/snmp/centreon; the recordings are read from
shared/data/snmp-walks-centreon, found beside the repository or with
--shared), since 2026-11-30 the opened half of the held-out folder
(bench/snmp_scoring.py ``opened``; never the closed half), and since
2026-12-01 six real Checkmk stored walks (labels in tests/fixtures/snmp/checkmk,
walks in shared/data/snmp-walks-checkmk). Each recording is
restricted to what a scan reads (collector.snmp.plan.simulate) before
identification. A field counts where the expected file holds a value
(centreon files list the fields they score), matched as the held-out
scorer matches (bench/snmp_scoring.py: case, legal forms, true synonyms).

Run it against another checkout (the "before" numbers) with
``PYTHONPATH=/path/to/checkout``: recordings are still parsed by this
checkout's walk-file reader, and an older plan API is used if that is all
there is.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from snmp_scoring import FIELDS, load_cases, matches, shared_candidates  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "snmp"


def _walkfile():
    """This checkout's walk-file reader, whatever collector is on the path."""
    spec = importlib.util.spec_from_file_location("_walkfile", ROOT / "collector" / "snmp" / "walkfile.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def shared_dir(given: str | None) -> Path | None:
    for candidate in ([Path(given)] if given else []) + shared_candidates():
        if (candidate / "snmp-walks-centreon").is_dir():
            return candidate
    return None


def only_definitions(keep):
    """While inside, identification and the scan plan see only the
    definitions ``keep`` accepts (the benches that take definitions away)."""
    from collector.snmp import definitions as defs_mod

    return defs_mod.substituted(tuple(d for d in defs_mod.definitions() if keep(d)))


def identify_walk(full):
    from collector.snmp import plan
    from collector.snmp.identify import identify

    if hasattr(plan, "simulate"):
        return identify(plan.simulate(full)).best()
    # an older checkout (PYTHONPATH), whose plan went by sysObjectID only
    from collector.snmp.walk import restrict

    scalars, roots = plan.everything_read(full.oid("1.3.6.1.2.1.1.2.0"))  # type: ignore[attr-defined]
    return identify(restrict(full, roots, scalars)).best()


def cases(shared: Path | None):
    import snmpsim_data

    data = Path(snmpsim_data.__file__).parent / "data"
    for kind, folder, base in (("snmpsim", "snmpsim", data), ("lab", "lab", FIXTURES / "lab"),
                               ("centreon", "centreon", shared / "snmp-walks-centreon" if shared else None),
                               ("checkmk", "checkmk", shared / "snmp-walks-checkmk" if shared else None)):
        for path in sorted((FIXTURES / folder).glob("*.json")):
            if path.name == "SOURCE.json":
                continue
            spec = json.loads(path.read_text())
            if "recording" not in spec or base is None:
                continue
            scored = spec.get("scored") or [f for f in FIELDS if spec["expected"].get(f) is not None]
            yield kind, path.stem, base / spec["recording"], spec["expected"], scored
    # the opened half of the held-out folder (tuning data since 2026-11-30; never the closed half)
    for case in load_cases("opened"):
        scored = [f for f in FIELDS if case.expected.get(f) is not None]
        yield "opened", case.name, case.path, case.expected, scored


def same(field: str, expected: object, got: object, vendor: object = None) -> bool:
    """The held-out scorer's matching (bench/snmp_scoring.py), for every set."""
    return got is not None and expected is not None and matches(field, expected, got, vendor)


def tally(scores: dict[str, dict[str, list[int]]], misses: list[tuple], kind: str, name: str,
          scored: list[str], expected: dict, got: dict, *extra: object) -> None:
    """Count one recording's scored fields (right, held) under its kind and "all"."""
    for field in scored:
        for key in (kind, "all"):
            cell = scores.setdefault(key, {}).setdefault(field, [0, 0])
            cell[1] += 1
            cell[0] += same(field, expected.get(field), got.get(field), expected.get("vendor"))
        if not same(field, expected.get(field), got.get(field), expected.get("vendor")):
            misses.append((kind, name, field, expected.get(field), got.get(field), *extra))


def print_scores(scores: dict[str, dict[str, list[int]]]) -> None:
    for kind, by_field in scores.items():
        line = "  ".join(f"{f} {r}/{h} ({100 * r / h:.0f} %)" for f in FIELDS if (c := by_field.get(f))
                         for r, h in [c])
        print(f"{kind:9} {line}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", help="the shared/data directory (for the centreon walks)")
    ap.add_argument("--json", help="write the scores here")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = ap.parse_args()
    walkfile = _walkfile()
    shared = shared_dir(args.shared)
    if shared is None:
        print("note: shared/data/snmp-walks-centreon not found: centreon walks skipped", file=sys.stderr)
    scores: dict[str, dict[str, list[int]]] = {}
    misses: list[tuple] = []
    for kind, name, recording, expected, scored in cases(shared):
        got = identify_walk(walkfile.load_walk_file(recording))
        tally(scores, misses, kind, name, scored, expected, got)
    print_scores(scores)
    if args.verbose:
        for miss in misses:
            print("  miss:", *miss)
    if args.json:
        Path(args.json).write_text(json.dumps({"scores": scores, "misses": misses}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
