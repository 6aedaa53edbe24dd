"""The plugin contract, the scan context plugins receive, and plugin loading.

Built-in plugins are found through the entry-point group ``lan_collector``,
exactly like third-party ones (the project's own pyproject declares them).
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

import pluggy

from collector import hookspecs
from collector.model import Observation, Phase, PluginReport

if TYPE_CHECKING:
    from collector.config import Settings
    from collector.netinfo import Attached
    from collector.scope import Scope

ENTRY_POINT_GROUP = "lan_collector"

#: Requirements a plugin can name, with the check that tells if they are met.
NEED_DESCRIPTIONS = {
    "raw_sockets": "raw packet sockets (root or CAP_NET_RAW)",
    "binary:nmap": "the nmap program",
    "credentials:snmp": "at least one SNMP credential",
    "dns_resolver": "a DNS resolver (a nameserver in /etc/resolv.conf)",
}


@runtime_checkable
class Plugin(Protocol):
    name: str
    phase: Phase
    description: str
    #: hard requirements: without them the plugin is skipped
    needs: tuple[str, ...]
    #: soft requirements: without them the plugin runs degraded
    wants: tuple[str, ...]


@runtime_checkable
class DiscoveryPlugin(Plugin, Protocol):
    async def discover(self, ctx: ScanContext) -> PluginReport: ...


@runtime_checkable
class EnrichPlugin(Plugin, Protocol):
    async def enrich(self, ctx: ScanContext, hosts: list[LiveHost]) -> PluginReport: ...


@runtime_checkable
class ListenPlugin(Plugin, Protocol):
    """Runs from the start of the scan until ``stop`` is set (after the
    enrichment phase); reports what it heard about in-scope addresses."""

    async def listen(self, ctx: ScanContext, stop: asyncio.Event) -> PluginReport: ...


def after_of(plugin: Plugin) -> tuple[str, ...]:
    """Plugins this one waits for when both run (``after``, optional):
    e.g. nmap probes only what banners could not name."""
    return tuple(getattr(plugin, "after", ()))


@dataclass(frozen=True)
class LiveHost:
    ip: str
    mac: str | None = None


@dataclass
class ScanContext:
    """What a plugin may know about the run. Plugins never print or write SQL:
    they report progress through :meth:`advance` and return records."""

    settings: Settings
    scope: Scope
    attached: list[Attached]
    capabilities: dict[str, bool]
    progress: Callable[[str, int, int | None], None] = field(default=lambda task, n, total: None)
    #: what earlier plugins of this scan observed (enrich plugins may build on it)
    observations: list[Observation] = field(default_factory=list)
    #: plugins that already ran in this scan
    ran: list[str] = field(default_factory=list)
    #: what earlier scans learned per address (e.g. {"snmp_credential": name})
    hints: dict[str, dict[str, str]] = field(default_factory=dict)

    def advance(self, task: str, n: int = 1, total: int | None = None) -> None:
        self.progress(task, n, total)


def check_need(need: str, settings: Settings | None = None, capabilities: dict[str, bool] | None = None) -> bool:
    if need.startswith("binary:"):
        return shutil.which(need.split(":", 1)[1]) is not None
    if need == "credentials:snmp":
        return bool(settings and (settings.snmp_communities or settings.snmp_credentials or settings.snmp_v3))
    if capabilities is not None and need in capabilities:
        return capabilities[need]
    if need == "raw_sockets":
        from collector.netinfo import have_raw_sockets

        return have_raw_sockets()
    if need == "dns_resolver":
        from collector.plugins.dns import system_nameservers

        return bool(system_nameservers())
    return False


def unmet(plugin: Plugin, attr: str, settings: Settings | None = None, capabilities: dict[str, bool] | None = None) -> list[str]:
    return [n for n in getattr(plugin, attr, ()) if not check_need(n, settings, capabilities)]


def plugin_manager() -> pluggy.PluginManager:
    """Every module registered in the ``lan_collector`` entry-point group,
    built-ins included. (pluggy's load_setuptools_entrypoints does the same
    but walks every distribution's entry points; selecting the group first
    halves the start-up cost of a scan.)"""
    from importlib.metadata import entry_points

    pm = pluggy.PluginManager(hookspecs.PROJECT)
    pm.add_hookspecs(hookspecs)
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        if pm.get_plugin(ep.name) is None and not pm.is_blocked(ep.name):
            pm.register(ep.load(), name=ep.name)
    pm.check_pending()
    return pm


def load_plugins(pm: pluggy.PluginManager | None = None) -> dict[str, Plugin]:
    """All scan plugins by name. A name given twice is an error."""
    pm = pm or plugin_manager()
    found: dict[str, Plugin] = {}
    for batch in pm.hook.lan_collector_plugins():
        for plugin in batch:
            if not isinstance(plugin, Plugin):
                raise TypeError(f"{plugin!r} does not follow the lan-collector Plugin protocol")
            if plugin.name in found:
                raise ValueError(f"two plugins are named {plugin.name!r}")
            found[plugin.name] = plugin
    return found
