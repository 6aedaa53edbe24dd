"""Palo Alto Networks firewalls (PAN-COMMON-MIB panSys*)."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "Palo Alto Networks"
PREFIXES = ("1.3.6.1.4.1.25461",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []
FACTS = (
    ("1.3.6.1.4.1.25461.2.1.2.1.1.0", "os_version", 90, "PAN-COMMON-MIB panSysSwVersion"),
    ("1.3.6.1.4.1.25461.2.1.2.1.3.0", "serial", 90, "PAN-COMMON-MIB panSysSerialNumber"),
)


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    claims.add("os_name", "PAN-OS", 85, "Palo Alto Networks sysObjectID")
    claims.add("model", first_match(r"(PA-\d{3,4}[A-Z]*)", descr), 60, "sysDescr (series)")
    claims.add("device_class", "firewall", 85, "Palo Alto Networks sysObjectID")
