"""QNAP Turbo NAS (NAS-MIB). QTS answers with net-snmp's or QNAP's OID."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims

NAME = "QNAP"
PREFIXES = ("1.3.6.1.4.1.24681", "1.3.6.1.4.1.55062")
PROBE_ON = ("1.3.6.1.4.1.8072",)
MODEL = "1.3.6.1.4.1.24681.1.2.12.0"  # NAS-MIB es-ModelName
SERIAL = "1.3.6.1.4.1.24681.1.2.14.0"  # es-SerialNumber (newer firmware)
FIRMWARE = "1.3.6.1.4.1.24681.1.2.15.0"  # es-FirmwareVersion (newer firmware)
SCALARS = [MODEL, SERIAL, FIRMWARE]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    if walk.text(MODEL) is None and not (walk.oid("1.3.6.1.2.1.1.2.0") or "").startswith(PREFIXES):
        return
    claims.add("vendor", NAME, 90, "QNAP NAS-MIB answered")
    claims.add("model", walk.text(MODEL), 90, "NAS-MIB es-ModelName")
    claims.add("serial", walk.text(SERIAL), 85, "NAS-MIB serial")
    claims.add("os_name", "QTS", 80, "QNAP NAS-MIB")
    claims.add("os_version", walk.text(FIRMWARE), 85, "NAS-MIB firmware version")
    claims.add("device_class", "nas", 90, "QNAP NAS-MIB answered")
