"""Every hook lan-collector calls. Built-in plugins use exactly these.

A distribution adds plugins by declaring an entry point in the group
``lan_collector`` pointing at a module that implements one or more hooks
below, decorated with :data:`hookimpl`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:
    from collector.plugin import Plugin

PROJECT = "lan_collector"
hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


@hookspec
def lan_collector_plugins() -> list[Plugin]:  # type: ignore[empty-body]
    """Return the scan plugins this module provides (objects following
    :class:`collector.plugin.DiscoveryPlugin` or
    :class:`collector.plugin.EnrichPlugin`)."""
