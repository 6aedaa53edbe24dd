"""`lab down` cleans up after a lab whose builder was killed and whose state
file is gone: every namespace, every agent and the service daemon."""

import os
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import lab_unavailable

pytestmark = pytest.mark.lab


def lab_processes() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "lan-collector-lab" in line or "collector.lab.services" in line]


def test_down_after_a_crash_removes_everything():
    why = lab_unavailable()
    if why:
        pytest.skip(why)
    from collector.lab import netns

    with netns.session_lock():  # wait for other sessions; our children may build and remove the lab
        crash_and_clean_up(netns)


def crash_and_clean_up(netns):
    code = "import os; from collector.lab import netns; netns.up(5); os.kill(os.getpid(), 9)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL, proc.stderr
    assert len(netns.lab_namespaces()) == 5 + 2 + 2  # hosts, branch hosts, switch, collector
    assert lab_processes(), "agents should still be running after the crash"
    shutil.rmtree(netns.STATE_DIR)  # the crash also lost the state file
    out = subprocess.run([sys.executable, "-m", "collector", "lab", "down"], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert netns.lab_namespaces() == []
    assert lab_processes() == []
    assert not any(p.name.startswith("lcl-") for p in netns.ETC_NETNS.iterdir()) if netns.ETC_NETNS.exists() else True
