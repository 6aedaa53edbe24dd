"""MikroTik RouterOS (MIKROTIK-MIB mtxrSystem)."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "MikroTik"
PREFIXES = ("1.3.6.1.4.1.14988",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []
FACTS = (
    ("1.3.6.1.4.1.14988.1.1.7.3.0", "serial", 90, "MIKROTIK-MIB mtxrSerialNumber"),
    ("1.3.6.1.4.1.14988.1.1.7.4.0", "firmware", 85, "MIKROTIK-MIB mtxrFirmwareVersion (RouterBOOT)"),
    ("1.3.6.1.4.1.14988.1.1.4.4.0", "os_version", 85, "MIKROTIK-MIB mtxrLicVersion"),
    ("1.3.6.1.4.1.14988.1.1.7.8.0", "model", 85, "MIKROTIK-MIB mtxrBoardName"),
)


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    claims.add("os_name", "RouterOS", 85, "MikroTik sysObjectID")
    claims.add("model", first_match(r"^RouterOS\s+(\S+)", descr), 80, "sysDescr (RouterOS <board>)")
    model = claims.best("model") or ""
    cls = "switch" if model.upper().startswith(("CRS", "CSS")) else "wireless_ap" if model.upper().startswith(
        ("CAP", "WAP", "SXT", "LHG", "MANTBOX", "HAP")) else "router"
    claims.add("device_class", cls, 70, f"MikroTik board {model or '(unknown)'}")
