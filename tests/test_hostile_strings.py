"""Device strings are data: the real CLI, on a terminal (a pty) and piped,
over an inventory holding what hostile devices say, shows them as plain
text — no rich markup, no clickable attacker links, no emoji codes, no
terminal control sequences (issue 9 §2)."""

from __future__ import annotations

import csv
import io
import json
import os
import pty
import select
import subprocess
import sys

import pytest

from collector.assess.model import Flag
from collector.identity import HostEvidence
from collector.model import Fact, Identifier, Service
from collector.store import Inventory
from collector.textsafe import escape_controls, one_line

LINK = "[link=https://evil.example/]nas[/link]"
OSC8 = "\x1b]8;;https://evil.example/\x07click me\x1b]8;;\x07"
CSI = "\x1b[2J\x1b[31mred"
BIDI = "safe\u202egnp.exe"
EMOJI_MAC = "bc:ad:28:cd:de:42"  # ":cd:" is rich's emoji code for an optical disc
MARKUP = "[bold red]boom[/] :smiley: :cd:"


@pytest.fixture(scope="module")
def hostile_db(tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "inv.db"
    with Inventory(path) as inv:
        scan = inv.begin_scan({"networks": ["10.0.0.0/24"]}, {"requested": ["snmp"]}, {}, 254)
        host = HostEvidence(
            ip="10.0.0.7", mac=EMOJI_MAC,
            facts=[Fact("hostname", LINK, 70, "snmp", "sysName"),
                   Fact("vendor", MARKUP, 60, "snmp", "sysDescr " + CSI),
                   Fact("model", OSC8, 80, "http", "Server header"),
                   Fact("os_name", BIDI, 70, "http", "banner"),
                   Fact("description", "line1\r\nline2\x1b[1A\x1b[2K", 90, "snmp", "sysDescr")],
            services=[Service(80, name="http", product="Evil" + OSC8, version="1.0" + CSI, extra=LINK,
                              banner="HTTP/1.1 200 OK\r\nServer: " + OSC8, source="banners")],
            identifiers=[Identifier("netbios_name", "PC" + CSI, "netbios")])

        def assess(evidence):
            return [Flag("legacy", "legacy/eol", "End of life: " + LINK + OSC8, "high", 80,
                         remediation="Replace " + MARKUP)]

        inv.record_host(scan, host, assess)
        inv.finish_scan(scan, "complete")
    return path


def run_cli(*args: str, tty: bool) -> str:
    argv = [sys.executable, "-m", "collector", *args]
    env = {**os.environ, "COLUMNS": "250", "TERM": "xterm-256color"}
    env.pop("NO_COLOR", None)
    if not tty:
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=60)
        assert proc.returncode == 0, proc.stderr
        return proc.stdout + proc.stderr
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env)
    os.close(slave)
    chunks = []
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            proc.kill()
            raise AssertionError("no output for 60 s")
        try:
            data = os.read(master, 65536)
        except OSError:  # the child closed the pty
            break
        if not data:
            break
        chunks.append(data)
    os.close(master)
    assert proc.wait(timeout=60) == 0
    return b"".join(chunks).decode("utf-8", "replace")


def assert_inert(out: str) -> None:
    # nothing from a device became a hyperlink or a control sequence
    assert "\x1b]8;;https://evil" not in out and "\x1b]8;" not in out
    assert "\x1b[2J" not in out and "\x1b[1A" not in out and "\x1b[31mred" not in out
    assert "\u202e" not in out
    # emoji codes stay text
    assert "\U0001f4bf" not in out and "\U0001f603" not in out


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "piped"])
@pytest.mark.parametrize("command", [["devices"], ["show", "1"], ["show", "10.0.0.7"], ["flags"]])
def test_read_commands_print_device_strings_as_plain_text(hostile_db, command, tty):
    out = run_cli(*command, "--db", str(hostile_db), tty=tty)
    assert_inert(out)
    if command[0] == "show":
        assert LINK in out  # the markup is shown literally, not interpreted
        assert EMOJI_MAC in out
        assert "\\x1b]8;;https://evil.example/\\x07click me" in out  # escaped, visible
        assert "safe\\u202egnp.exe" in out
    if command[0] == "devices":
        assert "bc:ad:28:cd:de:42" in out.replace("\n", "")  # a narrow column may wrap it, never emoji it


def test_the_store_keeps_device_strings_escaped(hostile_db):
    with Inventory(hostile_db, create=False) as inv:
        rows = inv.conn.execute("select value, evidence from device_facts").fetchall()
        svc = inv.conn.execute("select product, version, extra, banner from services").fetchone()
        ident = inv.conn.execute("select value from identifiers").fetchone()[0]
    for value, evidence in rows:
        assert "\x1b" not in value and "\u202e" not in value and "\r" not in value
        assert evidence is None or "\x1b" not in evidence
    assert all("\x1b" not in (v or "") for v in svc)
    assert ident == "PC\\x1b[2J\\x1b[31mred"


def test_exports_keep_strings_inert(hostile_db):
    data = json.loads(run_cli("export", "--db", str(hostile_db), "--format", "json", tty=False).split("\nwrote")[0])
    assert data[0]["hostname"] == LINK and "\x1b" not in data[0]["model"]
    text = run_cli("export", "--db", str(hostile_db), "--format", "csv", tty=False)
    assert "\x1b" not in text
    rows = list(csv.DictReader(io.StringIO(text.split("\nwrote")[0])))
    assert rows[0]["hostname"] == LINK


def test_escape_helpers():
    assert escape_controls("a\x1bb\x9bc\u200bd") == "a\\x1bb\\x9bc\\u200bd"
    assert one_line("x\r\n\ty") == "x y"
    assert one_line(None) == ""
    assert one_line("Café ☕ — ok") == "Café ☕ — ok"  # printable Unicode is kept


@pytest.mark.parametrize("tty", [True, False], ids=["terminal", "piped"])
def test_raw_controls_in_an_older_inventory_are_escaped_when_shown(tmp_path, hostile_db, tty):
    import shutil
    import sqlite3

    old = tmp_path / "old.db"
    shutil.copy(hostile_db, old)
    conn = sqlite3.connect(old)  # as an earlier version, which stored device strings unescaped, left it
    conn.execute("update devices set model = ?, hostname = ?", [OSC8, CSI])
    conn.execute("update device_facts set value = ? where field = 'model'", [OSC8])
    conn.commit()
    conn.close()
    for command in (["devices"], ["show", "1"]):
        assert_inert(run_cli(*command, "--db", str(old), tty=tty))
