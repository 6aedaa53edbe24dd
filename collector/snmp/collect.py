"""One agent's collection, round by round (see :mod:`collector.snmp.plan`),
robust to slow agents: every step that times out or errs is tried once more
with the normal timeout before it is given up, and what is still missing is
reported (the probe becomes "degraded" with the reason), never silently lost.
The order of requests is fixed, so the same agent gives the same walk.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from collector.snmp.client import SnmpFailure
from collector.snmp.mibs import STANDARD_WALKS, SYSTEM_SCALARS
from collector.snmp.plan import (DISCOVERY_STARTS, MAX_ENTERPRISES, discover_enterprises, first_scalars,
                                 more_scalars, next_enterprise, walk_groups)
from collector.snmp.walk import Walk

#: Failures worth a second try (a busy or lossy agent); others are final.
RETRYABLE = ("timeout", "error", "toobig")


#: Most columns walked together in one GETBULK.
COLUMNS_PER_WALK = 24


class Collection:
    def __init__(self, agent: Any, walk: Walk) -> None:
        self.agent = agent
        self.walk = walk
        self.problems: list[str] = []
        self.stopped = False
        #: tables already probed (table -> has rows)
        self.tables: dict[str, bool] = {}

    async def step(self, name: str, action: Callable[[], Awaitable[Any]]) -> Any:
        """Run one step, once more if it failed for a reason that may pass."""
        if self.stopped:
            return None
        for attempt in (1, 2):
            try:
                return await action()
            except SnmpFailure as exc:
                if exc.kind == "budget" or exc.kind not in RETRYABLE or attempt == 2:
                    self.problems.append(f"{name}: {exc.kind} ({str(exc)[:120]})")
                    self.stopped = exc.kind == "budget"
                    return None
        return None

    async def get_into(self, oids: list[str]) -> None:
        if oids:
            self.walk.update(await self.agent.get(oids))

    async def discover(self) -> None:
        """Which enterprise subtrees answer: one GETNEXT request from each of
        :data:`~collector.snmp.plan.DISCOVERY_STARTS` (v1 agents, which fail
        a whole GETNEXT that runs off the MIB: one enterprise at a time)."""
        if self.agent.credential.version != "1":
            # the standard tables' probe rides along: one request for both
            tables = standard_tables()
            starts = list(DISCOVERY_STARTS) + tables
            got = await self.agent.first_rows(starts, {s: "1.3.6.1.4.1" for s in DISCOVERY_STARTS})
            for found in got.values():
                self.walk.data[found[0]] = found[1]
            self.tables.update({t: t in got for t in tables})
            return
        start: str | None = "1.3.6.1.4.1"
        for _ in range(MAX_ENTERPRISES):
            if start is None:
                break
            found = await self.agent.next_after(start)
            if found is None or not found[0].startswith("1.3.6.1.4.1."):
                break
            self.walk.data[found[0]] = found[1]
            start = next_enterprise(found[0])

    async def walk_columns(self) -> None:
        groups = walk_groups(self.walk)
        if self.agent.credential.version == "1":
            # v1 answers a GETNEXT that runs off the MIB with an error for the
            # whole request: walk each group as it comes
            for group in groups:
                await self.step(f"walk {group[0]}", self._walker(group, {}))
            return
        # one GETNEXT per table (the column's parent: its entry), all in one
        # request: the first object of a table says it has rows, whichever
        # columns the agent fills
        tables = [t for t in dict.fromkeys(table_of(r) for g in groups for r in g) if t not in self.tables]
        if tables:
            got = await self.step("first rows", lambda: self.agent.first_rows(tables))
            for found in (got or {}).values():
                self.walk.data[found[0]] = found[1]
            # not known (the probe failed twice): walk them all
            self.tables.update({t: got is None or t in got for t in tables})
        live = [r for g in groups for r in g if self.tables.get(table_of(r))]
        for i in range(0, len(live), COLUMNS_PER_WALK):
            chunk = live[i:i + COLUMNS_PER_WALK]
            await self.step(f"walk {chunk[0]}", self._walker(chunk, {}))

    def _walker(self, roots: list[str], start: dict[str, str]) -> Callable[[], Awaitable[Any]]:
        async def run() -> Any:
            return await self.agent.walk(roots, self.walk, start)
        return run


def table_of(column: str) -> str:
    """The table (entry) a column belongs to: the column's OID less its last arc."""
    return column.rsplit(".", 1)[0]


def standard_tables() -> list[str]:
    return list(dict.fromkeys(table_of(r) for g in STANDARD_WALKS for r in g))


async def collect(agent: Any, system: Walk) -> tuple[Walk, list[str]]:
    """Everything a scan reads from an agent that answered the first contact
    (``system``: what it said then). Returns the walk and the problems."""
    c = Collection(agent, system)
    if not system.data and not set(SYSTEM_SCALARS) <= agent.stats.absent:
        # nothing came back from a GET that answered (a v1 agent's answers
        # all lost): ask once more; an agent that said it has no system group
        # (noSuchObject for each, as some cameras and trimmed recordings do)
        # would say so again
        await c.step("system group", lambda: c.get_into(SYSTEM_SCALARS))
    if discover_enterprises(c.walk):
        await c.step("enterprise discovery", c.discover)
    first = first_scalars(c.walk)
    await c.step("definition objects", lambda: c.get_into(first))
    await c.step("probed objects", lambda: c.get_into(more_scalars(c.walk, first)))
    await c.walk_columns()
    return c.walk, c.problems
