"""Identification: one device's SNMP walk -> device facts, software,
interfaces, addresses and what it knows of its neighbours.

Pure functions: no network. The device definitions (data files, see
:mod:`collector.snmp.definitions`) are evaluated by the engine
(:mod:`collector.snmp.engine`); every device also gets the generic claims
(:mod:`collector.snmp.generic`: ENTITY-MIB, Recog, sysObjectID tables,
heuristics). Every fact carries its evidence and a confidence; sources rank
(roughly) vendor MIB > ENTITY-MIB > sysDescr parsing > Recog and the
sysObjectID tables > heuristics, and the store keeps the losers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from collector.identity import best_facts
from collector.model import Fact, Software
from collector.snmp import engine, fallback, generic, mibfields, priors
from collector.snmp.claims import Claims
from collector.snmp.generic import SOFTWARE_AGENT_PENS, os_record, parse_package, pen_of, vendor_of_pen
from collector.snmp.mibs import SYS_DESCR, SYS_NAME, Mibs
from collector.snmp.walk import Walk

__all__ = ["IDENTITY_FIELDS", "Identification", "SOFTWARE_AGENT_PENS", "identify", "os_from_sysdescr", "os_record",
           "parse_package", "pen_of", "vendor_of_pen"]

IDENTITY_FIELDS = ("vendor", "device_class", "model", "serial", "os_name", "os_version", "firmware", "hostname")
#: Also reported by :meth:`Identification.best` (not scored by the accuracy tests).
MORE_FIELDS = ("os_build", "kernel_version")


@dataclass
class Identification:
    facts: list[Fact] = field(default_factory=list)
    software: list[Software] = field(default_factory=list)
    interfaces: list[dict[str, Any]] = field(default_factory=list)
    #: the device's own addresses (ipAddrTable): [{ip, mac, if_index, mask}]
    addresses: list[dict[str, Any]] = field(default_factory=list)
    arp: list[dict[str, Any]] = field(default_factory=list)
    fdb: list[dict[str, Any]] = field(default_factory=list)
    neighbours: list[dict[str, Any]] = field(default_factory=list)
    extras: dict[str, Any] = field(default_factory=dict)
    #: the device definitions that recognised the device
    definitions: list[str] = field(default_factory=list)
    #: Recog's reading of sysDescr (``raw["os"]``, what the rules use)
    os: dict[str, str] | None = None
    #: for each fact (same order), the definition or generic source that claimed it
    origins: list[str] = field(default_factory=list)

    def best(self) -> dict[str, str | None]:
        """The winning value per identity field (what `show` would print)."""
        winners = best_facts(self.facts)
        return {name: str(winners[name].value) if name in winners else None
                for name in IDENTITY_FIELDS + MORE_FIELDS}

    def explain(self) -> list[dict[str, Any]]:
        """Each field's winner with where it came from (for `lan-collector identify`)."""
        winners = best_facts(self.facts)
        origin = {id(f): o for f, o in zip(self.facts, self.origins)}
        return [{"field": name, "value": str(f.value), "confidence": f.confidence, "evidence": f.evidence,
                 "source": origin.get(id(f), "snmp")}
                for name in IDENTITY_FIELDS + MORE_FIELDS + ("description",) if (f := winners.get(name))]


def os_from_sysdescr(descr: str | None) -> dict[str, str] | None:
    """:func:`os_record` for a bare sysDescr (None when Recog does not know it)."""
    from collector.refdata.recog import recog

    m = recog().match("snmp_sysdescr", descr) if descr else None
    return os_record(m.values) if m else None


def identify(walk: Walk) -> Identification:
    from collector.snmp.definitions import definitions

    mibs = Mibs(walk)
    view = engine.View(walk, mibs, Claims())
    descr = walk.text(SYS_DESCR)
    name = walk.text(SYS_NAME)
    if name:
        view.claim("system", "hostname", name.split()[0], 70, "sysName")
    if descr:
        view.claims.facts.append(Fact("description", descr[:1024], 90, "snmp", "sysDescr"))
        view.origin[id(view.claims.facts[-1])] = "system"
    matched = engine.run(definitions(), view)
    os_info = generic.recog_claims(view)
    generic.entity_claims(view)
    generic.pen_vendor(view)
    generic.sysobject_claims(view)
    generic.enterprise_vendor(view)
    generic.descr_class(view)
    generic.descr_model(view)
    fallback.descr_maker_model(view)
    fallback.entity_model(view)
    generic.heuristic_class(view)
    fallback.networking_class(view)
    priors.vendor_class(view, definitions())
    priors.vendor_os(view, definitions(), matched)
    generic.oui_vendor(view)
    engine.run_late(matched, view)
    engine.appliance_os(matched, view)
    fallback.descr_os(view)
    mibfields.claims(view, matched)
    mibfields.kind_claims(view)
    fallback.versions(view, matched)
    fallback.refine_model(view)
    software = []
    for text in mibs.software[:5000]:
        pname, version = parse_package(text)
        software.append(Software(pname[:255], version[:100] if version else None, None, "snmp:hrSWInstalled"))
    facts = view.claims.finish()
    return Identification(
        facts=facts, software=software, interfaces=mibs.interfaces, addresses=mibs.addresses,
        arp=mibs.arp, fdb=mibs.fdb, neighbours=mibs.neighbours, extras=generic.extras_of(view),
        definitions=[m.definition.family for m in matched], os=os_info,
        origins=[view.origin.get(id(f), "snmp") for f in facts])
