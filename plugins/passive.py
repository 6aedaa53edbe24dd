"""Passive listening (opt-in: ``passive.enabled`` or ``--plugins ...,passive``):
for the collector left on a LAN, hear what devices say on their own for the
whole scan, and never transmit anything.

- DHCP requests (udp 67): host name (option 12), vendor class (60), client
  identifier (61 -> identifier ``dhcp_client_id``), parameter request list
  (55) matched against Satori's fingerprints;
- mDNS answers and announcements (udp 5353) and SSDP NOTIFY / answers
  (udp 1900), with the same parsers as the mdns and ssdp plugins (no
  description is fetched: that would transmit).

It reads frames from a packet socket (needs raw sockets) and switches the
interface to all-multicast reception, which sends nothing (no IGMP join).
Without raw sockets it binds udp 67 to hear DHCP only, and says so; mDNS
and SSDP would need group joins, which transmit. Only in-scope source (or,
for DHCP, client) addresses are kept.
"""

from __future__ import annotations

import asyncio
import socket
import struct
from typing import Any

from collector.announce import clean_text
from collector.announce.dhcp import facts_for as dhcp_facts, parse_request, udp_payload
from collector.announce.mdns import collect
from collector.announce.mdns_facts import facts_for as mdns_facts
from collector.announce.net import MAX_DATAGRAM, multicast_interfaces
from collector.announce.ssdp import parse_message
from collector.hookspecs import hookimpl
from collector.model import Identifier, Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import ScanContext

ETH_P_IP = 0x0800
SOL_PACKET = 263
PACKET_ADD_MEMBERSHIP = 1
PACKET_MR_ALLMULTI = 2
PACKET_OUTGOING = 4
#: Bounds over one scan: frames looked at, records and messages kept.
MAX_FRAMES = 500_000
MAX_RECORDS = 20_000
MAX_SSDP = 2_000
PORTS = {67, 5353, 1900}


class Heard:
    """What the listener kept, by address."""

    def __init__(self, scope: Any) -> None:
        self.scope = scope
        self.frames = 0
        self.dhcp: dict[str, tuple[Any, str]] = {}  # ip -> (request, mac)
        self.mdns: list[tuple[str, Any]] = []
        self.ssdp: dict[str, list[Any]] = {}
        self.ignored = 0

    def udp(self, src: str, sport: int, dport: int, payload: bytes) -> None:
        if dport == 67:
            req = parse_request(payload)
            if req is None:
                return
            address = req.address
            if address is None or address not in self.scope:
                self.ignored += 1
                return
            self.dhcp[address] = (req, req.mac)
            return
        if src not in self.scope:
            self.ignored += 1
            return
        if 5353 in (sport, dport) and len(self.mdns) < MAX_RECORDS:
            from zeroconf import DNSIncoming

            try:
                msg = DNSIncoming(payload, (src, sport))
            except Exception:
                return
            if msg.valid and msg.is_response():
                self.mdns.extend((src, rec) for rec in msg.answers()[:256])
        elif 1900 in (sport, dport) and sum(map(len, self.ssdp.values())) < MAX_SSDP:
            ssdp = parse_message(payload)
            if ssdp is not None and ssdp.kind in ("notify", "response"):
                self.ssdp.setdefault(src, []).append(ssdp)


def _packet_socket(iface: str) -> socket.socket:
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_IP))
    try:
        sock.bind((iface, 0))
        mreq = struct.pack("iHH8s", socket.if_nametoindex(iface), PACKET_MR_ALLMULTI, 0, b"")
        sock.setsockopt(SOL_PACKET, PACKET_ADD_MEMBERSHIP, mreq)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def _dhcp_socket() -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("", 67))
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class Passive:
    name = "passive"
    phase = "listen"
    description = "listens only (opt-in): DHCP requests (Satori fingerprints), mDNS and SSDP announcements"
    needs: tuple[str, ...] = ()
    wants: tuple[str, ...] = ("raw_sockets",)

    async def listen(self, ctx: ScanContext, stop: asyncio.Event) -> PluginReport:
        heard = Heard(ctx.scope)
        ifaces = multicast_interfaces(ctx.attached, ctx.scope)
        if not ifaces:
            return PluginReport(probes=[ProbeResult(self.name, "local link", Outcome.SKIPPED, 0.0,
                                                    "no attached subnet in scope: nothing of the scope to hear")])
        loop = asyncio.get_running_loop()
        socks: list[socket.socket] = []
        degraded = None
        if ctx.capabilities.get("raw_sockets"):
            for iface in ifaces:
                try:
                    socks.append(_packet_socket(iface.iface))
                except OSError as exc:
                    degraded = f"cannot listen on {iface.iface}: {exc.strerror or exc}"
        if not socks:
            try:
                socks.append(_dhcp_socket())
                degraded = degraded or ("no raw sockets: DHCP requests only (udp 67); hearing mDNS and SSDP "
                                        "would need group joins, which transmit")
            except OSError as exc:
                return PluginReport(degraded=f"cannot listen: no raw sockets and udp 67 unavailable "
                                             f"({exc.strerror or exc})")

        def readable(sock: socket.socket, raw: bool) -> None:
            for _ in range(256):
                try:
                    data, addr = sock.recvfrom(65535)
                except (BlockingIOError, InterruptedError):
                    return
                except OSError:
                    return
                heard.frames += 1
                if heard.frames > MAX_FRAMES:
                    return
                if not raw:
                    heard.udp(addr[0], addr[1], 67, data[:MAX_DATAGRAM])
                    continue
                if len(addr) > 2 and addr[2] == PACKET_OUTGOING:
                    continue  # our own traffic (the active plugins' queries)
                parsed = udp_payload(data)
                if parsed and (parsed[2] in PORTS or parsed[3] in PORTS):
                    heard.udp(parsed[0], parsed[2], parsed[3], parsed[4][:MAX_DATAGRAM])

        for sock in socks:
            loop.add_reader(sock.fileno(), readable, sock, sock.family == socket.AF_PACKET)
        try:
            await stop.wait()
        finally:
            for sock in socks:
                loop.remove_reader(sock.fileno())
                sock.close()
        return self._report(heard, degraded)

    def _report(self, heard: Heard, degraded: str | None) -> PluginReport:
        from collector.refdata import DataError, load_json
        from collector.refdata.recog import recog

        try:
            satori = load_json("satori_dhcp.json")["fingerprints"]
        except DataError:
            satori = []
        try:
            fingerprints = recog()
        except DataError:
            fingerprints = None
        report = PluginReport(degraded=degraded)
        for ip, (req, mac) in sorted(heard.dhcp.items()):
            facts, identifiers, raw = dhcp_facts(req, satori)
            report.observations.append(Observation(self.name, ip, mac, facts=facts, identifiers=identifiers,
                                                   raw={"dhcp": raw}))
        for ip, host in sorted(collect(heard.mdns, lambda a: a in heard.scope).items()):
            facts, identifiers, software = mdns_facts(host, fingerprints)
            report.observations.append(Observation(self.name, ip, facts=facts, identifiers=identifiers,
                                                   software=software, raw={"mdns": {
                                                       "hostnames": host.hostnames,
                                                       "services": [s.record() for s in host.services]}}))
        for ip, msgs in sorted(heard.ssdp.items()):
            udns = sorted({m.udn for m in msgs if m.udn})[:4]
            server = next((m.headers["server"] for m in msgs if m.headers.get("server")), None)
            report.observations.append(Observation(
                self.name, ip, identifiers=[Identifier("upnp_udn", u, self.name) for u in udns],
                raw={"ssdp": {"server": server, "location": clean_text(msgs[0].location, 200),
                              "types": sorted({m.headers.get("nt") or m.headers.get("st") or "" for m in msgs})[:32]}}))
        for obs in report.observations:
            report.probes.append(ProbeResult(self.name, obs.ip, Outcome.OK, 0.0, "heard: " + ", ".join(obs.raw)))
        report.probes.append(ProbeResult(self.name, "listening", Outcome.DEGRADED if degraded else Outcome.OK, 0.0,
                                         f"{heard.frames} frame(s) seen, {heard.ignored} from outside the scope"))
        return report


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [Passive()]
