"""The few socket helpers the multicast plugins share.

Multicast is sent only out of interfaces whose subnet lies in the scan's
scope, with a TTL that keeps it on the link (mDNS's group is link-local
whatever the TTL); answers are kept only from in-scope addresses. See the README's "What each plugin sends" table.
"""

from __future__ import annotations

import asyncio
import socket
from collections.abc import Callable

from collector.netinfo import Attached
from collector.scope import Scope

#: Longest datagram read.
MAX_DATAGRAM = 9000


def multicast_interfaces(attached: list[Attached], scope: Scope) -> list[Attached]:
    """Interfaces a multicast query may leave from: broadcast-capable, not
    loopback, on a subnet that overlaps the scope."""
    out = []
    for a in attached:
        if a.point_to_point or a.ip.is_loopback or a.ip.is_link_local:
            continue
        if scope.overlaps(a.network):
            out.append(a)
    return out


def query_socket(iface_ip: str, ttl: int) -> socket.socket:
    """A UDP socket on an ephemeral port whose multicast leaves by ``iface_ip``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(iface_ip))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        sock.bind((iface_ip, 0))
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


def group_socket(iface_ip: str, group: str, port: int, ttl: int) -> socket.socket:
    """A socket on the group's port, joined on ``iface_ip`` only (shared with
    any local daemon on that port through SO_REUSEADDR / SO_REUSEPORT: every
    member gets its own copy of multicast), sending out of ``iface_ip``."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_UDP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if hasattr(socket, "SO_REUSEPORT"):
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("", port))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton(iface_ip))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(iface_ip))
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, ttl)
        sock.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_LOOP, 0)
        sock.setblocking(False)
    except OSError:
        sock.close()
        raise
    return sock


class Receiver(asyncio.DatagramProtocol):
    """Hands every datagram (bounded) to ``on_datagram(data, source ip)``."""

    def __init__(self, on_datagram: Callable[[bytes, str], None]) -> None:
        self.on_datagram = on_datagram

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        self.on_datagram(data[:MAX_DATAGRAM], addr[0])

    def error_received(self, exc: Exception) -> None:
        pass  # ICMP errors for a multicast send: nothing to do


async def open_receiver(sock: socket.socket, on_datagram: Callable[[bytes, str], None]) -> asyncio.DatagramTransport:
    loop = asyncio.get_running_loop()
    transport, _ = await loop.create_datagram_endpoint(lambda: Receiver(on_datagram), sock=sock)
    return transport
