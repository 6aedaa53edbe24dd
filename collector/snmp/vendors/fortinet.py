"""Fortinet FortiGate (FORTINET-FORTIGATE-MIB, FORTINET-CORE-MIB)."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "Fortinet"
PREFIXES = ("1.3.6.1.4.1.12356",)
SYS_VERSION = "1.3.6.1.4.1.12356.101.4.1.1.0"  # fgSysVersion "v5.6.3,build1547,171204 (GA)"
SERIAL = "1.3.6.1.4.1.12356.100.1.1.1.0"  # fnSysSerial
SCALARS = [SYS_VERSION, SERIAL]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    version = walk.text(SYS_VERSION)
    claims.add("os_name", "FortiOS", 85, "Fortinet sysObjectID")
    claims.add("os_version", first_match(r"v?(\d+\.\d+(?:\.\d+)?)", version), 90, "FORTINET-FORTIGATE-MIB fgSysVersion")
    claims.add("serial", walk.text(SERIAL), 90, "FORTINET-CORE-MIB fnSysSerial")
    oid = walk.oid("1.3.6.1.2.1.1.2.0") or ""
    cls = "firewall"
    if oid.startswith("1.3.6.1.4.1.12356.101.1."):
        cls = "firewall"
    elif oid.startswith("1.3.6.1.4.1.12356.106."):  # FortiSwitch
        cls = "switch"
    elif oid.startswith("1.3.6.1.4.1.12356.120."):  # FortiAP
        cls = "wireless_ap"
    claims.add("device_class", cls, 80, "Fortinet sysObjectID")
    for row in mibs.chassis:
        # FortiGate's ENTITY model is e.g. "FGT_3000D": the product is FortiGate-3000D
        model = row.get("model")
        if model and model.upper().startswith("FGT_"):
            claims.add("model", "FortiGate-" + model[4:], 88, "ENTITY-MIB entPhysicalModelName (FGT_ prefix)")
