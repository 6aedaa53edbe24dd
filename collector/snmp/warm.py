"""What SNMP identification loads on first use, loaded ahead in a thread
while a scan's first requests wait for their answers.

A scan of small agents spends a fair part of its CPU loading once: the
device definitions (~0.1 s), Recog's patterns compiled twice (``re`` and
``regex``, ~0.15 s), the IANA enterprise table (~0.1 s), GLPI's sysObjectID
table and the rule modules the store runs. Loaded in the order a scan needs
them, in one worker thread, while the event loop only waits on the network;
the loop waits for each stage before it uses it (:meth:`Warmer.ready`), so
nothing is ever loaded twice. A failure here changes nothing: the same load
runs again where it is used and reports as it always did.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
from collections.abc import Callable


def _definitions() -> None:
    from collector.snmp.definitions import definitions, index

    definitions()
    index()


def _identification() -> None:
    from collector.refdata.recog import recog
    from collector.snmp import generic

    rec = recog()
    for db in ("snmp_sysobjid", "snmp_sysdescr"):
        rec._fingerprints(db)
    rec._timed("snmp_sysdescr")  # long sysDescrs are matched with a time limit
    generic.vendor_of_pen("9")
    generic._sysobject_ids()


def _store() -> None:
    import collector.assess  # noqa: F401  (the flag rules, run as each host is stored)


STAGES: dict[str, Callable[[], None]] = {"definitions": _definitions, "identification": _identification,
                                         "store": _store}


class Warmer:
    """Starts loading when the first agent answers (a scan where none does
    loads nothing)."""

    def __init__(self) -> None:
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._futures: dict[str, concurrent.futures.Future[None]] = {}

    def start(self) -> None:
        if self._pool is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="snmp-warm")
            self._futures = {name: self._pool.submit(_quietly, fn) for name, fn in STAGES.items()}

    async def ready(self, stage: str) -> None:
        """Returns once ``stage`` (and those before it) is loaded or failed."""
        self.start()
        future = self._futures[stage]
        if not future.done():
            await asyncio.wrap_future(future)

    def close(self) -> None:
        for future in self._futures.values():
            future.cancel()  # stages not started yet are not needed
        if self._pool is not None:
            self._pool.shutdown(wait=True)


def _quietly(fn: Callable[[], None]) -> None:
    try:
        fn()
    except Exception:  # loaded again, and reported, where it is used
        pass
