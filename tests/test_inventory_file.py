"""Opening the inventory: read commands never write (empty, older, read-only
files and read-only media), the scan lock follows the file, not its name,
and a scan's counts are true even when it is killed."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import sys

import pytest

from collector.identity import HostEvidence
from collector.inventory_file import migration_names
from collector.model import Fact
from collector.store import Inventory, ScanLock, StoreError

ENV = {k: v for k, v in os.environ.items() if not k.startswith("LAN_COLLECTOR_")} | {"COLUMNS": "200"}


def cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "collector", *map(str, args)], capture_output=True, text=True,
                          timeout=60, env=ENV, cwd=cwd, stdin=subprocess.DEVNULL)


def make(path, hosts=3):
    with Inventory(path) as inv:
        s = inv.begin_scan({}, {}, {}, hosts)
        for i in range(hosts):
            inv.record_host(s, HostEvidence(ip=f"10.0.0.{i + 1}", mac=f"02:00:00:00:00:{i + 1:02x}",
                                            facts=[Fact("hostname", f"host{i + 1}", 70, "snmp")]))
        inv.finish_scan(s, "complete")
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


def files_beside(path):
    return sorted(p.name for p in path.parent.iterdir())


def make_older(path):
    """A file as the version before 0003 wrote it."""
    make(path)
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("drop table identifiers")
    conn.execute("alter table devices drop column os_build")
    conn.execute("alter table devices drop column kernel_version")
    conn.execute("delete from _sqlite_migrations where name = '0003_identifiers.sql'")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()


def test_read_commands_do_not_touch_an_older_inventory(tmp_path):
    db = tmp_path / "old.db"
    make_older(db)
    before = digest(db)
    out = cli("export", "--db", db)
    assert out.returncode == 0, out.stderr
    records = json.loads(out.stdout)
    assert [r["hostname"] for r in records] == ["host1", "host2", "host3"]
    assert records[0]["os_build"] is None  # a field the old file cannot have
    for command in (["devices"], ["show", "10.0.0.2"], ["flags"]):
        out = cli(*command, "--db", db)
        assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    assert digest(db) == before
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    assert "0003_identifiers.sql" not in {r[0] for r in conn.execute("select name from _sqlite_migrations")}
    conn.close()
    # a scan upgrades it (here only the open: the scan's lock and migration)
    with ScanLock(db), Inventory(db) as inv:
        assert inv.db["identifiers"].exists()


def test_devices_on_an_empty_file_leaves_it_empty(tmp_path):
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    out = cli("devices", "--db", db)
    assert out.returncode == 1 and "is empty: no scan has written to it" in out.stderr
    assert db.read_bytes() == b"" and files_beside(db) == ["empty.db"]


def test_a_missing_file_is_not_created(tmp_path):
    out = cli("flags", "--db", tmp_path / "none.db")
    assert out.returncode == 1 and "no such inventory file" in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_read_only_file_in_a_writable_directory():
    """As an unprivileged user (root ignores file modes)."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        pytest.skip("needs root to switch to an unprivileged user")
    import tempfile
    from pathlib import Path

    shared = Path(tempfile.mkdtemp(prefix="lc-ro-", dir="/tmp"))  # pytest's tmp_path is private to root
    shared.chmod(0o777)
    try:
        _read_only_file(shared / "inv.db")
    finally:
        shutil.rmtree(shared)


def _read_only_file(db):
    make(db)
    db.chmod(0o444)
    before = digest(db)
    proc = subprocess.run(["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", sys.executable, "-m",
                           "collector", "devices", "--db", str(db)], capture_output=True, text=True, timeout=60,
                          env=ENV)
    assert proc.returncode == 0, proc.stderr
    assert "3 device(s)" in proc.stdout and digest(db) == before


@pytest.fixture
def read_only_medium(tmp_path):
    """A directory mounted read-only (as a CD, a write-protected card or a
    read-only snapshot is): needs root for the mount namespace."""
    if os.geteuid() != 0 or not shutil.which("unshare"):
        pytest.skip("needs root (a read-only bind mount in a private mount namespace)")
    media = tmp_path / "media"
    media.mkdir()
    return media


def run_on_read_only(media, *args):
    script = (f"mount --bind {media} {media} && mount -o remount,bind,ro {media} && "
              f"exec {sys.executable} -m collector " + " ".join(f"'{a}'" for a in args))
    return subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", script],
                          capture_output=True, text=True, timeout=60, env=ENV)


def test_read_commands_work_on_a_read_only_medium(read_only_medium):
    db = read_only_medium / "inv.db"
    make(db)
    assert files_beside(db) == ["inv.db"]  # no -wal or -shm: SQLite could not create them there
    for command in (["devices"], ["show", "10.0.0.1"], ["export"], ["flags"]):
        out = run_on_read_only(read_only_medium, *command, "--db", db)
        assert out.returncode == 0 and out.stderr == "", (command, out.stderr)
    out = run_on_read_only(read_only_medium, "export", "--db", db)
    assert [r["ips"] for r in json.loads(out.stdout)] == [["10.0.0.1"], ["10.0.0.2"], ["10.0.0.3"]]
    out = run_on_read_only(read_only_medium, "scan", "10.0.0.1", "--plugins", "tcpping", "--db", db)
    assert out.returncode == 1 and "Read-only file system" in out.stderr, out.stderr


def test_an_older_inventory_on_a_read_only_medium_is_read(read_only_medium):
    db = read_only_medium / "old.db"
    make_older(db)
    out = run_on_read_only(read_only_medium, "export", "--db", db)
    assert out.returncode == 0, out.stderr
    assert len(json.loads(out.stdout)) == 3


def test_the_lock_follows_the_file_through_a_symlink_and_a_hard_link(tmp_path):
    db = tmp_path / "inv.db"
    make(db)
    (tmp_path / "link.db").symlink_to(db)
    os.link(db, tmp_path / "hard.db")
    with ScanLock(db):
        for other in ("link.db", "hard.db"):
            with pytest.raises(StoreError, match="another scan is already writing"):
                with ScanLock(tmp_path / other):
                    pass
    with ScanLock(tmp_path / "link.db"):  # released: free again
        pass


def test_two_scans_through_a_symlink_do_not_both_run(tmp_path):
    """The second scan, started while the first holds the file, refuses."""
    db = tmp_path / "inv.db"
    make(db)
    (tmp_path / "link.db").symlink_to(db)
    code = ("import sys, time; from collector.store import ScanLock; "
            "l = ScanLock(sys.argv[1]).__enter__(); print('locked', flush=True); time.sleep(30)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(db)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        out = cli("scan", "127.0.0.1", "--plugins", "tcpping", "--db", tmp_path / "link.db")
        assert out.returncode == 1 and "another scan is already writing to this inventory (pid" in out.stderr
    finally:
        holder.kill()
        holder.wait()


def test_counts_are_true_while_a_scan_runs_and_after_it_is_killed(tmp_path):
    db = tmp_path / "inv.db"
    code = ("import sys, os; from collector.store import Inventory; from collector.identity import HostEvidence;"
            "i = Inventory(sys.argv[1]); s = i.begin_scan({}, {}, {}, 3);"
            "[i.record_host(s, HostEvidence(ip=f'10.0.0.{n}', mac=f'02:00:00:00:00:0{n}')) for n in (1, 2)];"
            "os._exit(9)")
    subprocess.run([sys.executable, "-c", code, str(db)], check=False, timeout=60)
    with Inventory(db) as inv:
        row = inv.scan(1)
        assert (row["status"], row["hosts_up"], row["devices_new"]) == ("running", 2, 2)
        assert inv.mark_dead_scans() == [1]
        row = inv.scan(1)
        assert (row["status"], row["hosts_up"], row["devices_new"]) == ("interrupted", 2, 2)


def test_schema_versions_are_named(tmp_path):
    names = migration_names()
    assert names[0] == "0001_initial.sql" and len(names) >= 3
