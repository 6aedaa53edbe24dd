"""The collection rounds against a replayed agent (no network): what a scan
reads is what plan.simulate says, requests stay few, and a step that fails
once is asked again."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest

from collector.snmp.client import Agent, SnmpFailure
from collector.snmp.collect import collect
from collector.snmp.credentials import Credential
from collector.snmp.identify import identify
from collector.snmp.mibs import SYSTEM_SCALARS
from collector.snmp.plan import Replay, simulate
from collector.snmp.walk import Walk, load_snmprec, restrict

LAB = Path(__file__).parent / "fixtures" / "snmp" / "lab"


class ReplayAgent(Agent):
    """An Agent whose requests are answered from a recording; ``fail`` lists
    request numbers that time out (once each)."""

    def __init__(self, full: Walk, fail: tuple[int, ...] = (), version: str = "2c") -> None:
        super().__init__(None, "192.0.2.1", Credential("test", version, community="public"), timeout=1.0, retries=0)
        self.full, self.replay, self.fail, self.calls = full, Replay(full), set(fail), 0

    async def _request(self, kind, oids, max_rep=0):  # type: ignore[override]
        self.calls += 1
        self.stats.requests += 1
        if self.calls in self.fail:
            raise SnmpFailure("timeout", "no answer")
        if kind == "get":
            return [(o, _Value(self.full.data[o]) if o in self.full.data else _Absent()) for o in oids]
        rows = []
        reps = max(1, max_rep) if kind == "bulk" else 1
        cur = list(oids)
        for _ in range(reps):
            nxt = [(self.replay.next(o) or o) for o in cur]
            rows += [(n, _Value(self.full.data[n]) if n in self.full.data and n != o else _End())
                     for o, n in zip(cur, nxt)]
            cur = nxt
        return rows


class _Value:
    def __init__(self, vb):
        self.vb = vb


class _Absent:
    pass


class _End:
    pass


_Absent.__name__ = "NoSuchObject"
_End.__name__ = "EndOfMibView"


@pytest.fixture(autouse=True)
def plain_values(monkeypatch):
    from collector.snmp import client

    monkeypatch.setattr(client, "convert", lambda v: getattr(v, "vb", None))


def run(full: Walk, **kw) -> tuple[Walk, list[str], ReplayAgent]:
    agent = ReplayAgent(full, **kw)
    system = restrict(full, (), SYSTEM_SCALARS)
    walk, problems = asyncio.run(collect(agent, system))
    return walk, problems, agent


@pytest.mark.parametrize("name", sorted(p.stem for p in LAB.glob("*.snmprec")))
def test_a_scan_reads_what_the_plan_says_in_few_requests(name):
    full = load_snmprec(LAB / f"{name}.snmprec")
    walk, problems, agent = run(full)
    assert problems == []
    assert identify(walk).best() == identify(simulate(full)).best()
    assert agent.calls <= 14, agent.calls


def test_failed_steps_are_asked_again():
    full = load_snmprec(LAB / "switch.snmprec")
    clean, _p, _a = run(full)
    walk, problems, agent = run(full, fail=(1, 3, 5))
    assert problems == [] and walk.data == clean.data


def test_what_fails_twice_is_reported():
    full = load_snmprec(LAB / "ups.snmprec")
    _walk, problems, _agent = run(full, fail=tuple(range(1, 5)))
    assert problems and all(": timeout (" in p for p in problems)


def test_an_agent_that_lost_its_system_group_is_asked_again():
    full = load_snmprec(LAB / "switch.snmprec")
    agent = ReplayAgent(full)
    walk, problems = asyncio.run(collect(agent, Walk()))
    assert identify(walk).best()["vendor"] == "Cisco" and problems == []


def test_centreon_style_walk_without_system_group(tmp_path):
    spec = json.loads((Path(__file__).parent / "fixtures" / "snmp" / "centreon" /
                       "storage__synology__synology-disk-critical.json").read_text())
    full = Walk()
    full.set("1.3.6.1.4.1.6574.2.1.1.2.0", 4, b"Disk 1")
    walk, _problems, _agent = run(full)
    best = identify(walk).best()
    assert (best["vendor"], best["device_class"], best["os_name"]) == (
        spec["expected"]["vendor"], spec["expected"]["device_class"], spec["expected"]["os_name"])


def test_first_contact_waits_as_long_as_agents_here_need():
    from collector.snmp.client import Latency

    quiet = Latency()
    quiet.record([0.004, 0.01, 0.02] * 20)
    assert quiet.contact_timeout(0.5, 1.0) == 0.5 and not quiet.congested(0.5)
    busy = Latency()
    busy.record([0.05] * 5 + [0.3] * 20)
    assert busy.contact_timeout(0.5, 1.0) == pytest.approx(0.9) and busy.congested(0.5)
    assert Latency().contact_timeout(0.5, 1.0) == 0.5
    swamped = Latency()
    swamped.record([2.0] * 10)
    assert swamped.contact_timeout(0.5, 1.0) == 1.0  # never longer than the normal timeout


def test_an_agent_that_says_it_has_no_system_group_is_not_asked_again():
    full = Walk()
    full.set("1.3.6.1.4.1.6574.2.1.1.2.0", 4, b"Disk 1")
    agent = ReplayAgent(full)

    async def contact_then_collect():
        system = await agent.get(SYSTEM_SCALARS)  # first contact: noSuchObject for each
        calls, empty = agent.calls, not system.data
        walk, problems = await collect(agent, system)
        return empty, calls, walk, problems

    empty, contact_calls, walk, problems = asyncio.run(contact_then_collect())
    assert empty and set(SYSTEM_SCALARS) <= agent.stats.absent
    plain, _p, plain_agent = run(full)  # the same agent, first contact not seen: asked again
    assert walk.data == plain.data and problems == []
    assert agent.calls - contact_calls == plain_agent.calls - 1


class LongColumnAgent(ReplayAgent):
    """Records each GETBULK's max-repetitions; says tooBig above ``limit``."""

    def __init__(self, full: Walk, limit: int = 1000) -> None:
        super().__init__(full)
        self.reps: list[int] = []
        self.limit = limit

    async def _request(self, kind, oids, max_rep=0):  # type: ignore[override]
        if kind == "bulk":
            self.reps.append(max_rep)
            if max_rep > self.limit:
                self.calls += 1
                raise SnmpFailure("toobig", "tooBig")
        return await super()._request(kind, oids, max_rep)


def _long_column(rows: int) -> Walk:
    full = Walk()
    for i in range(1, rows + 1):
        full.set(f"1.3.6.1.2.1.25.6.3.1.2.{i}", 4, f"package-{i}".encode())
    full.set("1.3.6.1.2.1.25.6.3.1.3.1", 6, "0.0")
    return full


def test_one_long_column_takes_bigger_steps_and_loses_nothing():
    full = _long_column(600)
    agent = LongColumnAgent(full)
    walk = asyncio.run(agent.walk(["1.3.6.1.2.1.25.6.3.1.2"]))
    assert len(walk) == 600
    assert agent.reps[:4] == [8, 16, 32, 64] and max(agent.reps) == 64
    assert len(agent.reps) <= 13  # 25 at most would take 27


def test_after_toobig_a_walk_never_asks_for_more_again():
    full = _long_column(300)
    agent = LongColumnAgent(full, limit=20)
    walk = asyncio.run(agent.walk(["1.3.6.1.2.1.25.6.3.1.2"]))
    assert len(walk) == 300
    after = agent.reps[agent.reps.index(32) + 1:]
    assert after and max(after) <= 16


def _scanned(mapping: dict, *fields: str) -> tuple:
    """What a scan of a constructed agent says of ``fields``, checked against
    plan.simulate on the same recording."""
    from collector.snmp.walk import walk_from_mapping

    full = walk_from_mapping(mapping)
    walk, problems, _agent = run(full)
    assert problems == []
    best = identify(walk).best()
    assert identify(simulate(full)).best() == best
    return tuple(best.get(f) for f in fields)


def test_a_definition_recognised_by_its_probe_has_its_other_objects_read():
    """A Supermicro BMC behind net-snmp's sysObjectID: enterprise discovery
    lands on an earlier ATEN object, the probe object then answers, and the
    definition's model and serial (other scalars) must be read in the next
    round too (they were not: the probe's definition had become a full
    candidate, and only still-probing ones were asked for more)."""
    assert _scanned({
        "1.3.6.1.2.1.1.1.0": "Linux bmc 3.14.17-ami #1 PREEMPT armv6l",
        "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10",
        "1.3.6.1.4.1.21317.1.3.1.2.0": "1",  # an earlier ATEN-IPMI-MIB object
        "1.3.6.1.4.1.21317.1.5.1.0": "X11SPM-F",
        "1.3.6.1.4.1.21317.1.16.3.3.0": "SYS-5019P-M",
        "1.3.6.1.4.1.21317.1.16.3.6.0": "S123456789AB",
    }, "vendor", "model", "serial") == ("Supermicro", "SYS-5019P-M", "S123456789AB")


def test_a_probe_under_the_agents_own_enterprise_is_read_whatever_its_agent_kinds():
    """A maker's agent whose sysObjectID no definition lists still answers its
    own MIB: the probe object under the sysObjectID's enterprise is read even
    though the definition probes only agents without a sysObjectID."""
    assert _scanned({
        "1.3.6.1.2.1.1.1.0": "router",
        "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.1182.5.1",  # under Yamaha's enterprise, no definition lists it
        "1.3.6.1.4.1.1182.1.1.0": "1",  # where enterprise discovery lands
        "1.3.6.1.4.1.1182.2.2.3.0": "RTX830 Rev.15.02.20 (Fri Apr 16 09:37:54 2021)",
    }, "vendor", "model", "firmware") == ("Yamaha", "RTX830", "15.02.20")
