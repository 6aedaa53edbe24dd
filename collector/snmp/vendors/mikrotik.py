"""MikroTik RouterOS (MIKROTIK-MIB mtxrSystem)."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "MikroTik"
PREFIXES = ("1.3.6.1.4.1.14988",)
SERIAL = "1.3.6.1.4.1.14988.1.1.7.3.0"  # mtxrSerialNumber
FIRMWARE = "1.3.6.1.4.1.14988.1.1.7.4.0"  # mtxrFirmwareVersion (RouterBOOT)
ROS_VERSION = "1.3.6.1.4.1.14988.1.1.4.4.0"  # mtxrLicVersion
BOARD = "1.3.6.1.4.1.14988.1.1.7.8.0"  # mtxrBoardName
SCALARS = [SERIAL, FIRMWARE, ROS_VERSION, BOARD]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    claims.add("os_name", "RouterOS", 85, "MikroTik sysObjectID")
    claims.add("os_version", walk.text(ROS_VERSION), 85, "MIKROTIK-MIB mtxrLicVersion")
    claims.add("firmware", walk.text(FIRMWARE), 85, "MIKROTIK-MIB mtxrFirmwareVersion")
    claims.add("serial", walk.text(SERIAL), 90, "MIKROTIK-MIB mtxrSerialNumber")
    claims.add("model", walk.text(BOARD), 85, "MIKROTIK-MIB mtxrBoardName")
    claims.add("model", first_match(r"^RouterOS\s+(\S+)", descr), 80, "sysDescr (RouterOS <board>)")
    model = claims.best("model") or ""
    cls = "switch" if model.upper().startswith(("CRS", "CSS")) else "wireless_ap" if model.upper().startswith(
        ("CAP", "WAP", "SXT", "LHG", "MANTBOX", "HAP")) else "router"
    claims.add("device_class", cls, 70, f"MikroTik board {model or '(unknown)'}")
