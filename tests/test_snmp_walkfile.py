"""Recorded walks from files (snmprec and snmpwalk -On output) and
`lan-collector identify FILE`: what a user sends in, identified offline."""

from __future__ import annotations

import bz2
import json

import pytest
from click.testing import CliRunner

from collector.cli import cli
from collector.snmp.walk import IPADDR, OCTETS, OID, TIMETICKS, WalkError, dump_snmprec, walk_from_mapping
from collector.snmp.walkfile import load_walk_file, parse_snmpwalk, parse_value

SNMPWALK = """\
.1.3.6.1.2.1.1.1.0 = STRING: "Linux files 6.1.0-13-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.55-1 (2023-09-29) x86_64"
.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.8072.3.2.10
.1.3.6.1.2.1.1.3.0 = Timeticks: (123456) 0:20:34.56
.1.3.6.1.2.1.1.4.0 = STRING: "it team
second line"
.1.3.6.1.2.1.1.5.0 = STRING: files
.1.3.6.1.2.1.2.2.1.6.2 = Hex-STRING: 00 11 32 AB CD EF
.1.3.6.1.2.1.2.2.1.8.2 = INTEGER: up(1)
.1.3.6.1.2.1.4.20.1.1.10.0.0.5 = IpAddress: 10.0.0.5
.1.3.6.1.2.1.31.1.1.1.6.2 = Counter64: 123456789012
.1.3.6.1.2.1.25.1.1.0 = 4242
.1.3.6.1.2.1.25.3.2.1.3.1 = ""
.1.3.6.1.2.1.47.1.1.1.1.2.1 = No Such Object available on this agent at this OID
"""


def test_snmpwalk_values_are_typed():
    walk = parse_snmpwalk(SNMPWALK)
    assert walk.oid("1.3.6.1.2.1.1.2.0") == "1.3.6.1.4.1.8072.3.2.10"
    assert walk.data["1.3.6.1.2.1.1.3.0"] == (TIMETICKS, 123456)
    assert walk.data["1.3.6.1.2.1.1.4.0"] == (OCTETS, b"it team\nsecond line")
    assert walk.data["1.3.6.1.2.1.2.2.1.6.2"] == (OCTETS, bytes.fromhex("001132abcdef"))
    assert walk.int("1.3.6.1.2.1.2.2.1.8.2") == 1
    assert walk.data["1.3.6.1.2.1.4.20.1.1.10.0.0.5"] == (IPADDR, bytes([10, 0, 0, 5]))
    assert walk.int("1.3.6.1.2.1.31.1.1.1.6.2") == 123456789012
    assert walk.int("1.3.6.1.2.1.25.1.1.0") == 4242
    assert "1.3.6.1.2.1.47.1.1.1.1.2.1" not in walk


@pytest.mark.parametrize("raw, expected", [
    ("STRING: plain words", (OCTETS, b"plain words")),
    ('STRING: "quoted \\"inner\\""', (OCTETS, b'quoted "inner"')),
    ("OID: SNMPv2-SMI::enterprises.9.1.516", (OID, "1.3.6.1.4.1.9.1.516")),
    ("OID: iso.3.6.1.4.1.311.1.1.3.1.2", (OID, "1.3.6.1.4.1.311.1.1.3.1.2")),
    ("Gauge32: 7", (66, 7)),
    ("IpAddress: 192.168.42.023", (IPADDR, bytes([192, 168, 42, 23]))),  # anonymised walks write these
    ("Network Address: AC:10:00:01", (IPADDR, bytes([172, 16, 0, 1]))),
])
def test_snmpwalk_value_forms(raw, expected):
    assert parse_value(raw) == expected


def test_an_unreadable_value_is_kept_as_its_text():
    walk = parse_snmpwalk(".1.3.6.1.2.1.1.9.0 = INTEGER: lots\n")
    assert walk.data["1.3.6.1.2.1.1.9.0"] == (OCTETS, b"INTEGER: lots")


def test_files_are_told_apart_by_content(tmp_path):
    walk = parse_snmpwalk(SNMPWALK)
    text = tmp_path / "host.txt"
    text.write_text(SNMPWALK)
    rec = tmp_path / "host.snmprec"
    dump_snmprec(walk, rec)
    packed = tmp_path / "host.snmprec.bz2"
    packed.write_bytes(bz2.compress(rec.read_bytes()))
    assert load_walk_file(text).data == load_walk_file(rec).data == load_walk_file(packed).data == walk.data


@pytest.mark.parametrize("content, message", [
    ("", "no SNMP values"),
    ("hello world\n", "not an snmprec line"),
    ("1.3.6.x.1|4|text\n", "not an OID"),
])
def test_bad_files_say_why(tmp_path, content, message):
    path = tmp_path / "bad.snmprec"
    path.write_text(content)
    with pytest.raises(WalkError, match=message):
        load_walk_file(path)


def test_identify_prints_fields_with_their_source(tmp_path):
    path = tmp_path / "debian.txt"
    path.write_text(SNMPWALK)
    result = CliRunner().invoke(cli, ["identify", str(path)])
    assert result.exit_code == 0, result.output
    assert "os_name         Debian" in result.output and "from debian, confidence" in result.output
    assert "kernel_version  6.1.0-13-amd64" in result.output
    data = json.loads(CliRunner().invoke(cli, ["identify", str(path), "--json", "--all"]).output)
    fields = {f["field"]: f for f in data["fields"]}
    assert fields["os_version"]["value"] == "12" and fields["os_version"]["source"] == "debian"
    assert "debian" in data["definitions"] and data["other_claims"]


def test_identify_shows_device_strings_as_plain_text(tmp_path):
    walk = walk_from_mapping({"1.3.6.1.2.1.1.1.0": "RouterOS [bold red]x[/] \x1b[31m",
                              "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.14988.1", "1.3.6.1.2.1.1.5.0": "gw\x07"})
    path = tmp_path / "odd.snmprec"
    dump_snmprec(walk, path)
    result = CliRunner().invoke(cli, ["identify", str(path)])
    assert result.exit_code == 0
    assert "\x1b" not in result.output and "\x07" not in result.output
    assert "[bold red]x[/]" in result.output  # printed as it is, never interpreted


@pytest.mark.parametrize("content", [None, "garbage\n", "1.3.6.1.x.1|4|zz\n", ""])
def test_identify_bad_input_is_one_line_and_exit_2(tmp_path, content):
    path = tmp_path / "in.snmprec"
    if content is not None:
        path.write_text(content)
    result = CliRunner().invoke(cli, ["identify", str(path)])
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "lan-collector: error:" in result.output


def test_snmpwalk_oids_and_numbers_follow_the_snmprec_rules():
    """Fuzz findings: record OIDs with an arc past 2^32-1, OID values with a
    trailing dot or a line break, integers out of their type's range, a
    Network Address of three bytes were accepted (snmprec refuses all of
    them)."""
    with pytest.raises(WalkError, match="line 2: not an OID"):
        parse_snmpwalk(".1.3.6.1.2.1.1.5.0 = STRING: x\n.1.3.6.1.4.1.31763682980.1 = INTEGER: 1\n")
    walk = parse_snmpwalk(".1.3.6.1.2.1.1.2.0 = OID: 2.\n"
                          ".1.3.6.1.2.1.25.2.3.1.2.7 = OID: .1.3.6.1.2.1.25.2.1.1\n.1\n"
                          ".1.3.6.1.2.1.2.2.1.20.5 = Counter64: 18446744073709551616\n"
                          ".1.3.6.1.2.1.2.2.1.8.2 = INTEGER: -9223372036854775809\n"
                          ".1.3.6.1.2.1.1.3.0 = Timeticks: (4294967296) 497 days\n"
                          ".1.3.6.1.2.1.1.7.0 = 2147483648\n"
                          ".1.3.6.1.2.1.2.2.1.10.5 = Counter64: 18446744073709551615\n"
                          ".1.3.6.1.2.1.4.20.1.1.9 = Network Address: 0A:00:00\n"
                          ".1.3.6.1.2.1.4.20.1.1.10 = Network Address: 0A:00:00:05\n")
    # what cannot be read as its type is kept as its text, as for any unreadable value
    assert walk.data["1.3.6.1.2.1.1.2.0"] == (OCTETS, b"OID: 2.")
    assert walk.data["1.3.6.1.2.1.25.2.3.1.2.7"][0] == OCTETS
    assert walk.data["1.3.6.1.2.1.2.2.1.20.5"] == (OCTETS, b"Counter64: 18446744073709551616")
    assert walk.data["1.3.6.1.2.1.2.2.1.8.2"][0] == OCTETS
    assert walk.data["1.3.6.1.2.1.1.3.0"][0] == OCTETS
    assert walk.data["1.3.6.1.2.1.1.7.0"] == (OCTETS, b"2147483648")
    assert walk.int("1.3.6.1.2.1.2.2.1.10.5") == 2**64 - 1
    assert walk.data["1.3.6.1.2.1.4.20.1.1.9"] == (OCTETS, b"Network Address: 0A:00:00")
    assert walk.data["1.3.6.1.2.1.4.20.1.1.10"] == (IPADDR, bytes([10, 0, 0, 5]))
