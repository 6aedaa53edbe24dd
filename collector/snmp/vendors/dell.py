"""Dell: PowerEdge servers through iDRAC (IDRAC-MIB-SMIv2) or OpenManage
(MIB-Dell-10892), and Dell networking switches."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims

NAME = "Dell"
PREFIXES = ("1.3.6.1.4.1.674",)
IDRAC_MODEL = "1.3.6.1.4.1.674.10892.5.1.3.12.0"  # systemModelName
IDRAC_TAG = "1.3.6.1.4.1.674.10892.5.1.3.2.0"  # systemServiceTag
IDRAC_FW = "1.3.6.1.4.1.674.10892.5.1.1.8.0"  # racFirmwareVersion
IDRAC_OS = "1.3.6.1.4.1.674.10892.5.1.3.6.0"  # systemOSName
OM_MODEL = "1.3.6.1.4.1.674.10892.1.300.10.1.9.1"  # chassisModelName
OM_TAG = "1.3.6.1.4.1.674.10892.1.300.10.1.11.1"  # chassisServiceTagName
SCALARS = [IDRAC_MODEL, IDRAC_TAG, IDRAC_FW, IDRAC_OS, OM_MODEL, OM_TAG]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    oid = walk.oid("1.3.6.1.2.1.1.2.0") or ""
    if walk.text(IDRAC_MODEL) or oid.startswith("1.3.6.1.4.1.674.10892.5"):
        claims.add("device_class", "bmc", 85, "IDRAC-MIB answered")
        claims.add("model", walk.text(IDRAC_MODEL), 88, "IDRAC-MIB systemModelName")
        claims.add("serial", walk.text(IDRAC_TAG), 90, "IDRAC-MIB systemServiceTag")
        claims.add("firmware", walk.text(IDRAC_FW), 88, "IDRAC-MIB racFirmwareVersion")
    claims.add("model", walk.text(OM_MODEL), 85, "MIB-Dell-10892 chassisModelName")
    claims.add("serial", walk.text(OM_TAG), 90, "MIB-Dell-10892 chassisServiceTagName")
    if oid.startswith(("1.3.6.1.4.1.674.10895", "1.3.6.1.4.1.6027")):
        claims.add("device_class", "switch", 80, "Dell networking sysObjectID")
