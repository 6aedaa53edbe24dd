"""The network rule, enforced: lab scans run only inside the lab's collector
namespace, and only towards lab addresses.

``python -m collector.lab.guard CMD...`` checks, from inside the namespace it
was started in, that it is the lab collector namespace and that it is
isolated, then replaces itself with CMD.
"""

from __future__ import annotations

import ipaddress
import os
import sys

from collector.lab import topology as topo
from collector.lab.netns import NETNS_DIR, LabError, isolation_problems
from collector.scope import ScopeError, parse_target


def in_collector_namespace() -> bool:
    try:
        lab = os.stat(NETNS_DIR / topo.COLLECTOR_NS)
        mine = os.stat("/proc/self/ns/net")
    except OSError:
        return False
    return (lab.st_dev, lab.st_ino) == (mine.st_dev, mine.st_ino)


def assert_inside_lab() -> None:
    if not in_collector_namespace():
        raise LabError(f"refusing to run: this process is not in the lab namespace {topo.COLLECTOR_NS}")
    problems = isolation_problems(topo.COLLECTOR_NS)
    if problems:
        raise LabError("refusing to run: the lab namespace is not isolated: " + "; ".join(problems))


def check_lab_targets(targets: list[str]) -> None:
    """Every target must be lab address space (198.18.0.0/15)."""
    if not targets:
        raise LabError("a lab scan needs explicit lab targets")
    for spec in targets:
        try:
            target = parse_target(spec, resolve=False)
        except ScopeError as exc:
            raise LabError(f"refusing lab target {spec!r}: {exc}") from None
        # the lab is one contiguous block: a target inside it has both ends inside it
        net = target.network or ipaddress.IPv4Network(target.first)
        lab = topo.LAB_SUPERNET
        if not (int(lab.network_address) <= target.first and target.last <= int(lab.broadcast_address)
                and net.subnet_of(lab)):
            raise LabError(f"refusing lab target {spec!r}: {target.describe()} is outside the lab ({lab})")


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m collector.lab.guard CMD [ARGS...]", file=sys.stderr)
        return 2
    try:
        assert_inside_lab()
    except LabError as exc:
        print(f"lan-collector lab: {exc}", file=sys.stderr)
        return 3
    os.execvp(argv[0], argv)
    return 127  # not reached


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
