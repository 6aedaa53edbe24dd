"""Web identification beyond the first page.

Runs after ``banners`` (whose first GET of every web service it builds on)
and alongside ``nmap``. For each web service banners found it makes at most
two more requests: the page the first one redirects to, when it stays on the
same service (a 3xx Location or a meta refresh; another host, port or scheme
is never followed), and the favicon that page declares (else
``/favicon.ico``), hashed as Recog's ``favicons`` database expects (MD5).
The page's title, Server header and WWW-Authenticate realm are matched like
the first page's. Same politeness as banners: connection attempts at
``scan.rate`` per second overall, two at a time per host, every read bounded
in bytes and time.
"""

from __future__ import annotations

import asyncio
import ssl
import time
from typing import Any

from collector.banners import Grab, escape_banner
from collector.hookspecs import hookimpl
from collector.model import Fact, Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import LiveHost, ScanContext
from collector.plugins.banners import CONNECT_TIMEOUT, READ_DEADLINE, USER_AGENT, RateLimiter, _close, _read, \
    tls_context
from collector.webid import favicon_facts, favicon_md5, icon_path, identify_http, parse_http_response

PER_HOST = 2


async def fetch(ip: str, port: int, tls: bool, path: str, limiter: RateLimiter,
                accept: str = "*/*") -> tuple[str | None, dict[str, str], bytes] | None:
    """One bounded GET; None when the service does not answer."""
    await limiter.acquire()
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(ip, port, ssl=tls_context() if tls else None, server_hostname="" if tls else None),
            CONNECT_TIMEOUT * (3 if tls else 1))
    except (asyncio.TimeoutError, OSError, ssl.SSLError, ValueError):
        return None
    try:
        writer.write(f"GET {path} HTTP/1.0\r\nHost: {ip}\r\nUser-Agent: {USER_AGENT}\r\nAccept: {accept}\r\n"
                     "Connection: close\r\n\r\n".encode("latin-1", "replace"))
        await writer.drain()
        raw = await _read(reader, time.monotonic() + READ_DEADLINE, until_line=False)
    except (ConnectionError, OSError, ssl.SSLError):
        return None
    finally:
        await _close(writer)
    status, headers, body = parse_http_response(raw)
    return (status, headers, body) if status else None


async def follow(ip: str, page: dict[str, Any], limiter: RateLimiter) -> tuple[list[Fact], dict[str, Any]]:
    """What one web service's redirect target and favicon say."""
    port, tls = int(page["port"]), bool(page.get("tls"))
    origin = ("https" if tls else "http", ip, port)
    facts: list[Fact] = []
    seen: dict[str, Any] = {"port": port}
    icon = page.get("icon") or "/favicon.ico"
    target = page.get("redirect")
    if target and target != "/":
        answer = await fetch(ip, port, tls, target, limiter, "text/html,*/*")
        if answer:
            status, headers, body = answer
            _svc, page_facts = identify_http(Grab(port=port, tls=tls, http_status=status, headers=headers, body=body))
            facts += [Fact(f.field, f.value, f.confidence, "http", f"{target}: {f.evidence}") for f in page_facts]
            seen["page"] = {"path": target, "status": escape_banner(status or "", 200)}  # stored: escaped
            icon = icon_path(origin, target, body) if icon == "/favicon.ico" else icon
    answer = await fetch(ip, port, tls, icon, limiter, "image/*,*/*")
    if answer:
        md5 = favicon_md5(*answer)
        seen["favicon"] = {"path": icon, "md5": md5, "bytes": len(answer[2])} if md5 else {"path": icon}
        if md5:
            facts += [Fact(f.field, f.value, f.confidence, "http", f.evidence)
                      for f in favicon_facts(md5, f"{port}{icon}")]
    return facts, seen


class HttpPlugin:
    name = "http"
    phase = "enrich"
    #: builds on the first page banners fetched from each web service
    after = ("banners",)
    description = "web services beyond the first page: same-service redirect, favicon hash (Recog)"
    needs: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        report = PluginReport()
        if "banners" not in ctx.ran:
            report.degraded = "needs the banners plugin in the same scan (it finds the web services)"
            return report
        live = {h.ip for h in hosts}
        pages = {o.ip: o.raw["web"] for o in ctx.observations
                 if o.plugin == "banners" and o.ip in live and o.raw.get("web")}
        limiter = RateLimiter(ctx.settings.rate)
        hosts_at_once = asyncio.Semaphore(max(1, ctx.settings.concurrency))
        ctx.advance("http", 0, len(pages))

        async def one(ip: str, services: list[dict[str, Any]]) -> None:
            start = time.monotonic()
            per_host = asyncio.Semaphore(PER_HOST)

            async def service(page: dict[str, Any]) -> tuple[list[Fact], dict[str, Any]]:
                async with per_host:
                    return await follow(ip, page, limiter)

            async with hosts_at_once:
                results = await asyncio.gather(*(service(p) for p in services[:16]))
            facts = [f for fs, _seen in results for f in fs]
            report.observations.append(Observation(plugin=self.name, ip=ip, facts=facts,
                                                   raw={"web": [seen for _fs, seen in results]}))
            report.probes.append(ProbeResult(self.name, ip, Outcome.OK, (time.monotonic() - start) * 1000,
                                             f"{len(results)} web service(s), {len(facts)} fact(s)"))
            ctx.advance("http", 1, None)

        await asyncio.gather(*(one(ip, services) for ip, services in pages.items()))
        return report


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [HttpPlugin()]
