"""Ricoh (and Savin/Lanier/Gestetner) printers (RICOH-PRIVATE-MIB)."""

from __future__ import annotations

from collector.snmp.vendors._printers import printer_common
from collector.snmp.vendors.base import Claims

NAME = "Ricoh"
PREFIXES = ("1.3.6.1.4.1.367",)
PRINTER_NAME = "1.3.6.1.2.1.43.5.1.1.16.1"  # prtGeneralPrinterName: the model on Ricoh
SERIAL = "1.3.6.1.4.1.367.3.2.1.2.1.4.0"  # ricohEngSerialNumber
FIRMWARE = "1.3.6.1.4.1.367.3.2.1.1.1.2.0"  # ricohSysVers
SCALARS = [PRINTER_NAME, SERIAL, FIRMWARE]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    printer_common(walk, mibs, claims, "Ricoh")
    name = walk.text(PRINTER_NAME)
    if name:
        claims.add("model", name.removeprefix("RICOH ").strip(), 85, "Printer-MIB prtGeneralPrinterName (Ricoh)")
    claims.add("serial", walk.text(SERIAL), 88, "RICOH-PRIVATE-MIB serial")
    claims.add("firmware", walk.text(FIRMWARE), 80, "RICOH-PRIVATE-MIB ricohSysVers")
