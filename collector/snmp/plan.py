"""What to read from one agent, in rounds, so that a device costs only what
the definitions that may describe it need:

1. the system group (first contact);
2. the objects of every definition the system group may recognise (its
   sysObjectID prefix or sysDescr pattern holds), and the probe objects of
   definitions that hide behind this kind of agent (a Synology NAS answers
   with net-snmp's sysObjectID: its model object is probed on net-snmp
   agents);
3. the remaining objects of definitions whose probe answered;
4. the standard subtrees, and the table columns the applicable definitions
   read.
"""

from __future__ import annotations

from collector.snmp.claims import Claims
from collector.snmp.definitions import Definition, definitions
from collector.snmp.engine import View, holds
from collector.snmp.mibs import CISCO_WALKS, STANDARD_WALKS, SYS_OBJECT_ID, SYSTEM_SCALARS, Mibs
from collector.snmp.walk import Walk, restrict

_SYSTEM_KEYS = ("sys_object_id", "sys_descr", "sys_name", "sys_contact", "sys_location")
_DATA_KEYS = ("oid", "walked", "software")


def agent_kinds(sys_object_id: str | None) -> set[str]:
    """The kinds of agent a sysObjectID says (definitions probe by kind)."""
    kinds = {"any"}
    oid = sys_object_id or ""
    if not oid or oid in ("0.0", "0.0.0"):
        kinds.add("none")
    elif oid.startswith(("1.3.6.1.4.1.8072.3.2.", "1.3.6.1.4.1.2021.250.")) or oid == "1.3.6.1.4.1.8072":
        kinds.add("net-snmp")
    elif oid.startswith("1.3.6.1.4.1.311.1.1.3"):
        kinds.add("windows")
    elif oid.startswith("1.3.6.1.4.1.12325.1.1.2"):
        kinds.add("bsnmpd")
    return kinds


def _system_part(cond: dict) -> dict:
    return {k: v for k, v in cond.items() if k in _SYSTEM_KEYS}


def _may_hold(cond: dict, view: View, kinds: set[str]) -> str | None:
    """'all' (read all of the definition), 'probe' (read the condition's
    probe object first) or None, from the system group alone."""
    if "any" in cond:
        results = [_may_hold(c, view, kinds) for c in cond["any"]]
        if "all" in results:
            return "all"
        if "probe" in results:
            return "probe"
    system = _system_part(cond)
    if system and holds(system, view) is None:
        return None
    if system:
        return "all"
    if any(k in cond for k in _DATA_KEYS) and kinds & set(cond.get("probe", ())):
        return "probe"
    return None


def candidates(system: Walk) -> tuple[list[Definition], list[tuple[Definition, list[str]]]]:
    """(definitions whose objects to read, (definition, probe objects) to try)
    given the system group."""
    view = View(system, Mibs(Walk()), Claims())
    kinds = agent_kinds(system.oid(SYS_OBJECT_ID))
    full: list[Definition] = []
    probes: list[tuple[Definition, list[str]]] = []
    for d in definitions():
        verdicts = [(_may_hold(c, view, kinds), c) for c in d.match]
        if any(v == "all" for v, _c in verdicts):
            full.append(d)
        else:
            oids = [c["oid"] for v, c in verdicts if v == "probe" and "oid" in c]
            if oids or any(v == "probe" for v, _c in verdicts):
                probes.append((d, oids))
    return full, probes


def first_scalars(system: Walk) -> list[str]:
    """Round 2: every object of the candidates, the probe objects of the rest."""
    full, probes = candidates(system)
    oids = [o for d in full for o in d.scalars] + [o for _d, ps in probes for o in ps]
    return [o for o in dict.fromkeys(oids) if o not in system]


def more_scalars(walk: Walk) -> list[str]:
    """Round 3: the other objects of definitions whose probe answered."""
    _full, probes = candidates(walk)
    view = View(walk, Mibs(Walk()), Claims())
    out: list[str] = []
    for d, _oids in probes:
        if any(holds(c, view) is not None for c in d.match if "oid" in c and not _system_part(c)):
            out.extend(o for o in d.scalars if o not in walk)
    return list(dict.fromkeys(out))


def walk_groups(walk: Walk) -> list[list[str]]:
    """Round 4: the standard subtrees, then the columns of the candidates."""
    groups = [list(g) for g in STANDARD_WALKS]
    if (walk.oid(SYS_OBJECT_ID) or "").startswith("1.3.6.1.4.1.9."):
        groups += [list(g) for g in CISCO_WALKS]
    full, probes = candidates(walk)
    view = View(walk, Mibs(Walk()), Claims())
    answered = [d for d, _o in probes
                if any(holds(c, view) is not None for c in d.match if "oid" in c and not _system_part(c))]
    columns = [c for d in full + answered for c in d.columns]
    columns += [c["walked"] for d, _o in probes for c in d.match if "walked" in c and "probe" in c]
    walked = {c for g in groups for c in g}
    extra = [c for c in dict.fromkeys(columns) if c not in walked]
    if extra:
        groups.append(extra)
    return groups


def simulate(full: Walk) -> Walk:
    """The part of a full recording a scan reads, round by round: what tests
    feed identification, so a recording cannot help it with data the
    collector never asks for."""
    walk = restrict(full, (), SYSTEM_SCALARS)
    walk.update(restrict(full, (), first_scalars(walk)))
    walk.update(restrict(full, (), more_scalars(walk)))
    roots = [r for g in walk_groups(walk) for r in g]
    walk.update(restrict(full, roots))
    return walk
