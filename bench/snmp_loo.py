"""Leave-family-out scores on the tuning set (no network): how the generic
rules do on a device whose family no definition knows.

    .venv/bin/python bench/snmp_loo.py [--shared DIR] [-v]

Each tuning recording (bench/snmp_tuning.py's cases) is identified once to
learn which definitions recognise it; then those definitions (every one
outside ``defs/generic/``) are taken away, the plan and identification are
run again, and the fields are scored as bench/snmp_tuning.py scores them.
The OS-wide families every install has (:data:`KEPT`: generic Linux and
Windows) stay.
This is a proxy for the long tail: a recording of a vendor or product line
nobody wrote a definition for. Like every tuning number it is about data
the rules were written against, so it guides work on the generic rules; it
does not replace the held-out score.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from snmp_tuning import _walkfile, cases, only_definitions, print_scores, shared_dir, tally  # noqa: E402


#: families that are no product line: an unknown device still meets them
KEPT = frozenset({"linux", "windows"})


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--shared", help="the shared/data directory (for the centreon walks)")
    ap.add_argument("-v", "--verbose", action="store_true", help="list every miss")
    args = ap.parse_args()
    from collector.snmp.identify import identify
    from collector.snmp.plan import simulate

    walkfile = _walkfile()
    shared = shared_dir(args.shared)
    scores: dict[str, dict[str, list[int]]] = {}
    misses: list[tuple] = []
    for kind, name, recording, expected, scored in cases(shared):
        full = walkfile.load_walk_file(recording)
        gone = set(identify(simulate(full)).definitions)
        with only_definitions(lambda d: d.family not in gone or d.family in KEPT or
                              "/generic/" in d.path.replace("\\", "/")):
            got = identify(simulate(full))
        tally(scores, misses, kind, name, scored, expected, got.best(), sorted(gone))
    print_scores(scores)
    if args.verbose:
        for miss in misses:
            print("  miss:", *miss)
    return 0


if __name__ == "__main__":
    sys.exit(main())
