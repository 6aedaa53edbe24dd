"""`lan-collector scan` as a program ends without tearing the interpreter
down (collector.cli._end_now): the summary is printed in full, the exit code
is the scan's, and the inventory it wrote is complete and readable."""

from __future__ import annotations

import json
import subprocess
import sys

from hostile_agent import HostileAgent


def test_a_scan_program_ends_with_its_summary_and_inventory(tmp_path):
    agent = HostileAgent("good", "127.0.0.5")
    db = tmp_path / "inv.db"
    try:
        out = subprocess.run([sys.executable, "-m", "collector", "scan", "127.0.0.5", "--plugins", "snmp",
                              "--snmp-port", str(agent.port), "--db", str(db), "-q"],
                             capture_output=True, text=True, timeout=120)
    finally:
        agent.close()
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert "status: complete" in lines and lines[-1].startswith("scan 1: 1 host(s) up")
    export = subprocess.run([sys.executable, "-m", "collector", "export", "--format", "json", "--db", str(db)],
                            capture_output=True, text=True, timeout=120)
    assert export.returncode == 0
    assert [d["hostname"] for d in json.loads(export.stdout)] == ["hostile"]


def test_a_failed_scan_still_exits_with_its_code(tmp_path):
    # a bad setting: refused before anything is sent
    out = subprocess.run([sys.executable, "-m", "collector", "scan", "127.0.0.5", "--plugins", "snmp",
                          "--snmp-port", "0", "--db", str(tmp_path / "inv.db"), "-q"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "error" in out.stderr
