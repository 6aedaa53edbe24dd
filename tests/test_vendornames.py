"""Vendor names as people write them (collector/vendornames.py): one
canonicaliser for every vendor claim, checked on the whole IANA enterprise
table, on the project's own spellings and on the strings agents send."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from collector.refdata import load_json
from collector.refdata.vendor_build import PEN_NAMES
from collector.snmp.claims import Claims
from collector.vendornames import VendorNames, canonical_vendor, default, key, strip_legal, tidy, unshout

FIXTURES = Path(__file__).parent / "fixtures" / "snmp"


@pytest.mark.parametrize("raw, brand", [
    # registrants' legal names (IANA, ENTITY-MIB entPhysicalMfgName, UPS-MIB upsIdentManufacturer)
    ("Sangfor Technologies Co.,Ltd.", "Sangfor"),
    ("Venus Info Tech Inc.", "Venustech"),
    ("SEIKO EPSON CORPORATION", "Epson"),
    ("Hewlett-Packard Company", "HP"),
    ("Hewlett Packard Enterprise", "HPE"),
    ("Cisco Systems, Inc.", "Cisco"),
    ("ciscoSystems", "Cisco"),
    ("Juniper Networks, Inc.", "Juniper"),
    ("Palo Alto Networks", "Palo Alto Networks"),
    ("PALO ALTO NETWORKS", "Palo Alto Networks"),
    ("Extreme Networks, Inc.", "Extreme Networks"),
    ("ZHEJIANG DAHUA TECHNOLOGY CO.,LTD", "Dahua"),
    ("Hangzhou Hikvision Digital Technology Co., Ltd.", "Hikvision"),
    ("TP-LINK TECHNOLOGIES CO.,LTD.", "TP-Link"),
    ("QNAP SYSTEMS, INC", "QNAP"),
    ("Synology Inc.", "Synology"),
    ("American Power Conversion Corp.", "APC"),
    ("Super Micro Computer Inc.", "Supermicro"),
    ("Check Point Software Technologies Ltd", "Check Point"),
    ("Aruba, a Hewlett Packard Enterprise company", "Aruba"),
    ("Brother Industries, Ltd.", "Brother"),
    ("KYOCERA Document Solutions Inc.", "Kyocera"),
    ("Rittal GmbH & Co. KG", "Rittal"),
    ("Schneider Electric", "Schneider Electric"),
    ("Dell Computer Corporation", "Dell"),
    ("IBM (https://w3.ibm.com/standards )", "IBM"),
    ("Eaton Corporation", "Eaton"),
    ("NETGEAR", "Netgear"),
    ("SonicWALL, Inc.", "SonicWall"),
    ("Dlink", "D-Link"),
    # unknown makers: the rules alone
    ("Acme Widget Technologies, Inc.", "Acme Widget"),
    ("ACME WIDGET SYSTEMS LTD", "Acme Widget"),
    ("Shenzhen Foobar Electronic Technology Co., Ltd.", "Foobar Electronic"),
    ("Digital Systems Ltd", "Digital Systems"),
    ("www.example.com", "example.com"),
    ("中山大学附属第一医院", "中山大学附属第一医院"),
    # the descriptors in other languages (IANA registrants as written), and their joining words
    ("Westermo Teleindustri AB", "Westermo"),
    ("DCM TECNOLOGIA", "DCM"),
    ("Esferize Comunicaciones SL", "Esferize"),
    ("Digistar Telecomunicações S.A.", "Digistar"),
    ("TT&S Tecnologia e Sistemas Ltda.", "TT&S"),
    ("Deutsche Telekom Technik GmbH", "Deutsche Telekom"),
    ("IDS Ingegneria Dei Sistemi", "IDS Ingegneria"),
    # a weak descriptor stays unless a brand is reached; a letter of the name is no joining word
    ("ELPROMA Elektronika", "Elproma"),
    ("Zorbix Elettronica S.r.l.", "Zorbix Elettronica"),
    ("Welltrans O&E Technology Co. , Ltd.", "Welltrans O&E"),
    ("C&I Technologies", "C&I"),
])
def test_vendor_strings_become_brands(raw, brand):
    assert canonical_vendor(raw) == brand
    assert canonical_vendor(brand) == brand


@pytest.mark.parametrize("raw", [None, "", "   ", "(none)", "---", "Inc."])
def test_junk_gives_nothing_or_itself(raw):
    got = canonical_vendor(raw)
    assert got is None or got == canonical_vendor(got)


def test_rules_one_by_one():
    assert tidy("The Venus Project  # formerly X") == "Venus Project"
    assert tidy("Foo Ltd dba Barcorp") == "Barcorp"
    assert strip_legal("Acme Co., Ltd.") == "Acme"
    assert strip_legal("Cisco") == "Cisco"  # "co" only after a separator
    assert strip_legal("Tandberg AS") == "Tandberg"
    assert unshout("F. KLUCZNIK & SON") == "F. Klucznik & Son"
    assert unshout("ZTE") == "ZTE" and unshout("BDCM WIDGETS OF KENT") == "BDCM Widgets of Kent"
    assert unshout("H3C MAKER") == "H3C Maker"
    assert key("TP-LINK") == key("Tp Link") == "tp link"


def _pen_raw_names() -> list[str]:
    data = load_json("pen.json")
    return [data["registrants"].get(pen, name) for pen, name in data["names"].items()]


def test_the_whole_enterprise_table_is_stable_and_idempotent():
    table = default()
    raws = _pen_raw_names()
    assert len(raws) > 60000
    unstable = []
    for raw in raws:
        brand = table.canonical(raw)
        assert brand, raw
        if table.canonical(brand) != brand:
            unstable.append((raw, brand))
    assert unstable == []


def test_the_packaged_enterprise_table_is_canonical():
    names = load_json("pen.json")["names"]
    assert names["1248"] == "Epson" and names["35047"] == "Sangfor" and names["15227"] == "Venustech"
    assert names["9"] == "Cisco" and names["2636"] == "Juniper" and names["25461"] == "Palo Alto Networks"
    for number, name in PEN_NAMES.items():
        assert names[str(number)] == name


def test_the_project_spellings_are_fixed_points():
    from collector.snmp.definitions import definitions

    ours = {d.vendor for d in definitions() if d.vendor} | set(PEN_NAMES.values())
    for folder in ("snmpsim", "lab", "centreon"):
        for path in (FIXTURES / folder).glob("*.json"):
            vendor = json.loads(path.read_text()).get("expected", {}).get("vendor")
            if vendor:
                ours.add(vendor)
    assert {v: canonical_vendor(v) for v in ours if canonical_vendor(v) != v} == {}


def test_curated_aliases_give_reasons_and_brands_are_fixed_points():
    from importlib import resources

    raw = resources.files("collector.refdata").joinpath("curated/vendor_aliases.json").read_text()
    for entry in json.loads(raw)["aliases"]:
        assert len(entry["reason"]) > 20 and entry["names"]
        assert canonical_vendor(entry["brand"]) == entry["brand"]
        for name in entry["names"]:
            assert canonical_vendor(name) == entry["brand"], name


def test_a_table_of_its_own_decides_before_the_rules():
    table = VendorNames(["Acme Networks"], {"Acme Corp of America": "Acme Networks"})
    assert table.explain("ACME NETWORKS, INC.") == ("Acme Networks", "legal form")
    assert table.canonical("Acme Corp of America") == "Acme Networks"
    assert table.explain("Zed Networks") == ("Zed", "rules")


def test_every_vendor_claim_is_canonical_and_keeps_the_raw_string():
    claims = Claims()
    assert claims.add("vendor", "SEIKO EPSON CORPORATION", 70, "UPS-MIB upsIdentManufacturer")
    fact = claims.facts[-1]
    assert fact.value == "Epson" and "SEIKO EPSON CORPORATION" in fact.evidence
    assert claims.add("vendor", "Epson", 70, "definition")
    assert claims.facts[-1].evidence == "definition"


def test_every_source_writes_one_spelling_and_keeps_what_it_saw():
    """The central point: a vendor Fact from any plugin (here the OUI lookup
    of ARP, and SNMP/mDNS/UPnP spellings) carries the brand, and its evidence
    the raw string; a fact read back from the store stays as it is."""
    from collector.identity import HostEvidence
    from collector.model import Fact
    from collector.oui import mac_facts

    oui = next(f for f in mac_facts("dc:a6:32:00:00:01", "arp", "ARP reply", 90) if f.field == "vendor")
    assert oui.value == "Raspberry Pi" and oui.evidence == "OUI of dc:a6:32:00:00:01 [as 'Raspberry Pi Trading Ltd']"
    host = HostEvidence(ip="10.0.0.5", facts=[
        Fact("vendor", "Dell Inc.", 40, "arp", "OUI of 18:db:f2:00:00:01"),
        Fact("vendor", "DELL", 70, "snmp"),
        Fact("vendor", "Dell Computer Corporation", 80, "upnp", "manufacturer=Dell Computer Corporation")])
    assert {f.value for f in host.facts} == {"Dell"} and host.value("vendor") == "Dell"
    again = Fact("vendor", oui.value, oui.confidence, oui.source, oui.evidence)
    assert again == oui  # idempotent: no second "[as ...]"
    assert Fact("vendor", "x" * 500, 10, "mdns").value == canonical_vendor("x" * 500)
    assert Fact("hostname", "DELL INC.", 10, "mdns").value == "DELL INC."  # other fields untouched
