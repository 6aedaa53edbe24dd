"""What to read from one agent: the system group first, then the standard
subtrees, then what the vendor modules for its sysObjectID ask for."""

from __future__ import annotations

from collector.snmp.mibs import CISCO_WALKS, STANDARD_WALKS, SYSTEM_SCALARS
from collector.snmp.vendors import modules_for, scalars_of


def vendor_scalars(sys_object_id: str | None) -> list[str]:
    return list(dict.fromkeys(s for m in modules_for(sys_object_id) for s in scalars_of(m)))


def walk_groups(sys_object_id: str | None) -> list[list[str]]:
    groups = [list(g) for g in STANDARD_WALKS]
    if sys_object_id and sys_object_id.startswith("1.3.6.1.4.1.9."):
        groups += CISCO_WALKS
    for mod in modules_for(sys_object_id):
        groups += [list(g) for g in mod.WALKS]
    return groups


def everything_read(sys_object_id: str | None) -> tuple[list[str], list[str]]:
    """(scalars, subtree roots) a scan reads from such an agent: what tests
    restrict full recordings to."""
    scalars = SYSTEM_SCALARS + vendor_scalars(sys_object_id)
    roots = [root for group in walk_groups(sys_object_id) for root in group]
    return scalars, roots
