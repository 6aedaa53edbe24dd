"""NetApp ONTAP storage (NETAPP-MIB)."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "NetApp"
PREFIXES = ("1.3.6.1.4.1.789",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []
FACTS = (
    ("1.3.6.1.4.1.789.1.1.5.0", "model", 90, "NETAPP-MIB productModel"),
    ("1.3.6.1.4.1.789.1.1.9.0", "serial", 90, "NETAPP-MIB productSerialNum"),
    ("1.3.6.1.4.1.789.1.1.6.0", "firmware", 85, "NETAPP-MIB productFirmwareVersion"),
)


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    claims.add("os_name", "ONTAP", 85, "sysDescr (NetApp Release)")
    claims.add("os_version", first_match(r"NetApp Release\s+(\S+)", descr), 85, "sysDescr (NetApp)")
    claims.add("device_class", "storage", 85, "NetApp sysObjectID")
