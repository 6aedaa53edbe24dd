"""`lab down` cleans up after a lab whose builder was killed and whose state
file is gone: every namespace, every agent and the service daemon."""

import contextlib
import fcntl
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import lab_unavailable

pytestmark = pytest.mark.lab


def lab_processes() -> list[str]:
    out = subprocess.run(["ps", "-eo", "pid,args"], capture_output=True, text=True).stdout
    return [line for line in out.splitlines() if "lan-collector-lab" in line or "collector.lab.services" in line]


@contextlib.contextmanager
def session_lock(netns):
    wait = float(os.environ.get("LAN_COLLECTOR_LAB_WAIT", "600"))
    with open(netns.LOCK_FILE, "a+") as fh:
        deadline = time.monotonic() + wait
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail("the lab stayed in use by another session")
                time.sleep(0.2)
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()} test_lab_recovery\n")
        fh.flush()
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def test_down_after_a_crash_removes_everything():
    why = lab_unavailable()
    if why:
        pytest.skip(why)
    from collector.lab import netns

    # Hold the lab like any session (other sessions on this machine may be
    # using it: wait for them), so the crash and the clean-up are ours alone.
    with session_lock(netns):
        code = "import os; from collector.lab import netns; netns.up(5, _locked=True); os.kill(os.getpid(), 9)"
        proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
        assert proc.returncode == -signal.SIGKILL, proc.stderr
        assert len(netns.lab_namespaces()) == 5 + 2 + 2  # hosts, branch hosts, switch, collector
        assert lab_processes(), "agents should still be running after the crash"
        shutil.rmtree(netns.STATE_DIR)  # the crash also lost the state file
        netns.down(_locked=True)  # what `lan-collector lab down` runs once no session holds the lab
    assert netns.lab_namespaces() == []
    assert lab_processes() == []
    assert not any(p.name.startswith("lcl-") for p in netns.ETC_NETNS.iterdir()) if netns.ETC_NETNS.exists() else True
