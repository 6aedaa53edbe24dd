"""SNMP inventory (pysnmp 7, asyncio): who answers, with which credential,
and what the device is.

Per host: quick first contact (short timeout) with each credential allowed
for the address, in order (the one that worked last time first); then, for
hosts that answered, the normal timeout and retries for GETs of the system
group and the vendor's scalars and bounded GETBULK walks of the standard
subtrees. Never a SET. Credentials are referred to by name only.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ipaddress
import time
from typing import Any

from collector.hookspecs import hookimpl
from collector.model import Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import LiveHost, ScanContext

#: Longest string kept from an agent in raw evidence.
MAX_VALUE = 1024
#: First contact: short, so silent addresses cost little.
CONTACT_TIMEOUT = 0.5
CONTACT_RETRIES = 1


class SnmpPlugin:
    name = "snmp"
    phase = "enrich"
    description = ("SNMP v1/v2c/v3 inventory: system group, ENTITY, HOST-RESOURCES, IF, IP (ARP), BRIDGE, "
                   "LLDP/CDP, Printer and UPS MIBs; device definitions")
    needs: tuple[str, ...] = ("credentials:snmp",)
    wants: tuple[str, ...] = ()

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        from collector.snmp.client import Latency, Transports
        from collector.snmp.credentials import credentials_from

        report = PluginReport()
        credentials = credentials_from(ctx.settings)
        # v1/v2c go through the collector's own codec on one socket; pysnmp's
        # engine is made only if a v3 credential is used
        engine = Transports()
        sem = asyncio.Semaphore(max(1, ctx.settings.concurrency))
        latency = Latency()
        ctx.advance("snmp", 0, len(hosts))
        silent: list[LiveHost] = []

        async def one(host: LiveHost, patient: bool = False) -> None:
            try:
                observations, probe = await self._host(engine, ctx, credentials, host.ip, host.mac, latency,
                                                       patient, sem)
            except Exception as exc:  # a bad device is a probe outcome; the scan goes on
                observations = []
                probe = ProbeResult(self.name, host.ip, Outcome.ERROR, 0.0,
                                    f"{type(exc).__name__}: {str(exc)[:200]}")
            if probe.outcome == Outcome.NO_RESPONSE and not patient:
                silent.append(host)  # maybe asked again below
                return
            report.observations.extend(observations)
            report.probes.append(probe)
            ctx.advance("snmp", 1, None)

        try:
            await asyncio.gather(*(one(h) for h in hosts))
            # agents here answer slowly (a busy agent or network): a timeout at
            # first contact may have been congestion, so ask the silent ones
            # once more, patiently; on a quiet network silent addresses cost
            # nothing more
            second = silent if latency.congested(CONTACT_TIMEOUT) else []
            missing = [h for h in silent if h not in second]
            silent[:] = []
            await asyncio.gather(*(one(h, patient=True) for h in second))
            for host in missing:
                report.probes.append(ProbeResult(self.name, host.ip, Outcome.NO_RESPONSE, 0.0,
                                                 "no answer to first contact"))
                ctx.advance("snmp", 1, None)
        finally:
            engine.close()
        return report

    def _ordered(self, ctx: ScanContext, credentials: list[Any], ip: str, mac: str | None = None) -> list[Any]:
        allowed = [c for c in credentials if c.allows(ip)]
        remembered = (ctx.hints.get(ip) or ctx.hints.get(mac or "") or {}).get("snmp_credential")
        return sorted(allowed, key=lambda c: c.name != remembered)

    async def _contact(self, engine: Any, ctx: ScanContext, credentials: list[Any], ip: str,
                       mac: str | None = None, timeout: float = CONTACT_TIMEOUT) -> tuple[Any, Any, Outcome, str]:
        """(agent, system walk, outcome, why-not) with the first credential that answers."""
        from collector.snmp.client import Agent, SnmpFailure
        from collector.snmp.mibs import SYSTEM_SCALARS

        last, outcome = "no credential may be sent to this address", Outcome.SKIPPED
        attempts = 0
        for cred in self._ordered(ctx, credentials, ip, mac):
            tries = [cred]
            if cred.v1_fallback:  # v1-only agents drop v2c requests silently
                tries.append(dataclasses.replace(cred, version="1", v1_fallback=False))
            for attempt in tries:
                agent = Agent(engine, ip, attempt, timeout=timeout, retries=CONTACT_RETRIES,
                              port=ctx.settings.snmp_port)
                attempts += 1
                try:
                    system = await agent.get(SYSTEM_SCALARS)
                except SnmpFailure as exc:
                    last = f"{attempt.name} v{attempt.version}: {exc}"
                    if exc.kind == "auth":
                        outcome = Outcome.REFUSED
                        break  # the agent is there; this credential is wrong
                    if outcome != Outcome.REFUSED:
                        outcome = Outcome.NO_RESPONSE if exc.kind == "timeout" else Outcome.ERROR
                    continue
                # (an agent may answer with no system group at all, as some cameras do: keep it)
                agent.contact_attempts = attempts
                if attempt is not cred:
                    agent = await self._prefer_v2c(engine, ctx, agent, cred, ip)
                return agent, system, Outcome.OK, ""
        return None, None, outcome, last

    @staticmethod
    async def _prefer_v2c(engine: Any, ctx: ScanContext, v1_agent: Any, cred: Any, ip: str) -> Any:
        """A v2c credential that timed out at first contact while v1 answered
        may only have met a busy agent: ask once more with the normal timeout,
        and keep v2c (GETBULK, no noSuchName surprises) if it answers."""
        from collector.snmp.client import Agent, SnmpFailure
        from collector.snmp.mibs import SYS_OBJECT_ID

        agent = Agent(engine, ip, cred, timeout=ctx.settings.snmp_timeout, retries=0, port=ctx.settings.snmp_port)
        try:
            if SYS_OBJECT_ID in await agent.get([SYS_OBJECT_ID]):
                agent.contact_attempts = v1_agent.contact_attempts
                return agent
        except SnmpFailure:
            pass
        return v1_agent

    async def _host(self, engine: Any, ctx: ScanContext, credentials: list[Any], ip: str,
                    mac: str | None = None, latency: Any = None, patient: bool = False,
                    sem: asyncio.Semaphore | None = None) -> tuple[list[Observation], ProbeResult]:
        """One host: contact and collection hold a place among the
        ``scan.concurrency`` hosts talking at once (``sem``); identification
        does not, so the next host's requests go out meanwhile."""
        async with sem or asyncio.Semaphore():
            got = await self._talk(engine, ctx, credentials, ip, mac, latency, patient)
        if isinstance(got, ProbeResult):
            return [], got
        await asyncio.sleep(0)  # the host that waited for this place sends its first request first
        agent, walk, problems, start = got
        return self._identified(ctx, ip, agent, walk, problems, start)

    async def _talk(self, engine: Any, ctx: ScanContext, credentials: list[Any], ip: str, mac: str | None,
                    latency: Any, patient: bool) -> ProbeResult | tuple[Any, Any, list[str], float]:
        from collector.snmp.collect import collect

        s = ctx.settings
        start = time.monotonic()
        base = min(CONTACT_TIMEOUT, s.snmp_timeout)
        timeout = s.snmp_timeout if patient else (latency.contact_timeout(base, s.snmp_timeout) if latency else base)
        agent, walk, outcome, why = await self._contact(engine, ctx, credentials, ip, mac, timeout)
        if agent is None:
            return ProbeResult(self.name, ip, outcome, (time.monotonic() - start) * 1000, why[:200])
        agent.timeout, agent.retries = s.snmp_timeout, s.snmp_retries
        agent.cap = s.snmp_max_values
        agent.deadline = start + s.snmp_device_budget
        walk, problems = await collect(agent, walk)
        if latency is not None:
            latency.record(agent.stats.latencies)
        if s.snmp_record_dir:
            self._record(s.snmp_record_dir, ip, await self._for_the_record(agent, walk), problems)
        return agent, walk, problems, start

    @staticmethod
    async def _for_the_record(agent: Any, walk: Any) -> Any:
        """What ``snmp.record_dir`` keeps of a device: the walk as read and,
        for an agent no device definition recognised, its makers' enterprise
        subtrees too (:func:`collector.snmp.draft.record_roots`), within the
        device's value cap and time budget: what ``lan-collector identify
        --draft`` needs to write its definition. Identification uses the walk
        as read either way: a scan says the same with or without recording."""
        from collector.snmp.client import SnmpFailure
        from collector.snmp.draft import record_roots
        from collector.snmp.walk import Walk

        roots = record_roots(walk)
        if not roots:
            return walk
        record = Walk(dict(walk.data))
        notes = list(agent.stats.notes)
        try:
            await agent.walk(roots, record)
        except SnmpFailure:
            pass  # what was read is kept; the device's own outcome is the scan's
        agent.stats.notes[:] = notes  # (a cap reached here is the record's, not the scan's)
        return record

    def _identified(self, ctx: ScanContext, ip: str, agent: Any, walk: Any, problems: list[str],
                    start: float) -> tuple[list[Observation], ProbeResult]:
        from collector.snmp.identify import identify
        from collector.snmp.mibs import SYS_CONTACT, SYS_DESCR, SYS_LOCATION, SYS_NAME, SYS_OBJECT_ID

        ident = identify(walk)
        ms = (time.monotonic() - start) * 1000
        cred = agent.credential
        system = {name: walk.text(oid) for oid, name in (
            (SYS_DESCR, "sysDescr"), (SYS_OBJECT_ID, "sysObjectID"), (SYS_NAME, "sysName"),
            (SYS_LOCATION, "sysLocation"), (SYS_CONTACT, "sysContact"))}
        system = {k: (v[:MAX_VALUE] if v else v) for k, v in system.items()}
        own_mac = next((a.get("mac") for a in ident.addresses if a["ip"] == ip), None)
        raw: dict[str, Any] = {
            "system": system, "snmp_version": f"v{cred.version}", "credential": cred.name,
            "security_level": cred.level,
            # whether it was a well-known default; the string itself is never stored
            "default_community": cred.is_default_community,
            "os": ident.os,
            "identification": ident.best(), "definitions": ident.definitions,
            "addresses": ident.addresses, "interfaces": ident.interfaces[:1000],
            "arp": ident.arp[:5000], "fdb": ident.fdb[:20000], "neighbours": ident.neighbours[:1000],
            "extras": ident.extras, "requests": agent.stats.requests, "values": agent.stats.varbinds,
            "contact_attempts": agent.contact_attempts,
            "notes": (agent.stats.notes + problems)[:50],
        }
        obs = Observation(plugin="snmp", ip=ip, mac=own_mac, facts=ident.facts, software=ident.software, raw=raw)
        observations = [obs] + self._arp_discoveries(ctx, ip, ident.arp)
        detail = f"v{cred.version} {cred.level} as {cred.name}; {agent.stats.varbinds} values in " \
                 f"{agent.stats.requests} requests"
        if problems or agent.stats.notes:
            detail += "; " + "; ".join((agent.stats.notes + problems)[:3])
        outcome = Outcome.OK if not problems else Outcome.DEGRADED
        return observations, ProbeResult(self.name, ip, outcome, ms, detail[:500])

    @staticmethod
    def _record(directory: str, ip: str, walk: Any, problems: list[str]) -> None:
        """The walk as read, in snmpsim's format: replayable, and what a bug
        report needs. (It holds what the agent said, never the credential.)"""
        from pathlib import Path

        from collector.snmp.walk import dump_snmprec

        try:
            Path(directory).mkdir(parents=True, exist_ok=True)
            dump_snmprec(walk, Path(directory) / f"{ip}.snmprec")
        except OSError as exc:
            problems.append(f"could not record the walk: {exc.strerror or exc}")

    def _arp_discoveries(self, ctx: ScanContext, router_ip: str, arp: list[dict[str, Any]]) -> list[Observation]:
        """Hosts in the device's ARP table, within the scan's scope: found, not probed."""
        from collector.oui import mac_facts

        out = []
        own = {str(a.ip) for a in ctx.attached}
        for entry in arp:
            try:
                addr = ipaddress.IPv4Address(entry["ip"])
            except ValueError:
                continue
            if entry["ip"] == router_ip or entry["ip"] in own or addr not in ctx.scope or entry.get("type") == "local":
                continue
            out.append(Observation(plugin="snmp-arp", ip=entry["ip"], mac=entry["mac"],
                                   facts=mac_facts(entry["mac"], "snmp-arp", f"ARP table of {router_ip}", 80),
                                   raw={"arp_table_of": router_ip, "if_index": entry.get("if_index")}))
        return out


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [SnmpPlugin()]
