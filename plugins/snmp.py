"""SNMP enrichment (pysnmp 7, asyncio): the system group of every live host.

Communities are tried in order; the one that answered is remembered by its
position in the configured list (never the secret itself). GET only; this
plugin never sends a SET.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from collector.hookspecs import hookimpl
from collector.model import Fact, Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import LiveHost, ScanContext

SYS_DESCR = "1.3.6.1.2.1.1.1.0"
SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"
SYS_UPTIME = "1.3.6.1.2.1.1.3.0"
SYS_CONTACT = "1.3.6.1.2.1.1.4.0"
SYS_NAME = "1.3.6.1.2.1.1.5.0"
SYS_LOCATION = "1.3.6.1.2.1.1.6.0"
SYSTEM_OIDS = {
    SYS_DESCR: "sysDescr",
    SYS_OBJECT_ID: "sysObjectID",
    SYS_UPTIME: "sysUpTime",
    SYS_CONTACT: "sysContact",
    SYS_NAME: "sysName",
    SYS_LOCATION: "sysLocation",
}
DEFAULT_COMMUNITIES = frozenset({"public", "private"})
#: Longest string kept from an agent (hostile agents send megabytes).
MAX_VALUE = 1024


def clean_value(value: Any) -> str | None:
    """A printable, bounded string for an SNMP value (None for no-such-object)."""
    name = type(value).__name__
    if name in {"NoSuchObject", "NoSuchInstance", "EndOfMibView", "Null"}:
        return None
    if name == "ObjectIdentifier":
        return str(value)
    if hasattr(value, "asOctets"):
        raw = bytes(value.asOctets())[:MAX_VALUE]
        text = raw.decode("utf-8", errors="replace")
    else:
        text = str(value)[:MAX_VALUE]
    text = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in text).strip()
    return text or None


def os_from_sysdescr(descr: str | None) -> dict[str, str] | None:
    """OS product, version and CPE 2.3 from sysDescr (Recog snmp_sysdescr)."""
    if not descr:
        return None
    from collector.cpe import to_cpe23
    from collector.refdata.recog import recog

    m = recog().match("snmp_sysdescr", descr)
    if m is None:
        return None
    v = m.values
    out = {k: v[src] for k, src in (("vendor", "os.vendor"), ("family", "os.family"), ("product", "os.product"),
                                    ("version", "os.version"), ("device", "os.device"),
                                    ("certainty", "os.certainty")) if v.get(src)}
    cpe = to_cpe23(v.get("os.cpe23"))
    if cpe:
        out["cpe"] = cpe
    return out


def system_facts(values: dict[str, str | None]) -> list[Fact]:
    facts: list[Fact] = []
    os_info = os_from_sysdescr(values.get("sysDescr"))
    if os_info:
        conf = max(1, int(70 * min(float(os_info.get("certainty", "1") or 1), 1.0)))
        evidence = "sysDescr (Recog snmp_sysdescr)"
        name = os_info.get("family") if os_info.get("family") not in (None, "Linux") else os_info.get("product")
        if os_info.get("product") and os_info.get("family") == "Windows":
            name = os_info["product"]
        if name:
            facts.append(Fact("os_name", name, conf, "snmp", evidence))
        if os_info.get("version") and os_info["version"].lower() != "none":
            facts.append(Fact("os_version", os_info["version"], conf, "snmp", evidence))
        if os_info.get("vendor") and os_info.get("family") not in ("Linux", "Windows"):
            facts.append(Fact("vendor", os_info["vendor"], 60, "snmp", evidence))
    name = values.get("sysName")
    if name:
        facts.append(Fact("hostname", name.split()[0][:255], 70, "snmp", "sysName"))
    descr = values.get("sysDescr")
    if descr:
        facts.append(Fact("description", descr, 90, "snmp", "sysDescr"))
    return facts


class SnmpPlugin:
    name = "snmp"
    phase = "enrich"
    description = "SNMP v1/v2c system group (sysDescr, sysObjectID, sysName, ...) from live hosts"
    needs: tuple[str, ...] = ("credentials:snmp",)
    wants: tuple[str, ...] = ()

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

        report = PluginReport()
        engine = SnmpEngine()
        sem = asyncio.Semaphore(max(1, ctx.settings.concurrency))
        ctx.advance("snmp", 0, len(hosts))

        async def one(host: LiveHost) -> None:
            async with sem:
                obs, probe = await self._query(engine, ctx, host.ip)
            if obs:
                report.observations.append(obs)
            report.probes.append(probe)
            ctx.advance("snmp", 1, None)

        try:
            await asyncio.gather(*(one(h) for h in hosts))
        finally:
            engine.close_dispatcher()
        return report

    async def _query(self, engine: Any, ctx: ScanContext, ip: str) -> tuple[Observation | None, ProbeResult]:
        from pysnmp.hlapi.v3arch.asyncio import (CommunityData, ContextData, ObjectIdentity, ObjectType,
                                                 UdpTransportTarget, get_cmd)

        s = ctx.settings
        start = time.monotonic()
        last = "no answer"
        for index, community in enumerate(s.snmp_communities):
            for mp_model, version in ((1, "v2c"), (0, "v1")):
                try:
                    target = await UdpTransportTarget.create((ip, 161), timeout=s.snmp_timeout,
                                                             retries=s.snmp_retries)
                    err_ind, err_stat, _idx, var_binds = await get_cmd(
                        engine, CommunityData(community, mpModel=mp_model), target, ContextData(),
                        *(ObjectType(ObjectIdentity(oid)) for oid in SYSTEM_OIDS))
                except Exception as exc:  # pysnmp raises for malformed replies and bad addresses
                    last = f"{type(exc).__name__}: {exc}"
                    continue
                if err_ind:
                    last = str(err_ind)
                    if "timeout" in last.lower() or "no snmp response" in last.lower():
                        break  # a silent host will not answer v1 either
                    continue
                if err_stat:
                    last = f"error-status {err_stat.prettyPrint()}"
                    continue
                values = {SYSTEM_OIDS.get(str(oid), str(oid)): clean_value(val) for oid, val in var_binds}
                ms = (time.monotonic() - start) * 1000
                obs = Observation(plugin="snmp", ip=ip, facts=system_facts(values), rtt_ms=None,
                                  raw={"system": values, "snmp_version": version, "credential_index": index,
                                       # whether it was a well-known default; the string is never stored
                                       "default_community": community in DEFAULT_COMMUNITIES,
                                       "os": os_from_sysdescr(values.get("sysDescr"))})
                return obs, ProbeResult(self.name, ip, Outcome.OK, ms, f"{version}, credential #{index + 1}")
        ms = (time.monotonic() - start) * 1000
        outcome = Outcome.NO_RESPONSE if "timeout" in last.lower() or "response" in last.lower() else Outcome.ERROR
        return None, ProbeResult(self.name, ip, outcome, ms, last[:200])


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [SnmpPlugin()]
