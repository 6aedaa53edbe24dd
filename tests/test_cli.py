"""CLI behaviour that needs no network, and the docs that describe it."""

import json
import re
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from collector.cli import cli
from collector.identity import HostEvidence
from collector.model import Fact
from collector.store import Inventory

README = (Path(__file__).parent.parent / "README.md").read_text()


def all_commands(group=cli, prefix=()):
    ctx = click.Context(group)
    for name in group.list_commands(ctx):  # lazy groups included
        cmd = group.get_command(ctx, name)
        yield (*prefix, name), cmd
        if isinstance(cmd, click.Group):
            yield from all_commands(cmd, (*prefix, name))


@pytest.mark.parametrize("path, cmd", list(all_commands()), ids=lambda x: " ".join(x) if isinstance(x, tuple) else "")
def test_every_command_has_help_and_is_in_readme(path, cmd):
    assert cmd.help, f"{' '.join(path)} has no help text"
    name = "lan-collector " + " ".join(path)
    assert name in README, f"README does not mention `{name}`"
    if path != ("lab", "scan"):  # lab scan passes --help through to scan
        result = CliRunner().invoke(cli, [*path, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "inv.db"
    with Inventory(path) as inv:
        s = inv.begin_scan({}, {}, {}, 2)
        inv.record_host(s, HostEvidence(ip="10.0.0.10", mac="3c:d9:2b:00:00:01",
                                        facts=[Fact("vendor", "Hewlett Packard", 40, "arp"),
                                               Fact("hostname", "=cmd|' /C calc'!A0", 70, "snmp")]))
        inv.record_host(s, HostEvidence(ip="10.0.0.11", mac="00:11:32:00:00:01"))
        inv.finish_scan(s, "complete")
    return str(path)


def test_devices_show_export(db, tmp_path):
    runner = CliRunner()
    out = runner.invoke(cli, ["devices", "--db", db])
    assert out.exit_code == 0 and "10.0.0.10" in out.output and "2 device(s)" in out.output
    out = runner.invoke(cli, ["show", "10.0.0.10", "--db", db])
    assert out.exit_code == 0 and "Hewlett Packard" in out.output and "seen in scans: 1" in out.output
    out = runner.invoke(cli, ["export", "--db", db, "--format", "json"])
    data = json.loads(out.output)
    assert [d["ips"] for d in data] == [["10.0.0.10"], ["10.0.0.11"]]
    target = tmp_path / "out.csv"
    out = runner.invoke(cli, ["export", "--db", db, "--format", "csv", "-o", str(target)])
    text = target.read_text()
    assert out.exit_code == 0 and text.startswith("id,ips,macs,")
    assert "'=cmd" in text  # formula injection defused


def test_missing_db_is_a_clear_error(tmp_path):
    out = CliRunner().invoke(cli, ["devices", "--db", str(tmp_path / "none.db")])
    assert out.exit_code == 1 and "no such inventory file" in out.output
    assert not (tmp_path / "none.db").exists()


def test_show_unknown_device(db):
    out = CliRunner().invoke(cli, ["show", "10.9.9.9", "--db", db])
    assert out.exit_code == 1 and "no device matches" in out.output


def test_scan_refuses_bad_scope_before_touching_network(tmp_path):
    out = CliRunner().invoke(cli, ["scan", "8.8.8.0/24", "--db", str(tmp_path / "x.db")])
    assert out.exit_code == 2 and "--allow-public" in out.output
    assert not (tmp_path / "x.db").exists()


def test_scan_unknown_plugin(tmp_path):
    out = CliRunner().invoke(cli, ["scan", "127.0.0.1", "--plugins", "nope", "--db", str(tmp_path / "x.db")])
    assert out.exit_code == 2 and "unknown plugin(s): nope" in out.output


def test_bad_config_exit_code(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text("[scan]\nrate = 'x'\n")
    out = CliRunner().invoke(cli, ["scan", "127.0.0.1", "--config", str(cfg)])
    assert out.exit_code == 2 and "scan.rate" in out.output


def test_plugins_lists_builtins():
    out = CliRunner().invoke(cli, ["plugins"])
    assert out.exit_code == 0 and re.search(r"arp\s+│\s+discover", out.output)
    assert "snmp" in out.output
