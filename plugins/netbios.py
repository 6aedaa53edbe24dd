"""NetBIOS node status (UDP 137): one NBSTAT query per live host, unicast.

Answers give the computer name, workgroup or domain, the services the host
registered (file server, domain controller, master browser) and the MAC of
its adapter: useful for hosts behind a router, whose MAC ARP cannot see (it
is then the observation's MAC, ranked below ARP's; Samba's all-zero MAC is
ignored). One socket for all hosts; queries capped at scan.rate per second;
one retry for silent hosts; replies accepted only from the queried address
and with our transaction id, bounded in size.
"""

from __future__ import annotations

import asyncio
import os
import socket
import time
from typing import Any

from collector.hookspecs import hookimpl
from collector.model import Fact, Identifier, Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import LiveHost, ScanContext
from collector.plugins.banners import RateLimiter
from collector.proto import nbns

SOURCE = "netbios"


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self, expected: dict[str, int]) -> None:
        self.expected = expected
        self.replies: dict[str, bytes] = {}
        self.first: dict[str, float] = {}

    def datagram_received(self, data: bytes, addr: Any) -> None:
        ip = addr[0]
        tid = self.expected.get(ip)
        # only the queried address, only our transaction id, bounded
        if tid is None or ip in self.replies or len(data) < 2 or int.from_bytes(data[:2], "big") != tid:
            return
        self.replies[ip] = data[: nbns.MAX_REPLY]
        self.first[ip] = time.monotonic()


def observation_for(ip: str, parsed: dict[str, Any]) -> Observation:
    """Pure: the facts and identifiers a node status reply gives."""
    info = nbns.summary(parsed)
    facts = []
    evidence = "NetBIOS node status names"
    if info["computer"]:
        facts.append(Fact("hostname", info["computer"], 70, SOURCE, evidence))
    if info["domain_controller"]:
        facts.append(Fact("device_class", "server", 70, SOURCE, "NetBIOS domain-controller names (<1B>/<1C>)"))
    identifiers = []
    if info["computer"]:
        # the computer name alone, as the smb plugin records it (the workgroup is in raw)
        identifiers.append(Identifier("netbios_name", info["computer"][:255], SOURCE))
    return Observation(plugin=SOURCE, ip=ip, mac=info["mac"], facts=facts, identifiers=identifiers,
                       raw={"netbios": {"names": parsed["names"][:64], "workgroup": info["workgroup"],
                                        "mac": parsed.get("mac")}})


class NetbiosPlugin:
    name = "netbios"
    phase = "enrich"
    description = "NetBIOS node status (UDP 137): computer name, workgroup/domain, registered services, adapter MAC"
    needs: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        report = PluginReport()
        loop = asyncio.get_running_loop()
        base = int.from_bytes(os.urandom(2), "big")
        expected = {h.ip: (base + i) & 0xFFFF for i, h in enumerate(hosts)}
        transport, receiver = await loop.create_datagram_endpoint(lambda: _Receiver(expected),
                                                                  local_addr=("0.0.0.0", 0), family=socket.AF_INET)
        limiter = RateLimiter(ctx.settings.rate)
        wait = ctx.settings.netbios_timeout
        sent_at: dict[str, float] = {}
        ctx.advance("netbios", 0, len(hosts))
        try:
            for attempt in range(2):
                for h in hosts:
                    if h.ip in receiver.replies:
                        continue
                    await limiter.acquire()
                    sent_at.setdefault(h.ip, time.monotonic())
                    try:
                        transport.sendto(nbns.nbstat_query(expected[h.ip]), (h.ip, nbns.PORT))
                    except OSError:
                        continue
                deadline = time.monotonic() + (wait if attempt == 0 else wait / 2)
                while time.monotonic() < deadline and len(receiver.replies) < len(hosts):
                    await asyncio.sleep(0.05)
                if len(receiver.replies) == len(hosts):
                    break
        finally:
            transport.close()
        for h in hosts:
            data = receiver.replies.get(h.ip)
            ms = ((receiver.first.get(h.ip) or time.monotonic()) - sent_at.get(h.ip, time.monotonic())) * 1000
            if data is None:
                report.probes.append(ProbeResult(self.name, h.ip, Outcome.NO_RESPONSE, ms, "no node status reply"))
                continue
            try:
                parsed = nbns.parse_nbstat(data)
            except ValueError as exc:
                report.probes.append(ProbeResult(self.name, h.ip, Outcome.ERROR, ms, str(exc)[:200]))
                continue
            report.observations.append(observation_for(h.ip, parsed))
            report.probes.append(ProbeResult(self.name, h.ip, Outcome.OK, ms, f"{len(parsed['names'])} name(s)"))
            ctx.advance("netbios", 1, None)
        return report


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [NetbiosPlugin()]
