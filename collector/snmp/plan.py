"""What to read from one agent, in rounds, so that a device costs only what
the definitions that may describe it need:

1. the system group (first contact);
2. for agents whose sysObjectID names only their software (net-snmp,
   Windows, bsnmpd), no definition's, or none at all: which enterprise
   subtrees answer, one GETNEXT per enterprise (a Synology NAS answers with
   net-snmp's sysObjectID, and its MIB at 1.3.6.1.4.1.6574);
3. the objects of every definition the system group or those subtrees may
   recognise, and the probe objects of definitions that hide behind this
   kind of agent;
4. the remaining objects of definitions whose probe answered;
5. the standard subtrees, and the table columns the applicable definitions
   read.

:func:`simulate` replays these rounds on a full recording: the tests feed
identification what a scan would have read, never more.
"""

from __future__ import annotations

import bisect
import functools
from collections.abc import Iterable

from collector.snmp import mibfields
from collector.snmp.claims import Claims
from collector.snmp.definitions import ENTERPRISES, Definition, definitions, index
from collector.snmp.engine import View, holds
from collector.snmp.generic import pen_of
from collector.snmp.mibs import (CISCO_WALKS, STANDARD_WALKS, SYS_CONTACT, SYS_DESCR, SYS_LOCATION, SYS_NAME,
                                 SYS_OBJECT_ID, SYSTEM_SCALARS, Mibs)
from collector.snmp.walk import Walk, oid_key, restrict

_SYSTEM_KEYS = ("sys_object_id", "sys_descr", "sys_name", "sys_contact", "sys_location")
_DATA_KEYS = ("oid", "walked", "software")
#: Most enterprise subtrees discovered per agent.
MAX_ENTERPRISES = 10
#: Where the enterprise discovery's GETNEXTs start, all in one request: the
#: first enterprise subtree at or after each of these points answers. The
#: points skip past the agents' own subtrees (LanMgr 77, Microsoft 311, UCD
#: 2021, net-snmp 8072) and spread over the enterprise numbers in use.
DISCOVERY_STARTS = tuple(f"{ENTERPRISES}{suffix}" for suffix in (
    "", ".78", ".312", ".1000", ".2022", ".3000", ".5000", ".8073", ".10000", ".15000", ".20000", ".25000",
    ".30000", ".40000", ".50000", ".60000"))


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


@functools.lru_cache(maxsize=4096)
def _claimed_by_a_definition(sys_object_id: str) -> bool:
    parts = sys_object_id.split(".")
    prefixes = index().by_prefix
    return any(".".join(parts[:n]) in prefixes for n in range(7, len(parts) + 1))


def discover_enterprises(system: Walk) -> bool:
    """Whether to look for the enterprise subtrees this agent answers."""
    oid = system.oid(SYS_OBJECT_ID)
    if agent_kinds(oid) & {"none", "net-snmp", "windows", "bsnmpd"}:
        return True
    return not _claimed_by_a_definition(oid or "")


def next_enterprise(oid: str) -> str | None:
    """Where the next GETNEXT of the discovery starts, after an answer at ``oid``."""
    parts = oid.split(".")
    if oid.startswith(ENTERPRISES + ".") and len(parts) > 6 and parts[6].isdigit():
        return f"{ENTERPRISES}.{int(parts[6]) + 1}"
    return None


_PARTS: dict[int, dict] = {}


def _system_part(cond: dict) -> dict:
    """The part of a condition the system group decides (kept per condition)."""
    part = _PARTS.get(id(cond))
    if part is None:
        part = _PARTS[id(cond)] = {k: v for k, v in cond.items() if k in _SYSTEM_KEYS}
    return part


def _conditions(cond: dict) -> list[dict]:
    return [cond, *(c for sub in cond.get("any", ()) for c in _conditions(sub))]


@functools.lru_cache(maxsize=64)
def _system_verdicts(values: tuple[str | None, ...]) -> dict[int, bool]:
    """id(condition) -> whether its system part holds, for one system group
    (the rounds of one device ask the same questions: ask them once)."""
    walk = Walk()
    for oid, value in zip((SYS_DESCR, SYS_OBJECT_ID, SYS_NAME, SYS_CONTACT, SYS_LOCATION), values):
        if value is not None:
            walk.set(oid, 6 if oid == SYS_OBJECT_ID else 4, value if oid == SYS_OBJECT_ID else value.encode())
    view = _view(walk)
    out: dict[int, bool] = {}
    for d in definitions():
        for top in d.match:
            for cond in _conditions(top):
                part = _system_part(cond)
                if part:
                    out[id(cond)] = holds(part, view) is not None
    return out


def _may_hold(cond: dict, view: View, kinds: set[str], verdicts: dict[int, bool]) -> str | None:
    """'all' (read all of the definition), 'probe' (read the condition's
    probe object first) or None, from the system group and what was read."""
    system = _system_part(cond)
    if system and not verdicts.get(id(cond), False):
        return None
    if any(k in cond for k in ("oid", "walked", "software", "enterprise", "not", "any")) \
            and holds(cond, view) is not None:
        return "all"  # already holds on what was read (an enterprise subtree found, a probe answered)
    if "any" in cond:
        results = [_may_hold(c, view, kinds, verdicts) for c in cond["any"]]
        if "all" in results:
            return "all"
        if "probe" in results:
            return "probe"
    if "enterprise" in cond and not view.enterprises() & set(cond["enterprise"]):
        return None
    if system or "enterprise" in cond:
        return "all"
    if any(k in cond for k in _DATA_KEYS) and (kinds & set(cond.get("probe", ())) or _own_probe(cond, view)):
        return "probe"
    return None


def _own_probe(cond: dict, view: View) -> bool:
    """A probe object under the agent's own enterprise (the sysObjectID's):
    read whatever agent kinds the probe names. A maker's agent whose
    sysObjectID no definition lists (UniFi firmware answering the bare
    Ubiquiti enterprise) still answers its own MIB (found by helper dd4)."""
    pen = pen_of(view.system("sys_object_id")) if "probe" in cond else None
    target = cond.get("oid") or cond.get("walked") or ""
    return pen is not None and target.startswith(f"{ENTERPRISES}.{pen}.")


def _view(walk: Walk) -> View:
    return View(walk, Mibs(Walk()), Claims())


@functools.lru_cache(maxsize=64)
def _open(values: tuple[str | None, ...]) -> tuple[tuple[Definition, tuple[dict, ...]], ...]:
    """The definitions, each with the conditions the system group does not
    rule out (a condition whose system part fails may not hold whatever else
    is read): most definitions have none left, and each round of a device
    looks only at the rest."""
    verdicts = _system_verdicts(values)
    out = []
    for d in definitions():
        conds = tuple(c for c in d.match if not _system_part(c) or verdicts.get(id(c), False))
        if conds:
            out.append((d, conds))
    return tuple(out)


def candidates(system: Walk) -> tuple[list[Definition], list[tuple[Definition, list[str]]]]:
    """(definitions whose objects to read, (definition, probe objects) to try)
    given the system group and the enterprise subtrees found."""
    view = _view(system)
    kinds = agent_kinds(system.oid(SYS_OBJECT_ID))
    values = tuple(view.system(k) for k in ("sys_descr", "sys_object_id", "sys_name", "sys_contact", "sys_location"))
    verdicts = _system_verdicts(values)
    full: list[Definition] = []
    probes: list[tuple[Definition, list[str]]] = []
    for d, conds in _open(values):
        results = [(_may_hold(c, view, kinds, verdicts), c) for c in conds]
        if any(v == "all" for v, _c in results):
            full.append(d)
        elif any(v == "probe" for v, _c in results):
            probes.append((d, [c["oid"] for v, c in results if v == "probe" and "oid" in c]))
    return full, probes


def first_scalars(system: Walk) -> list[str]:
    """Every object of the candidates, the probe objects of the rest, and
    the identity objects of the agent's enterprises (:mod:`mibfields`)."""
    full, probes = candidates(system)
    oids = [o for d in full for o in d.scalars] + [o for _d, ps in probes for o in ps]
    oids += mibfields.oids(system, _view(system).enterprises())
    return [o for o in dict.fromkeys(oids) if o not in system]


def _probe_answered(d: Definition, view: View) -> bool:
    return any(holds(c, view) is not None for c in d.match if ("oid" in c or "walked" in c) and not _system_part(c))


def more_scalars(walk: Walk, asked: Iterable[str] = ()) -> list[str]:
    """The other objects of definitions whose probe answered, not yet
    ``asked``. A probe that answered usually makes its definition a full
    candidate (its condition now holds), so those count too: before, only
    the ones still "to probe" did, and a definition recognised by its probe
    on a net-snmp agent never had its other scalars read."""
    full, probes = candidates(walk)
    view = _view(walk)
    skip = set(asked)
    out = [o for d in full for o in d.scalars] + \
        [o for d, _oids in probes if _probe_answered(d, view) for o in d.scalars]
    return [o for o in dict.fromkeys(out) if o not in walk and o not in skip]


def walk_groups(walk: Walk) -> list[list[str]]:
    """The standard subtrees, then the columns of the candidates."""
    groups = [list(g) for g in STANDARD_WALKS]
    if (walk.oid(SYS_OBJECT_ID) or "").startswith("1.3.6.1.4.1.9."):
        groups += [list(g) for g in CISCO_WALKS]
    full, probes = candidates(walk)
    view = _view(walk)
    answered = [d for d, _o in probes if _probe_answered(d, view)]
    columns = [c for d in full + answered for c in d.columns]
    columns += [c["walked"] for d, _o in probes for c in d.match if "walked" in c and "probe" in c]
    walked = {c for g in groups for c in g}
    extra = [c for c in dict.fromkeys(columns) if c not in walked]
    if extra:
        groups.append(extra)
    return groups


class Replay:
    """GETNEXT over a full recording (what :func:`simulate` asks it)."""

    def __init__(self, full: Walk) -> None:
        self.full = full
        self.keys = sorted((oid_key(o), o) for o in full.data)

    def next(self, oid: str) -> str | None:
        i = bisect.bisect_right(self.keys, (oid_key(oid), "\uffff"))
        return self.keys[i][1] if i < len(self.keys) else None


def discovered(replay: Replay) -> list[str]:
    """The enterprise discovery's answers on a recording (what one GETNEXT
    of :data:`DISCOVERY_STARTS` gives)."""
    found = (replay.next(start) for start in DISCOVERY_STARTS)
    return list(dict.fromkeys(o for o in found if o and o.startswith(ENTERPRISES + ".")))


def simulate(full: Walk) -> Walk:
    """The part of a full recording a scan reads, round by round."""
    walk = restrict(full, (), SYSTEM_SCALARS)
    if discover_enterprises(walk):
        walk.update(restrict(full, (), discovered(Replay(full))))
    first = first_scalars(walk)
    walk.update(restrict(full, (), first))
    walk.update(restrict(full, (), more_scalars(walk, first)))
    roots = [r for g in walk_groups(walk) for r in g]
    walk.update(restrict(full, roots))
    return walk
