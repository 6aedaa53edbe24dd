"""One scan, start to end: scope -> discover -> enrich -> identify -> store."""

from __future__ import annotations

import asyncio
import datetime as _dt
import logging
import signal
import time
from collections.abc import Coroutine
from dataclasses import dataclass, field
from typing import Any, TypeVar

from collector.config import Settings, public_view
from collector.identity import fold_aliases, merge_observations
from collector.model import Observation, PluginReport, ProbeResult
from collector.netinfo import attached_networks, have_raw_sockets
from collector.plugin import NEED_DESCRIPTIONS, LiveHost, Plugin, ScanContext, after_of, load_plugins, unmet
from collector.scope import Scope, build_scope
from collector.store import Inventory, ScanLock


log = logging.getLogger("lan_collector")
T = TypeVar("T")


class ScanError(RuntimeError):
    pass


@dataclass
class HostLine:
    device_id: int
    ip: str
    mac: str | None
    vendor: str | None
    hostname: str | None
    device_class: str | None
    new: bool


@dataclass
class ScanSummary:
    scan_id: int
    db: str
    scope: str
    addresses: int
    status: str
    seconds: float
    hosts: list[HostLine] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    degraded: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    #: devices known before this scan, in its scope, that did not answer
    missing: int = 0
    #: flags at confidence >= 70 in the inventory after this scan
    flags: int = 0
    #: SNMP agents identification could not classify: "ip (what is missing)"
    unclassified: list[str] = field(default_factory=list)

    def unclassified_line(self, limit: int = 10) -> str | None:
        """The summary line about them, with what the user can do."""
        if not self.unclassified:
            return None
        shown = ", ".join(self.unclassified[:limit])
        more = f" and {len(self.unclassified) - limit} more" if len(self.unclassified) > limit else ""
        return (f"{len(self.unclassified)}: {shown}{more}. Set snmp.record_dir to save their walks; "
                "`lan-collector identify --draft FILE` writes a device definition to check and keep "
                "(LAN_COLLECTOR_SNMP_DEFS), or send the walk in")

    @property
    def new_devices(self) -> int:
        return sum(h.new for h in self.hosts)


def select_plugins(settings: Settings, available: dict[str, Plugin]) -> list[Plugin]:
    unknown = [p for p in settings.plugins if p not in available]
    if unknown:
        raise ScanError(f"unknown plugin(s): {', '.join(unknown)} (available: {', '.join(sorted(available))})")
    if not settings.plugins:
        raise ScanError("no plugins selected")
    chosen = [available[name] for name in dict.fromkeys(settings.plugins)]
    # discovery first, then enrichment, then listeners, each in the order given
    return ([p for p in chosen if p.phase == "discover"] + [p for p in chosen if p.phase == "enrich"]
            + [p for p in chosen if p.phase == "listen"])


def make_scope(settings: Settings) -> Scope:
    return build_scope(settings.targets, settings.exclude, allow_public=settings.allow_public,
                       max_hosts=settings.max_hosts)


async def _run_plugins(ctx: ScanContext, plugins: list[Plugin], skipped: dict[str, str],
                       degraded: dict[str, str], ran: list[str]) -> tuple[list[Observation], list[ProbeResult]]:
    """Listen plugins for the whole run; discovery plugins together; then
    enrichment plugins together, each waiting for the ones in its ``after``.
    Results are combined in the order the plugins were selected, so a scan's
    outcome does not depend on which plugin happened to finish first. A
    plugin that fails is recorded as degraded; the scan goes on."""
    reports: dict[str, PluginReport] = {}
    ctx.observations, ctx.ran = [], ran
    stop = asyncio.Event()

    async def call(plugin: Plugin, run: Any) -> None:
        try:
            report: PluginReport = await run
        except Exception as exc:  # one broken plugin must not lose the others' results
            log.warning("plugin %s failed: %s: %s", plugin.name, type(exc).__name__, exc)
            report = PluginReport(degraded=f"failed: {type(exc).__name__}: {str(exc)[:200]}")
        reports[plugin.name] = report
        ctx.observations.extend(report.observations)
        ran.append(plugin.name)

    listeners = [asyncio.ensure_future(call(p, p.listen(ctx, stop)))  # type: ignore[attr-defined]
                 for p in plugins if p.phase == "listen"]
    try:
        discovery = [p for p in plugins if p.phase == "discover"]
        await asyncio.gather(*(call(p, p.discover(ctx)) for p in discovery))  # type: ignore[attr-defined]
        if discovery:
            live: dict[str, str | None] = {}
            for p in discovery:
                for o in reports[p.name].observations:
                    live.setdefault(o.ip, o.mac)
            hosts = [LiveHost(ip, mac) for ip, mac in live.items()]
        else:
            hosts = [LiveHost(str(a)) for a in ctx.scope.addresses()]
        enrich = [p for p in plugins if p.phase == "enrich"]
        finished = {p.name: asyncio.Event() for p in enrich}

        async def enrich_one(plugin: Plugin) -> None:
            try:
                for name in after_of(plugin):
                    if name in finished:
                        await finished[name].wait()
                if not hosts:
                    skipped[plugin.name] = "no live hosts to enrich"
                    return
                await call(plugin, plugin.enrich(ctx, hosts))  # type: ignore[attr-defined]
            finally:
                finished[plugin.name].set()

        await asyncio.gather(*(enrich_one(p) for p in enrich))
    finally:
        stop.set()
        if listeners:
            await asyncio.gather(*listeners, return_exceptions=True)
    observations: list[Observation] = []
    probes: list[ProbeResult] = []
    for plugin in plugins:
        report = reports.get(plugin.name)
        if report is None:
            continue
        observations.extend(report.observations)
        probes.extend(report.probes)
        if report.degraded:
            degraded[plugin.name] = report.degraded
    ran.sort(key=[p.name for p in plugins].index)
    return observations, probes


def run_scan(settings: Settings, progress: Any = None, scope: Scope | None = None,
             today: _dt.date | None = None) -> ScanSummary:
    """Run one scan into ``settings.db``. Raises ScopeError, ScanError, StoreError.
    ``today`` dates the end-of-life checks (the CLI passes the real date)."""
    started = time.monotonic()
    assess_fn = _assessor(today or _dt.date.today())
    scope = scope or make_scope(settings)
    available = load_plugins()
    plugins = select_plugins(settings, available)
    capabilities = {"raw_sockets": have_raw_sockets()}
    skipped: dict[str, str] = {}
    runnable: list[Plugin] = []
    for plugin in plugins:
        missing = unmet(plugin, "needs", settings, capabilities)
        if missing:
            skipped[plugin.name] = "missing " + ", ".join(NEED_DESCRIPTIONS.get(n, n) for n in missing)
        else:
            runnable.append(plugin)
    addresses = scope.size()
    ran: list[str] = []
    degraded: dict[str, str] = {}

    with ScanLock(settings.db), Inventory(settings.db) as inv:
        inv.mark_dead_scans()
        # said once the inventory is known to be usable, so a refusal stays one line
        for note in scope.notes:
            log.info("scope: %s", note)
        described = scope.describe()
        log.info("scope: %s address(es): %s", f"{addresses:,}",
                 described if len(described) <= 200 else described[:200] + " ...")
        plugin_info = {"requested": settings.plugins, "ran": ran, "skipped": skipped, "degraded": degraded}
        scan_id = inv.begin_scan(
            {"networks": scope.networks, "excluded": [t.describe() for t in scope.excluded],
             "notes": scope.notes, "auto": scope.auto},
            plugin_info, public_view(settings), addresses)
        ctx = ScanContext(settings, scope, attached_networks(), capabilities,
                          progress.advance if progress else (lambda task, n, total: None),
                          hints=inv.hints() if "snmp" in [p.name for p in runnable] else {})
        summary = ScanSummary(scan_id, str(settings.db), scope.describe(), addresses, "running", 0.0,
                              ran=ran, skipped=skipped, degraded=degraded, notes=list(scope.notes))
        status, error = "failed", None
        try:
            observations, probes = run_cancellable(_run_plugins(ctx, runnable, skipped, degraded, ran))
            inv.record_probes(scan_id, probes)
            hosts = fold_aliases(merge_observations(observations))
            if progress:
                progress.advance("store", 0, len(hosts))
            for host in hosts:
                # a discovery-only result brings nothing to assess: the device's
                # flags stay as the last scan that saw its services left them
                brings_evidence = bool(host.services) or any(o.plugin not in DISCOVERY_ONLY
                                                             for o in host.observations)
                device_id, is_new = inv.record_host(scan_id, host, assess_fn if brings_evidence else None)
                gap = snmp_gap(host)
                if gap:
                    summary.unclassified.append(f"{host.ip} ({gap})")
                summary.hosts.append(HostLine(device_id, host.ip, host.mac, _str(host.value("vendor")),
                                              _str(host.value("hostname")), _str(host.value("device_class")),
                                              is_new))
                if progress:
                    progress.advance("store", 1, None)
            status = "complete"
            summary.missing = inv.missing_in_scope(scan_id, scope)
            summary.flags = len(inv.flags(70))
        except (KeyboardInterrupt, asyncio.CancelledError):
            status, error = "interrupted", "stopped by a signal or Ctrl-C"
            raise KeyboardInterrupt from None
        except Exception as exc:
            status, error = "failed", f"{type(exc).__name__}: {exc}"
            raise
        finally:
            try:
                inv.finish_scan(scan_id, status, plugin_info, error)
            except Exception:
                pass  # e.g. disk full: the row stays 'running' and the next run marks it interrupted
            summary.status = status
            summary.seconds = time.monotonic() - started
    return summary


def run_cancellable(coro: Coroutine[Any, Any, T]) -> T:
    """``asyncio.run(coro)``, where SIGINT and SIGTERM cancel the scan's main
    task instead of raising KeyboardInterrupt wherever the code happens to
    be: every plugin's cleanup then runs inside the loop (nmap children are
    killed and reaped, the ARP thread is told to stop) before the loop
    closes, which is what left "Event loop is closed" traces before. A
    signal ends as KeyboardInterrupt once that cleanup is done."""

    async def main() -> T:
        loop = asyncio.get_running_loop()
        task = asyncio.current_task()
        assert task is not None
        received: list[int] = []

        def stop(signum: int) -> None:
            if not received:
                task.cancel()
            received.append(signum)

        restore = []
        for signum in (signal.SIGINT, signal.SIGTERM):
            try:
                previous = signal.getsignal(signum)
                loop.add_signal_handler(signum, stop, signum)
                restore.append((signum, previous))
            except (ValueError, RuntimeError, NotImplementedError):
                pass  # not the main thread: signals are not ours to handle
        try:
            return await coro
        except asyncio.CancelledError:
            if received:
                raise KeyboardInterrupt from None
            raise
        finally:
            for signum, previous in restore:
                loop.remove_signal_handler(signum)
                signal.signal(signum, previous)

    return asyncio.run(main())


def snmp_gap(host: Any) -> str | None:
    """What SNMP could not tell about a host whose agent answered: its
    class, or what it is at all (neither maker nor OS). None otherwise."""
    if not any(o.plugin == "snmp" for o in host.observations):
        return None
    said = {f.field for f in host.facts if f.source == "snmp"}
    missing = []
    if "device_class" not in said:
        missing.append("no class")
    if "vendor" not in said and "os_name" not in said:
        missing.append("no vendor or OS")
    return ", ".join(missing) or None


#: Plugins whose observations alone give the rules nothing to assess.
DISCOVERY_ONLY = frozenset({"arp", "tcpping", "snmp-arp", "dns"})


def _assessor(today: _dt.date) -> Any:
    """Flags for a device's evidence. The reference data is loaded on the
    first device that has something to assess (an ARP-only scan never pays
    for it); if it is unusable, flags are skipped with one warning."""
    state: dict[str, Any] = {}

    def run(evidence: Any) -> list[Any]:
        if "ref" not in state:
            from collector.assess.rules import reference
            from collector.refdata import DataError

            try:
                state["ref"] = reference()
            except DataError as exc:
                log.warning("flags not assessed: %s", exc)
                state["ref"] = None
        if state["ref"] is None:
            return []
        from collector.assess import assess

        return assess(evidence, today, state["ref"])

    return run


def _str(value: object) -> str | None:
    return None if value is None else str(value)
