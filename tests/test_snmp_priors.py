"""A maker's usual class (collector/snmp/priors.py): votes from the device
definitions and Recog's fingerprints, claimed weakly when nothing else says
what the device is."""

from __future__ import annotations

from collector.snmp import priors
from collector.snmp.definitions import definitions
from collector.snmp.engine import built_on_os
from collector.snmp.identify import identify
from collector.snmp.walk import walk_from_mapping

DESCR = "1.3.6.1.2.1.1.1.0"
#: HOST-RESOURCES-MIB::hrSWInstalledName.1 (a host listing its packages)
SW_INSTALLED = "1.3.6.1.2.1.25.6.3.1.2.1"


def explain(mapping: dict[str, object]) -> dict[str, dict]:
    return {e["field"]: e for e in identify(walk_from_mapping(mapping)).explain()}


def test_one_kind_makers_have_a_usual_class_and_many_kind_makers_none():
    table = priors.table(definitions())
    assert table["lexmark"][0] == "printer"
    assert table["watchguard"][0] == "firewall"
    for maker in ("cisco", "hp", "hpe", "netgear", "dell", "tp-link"):
        assert maker not in table, maker
    for cls, n, total in table.values():
        assert n >= priors.MIN_VOTES and n >= priors.SHARE * total and cls not in ("phone", "media")


def test_a_printer_makers_subtree_alone_makes_a_printer_weakly():
    # Ricoh's enterprise 367 answers (an object no definition reads), no sysObjectID
    got = explain({DESCR: "Embedded device", "1.3.6.1.4.1.367.99.98.97.0": 5})
    assert got["vendor"]["value"] == "Ricoh"
    assert got["device_class"]["value"] == "printer"
    assert got["device_class"]["source"] == "vendor-prior"
    # 24 of 24 votes: the strong tier, still under every reading of the box (a keyword, 55)
    assert got["device_class"]["confidence"] == priors.STRONG_CONFIDENCE
    assert "Ricoh makes printer devices" in got["device_class"]["evidence"]


def _acme(family: str, cls: str):
    from collector.snmp.definitions import parse

    return parse({"family": family, "vendor": "Acme", "match": [{"sys_object_id": "1.3.6.1.4.1.32473"}],
                  "fields": {"device_class": [{"value": cls}]}, "examples": []}, f"{family}.yaml")


def _prior(defs: tuple) -> tuple[str, int]:
    from collector.snmp.claims import Claims
    from collector.snmp.engine import View
    from collector.snmp.mibs import Mibs

    walk = walk_from_mapping({DESCR: "Embedded device"})
    view = View(walk, Mibs(walk), Claims())
    view.claim("iana-pen", "vendor", "Acme", 55, "enterprise subtree answers")
    priors.vendor_class(view, defs)
    fact = next(f for f in view.claims.facts if f.field == "device_class")
    return str(fact.value), fact.confidence


def test_a_maker_of_nearly_only_firewalls_outranks_the_layer_2_switch_guess():
    # Fortinet's leave-family-out case (snmpsim-data fortinet-xcu): sysServices' layer-2 bit and 23
    # Ethernet ports said "switch" (50); Fortinet's other definitions and Recog say firewall, 8 of 10
    firewalls = tuple(_acme(f"acme-fw{i}", "firewall") for i in range(5)) + (_acme("acme-sw", "switch"),)
    assert _prior(firewalls) == ("firewall", priors.STRONG_CONFIDENCE)
    assert priors.STRONG_CONFIDENCE > 50
    # fewer votes: the weak tier
    assert _prior(firewalls[:3]) == ("firewall", priors.CONFIDENCE)
    # a maker of nearly only switches stays weak: the guess it would outrank says switch itself,
    # and an access point's or a controller's own hints (45-50) must still win
    switches = tuple(_acme(f"acme-sw{i}", "switch") for i in range(6))
    assert _prior(switches) == ("switch", priors.CONFIDENCE)


def test_a_host_listing_software_gets_no_maker_prior():
    got = explain({DESCR: "Embedded device", "1.3.6.1.4.1.367.99.98.97.0": 5, SW_INSTALLED: "bash_5.2_amd64"})
    assert got.get("device_class", {}).get("source") != "vendor-prior"


def test_a_maker_of_several_kinds_gives_no_class():
    # Dell makes switches, servers, BMCs and printers: its subtree alone says no class
    got = explain({DESCR: "Embedded device", "1.3.6.1.4.1.674.99.98.97.0": 5})
    assert got["vendor"]["value"] == "Dell"
    assert "device_class" not in got


def test_a_reading_of_the_device_beats_the_prior():
    # sysDescr names a switch: the keyword (55) wins over Lexmark's printer prior (38)
    got = explain({DESCR: "Gigabit Ethernet Switch", "1.3.6.1.4.1.641.99.98.97.0": 5})
    assert got["device_class"]["value"] == "switch"


def test_a_class_given_by_a_value_source_votes_too():
    from collector.snmp.definitions import parse

    d = parse({"family": "acme-pdu", "vendor": "Acme", "match": [{"sys_object_id": "1.3.6.1.4.1.32473"}],
               "fields": {"device_class": [{"value": "pdu", "when": {"oid": "1.3.6.1.4.1.32473.1.0"}},
                                           {"from": "sys_descr", "map": [["UPS", "ups"]], "default": "iot"}]},
               "examples": []}, "acme-pdu.yaml")
    assert sorted(cls for _v, cls in priors._definition_votes([d])) == ["iot", "pdu", "ups"]


SYS_OBJECT_ID = "1.3.6.1.2.1.1.2.0"


def test_a_makers_usual_os_per_class_is_its_own_os():
    table = priors.os_table(definitions())
    assert table[("fortinet", "firewall")][0] == "FortiOS"
    assert table[("mikrotik", "router")][0] == "RouterOS"
    assert table[("vmware", "hypervisor")][0] == "ESXi"
    for (_vendor, cls), (os_name, n, total) in table.items():
        assert n >= priors.MIN_VOTES and n >= priors.SHARE * total, (cls, os_name)
        assert not built_on_os(os_name)
    # Fortinet's switches run FortiSwitchOS: a maker's OS is per class, never across its classes
    assert table.get(("fortinet", "switch"), ("FortiSwitchOS",))[0] != "FortiOS"


def test_a_known_maker_and_class_give_the_usual_os_weakly():
    # a Fortinet sysObjectID no definition lists, a sysDescr that says "firewall" and nothing more
    got = explain({DESCR: "Firewall appliance", SYS_OBJECT_ID: "1.3.6.1.4.1.12356.999.1"})
    assert got["vendor"]["value"] == "Fortinet"
    assert got["device_class"]["value"] == "firewall"
    assert got["os_name"]["value"] == "FortiOS"
    assert got["os_name"]["source"] == "vendor-prior"
    assert got["os_name"]["confidence"] == priors.OS_CONFIDENCE
    assert "Fortinet's firewall devices run FortiOS" in got["os_name"]["evidence"]


def test_no_usual_os_without_a_class_or_on_a_host():
    # MikroTik makes routers and switches: no class, so no OS either
    got = explain({DESCR: "Embedded device", "1.3.6.1.4.1.14988.99.98.97.0": 5})
    assert got["vendor"]["value"] == "MikroTik"
    assert "os_name" not in got
    # a host listing its packages names its own OS
    got = explain({DESCR: "Firewall appliance", SYS_OBJECT_ID: "1.3.6.1.4.1.12356.999.1",
                   SW_INSTALLED: "bash_5.2_amd64"})
    assert got.get("os_name", {}).get("source") != "vendor-prior"


def test_a_family_of_several_oses_casts_no_os_vote():
    from collector.snmp.definitions import parse

    one = parse({"family": "acme-fw", "vendor": "Acme", "class": "firewall", "os": "FortiOS",
                 "match": [{"sys_object_id": "1.3.6.1.4.1.32473"}], "examples": []}, "acme-fw.yaml")
    several = parse({"family": "acme-sw", "vendor": "Acme", "class": "switch",
                     "match": [{"sys_object_id": "1.3.6.1.4.1.32473.2"}],
                     "fields": {"os_name": [{"from": "sys_descr", "map": [["CX", "AOS-CX"], ["OS", "ArubaOS"]]}]},
                     "examples": []}, "acme-sw.yaml")
    assert list(priors._definition_os_votes([one, several])) == [("Acme", "firewall", "FortiOS")]


def test_a_makers_definition_that_gives_no_os_is_not_overruled():
    # juniper-junos recognises the E-series, which runs JUNOSe: it gives no OS, and the maker's
    # usual router OS (Junos) is not claimed for it either
    assert priors.os_table(definitions())[("juniper", "router")][0] == "Junos"
    got = explain({DESCR: "Juniper Networks, Inc. E120 Edge Routing Switch SW Version : (10.1.3 release-0.0 "
                          "[BuildId 12315]) Build Date : July 7, 2010 13:31"})
    assert got["vendor"]["value"] == "Juniper"
    assert got["device_class"]["value"] == "router"
    assert "os_name" not in got
