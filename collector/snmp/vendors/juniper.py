"""Juniper: Junos routers, switches and firewalls (JUNIPER-MIB jnxBox*)."""

from __future__ import annotations

import re

from collector.snmp.vendors.base import Claims, first_match

NAME = "Juniper"
PREFIXES = ("1.3.6.1.4.1.2636",)
BOX_DESCR = "1.3.6.1.4.1.2636.3.1.2.0"  # jnxBoxDescr
BOX_SERIAL = "1.3.6.1.4.1.2636.3.1.3.0"  # jnxBoxSerialNo
SCALARS = [BOX_DESCR, BOX_SERIAL]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    # "Juniper Networks, Inc. mx960 internet router, kernel JUNOS 12.3R6.6, Build date: ..."
    version = first_match(r"JUNOS\s+([0-9][0-9A-Za-z.\-]+)", descr, re.I)
    if version or "junos" in descr.lower():
        claims.add("os_name", "Junos", 85, "sysDescr (Juniper)")
        claims.add("os_version", version.rstrip(",") if version else None, 85, "sysDescr (Juniper)")
    m = re.search(r"Inc\.\s+(\S+)\s+([a-z ]+?)(?:,|$)", descr)
    if m:
        claims.add("model", m.group(1).upper(), 86, "sysDescr (Juniper)")
        kind = m.group(2)
        cls = ("router" if "router" in kind else "switch" if "switch" in kind else
               "firewall" if ("firewall" in kind or "security" in kind or m.group(1).lower().startswith("srx")) else None)
        if cls:
            claims.add("device_class", cls, 80, f"sysDescr: {kind}")
    box = walk.text(BOX_DESCR)
    if box:
        claims.add("model", first_match(r"Juniper\s+(\S+)", box), 85, "JUNIPER-MIB jnxBoxDescr")
    claims.add("serial", walk.text(BOX_SERIAL), 90, "JUNIPER-MIB jnxBoxSerialNo")
