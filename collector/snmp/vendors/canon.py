"""Canon printers (CANON-MIB)."""

from __future__ import annotations

from collector.snmp.vendors._printers import printer_common
from collector.snmp.vendors.base import Claims

NAME = "Canon"
PREFIXES = ("1.3.6.1.4.1.1602",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []
FACTS = (
    ("1.3.6.1.4.1.1602.1.1.1.1.0", "model", 88, "CANON-MIB canPdInfoProductName"),
    ("1.3.6.1.4.1.1602.1.1.1.4.0", "firmware", 85, "CANON-MIB canPdInfoProductVersion"),
    ("1.3.6.1.4.1.1602.1.2.1.8.1.3.1.1", "serial", 90, "CANON-MIB canServInfoSerialNumberDeviceNumber"),
)


def identify(walk, mibs, claims: Claims) -> None:
    printer_common(walk, mibs, claims, "Canon")
