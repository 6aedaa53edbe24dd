"""The engine's plugin schedule: discovery together, enrichment together
(except where a plugin waits for another), listeners for the whole run;
results combined in the selected order; a failing plugin is degraded, not fatal."""

from __future__ import annotations

import asyncio

from collector.config import Settings
from collector.engine import _run_plugins
from collector.model import Fact, Observation, PluginReport
from collector.plugin import ScanContext
from collector.scope import build_scope


class Discover:
    name, phase, description, needs, wants = "disc", "discover", "finds two hosts", (), ()

    async def discover(self, ctx):
        return PluginReport([Observation("disc", "10.0.0.1", "00:11:32:00:00:01"), Observation("disc", "10.0.0.2")])


class Enrich:
    phase, description, needs, wants = "enrich", "test enricher", (), ()

    def __init__(self, name, log, after=(), gate=None, opens=None, fail=False):
        self.name, self.log, self.after, self.gate, self.opens, self.fail = name, log, after, gate, opens, fail

    async def enrich(self, ctx, hosts):
        self.log.append(f"{self.name} start")
        if self.opens is not None:
            self.opens.set()
        if self.gate is not None:
            await asyncio.wait_for(self.gate.wait(), 5)  # only possible if another plugin runs meanwhile
        if self.fail:
            raise RuntimeError("device said something odd")
        self.log.append(f"{self.name} end")
        return PluginReport([Observation(self.name, h.ip, facts=[Fact("vendor", self.name, 50, self.name)])
                             for h in hosts])


class Listen:
    name, phase, description, needs, wants = "ear", "listen", "passive", (), ()

    def __init__(self, log):
        self.log = log

    async def listen(self, ctx, stop):
        self.log.append("listen start")
        await stop.wait()
        self.log.append("listen stopped")
        return PluginReport([Observation("ear", "10.0.0.3")])


def run(plugins):
    ctx = ScanContext(Settings(), build_scope(["10.0.0.0/29"]), [], {})
    skipped, degraded, ran = {}, {}, []
    obs, probes = asyncio.run(_run_plugins(ctx, plugins, skipped, degraded, ran))
    return obs, skipped, degraded, ran


def test_enrichment_runs_concurrently_and_after_is_honoured():
    log: list[str] = []
    # a waits until b has started: only concurrency lets a finish; c runs after a
    opened = None

    class Both(Enrich):
        async def enrich(self, ctx, hosts):
            nonlocal opened
            if opened is None:
                opened = asyncio.Event()
            self.gate = opened if self.name == "a" else None
            self.opens = opened if self.name == "b" else None
            return await super().enrich(ctx, hosts)

    a, b = Both("a", log), Both("b", log)
    c = Enrich("c", log, after=("a",))
    obs, skipped, degraded, ran = run([Discover(), a, b, c, Listen(log)])
    assert log.index("a end") < log.index("c start")
    assert log[0] == "listen start" and log[-1] == "listen stopped"
    assert ran == ["disc", "a", "b", "c", "ear"]
    # combined in selection order, whatever finished first
    assert [o.plugin for o in obs] == ["disc", "disc", "a", "a", "b", "b", "c", "c", "ear"]
    assert not degraded and not skipped


def test_a_failing_plugin_is_degraded_and_the_others_kept():
    log: list[str] = []
    obs, skipped, degraded, ran = run([Discover(), Enrich("bad", log, fail=True), Enrich("good", log)])
    assert degraded == {"bad": "failed: RuntimeError: device said something odd"}
    assert [o.plugin for o in obs if o.plugin != "disc"] == ["good", "good"]
    assert "bad" in ran and "good" in ran
