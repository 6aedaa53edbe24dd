"""Banner identifier: a polite asyncio TCP connect scan of a curated LAN port
list, reading what each open service says (and asking HTTP(S)/RTSP servers
for their headers), identified with Recog's fingerprints.

Connection attempts are capped at scan.rate per second overall and
``PER_HOST`` at a time per host. Printer raw ports (9100-9107) are never
touched. Reads are bounded in bytes and time, so a slow or endless service
costs at most ``READ_DEADLINE`` seconds.
"""

from __future__ import annotations

import asyncio
import dataclasses
import ssl
import warnings
import time
from typing import Any

from collector.banners import SPEAKS_FIRST, Grab, escape_banner, identify
from collector.identity import merge_services
from collector.hookspecs import hookimpl
from collector.model import Identifier, Observation, Outcome, PluginReport, ProbeResult, Service
from collector.webid import cert_info, icon_path, parse_http_response, redirect_target
from collector.plugin import LiveHost, ScanContext

#: The curated LAN port list (also what the nmap plugin scans).
LAN_PORTS = (21, 22, 23, 25, 53, 80, 88, 110, 111, 135, 139, 143, 389, 443, 445, 465, 548, 554, 587, 631, 636,
             873, 993, 995, 1433, 1521, 1723, 1883, 2049, 3000, 3306, 3389, 5000, 5001, 5060, 5432, 5900, 5985,
             6379, 8000, 8008, 8080, 8081, 8443, 8888, 9000, 10000, 27017)
NEVER = frozenset(range(9100, 9108))  # printer raw ports: anything sent there gets printed
assert not NEVER & set(LAN_PORTS)
HTTP_PORTS = {80, 631, 3000, 5000, 8000, 8008, 8080, 8081, 8888, 9000, 10000}
TLS_HTTP_PORTS = {443, 5001, 8443}
TLS_ONLY = {465, 636, 993, 995}
RTSP_PORTS = {554}
#: Names for open ports that say nothing of themselves.
PORT_NAMES = {443: "https", 8443: "https-alt", 53: "domain", 88: "kerberos", 111: "rpcbind", 135: "msrpc", 139: "netbios-ssn", 389: "ldap",
              445: "microsoft-ds", 465: "smtps", 548: "afp", 636: "ldaps", 873: "rsync", 993: "imaps",
              995: "pop3s", 1433: "ms-sql-s", 1521: "oracle", 1723: "pptp", 1883: "mqtt", 2049: "nfs",
              3389: "ms-wbt-server", 5060: "sip", 5432: "postgresql", 5985: "wsman", 6379: "redis",
              27017: "mongodb"}
CONNECT_TIMEOUT = 1.0
READ_DEADLINE = 2.5
MAX_READ = 65536
PER_HOST = 6
USER_AGENT = "lan-collector (inventory; https://lan-collector.invalid)"


class RateLimiter:
    """At most ``rate`` acquisitions per second, spread evenly."""

    def __init__(self, rate: float) -> None:
        self.interval = 1.0 / rate
        self.next = time.monotonic()
        self.lock = asyncio.Lock()

    async def acquire(self) -> None:
        async with self.lock:
            now = time.monotonic()
            wait = self.next - now
            self.next = max(now, self.next) + self.interval
        if wait > 0:
            await asyncio.sleep(wait)


def tls_context() -> ssl.SSLContext:
    """Accept any certificate and old protocols: this identifies, it does not trust.
    (OpenSSL 3 offers TLS 1.0/1.1 only with @SECLEVEL=0.)"""
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    ctx.set_ciphers("DEFAULT:@SECLEVEL=0")
    ctx.minimum_version = ssl.TLSVersion.MINIMUM_SUPPORTED
    return ctx


async def _read(reader: asyncio.StreamReader, deadline: float, *, until_line: bool) -> bytes:
    data = b""
    while len(data) < MAX_READ:
        left = deadline - time.monotonic()
        if left <= 0:
            break
        try:
            chunk = await asyncio.wait_for(reader.read(4096), left)
        except (asyncio.TimeoutError, ConnectionError, OSError, ssl.SSLError):
            break
        if not chunk:
            break
        data += chunk
        if until_line and b"\n" in data:
            break
    return data[:MAX_READ]


def _certificate(writer: asyncio.StreamWriter, grab: Grab) -> None:
    sslobj = writer.get_extra_info("ssl_object")
    der = sslobj.getpeercert(binary_form=True) if sslobj is not None else None
    info = cert_info(der) if der else None
    if info:
        grab.cert_subject, grab.cert_issuer, grab.cert_sha256 = info.subject, info.issuer, info.sha256


def port_mode(port: int) -> str:
    """How to talk to a port: http, https, tls, rtsp, greeting (speaks first) or listen."""
    if port in TLS_HTTP_PORTS:
        return "https"
    if port in TLS_ONLY:
        return "tls"
    if port in HTTP_PORTS:
        return "http"
    if port in RTSP_PORTS:
        return "rtsp"
    if port in SPEAKS_FIRST:
        return "greeting"
    return "listen"


async def grab_port(ip: str, port: int, limiter: RateLimiter, mode: str | None = None) -> Grab | None:
    """None when the port is closed or filtered."""
    mode = mode or port_mode(port)
    await limiter.acquire()
    tls = mode in ("https", "tls")
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(ip, port, ssl=tls_context() if tls else None, server_hostname=None if not tls
                                    else ""), CONNECT_TIMEOUT * (3 if tls else 1))
    except (asyncio.TimeoutError, OSError, ssl.SSLError, ValueError):
        if tls:  # TLS refused or broken: the port may still be open
            return await _plain_open(ip, port, limiter)
        return None
    grab = Grab(port=port, tls=tls)
    deadline = time.monotonic() + READ_DEADLINE
    try:
        if tls:
            _certificate(writer, grab)
            grab.legacy_tls = await legacy_tls(ip, port, limiter)
        if mode in ("http", "https"):
            writer.write(f"GET / HTTP/1.0\r\nHost: {ip}\r\nUser-Agent: {USER_AGENT}\r\nAccept: */*\r\n"
                         "Connection: close\r\n\r\n".encode())
            await writer.drain()
            grab.http_status, grab.headers, grab.body = parse_http_response(await _read(reader, deadline,
                                                                                      until_line=False))
        elif mode == "rtsp":
            writer.write(f"OPTIONS rtsp://{ip}/ RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: {USER_AGENT}\r\n\r\n".encode())
            await writer.drain()
            grab.http_status, grab.headers, grab.body = parse_http_response(await _read(reader, deadline,
                                                                                      until_line=False))
        elif mode == "greeting":
            grab.greeting = await _read(reader, deadline, until_line=port != 23)
        else:
            grab.greeting = await _read(reader, time.monotonic() + 0.5, until_line=True)
    except (ConnectionError, OSError, ssl.SSLError):
        pass
    finally:
        await _close(writer)
    return grab


async def _close(writer: asyncio.StreamWriter) -> None:
    """Close politely, but never wait long on a peer that does not answer."""
    writer.close()
    try:
        await asyncio.wait_for(writer.wait_closed(), 1)
    except (asyncio.TimeoutError, OSError, ssl.SSLError):
        pass


async def legacy_tls(ip: str, port: int, limiter: RateLimiter) -> list[str]:
    """The obsolete protocol versions a TLS service still accepts. Only TLS
    1.0 can be tried: OpenSSL 3 has no SSLv3 at all (reported as untested)."""
    accepted: list[str] = []
    ctx = tls_context()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        ctx.minimum_version = ctx.maximum_version = ssl.TLSVersion.TLSv1
    await limiter.acquire()
    try:
        _r, writer = await asyncio.wait_for(asyncio.open_connection(ip, port, ssl=ctx, server_hostname=""),
                                            CONNECT_TIMEOUT * 3)
    except (asyncio.TimeoutError, OSError, ssl.SSLError, ValueError):
        return accepted
    sslobj = writer.get_extra_info("ssl_object")
    if sslobj is not None and sslobj.version() == "TLSv1":
        accepted.append("TLSv1.0")
    await _close(writer)
    return accepted


async def _plain_open(ip: str, port: int, limiter: RateLimiter) -> Grab | None:
    await limiter.acquire()
    try:
        _r, writer = await asyncio.wait_for(asyncio.open_connection(ip, port), CONNECT_TIMEOUT)
    except (asyncio.TimeoutError, OSError):
        return None
    writer.close()
    return Grab(port=port)


def services_from(grabs: list[Grab]) -> tuple[list[Service], list[Any]]:
    services = []
    facts = []
    for g in grabs:
        svc, hints = identify(g)
        if svc.name is None:
            svc = dataclasses.replace(svc, name=PORT_NAMES.get(svc.port))
        services.append(svc)
        facts.extend(hints)
    return merge_services(services), facts


def identifiers_from(grabs: list[Grab]) -> list[Identifier]:
    """The TLS certificates the host showed (weak: some makers ship one on every unit)."""
    seen = dict.fromkeys(g.cert_sha256 for g in grabs if g.cert_sha256)
    return [Identifier("tls_cert_sha256", digest, "banners") for digest in seen if digest]


def web_pages(ip: str, grabs: list[Grab]) -> list[dict[str, Any]]:
    """What the ``http`` plugin needs to go on from each web service: where
    its first page sends the browser and which favicon it declares."""
    out = []
    for g in grabs:
        if g.http_status is None or not g.http_status.startswith("HTTP/"):
            continue
        scheme = "https" if g.tls else "http"
        origin = (scheme, ip, g.port)
        out.append({"port": g.port, "tls": g.tls, "status": escape_banner(g.http_status, 200),  # stored: escaped
                    "redirect": redirect_target(origin, g.http_status, g.headers, g.body),
                    "icon": icon_path(origin, "/", g.body)})
    return out


def for_nmap(services: list[Service]) -> list[int]:
    """Open ports worth nmap -sV: every service the banner step could not
    name (no product), whether it said nothing or spoke a protocol we read
    without recognising the product (an RTSP or HTTP answer without a Server
    header, an unattributed SSH or telnet greeting): nmap's probes often do."""
    return [s.port for s in services if not s.product]


def answered(services: list[Service]) -> list[int]:
    """The ports among :func:`for_nmap`'s that spoke a protocol (a greeting or
    an HTTP/RTSP answer was parsed). nmap names such a service from its first
    probes or not at all; when it cannot, it spends half a minute on further
    probes (a generic FTP greeting, an HTTP server that names nothing), so
    the nmap plugin gives these a short time budget."""
    return [s.port for s in services if not s.product and s.confidence >= 30]


class BannersPlugin:
    name = "banners"
    phase = "enrich"
    description = "TCP connect scan of common LAN ports; banners and HTTP headers identified with Recog"
    needs: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        report = PluginReport()
        limiter = RateLimiter(ctx.settings.rate)
        hosts_at_once = asyncio.Semaphore(max(1, ctx.settings.concurrency))
        ctx.advance("banners", 0, len(hosts))

        async def one(host: LiveHost) -> None:
            start = time.monotonic()
            per_host = asyncio.Semaphore(PER_HOST)

            async def port(p: int) -> Grab | None:
                async with per_host:
                    return await grab_port(host.ip, p, limiter)

            async with hosts_at_once:
                grabs = [g for g in await asyncio.gather(*(port(p) for p in LAN_PORTS)) if g]
            services, facts = services_from(grabs)
            ms = (time.monotonic() - start) * 1000
            if services:
                report.observations.append(Observation(plugin=self.name, ip=host.ip, facts=facts,
                                                       services=services, identifiers=identifiers_from(grabs),
                                                       raw={"open": [g.port for g in grabs],
                                                            "for_nmap": for_nmap(services),
                                                            "answered": answered(services),
                                                            "web": web_pages(host.ip, grabs),
                                                            "legacy_tls": {str(g.port): g.legacy_tls for g in grabs
                                                                           if g.legacy_tls}}))
            report.probes.append(ProbeResult(self.name, host.ip, Outcome.OK, ms,
                                             f"{len(services)} open of {len(LAN_PORTS)} ports"))
            ctx.advance("banners", 1, None)

        await asyncio.gather(*(one(h) for h in hosts))
        return report


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [BannersPlugin()]
