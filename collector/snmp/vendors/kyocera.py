"""Kyocera printers (KYOCERA-Private-MIB)."""

from __future__ import annotations

from collector.snmp.vendors._printers import printer_common
from collector.snmp.vendors.base import Claims

NAME = "Kyocera"
PREFIXES = ("1.3.6.1.4.1.1347",)
MODEL = "1.3.6.1.4.1.1347.43.5.1.1.1.1"  # kcprtGeneralModelName
SERIAL = "1.3.6.1.4.1.1347.43.5.1.1.28.1"  # kcprtSerialNumber
FIRMWARE = "1.3.6.1.4.1.1347.43.5.4.1.5.1.1"  # kcprtFirmwareVersion (main)
SCALARS = [MODEL, SERIAL, FIRMWARE]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    printer_common(walk, mibs, claims, "Kyocera")
    claims.add("model", walk.text(MODEL), 85, "KYOCERA-Private-MIB model")
    claims.add("serial", walk.text(SERIAL), 88, "KYOCERA-Private-MIB serial")
    claims.add("firmware", walk.text(FIRMWARE), 80, "KYOCERA-Private-MIB firmware")
