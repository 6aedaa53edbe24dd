"""Replays recorded real SSDP / UPnP answers for lab hosts whose product
Debian cannot run (the Samsung TV): answers every M-SEARCH with the recorded
response, serves the recorded device description, and sends an ssdp:alive
NOTIFY every few seconds (built from the same recorded headers: NT = the
recorded ST). Only the LOCATION address is patched to the host's own.

Like ``collector.lab.services`` it runs in the switch namespace and opens
its sockets inside each host's namespace (setns). Run as
``python -m collector.lab.replay STATE_JSON``.
"""

from __future__ import annotations

import asyncio
import json
import signal
import socket
import sys
from pathlib import Path

from collector.lab import topology as topo
from collector.lab.netns import _restore_ns, _setns

FIXTURES = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "ssdp"
#: kind -> recording folder (response.txt with a {ip} placeholder, description.xml)
RECORDINGS = {"smart_tv": "samsung_tv"}
GROUP = "239.255.255.250"
DESC_PORT = 7676


def recording(kind: str, ip: str) -> tuple[bytes, bytes]:
    folder = FIXTURES / RECORDINGS[kind]
    response = (folder / "response.txt").read_bytes().replace(b"{ip}", ip.encode())
    return response, (folder / "description.xml").read_bytes()


def notify_from(response: bytes) -> bytes:
    lines = response.decode("latin-1").split("\r\n")
    headers = {ln.split(":", 1)[0].upper(): ln.split(":", 1)[1].strip() for ln in lines[1:] if ":" in ln}
    return ("NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nCACHE-CONTROL: " + headers.get("CACHE-CONTROL", "")
            + f"\r\nLOCATION: {headers.get('LOCATION', '')}\r\nNT: {headers.get('ST', '')}\r\nNTS: ssdp:alive\r\n"
            f"SERVER: {headers.get('SERVER', '')}\r\nUSN: {headers.get('USN', '')}\r\n\r\n").encode()


class Responder(asyncio.DatagramProtocol):
    def __init__(self, response: bytes) -> None:
        self.response = response
        self.transport: asyncio.DatagramTransport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def datagram_received(self, data: bytes, addr: tuple[str, int]) -> None:  # type: ignore[override]
        if data.startswith(b"M-SEARCH") and self.transport is not None:
            self.transport.sendto(self.response, addr)


def _sockets(ns: str, ip: str) -> tuple[socket.socket, socket.socket]:
    old = _setns(ns)
    try:
        udp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        udp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        udp.bind(("", 1900))
        udp.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(GROUP) + socket.inet_aton(ip))
        udp.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_IF, socket.inet_aton(ip))
        udp.setsockopt(socket.IPPROTO_IP, socket.IP_MULTICAST_TTL, 2)
        udp.setblocking(False)
        tcp = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        tcp.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        tcp.bind((ip, DESC_PORT))
        tcp.listen(16)
        tcp.setblocking(False)
    finally:
        _restore_ns(old)
    return udp, tcp


async def serve(state_path: Path) -> None:
    state = json.loads(state_path.read_text())
    loop = asyncio.get_running_loop()
    notifiers = []
    for host in state["hosts"]:
        if host["kind"] not in RECORDINGS:
            continue
        response, description = recording(host["kind"], host["ip"])
        udp, tcp = _sockets(host["ns"], host["ip"])
        transport, _ = await loop.create_datagram_endpoint(lambda r=response: Responder(r), sock=udp)  # type: ignore[misc]
        notifiers.append((transport, notify_from(response)))

        async def describe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, body: bytes = description) -> None:
            try:
                await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 5)
                writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=\"utf-8\"\r\nContent-Length: "
                             + str(len(body)).encode() + b"\r\nConnection: close\r\n\r\n" + body)
                await writer.drain()
            except (asyncio.TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
                pass
            finally:
                writer.close()

        await asyncio.start_server(describe, sock=tcp)
    (state_path.parent / "replay.ready").write_text(str(len(notifiers)))
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    while not stop.is_set():
        for transport, notify in notifiers:
            transport.sendto(notify, (GROUP, 1900))
        try:
            await asyncio.wait_for(stop.wait(), 5)
        except asyncio.TimeoutError:
            pass


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
