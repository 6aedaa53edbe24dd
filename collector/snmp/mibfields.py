"""A maker's own identity objects, from its MIB's object names: the scalars
whose name says they hold the box's model, serial number, firmware or
software version (``PowerNet-MIB::upsBasicIdentModel``,
``SNWL-COMMON-MIB::snwlSysSerialNumber``), and the objects Zabbix's
community templates read for those fields (a Kyocera's serial number, a
Riello UPS's model name: makers whose MIBs no collection holds), for every
enterprise in ``mibfields.json`` (derived from netdisco-mibs, the snmplabs
MIB archive and zabbix/community-templates by ``tools/derive_mibfields.py``,
provenance inside). A template's object comes before the MIB-name ones of
its enterprise.

They let a product line no definition describes still give its model, serial
and firmware. The scan asks them of the enterprise in the sysObjectID and of
the enterprise subtrees it found; a claim here is weaker than a definition's
(a definition that reads the field wins) and than ENTITY-MIB's chassis row.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterable, Set as AbstractSet
from importlib import resources

from collector.snmp.claims import clean
from collector.snmp.engine import GENERIC_OS_FAMILIES, Matched, View
from collector.snmp.walk import Walk

#: Confidence of a claim from a maker's identity object, per field: above
#: the sysDescr heuristics and GLPI's model (45-50), below Recog and
#: ENTITY-MIB's chassis (60-72) and every definition.
CONFIDENCE = {"model": 55, "serial": 55, "firmware": 52, "version": 52}
#: Most objects asked per enterprise. Every enterprise's rows fit (D-Link's
#: 87 are the most): at 48, D-Link's AGENT-GENERAL-MIB::agentSerialNumber,
#: the serial of its managed switches, was cut behind 70 product MIBs'
#: objects. The bound stays for a user's own, larger table.
MAX_PER_ENTERPRISE = 128


@functools.lru_cache(maxsize=1)
def table() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """enterprise -> ((oid, field, "MODULE::object"), ...), in the table's order."""
    text = resources.files("collector.snmp").joinpath("mibfields.json").read_text(encoding="utf-8")
    fields = json.loads(text)["fields"]
    return {pen: tuple((str(o), str(f), str(n)) for o, f, n in rows) for pen, rows in fields.items()}


def rows_for(pen: str, sys_object_id: str | None) -> tuple[tuple[str, str, str], ...]:
    """The enterprise's identity objects to read, at most
    :data:`MAX_PER_ENTERPRISE`: those under the device's own sysObjectID
    first (a maker that roots each product's MIB at the product's
    sysObjectID, as D-Link does, describes this box there), then the
    rest in the table's order."""
    rows = table().get(pen, ())
    if sys_object_id:
        own = sys_object_id.strip(".") + "."
        rows = tuple(sorted(rows, key=lambda row: not row[0].startswith(own)))  # stable: the table's order kept
    return rows[:MAX_PER_ENTERPRISE]


def enterprises(sys_object_id: str | None, found: AbstractSet[str]) -> list[str]:
    """The enterprises whose identity objects to read: the sysObjectID's
    and those of the enterprise subtrees found (``1.3.6.1.4.1.N``
    prefixes). An agent software's enterprise counts (Broadcom's FASTPATH
    under 4413 holds the box's model and serial whoever sold it); a
    standards body's does not (its MIBs describe no box)."""
    from collector.snmp.generic import STANDARDS_PENS, pen_of

    subtrees = sorted({p.split(".")[6] for p in found if p.count(".") >= 6 and p.split(".")[6].isdigit()}, key=int)
    pens = [p for p in [pen_of(sys_object_id), *subtrees] if p and p not in STANDARDS_PENS]
    return list(dict.fromkeys(pens))


def oids(walk: Walk, found: AbstractSet[str]) -> list[str]:
    """What to ask an agent: its enterprises' identity objects."""
    from collector.snmp.mibs import SYS_OBJECT_ID

    sys_object_id = walk.oid(SYS_OBJECT_ID)
    return [oid for pen in enterprises(sys_object_id, found) for oid, _f, _n in rows_for(pen, sys_object_id)]


def claims(view: View, matched: Iterable[Matched] = ()) -> None:
    """Claim each field from the first identity object of the agent's
    enterprises that answered with text. A software version is the named
    OS's version when a definition (not the generic Linux one) named an OS
    without one, else the firmware. Objects a recognising definition lists
    in ``not_identity`` are skipped (AIX's aixSeSerialNumber is a system id,
    not the serial on the box)."""
    skip = {oid for m in matched for oid in m.definition.not_identity}
    seen: set[str] = set()
    sys_object_id = view.system("sys_object_id")
    for pen in enterprises(sys_object_id, view.enterprises()):
        for oid, what, name in rows_for(pen, sys_object_id):
            if what in seen or oid in skip:
                continue
            value = clean(view.walk.text(oid))
            if value is None or not _plausible(what, value):
                continue
            seen.add(what)
            ev = f"{name} ({oid}), the maker's MIB" if "::" in name else f"{oid}, read as {name}"
            if what == "version":
                _version(view, value, ev)
            else:
                view.claim("mib-object", what, value, CONFIDENCE[what], ev)
                kind = kind_of(name) if what in ("model", "serial") and "class" not in seen else None
                if kind:
                    seen.add("class")
                    view.claim("mib-object", "device_class", kind, KIND_CONFIDENCE,
                               f"{name} ({oid}) answered: the identity object of a {kind.upper()}")


@functools.lru_cache(maxsize=1)
def kind_table() -> dict[str, tuple[tuple[str, str, str], ...]]:
    """enterprise -> ((subtree, "ups" or "pdu", "MODULE::node"), ...): the
    UPS and PDU subtrees of vendors' UPS and PDU MIBs (``mibkinds.json``,
    derived by ``tools/derive_mibkinds.py``, provenance inside)."""
    try:
        text = resources.files("collector.snmp").joinpath("mibkinds.json").read_text(encoding="utf-8")
        rows = json.loads(text)["kinds"]
    except (OSError, ValueError, KeyError):
        return {}
    out: dict[str, list[tuple[str, str, str]]] = {}
    for oid, (kind, name) in rows.items():
        out.setdefault(str(oid).split(".")[6], []).append((str(oid), str(kind), str(name)))
    return {pen: tuple(v) for pen, v in out.items()}


def kind_claims(view: View) -> None:
    """A UPS's or a PDU's MIB subtree answering says what the box is, as its
    identity objects do (:func:`kind_of`): the objects a scan read under
    ``PowerNet-MIB::ups`` make an APC UPS card a UPS even where its
    identity objects are missing (a trimmed walk, an agent that leaves them
    out). Only what was read counts; nothing more is asked. Where subtrees
    of both kinds answer, neither is claimed."""
    table = kind_table()
    found: dict[str, tuple[str, str]] = {}
    for pen_oid in sorted(view.enterprises()):
        for root, kind, name in table.get(pen_oid.split(".")[6], ()):
            if kind not in found and view.walk.has_subtree(root):
                found[kind] = (root, name)
    if len(found) == 1:
        (kind, (root, name)), = found.items()
        view.claim("mib-object", "device_class", kind, KIND_CONFIDENCE,
                   f"{name} ({root}) answers: a subtree of a {kind.upper()} MIB")


#: A UPS's or a PDU's identity object answering says what the box is: above
#: Recog's "UPS" hint for every APC card (45), below every definition.
KIND_CONFIDENCE = 48
_UPS_WORDS = {"ups", "xups", "upsmg"}
_PDU_WORDS = {"pdu", "rpdu", "spdu", "xpdu", "ipdu", "epdu"}
#: camelCase word breaks: "upsIdent" -> "ups Ident", "rPDUIdent" -> "r PDU Ident"
_CAMEL = re.compile(r"([a-z0-9])([A-Z])")
_ACRONYM_END = re.compile(r"([A-Z]+)([A-Z][a-z])")


def kind_of(name: str) -> str | None:
    """``ups`` or ``pdu`` when an identity object's name starts with the
    kind of box (``upsBasicIdentModel``, ``xupsIdentModel``,
    ``tlUpsIdentSerialNum``, ``rPDUIdentModelNumber``); None otherwise."""
    obj = name.split("::")[-1]
    spaced = _ACRONYM_END.sub(r"\1 \2", _CAMEL.sub(r"\1 \2", obj))
    lead = [w.lower() for w in spaced.split()][:2]
    lead = [w.rstrip("0123456789") for w in lead]
    if lead and (lead[0] in _UPS_WORDS or (len(lead) > 1 and len(lead[0]) <= 3 and lead[1] in _UPS_WORDS)):
        return "ups"
    if lead and (lead[0] in _PDU_WORDS or (len(lead) > 1 and len(lead[0]) <= 3 and lead[1] in _PDU_WORDS)):
        return "pdu"
    return None


def _plausible(what: str, value: str | None) -> bool:
    """What the field can hold: a version or a serial has a digit, a
    serial at most one space ("acted forward oxen" in a simulator's
    variation data, or "N/A", is none of them)."""
    if not value or len(value) > 64 or not any(c.isalnum() for c in value):
        return False
    if what != "model" and not any(c.isdigit() for c in value):
        return False
    return what != "serial" or value.count(" ") <= 1


def _version(view: View, value: str, ev: str) -> None:
    facts = view.claims.facts
    os_name = view.claims.best("os_name")
    if os_name:
        named = [f for f in facts if f.field == "os_name" and str(f.value) == os_name]
        if all(view.origin.get(id(f)) in GENERIC_OS_FAMILIES for f in named):
            return  # generic Linux: its version is the kernel's, read by its own definition
        if not any(f.field == "os_version" for f in facts):
            view.claim("mib-object", "os_version", value, CONFIDENCE["version"], ev, os=os_name)
        return
    view.claim("mib-object", "firmware", value, CONFIDENCE["version"], ev)
