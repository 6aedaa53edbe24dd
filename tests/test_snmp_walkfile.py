"""Recorded walks from files (snmprec, snmpwalk -On output, Checkmk stored
walks) and `lan-collector identify FILE`: what a user sends in, identified
offline."""

from __future__ import annotations

import bz2
import hashlib
import json

import pytest
from click.testing import CliRunner

from collector.cli import cli
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from collector.snmp.identify import identify
from collector.snmp.plan import simulate
from collector.snmp.walk import (GAUGE32, INTEGER, IPADDR, OCTETS, OID, TIMETICKS, WalkError, dump_snmprec,
                                 load_snmprec, walk_from_mapping)
from collector.snmp.walkfile import checkmk_value, load_walk_file, parse_checkmk_walk, parse_snmpwalk, parse_value

from checkmk_walks import FIXTURES as CHECKMK
from checkmk_walks import SHARED as CHECKMK_WALKS
from checkmk_walks import checkmk_text

LAB = Path(__file__).parent / "fixtures" / "snmp" / "lab"
needs_walks = pytest.mark.skipif(not CHECKMK_WALKS.is_dir(), reason="shared/data/snmp-walks-checkmk not beside "
                                 "the checkout (set LAN_COLLECTOR_SHARED_DATA)")

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


# -- Checkmk stored walks (cmk --snmpwalk) ---------------------------------------


@pytest.mark.parametrize("raw, expected", [
    ("Cisco Catalyst", (OCTETS, b"Cisco Catalyst")),
    ("MD:05/22/2009) ", (OCTETS, b"MD:05/22/2009)")),                # blanks around a value are dropped
    ('"43 69 73 63 6F 0D 0A "', (OCTETS, b"Cisco\r\n")),       # any byte outside 32-127 -> quoted hex
    ('"ff "', (OCTETS, b"\xff")),
    ('"FF"', (OCTETS, b"FF")),                                      # hex needs its trailing space, as Checkmk reads it
    ('"c:\\\\ Label"', (OCTETS, b"c:\\ Label")),                  # quoted by net-snmp's tools: unquoted
    ('""', (OCTETS, b"")),
    (".1.3.6.1.4.1.9.1.516", (OID, "1.3.6.1.4.1.9.1.516")),
    ("254676243", (INTEGER, 254676243)),
    ("0012345", (OCTETS, b"0012345")),                              # leading zeros: a serial, not a number
    ("0", (INTEGER, 0)),
    ("-1", (INTEGER, -1)),
    ("3000000000", (GAUGE32, 3000000000)),                          # unsigned 32-bit (a counter, a gauge)
    ("99999999999999999999", (OCTETS, b"99999999999999999999")),    # no SNMP number: kept as its text
    ("", (OCTETS, b"")),
    (".1..3", (OCTETS, b".1..3")),
])
def test_checkmk_value_forms(raw, expected):
    assert checkmk_value(raw) == expected


def test_checkmk_walk_lines_and_errors():
    walk = parse_checkmk_walk("# comment\n.1.3.6.1.2.1.1.5.0 gw 1\n.1.3.6.1.2.1.1.4.0 \n\n.1.3.6.1.2.1.1.6.0\n")
    assert walk.data == {"1.3.6.1.2.1.1.5.0": (OCTETS, b"gw 1"), "1.3.6.1.2.1.1.4.0": (OCTETS, b""),
                         "1.3.6.1.2.1.1.6.0": (OCTETS, b"")}
    with pytest.raises(WalkError, match="line 2: not a Checkmk walk line"):
        parse_checkmk_walk(".1.3.6.1.2.1.1.5.0 gw\nsecond line of nothing\n")
    with pytest.raises(WalkError, match="line 1: not a Checkmk walk line"):
        parse_checkmk_walk(".1.3.6.1.4.1.31763682980.1 1\n")  # an arc past 2^32-1, as snmprec refuses


def test_a_checkmk_walk_is_told_apart_from_snmpwalk_text(tmp_path):
    cmk = tmp_path / "router"
    cmk.write_text(".1.3.6.1.2.1.1.1.0 RouterOS RB4011\n.1.3.6.1.2.1.1.2.0 .1.3.6.1.4.1.14988.1\n")
    walk = load_walk_file(cmk)
    assert walk.oid("1.3.6.1.2.1.1.2.0") == "1.3.6.1.4.1.14988.1" and walk.text("1.3.6.1.2.1.1.1.0") == "RouterOS RB4011"
    text = tmp_path / "router.txt"
    text.write_text(".1.3.6.1.2.1.1.1.0 = STRING: RouterOS RB4011\n")
    assert load_walk_file(text).text("1.3.6.1.2.1.1.1.0") == "RouterOS RB4011"


CHECKMK_CASES = sorted(p for p in CHECKMK.glob("*.json") if p.name != "SOURCE.json")


@needs_walks
def test_the_checkmk_recordings_are_the_files_labelled():
    source = json.loads((CHECKMK / "SOURCE.json").read_text())
    assert source["licence"] == "Apache-2.0" and len(source["commit"]) == 40
    assert {p.stem for p in CHECKMK_CASES} == {name.removeprefix("snmp/") for name in source["files"]}
    for name, spec in source["files"].items():
        assert hashlib.sha256((CHECKMK_WALKS / name).read_bytes()).hexdigest() == spec["sha256"], name


@needs_walks
@pytest.mark.parametrize("case", CHECKMK_CASES, ids=lambda p: p.stem)
def test_real_checkmk_walks_are_identified(case):
    """Real devices' walks stored by Checkmk, with the fields written by hand
    from the recording (null where it holds none); identified from what a
    scan would read of them."""
    spec = json.loads(case.read_text())
    walk = load_walk_file(CHECKMK_WALKS / spec["recording"])
    assert walk.oid("1.3.6.1.2.1.1.2.0") and walk.text("1.3.6.1.2.1.1.1.0")
    got = identify(simulate(walk)).best()
    expected = {k: v for k, v in spec["expected"].items() if v is not None}
    assert {k: got.get(k) for k in expected} == expected


@pytest.mark.parametrize("name", ["switch", "ups", "printer", "nas"])
def test_a_walk_written_as_checkmk_writes_it_reads_back_and_identifies_the_same(tmp_path, name):
    """The lab's own recordings, written in Checkmk's format (the types it
    drops aside), read back to the same bytes and identify the same."""
    walk = load_snmprec(LAB / f"{name}.snmprec")
    path = tmp_path / name
    path.write_text(checkmk_text(walk))
    back = load_walk_file(path)
    assert set(back.data) == {oid for oid, (_, value) in walk.data.items() if value is not None}
    for oid, (tag, value) in walk.data.items():
        if isinstance(value, bytes):
            assert back.raw(oid) == value or back.raw(oid) == int(value), oid  # a string of digits reads as a number
    spec = json.loads((LAB / f"{name}.json").read_text())
    best = identify(back).best()
    assert {k: best.get(k) for k in spec["expected"]} == spec["expected"]


def test_a_hex_encoded_checkmk_sysdescr_keeps_its_line_breaks(tmp_path):
    path = tmp_path / "ios"
    path.write_text(checkmk_text(walk_from_mapping({
        "1.3.6.1.2.1.1.1.0": "Cisco IOS Software, C3750E Software (C3750E-UNIVERSALK9-M), Version 12.2(55)SE6\r\n"
                             "Technical Support: http://www.cisco.com/techsupport",
        "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.9.1.516"})))
    assert '"43 69 73 63 6F 20 49 4F 53 ' in path.read_text()
    walk = load_walk_file(path)
    assert walk.raw("1.3.6.1.2.1.1.1.0").endswith(b"SE6\r\nTechnical Support: http://www.cisco.com/techsupport")
    best = identify(walk).best()
    assert (best["vendor"], best["os_name"], best["os_version"]) == ("Cisco", "IOS", "12.2(55)SE6")


def test_identify_reads_a_checkmk_walk(tmp_path):
    path = tmp_path / "ups"
    path.write_text(checkmk_text(load_snmprec(LAB / "ups.snmprec")))
    result = CliRunner().invoke(cli, ["identify", str(path)])
    assert result.exit_code == 0, result.output
    expected = json.loads((LAB / "ups.json").read_text())["expected"]
    assert f"model         {expected['model']}" in result.output and "from apc-ups" in result.output


_CMK_LINE = st.tuples(st.lists(st.integers(0, 2**32 - 1), min_size=2, max_size=12),
                      st.one_of(st.text(st.characters(min_codepoint=32, max_codepoint=126), max_size=40),
                                st.binary(max_size=40).map(lambda b: '"' + "".join(f"{c:02X} " for c in b) + '"')))


@settings(max_examples=150, deadline=None)
@given(st.lists(_CMK_LINE, max_size=20))
def test_checkmk_walks_round_trip(lines):
    """Whatever Checkmk writes reads back: every line a value, quoted hex its bytes."""
    text = "".join(f".{'.'.join(map(str, arcs))} {value}\n" for arcs, value in lines)
    walk = parse_checkmk_walk(text)
    for arcs, value in lines:
        assert ".".join(map(str, arcs)) in walk
    last = {".".join(map(str, arcs)): value for arcs, value in lines}
    for oid, value in last.items():
        tag, got = walk.data[oid]
        if value.startswith('"') and value.endswith(' "'):
            assert got == bytes.fromhex(value[1:-1])
        elif tag == OCTETS and not value.startswith('"'):
            assert got == value.strip().encode()


def test_a_line_ends_at_a_line_feed_only(tmp_path):
    """A real snmpsim-data recording (metel-poe-box) holds a text value with a
    \\x1c in it: identify FILE cut the line there (str.splitlines) and refused
    the file, which load_snmprec reads. snmprec files are read as snmpsim
    reads them (latin-1, every byte kept), the text formats split at \\n only."""
    snmpsim_data = pytest.importorskip("snmpsim_data")
    real = Path(snmpsim_data.__file__).parent / "data" / "network" / "switch" / "metel-poe-box.snmprec.bz2"
    assert load_walk_file(real).data == load_snmprec(real).data
    rec = tmp_path / "odd.snmprec"
    rec.write_bytes(b"1.3.6.1.2.1.1.1.0|4|a\x1cb\x0cc\x85d\xe9\r\n1.3.6.1.2.1.1.5.0|4|gw\n")
    assert load_walk_file(rec).data == load_snmprec(rec).data
    assert load_walk_file(rec).raw("1.3.6.1.2.1.1.1.0") == b"a\x1cb\x0cc\x85d\xe9"
    text = tmp_path / "odd.txt"
    text.write_text('.1.3.6.1.2.1.1.1.0 = STRING: "a\x1cb\x0cc\u2028d"\r\n.1.3.6.1.2.1.1.5.0 = STRING: gw\r\n')
    assert load_walk_file(text).raw("1.3.6.1.2.1.1.1.0") == "a\x1cb\x0cc\u2028d".encode()
    cmk = tmp_path / "odd"
    cmk.write_text(".1.3.6.1.2.1.1.1.0 a\x1cb\r\n.1.3.6.1.2.1.1.5.0 gw\r\n")
    assert load_walk_file(cmk).raw("1.3.6.1.2.1.1.1.0") == b"a\x1cb"


def test_identify_takes_a_folder_of_walks_and_names_the_unclassified(tmp_path):
    """An MSP's folder of stored walks: each identified, a bad one reported
    on its own line (exit 2 at the end, the others still done), and the
    last line names the walks no class was found for."""
    good = tmp_path / "ups"
    good.write_text(checkmk_text(load_snmprec(LAB / "ups.snmprec")))
    ups = json.loads((LAB / "ups.json").read_text())["expected"]
    odd = tmp_path / "odd.snmprec"
    dump_snmprec(walk_from_mapping({"1.3.6.1.2.1.1.1.0": "[bold]box[/] \x1b[2J",
                                    "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99999.1"}), odd)
    bad = tmp_path / "bad.snmprec"
    bad.write_text("garbage\n")
    result = CliRunner().invoke(cli, ["identify", str(good), str(bad), str(odd)])
    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1 and "bad.snmprec, line 1" in result.stderr
    assert f"model         {ups['model']}" in result.stdout and "odd.snmprec: 2 values" in result.stdout
    assert "\x1b" not in result.stdout
    assert result.stdout.rstrip().splitlines()[-1] == \
        "2 of 3 walks read, 1 classified; no class identified for 1 (try --draft on each): odd.snmprec"
    data = json.loads(CliRunner().invoke(cli, ["identify", "--json", str(good), str(bad)]).stdout)
    assert [r["file"] for r in data] == [str(good), str(bad)] and "error" in data[1]
    assert {f["field"]: f["value"] for f in data[0]["fields"]}["serial"] == ups["serial"]
    one = json.loads(CliRunner().invoke(cli, ["identify", "--json", str(good)]).stdout)
    assert isinstance(one, dict) and one["file"] == str(good)  # one file: one object, as before
    drafted = CliRunner().invoke(cli, ["identify", "--draft", str(good), str(odd)])
    assert drafted.exit_code == 2 and "give it one file" in drafted.stderr
    assert CliRunner().invoke(cli, ["identify"]).exit_code == 2
    # a folder stands for the walks in it: not hidden files, not subfolders
    (tmp_path / ".DS_Store").write_bytes(b"\x00\x01")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "x.snmprec").write_text("garbage\n")
    folder = CliRunner().invoke(cli, ["identify", str(tmp_path)])
    assert folder.exit_code == 2 and folder.stderr.count("\n") == 1
    assert folder.stdout.rstrip().splitlines()[-1] == result.stdout.rstrip().splitlines()[-1]
    (tmp_path / "empty").mkdir()
    empty = CliRunner().invoke(cli, ["identify", str(tmp_path / "empty")])
    assert empty.exit_code == 2 and "no walk files" in empty.stderr
