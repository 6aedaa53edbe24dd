"""Derive the *MIB kind table* (``collector/snmp/mibkinds.json``): the
subtrees of vendors' UPS and PDU MIBs whose answering says the box is a UPS
or a PDU (``PowerNet-MIB::ups`` 1.3.6.1.4.1.318.1.1.1, ``PDU2-MIB::pdu2``
1.3.6.1.4.1.13742.6, ``BESTPOWER-MIB::upsIdent`` ...), from the same MIB
collections as the MIB field table (``tools/derive_mibfields.py``, whose
parser this reuses).

    python tools/derive_mibkinds.py \
        --source netdisco/netdisco-mibs <commit> <checkout> \
        --source cisco-kusanagi/mibs.snmplabs.com <commit> <checkout>/asn1 \
        [--out collector/snmp/mibkinds.json]

A node is taken when three things hold, so that a switch's or a NAS's MIB
for the UPS plugged into it, or a protocol's "PDU", does not make the box a
UPS or a PDU:

1. its name starts with the kind of box, as the identity objects' rule reads
   names (:func:`collector.snmp.mibfields.kind_of`: ``upsBasic``, ``xups``,
   ``lcUpsIdent``, ``rPDU``, ``pdu2``);
2. its module describes a box of that kind: one of the module's own
   identity objects (a model, serial, firmware or version object by its
   name, :func:`derive_mibfields.role`) names the same kind
   (``upsBasicIdentModel``, ``pdu2Model``); a module whose "Ups" objects
   only watch an attached UPS (``SYNOLOGY-UPS-MIB`` has its own
   ``upsInfoModel``, so it stays; ``READYNAS-MIB::upsMesg`` goes) or a
   routing protocol's ``ciiPduLspId`` has none;
3. nothing of another kind lies under it in any module (Socomec's PDU MIB
   calls 1.3.6.1.4.1.4555.1.1 ``pduAgent``, where its UPS MIB has the UPS
   objects).

Only the topmost such node of a kind is kept. Only OIDs, object names and
the kind are kept (facts); no MIB text is copied. Observium's and LibreNMS's
MIBs are never read.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout: its collector
sys.path.insert(0, str(Path(__file__).resolve().parent))
from derive_mibfields import Tree, derive_main, load_tree, role  # noqa: E402

from collector.snmp.generic import STANDARDS_PENS  # noqa: E402
from collector.snmp.mibfields import kind_of  # noqa: E402


def _key(oid: str) -> list[int]:
    return [int(x) for x in oid.split(".")]


def kinds(tree: Tree) -> tuple[dict[str, list[str]], dict[str, int]]:
    """``{oid: [kind, "MODULE::name"]}`` of the topmost UPS/PDU nodes (see
    the module docstring), and counts."""
    module_kinds: dict[str, set[str]] = defaultdict(set)
    for mod in tree.modules.values():
        for obj in mod.objects.values():
            if obj.oid and obj.kind == "OBJECT-TYPE" and role(obj.name) and (kind := kind_of(obj.name)):
                module_kinds[mod.name].add(kind)
    nodes: dict[str, tuple[str, str]] = {}
    for mod in tree.modules.values():
        allowed = module_kinds.get(mod.name)
        if not allowed:
            continue
        for obj in mod.objects.values():
            oid = obj.oid
            if not oid or not oid.startswith("1.3.6.1.4.1."):
                continue
            parts = oid.split(".")
            if len(parts) < 8 or parts[6] in STANDARDS_PENS:
                continue  # a whole enterprise is no kind of box; a standards body's MIB describes none
            kind = kind_of(obj.name)
            if kind in allowed:
                nodes.setdefault(oid, (kind, f"{mod.name}::{obj.name}"))  # the first module's name
    below: dict[str, set[str]] = defaultdict(set)
    for oid, (kind, _name) in nodes.items():
        parts = oid.split(".")
        for n in range(8, len(parts) + 1):
            below[".".join(parts[:n])].add(kind)
    table: dict[str, list[str]] = {}
    for oid in sorted(nodes, key=_key):
        kind, name = nodes[oid]
        if below[oid] != {kind}:
            continue  # another kind's objects under it
        parts = oid.split(".")
        if any(table.get(".".join(parts[:n]), [None])[0] == kind for n in range(8, len(parts))):
            continue  # under a node of its kind already kept
        table[oid] = [kind, name]
    stats = {"modules_describing_a_kind": len(module_kinds), "nodes": len(nodes), "kept": len(table)}
    return table, stats


#: Parse every file under each root (the first root's copy of a module wins).
load = load_tree


def main(argv: list[str] | None = None) -> int:
    return derive_main(argv, __doc__ or "", "tools/derive_mibkinds.py",
                       "the vendors' MIBs, published for use by management tools; only OIDs, object names and "
                       "the kind of box their names say are kept", "kinds", kinds,
                       lambda table, stats: f"{len(table)} UPS/PDU subtrees from {stats['modules']} modules")

if __name__ == "__main__":
    raise SystemExit(main())
