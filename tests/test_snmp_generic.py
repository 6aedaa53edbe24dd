"""Generic identification rules (collector/snmp/generic.py, engine.py) on
constructed walks: each test is a small walk built from the standard and
vendor MIBs it cites, with the fields the rule must give (or must not)."""

from __future__ import annotations

from collector.snmp.generic import NOT_A_MAKER_PENS, SOFTWARE_AGENT_PENS, STANDARDS_PENS
from collector.snmp.identify import identify
from collector.snmp.plan import simulate
from collector.snmp.walk import walk_from_mapping

PRINTER_SERIAL = "1.3.6.1.2.1.43.5.1.1.17.1"
PAGES = "1.3.6.1.2.1.43.10.2.1.4.1.1"
#: PRINTER-PORT-MONITOR-MIB::ppmGeneralNaturalLanguage (PWG 5107.1), enterprise 2699
PPM_LANGUAGE = "1.3.6.1.4.1.2699.1.2.1.1.1.0"


def best(mapping: dict[str, object]) -> dict[str, str | None]:
    return identify(simulate(walk_from_mapping(mapping))).best()


def test_standards_bodies_and_agents_are_no_makers():
    assert {"77", "2699", "4491", "412"} <= STANDARDS_PENS
    assert {"8072", "2021", "311", "4413"} <= SOFTWARE_AGENT_PENS
    assert NOT_A_MAKER_PENS == SOFTWARE_AGENT_PENS | STANDARDS_PENS


def test_printer_working_group_subtree_names_no_vendor():
    got = best({"1.3.6.1.2.1.1.1.0": "Network Printer", PRINTER_SERIAL: "X3B7012345", PAGES: 4711,
                PPM_LANGUAGE: "en-US"})
    assert got["device_class"] == "printer"
    assert got["vendor"] is None


def test_a_maker_subtree_beside_the_pwg_one_still_names_the_maker():
    # Kyocera's enterprise 1347 answers beside the PWG port monitor MIB
    got = best({"1.3.6.1.2.1.1.1.0": "Network Printer", PRINTER_SERIAL: "X3B7012345", PAGES: 4711,
                PPM_LANGUAGE: "en-US", "1.3.6.1.4.1.1347.43.5.1.1.28.1": "LVX1234567"})
    assert got["vendor"] == "Kyocera"


def test_cablelabs_subtree_names_no_vendor():
    got = best({"1.3.6.1.2.1.1.1.0": "Cable Modem", "1.3.6.1.4.1.4491.2.1.14.1.1.1.0": 1})
    assert got["vendor"] is None


NET_SNMP = "1.3.6.1.4.1.8072.3.2.10"


def test_net_snmp_ups_card_is_no_linux_host():
    # Huawei UPS2000 RMS card: net-snmp on Linux, the Huawei UPS MIB row
    # (hwUps... 2011.6.174.1.2.100.1, as NUT's huawei subdriver reads it)
    got = best({"1.3.6.1.2.1.1.1.0": "Linux UPS2000 3.4.35 #1 PREEMPT armv7l", "1.3.6.1.2.1.1.2.0": NET_SNMP,
                "1.3.6.1.4.1.2011.6.174.1.2.100.1.2.1": "UPS2000-G-3KRTL"})
    assert (got["device_class"], got["vendor"]) == ("ups", "Huawei")
    assert (got["os_name"], got["os_version"]) == (None, None)
    assert got["kernel_version"] == "3.4.35"


def test_net_snmp_linux_server_stays_linux():
    got = best({"1.3.6.1.2.1.1.1.0": "Linux gw 5.4.0-1 #1 SMP Fri Jan 5 2024 x86_64", "1.3.6.1.2.1.1.2.0": NET_SNMP})
    assert (got["device_class"], got["os_name"], got["kernel_version"]) == ("server", "Linux", "5.4.0-1")


def test_a_definition_naming_the_box_but_no_class_keeps_linux():
    # Dell OpenManage on a Linux server (MIB-Dell-10892 chassisModelName)
    got = best({"1.3.6.1.2.1.1.1.0": "Linux r740 5.14.0-362.el9.x86_64 #1 SMP x86_64", "1.3.6.1.2.1.1.2.0": NET_SNMP,
                "1.3.6.1.4.1.674.10892.1.300.10.1.9.1": "PowerEdge R740"})
    assert (got["vendor"], got["model"], got["device_class"]) == ("Dell", "PowerEdge R740", "server")
    assert got["os_name"] is not None


def _run(extra: dict[str, object], walk: dict[str, object]) -> dict[str, str | None]:
    """The generic Linux definition and one constructed appliance definition."""
    from collector.identity import best_facts
    from collector.snmp import engine
    from collector.snmp.claims import Claims
    from collector.snmp.definitions import definitions, parse
    from collector.snmp.mibs import Mibs

    w = walk_from_mapping(walk)
    view = engine.View(w, Mibs(w), Claims())
    appliance = parse({"family": "acme-box", "confidence": 40,
                       "match": [{"oid": "1.3.6.1.4.1.99998.1.0"}], **extra}, "defs/test/acme-box.yaml")
    linux = next(d for d in definitions() if d.family == "linux")
    matched = engine.run((linux, appliance), view)
    engine.appliance_os(matched, view)
    winners = best_facts(view.claims.finish())
    return {k: str(f.value) for k, f in winners.items()}


LINUX_APPLIANCE = {"1.3.6.1.2.1.1.1.0": "Linux box 4.9.0 #1 SMP armv7l", "1.3.6.1.2.1.1.2.0": NET_SNMP,
                   "1.3.6.1.4.1.99998.1.0": "present"}


def test_a_definitions_os_wins_over_generic_linux_whatever_the_confidence():
    got = _run({"os": "AXIS OS", "class": "camera"}, LINUX_APPLIANCE)
    assert (got.get("os_name"), got.get("device_class"), got.get("kernel_version")) == ("AXIS OS", "camera", "4.9.0")
    assert got.get("os_version") is None  # the kernel described "Linux", not this OS


def test_an_appliance_class_silences_generic_linux_but_a_host_class_does_not():
    got = _run({"class": "camera", "fields": {"device_class": [{"value": "camera", "confidence": 60}]}},
               LINUX_APPLIANCE)
    assert (got.get("os_name"), got.get("device_class"), got.get("kernel_version")) == (None, "camera", "4.9.0")
    got = _run({"class": "server", "fields": {"device_class": [{"value": "server", "confidence": 60}]}},
               LINUX_APPLIANCE)
    assert (got.get("os_name"), got.get("device_class")) == ("Linux", "server")
    # an appliance class that loses to the host class is no appliance
    got = _run({"class": "camera", "confidence": 30}, LINUX_APPLIANCE)
    assert (got.get("os_name"), got.get("device_class")) == ("Linux", "server")
