"""Arista EOS switches."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "Arista"
PREFIXES = ("1.3.6.1.4.1.30065",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    # "Arista Networks EOS version 4.20.5F running on an Arista Networks DCS-7150S-52-CL"
    claims.add("os_name", "EOS", 85, "sysDescr (Arista)")
    claims.add("os_version", first_match(r"EOS version\s+(\S+)", descr), 85, "sysDescr (Arista)")
    claims.add("model", first_match(r"running on an? Arista Networks\s+(\S+)", descr), 80, "sysDescr (Arista)")
    claims.add("device_class", "switch", 80, "Arista sysObjectID")
