"""Xerox printers (XEROX-COMMON-MIB, XEROX-GENERAL-MIB)."""

from __future__ import annotations

from collector.snmp.vendors._printers import printer_common
from collector.snmp.vendors.base import Claims

NAME = "Xerox"
PREFIXES = ("1.3.6.1.4.1.253",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []
FACTS = (("1.3.6.1.4.1.253.8.53.3.2.1.3.1", "serial", 80, "XEROX-GENERAL-MIB serial number"),)


def identify(walk, mibs, claims: Claims) -> None:
    printer_common(walk, mibs, claims, "Xerox")
