"""Synology DiskStation / RackStation (SYNOLOGY-SYSTEM-MIB). DSM answers
with net-snmp's sysObjectID, so these objects are probed on Linux agents."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "Synology"
PREFIXES = ("1.3.6.1.4.1.6574",)
PROBE_ON = ("1.3.6.1.4.1.8072",)
MODEL = "1.3.6.1.4.1.6574.1.5.1.0"  # modelName
SERIAL = "1.3.6.1.4.1.6574.1.5.2.0"  # serialNumber
VERSION = "1.3.6.1.4.1.6574.1.5.3.0"  # version "DSM 7.1-42661"
SCALARS = [MODEL, SERIAL, VERSION]
WALKS: list[list[str]] = []


def present(walk) -> bool:
    return walk.text(MODEL) is not None or walk.text(VERSION) is not None


def identify(walk, mibs, claims: Claims) -> None:
    if not present(walk):
        return
    claims.add("vendor", NAME, 90, "SYNOLOGY-SYSTEM-MIB answered")
    claims.add("model", walk.text(MODEL), 90, "SYNOLOGY-SYSTEM-MIB modelName")
    claims.add("serial", walk.text(SERIAL), 90, "SYNOLOGY-SYSTEM-MIB serialNumber")
    version = walk.text(VERSION)
    claims.add("os_name", "DSM", 90, "SYNOLOGY-SYSTEM-MIB version")
    claims.add("os_version", first_match(r"(\d+(?:\.\d+)+(?:-\d+)?)", version), 90, "SYNOLOGY-SYSTEM-MIB version")
    claims.add("device_class", "nas", 90, "SYNOLOGY-SYSTEM-MIB answered")
