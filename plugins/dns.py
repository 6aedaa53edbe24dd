"""Reverse DNS (PTR) of the live hosts, with the system's resolver configuration.

Runs only when the system has a resolver (a ``nameserver`` in
``/etc/resolv.conf``; otherwise the scan records it as skipped, as in the
lab, whose collector namespace has an empty resolv.conf). dnspython's
asyncio resolver reads that file; each address gets one PTR query (timeout
1 s, 2 s in all), at most ``AT_ONCE`` in flight and ``MAX_RATE`` per second
(never more than ``scan.rate``). A name is kept only if it is a plausible
host name: the answer is untrusted text.

Facts: ``hostname`` at modest confidence (a PTR record is what an
administrator or DHCP server registered, not what the device says); the
name is also a weak identifier (``dns_name``).
"""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path

from collector.hookspecs import hookimpl
from collector.model import Fact, Identifier, Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import LiveHost, ScanContext

RESOLV_CONF = Path("/etc/resolv.conf")
TIMEOUT = 1.0
LIFETIME = 2.0
AT_ONCE = 8
MAX_RATE = 100  # queries per second
CONFIDENCE = 45
_NAME = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?\.)*[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9])?$")


def system_nameservers(path: Path = RESOLV_CONF) -> list[str]:
    """The nameservers a resolv.conf names (empty when there is none or no file)."""
    try:
        text = path.read_text(encoding="utf-8", errors="replace")[:65536]
    except OSError:
        return []
    return [parts[1] for line in text.splitlines()
            if len(parts := line.split()) >= 2 and parts[0] == "nameserver"]


def clean_name(text: str) -> str | None:
    """A PTR target as a host name (lower case, no trailing dot), or None when
    it is not one (control characters, escapes, oversized labels, ...)."""
    name = text.strip().rstrip(".").lower()
    return name if _NAME.match(name) else None


def make_resolver(path: Path = RESOLV_CONF, port: int = 53):  # type: ignore[no-untyped-def]
    """dnspython's asyncio resolver configured from ``path``; None without a nameserver."""
    import dns.asyncresolver
    import dns.resolver

    try:
        resolver = dns.asyncresolver.Resolver(filename=str(path))
    except (dns.resolver.NoResolverConfiguration, OSError, ValueError):
        return None
    if not resolver.nameservers:
        return None
    resolver.port = port
    resolver.timeout, resolver.lifetime = TIMEOUT, LIFETIME
    resolver.cache = None
    return resolver


async def reverse(resolver, ip: str) -> tuple[Outcome, list[str], str]:  # type: ignore[no-untyped-def]
    """(outcome, names, detail) of one PTR lookup."""
    import dns.exception
    import dns.resolver

    try:
        answer = await resolver.resolve_address(ip)
    except dns.resolver.NXDOMAIN:
        return Outcome.OK, [], "no PTR record"
    except dns.resolver.NoAnswer:
        return Outcome.OK, [], "no PTR answer"
    except (dns.resolver.LifetimeTimeout, dns.exception.Timeout):
        return Outcome.NO_RESPONSE, [], "resolver did not answer"
    except dns.exception.DNSException as exc:
        return Outcome.ERROR, [], f"{type(exc).__name__}"[:200]
    names = [n for n in (clean_name(r.to_text()) for r in list(answer)[:8]) if n]
    return Outcome.OK, names, f"{len(names)} name(s)" if names else "PTR answer is not a host name"


class DnsPlugin:
    name = "dns"
    phase = "enrich"
    description = "reverse DNS (PTR) of live hosts with the system resolver; skipped without one"
    needs: tuple[str, ...] = ("dns_resolver",)
    wants: tuple[str, ...] = ()

    def __init__(self, path: Path = RESOLV_CONF, port: int = 53) -> None:
        self.path, self.port = path, port

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        from collector.plugins.banners import RateLimiter

        report = PluginReport()
        resolver = make_resolver(self.path, self.port)
        if resolver is None:
            report.degraded = f"no nameserver in {self.path}: reverse DNS skipped"
            return report
        limiter = RateLimiter(max(1, min(ctx.settings.rate, MAX_RATE)))
        at_once = asyncio.Semaphore(AT_ONCE)
        ctx.advance("dns", 0, len(hosts))

        async def one(host: LiveHost) -> None:
            async with at_once:
                await limiter.acquire()
                start = time.monotonic()
                outcome, names, detail = await reverse(resolver, host.ip)
            if names:
                evidence = f"PTR {host.ip} -> {names[0]}"
                report.observations.append(Observation(
                    plugin=self.name, ip=host.ip, facts=[Fact("hostname", names[0], CONFIDENCE, self.name, evidence)],
                    identifiers=[Identifier("dns_name", n, self.name) for n in names], raw={"ptr": names}))
            report.probes.append(ProbeResult(self.name, host.ip, outcome, (time.monotonic() - start) * 1000, detail))
            ctx.advance("dns", 1, None)

        await asyncio.gather(*(one(h) for h in hosts))
        return report


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [DnsPlugin()]
