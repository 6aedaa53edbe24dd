"""Opening the inventory file: checked, and read-only for read commands.

Every open checks the file before trusting it: that it is SQLite, that it is
not damaged (``PRAGMA quick_check``: it reads every page, ~0.1 s for a
100 MB inventory, see README), and that its schema is not newer than this
program's. Read commands open it read-only (``mode=ro``; on a read-only
medium ``immutable=1``, since SQLite cannot create the WAL index there) and
never migrate it: an older schema is upgraded in a private in-memory copy.
A scan opens it read-write, migrates it, and holds the scan lock on the
file itself (its inode), so a symlink or a second name cannot let two scans
write at once.
"""

from __future__ import annotations

import fcntl
import logging
import os
import re
import sqlite3
import stat
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import quote

SQLITE_HEADER = b"SQLite format 3\x00"
#: An older inventory read by a read command is upgraded in memory up to this size.
MAX_MEMORY_UPGRADE = 256 << 20

log = logging.getLogger("lan_collector")


class StoreError(RuntimeError):
    """The inventory file cannot be used; the message says why."""


def migration_names() -> list[str]:
    return sorted(f.name for f in resources.files("collector.schemas").iterdir() if f.name.endswith(".sql"))


def version_of(names: list[str]) -> str:
    """``3 (0003_identifiers)``: the number and name of the newest migration."""
    if not names:
        return "0 (empty)"
    newest = max(names, key=_number)
    return f"{_number(newest)} ({newest.removesuffix('.sql')})"


def _number(name: str) -> int:
    m = re.match(r"(\d+)", name)
    return int(m.group(1)) if m else 0


def damaged(path: str | Path, detail: str) -> StoreError:
    detail = " ".join(detail.split())
    return StoreError(
        f"{path} is damaged ({detail[:200]}). Restore it from a backup, or recover "
        f"what is readable with `sqlite3 {path} .recover | sqlite3 recovered.db` and use --db recovered.db, "
        "or start a new inventory with another --db file")


def _header_check(path: Path) -> None:
    try:
        with open(path, "rb") as fh:
            head = fh.read(len(SQLITE_HEADER))
    except IsADirectoryError:
        raise StoreError(f"{path} is a directory; --db names the inventory file") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    if head and head != SQLITE_HEADER:
        raise StoreError(f"{path} is not an inventory (not an SQLite file); give the right --db file")


def check_integrity(conn: sqlite3.Connection, path: str | Path) -> None:
    """Raise a clear StoreError if the file is damaged."""
    try:
        rows = conn.execute("PRAGMA quick_check(3)").fetchall()
    except sqlite3.DatabaseError as exc:
        raise damaged(path, str(exc)) from None
    problems = [r[0] for r in rows if r[0] != "ok"]
    if problems:
        raise damaged(path, "; ".join(problems))


def applied_migrations(conn: sqlite3.Connection) -> list[str] | None:
    """Migration names recorded in the file; None if it has no migration table."""
    try:
        return [r[0] for r in conn.execute(
            "select name from _sqlite_migrations where migration_set = 'lan_collector'")]
    except sqlite3.OperationalError as exc:
        if "no such table" in str(exc):
            return None
        raise


def check_version(conn: sqlite3.Connection, path: str | Path) -> list[str]:
    """The migrations this program has and the file lacks; refuses a file
    written by a newer version (it could hold data this one would damage)."""
    ours = migration_names()
    applied = applied_migrations(conn) or []
    unknown = sorted(set(applied) - set(ours))
    if unknown:
        from collector import __version__

        raise StoreError(
            f"{path} has schema version {version_of(applied)}, written by a newer lan-collector; this is "
            f"lan-collector {__version__} with schema version {version_of(ours)}. Upgrade lan-collector to use "
            "this file (nothing was changed)")
    return [m for m in ours if m not in applied]


def open_readwrite(path: Path) -> sqlite3.Connection:
    if path.is_dir():
        raise StoreError(f"{path} is a directory; --db names the inventory file")
    if path.exists():
        _header_check(path)
    conn = sqlite3.connect(path, timeout=10, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        check_integrity(conn, path)
        # refused before anything is written, even the journal mode
        check_version(conn, path)
        if not applied_migrations(conn) and conn.execute(
                "select count(*) from sqlite_master where type = 'table' and name != '_sqlite_migrations'"
        ).fetchone()[0]:
            raise StoreError(f"{path} is an SQLite file but not an inventory (no lan-collector schema); "
                             "give another --db file")
        conn.execute("PRAGMA foreign_keys = ON")
        mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        # WAL + NORMAL: a power cut may lose the last transactions, never consistency.
        conn.execute("PRAGMA synchronous = NORMAL")
        if mode != "wal":
            raise StoreError(f"{path}: could not switch to WAL journal mode ({mode})")
    except BaseException:
        conn.close()
        raise
    return conn


def open_readonly(path: Path) -> tuple[sqlite3.Connection, list[str]]:
    """(connection, migrations the file lacks). Never writes to the file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        raise StoreError(f"{path}: no such inventory file (run `lan-collector scan` first, or give --db)") from None
    except OSError as exc:
        raise StoreError(f"cannot read {path}: {exc.strerror or exc}") from None
    if stat.S_ISDIR(st.st_mode):
        raise StoreError(f"{path} is a directory; --db names the inventory file")
    if not stat.S_ISREG(st.st_mode):
        raise StoreError(f"{path} is not a regular file")
    if st.st_size == 0:
        raise StoreError(f"{path} is empty: no scan has written to it yet (run `lan-collector scan --db {path}`)")
    _header_check(path)
    uri = "file:" + quote(str(path.resolve()))
    conn = sqlite3.connect(uri + "?mode=ro", uri=True, timeout=10, isolation_level=None)
    try:
        conn.execute("PRAGMA busy_timeout = 10000")
        conn.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.OperationalError as exc:
        conn.close()
        if not any(word in str(exc) for word in ("readonly", "read-only", "unable to open")):
            raise StoreError(f"cannot read {path}: {exc}") from None
        # A WAL file needs its index (-shm) created beside it: impossible on a
        # read-only medium, so read the file as it is (immutable).
        conn = sqlite3.connect(uri + "?mode=ro&immutable=1", uri=True, isolation_level=None)
        wal = Path(str(path) + "-wal")
        if wal.exists() and wal.stat().st_size > 0:
            log.warning("%s holds changes not yet merged into %s; on a read-only medium they cannot be read "
                        "(copy both files somewhere writable to see them)", wal, path)
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise damaged(path, str(exc)) from None
    try:
        check_integrity(conn, path)
        pending = check_version(conn, path)
        if applied_migrations(conn) is None:
            raise StoreError(f"{path} is an SQLite file but not an inventory (no lan-collector schema)")
    except BaseException:
        conn.close()
        raise
    if pending:
        conn = _upgraded_copy(conn, path, st.st_size, pending)
    return conn, pending


def _upgraded_copy(conn: sqlite3.Connection, path: Path, size: int, pending: list[str]) -> sqlite3.Connection:
    """An older inventory, read without writing to it: its schema is brought
    up to date in a private in-memory copy (the next scan upgrades the file)."""
    if size > MAX_MEMORY_UPGRADE:
        conn.close()
        raise StoreError(f"{path} has an older schema (lacks {', '.join(pending)}); a scan with this version "
                         f"upgrades it (`lan-collector scan --db {path}`), then it can be read")
    memory = sqlite3.connect(":memory:", isolation_level=None)
    conn.backup(memory)
    conn.close()
    from collector.store import _migrations

    import sqlite_utils

    _migrations().apply(sqlite_utils.Database(memory))
    return memory


class ScanLock:
    """One scan at a time per inventory file. The lock is held on the file
    itself (flock on its inode: a symlink, a hard link or a bind mount of the
    same file is the same lock; SQLite's own locks are fcntl locks, which
    flock does not touch on local filesystems, and WAL needs a local one). A
    ``.lock`` file beside the real file names the holder for the message."""

    def __init__(self, db_path: str | Path) -> None:
        self.db_path = Path(db_path)
        self._fd: int | None = None
        self._note: Any = None

    def __enter__(self) -> ScanLock:
        real = Path(os.path.realpath(self.db_path))
        if real.is_dir():
            raise StoreError(f"{self.db_path} is a directory; --db names the inventory file")
        try:
            fd = os.open(real, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o640)
        except OSError as exc:
            raise StoreError(f"cannot open {self.db_path} for writing: {exc.strerror or exc}") from None
        note_path = Path(str(real) + ".lock")
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            try:
                holder = note_path.read_text(errors="replace").strip()[:100] or "another process"
            except OSError:
                holder = "another process"
            raise StoreError(f"another scan is already writing to this inventory ({holder}); "
                             f"wait for it to finish") from None
        self._fd = fd
        try:
            self._note = open(note_path, "w")
            self._note.write(f"pid {os.getpid()}\n")
            self._note.flush()
        except OSError:
            self._note = None  # the note only improves the message; the lock is held
        return self

    def __exit__(self, *exc: object) -> None:
        if self._note is not None:
            self._note.close()
        if self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
