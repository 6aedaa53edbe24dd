"""SNMP identification on real recordings (snmpsim-data device dumps), each
with a hand-checked expected file. Identification sees only what a scan
reads (the recording restricted to the collector's plan), never more."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collector.snmp.identify import IDENTITY_FIELDS, identify
from collector.snmp.plan import simulate
from collector.snmp.mibs import Mibs
from collector.snmp.walk import load_snmprec, walk_from_mapping

FIXTURES = Path(__file__).parent / "fixtures" / "snmp" / "snmpsim"
CASES = sorted(FIXTURES.glob("*.json"))
FIELDS = [f for f in IDENTITY_FIELDS if f != "hostname"]
TARGETS = {"vendor": 0.95, "device_class": 0.95, "os_name": 0.95, "model": 0.90, "serial": 0.90,
           "os_version": 0.90, "firmware": 0.90}


def recordings_dir() -> Path:
    snmpsim_data = pytest.importorskip("snmpsim_data")
    return Path(snmpsim_data.__file__).parent / "data"


def identify_recording(rel: str) -> dict[str, str | None]:
    return identify(simulate(load_snmprec(recordings_dir() / rel))).best()


@pytest.fixture(scope="module")
def results() -> list[tuple[str, dict, dict]]:
    out = []
    for case in CASES:
        spec = json.loads(case.read_text())
        out.append((case.stem, spec["expected"], identify_recording(spec["recording"])))
    return out


def test_there_are_enough_real_recordings():
    assert len(CASES) >= 30


def test_per_field_accuracy_meets_the_targets(results):
    report = []
    for name in FIELDS:
        held = [(case, exp[name], got[name]) for case, exp, got in results if exp[name] is not None]
        right = [c for c, e, g in held if g == e]
        report.append((name, len(right), len(held), [(c, e, g) for c, e, g in held if g != e]))
    failures = [f"{n}: {r}/{h} {wrong}" for n, r, h, wrong in report if h and r / h < TARGETS[n]]
    assert not failures, "\n".join(failures)


def test_nothing_is_invented_where_the_recording_holds_no_data(results):
    invented = [(case, name, got[name]) for case, exp, got in results for name in ("model", "serial")
                if exp[name] is None and got[name] is not None]
    assert invented == []


@pytest.mark.parametrize("case", ["network__switch__cisco-c3560", "UPS__apc-7902b", "os__windows__XP",
                                  "network__firewall__fortinet-xcu"])
def test_examples_exactly(results, case):
    exp, got = next((e, g) for c, e, g in results if c == case)
    assert {k: got[k] for k in FIELDS} == {k: exp[k] for k in FIELDS}  # (windows_eol is the export's, scored live)


def test_facts_carry_evidence_and_losers_stay():
    full = load_snmprec(recordings_dir() / "network/switch/cisco-c3750.snmprec.bz2")
    ident = identify(full)
    models = [f for f in ident.facts if f.field == "model"]
    assert all(f.source == "snmp" and f.evidence for f in ident.facts)
    assert any("ENTITY-MIB" in (f.evidence or "") for f in models)
    classes = {f.value for f in ident.facts if f.field == "device_class"}
    assert "switch" in classes and "router" in classes  # Recog's "Router" hint loses, stays visible
    assert ident.best()["device_class"] == "switch"


def test_linux_server_software_and_distribution():
    full = load_snmprec(recordings_dir() / "os/linux/unknown-006.snmprec.bz2")
    ident = identify(full)
    names = {s.name for s in ident.software}
    assert len(ident.software) > 100 and "openssh-server" in names
    openssh = next(s for s in ident.software if s.name == "openssh-server")
    assert openssh.version and openssh.version.startswith("6.6.1p1")


LAB_FIXTURES = Path(__file__).parent / "fixtures" / "snmp" / "lab"


@pytest.mark.parametrize("case", sorted(LAB_FIXTURES.glob("*.json")), ids=lambda p: p.stem)
def test_walks_recorded_from_the_lab_agents(case):
    spec = json.loads(case.read_text())
    got = identify(load_snmprec(LAB_FIXTURES / spec["recording"])).best()
    assert {k: got[k] for k in FIELDS} == spec["expected"]


def test_lab_switch_walk_maps_macs_to_bridge_ports():
    ident = identify(load_snmprec(LAB_FIXTURES / "switch.snmprec"))
    assert len(ident.fdb) >= 10 and all(e["port"] > 0 and e["mac"].count(":") == 5 for e in ident.fdb)


def test_lab_router_walk_lists_both_its_addresses():
    ident = identify(load_snmprec(LAB_FIXTURES / "router.snmprec"))
    assert {a["ip"] for a in ident.addresses} == {"198.18.0.1", "198.18.1.1"}
    assert {a["mac"] for a in ident.addresses} == {"4c:5e:0c:07:00:01", "4c:5e:0c:07:00:02"}


def test_neighbours_from_real_lldp_and_cdp_tables():
    arista = identify(load_snmprec(recordings_dir() / "cloud/arista-dcs-7150s-52-cl.snmprec.bz2"))
    assert {(n["local_port"], n["chassis_id"], n["port"], n["name"], n["ip"]) for n in arista.neighbours} >= {
        ("Ethernet47", "44:4c:a8:31:3e:df", "Ethernet23", "ZJ-BP-Bak-Arista", "172.16.229.22")}
    c3750 = identify(load_snmprec(recordings_dir() / "network/switch/cisco-c3750.snmprec.bz2"))
    cdp = [n for n in c3750.neighbours if n["protocol"] == "cdp"]
    assert len(cdp) > 100
    assert {"local_port": "Gi1/0/1", "name": "E-DJ-1F-101indoor", "port": "GigabitEthernet0",
            "platform": "cisco AIR-CAP1602I-C-K9", "ip": "172.28.2.68"}.items() <= cdp[0].items()
    assert c3750.fdb and all(e["if_name"] for e in c3750.fdb)  # bridge port -> ifIndex -> name


def test_ups_mib_battery_and_ident():
    eaton = identify(load_snmprec(recordings_dir() / "UPS/eaton-93e-80.snmprec.bz2"))
    ups = eaton.extras["ups"]
    assert (ups["model"], ups["battery_status"], ups["battery_charge_percent"]) == ("EATON 93E 80", "normal", 100)


def test_nas_definitions_probe_behind_net_snmp():
    from collector.snmp.plan import first_scalars
    from collector.snmp.walk import Walk

    system = Walk()
    system.set("1.3.6.1.2.1.1.1.0", 4, b"Linux nas 4.4.59+ #1 SMP x86_64")
    system.set("1.3.6.1.2.1.1.2.0", 6, "1.3.6.1.4.1.8072.3.2.10")
    probed = first_scalars(system)
    assert "1.3.6.1.4.1.6574.1.5.1.0" in probed and "1.3.6.1.4.1.24681.1.2.12.0" in probed


def test_synology_answering_behind_net_snmp_is_a_nas():
    from collector.snmp.walk import Walk

    walk = Walk()
    for oid, tag, value in (("1.3.6.1.2.1.1.1.0", 4, b"Linux DiskStation 4.4.59+ #25426 SMP x86_64"),
                            ("1.3.6.1.2.1.1.2.0", 6, "1.3.6.1.4.1.8072.3.2.10"),
                            ("1.3.6.1.4.1.6574.1.5.1.0", 4, b"DS918+"), ("1.3.6.1.4.1.6574.1.5.2.0", 4, b"1780PDN123456"),
                            ("1.3.6.1.4.1.6574.1.5.3.0", 4, b"DSM 7.1-42661")):
        walk.set(oid, tag, value)
    best = identify(walk).best()
    assert (best["vendor"], best["device_class"], best["model"], best["serial"], best["os_name"],
            best["os_version"]) == ("Synology", "nas", "DS918+", "1780PDN123456", "DSM", "7.1-42661")


def test_the_summary_lists_agents_snmp_could_not_classify():
    from collector.engine import ScanSummary, snmp_gap
    from collector.identity import HostEvidence
    from collector.model import Fact, Observation

    unknown = HostEvidence("10.0.0.7", facts=[Fact("hostname", "box", 70, "snmp")],
                           observations=[Observation("snmp", "10.0.0.7")])
    known = HostEvidence("10.0.0.8", facts=[Fact("device_class", "printer", 85, "snmp"),
                                             Fact("vendor", "HP", 85, "snmp")],
                         observations=[Observation("snmp", "10.0.0.8")])
    silent = HostEvidence("10.0.0.9", facts=[Fact("device_class", "printer", 60, "banners")])
    assert snmp_gap(unknown) == "no class, no vendor or OS"
    assert snmp_gap(known) is None and snmp_gap(silent) is None
    summary = ScanSummary(1, "x.db", "10.0.0.0/24", 256, "complete", 1.0, unclassified=["10.0.0.7 (no class)"])
    line = summary.unclassified_line()
    assert line and line.startswith("1: 10.0.0.7 (no class)") and "snmp.record_dir" in line and "identify --draft" in line
    assert ScanSummary(1, "x.db", "s", 1, "complete", 1.0).unclassified_line() is None


def test_a_part_number_is_kept_but_any_model_name_outranks_it():
    from collector.snmp.claims import Claims

    claims = Claims()
    claims.add("model", "710-030012", 88, "ENTITY-MIB chassis entPhysicalModelName")
    assert claims.best("model") == "710-030012"  # nothing better: kept
    claims.add("model", "MX960", 48, "sysDescr: maker Juniper then a model code")
    assert claims.best("model") == "MX960"
    for name in ("40-1000133-14", "73-12345-02"):
        c = Claims()
        c.add("model", name, 85, "x")
        assert c.facts[0].confidence == 30 and c.facts[0].evidence.endswith("(a part number)")
    for model in ("2530-24G", "1910-24", "SG300-28", "7750-SR12", "3500-48"):
        c = Claims()
        c.add("model", model, 85, "x")
        assert c.facts[0].confidence == 85, model


def test_a_version_of_nothing_but_zeros_is_no_version():
    # a real Ingrasys power switch (snmpsim-data UPS/ingrasys-power-switch) answers UPS-MIB's
    # upsIdentUPSSoftwareVersion with "00.00"; its firmware is 5.27
    from collector.snmp.claims import Claims

    for zeros in ("00.00", "0.0.0", "v0.0", "0", "0_0"):
        for name in ("os_version", "firmware"):
            c = Claims()
            assert not c.add(name, zeros, 60, "x") and not c.facts, (name, zeros)
    for real in ("0.0.1", "10.0", "0.9", "00.01", "0.0a"):
        c = Claims()
        assert c.add("firmware", real, 60, "x") and c.best("firmware") == real
    walk = walk_from_mapping({"1.3.6.1.2.1.1.1.0": "Power switch", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.99999.1",
                              "1.3.6.1.2.1.33.1.1.1.0": "ACME", "1.3.6.1.2.1.33.1.1.3.0": "00.00"})
    ident = identify(simulate(walk))
    assert "ups-mib" in ident.definitions and ident.best()["firmware"] is None


def test_a_build_number_after_a_release_is_left_out_of_a_generic_rules_version():
    from collector.snmp import engine
    from collector.snmp.claims import Claims, release_only

    for raw, release, build in (("5.5.80 build 190131", "5.5.80", "190131"),  # Hikvision
                                ("15.5.4 (Build 1045)", "15.5.4", "1045"),  # Tripp Lite PowerAlert
                                ("V2.1.3, build 77", "2.1.3", "77"),
                                ("v5.4.5,build1138,170531 (GA)", "5.4.5", "1138")):  # FortiOS (snmpsim-data)
        assert release_only(raw, "x") == (release, f"x (build {build} left out)")
    # a build that is the release's own part, or no dotted release before it, stays
    for kept in ("7.0.3.1(B0232.0031)", "build 4711", "10.0 Build 19045 Multiprocessor", "INV: 2.08 BYP: 1.10"):
        assert release_only(kept, "x") == (kept, "x")
    # a label before the only version (an Eaton UPS's UPS-MIB upsIdentUPSSoftwareVersion)
    assert release_only("INV: 2.08.0011", "x") == ("2.08.0011", "x (label 'INV' left out)")
    # a generic rule's claim loses the build; a definition's keeps its maker's form
    walk = walk_from_mapping({"1.3.6.1.2.1.1.1.0": "x"})
    view = engine.View(walk, Mibs(walk), Claims())
    view.claim("mib-object", "firmware", "5.5.80 build 190131", 52, "x")
    view.claim("tplink-jetstream", "os_version", "3.0.0 Build 20190312", 80, "y")
    assert [f.value for f in view.claims.facts] == ["5.5.80", "3.0.0 Build 20190312"]


def test_a_kernel_is_no_release_of_an_os_built_on_linux_but_stays_linuxs_version():
    descr = "Linux OpenWrt 5.4.143 #0 SMP Tue Aug 31 22:20:08 2021 mips"
    walk = walk_from_mapping({"1.3.6.1.2.1.1.1.0": descr, "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10",
                              "1.3.6.1.2.1.1.5.0": "OpenWrt"})
    best = identify(simulate(walk)).best()
    assert (best["os_name"], best["os_version"], best["kernel_version"]) == ("OpenWrt", None, "5.4.143")
    walk = walk_from_mapping({"1.3.6.1.2.1.1.1.0": descr.replace("OpenWrt", "edge01"),
                              "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10"})
    best = identify(simulate(walk)).best()
    assert (best["os_name"], best["os_version"], best["kernel_version"]) == ("Linux", "5.4.143", "5.4.143")


def test_a_model_loses_the_label_or_the_makers_name_an_agent_wrote_before_it():
    from collector.snmp.claims import Claims, model_only

    # IBM-AIX-MIB::aixSeMachineType of a real POWER7 box; a Sangfor agent's "model=M5400"
    assert model_only("IBM,8202-E4D", "x") == ("8202-E4D", "x (maker 'IBM' left out)")
    assert model_only("model=M5400", "x") == ("M5400", "x (label left out)")
    assert model_only("Type: M5100", "x") == ("M5100", "x (label left out)")
    # no model code after the comma, an unknown maker, nothing after the label: kept as written
    for kept in ("Cisco, Inc", "Catalyst 2960, 24 ports", "Acme Widgets,X100", "type=", "ProLiant DL380 G7"):
        assert model_only(kept, "x") == (kept, "x")
    c = Claims()
    assert c.add("model", "IBM,8202-E4D", 52, "aixSeMachineType") and c.best("model") == "8202-E4D"


def test_an_object_identifier_value_is_no_model_or_version():
    """BCN-SYSTEM-MIB's bcnSysIdProduct is an OBJECT IDENTIFIER: read as text
    it became a model "1.3.6.1.4.1.13315.2.1" (found by helper dd1)."""
    from collector.snmp import engine
    from collector.snmp.claims import Claims
    from collector.snmp.definitions import parse
    from collector.snmp.mibs import Mibs
    from collector.snmp.walk import OID, Walk

    d = parse({"family": "example-os", "vendor": "Example", "match": [{"sys_object_id": "1.3.6.1.4.1.32473"}],
               "fields": {"model": [{"oid": "1.3.6.1.4.1.32473.9.0"}],
                          "os_version": [{"column": "1.3.6.1.4.1.32473.8"}]}}, "example-os.yaml")
    walk = Walk()
    walk.set("1.3.6.1.2.1.1.2.0", OID, "1.3.6.1.4.1.32473.1")
    walk.set("1.3.6.1.4.1.32473.9.0", OID, "1.3.6.1.4.1.32473.2.1")
    walk.set("1.3.6.1.4.1.32473.8.1", OID, "1.3.6.1.4.1.32473.2.2")
    view = engine.View(walk, Mibs(walk), Claims())
    matched = engine.match(d, view)
    assert matched is not None
    assert engine.evaluate(d.fields["model"][0], view, matched, "model") is None
    assert engine.evaluate(d.fields["os_version"][0], view, matched, "os_version") is None


def test_the_evidence_names_the_sysobjectid_prefix_that_matched():
    """A family listing several prefixes (Dell: 674.10895, 6027, ...) says
    which one the device is under, not the first two of the list."""
    from collector.snmp.identify import identify
    from collector.snmp.walk import walk_from_mapping

    ident = identify(walk_from_mapping({"1.3.6.1.2.1.1.1.0": "x", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.6027.1.3.23"}))
    evidence = [f.evidence for f in ident.facts if f.field == "vendor" and "[dell-networking]" in f.evidence]
    assert evidence == ["sysObjectID under 1.3.6.1.4.1.6027 [dell-networking]"]
