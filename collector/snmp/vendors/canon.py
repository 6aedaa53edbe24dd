"""Canon printers (CANON-MIB)."""

from __future__ import annotations

from collector.snmp.vendors._printers import printer_common
from collector.snmp.vendors.base import Claims

NAME = "Canon"
PREFIXES = ("1.3.6.1.4.1.1602",)
PRODUCT = "1.3.6.1.4.1.1602.1.1.1.1.0"  # canPdInfoProductName
VERSION = "1.3.6.1.4.1.1602.1.1.1.4.0"  # canPdInfoProductVersion
SERIAL = "1.3.6.1.4.1.1602.1.2.1.8.1.3.1.1"  # canServInfoSerialNumberDeviceNumber
SCALARS = [PRODUCT, VERSION, SERIAL]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    printer_common(walk, mibs, claims, "Canon")
    claims.add("model", walk.text(PRODUCT), 88, "CANON-MIB canPdInfoProductName")
    claims.add("firmware", walk.text(VERSION), 85, "CANON-MIB canPdInfoProductVersion")
    claims.add("serial", walk.text(SERIAL), 90, "CANON-MIB serial number")
