"""Shared fixtures. The lab fixture is the only way tests touch a network:
it builds the namespace lab and runs every scan inside it, behind the guard."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

import pytest


def lab_unavailable() -> str | None:
    if os.geteuid() != 0:
        return "lab tests need root (network namespaces)"
    for tool in ("ip", "snmpd"):
        if shutil.which(tool) is None:
            return f"lab tests need `{tool}` (apt-get install iproute2 snmpd)"
    return None


class Lab:
    def __init__(self, state: dict) -> None:
        from collector.lab import topology

        self.state = state
        self.hosts = state["hosts"]
        self.topology = topology

    def on(self, subnet: str) -> list[dict]:
        return [h for h in self.hosts if h["subnet"] == subnet]

    def scan(self, *args: str, user: str | None = None, caps: str = "-all", check: bool = True,
             timeout: float = 120) -> subprocess.CompletedProcess:
        """`lan-collector scan ARGS` inside the lab collector namespace, as
        root, or as ``user`` with only the capabilities ``caps`` (e.g.
        "+net_raw", what the systemd unit grants).
        lab_scan_argv refuses non-lab targets; the guard refuses to run
        anywhere but the isolated lab namespace."""
        from collector.lab.cli import in_lab_command, lab_scan_argv

        argv = lab_scan_argv(list(args))
        if user:
            # drop root and every capability: the unprivileged path
            ambient = [f"--ambient-caps={caps}"] if caps != "-all" else []
            argv = ["setpriv", f"--reuid={user}", f"--regid={user}", "--clear-groups",
                    f"--inh-caps={caps}", *ambient, f"--bounding-set=-all,{caps}" if caps != "-all" else
                    "--bounding-set=-all", *argv]
        proc = subprocess.run(in_lab_command(argv), capture_output=True, text=True, timeout=timeout,
                              env={**os.environ, "COLUMNS": "200"})
        if check and proc.returncode != 0:
            raise AssertionError(f"scan failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
        return proc

    def exec(self, *argv: str, timeout: float = 60) -> subprocess.CompletedProcess:
        from collector.lab.cli import run_in_lab

        return run_in_lab(list(argv), capture_output=True, text=True, timeout=timeout)


@pytest.fixture(scope="module")
def lab():
    why = lab_unavailable()
    if why:
        pytest.skip(why)
    from collector.lab import netns, topology

    # Refuses (raises, failing the tests) if the root namespace already uses
    # lab address space, or if the collector namespace is not isolated.
    with netns.lab_session(topology.full_size()) as state:
        problems = netns.isolation_problems("lcl-col")
        assert problems == [], problems
        yield Lab(state)
    assert netns.lab_namespaces() == []
