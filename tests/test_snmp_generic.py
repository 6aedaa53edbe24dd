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
