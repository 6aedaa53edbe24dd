"""Aruba (HPE) controllers, gateways and instant APs (ArubaOS)."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "Aruba"
PREFIXES = ("1.3.6.1.4.1.14823",)
SERIAL = "1.3.6.1.4.1.14823.2.2.1.1.1.12.0"  # wlsxSwitchLicenseSerialNumber
SCALARS = [SERIAL]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    # "ArubaOS (MODEL: Aruba7010), Version 8.3.0.0 (64659)"
    if "ArubaOS" in descr or "ArubaOS" in (walk.text("1.3.6.1.2.1.1.1.0") or ""):
        claims.add("os_name", "ArubaOS", 85, "sysDescr (Aruba)")
        claims.add("os_version", first_match(r"Version\s+([0-9][0-9.]+)", descr), 85, "sysDescr (Aruba)")
        claims.add("model", first_match(r"MODEL:\s*([^)\s]+)", descr), 85, "sysDescr MODEL (Aruba)")
    claims.add("serial", walk.text(SERIAL), 80, "WLSX-SWITCH-MIB serial")
    claims.add("device_class", "wireless_ap", 80, "Aruba wireless sysObjectID")
