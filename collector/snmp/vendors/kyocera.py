"""Kyocera printers (KYOCERA-Private-MIB)."""

from __future__ import annotations

from collector.snmp.vendors._printers import printer_common
from collector.snmp.vendors.base import Claims

NAME = "Kyocera"
PREFIXES = ("1.3.6.1.4.1.1347",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []
FACTS = (
    ("1.3.6.1.4.1.1347.43.5.1.1.1.1", "model", 85, "KYOCERA-Private-MIB model name"),
    ("1.3.6.1.4.1.1347.43.5.1.1.28.1", "serial", 88, "KYOCERA-Private-MIB serial number"),
    ("1.3.6.1.4.1.1347.43.5.4.1.5.1.1", "firmware", 80, "KYOCERA-Private-MIB firmware version"),
)


def identify(walk, mibs, claims: Claims) -> None:
    printer_common(walk, mibs, claims, "Kyocera")
