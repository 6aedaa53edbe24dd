"""One UDP socket for every v1/v2c request of a scan (asyncio), and
:class:`Transports`, what a scan's agents send with.

Requests carry a random request-id; an answer is taken only from the
address and port the request went to, with that request-id and the
request's SNMP version, and only if it decodes (:mod:`collector.snmp.ber`);
anything else is dropped, as a lost datagram is. A request that is not
answered within ``timeout`` is sent again, ``retries`` times, with the same
request-id (a late answer to an earlier copy counts).
"""

from __future__ import annotations

import asyncio
import ipaddress
import random
import socket
from typing import Any

from collector.snmp.ber import BerError, Response, decode_response

#: Largest datagram read (the UDP maximum).
MAX_DATAGRAM = 65535


class Timeout(Exception):
    pass


class _Protocol(asyncio.DatagramProtocol):
    def __init__(self, owner: UdpClient) -> None:
        self.owner = owner

    def datagram_received(self, data: bytes, addr: Any) -> None:
        self.owner._received(data, addr)

    def error_received(self, exc: Exception) -> None:
        pass  # e.g. ICMP port unreachable: the request times out like a silent one


class UdpClient:
    """Sends requests and matches answers; :meth:`close` when the scan ends."""

    def __init__(self) -> None:
        self._transports: dict[int, asyncio.DatagramTransport] = {}
        self._pending: dict[int, tuple[asyncio.Future[Response], tuple[str, int], int]] = {}
        self._random = random.SystemRandom()

    async def _transport(self, family: int) -> asyncio.DatagramTransport:
        transport = self._transports.get(family)
        if transport is None or transport.is_closing():
            loop = asyncio.get_running_loop()
            transport, _ = await loop.create_datagram_endpoint(lambda: _Protocol(self), family=family)
            self._transports[family] = transport
        return transport

    def new_request_id(self) -> int:
        while True:
            rid = self._random.randrange(1, 2**31 - 1)
            if rid not in self._pending:
                return rid

    async def request(self, ip: str, port: int, message: bytes, request_id: int, version: int, timeout: float,
                      retries: int) -> Response:
        addr = ipaddress.ip_address(ip)
        family = socket.AF_INET6 if addr.version == 6 else socket.AF_INET
        transport = await self._transport(family)
        future: asyncio.Future[Response] = asyncio.get_running_loop().create_future()
        self._pending[request_id] = (future, (addr.compressed, port), version)
        try:
            for _attempt in range(retries + 1):
                transport.sendto(message, (ip, port))
                try:
                    return await asyncio.wait_for(asyncio.shield(future), timeout)
                except asyncio.TimeoutError:
                    continue
            raise Timeout("no answer")
        finally:
            self._pending.pop(request_id, None)
            if not future.done():
                future.cancel()

    def _received(self, data: bytes, addr: Any) -> None:
        try:
            source = (ipaddress.ip_address(addr[0]).compressed, int(addr[1]))
        except (ValueError, IndexError, TypeError):
            return
        try:
            response = decode_response(data[:MAX_DATAGRAM])
        except BerError:
            return  # garbled: as if lost
        pending = self._pending.get(response.request_id)
        if pending is None:
            return
        future, expected, version = pending
        if source != expected or response.version != version or future.done():
            return
        future.set_result(response)

    def close(self) -> None:
        for transport in self._transports.values():
            transport.close()
        self._transports.clear()


class Transports:
    """What a scan's agents send with: one UDP socket and the collector's own
    codec for v1/v2c, pysnmp's engine (made on first use) for v3."""

    def __init__(self) -> None:
        self.udp = UdpClient()
        self._engine: Any = None

    def pysnmp(self) -> Any:
        if self._engine is None:
            from pysnmp.hlapi.v3arch.asyncio import SnmpEngine

            self._engine = SnmpEngine()
        return self._engine

    def close(self) -> None:
        self.udp.close()
        if self._engine is not None:
            self._engine.close_dispatcher()


def community_bytes(community: str | None) -> bytes:
    text = community or ""
    try:
        return text.encode("latin-1")  # as pysnmp sends it
    except UnicodeEncodeError:
        return text.encode("utf-8")
