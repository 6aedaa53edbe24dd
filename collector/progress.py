"""Progress: a rich display on a terminal, plain log lines otherwise (systemd)."""

from __future__ import annotations

import logging
import sys
import time
from typing import Any

log = logging.getLogger("lan_collector")

LABELS = {"arp": "ARP sweep", "tcpping": "TCP ping", "snmp": "SNMP", "banners": "banners", "http": "web pages", "dns": "reverse DNS", "nmap": "nmap -sV", "store": "saving"}


class PlainProgress:
    """One log line when a task starts and every few seconds after."""

    def __init__(self, every: float = 5.0) -> None:
        self.every = every
        self.done: dict[str, int] = {}
        self.total: dict[str, int | None] = {}
        self.last: dict[str, float] = {}

    def advance(self, task: str, n: int, total: int | None) -> None:
        if task not in self.done:
            self.done[task], self.total[task], self.last[task] = 0, total, time.monotonic()
            log.info("%s: started%s", LABELS.get(task, task), f" ({total} targets)" if total else "")
        if total is not None:
            self.total[task] = total
        self.done[task] += n
        now = time.monotonic()
        if now - self.last[task] >= self.every:
            self.last[task] = now
            log.info("%s: %d%s", LABELS.get(task, task), self.done[task],
                     f"/{self.total[task]}" if self.total[task] else "")

    def __enter__(self) -> PlainProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        pass


class RichProgress:
    def __init__(self) -> None:
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

        self.progress = Progress(TextColumn("{task.description}", markup=False), BarColumn(), MofNCompleteColumn(),
                                 TimeElapsedColumn(), transient=True, console=_stderr_console())
        self.tasks: dict[str, Any] = {}

    def advance(self, task: str, n: int, total: int | None) -> None:
        if task not in self.tasks:
            self.tasks[task] = self.progress.add_task(LABELS.get(task, task), total=total)
        elif total is not None:
            self.progress.update(self.tasks[task], total=total)
        if n:
            self.progress.advance(self.tasks[task], n)

    def __enter__(self) -> RichProgress:
        self.progress.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.progress.stop()


def _stderr_console() -> Any:
    from rich.console import Console

    return Console(stderr=True, markup=False, emoji=False, highlight=False)


def make_progress(quiet: bool = False) -> PlainProgress | RichProgress | None:
    if quiet:
        return None
    if sys.stderr.isatty():
        return RichProgress()
    return PlainProgress()
