"""A real net-snmp snmpd on 127.0.0.1 for tests (never another address):
its own configuration, persistent directory and log, no SMUX, no MIBs."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from collections.abc import Callable, Iterator
from pathlib import Path


def free_udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_snmpd(d: Path, config: Callable[[int], list[str]]) -> Iterator[int]:
    """Start snmpd in ``d`` with the configuration lines ``config(port)``
    gives (after its ``agentaddress``), yield the port, stop it after."""
    port = free_udp_port()
    (d / "snmpd.conf").write_text("\n".join([f"agentaddress udp:127.0.0.1:{port}", *config(port)]) + "\n")
    proc = subprocess.Popen(["snmpd", "-f", "-C", "-c", str(d / "snmpd.conf"), "-I", "-smux", "-Lf",
                             str(d / "log"), "-p", str(d / "pid")],
                            env={**os.environ, "SNMP_PERSISTENT_DIR": str(d), "MIBS": ""})
    try:
        deadline = time.monotonic() + 10
        while not (d / "pid").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(0.3)
        yield port
    finally:
        proc.terminate()
        proc.wait(timeout=10)
