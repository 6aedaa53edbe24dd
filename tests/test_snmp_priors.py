"""A maker's usual class (collector/snmp/priors.py): votes from the device
definitions and Recog's fingerprints, claimed weakly when nothing else says
what the device is."""

from __future__ import annotations

from collector.snmp import priors
from collector.snmp.definitions import definitions
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
    assert got["device_class"]["confidence"] == priors.CONFIDENCE
    assert "Ricoh makes printer devices" in got["device_class"]["evidence"]


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
