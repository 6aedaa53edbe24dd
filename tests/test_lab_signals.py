"""Signals and children, on real scans of the lab (issue 9 §4), and the
default plugin set with exactly the systemd unit's privileges (§1)."""

from __future__ import annotations

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from collector.store import Inventory

pytestmark = pytest.mark.lab


def lab_env() -> dict[str, str]:
    """The environment at call time: it carries the lab session's holder
    mark, which `lab scan` needs to run in the session's own lab."""
    return {**os.environ, "COLUMNS": "200"}


def children(pid: int) -> list[int]:
    out = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                out.append(int(entry.name))
    return out


def command_of(pid: int) -> str:
    try:
        return (Path("/proc") / str(pid) / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
    except OSError:
        return ""


def alive(pid: int) -> bool:
    """Running (a zombie waiting for its reaper is not)."""
    try:
        stat = (Path("/proc") / str(pid) / "stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def wait_for(predicate, seconds: float, step: float = 0.05):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return predicate()


def nmap_children(scanner: int) -> list[int]:
    """The scanning nmaps (not python-nmap's short `nmap -V`)."""
    return [p for p in children(scanner) if command_of(p).split(" ")[0].endswith("nmap") and " -oX " in command_of(p)]


def scanner_under(top: int) -> int | None:
    """The scan process below `lan-collector lab scan` (ip netns exec and the
    guard exec themselves into it)."""
    for pid in children(top):
        if " -m collector scan " in command_of(pid):
            return pid
    return None


def nmap_scan_args(db):
    # nmap alone scans the whole curated port list of every live host: long enough to interrupt
    return ["198.18.0.0/24", "--plugins", "arp,nmap", "--db", str(db), "-q"]


def test_ctrl_c_of_lab_scan_passes_130_through(lab, tmp_path):
    db = tmp_path / "inv.db"
    # a terminal sends Ctrl-C to its whole foreground process group
    proc = subprocess.Popen([sys.executable, "-m", "collector", "lab", "scan", "198.18.0.0/24", "--plugins", "arp",
                             "--rate", "5", "--db", str(db), "-q"], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True, start_new_session=True, env=lab_env())
    assert wait_for(lambda: scanner_under(proc.pid), 30)
    time.sleep(1.5)
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    assert "Aborted!" not in err and "Traceback" not in err
    assert err.strip().splitlines()[-1].startswith("lan-collector: error: scan interrupted")
    with Inventory(db, readonly=True) as inv:
        assert inv.scan(1)["status"] == "interrupted"


@pytest.mark.parametrize("attempt", [1, 2])
def test_ctrl_c_in_the_nmap_phase_is_clean(lab, tmp_path, attempt):
    db = tmp_path / "inv.db"
    proc = subprocess.Popen([sys.executable, "-m", "collector", "lab", "scan", *nmap_scan_args(db)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            env=lab_env())
    scanner = wait_for(lambda: scanner_under(proc.pid), 30)
    nmaps = wait_for(lambda: nmap_children(scanner), 60)
    assert nmaps, "nmap never started"
    time.sleep(0.5 * attempt)
    os.killpg(proc.pid, signal.SIGINT)  # nmap is in its own group: only the scanner gets it
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    for bad in ("Traceback", "Event loop is closed", "RuntimeError", "Exception ignored", "Aborted!"):
        assert bad not in err, err
    assert err.strip().splitlines()[-1].startswith("lan-collector: error: scan interrupted")
    assert not [p for p in nmaps if alive(p)]
    with Inventory(db, readonly=True) as inv:
        assert inv.scan(1)["status"] == "interrupted"


@pytest.mark.parametrize("attempt", [1, 2])
def test_sigterm_in_the_nmap_phase_is_clean(lab, tmp_path, attempt):
    """systemd stops a unit with SIGTERM to the scanner alone."""
    from collector.lab.cli import in_lab_command, lab_scan_argv

    db = tmp_path / "inv.db"
    proc = subprocess.Popen(in_lab_command(lab_scan_argv(nmap_scan_args(db))), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    nmaps = wait_for(lambda: nmap_children(proc.pid), 60)
    assert nmaps, "nmap never started"
    time.sleep(0.5 * attempt)
    os.kill(proc.pid, signal.SIGTERM)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, (out, err)
    for bad in ("Traceback", "Event loop is closed", "RuntimeError", "Exception ignored"):
        assert bad not in err, err
    assert [line for line in err.splitlines() if line.strip()][-1].startswith("lan-collector: error: scan interrupted")
    assert not [p for p in nmaps if alive(p)]


def test_kill_9_of_the_scanner_takes_its_nmap_children(lab, tmp_path):
    from collector.lab.cli import in_lab_command, lab_scan_argv

    db = tmp_path / "inv.db"
    proc = subprocess.Popen(in_lab_command(lab_scan_argv(nmap_scan_args(db))), stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    nmaps = wait_for(lambda: nmap_children(proc.pid), 60)
    assert nmaps, "nmap never started"
    time.sleep(2)  # well into its probing, when it writes nothing a dead pipe could stop
    nmaps = nmap_children(proc.pid)
    assert nmaps, "nmap ended too soon to test"
    os.kill(proc.pid, signal.SIGKILL)  # ip netns exec and the guard exec: this is the scanner
    proc.wait(timeout=10)
    # before: nmap went on probing for 30 s and more; with PR_SET_PDEATHSIG it dies at once
    assert wait_for(lambda: not [p for p in nmaps if alive(p)], 1.0, 0.01), "nmap outlived its scanner"


def test_kill_9_after_hosts_were_saved_keeps_true_counts(lab, tmp_path):
    from collector.lab.cli import in_lab_command, lab_scan_argv

    db = tmp_path / "inv.db"
    lab.scan("198.18.0.0/24", "--plugins", "arp", "--db", str(db))  # the file exists: it can be watched
    for _ in range(5):
        before = sqlite3.connect(f"file:{db}?mode=ro", uri=True).execute("select max(id) from scans").fetchone()[0]
        proc = subprocess.Popen(in_lab_command(lab_scan_argv(["198.18.0.0/24", "--plugins", "arp,snmp", "--db",
                                                              str(db), "-q"])),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        watch = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
        scan_id = before + 1
        saved = wait_for(lambda: watch.execute("select count(*) from sightings where scan_id = ?",
                                               [scan_id]).fetchone()[0], 60, 0.002)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        status, hosts_up = watch.execute("select status, hosts_up from scans where id = ?", [scan_id]).fetchone()
        watch.close()
        assert saved
        if status == "running":  # killed while it was saving hosts: the case to check
            break
    else:
        pytest.fail("the scan always finished before it could be killed")
    with Inventory(db, readonly=True) as inv:
        truth = inv.conn.execute("select count(*) from sightings where scan_id = ?", [scan_id]).fetchone()[0]
        assert 0 < truth and inv.scan(scan_id)["hosts_up"] == truth  # true even before anyone marks it
    lab.scan("198.18.0.0/24", "--plugins", "arp", "--db", str(db))  # marks the dead scan
    with Inventory(db, readonly=True) as inv:
        row = inv.scan(scan_id)
        assert row["status"] == "interrupted" and row["hosts_up"] == truth


def test_arp_wait_ends_when_every_target_answered(lab, tmp_path):
    router = next(h for h in lab.hosts if h["kind"] == "router")
    start = time.monotonic()
    out = lab.scan(router["ip"], "--plugins", "arp", "--timeout", "30", "--db", str(tmp_path / "inv.db"))
    assert "1 host(s) up of 1 address(es)" in out.stdout
    assert time.monotonic() - start < 10  # not the 30 s timeout


@pytest.fixture
def shared_dir():
    shared = Path(tempfile.mkdtemp(prefix="lc-unit-", dir="/tmp"))
    shared.chmod(0o777)  # pytest's tmp_path is private to root
    yield shared
    shutil.rmtree(shared)


def test_default_plugins_with_exactly_the_units_privileges(lab, shared_dir):
    """What the systemd unit runs: an unprivileged user with CAP_NET_RAW and
    nothing else, every default plugin. nmap needs --privileged to use the
    capability; without it nmap refuses -sS and the services go unnamed."""
    db = shared_dir / "inv.db"
    out = lab.scan("198.18.0.0/24", "--db", str(db), user="65534", caps="+net_raw", timeout=300)
    # the lab's collector namespace has no resolver on purpose: dns is the one
    # plugin that must say it skipped, and why; nothing else skips or degrades
    lines = [ln for ln in out.stdout.splitlines() if "degraded" in ln or "skipped" in ln]
    assert lines == ["plugin dns: skipped: missing a DNS resolver (a nameserver in /etc/resolv.conf)"], out.stdout
    with Inventory(db, readonly=True) as inv:
        plugins = inv.scan(1)["plugins"]
        probes = list(inv.conn.execute("select plugin, outcome, detail from probes"))
        records = inv.device_records()
        flags = inv.flags(70)
    from collector.config import Settings

    assert sorted(plugins["ran"]) == sorted(p for p in Settings().plugins if p != "dns")  # the default set
    assert list(plugins["skipped"]) == ["dns"] and plugins["degraded"] == {}
    errors = [p for p in probes if p[1] == "error"]
    assert errors == [], errors
    assert any(p[0] == "nmap" and p[1] == "ok" for p in probes)
    services = {(d["ips"][0], s["port"]): s for d in records for s in d["services"]}
    srv = next(h for h in lab.on("lan") if h["kind"] == "linux_server")
    assert services[(srv["ip"], 22)]["product"] == "OpenSSH"
    assert any(s["product"] for (ip, _port), s in services.items())
    assert flags, "no flag assessed"
    assert json.dumps(records)  # the export works for the file the unit wrote
