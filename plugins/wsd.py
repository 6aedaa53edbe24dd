"""WS-Discovery: Windows computers, printers and ONVIF cameras announce what
they are to a Probe on UDP 3702.

Multicast (239.255.255.250, TTL 1, loopback off) is sent only on interfaces
whose whole subnet is inside the scan's scope (an excluded address on that
link would hear it too); live hosts elsewhere (behind a router, or on a
partly scanned subnet) get the same Probe unicast. Answers count only from
in-scope source addresses; each is bounded (64 KiB) and parsed with
defusedxml. Then, with ``wsd.metadata``, one WS-Transfer Get per device to
its XAddr, only when that URL names an in-scope address (a ProbeMatch can
name any address): model, maker, serial, firmware, a Windows computer's name
and workgroup/domain.

It runs as an enrichment plugin: its listening window (``wsd.timeout``,
2.5 s) overlaps the banner and nmap work, so it adds nothing to a full scan's
wall time, while as a discovery plugin it would delay every enrichment.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import time
import uuid
from typing import Any

from collector.hookspecs import hookimpl
from collector.model import Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import LiveHost, ScanContext
from collector.proto import wsd

MAX_GET = 65536
GET_TIMEOUT = 2.0
GETS_AT_ONCE = 8


class _Receiver(asyncio.DatagramProtocol):
    def __init__(self, allowed: Any) -> None:
        self.allowed = allowed
        self.answers: dict[str, list[bytes]] = {}

    def datagram_received(self, data: bytes, addr: Any) -> None:
        ip = addr[0]
        if not self.allowed(ip) or len(self.answers.get(ip, [])) >= 8:
            return  # out of scope, or a chatty device: keep the first few
        self.answers.setdefault(ip, []).append(data[: wsd.MAX_MESSAGE])


def multicast_interfaces(ctx: ScanContext) -> list[Any]:
    """Attached interfaces whose whole subnet is in scope (no exclusion in it)."""
    out = []
    for att in ctx.attached:
        if att.point_to_point or att.network.prefixlen >= 31:
            continue
        if ctx.scope.covers(att.network):
            out.append(att)
    return out


async def fetch_metadata(url: str, endpoint: str, timeout: float = GET_TIMEOUT) -> bytes | None:
    """POST the Get to one in-scope XAddr; the body, bounded, or None."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    port = parts.port or (443 if parts.scheme == "https" else 80)
    body = wsd.get_request(endpoint)
    request = (f"POST {parts.path or '/'} HTTP/1.1\r\nHost: {parts.hostname}:{port}\r\n"
               "Content-Type: application/soap+xml; charset=utf-8\r\nUser-Agent: lan-collector (inventory)\r\n"
               f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n").encode() + body
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection(
            parts.hostname, port, ssl=None if parts.scheme == "http" else _tls()), timeout)
    except (asyncio.TimeoutError, OSError, ValueError):
        return None
    data = b""
    try:
        writer.write(request)
        await writer.drain()
        deadline = time.monotonic() + timeout
        while len(data) < MAX_GET and time.monotonic() < deadline:
            chunk = await asyncio.wait_for(reader.read(8192), max(0.01, deadline - time.monotonic()))
            if not chunk:
                break
            data += chunk
    except (asyncio.TimeoutError, OSError):
        pass
    finally:
        writer.close()
    head, _, payload = data.partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.") or b" 200 " not in head.split(b"\r\n", 1)[0]:
        return None
    if b"transfer-encoding: chunked" in head.lower():
        payload = _dechunk(payload)
    return payload[:MAX_GET]


def _dechunk(data: bytes) -> bytes:
    out, at = b"", 0
    for _ in range(1000):
        end = data.find(b"\r\n", at)
        if end < 0:
            break
        try:
            size = int(data[at:end].split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out += data[end + 2 : end + 2 + size]
        at = end + 2 + size + 2
    return out


def _tls() -> Any:
    from collector.plugins.banners import tls_context

    return tls_context()


class WsdPlugin:
    name = "wsd"
    phase = "enrich"
    description = "WS-Discovery Probe (multicast on in-scope subnets, unicast elsewhere) and WSD metadata"
    needs: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        from collector.wsdinfo import observation_for

        report = PluginReport()
        start = time.monotonic()
        loop = asyncio.get_running_loop()
        allowed = ctx.scope.__contains__
        ifaces = multicast_interfaces(ctx)
        receivers = []
        try:
            for att in ifaces:
                sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 1)
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
                sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(str(att.ip)))
                sock.bind((str(att.ip), 0))
                receivers.append(await loop.create_datagram_endpoint(lambda: _Receiver(allowed), sock=sock))
            covered = [att.network for att in ifaces]
            unicast = [h.ip for h in hosts if allowed(h.ip)
                       and not any(ipaddress.ip_address(h.ip) in n for n in covered)]
            if unicast:
                receivers.append(await loop.create_datagram_endpoint(lambda: _Receiver(allowed),
                                                                     local_addr=("0.0.0.0", 0),
                                                                     family=socket.AF_INET))
            # untyped, DPWS devices (Windows, printers, wsdd) and ONVIF cameras: some answer only their type
            messages = [wsd.probe(f"urn:uuid:{uuid.uuid4()}", t) for t in (None, *wsd.PROBE_TYPES)]
            for repeat in range(2):  # SOAP-over-UDP repeats multicast messages: UDP may drop one
                for message in messages:
                    for (transport, _r), _att in zip(receivers, ifaces):
                        transport.sendto(message, (wsd.GROUP, wsd.PORT))
                    if unicast:
                        transport = receivers[-1][0]
                        for ip in unicast:
                            transport.sendto(message, (ip, wsd.PORT))
                            await asyncio.sleep(1 / max(1, ctx.settings.rate))
                await asyncio.sleep(0.2 if repeat == 0 else 0)
            await asyncio.sleep(ctx.settings.wsd_timeout)
        finally:
            for transport, _r in receivers:
                transport.close()
        answers: dict[str, list[bytes]] = {}
        for _t, receiver in receivers:
            for ip, msgs in receiver.answers.items():
                answers.setdefault(ip, []).extend(msgs)
        gets = asyncio.Semaphore(GETS_AT_ONCE)

        async def one(ip: str, msgs: list[bytes]) -> None:
            matches: list[dict] = []
            for msg in msgs:
                try:
                    found = wsd.parse_probe_matches(msg)
                except ValueError:
                    continue
                # the same endpoint answers each of our probes: keep it once
                matches.extend(m for m in found if m["address"] not in {x["address"] for x in matches})
            if not matches:
                return
            metadata = None
            if ctx.settings.wsd_metadata:
                for m in matches:
                    urls = wsd.in_scope_xaddrs(m["xaddrs"], allowed)
                    if urls and m.get("address") and ({"Device", "Computer", "PrintDeviceType", "ScanDeviceType"}
                                                      & set(m["types"])):
                        async with gets:
                            metadata = await fetch_metadata(urls[0], m["address"])
                        break
            report.observations.append(observation_for(ip, matches, metadata))
            report.probes.append(ProbeResult(self.name, ip, Outcome.OK, (time.monotonic() - start) * 1000,
                                             f"{len(matches)} ProbeMatch(es)" + (", metadata" if metadata else "")))

        await asyncio.gather(*(one(ip, msgs) for ip, msgs in answers.items()))
        if not ifaces and not hosts:
            report.degraded = "no in-scope subnet to probe"
        return report


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [WsdPlugin()]
