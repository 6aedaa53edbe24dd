"""The SNMP plugin's warm-up thread: stages are loaded once, in order, and
waited for; a scan where no agent answers loads nothing; a failing stage
raises nothing (the load runs again where it is used)."""

from __future__ import annotations

import asyncio

from collector.snmp import warm


def test_stages_load_in_order_and_are_awaited(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(warm, "STAGES", {name: (lambda n=name: seen.append(n)) for name in
                                         ("definitions", "identification", "store")})

    async def run() -> list[str]:
        w = warm.Warmer()
        try:
            await w.ready("identification")
            got = list(seen)
            await w.ready("identification")  # again: already done
            return got
        finally:
            w.close()

    assert asyncio.run(run())[:2] == ["definitions", "identification"]


def test_nothing_loads_until_asked(monkeypatch):
    seen: list[str] = []
    monkeypatch.setattr(warm, "STAGES", {"definitions": lambda: seen.append("x")})
    w = warm.Warmer()
    w.close()
    assert seen == []


def test_a_failing_stage_is_quiet(monkeypatch):
    def boom() -> None:
        raise RuntimeError("no data")

    monkeypatch.setattr(warm, "STAGES", {"definitions": boom, "identification": lambda: None})

    async def run() -> None:
        w = warm.Warmer()
        try:
            await w.ready("definitions")
            await w.ready("identification")
        finally:
            w.close()

    asyncio.run(run())


def test_the_real_stages_leave_what_identification_uses_loaded():
    from collector.refdata.recog import recog
    from collector.snmp import generic
    from collector.snmp.definitions import definitions

    async def run() -> None:
        w = warm.Warmer()
        try:
            await w.ready("store")
        finally:
            w.close()

    asyncio.run(run())
    assert definitions.cache_info().currsize == 1 and generic._pens.cache_info().currsize == 1
    assert "snmp_sysdescr" in recog()._compiled and "snmp_sysdescr" in recog()._guarded
