"""H3C / HPE Comware switches."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "H3C"
PREFIXES = ("1.3.6.1.4.1.25506",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    claims.add("os_name", "Comware", 80, "H3C sysObjectID")
    version = first_match(r"Software Version\s+([0-9][0-9.]+(?:,\s*Release\s+\S+)?)", descr)
    claims.add("os_version", version.replace(",", "") if version else first_match(r"Release\s+(\S+)", descr), 80,
               "sysDescr (Comware)")
    model = first_match(r"^H3C Switch\s+(\S+)", descr) or first_match(r"Software\s+H3C\s+(\S+)", descr)
    claims.add("model", model, 75, "sysDescr (H3C)")
    if model and model.upper().startswith(("WX", "WA")):
        claims.add("device_class", "wireless_ap", 75, f"H3C model {model}")
    else:
        claims.add("device_class", "switch", 65, "H3C sysObjectID")
