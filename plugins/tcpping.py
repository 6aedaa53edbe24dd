"""TCP connect ping: finds live hosts where ARP cannot reach (subnets behind
a router) and is what ARP falls back to without raw sockets.

A host is alive if any of a few common ports accepts or actively refuses a
connection. No raw sockets, no payload: connect, then close.
"""

from __future__ import annotations

import asyncio
import time

from collector.hookspecs import hookimpl
from collector.model import Observation, Outcome, PluginReport, ProbeResult
from collector.netinfo import interface_for
from collector.plugin import ScanContext

#: Common on LAN hosts, in the order tried. Never a printer's raw port
#: (9100-9107) and nothing that reacts badly to a bare connect.
PING_PORTS = (80, 443, 22, 445, 139, 3389)


async def _connect(ip: str, port: int) -> str:
    try:
        _reader, writer = await asyncio.open_connection(ip, port)
    except ConnectionRefusedError:
        return f"tcp/{port} refused"
    writer.close()
    try:
        await writer.wait_closed()
    except OSError:
        pass
    return f"tcp/{port} open"


async def tcp_ping(ip: str, ports: tuple[int, ...], timeout: float) -> tuple[bool, float | None, str]:
    """(alive, rtt ms, how): alive if any port accepts or refuses (RST).
    The ports are tried at once; the first answer wins, the rest are dropped."""
    start = time.monotonic()
    tasks = [asyncio.ensure_future(_connect(ip, port)) for port in ports]
    try:
        for next_done in asyncio.as_completed(tasks, timeout=timeout):
            try:
                how = await next_done
            except OSError:
                continue  # unreachable, reset mid-way ...: try the other ports
            return True, (time.monotonic() - start) * 1000, how
    except asyncio.TimeoutError:
        pass
    finally:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    return False, None, "no tcp answer on " + ",".join(map(str, ports))


async def ping_sweep(ctx: ScanContext, targets: list[str], task: str,
                     ports: tuple[int, ...] = PING_PORTS) -> dict[str, tuple[bool, float | None, str]]:
    """Ping every target; connection attempts start no faster than scan.rate
    per second, at most 4 x scan.concurrency hosts at a time."""
    s = ctx.settings
    workers = max(1, min(s.concurrency * 4, s.rate, len(targets)))
    interval = len(ports) / s.rate
    timeout = max(s.timeout, 0.5)
    results: dict[str, tuple[bool, float | None, str]] = {}
    queue = iter(enumerate(targets))
    start = time.monotonic()

    # A fixed pool of workers, not one task per address: a /16 is 65,536
    # addresses, and each would hold a task and a timer for minutes.
    async def worker() -> None:
        for i, ip in queue:
            await asyncio.sleep(max(0.0, start + i * interval - time.monotonic()))
            results[ip] = await tcp_ping(ip, ports, timeout)
            ctx.advance(task, 1, None)

    await asyncio.gather(*(worker() for _ in range(workers)))
    return results


class TcpPingPlugin:
    name = "tcpping"
    phase = "discover"
    description = "TCP connect ping of targets not on an attached subnet (behind a router)"
    needs: tuple[str, ...] = ()
    wants: tuple[str, ...] = ()

    async def discover(self, ctx: ScanContext) -> PluginReport:
        report = PluginReport()
        targets = [str(a) for a in ctx.scope.addresses() if interface_for(a, ctx.attached) is None]
        if not targets:
            return report
        ctx.advance("tcpping", 0, len(targets))
        results = await ping_sweep(ctx, targets, task="tcpping")
        for ip in targets:
            alive, rtt, detail = results[ip]
            if alive:
                report.observations.append(Observation(plugin=self.name, ip=ip, rtt_ms=rtt, raw={"method": detail}))
                report.probes.append(ProbeResult(self.name, ip, Outcome.OK, rtt or 0, detail))
            else:
                report.probes.append(ProbeResult(self.name, ip, Outcome.NO_RESPONSE, 0, detail))
        return report


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [TcpPingPlugin()]
