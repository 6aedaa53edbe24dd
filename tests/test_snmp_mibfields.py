"""The MIB field table: its derivation from MIB text (tools/derive_mibfields.py)
and its use (collector/snmp/mibfields.py) on constructed walks."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from collector.snmp import mibfields
from collector.snmp.generic import STANDARDS_PENS
from collector.snmp.identify import identify
from collector.snmp.plan import first_scalars, simulate
from collector.snmp.walk import walk_from_mapping

ROOT = Path(__file__).resolve().parent.parent


def _tool():
    spec = importlib.util.spec_from_file_location("derive_mibfields", ROOT / "tools" / "derive_mibfields.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


derive_tool = _tool()

#: A small SMIv2 module in the style of a maker's MIB (constructed for the
#: test): an identity group of scalars, an identity table, a sub-part's
#: serial, a serial-port setting, a trap varbind; comments and a quoted
#: "::=" the parser must not take for assignments.
EXAMPLE_MIB = """
EXAMPLE-BOX-MIB DEFINITIONS ::= BEGIN
IMPORTS
    MODULE-IDENTITY, OBJECT-TYPE, Integer32, enterprises FROM SNMPv2-SMI
    DisplayString FROM SNMPv2-TC;

exBox MODULE-IDENTITY
    LAST-UPDATED "202601010000Z"
    ORGANIZATION "Example -- not a comment ::= { nothing 1 }"
    CONTACT-INFO "x"
    DESCRIPTION  "A box."
    ::= { enterprises 99991 }

exIdent      OBJECT IDENTIFIER ::= { exBox 1 }   -- the box itself
exDisplay    OBJECT IDENTIFIER ::= { exBox 2 }

exIdentModelName OBJECT-TYPE
    SYNTAX      DisplayString
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "The model."
    ::= { exIdent 1 }

exIdentSerialNumber OBJECT-TYPE
    SYNTAX      OCTET STRING (SIZE(0..32))
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "The serial number."
    ::= { exIdent 2 }

exIdentFirmwareVersion OBJECT-TYPE
    SYNTAX      DisplayString
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "Firmware."
    ::= { exIdent 3 }

exIdentSerialPortBaud OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  read-write
    STATUS      current
    DESCRIPTION "Console speed."
    ::= { exIdent 4 }

exDisplaySerialNumber OBJECT-TYPE
    SYNTAX      DisplayString
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "The front panel's own serial."
    ::= { exDisplay 1 }

exTrapSerialNumber OBJECT-TYPE
    SYNTAX      DisplayString
    MAX-ACCESS  accessible-for-notify
    STATUS      current
    DESCRIPTION "In traps only."
    ::= { exDisplay 2 }

exUnitIdentTable OBJECT-TYPE
    SYNTAX      SEQUENCE OF ExUnitIdentEntry
    MAX-ACCESS  not-accessible
    STATUS      current
    DESCRIPTION "One row per unit."
    ::= { exBox 3 }

exUnitIdentEntry OBJECT-TYPE
    SYNTAX      ExUnitIdentEntry
    MAX-ACCESS  not-accessible
    STATUS      current
    DESCRIPTION "A unit."
    INDEX       { exUnitIdentIndex }
    ::= { exUnitIdentTable 1 }

ExUnitIdentEntry ::= SEQUENCE { exUnitIdentIndex Integer32, exUnitIdentSoftwareVersion DisplayString }

exUnitIdentIndex OBJECT-TYPE
    SYNTAX      Integer32
    MAX-ACCESS  not-accessible
    STATUS      current
    DESCRIPTION "Unit number."
    ::= { exUnitIdentEntry 1 }

exUnitIdentSoftwareVersion OBJECT-TYPE
    SYNTAX      DisplayString
    MAX-ACCESS  read-only
    STATUS      current
    DESCRIPTION "The unit's software."
    ::= { exUnitIdentEntry 2 }
END
"""


def test_derive_resolves_oids_and_keeps_only_the_boxs_identity_objects(tmp_path):
    (tmp_path / "vendor").mkdir()
    (tmp_path / "vendor" / "EXAMPLE-BOX-MIB").write_text(EXAMPLE_MIB)
    (tmp_path / "EXTRAS").mkdir()  # the collection's extras are not MIBs to read
    (tmp_path / "EXTRAS" / "notes").write_text("exBox OBJECT IDENTIFIER ::= { enterprises 1 }")
    table, stats = derive_tool.derive(tmp_path)
    assert stats["files"] == 1 and stats["modules"] == 1
    base = "1.3.6.1.4.1.99991"
    assert table == {"99991": [
        [f"{base}.1.1.0", "model", "EXAMPLE-BOX-MIB::exIdentModelName"],
        [f"{base}.1.2.0", "serial", "EXAMPLE-BOX-MIB::exIdentSerialNumber"],
        [f"{base}.1.3.0", "firmware", "EXAMPLE-BOX-MIB::exIdentFirmwareVersion"],
        [f"{base}.3.1.2.1", "version", "EXAMPLE-BOX-MIB::exUnitIdentSoftwareVersion"],  # the first unit's row
    ]}


def test_role_reads_real_object_names():
    role = derive_tool.role
    assert role("upsBasicIdentModel") == "model"              # PowerNet-MIB
    assert role("snwlSysSerialNumber") == "serial"            # SNWL-COMMON-MIB
    assert role("snChasSerNum") == "serial"                   # FOUNDRY-SN-AGENT-MIB
    assert role("mtxrFirmwareVersion") == "firmware"          # MIKROTIK-MIB
    assert role("panSysSwVersion") == "version"               # PAN-COMMON-MIB
    assert role("agentInventoryMachineModel") == "model"      # FASTPATH-SWITCHING-MIB
    assert role("productModel") == "model"                    # NETAPP-MIB
    assert role("serialNumber") == "serial"                   # GIGAMON-SNMP-MIB: no prefix at all
    assert role("chServiceTag") == "serial"                   # F10-C-SERIES-CHASSIS-MIB: Dell's serial
    assert role("fgSysVersion") == "version"                  # FORTINET-FORTIGATE-MIB
    assert role("alertServiceTag") is None                    # MIB-Dell-10892: an alert's varbind
    assert role("ccvpVersion") is None                        # a protocol's version, not the box's
    # the management card, a sub-part, another device, a CPU: not the box's
    assert role("lgpAgentIdentModel") is None                 # "IntelliSlot Web Card"
    assert role("upsDiagnosticDisplaySerialNum") is None
    assert role("mtxrWirelessModemModel") is None
    assert role("ruckusZDSystemCPUModel") is None
    assert role("cpqSiVideoSerialNumber") is None
    assert role("mtxrFirmwareUpgradeVersion") is None         # what an upgrade would install
    assert role("exHardwareVersion") is None


_TOKENS = st.sampled_from(list("abAB12 \n\t{}()-\":=;,") + [
    "::=", "OBJECT-TYPE", "OBJECT IDENTIFIER", "BEGIN", "END", "DEFINITIONS", "SYNTAX", "SEQUENCE OF",
    "enterprises", "--", "IMPORTS", "FROM", "MAX-ACCESS", "{ enterprises 9 }", "iso(1)"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_TOKENS, max_size=120).map("".join) | st.text(max_size=300) |
       st.builds(lambda cut: EXAMPLE_MIB[:cut], st.integers(0, len(EXAMPLE_MIB))))
def test_the_mib_parser_takes_any_text(text):
    modules = derive_tool.parse_mib_text(text)
    derive_tool.Tree(modules)  # resolution never raises either


def test_the_shipped_table_is_derived_with_its_source():
    doc = json.loads((ROOT / "collector" / "snmp" / "mibfields.json").read_text())
    assert [s["repository"] for s in doc["sources"]] == ["netdisco/netdisco-mibs", "cisco-kusanagi/mibs.snmplabs.com"]
    assert all(re.fullmatch(r"[0-9a-f]{40}", s["commit"]) for s in doc["sources"])
    assert doc["tool"] == "tools/derive_mibfields.py" and doc["stats"]["excluded"] >= 1  # OBSERVIUM-MIB unread
    fields = doc["fields"]
    assert ["1.3.6.1.4.1.318.1.1.1.1.1.1.0", "model", "PowerNet-MIB::upsBasicIdentModel"] in fields["318"]
    assert not set(fields) & STANDARDS_PENS and "4413" in fields  # FASTPATH's agentInventory* under Broadcom's
    for pen, rows in fields.items():
        for oid, what, _name in rows:
            assert oid.startswith(f"1.3.6.1.4.1.{pen}.") and what in ("model", "serial", "firmware", "version")


#: LANTRONIX-SLC-MIB (netdisco-mibs lantronix/): slcSystemModel, slcSystemSerialNo, slcSystemFWRev
SLC = {"1.3.6.1.2.1.1.1.0": "Lantronix SLC", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.244.1.1",
       "1.3.6.1.4.1.244.1.1.6.1.0": "SLC32", "1.3.6.1.4.1.244.1.1.6.2.0": "0520123456",
       "1.3.6.1.4.1.244.1.1.6.3.0": "5.5"}


def test_a_makers_identity_objects_give_model_serial_and_firmware():
    walk = walk_from_mapping(SLC)
    system = walk_from_mapping({k: v for k, v in SLC.items() if k.startswith("1.3.6.1.2.1.1.")})
    assert {"1.3.6.1.4.1.244.1.1.6.1.0", "1.3.6.1.4.1.244.1.1.6.2.0"} <= set(first_scalars(system))
    ident = identify(simulate(walk))
    got = ident.best()
    assert (got["model"], got["serial"], got["firmware"]) == ("SLC32", "0520123456", "5.5")
    evidence = {e["field"]: e["evidence"] for e in ident.explain()}
    assert "LANTRONIX-SLC-MIB::slcSystemSerialNo" in evidence["serial"]


def test_the_objects_of_an_enterprise_found_under_a_net_snmp_agent_are_read():
    # net-snmp's sysObjectID names only the agent; the maker's subtree found says whose box it is
    mapping = dict(SLC, **{"1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.8072.3.2.10"})
    assert identify(simulate(walk_from_mapping(mapping))).best()["serial"] == "0520123456"


def test_a_software_version_is_firmware_when_no_os_is_named():
    # RAD-MIB::sysSaSwRevision; no definition knows RAD, and no OS is named
    rad = {"1.3.6.1.2.1.1.1.0": "Ethernet Access Device", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.164.6.1.3.100",
           "1.3.6.1.4.1.164.3.3.1.1.2.0": "6.8.2(0.33)"}
    got = identify(simulate(walk_from_mapping(rad))).best()
    assert got["firmware"] == "6.8.2(0.33)" and got["os_version"] is None


def test_a_definition_that_reads_the_field_wins():
    # XUPS-MIB (Eaton) xupsIdentSoftwareVersion: the eaton-ups definition takes the inverter's release from it
    ups = {"1.3.6.1.2.1.1.1.0": "UPS", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.534.1",
           "1.3.6.1.4.1.534.1.1.3.0": "INV: 1.44 NMC: 3.2"}
    assert any(name == "XUPS-MIB::xupsIdentSoftwareVersion" for _o, _f, name in mibfields.table()["534"])
    ident = identify(simulate(walk_from_mapping(ups)))
    assert ident.best()["firmware"] == "1.44"
    assert "eaton-ups" in ident.definitions


def test_a_ups_or_pdu_identity_object_says_what_the_box_is():
    assert mibfields.kind_of("PowerNet-MIB::upsBasicIdentModel") == "ups"
    assert mibfields.kind_of("XUPS-MIB::xupsIdentModel") == "ups"
    assert mibfields.kind_of("TRIPPLITE-12X::tlUpsIdentSerialNum") == "ups"
    assert mibfields.kind_of("PowerNet-MIB::rPDU2IdentModelNumber") == "pdu"
    assert mibfields.kind_of("MIKROTIK-MIB::mtxrSerialNumber") is None
    assert mibfields.kind_of("PowerNet-MIB::atsIdentModelNumber") is None  # a transfer switch: no such class
    # an APC PDU card: Recog reads every APC card's sysDescr as "UPS" (45); the PDU's own ident object wins
    pdu = {"1.3.6.1.2.1.1.1.0": "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.7.2 PN:apc_hw05_aos_672.bin)",
           "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.318.1.3.4.6",
           "1.3.6.1.4.1.318.1.1.12.1.5.0": "AP7902B", "1.3.6.1.4.1.318.1.1.12.1.6.0": "5A1551F39430"}
    ident = identify(simulate(walk_from_mapping(pdu)))
    facts = [f for f in ident.facts if f.field == "device_class" and "identity object" in f.evidence]
    assert [(f.value, f.confidence) for f in facts] == [("pdu", mibfields.KIND_CONFIDENCE)]
