"""SSDP / UPnP: M-SEARCH the LAN, then read each in-scope responder's
device description (manufacturer, model, serial, firmware, UDN, type).

An ``enrich`` plugin for the same reason as mdns: its window runs beside the
other probes. The M-SEARCH leaves only in-scope interfaces, from an
ephemeral port, with IP TTL 1 (it cannot cross a router); answers come back
by unicast and are kept only from in-scope addresses. A description is
fetched only when its LOCATION names the host that answered, over plain
http, with bounded size and time. NOTIFY announcements heard meanwhile are
kept too (that needs the group joined on port 1900; skipped if the port is
taken).
"""

from __future__ import annotations

import asyncio
import socket
import time
from typing import Any
from urllib.parse import urlsplit

from collector.announce.net import multicast_interfaces, open_receiver, query_socket
from collector.announce.ssdp import (MAX_DESCRIPTION, SsdpMessage, facts_from, location_allowed, parse_description,
                                     parse_message)
from collector.hookspecs import hookimpl
from collector.model import Identifier, Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import LiveHost, ScanContext

SSDP_GROUP = ("239.255.255.250", 1900)
SEARCH_TARGETS = ("ssdp:all", "upnp:rootdevice")
MAX_MESSAGES_PER_HOST = 64
FETCH_TIMEOUT = 3.0


def msearch(st: str, mx: int = 1) -> bytes:
    return (f'M-SEARCH * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nMAN: "ssdp:discover"\r\nMX: {mx}\r\n'
            f"ST: {st}\r\nUSER-AGENT: lan-collector UPnP/1.1\r\n\r\n").encode()


async def http_get(url: str, limit: int = MAX_DESCRIPTION, timeout: float = FETCH_TIMEOUT) -> bytes:
    """GET ``url`` (plain http): the body, at most ``limit`` bytes; raises
    OSError / asyncio.TimeoutError / ValueError."""
    parts = urlsplit(url)
    host, port = parts.hostname or "", parts.port or 80
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")

    async def fetch() -> bytes:
        reader, writer = await asyncio.open_connection(host, port)
        try:
            writer.write(f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: lan-collector\r\n"
                         "Accept: text/xml, application/xml\r\nConnection: close\r\n\r\n".encode())
            await writer.drain()
            data = b""
            while len(data) <= limit + 8192:
                chunk = await reader.read(65536)
                if not chunk:
                    break
                data += chunk
        finally:
            writer.close()
        return data

    raw = await asyncio.wait_for(fetch(), timeout)
    head, _, body = raw.partition(b"\r\n\r\n")
    status = head.split(b"\r\n", 1)[0].split()
    if len(status) < 2 or status[1] != b"200":
        raise ValueError(f"HTTP status {status[1:2]!r}")
    if b"transfer-encoding: chunked" in head.lower():
        body = _dechunk(body)
    if len(body) > limit:
        raise ValueError("description larger than allowed")
    return body


def _dechunk(data: bytes) -> bytes:
    out, i = b"", 0
    while i < len(data):
        line_end = data.find(b"\r\n", i)
        if line_end < 0:
            break
        try:
            size = int(data[i:line_end].split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out += data[line_end + 2:line_end + 2 + size]
        i = line_end + 2 + size + 2
    return out


def _notify_socket(iface_ip: str) -> socket.socket | None:
    """Port 1900 joined on ``iface_ip`` to hear NOTIFY; None if the port is taken."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("", SSDP_GROUP[1]))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP,
                        socket.inet_aton(SSDP_GROUP[0]) + socket.inet_aton(iface_ip))
        sock.setblocking(False)
    except OSError:
        sock.close()
        return None
    return sock


class Ssdp:
    name = "ssdp"
    phase = "enrich"
    description = "SSDP / UPnP: M-SEARCH, then each in-scope device's description (model, serial, firmware, UDN)"
    needs: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        started = time.monotonic()
        ifaces = multicast_interfaces(ctx.attached, ctx.scope)
        if not ifaces:
            return PluginReport(probes=[ProbeResult(self.name, "local link", Outcome.SKIPPED, 0.0,
                                                    "no attached subnet in scope (SSDP stays on the local link)")])
        messages: dict[str, list[SsdpMessage]] = {}
        dropped: set[str] = set()

        def on_datagram(data: bytes, source: str) -> None:
            if source not in ctx.scope:
                dropped.add(source)
                return
            msg = parse_message(data)
            if msg is not None and msg.kind in ("response", "notify"):
                seen = messages.setdefault(source, [])
                if len(seen) < MAX_MESSAGES_PER_HOST:
                    seen.append(msg)

        queries, transports = [], []
        for iface in ifaces:
            queries.append(await open_receiver(query_socket(str(iface.ip), 1), on_datagram))
            notify = _notify_socket(str(iface.ip))
            if notify is not None:
                transports.append(await open_receiver(notify, on_datagram))
        transports += queries
        try:
            for _round in range(2):
                for st in SEARCH_TARGETS:
                    for transport in queries:
                        transport.sendto(msearch(st), SSDP_GROUP)
                await asyncio.sleep(0.3)
            await asyncio.sleep(max(0.0, started + ctx.settings.ssdp_listen_seconds - time.monotonic()))
        finally:
            for transport in transports:
                transport.close()
        limit = asyncio.Semaphore(max(1, ctx.settings.concurrency))
        macs = {h.ip: h.mac for h in hosts}
        results = await asyncio.gather(*(self._describe(ip, msgs, limit) for ip, msgs in sorted(messages.items())))
        report = PluginReport()
        elapsed = (time.monotonic() - started) * 1000
        for ip, (obs, probe) in zip(sorted(messages), results):
            obs.mac = macs.get(ip)
            report.observations.append(obs)
            report.probes.append(ProbeResult(self.name, ip, probe[0], elapsed, probe[1]))
        for h in hosts:
            if h.ip not in messages:
                report.probes.append(ProbeResult(self.name, h.ip, Outcome.NO_RESPONSE, elapsed,
                                                 "did not answer M-SEARCH"))
        if dropped:
            report.probes.append(ProbeResult(self.name, "out of scope", Outcome.SKIPPED, elapsed,
                                             f"ignored answers from {len(dropped)} address(es) outside the scope"))
        return report

    async def _describe(self, ip: str, msgs: list[SsdpMessage],
                        limit: asyncio.Semaphore) -> tuple[Observation, tuple[Outcome, str]]:
        server = next((m.headers["server"] for m in msgs if m.headers.get("server")), None)
        raw: dict[str, Any] = {"server": server, "types": sorted({m.headers.get("st") or m.headers.get("nt") or ""
                                                                   for m in msgs} - {""})[:32]}
        obs = Observation(self.name, ip, raw={"ssdp": raw})
        udns = {m.udn for m in msgs if m.udn}
        locations = [m.location for m in msgs if m.location]
        allowed = next((loc for loc in locations if location_allowed(loc, ip)), None)
        outcome = (Outcome.OK, f"{len(msgs)} SSDP message(s)")
        if allowed:
            raw["location"] = allowed
            try:
                async with limit:
                    desc = parse_description(await http_get(allowed))
            except (OSError, asyncio.TimeoutError, ValueError) as exc:
                outcome = (Outcome.ERROR, f"description {allowed}: {type(exc).__name__}: {str(exc)[:120]}")
            else:
                raw["description"] = desc
                obs.facts, obs.identifiers, obs.software = facts_from(desc, server)
        elif locations:
            raw["location_refused"] = locations[0][:200]
            outcome = (Outcome.OK, "LOCATION does not point at the answering host: not fetched")
        known = {i.value for i in obs.identifiers}
        for udn in sorted(udns - known)[:4]:
            obs.identifiers.append(Identifier("upnp_udn", udn, self.name))
        return obs, outcome


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [Ssdp()]
