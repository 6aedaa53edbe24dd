"""Print pip constraints pinning every declared dependency to its lower bound.

`./dev.sh min-deps` installs the project with these into a fresh venv and runs
the unit tests: a declared minimum that does not work fails there.
Usage: python tools/min_constraints.py [pyproject.toml] [--extras test]
"""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

_REQ = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*(.*)$")


def lower_bounds(requirements: list[str]) -> dict[str, str]:
    out = {}
    for req in requirements:
        m = _REQ.match(req.split(";")[0])
        if not m:
            raise SystemExit(f"cannot read requirement {req!r}")
        name, spec = m.group(1), m.group(2)
        low = re.search(r">=\s*([0-9][0-9A-Za-z.]*)", spec)
        if low:
            out[name.lower()] = low.group(1)
    return out


def main(argv: list[str]) -> int:
    path = Path(argv[0]) if argv and not argv[0].startswith("--") else Path("pyproject.toml")
    extras = argv[argv.index("--extras") + 1].split(",") if "--extras" in argv else []
    project = tomllib.loads(path.read_text())["project"]
    reqs = list(project.get("dependencies", []))
    for extra in extras:
        reqs += project.get("optional-dependencies", {}).get(extra, [])
    for name, version in sorted(lower_bounds(reqs).items()):
        print(f"{name}=={version}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
