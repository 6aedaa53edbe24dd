"""mDNS / DNS-SD: ask the LAN what services its hosts announce (Apple
devices, phones, TVs, printers, NAS, IoT) and what their TXT records say.

An ``enrich`` plugin: its listening window (``mdns.listen_seconds``) runs
while banners, nmap and snmp probe the hosts, so it adds next to nothing to
a scan's wall time (as a discovery plugin it would delay every enrichment by
the whole window). It queries like any mDNS querier (RFC 6762), from port
5353 joined to 224.0.0.251 on the in-scope interfaces only, sharing the port
with a local avahi if there is one; answers are multicast, so large TXT
records (AirPlay, IPP) arrive whole. If port 5353 cannot be shared it falls
back to one-shot queries from an ephemeral port (RFC 6762 section 5.1:
answers by unicast, at most 512 bytes, so large records may be dropped) and
says so. Messages are built and decoded by python-zeroconf.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

from collector.announce.mdns import ENUMERATION, SERVICE_TYPES, collect, split_instance
from collector.announce.mdns_facts import facts_for
from collector.announce.net import group_socket, multicast_interfaces, open_receiver, query_socket
from collector.hookspecs import hookimpl
from collector.model import Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import LiveHost, ScanContext

MDNS_GROUP = ("224.0.0.251", 5353)
#: RFC 6762 asks for IP TTL 255; 224.0.0.251 is link-local (RFC 5771):
#: routers never forward it, whatever the TTL.
MDNS_TTL = 255
#: Bounds: records kept, questions asked, rounds.
MAX_RECORDS = 20000
MAX_QUESTIONS = 4000
QUESTIONS_PER_PACKET = 12
ROUND_SECONDS = 0.4


class Mdns:
    name = "mdns"
    phase = "enrich"
    description = "mDNS / DNS-SD: announced services, .local names, TXT records (Apple, printers, Cast, HomeKit)"
    needs: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        started = time.monotonic()
        ifaces = multicast_interfaces(ctx.attached, ctx.scope)
        if not ifaces:
            return PluginReport(probes=[ProbeResult(self.name, "local link", Outcome.SKIPPED, 0.0,
                                                    "no attached subnet in scope (mDNS does not cross routers)")])
        from zeroconf import DNSIncoming, const

        heard: list[tuple[str, Any]] = []
        asked: set[tuple[str, int]] = set()
        pending: list[tuple[str, int]] = [(ENUMERATION, const._TYPE_PTR)] + [
            (f"{t}.local.", const._TYPE_PTR) for t in SERVICE_TYPES]
        dropped: set[str] = set()

        def follow_up(rec: Any) -> None:
            if rec.type == const._TYPE_PTR:
                alias = rec.alias
                if rec.name.lower() == ENUMERATION:
                    pending.append((alias, const._TYPE_PTR))
                else:
                    inst = split_instance(alias)
                    pending.extend([(alias, const._TYPE_SRV), (alias, const._TYPE_TXT)])
                    if inst:
                        pending.append((f"{inst[0]}._device-info._tcp.local.", const._TYPE_TXT))
            elif rec.type == const._TYPE_SRV:
                pending.append((rec.server, const._TYPE_A))

        def on_datagram(data: bytes, source: str) -> None:
            if source not in ctx.scope:
                dropped.add(source)
                return
            try:
                msg = DNSIncoming(data, (source, MDNS_GROUP[1]))
            except Exception:  # a malformed answer is the sender's problem
                return
            if not msg.valid or not msg.is_response():
                return
            for rec in msg.answers()[:256]:
                if len(heard) >= MAX_RECORDS:
                    return
                heard.append((source, rec))
                follow_up(rec)

        transports = []
        degraded = None
        for iface in ifaces:
            try:
                sock = group_socket(str(iface.ip), MDNS_GROUP[0], MDNS_GROUP[1], MDNS_TTL)
            except OSError as exc:
                degraded = (f"port 5353 not usable ({exc.strerror or exc}): one-shot queries, whose unicast "
                            "answers drop records over 512 bytes")
                sock = query_socket(str(iface.ip), MDNS_TTL)
            transports.append(await open_receiver(sock, on_datagram))
        try:
            deadline = started + ctx.settings.mdns_listen_seconds
            while time.monotonic() < deadline:
                self._send(transports, pending, asked)
                ctx.advance("mdns", 0, None)
                await asyncio.sleep(min(ROUND_SECONDS, max(0.0, deadline - time.monotonic())))
        finally:
            for transport in transports:
                transport.close()
        report = self._report(ctx, hosts, heard, dropped, started)
        report.degraded = degraded
        return report

    @staticmethod
    def _send(transports: list[Any], pending: list[tuple[str, int]], asked: set[tuple[str, int]]) -> None:
        from zeroconf import DNSOutgoing, DNSQuestion, const

        fresh = []
        for q in pending:
            key = (q[0].lower(), q[1])
            if key not in asked and len(asked) < MAX_QUESTIONS:
                asked.add(key)
                fresh.append(q)
        pending.clear()
        for i in range(0, len(fresh), QUESTIONS_PER_PACKET):
            out = DNSOutgoing(const._FLAGS_QR_QUERY, multicast=True)
            for name, qtype in fresh[i:i + QUESTIONS_PER_PACKET]:
                out.add_question(DNSQuestion(name, qtype, const._CLASS_IN))
            for packet in out.packets():
                for transport in transports:
                    transport.sendto(packet, MDNS_GROUP)

    def _report(self, ctx: ScanContext, hosts: list[LiveHost], heard: list[tuple[str, Any]], dropped: set[str],
                started: float) -> PluginReport:
        from collector.refdata import DataError
        from collector.refdata.recog import recog

        try:
            fingerprints = recog()
        except DataError:
            fingerprints = None  # Apple models then by family only
        announced = collect(heard, lambda ip: ip in ctx.scope)
        elapsed = (time.monotonic() - started) * 1000
        report = PluginReport()
        macs = {h.ip: h.mac for h in hosts}
        for ip, host in sorted(announced.items()):
            facts, identifiers, software = facts_for(host, fingerprints)
            report.observations.append(Observation(
                self.name, ip, macs.get(ip), facts=facts, identifiers=identifiers, software=software,
                raw={"mdns": {"hostnames": host.hostnames, "services": [s.record() for s in host.services]}}))
            report.probes.append(ProbeResult(self.name, ip, Outcome.OK, elapsed,
                                             f"{len(host.services)} service(s) announced"))
        for h in hosts:
            if h.ip not in announced:
                report.probes.append(ProbeResult(self.name, h.ip, Outcome.NO_RESPONSE, elapsed,
                                                 "announced nothing over mDNS"))
        if dropped:
            report.probes.append(ProbeResult(self.name, "out of scope", Outcome.SKIPPED, elapsed,
                                             f"ignored answers from {len(dropped)} address(es) outside the scope"))
        return report


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [Mdns()]
