"""One process serving every lab host's TCP services.

Sockets are created inside each host's network namespace (setns) and then
all served from one asyncio loop, so 240 hosts cost one process, not 240.
Each service speaks the first bytes a real product sends (banners recorded
from the real software's documented greetings), enough for a banner grabber
or nmap -sV to recognise it.

Run as ``python -m collector.lab.services STATE_JSON``.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
import warnings
import functools
import re
import json
import os
import signal
import socket
import struct
import sys
import time
from pathlib import Path
from typing import Any

from collector.lab import topology as topo
from collector.lab import web
from collector.lab.netns import _restore_ns, _setns
from collector.lab.topology import ServiceSpec

MAX_REQUEST = 8192


_REQUEST_LINE = re.compile(rb"^[A-Z]{3,10} \S+ (HTTP|RTSP)/\d\.\d\r?$")


async def _read_request(reader: asyncio.StreamReader, timeout: float = 5.0) -> bytes:
    """A request, or what came instead of one: like real servers, answer
    (with an error) as soon as the first line is not a request line."""
    data = b""
    try:
        while b"\r\n\r\n" not in data and b"\n\n" not in data and len(data) < MAX_REQUEST:
            chunk = await asyncio.wait_for(reader.read(1024), timeout)
            if not chunk:
                break
            data += chunk
            first, newline, _ = data.partition(b"\n")
            if (newline or len(data) > 256) and not _REQUEST_LINE.match(first):
                break
    except asyncio.TimeoutError:
        pass
    return data


def http_response(spec: ServiceSpec, request: bytes) -> bytes:
    first = request.split(b"\n", 1)[0].rstrip(b"\r")
    if not _REQUEST_LINE.match(first):
        body = b"<html><head><title>400 Bad Request</title></head><body>Bad Request</body></html>\n"
        head = "HTTP/1.1 400 Bad Request\r\n" + (f"Server: {spec.banner}\r\n" if spec.banner else "")
        head += f"Content-Type: text/html\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
        return head.encode() + body
    parts = first.decode("latin-1", "replace").split()
    method = parts[0] if parts else ""
    title = spec.title or "Welcome"
    body = (f"<!DOCTYPE html><html><head><title>{title}</title></head>"
            f"<body><h1>{title}</h1></body></html>\n").encode()
    status = "200 OK" if method in ("GET", "HEAD") else "405 Method Not Allowed"
    lines = [f"HTTP/1.1 {status}", f"Server: {spec.banner}" if spec.banner else None,
             "Content-Type: text/html", f"Content-Length: {len(body)}", "Connection: close"]
    out = ("\r\n".join(h for h in lines if h) + "\r\n\r\n").encode()
    return out + (body if method == "GET" else b"")


#: SMB1 negotiate-response parameters as the real systems send them when the
#: client does not ask for extended security:
#: (MaxMpxCount, MaxBufferSize, Capabilities).
SMB_FLAVOURS = {"win7": (10, 4356, 0x0001E3FC), "win2008r2": (50, 16644, 0x0001E3FD)}


def smb_negotiate_response(request: bytes, flavour: str, domain: str, server: str) -> bytes | None:
    """An SMB1 Negotiate Protocol response choosing "NT LM 0.12", or None if
    the request is not an SMB1 negotiate offering that dialect."""
    if len(request) < 4 + 32 + 3 or request[4:8] != b"\xffSMB" or request[8] != 0x72:
        return None
    smb = request[4:]
    pid, mid = smb[26:28], smb[30:32]
    data = smb[33 + 2 * smb[32] + 2:]
    dialects = [d for d in data.split(b"\x02") if d]
    names = [d.rstrip(b"\0") for d in dialects]
    if b"NT LM 0.12" not in names:
        return None
    max_mpx, max_buffer, caps = SMB_FLAVOURS.get(flavour, SMB_FLAVOURS["win7"])
    header = (b"\xffSMB\x72" + b"\0" * 4 + b"\x88" + struct.pack("<H", 0x4001) + b"\0" * 12
              + b"\0\0" + pid + b"\0\0" + mid)
    filetime = int((time.time() + 11644473600) * 10_000_000)
    words = struct.pack("<BHBHHIIIIQhB", 17, names.index(b"NT LM 0.12"), 0x03, max_mpx, 1, max_buffer, 65536, 0,
                        caps, filetime, 0, 8)
    payload = os.urandom(8) + (domain + "\0").encode("utf-16-le") + (server + "\0").encode("utf-16-le")
    body = header + words + struct.pack("<H", len(payload)) + payload
    return struct.pack(">I", len(body)) + body


async def _smb_session(spec: ServiceSpec, host: dict, reader: asyncio.StreamReader,
                       writer: asyncio.StreamWriter) -> None:
    """A Windows host's port 445 (collector.lab.winreplay): SMB2 negotiate and
    session setup up to the NTLMSSP challenge; SMB1 only where the release
    still accepts it (with extended security when the client asks for it,
    as Windows does; without, the names nmap's probe reads)."""
    from collector.lab import winreplay

    flavour = winreplay.FLAVOURS.get(spec.banner, winreplay.FLAVOURS["win7"])
    name = host["hostname"]
    for _ in range(4):
        head = await asyncio.wait_for(reader.readexactly(4), 10)
        length = int.from_bytes(head[1:], "big")
        if head[0] != 0 or length > 4096:
            return
        request = head + await asyncio.wait_for(reader.readexactly(length), 10)
        reply: bytes | None = None
        if request[4:8] == b"\xfeSMB" and len(request) >= 4 + 64:
            command, mid = struct.unpack("<H", request[16:18])[0], struct.unpack("<Q", request[28:36])[0]
            if command == 0:
                reply = winreplay.smb2_negotiate_response(flavour, name, mid)
            elif command == 1:
                reply = winreplay.smb2_session_setup_response(flavour, name, mid)
        elif request[4:8] == b"\xffSMB" and flavour.smb1 and len(request) > 40:
            extended = bool(struct.unpack("<H", request[14:16])[0] & 0x0800)
            if request[8] == 0x72 and extended:
                reply = winreplay.smb1_negotiate_response(flavour, name, request)
            elif request[8] == 0x72:
                reply = smb_negotiate_response(request, spec.banner, flavour.domain or "WORKGROUP", name.upper())
            elif request[8] == 0x73:
                reply = winreplay.smb1_session_setup_response(flavour, name, request)
        if reply is None:
            return  # e.g. SMB1 on Windows 10: the connection is dropped
        writer.write(reply)
        await writer.drain()


async def handle(spec: ServiceSpec, host: dict, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    spec = dataclasses.replace(spec, banner=spec.banner.replace("{serial}", topo.serial_for(host["index"])))
    try:
        if spec.kind == "ssh":
            writer.write(spec.banner.encode() + b"\r\n")
            await writer.drain()
            await asyncio.wait_for(reader.read(256), 5)
        elif spec.kind == "ftp":
            writer.write(spec.banner.encode() + b"\r\n")
            await writer.drain()
            for _ in range(8):
                line = await asyncio.wait_for(reader.readline(), 10)
                if not line:
                    break
                cmd = line.split(b" ", 1)[0].strip().upper()
                reply = {b"USER": b"331 Please specify the password.", b"PASS": b"530 Login incorrect.",
                         b"SYST": b"215 UNIX Type: L8", b"QUIT": b"221 Goodbye.",
                         b"FEAT": b"211-Features:\r\n EPRT\r\n PASV\r\n211 End"}.get(cmd, b"500 Unknown command.")
                writer.write(reply + b"\r\n")
                await writer.drain()
                if cmd == b"QUIT":
                    break
        elif spec.kind == "telnet":
            # IAC WILL ECHO, WILL SUPPRESS-GO-AHEAD, DO TERMINAL-TYPE, DO NAWS
            # (what Cisco IOS sends), then the prompt
            writer.write(b"\xff\xfb\x01\xff\xfb\x03\xff\xfd\x18\xff\xfd\x1f" + spec.banner.encode())
            await writer.drain()
            await asyncio.wait_for(reader.read(256), 10)
        elif spec.kind == "smtp":
            writer.write(spec.banner.encode() + b"\r\n")
            await writer.drain()
            line = await asyncio.wait_for(reader.readline(), 10)
            if line[:4].upper() in (b"EHLO", b"HELO"):
                writer.write(b"250-srv.example.org\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
                await writer.drain()
        elif spec.kind in ("http", "https", "https-legacy"):
            request = await _read_request(reader)
            first = request.split(b"\n", 1)[0].rstrip(b"\r")
            if request and spec.site and _REQUEST_LINE.match(first):
                method, path = first.decode("latin-1").split()[:2]
                writer.write(web.respond(spec.site, spec.banner, host, method, path))
                await writer.drain()
            elif request:
                writer.write(http_response(spec, request))
                await writer.drain()
        elif spec.kind == "rtsp":
            request = await _read_request(reader)
            writer.write(web.rtsp_response(spec.site, spec.banner, request))
            await writer.drain()
        elif spec.kind == "smb":
            await _smb_session(spec, host, reader, writer)
        else:  # "open": accept, read politely, close
            await asyncio.wait_for(reader.read(1024), 5)
    except (asyncio.TimeoutError, asyncio.IncompleteReadError, ConnectionError, OSError):
        pass
    finally:
        writer.close()


def server_context(kind: str, cert_file: Path, key_file: Path) -> ssl.SSLContext:
    """A modern server context (TLS 1.2+), or for "https-legacy" one that still
    accepts TLS 1.0, as old management cards do (OpenSSL 3 needs @SECLEVEL=0)."""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    if kind == "https-legacy":
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            ctx.minimum_version = ssl.TLSVersion.TLSv1
        ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    else:
        ctx.minimum_version = ssl.TLSVersion.TLSv1_2
    ctx.load_cert_chain(cert_file, key_file)
    return ctx


def tls_contexts(directory: Path) -> dict[str, ssl.SSLContext]:
    """A self-signed certificate made at start, and server contexts: a modern
    one (TLS 1.2+) and a legacy one that still accepts TLS 1.0, as old
    management cards do (OpenSSL 3 needs @SECLEVEL=0 for that)."""
    import datetime

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "lan-collector lab device")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(datetime.datetime(2020, 1, 1)).not_valid_after(datetime.datetime(2040, 1, 1))
            .sign(key, hashes.SHA256()))
    cert_file, key_file = directory / "tls-cert.pem", directory / "tls-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return {kind: server_context(kind, cert_file, key_file) for kind in ("https", "https-legacy")}


def listen(ns: str, ip: str, port: int) -> socket.socket:
    old = _setns(ns)
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((ip, port))
        sock.listen(64)
        sock.setblocking(False)
    finally:
        _restore_ns(old)
    return sock


async def serve(state_path: Path) -> None:
    state = json.loads(state_path.read_text())
    servers = []
    contexts = tls_contexts(state_path.parent)
    for host in state["hosts"]:
        for spec in topo.PROFILES[host["kind"]].services:
            if spec.proto != "tcp":
                continue
            sock = listen(host["ns"], host["ip"], spec.port)
            ctx = contexts.get(spec.kind)
            own = web.certificate(spec.site, host, state_path.parent) if ctx and spec.site else None
            if own:  # the product's own certificate, made for this host
                ctx = server_context(spec.kind, *own)
            servers.append(await asyncio.start_server(functools.partial(handle, spec, host), sock=sock, ssl=ctx))
    servers += await _windows_extras(state)
    (state_path.parent / "services.ready").write_text(str(len(servers)))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    for server in servers:
        server.close()


class _Udp(asyncio.DatagramProtocol):
    def __init__(self, answer: Any) -> None:
        self.answer = answer
        self.transport: Any = None

    def connection_made(self, transport: Any) -> None:
        self.transport = transport

    def datagram_received(self, data: bytes, addr: Any) -> None:
        reply = self.answer(data[:8192], addr)
        if reply:
            self.transport.sendto(reply, addr)


def _udp_socket(ns: str, ip: str, port: int, group: str | None = None) -> socket.socket:
    old = _setns(ns)
    try:
        sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if group:
            sock.bind(("0.0.0.0", port))
            sock.setsockopt(socket.IPPROTO_IP, socket.IP_ADD_MEMBERSHIP, socket.inet_aton(group) + socket.inet_aton(ip))
        else:
            sock.bind((ip, port))
        sock.setblocking(False)
    finally:
        _restore_ns(old)
    return sock


async def _windows_extras(state: dict) -> list[Any]:
    """NetBIOS node status (UDP 137), WS-Discovery (UDP 3702, multicast) and
    the WSD metadata endpoint (TCP 5357) of the Windows hosts."""
    from collector.lab import winreplay

    loop = asyncio.get_running_loop()
    out: list[Any] = []
    for host in state["hosts"]:
        spec = next((s for s in topo.PROFILES[host["kind"]].services if s.kind == "smb"), None)
        if spec is None:
            continue
        flavour = winreplay.FLAVOURS.get(spec.banner, winreplay.FLAVOURS["win7"])
        workgroup = flavour.domain or "WORKGROUP"
        dc = flavour.signing_required
        def nb(data: bytes, addr: Any, h: dict = host, wg: str = workgroup, d: bool = dc) -> bytes | None:
            return winreplay.nbstat_reply(data, h["hostname"], wg, h["mac"], d)

        def probe(data: bytes, addr: Any, h: dict = host) -> bytes | None:
            return winreplay.wsd_probe_matches(data, h["hostname"], h["ip"])

        for answer, port, group in ((nb, 137, None), (probe, 3702, "239.255.255.250")):
            transport, _p = await loop.create_datagram_endpoint(
                functools.partial(_Udp, answer), sock=_udp_socket(host["ns"], host["ip"], port, group))
            out.append(transport)
        membership = f"Domain:{flavour.dns_domain}" if flavour.dns_domain else f"Workgroup:{workgroup}"
        body = winreplay.wsd_metadata(host["hostname"], membership)
        sock = listen(host["ns"], host["ip"], winreplay.WSD_HTTP_PORT)
        out.append(await asyncio.start_server(functools.partial(_wsd_http, body), sock=sock))
    return out


async def _wsd_http(body: bytes, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        request = await _read_request(reader)
        if request.startswith(b"POST "):
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/soap+xml\r\nServer: Microsoft-HTTPAPI/2.0\r\n"
                         + f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
            await writer.drain()
    except (asyncio.TimeoutError, ConnectionError, OSError):
        pass
    finally:
        writer.close()


if __name__ == "__main__":
    asyncio.run(serve(Path(sys.argv[1])))
