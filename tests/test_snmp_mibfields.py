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


def _tool(name: str = "derive_mibfields"):
    """One of the derivation tools (tools/<name>.py), imported as a module."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
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


def test_the_parser_keeps_a_modules_organization_and_date_and_nothing_it_says_is_parsed():
    mod, = derive_tool.parse_mib_text(EXAMPLE_MIB)
    assert (mod.identity, mod.updated) == ("exBox", "202601010000Z")
    assert mod.organization == "Example -- not a comment ::= { nothing 1 }"
    assert "nothing" not in mod.objects and mod.objects["exBox"].subids == ["99991"]
    # a company name holding "END" ends no module
    text = EXAMPLE_MIB.replace('"Example -- not a comment ::= { nothing 1 }"', '"END Corp"')
    mod, = derive_tool.parse_mib_text(text)
    assert mod.organization == "END Corp" and "exUnitIdentSoftwareVersion" in mod.objects


def test_a_module_written_by_observium_or_librenms_is_never_read(tmp_path):
    # the snmplabs archive keeps modules whose ORGANIZATION is Observium's (FIREBRICK-MIB, GBOS-MIB):
    # their definitions are not ours to use, whatever the file or module is called
    (tmp_path / "EXAMPLE-BOX-MIB").write_text(EXAMPLE_MIB)
    (tmp_path / "OTHER-BOX-MIB").write_text(EXAMPLE_MIB.replace("EXAMPLE-BOX-MIB", "OTHER-BOX-MIB").replace(
        '"Example -- not a comment ::= { nothing 1 }"', '"Observium Limited"').replace("99991", "99994"))
    modules, stats = derive_tool.read_modules([tmp_path])
    assert [m.name for m in modules] == ["EXAMPLE-BOX-MIB"]
    assert stats == {"files": 2, "unparsed_files": 0, "excluded": 1}
    table, _stats = derive_tool.derive(tmp_path)
    assert list(table) == ["99991"]


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
    # the box's type is its model ("PA-5050", "FAS3270", "DS-2CD4C36FWD-AP" in real walks); an entity's
    # system model is the box's
    assert role("panChassisType") == "model"                  # PAN-COMMON-MIB
    assert role("productMachineType") == "model"              # NETAPP-MIB
    assert role("sysProductType") == "model"                  # TOS-SYSINFO (Topsec)
    assert role("deviceType") == "model"                      # HIK-DEVICE-MIB
    assert role("hwEntitySystemModel") == "model"             # HUAWEI-ENTITY-EXTENT-MIB
    assert role("hwEntityBoardType") is None                  # a board's, not the box's
    assert role("chassisSerialNumberString") == "serial"      # CISCO-STACK-MIB
    assert role("snAgImgVer") == "version"                    # FOUNDRY-SN-AGENT-MIB: the running image
    assert role("snAgFlashImgVer") is None                    # the image stored in flash
    assert role("ifType") is None and role("sysObjectType") is None
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


def test_a_model_read_from_a_type_object_comes_after_the_model_objects():
    # FASTPATH's agentInventoryMachineType (.2) is a description where agentInventoryMachineModel (.3) is the model
    rows = [["1.3.6.1.4.1.4526.10.1.1.1.3.0", "model", "FASTPATH-SWITCHING-MIB::agentInventoryMachineModel"],
            ["1.3.6.1.4.1.4526.10.1.1.1.2.0", "model", "FASTPATH-SWITCHING-MIB::agentInventoryMachineType"],
            ["1.3.6.1.4.1.4526.10.1.1.1.4.0", "serial", "FASTPATH-SWITCHING-MIB::agentInventorySerialNumber"]]
    assert [r[0].rsplit(".", 2)[-2] for r in sorted(rows, key=derive_tool._row_order)] == ["3", "4", "2"]


#: Zabbix community templates in both export formats (constructed for the
#: test, in the shape of zabbix/community-templates' files): plain items, a
#: discovery rule's prototype (a table, never the box's own), the ways
#: templates write an OID.
TEMPLATE_YAML = """
zabbix_export:
  version: '6.0'
  templates:
    - template: Example Box SNMP
      items:
        - name: 'Serial Number'
          type: SNMP_AGENT
          snmp_oid: 'get[1.3.6.1.4.1.99992.5.1.4.0]'
          key: box.serial
          inventory_link: SERIALNO_A
        - name: 'NMC serial number (inventory)'
          type: SNMP_AGENT
          snmp_oid: .1.3.6.1.4.1.99992.9.1.0
          key: nmc.serial
        - name: 'Printer model Number'
          type: SNMP_AGENT
          snmp_oid: EXAMPLE-BOX-MIB::exIdentModelName
          key: box.model
        - name: ESSID
          type: SNMP_AGENT
          snmp_oid: iso.3.6.1.4.1.99992.7.1.0
          key: box.essid
          inventory_link: SOFTWARE
      discovery_rules:
        - name: Units
          item_prototypes:
            - name: 'Unit {#SNMPINDEX} serial number'
              snmp_oid: 1.3.6.1.4.1.99992.6.1.3.{#SNMPINDEX}
              key: unit.serial
"""
TEMPLATE_XML = """<?xml version="1.0" encoding="UTF-8"?>
<zabbix_export><version>5.0</version><templates><template><template>Example Box old</template><items>
<item><name>Firmware Version</name><type>SNMPV2</type><snmp_oid>enterprises.99992.5.1.2.0</snmp_oid>
<key>box.fw</key></item>
<item><name>Drive0Firmware</name><type>SNMPV2</type><snmp_oid>1.3.6.1.4.1.99992.8.1.0</snmp_oid><key>d</key></item>
<item><name>Model</name><type>SNMPV2</type><snmp_oid>1.3.6.1.4.1.99992.5.1.2.0</snmp_oid><key>m</key></item>
<item><name>Serial Number</name><type>SNMPV2</type><snmp_oid>1.3.6.1.4.1.99991.2.2.0</snmp_oid><key>s</key></item>
<item><name>System Serial</name><type>SNMPV2</type><snmp_oid>1.3.6.1.4.1.99991.1.4.0</snmp_oid><key>n</key></item>
</items></template></templates></zabbix_export>
"""


def test_template_items_give_a_makers_identity_objects(tmp_path):
    mibs, templates = tmp_path / "mibs", tmp_path / "templates"
    (mibs / "vendor").mkdir(parents=True)
    (mibs / "vendor" / "EXAMPLE-BOX-MIB").write_text(EXAMPLE_MIB)
    (templates / "Printers" / "Example" / "6.0").mkdir(parents=True)
    (templates / "Printers" / "Example" / "6.0" / "template_example.yaml").write_text(TEMPLATE_YAML)
    (templates / "Unsorted" / "Example" / "5.0").mkdir(parents=True)
    (templates / "Unsorted" / "Example" / "5.0" / "template_example.xml").write_text(TEMPLATE_XML)
    table, stats = derive_tool.derive(mibs, templates)
    assert stats["template_files"] == 2
    assert table["99992"] == [
        ["1.3.6.1.4.1.99992.5.1.4.0", "serial", "Zabbix template Printers/Example: Serial Number"],
    ]  # 5.1.2.0 is read as firmware by one template and as model by another: dropped
    base = "1.3.6.1.4.1.99991"
    # a template that reads a MIB-named object: the maker's row (its name says the field and the kind)
    assert table["99991"][0] == [f"{base}.1.1.0", "model", "EXAMPLE-BOX-MIB::exIdentModelName"]
    # the maker names 2.2 exTrapSerialNumber: a trap's copy, whatever the template calls it; and
    # 1.4 exIdentSerialPortBaud is an Integer32: no serial number either
    assert len(table["99991"]) == 4 and not {f"{base}.2.2.0", f"{base}.1.4.0"} & {r[0] for r in table["99991"]}


def test_template_oids_are_written_many_ways():
    tree = derive_tool.Tree(derive_tool.parse_mib_text(EXAMPLE_MIB))
    oid = derive_tool.template_oid
    assert oid("get[1.3.6.1.4.1.99992.5.1.4.0]", tree) == "1.3.6.1.4.1.99992.5.1.4.0"
    assert oid(".1.3.6.1.4.1.99992.1.0", tree) == "1.3.6.1.4.1.99992.1.0"
    assert oid("iso.3.6.1.4.1.99992.1.0", tree) == "1.3.6.1.4.1.99992.1.0"
    assert oid("enterprises.99992.1.0", tree) == "1.3.6.1.4.1.99992.1.0"
    assert oid("EXAMPLE-BOX-MIB::exIdentSerialNumber.0", tree) == "1.3.6.1.4.1.99991.1.2.0"
    assert oid("exIdentSerialNumber", tree) == "1.3.6.1.4.1.99991.1.2.0"  # a scalar: its instance added
    assert oid("1.3.6.1.4.1.99991.1.2", tree) == "1.3.6.1.4.1.99991.1.2.0"
    assert oid("discovery[{#SNMPVALUE},1.3.6.1.4.1.99992.6]", tree) is None
    assert oid("1.3.6.1.2.1.1.1.0", tree) is None  # a standard object: the generic rules read those
    assert oid("NO-SUCH-MIB::thing.0", tree) is None and oid(None, tree) is None


def test_item_role_reads_real_template_item_names():
    # names as zabbix/community-templates' items spell them
    role = derive_tool.item_role
    assert role("Serial Number") == "serial"
    assert role("UPS serial number (inventory)") == "serial"
    assert role("Printer model Number") == "model"
    assert role("Firmware version") == "firmware"
    assert role("Software Version") == "version"
    assert role("Device Primary Serial") == "serial"
    # the management card, a drive, the hardware, a radio reading, a pending upgrade: not the box's
    assert role("NMC/Agent serial number (inventory)") is None
    assert role("Drive0Firmware") is None
    assert role("Device hardware version") is None
    assert role("Received SNR") is None and role("ESSID") is None
    assert role("Firmware Aguardando Upgrade") is None
    assert role("Firmware Update available") is None


_TOKENS = st.sampled_from(list("abAB12 \n\t{}()-\":=;,") + [
    "::=", "OBJECT-TYPE", "OBJECT IDENTIFIER", "BEGIN", "END", "DEFINITIONS", "SYNTAX", "SEQUENCE OF",
    "enterprises", "--", "IMPORTS", "FROM", "MAX-ACCESS", "{ enterprises 9 }", "iso(1)"])


@settings(max_examples=200, deadline=None)
@given(st.lists(_TOKENS, max_size=120).map("".join) | st.text(max_size=300) |
       st.builds(lambda cut: EXAMPLE_MIB[:cut], st.integers(0, len(EXAMPLE_MIB))))
def test_the_mib_parser_takes_any_text(text):
    modules = derive_tool.parse_mib_text(text)
    derive_tool.Tree(modules)  # resolution never raises either


def _shipped(name: str, tool: str, *extra_sources: str) -> dict:
    """A table derived from the MIB collections, as shipped: its sources (each
    at a commit), and the tool that derived it."""
    doc = json.loads((ROOT / "collector" / "snmp" / name).read_text())
    assert [s["repository"] for s in doc["sources"]] == ["netdisco/netdisco-mibs", "cisco-kusanagi/mibs.snmplabs.com",
                                                         *extra_sources]
    assert all(re.fullmatch(r"[0-9a-f]{40}", s["commit"]) for s in doc["sources"])
    assert doc["tool"] == f"tools/{tool}.py"
    return doc


def test_the_shipped_table_is_derived_with_its_source():
    doc = _shipped("mibfields.json", "derive_mibfields", "zabbix/community-templates")
    assert doc["sources"][2]["licence"] == "MIT" and doc["stats"]["template_fields"] > 100
    assert doc["stats"]["excluded"] >= 1  # OBSERVIUM-MIB unread
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


def test_an_object_only_a_template_names_gives_the_field():
    # Haivision's Makito encoders: no MIB of theirs in either collection; zabbix/community-templates'
    # template_haivision_makito reads the serial and firmware revision at these objects
    makito = {"1.3.6.1.2.1.1.1.0": "Makito X Encoder", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.25433.2",
              "1.3.6.1.4.1.25433.2.1.1.1.1.2.0": "HAI1234567", "1.3.6.1.4.1.25433.2.1.1.1.1.3.0": "2.5.1-17"}
    system = walk_from_mapping({k: v for k, v in makito.items() if k.startswith("1.3.6.1.2.1.1.")})
    assert "1.3.6.1.4.1.25433.2.1.1.1.1.2.0" in first_scalars(system)
    ident = identify(simulate(walk_from_mapping(makito)))
    assert (ident.best()["serial"], ident.best()["firmware"]) == ("HAI1234567", "2.5.1-17")
    evidence = {e["field"]: e["evidence"] for e in ident.explain()}
    assert evidence["serial"] == ("1.3.6.1.4.1.25433.2.1.1.1.1.2.0, read as Zabbix template "
                                  "Unsorted/template_haivision_makito: Haivision serial number")


_OID_TOKENS = st.sampled_from(["1.3.6.1.4.1.", ".", "1", "9", "0", "get[", "]", "iso", "enterprises", "::",
                               "EXAMPLE-BOX-MIB", "exIdentSerialNumber", "{#SNMPINDEX}", " ", "walk[", ",", "x"])


@settings(max_examples=300, deadline=None)
@given(st.lists(_OID_TOKENS, max_size=12).map("".join) | st.text(max_size=80) | st.integers() | st.none())
def test_template_oids_and_item_names_take_any_text(raw):
    tree = derive_tool.Tree(derive_tool.parse_mib_text(EXAMPLE_MIB))
    oid = derive_tool.template_oid(raw, tree)
    assert oid is None or re.fullmatch(r"1\.3\.6\.1\.4\.1(?:\.\d+)+", oid)
    assert derive_tool.item_role(str(raw)) in (None, "model", "serial", "firmware", "version")


def test_every_row_of_a_large_enterprise_is_asked_and_the_devices_own_branch_first():
    # D-Link roots each product's MIB at the product's sysObjectID; its shared AGENT-GENERAL-MIB
    # (the serial of every managed switch) sorts behind 70 product MIBs' objects. A real DES-3200-18
    # (snmpsim-data network/switch/dlink-des3200) answers agentSerialNumber; at 48 objects a maker it was
    # never asked. D-Link's definition reads no serial for this line: the MIB table gives it.
    dlink = {"1.3.6.1.2.1.1.1.0": "DES-3200-18 Fast Ethernet Switch", "1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.171.10.113.3.1",
             "1.3.6.1.4.1.171.12.1.1.12.0": "R3MD1DB002523"}
    assert len(mibfields.table()["171"]) > 48
    system = walk_from_mapping({k: v for k, v in dlink.items() if k.startswith("1.3.6.1.2.1.1.")})
    assert "1.3.6.1.4.1.171.12.1.1.12.0" in first_scalars(system)
    ident = identify(simulate(walk_from_mapping(dlink)))
    assert ident.best()["serial"] == "R3MD1DB002523"
    evidence = {e["field"]: e["evidence"] for e in ident.explain()}
    assert "AGENT-GENERAL-MIB::agentSerialNumber" in evidence["serial"]
    # a DGS-1210-52 (sysObjectID ...171.10.76.17) reads its own MIB's firmware object before any other's
    own = mibfields.rows_for("171", "1.3.6.1.4.1.171.10.76.17")
    assert own[0][0].startswith("1.3.6.1.4.1.171.10.76.17.")
    assert [r for r in own if not r[0].startswith("1.3.6.1.4.1.171.10.76.17.")] == \
        [r for r in mibfields.table()["171"] if not r[0].startswith("1.3.6.1.4.1.171.10.76.17.")][:len(own) - 1]


#: Constructed in the style of a UPS card's MIB, a switch MIB that watches an attached UPS, a routing
#: protocol's PDU table, and a PDU MIB that names a node above another module's UPS objects (as
#: Socomec's PDU MIB names 1.3.6.1.4.1.4555.1.1 "pduAgent")
KIND_MIBS = {
    "EX-UPS-MIB": """
EX-UPS-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI DisplayString FROM SNMPv2-TC;
exPower OBJECT IDENTIFIER ::= { enterprises 99992 }
exNet OBJECT IDENTIFIER ::= { exPower 1 }
ups OBJECT IDENTIFIER ::= { exNet 1 }
upsIdent OBJECT IDENTIFIER ::= { ups 1 }
upsBattery OBJECT IDENTIFIER ::= { ups 2 }
upsIdentModel OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current DESCRIPTION "m" ::= { upsIdent 1 }
upsBatteryCapacity OBJECT-TYPE SYNTAX INTEGER MAX-ACCESS read-only STATUS current DESCRIPTION "c" ::= { upsBattery 1 }
END
""",
    "EX-PDU-MIB": """
EX-PDU-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI DisplayString FROM SNMPv2-TC;
exPower OBJECT IDENTIFIER ::= { enterprises 99992 }
pduAgent OBJECT IDENTIFIER ::= { exPower 1 }
pduBox OBJECT IDENTIFIER ::= { pduAgent 20 }
pduIdentModel OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current DESCRIPTION "m" ::= { pduBox 1 }
END
""",
    "EX-SWITCH-MIB": """
EX-SWITCH-MIB DEFINITIONS ::= BEGIN
IMPORTS OBJECT-TYPE, enterprises FROM SNMPv2-SMI DisplayString FROM SNMPv2-TC;
exSwitch OBJECT IDENTIFIER ::= { enterprises 99993 }
exSwUpsMonitor OBJECT IDENTIFIER ::= { exSwitch 7 }
upsMonitorStatus OBJECT-TYPE SYNTAX INTEGER MAX-ACCESS read-only STATUS current DESCRIPTION "s" ::= { exSwitch 8 }
cliPduLspId OBJECT-TYPE SYNTAX DisplayString MAX-ACCESS read-only STATUS current DESCRIPTION "l" ::= { exSwitch 9 }
END
""",
}


def test_derive_kinds_keeps_only_the_subtrees_of_a_ups_or_pdu_mib(tmp_path):
    tool = _tool("derive_mibkinds")
    for name, text in KIND_MIBS.items():
        (tmp_path / name).write_text(text)
    tree, stats = tool.load([tmp_path])
    assert stats["modules"] == 3
    table, counts = tool.kinds(tree)
    base = "1.3.6.1.4.1.99992.1"
    # the UPS MIB's "ups" node (its children are under it); the PDU MIB's own PDU branch, not its
    # "pduAgent" above the UPS objects; nothing of the switch's UPS monitor or of a protocol's PDUs
    assert table == {f"{base}.1": ["ups", "EX-UPS-MIB::ups"], f"{base}.20": ["pdu", "EX-PDU-MIB::pduBox"]}
    assert counts["modules_describing_a_kind"] == 2


def test_the_shipped_kind_table_is_derived_with_its_source():
    doc = _shipped("mibkinds.json", "derive_mibkinds")
    assert doc["stats"]["excluded"] >= 1
    kinds = doc["kinds"]
    assert kinds["1.3.6.1.4.1.318.1.1.1"] == ["ups", "PowerNet-MIB::ups"]
    assert kinds["1.3.6.1.4.1.318.1.1.12"] == ["pdu", "PowerNet-MIB::rPDU"]
    assert {kind for kind, _name in kinds.values()} == {"ups", "pdu"}
    assert not any(oid.startswith("1.3.6.1.4.1.9.") for oid in kinds)  # CISCO-IETF-ISIS-MIB's ciiPdu*: a protocol's


def test_a_ups_mibs_subtree_answering_says_the_box_is_a_ups():
    # an APC card answering only its battery group (a trimmed walk: no identity object, no sysDescr)
    battery = {"1.3.6.1.4.1.318.1.1.1.2.2.1.0": 100, "1.3.6.1.4.1.318.1.1.1.2.2.3.0": 123000}
    ident = identify(simulate(walk_from_mapping(battery)))
    facts = [f for f in ident.facts if f.field == "device_class" and "subtree of a UPS MIB" in f.evidence]
    assert [(f.value, f.confidence) for f in facts] == [("ups", mibfields.KIND_CONFIDENCE)]
    assert "PowerNet-MIB::ups (1.3.6.1.4.1.318.1.1.1)" in facts[0].evidence
    # subtrees of both kinds answering say neither
    both = dict(battery, **{"1.3.6.1.4.1.318.1.1.12.2.3.1.1.2.1": 12})
    ident = identify(simulate(walk_from_mapping(both)))
    assert not [f for f in ident.facts if "subtree of a" in f.evidence]


def test_derive_organizations_keeps_each_enterprises_newest_module(tmp_path):
    tool = _tool("derive_miborgs")
    old = EXAMPLE_MIB.replace('"Example -- not a comment ::= { nothing 1 }"', '"Old Name Inc."')
    old = old.replace("EXAMPLE-BOX-MIB", "OLD-BOX-MIB").replace('"202601010000Z"', '"9901010000Z"')
    new = EXAMPLE_MIB.replace('"Example -- not a comment ::= { nothing 1 }"', '"New Owner Corp."')
    new = new.replace("EXAMPLE-BOX-MIB", "NEW-BOX-MIB").replace('"202601010000Z"', '"0604061200Z"')
    new = new.replace("exBox MODULE-IDENTITY", "exNewBox MODULE-IDENTITY").replace("{ enterprises 99991 }",
                                                                                  "{ enterprises 99991 9 }")
    undated = EXAMPLE_MIB.replace('"202601010000Z"', '"soon"').replace("EXAMPLE-BOX-MIB", "UNDATED-MIB")
    for name, text in (("a", old), ("b", new), ("c", undated)):
        (tmp_path / name).write_text(text)
    modules, _stats = derive_tool.read_modules([tmp_path])
    table, stats = tool.organizations(derive_tool.Tree(modules))
    # "0604061200Z" is 2006 (vendors kept two-digit years past 2000), newer than 1999; no date, no row
    assert table == {"99991": ["New Owner Corp", "2006-04-06", "NEW-BOX-MIB"]}
    assert stats == {"modules_with_organization": 2, "enterprises": 1}
    assert [tool.iso_date(t) for t in ("201804260000Z", "9701010000Z", "1804260000Z", "20181326Z", "980803160000Z", "")] == [
        "2018-04-26", "1997-01-01", "2018-04-26", None, None, None]


def test_the_shipped_organization_table_is_derived_with_its_source():
    doc = _shipped("miborgs.json", "derive_miborgs")
    assert doc["stats"]["excluded"] >= 3
    orgs = doc["organizations"]
    assert len(orgs) > 300 and orgs["5951"][0].startswith("Citrix")
    assert all(re.fullmatch(r"(19[7-9]\d|20[0-2]\d)-\d\d-\d\d", date) for _org, date, _mod in orgs.values())
    assert not any(re.search(r"(?i)observium|librenms", org) for org, _date, _mod in orgs.values())


def test_an_enterprise_whose_own_mibs_name_a_later_maker_names_that_maker():
    # NetScaler's number is registered to "Netscaler"; its MIB says Citrix Systems
    ident = identify(simulate(walk_from_mapping({"1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.5951.1"})))
    vendor = [f for f in ident.facts if f.field == "vendor" and f.evidence.startswith("sysObjectID enterprise")]
    assert [f.value for f in vendor] == ["Citrix"]
    assert "IANA PEN: Netscaler" in vendor[0].evidence and "NS-ROOT-MIB" in vendor[0].evidence
    # a registrant that is a brand stays: 3Com's number keeps 3Com, though H3C wrote its newest MIB
    ident = identify(simulate(walk_from_mapping({"1.3.6.1.2.1.1.2.0": "1.3.6.1.4.1.43.1.16.4.3.99"})))
    vendor = [f for f in ident.facts if f.field == "vendor" and f.evidence.startswith("sysObjectID enterprise")]
    assert [f.value for f in vendor] == ["3Com"] and "its MIB" not in vendor[0].evidence
