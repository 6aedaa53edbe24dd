"""nmap -sV for what the banner identifier could not name.

When the ``banners`` plugin ran before it in the same scan, nmap probes only
the open ports left without a product; on its own it scans the curated LAN
port list of every live host. Safe defaults: -n (no DNS), -Pn (hosts are
known live), moderate version intensity, a packets-per-second cap, a host
timeout, printer raw ports 9100-9107 excluded, OS detection only when asked
(nmap.os). Without raw sockets it falls back to a connect scan (-sT).

python-nmap locates nmap and reads its version; the scan itself runs as an
asyncio subprocess (cancellable) and its XML is parsed by
:mod:`collector.nmapxml` with defusedxml, which needs no nmap to parse.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import time
from collections import defaultdict

from collector.hookspecs import hookimpl
from collector.model import Fact, Observation, Outcome, PluginReport, ProbeResult
from collector.plugin import LiveHost, ScanContext
from collector.procutil import die_with_parent
from collector.plugins.banners import LAN_PORTS, NEVER

INTENSITY = 5
PARALLEL = 8  # nmap processes at once
HOST_TIMEOUT = "120s"
#: for ports that answered but whose product banners could not name: nmap
#: names those from its first probes (an RTSP server in 6 s) or spends ~30 s
#: on further probes for nothing (lab: generic FTP, an HTTP server without a
#: Server header), so such ports run in their own nmap with this budget
QUICK_TIMEOUT = "15s"


def nmap_binary() -> str:
    """The nmap python-nmap would run (it searches the usual places)."""
    try:
        import nmap as python_nmap

        return str(python_nmap.PortScanner()._nmap_path)  # runs `nmap -V` once
    except Exception:
        return shutil.which("nmap") or "nmap"


def command(binary: str, hosts: list[str], ports: list[int], *, rate: int, raw: bool, os_detect: bool,
            privileged: bool = False, host_timeout: str = HOST_TIMEOUT) -> list[str]:
    """``privileged``: raw sockets without root (CAP_NET_RAW, as the systemd
    unit grants): nmap assumes only root may send raw packets and refuses
    -sS unless told with --privileged, which it documents for this case."""
    safe_ports = sorted(set(ports) - NEVER)
    cmd = [binary, "-n", "-Pn", *(["--privileged"] if raw and privileged else []),
           "-sS" if raw else "-sT", "-sV", "--version-intensity", str(INTENSITY),
           "-p", "T:" + ",".join(map(str, safe_ports)), "--exclude-ports", "9100-9107",
           "--max-rate", str(rate), "--host-timeout", host_timeout, "-oX", "-", "--noninteractive"]
    if os_detect and raw:
        cmd.append("-O")
    return cmd + hosts


def work_left(hosts: list[LiveHost], earlier: list[Observation], banners_ran: bool) -> dict[str, list[int]]:
    """host -> ports for nmap. After the banner identifier: the open ports it
    handed on (see banners.for_nmap); without it: the whole curated list."""
    live = {h.ip for h in hosts}
    if not banners_ran:
        return {ip: list(LAN_PORTS) for ip in live}
    todo: dict[str, list[int]] = defaultdict(list)
    for obs in earlier:
        if obs.plugin == "banners" and obs.ip in live:
            todo[obs.ip].extend(obs.raw.get("for_nmap", []))
    return {ip: sorted(set(ports)) for ip, ports in todo.items() if ports}


def quick_ports(earlier: list[Observation]) -> dict[str, set[int]]:
    """host -> the handed-on ports that answered without naming a product
    (see banners.answered): nmap gets QUICK_TIMEOUT for those."""
    return {obs.ip: set(obs.raw.get("answered", [])) for obs in earlier if obs.plugin == "banners"}


def nmap_groups(todo: dict[str, list[int]], quick: dict[str, set[int]]) -> dict[tuple[tuple[int, ...], bool],
                                                                                    list[str]]:
    """The nmap runs: one per distinct list of a host's silent ports (full
    budget), and one per answered-but-unnamed port number (QUICK_TIMEOUT):
    nmap's budget is per host, so a port it cannot name in time must not
    take the other ports of the host down with it."""
    groups: dict[tuple[tuple[int, ...], bool], list[str]] = defaultdict(list)
    for ip, ports in todo.items():
        fast = sorted(set(ports) & quick.get(ip, set()))
        slow = sorted(set(ports) - set(fast))
        if slow:
            groups[(tuple(slow), False)].append(ip)
        for port in fast:
            groups[((port,), True)].append(ip)
    return groups


class NmapPlugin:
    name = "nmap"
    phase = "enrich"
    #: probes only what banners could not name, so it waits for banners when both run
    after = ("banners",)
    description = "nmap -sV (safe defaults) for services the banner identifier could not name"
    needs: tuple[str, ...] = ("binary:nmap",)
    wants: tuple[str, ...] = ("raw_sockets",)

    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport:
        report = PluginReport()
        todo = work_left(hosts, ctx.observations, "banners" in ctx.ran)
        if not todo:
            ctx.advance("nmap", 0, 0)
            return report
        raw = bool(ctx.capabilities.get("raw_sockets"))
        privileged = raw and os.geteuid() != 0
        if not raw:
            report.degraded = "no raw sockets: nmap runs a connect scan (-sT) and no OS detection"
        binary = await asyncio.to_thread(nmap_binary)
        # One nmap per distinct port list (Windows hosts share theirs, ...), a
        # few at a time (each is a small process), so no host is probed on ports that were not open on it.
        groups = nmap_groups(todo, quick_ports(ctx.observations) if "banners" in ctx.ran else {})
        ctx.advance("nmap", 0, sum(len(ips) for ips in groups.values()))
        at_once = asyncio.Semaphore(PARALLEL)
        rate = max(1, ctx.settings.rate // min(PARALLEL, len(groups)))  # the cap is global

        async def run(ports: tuple[int, ...], quick: bool, ips: list[str]) -> None:
            async with at_once:
                await self._run(ctx, report, command(binary, sorted(ips), list(ports), rate=rate, raw=raw,
                                                     os_detect=ctx.settings.nmap_os and not quick,
                                                     privileged=privileged,
                                                     host_timeout=QUICK_TIMEOUT if quick else HOST_TIMEOUT),
                                ips, list(ports), quick)

        await asyncio.gather(*(run(p, quick, ips) for (p, quick), ips in groups.items()))
        return report

    async def _run(self, ctx: ScanContext, report: PluginReport, cmd: list[str], ips: list[str],
                   ports: list[int], quick: bool = False) -> None:
        start = time.monotonic()
        # Its own process group: a Ctrl-C at the terminal reaches the scanner,
        # which stops nmap itself; and nmap dies with the scanner (kill -9).
        proc = await asyncio.create_subprocess_exec(*cmd, stdout=asyncio.subprocess.PIPE,
                                                    stderr=asyncio.subprocess.PIPE, stdin=asyncio.subprocess.DEVNULL,
                                                    process_group=0, preexec_fn=die_with_parent())
        try:
            out, err = await proc.communicate()
        except asyncio.CancelledError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGKILL)
            # read to the end: the pipes close with the process, so nothing of
            # it is left for the event loop to close after it has stopped
            await proc.communicate()
            raise
        ms = (time.monotonic() - start) * 1000
        if proc.returncode != 0:
            detail = err.decode(errors="replace").strip()[-300:] or f"exit {proc.returncode}"
            report.probes.extend(ProbeResult(self.name, ip, Outcome.ERROR, ms, detail) for ip in ips)
            return
        observations, probes = read_report(out, ips, ports, ms, self.name, quick)
        report.observations.extend(observations)
        report.probes.extend(probes)
        ctx.advance("nmap", len(probes), None)


def read_report(xml: bytes, ips: list[str], ports: list[int], ms: float, plugin: str = "nmap",
                quick: bool = False) -> tuple[list[Observation], list[ProbeResult]]:
    """One nmap run's XML -> observations and a probe result per asked host.
    Pure (fuzzed with the parser): a report that is not one becomes an
    error outcome for its hosts, never an exception."""
    from collector.nmapxml import NmapXmlError, parse

    try:
        parsed = parse(xml)
    except NmapXmlError as exc:
        return [], [ProbeResult(plugin, ip, Outcome.ERROR, ms, str(exc)[:300]) for ip in ips]
    observations: list[Observation] = []
    probes: list[ProbeResult] = []
    seen = set()
    for host in parsed:
        if host.ip not in ips or host.ip in seen:
            continue
        seen.add(host.ip)
        facts = list(host.facts)
        if host.os_matches:
            best = max(host.os_matches, key=lambda m: m["accuracy"])
            facts.append(Fact("os_name", best["name"] or "", min(60, best["accuracy"] // 2), plugin,
                              f"nmap -O {best['accuracy']}%"))
        observations.append(Observation(plugin=plugin, ip=host.ip, mac=host.mac, facts=[f for f in facts if f.value],
                                        services=host.services, raw={"ports_probed": ports}))
        probes.append(ProbeResult(plugin, host.ip, Outcome.OK, ms,
                                  f"{len(host.services)} service(s) on ports {ports}"))
    why = (f"nmap could not name ports {ports} within {QUICK_TIMEOUT} (they answered, naming no product)"
           if quick else "not in nmap's report")
    for ip in sorted(set(ips) - seen):
        probes.append(ProbeResult(plugin, ip, Outcome.NO_RESPONSE, ms, why))
    return observations, probes


@hookimpl
def lan_collector_plugins() -> list[object]:
    return [NmapPlugin()]
