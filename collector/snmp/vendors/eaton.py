"""Eaton / Powerware / MGE UPS and ePDUs (XUPS-MIB, MG-SNMP-UPS-MIB, EATON-EPDU-MIB)."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "Eaton"
PREFIXES = ("1.3.6.1.4.1.534", "1.3.6.1.4.1.705")
XUPS_MODEL = "1.3.6.1.4.1.534.1.1.2.0"  # xupsIdentModel
XUPS_SOFTWARE = "1.3.6.1.4.1.534.1.1.3.0"  # xupsIdentSoftwareVersion
MGE_MODEL = "1.3.6.1.4.1.705.1.1.1.0"  # upsmgIdentFamilyName
MGE_FIRMWARE = "1.3.6.1.4.1.705.1.1.4.0"  # upsmgIdentFirmwareVersion
MGE_SERIAL = "1.3.6.1.4.1.705.1.1.7.0"  # upsmgIdentSerialNumber
EPDU_MODEL = "1.3.6.1.4.1.534.6.6.7.1.2.1.3.0"  # partNumber
EPDU_SERIAL = "1.3.6.1.4.1.534.6.6.7.1.2.1.4.0"  # serialNumber
EPDU_FIRMWARE = "1.3.6.1.4.1.534.6.6.7.1.2.1.5.0"
SCALARS = [XUPS_MODEL, XUPS_SOFTWARE, MGE_MODEL, MGE_FIRMWARE, MGE_SERIAL, EPDU_MODEL, EPDU_SERIAL, EPDU_FIRMWARE]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    oid = walk.oid("1.3.6.1.2.1.1.2.0") or ""
    if walk.text(EPDU_MODEL) or oid.startswith("1.3.6.1.4.1.534.6."):
        claims.add("device_class", "pdu", 85, "EATON-EPDU-MIB")
        claims.add("model", walk.text(EPDU_MODEL), 85, "EATON-EPDU-MIB partNumber")
        claims.add("serial", walk.text(EPDU_SERIAL), 90, "EATON-EPDU-MIB serialNumber")
        claims.add("firmware", walk.text(EPDU_FIRMWARE), 85, "EATON-EPDU-MIB firmwareVersion")
        return
    claims.add("device_class", "ups", 85, "Eaton/MGE UPS sysObjectID")
    # UPS-MIB upsIdentModel ("EATON 93E 80") is the best model; the private MIBs back it up
    ups = mibs.ups
    claims.add("model", ups.get("model"), 85, "UPS-MIB upsIdentModel")
    claims.add("model", walk.text(XUPS_MODEL), 80, "XUPS-MIB xupsIdentModel")
    claims.add("serial", walk.text(MGE_SERIAL), 90, "MG-SNMP-UPS-MIB upsmgIdentSerialNumber")
    claims.add("firmware", walk.text(MGE_FIRMWARE), 85, "MG-SNMP-UPS-MIB upsmgIdentFirmwareVersion")
    claims.add("firmware", first_match(r"INV:\s*(\S+)", ups.get("ups_software")), 80, "UPS-MIB upsIdentUPSSoftwareVersion")
    claims.add("firmware", walk.text(XUPS_SOFTWARE), 80, "XUPS-MIB xupsIdentSoftwareVersion")
