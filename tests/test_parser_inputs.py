"""What fuzzing found in the parsers, as plain tests: each input a parser
once raised on (or stalled on), and what it must do instead."""

import time
from pathlib import Path

import pytest

from collector.model import Outcome

FIXTURES = Path(__file__).parent / "fixtures"
REPORT = (FIXTURES / "nmap" / "windows-smb" / "report.xml").read_bytes()


@pytest.mark.parametrize("edit", [
    (b'portid="445"', b'portid="x"'), (b'portid="445"', b'portid="\xc2\xb2"'), (b'portid="445"', b'portid="70000"'),
    (b'conf="10"', b'conf="\xc2\xb2"'), (b'addr="198.18.0.13" addrtype="ipv4"', b'addr="198.18.0.999" addrtype="ipv4"'),
])
def test_nmap_values_nmap_never_writes_are_skipped(edit):
    from collector.plugins.nmap import read_report

    observations, probes = read_report(REPORT.replace(*edit), ["198.18.0.12", "198.18.0.13"], [445], 1.0)
    assert {p.target for p in probes} == {"198.18.0.12", "198.18.0.13"}
    for obs in observations:
        assert all(1 <= s.port <= 65535 for s in obs.services)


def test_nmap_os_accuracy_that_is_no_number():
    from collector.nmapxml import parse

    xml = REPORT.replace(b"</ports>", b'</ports><os><osmatch name="Linux 2.6" accuracy="high"/>'
                                      b'<osmatch name="Windows 7" accuracy="96"/></os>', 1)
    host = parse(xml)[0]
    assert host.os_matches == [{"name": "Windows 7", "accuracy": 96, "classes": []}]


def test_a_report_that_is_not_one_is_an_error_outcome():
    from collector.plugins.nmap import read_report

    observations, probes = read_report(b"<?xml version='1.0' encoding='UTFnan'?><nmaprun/>", ["10.0.0.1"], [22], 1.0)
    assert observations == [] and probes[0].outcome == Outcome.ERROR


@pytest.mark.parametrize("line", [
    "1.3.6.1.2.1.1.1.0|64|1.2.3.999",        # an IpAddress that is no address
    "1.3.6.1.2.1.2.2.1.2.|4|eth0",           # a trailing dot
    "1.3..6.1|4|x", ".|4|x", "1.3.6.1.4294967296|2|1",  # empty arc, no arc, arc past 2^32-1
    "1.3.6.1.2.1.1.2.0|6|1.3.6.",            # an OBJECT IDENTIFIER value that is none
    "1.3.6.1.2.1.1.1.0|4|" + "x" * 65536,    # longer than an OCTET STRING can be
    "1.3.6.1.2.1.1.3.0|67|-5", "1.3.6.1.2.1.2.2.1.10.1|65|4294967296", "1.3.6.1.2.1.1.7.0|2|1_000",
    "1.3.6.1.2.1.1.7.0|\u00b2|1",            # a tag that only str.isdigit() calls a number
])
def test_malformed_snmprec_lines_are_walk_errors(line):
    from collector.snmp.walk import WalkError, parse_snmprec_line

    with pytest.raises(WalkError):
        parse_snmprec_line(line)


def test_real_recording_quirks_still_load():
    from collector.snmp.walk import parse_snmprec_line

    assert parse_snmprec_line(".1.3.6.1.2.1.1.2.0|6|.1.3.6.1.4.1.9") == ("1.3.6.1.2.1.1.2.0", (6, "1.3.6.1.4.1.9"))
    assert parse_snmprec_line("1.3.6.1.4.1.9.2|64|eEij") == ("1.3.6.1.4.1.9.2", (64, b"eEij"))  # 4 raw bytes
    assert parse_snmprec_line("1.3.6.1.2.1.2.2.1.10.1|65|32837438  ")[1] == (65, 32837438)
    assert parse_snmprec_line("1.3.6.1.2.1.1.1.0|4x|Juniper")[1] == (4, b"Juniper")


def test_identification_never_sees_the_trailing_dot_walk():
    from collector.snmp.identify import identify
    from collector.snmp.walk import Walk, WalkError, parse_snmprec_line

    walk = Walk()
    for line in ("1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.8072.3.2.10", "1.3.6.1.2.1.2.2.1.2.|4|eth0",
                 "1.3.6.1.2.1.2.2.1.2.1|4|eth0"):
        try:
            oid, vb = parse_snmprec_line(line) or (None, None)
        except WalkError:
            continue
        walk.data[oid] = vb
    assert [i["name"] for i in identify(walk).interfaces] == ["eth0"]


def test_cpe_names_are_printable_ascii():
    from collector.cpe import to_cpe23

    assert to_cpe23("cpe:/a:cisco\ufeffh:1.25") is None
    assert to_cpe23("cpe:/a:cisco:ios\x1b[31m") is None
    assert to_cpe23("cpe:/a:openbsd:openssh:5.3") == "cpe:2.3:a:openbsd:openssh:5.3:*:*:*:*:*:*:*"


def test_neighbour_table_with_undecodable_bytes_and_junk():
    from collector.plugins.arp import parse_neighbour_table

    text = (FIXTURES / "neighbours" / "lab-collector" / "proc_net_arp.txt").read_bytes()
    table = parse_neighbour_table(text + b"\xff\xfe 0x1 0x2 00:11:32:aa:bb:cc * eth0\n"
                                         b"300.1.1.1 0x1 0x2 00:11:32:aa:bb:cd * eth0\n")
    assert table and all(ip.count(".") == 3 and not ip.startswith("300") for ip in table)


def test_recog_nested_repeat_cannot_stall_matching():
    from collector.refdata.recog import recog

    start = time.monotonic()
    # took 3.5 s with Recog's "; (.+)* http" as written; one repeat is linear
    assert recog().match("smtp_banners", "foo SMTP NAVIEG 2.0.1; Sun, 29 Jul 2001 22:02:16 " + "x" * 40) is None
    assert time.monotonic() - start < 0.5
    m = recog().match("smtp_banners", "foo.bar SMTP NAVIEG 2.0.1; Sun, 29 Jul 2001 22:02:16 -0500 http://www.symantec.com")
    assert m is not None and m.values.get("service.version") == "2.0.1"


def test_certificate_of_garbage_has_no_subject():
    from collector.webid import cert_info

    assert cert_info(b"") is None
    info = cert_info(b"\x30\x82\xff\xff garbage")
    assert info is not None and info.subject is None and info.issuer is None and len(info.sha256) == 64


@pytest.mark.parametrize("ruby, python", [
    ("; (.+)* http", "; (.*) http"), (r"(\S+)+x", r"(\S+)x"), ("([^;]*)*", "([^;]*)"), ("(?:.+)*", "(?:.*)"),
    (r"((?:\d+\.)*\d+)", r"((?:\d+\.)*\d+)"),  # a repeat of a separated list is not ambiguous: left alone
])
def test_recog_nested_repeats_are_flattened_at_build(ruby, python):
    from collector.refdata.recog import ruby_to_python

    assert ruby_to_python(ruby) == python


def test_recog_polynomial_backtracking_is_cut_off():
    from collector.refdata.recog import MATCH_BUDGET, recog

    rec = recog()
    rec.match("snmp_sysdescr", "x" * 100)  # compile the timed patterns first: that is not the text's cost
    start = time.monotonic()
    # the Samsung printer pattern takes minutes on this (cubic backtracking): cut off, no identification
    assert rec.match("snmp_sysdescr", "Samsung CLX" + "0" * 4000) is None
    assert time.monotonic() - start < MATCH_BUDGET + 1.5  # budget plus the regex module's check interval
    # a real long sysDescr still matches through the timed path
    m = rec.match("snmp_sysdescr", "Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, "
                                   "RELEASE SOFTWARE (fc2)")
    assert m is not None and m.values["os.version"] == "15.2(7)E4"


@pytest.mark.parametrize("content, message", [(b"\xff\xfekey\n", "not UTF-8"), (b"", "is empty")])
def test_snmp_secret_files_that_cannot_be_read_are_config_errors(tmp_path, content, message):
    from collector.config import ConfigError, load_settings

    secret = tmp_path / "secret"
    secret.write_bytes(content)
    for path in (str(secret), str(secret) + "\x00x"):
        cfg = tmp_path / "c.toml"
        cfg.write_text(f'[[snmp.credentials]]\nname = "a"\nversion = "2c"\ncommunity = "file:{path}"\n'.replace("\x00", "\\u0000"))
        with pytest.raises(ConfigError, match=message if "\x00" not in path else "not a usable file name"):
            load_settings(cfg, environ={})


def test_windows_build_number_of_thousands_of_digits():
    from collector.snmp.identify import identify
    from collector.snmp.walk import Walk

    walk = Walk({"1.3.6.1.2.1.1.1.0": (4, b"Hardware: x - Software: Windows Version 6.1 (Build " + b"9" * 5000 + b")"),
                 "1.3.6.1.2.1.1.2.0": (6, "1.3.6.1.4.1.311.1.1.3.1.1")})
    assert identify(walk).best()["os_name"] in (None, "Windows")
