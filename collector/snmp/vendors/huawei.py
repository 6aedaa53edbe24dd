"""Huawei VRP routers and switches."""

from __future__ import annotations

import re

from collector.snmp.vendors.base import Claims, first_match

NAME = "Huawei"
PREFIXES = ("1.3.6.1.4.1.2011",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    if "VRP" in descr:
        claims.add("os_name", "VRP", 85, "sysDescr (Huawei)")
        # "Version 5.160 (S5720 V200R011C10SPC500)"
        claims.add("os_version", first_match(r"\((?:\S+\s+)?(V\d{3}R\d{3}\S*)\)", descr) or
                   first_match(r"Version\s+(\d+\.\d+)", descr), 85, "sysDescr (Huawei VRP)")
        model = first_match(r"^(\S+)\s+Huawei Versatile", descr) or first_match(r"^Huawei\s+(\S+)", descr)
        claims.add("model", model, 75, "sysDescr (Huawei)")
    model = claims.best("model") or descr.split(" ")[0]
    if re.match(r"^(S\d{4}|CE\d{4}|S\d{2,3}-)", model):
        claims.add("device_class", "switch", 75, f"Huawei model {model}")
    elif re.match(r"^(AR\d|NE\d|ME\d|ACU)", model):
        claims.add("device_class", "router", 70, f"Huawei model {model}")
    elif re.match(r"^(USG|Eudemon)", model):
        claims.add("device_class", "firewall", 75, f"Huawei model {model}")
