"""The SNMP identification evaluation sets (tuning and held-out) are well
formed, the net-snmp text converter reads what people save, and the scorer
runs. Nothing here asserts a score on the held-out set: it must never
become a target the identification is tuned to pass."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT / "bench" / "heldout"))

import snmp_scoring  # noqa: E402
import sources  # noqa: E402
from netsnmp_text import convert, parse_value  # noqa: E402
from snmp_scoring import FIELDS, Case, load_cases, matches, score, table  # noqa: E402

from collector.snmp.walk import COUNTER64, GAUGE32, INTEGER, IPADDR, NULL, OCTETS, OID, OPAQUE, TIMETICKS  # noqa: E402

HELDOUT = ROOT / "tests" / "fixtures" / "snmp" / "heldout"
PROVENANCE = json.loads((HELDOUT / "PROVENANCE.json").read_text())["cases"]
CLASSES = set(json.loads((ROOT / "schemas" / "device_classes.json").read_text())["classes"])
TUNING_NAMES = {p.stem for p in (ROOT / "tests" / "fixtures" / "snmp" / "snmpsim").glob("*.json")}


def all_specs() -> list[tuple[str, Path]]:
    return [(p.stem, p) for p in sorted((ROOT / "tests" / "fixtures" / "snmp" / "snmpsim").glob("*.json"))] + \
        [(p.stem, p) for p in sorted(HELDOUT.glob("*.json")) if p.name != "PROVENANCE.json"]


@pytest.mark.parametrize("name,path", all_specs(), ids=[n for n, _ in all_specs()])
def test_expected_file_is_well_formed(name, path):
    spec = json.loads(path.read_text())
    assert {"recording", "source", "checked", "expected"} <= set(spec), name
    assert spec["checked"].strip() and spec["source"].strip()
    expected = spec["expected"]
    assert set(FIELDS) <= set(expected) <= set(FIELDS) | {"kernel_version", "windows_eol"}, name
    for field in FIELDS + ("kernel_version",):
        value = expected.get(field)
        assert value is None or (isinstance(value, str) and value.strip() == value and value), (name, field)
    assert expected["device_class"] is None or expected["device_class"] in CLASSES, name
    if "windows_eol" in expected:
        assert isinstance(expected["windows_eol"], bool) and (expected["os_name"] or "").startswith("Windows")
    assert any(expected.get(f) is not None for f in FIELDS + ("kernel_version",)), f"{name}: labels nothing"


def test_recordings_exist_and_held_out_ones_have_provenance():
    pytest.importorskip("snmpsim_data")
    for case in load_cases("all"):
        assert case.path.is_file(), case.name
    for case in load_cases("heldout-folder"):
        prov = PROVENANCE[case.name]
        assert {"source", "repository", "path", "licence", "sha256", "recording"} <= set(prov), case.name
        assert prov["recording"] == case.spec["recording"]
        if prov.get("copied"):
            assert prov["commit"] and len(prov["commit"]) == 40
            if prov.get("format") == "snmprec":  # copied as is: the file is the original
                assert hashlib.sha256(case.path.read_bytes()).hexdigest() == prov["sha256"], case.name
        else:
            assert hashlib.sha256(case.path.read_bytes()).hexdigest() == prov["sha256"], case.name


def test_every_imported_recording_is_labelled_or_left_out_with_a_reason():
    labelled = {p.stem for p in HELDOUT.glob("*.json")} - {"PROVENANCE"}
    left_out = set(sources.NOT_LABELLED) | set(sources.CENTREON_NOT_LABELLED)
    assert set(PROVENANCE) == labelled | left_out
    assert not labelled & left_out


def test_held_out_never_overlaps_the_tuning_set():
    held = {c.name for c in load_cases("heldout-folder")}
    assert not held & TUNING_NAMES
    assert not {PROVENANCE[c]["path"] for c in held if not PROVENANCE[c]["copied"]} & {
        json.loads((ROOT / "tests" / "fixtures" / "snmp" / "snmpsim" / f"{t}.json").read_text())["recording"]
        for t in TUNING_NAMES}


def test_duplicates_are_declared_in_one_place():
    marked = {c.name: c.duplicate_of for c in load_cases("heldout-folder") if c.duplicate_of}
    assert marked == {k: v for k, v in sources.DUPLICATES.items() if k in marked}
    assert set(marked) == set(sources.DUPLICATES)


def test_centreon_split_is_by_path_hash():
    assert sources.centreon_held_out("hardware/pdu/cyberpower/snmp/CyberPower.snmpwalk")
    assert not sources.centreon_held_out("network/cisco/smallbusiness/snmp/stack.snmpwalk")
    for case, prov in PROVENANCE.items():
        if case.startswith("centreon__"):
            assert sources.centreon_held_out(prov["path"].removeprefix("tests/"))


# -- the converter -------------------------------------------------------------

WALK = b""".1.3.6.1.2.1.1.1.0 = STRING: "H3C Comware Platform Software, Software Version 5.20 Release 2208
H3C S5500-52C-EI
Copyright (c) 2004-2010 Hangzhou H3C Tech. Co., Ltd. All rights reserved."
.1.3.6.1.2.1.1.2.0 = OID: .1.3.6.1.4.1.25506.1.2
.1.3.6.1.2.1.1.3.0 = Timeticks: (199049804) 23 days, 0:54:58.04
iso.3.6.1.2.1.1.4.0 = ""
.1.3.6.1.2.1.2.2.1.3.1 = INTEGER: ethernetCsmacd(6)
.1.3.6.1.2.1.2.2.1.6.1 = Hex-STRING: 00 18 71 C1
E0 00
.1.3.6.1.2.1.4.20.1.1.10.0.0.1 = IpAddress: 10.0.0.001
.1.3.6.1.2.1.31.1.1.1.6.1 = Counter64: 123456789012
.1.3.6.1.2.1.4.13.0 = INTEGER: 60 seconds
.1.3.6.1.2.1.2.2.1.5.1 = Gauge32: 1000000000
.1.3.6.1.2.1.25.1.1.0 = 161500
.1.3.6.1.2.1.2.2.1.2.1 = STRING: "say \\"hi\\""
.1.3.6.1.2.1.17.1.1.0 = STRING: 0:1b:2c:3d:4e:5f
.1.3.6.1.4.1.2021.10.1.6.1 = Opaque: Float: 1.500000
.1.3.6.1.2.1.1.9.1.2.1 = No Such Instance currently exists at this OID
SNMPv2-MIB::sysName.0 = STRING: Aficio MP 171
.1.3.6.1.2.1.1.8.0 = NULL
End of MIB
"""


def test_converter_reads_netsnmp_text():
    conv = convert(WALK.replace(b"\n", b"\r\n"))  # saved on Windows: CRLF
    data = conv.walk.data
    descr = data["1.3.6.1.2.1.1.1.0"]
    assert descr[0] == OCTETS and descr[1].startswith(b"H3C Comware") and b"\nH3C S5500-52C-EI\n" in descr[1]
    assert descr[1].endswith(b"reserved.")
    assert data["1.3.6.1.2.1.1.2.0"] == (OID, "1.3.6.1.4.1.25506.1.2")
    assert data["1.3.6.1.2.1.1.3.0"] == (TIMETICKS, 199049804)
    assert data["1.3.6.1.2.1.1.4.0"] == (OCTETS, b"")
    assert data["1.3.6.1.2.1.2.2.1.3.1"] == (INTEGER, 6)
    assert data["1.3.6.1.2.1.2.2.1.6.1"] == (OCTETS, bytes.fromhex("001871c1e000"))
    assert data["1.3.6.1.2.1.4.20.1.1.10.0.0.1"] == (IPADDR, bytes([10, 0, 0, 1]))
    assert data["1.3.6.1.2.1.31.1.1.1.6.1"] == (COUNTER64, 123456789012)
    assert data["1.3.6.1.2.1.4.13.0"] == (INTEGER, 60)
    assert data["1.3.6.1.2.1.2.2.1.5.1"] == (GAUGE32, 1000000000)
    assert data["1.3.6.1.2.1.25.1.1.0"] == (TIMETICKS, 161500)  # -Ot: TimeTicks without a type
    assert data["1.3.6.1.2.1.2.2.1.2.1"] == (OCTETS, b'say "hi"')
    assert data["1.3.6.1.2.1.17.1.1.0"] == (OCTETS, bytes.fromhex("001b2c3d4e5f"))
    assert data["1.3.6.1.4.1.2021.10.1.6.1"] == (OPAQUE, bytes.fromhex("9f78043fc00000"))
    assert data["1.3.6.1.2.1.1.5.0"] == (OCTETS, b"Aficio MP 171")
    assert data["1.3.6.1.2.1.1.8.0"] == (NULL, None)
    assert "1.3.6.1.2.1.1.9.1.2.1" not in data
    assert conv.records == 16 and [why for _n, why in conv.skipped] == ["no value"]


@pytest.mark.parametrize("text", ["INTEGER: lots", "IpAddress: 300.1.1.1", "Frobnicate: 3", "OID: FOO-MIB::bar"])
def test_converter_refuses_what_it_cannot_read(text):
    conv = convert(f".1.3.6.1.2.1.1.7.0 = {text}\n".encode())
    assert conv.records == 0 and len(conv.skipped) == 1


def test_converter_bounds_a_runaway_value():
    conv = convert(b'.1.3.6.1.2.1.1.1.0 = STRING: "open\n' + b"x" * 100 + b"\n" * 5 + b"y\n" * 70000)
    assert len(conv.walk.data["1.3.6.1.2.1.1.1.0"][1]) <= 70000 * 2 + 200
    assert parse_value("Wrong Type (should be OCTET STRING): INTEGER: 5") == (INTEGER, 5)


# -- matching rules and the scorer -----------------------------------------------

def test_matching_rules():
    assert matches("os_name", "Junos", "JUNOS")
    assert matches("vendor", "HP", "Hewlett-Packard")
    assert matches("os_version", "6.7.2", "v6.7.2")
    assert matches("os_version", "V200R007C00SPC500", "v200r007c00spc500")
    assert not matches("os_version", "version 2", "ersion 2")  # only v + digit is a prefix
    assert matches("model", "  WS-C3750G-12S ", "ws-c3750g-12s")
    assert matches("model", "SR8808-X", "H3C SR8808-X", vendor="H3C")
    assert not matches("model", "WS-C3750G-12S", "Catalyst WS-C3750G-12S", vendor="Cisco")
    assert not matches("os_name", "Windows 10", "Windows")
    assert not matches("vendor", "HP", "HPE")
    assert matches("vendor", "Metel", "METEL s.r.o.") and matches("vendor", "Maipu", "Maipu Co., Ltd.")
    assert not matches("vendor", "Sangfor", "Sangfor Technologies")
    assert matches("windows_eol", True, True) and not matches("windows_eol", True, False)


def test_score_counts_right_wrong_missing_and_extra():
    def case(name, **expected):
        return Case(name, "heldout", {"expected": {**dict.fromkeys(FIELDS), **expected}}, Path("x"))

    cases = [case("a", vendor="Cisco", model="X1"), case("b", vendor="HP"), case("c", windows_eol=True,
                                                                              os_name="Windows XP")]
    got = {"a": {"vendor": "cisco", "model": "X2"}, "b": {"serial": "123"}, "c": {"os_name": "Windows XP",
                                                                                "windows_eol": False}}
    tallies = score(cases, got)
    assert (tallies["vendor"].right, tallies["vendor"].held) == (1, 2)
    assert tallies["vendor"].missing == [("b", "HP")]
    assert tallies["model"].wrong == [("a", "X1", "X2")]
    assert tallies["serial"].extra == [("b", "123")] and tallies["serial"].held == 0
    assert (tallies["windows_eol"].right, tallies["windows_eol"].held) == (0, 1)
    text = table(tallies)
    assert "| vendor | 1/2 | 50 % |" in text and "wrong   model" in text


def test_run_to_run_spread_is_counted_and_closed_names_stay_hidden(capsys):
    import snmp_eval

    def case(name, set_="heldout", **expected):
        return Case(name, set_, {"expected": {**dict.fromkeys(FIELDS), **expected}}, Path("x"))

    cases = [case("closed-a", vendor="Cisco", device_class="switch"), case("closed-b", vendor="HP")]
    runs = [{"closed-a": {"vendor": "Cisco", "device_class": "switch"}, "closed-b": {"vendor": "HP"}},
            {"closed-a": {"vendor": "Cisco", "device_class": None}, "closed-b": {"vendor": "HP"}}]
    rights = snmp_eval.stability(cases, runs, ("vendor", "device_class"), names_shown=False)
    assert rights == {"vendor": [2, 2], "device_class": [1, 0]}
    out = capsys.readouterr().out
    assert "device_class: 1/0; changed on 1" in out and "vendor: 2/2; changed on 0" in out
    assert "closed-a" not in out
    opened = [case("open-a", "opened", vendor="Cisco", device_class="switch")]
    snmp_eval.stability(opened, [{"open-a": {"device_class": "switch"}}, {"open-a": {}}], ("device_class",),
                        names_shown=True)
    assert "changed on 1 (open-a)" in capsys.readouterr().out


def test_offline_scorer_runs_on_the_held_out_set():
    """Runs and reports; the scores themselves are not asserted (see the docstring).
    Recordings over 200 kB on disk are skipped to keep the suite fast."""
    pytest.importorskip("snmpsim_data")
    cases = [c for c in load_cases("heldout-folder") if c.path.stat().st_size < 200_000]
    assert len(cases) >= 80
    results = {c.name: snmp_scoring.offline_result(c) for c in cases}
    tallies = score(cases, results)
    for name, tally in tallies.items():
        assert tally.right + len(tally.wrong) + len(tally.missing) == tally.held, name
    assert tallies["device_class"].held >= 50 and tallies["vendor"].held >= 50
    assert "| device_class |" in table(tallies, details=False)
