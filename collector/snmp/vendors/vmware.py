"""VMware ESXi hosts (VMWARE-SYSTEM-MIB)."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "VMware"
PREFIXES = ("1.3.6.1.4.1.6876",)
PRODUCT = "1.3.6.1.4.1.6876.1.1.0"  # vmwProdName
VERSION = "1.3.6.1.4.1.6876.1.2.0"  # vmwProdVersion
BUILD = "1.3.6.1.4.1.6876.1.4.0"  # vmwProdBuild
SCALARS = [PRODUCT, VERSION, BUILD]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    # "VMware ESXi 6.5.0 build-4564106 VMware, Inc. x86_64"
    claims.add("os_name", walk.text(PRODUCT) or first_match(r"VMware\s+(ESXi?)", descr) or "ESXi", 85,
               "VMWARE-SYSTEM-MIB vmwProdName")
    claims.add("os_version", walk.text(VERSION) or first_match(r"ESXi?\s+(\d+(?:\.\d+)+)", descr), 88,
               "VMWARE-SYSTEM-MIB vmwProdVersion")
    build = walk.text(BUILD) or first_match(r"build-(\d+)", descr)
    if build:
        claims.extras["os_build"] = build
    claims.add("device_class", "hypervisor", 90, "VMware sysObjectID")
    # the server's hardware model/serial: hrDeviceDescr is not it; ENTITY may be
