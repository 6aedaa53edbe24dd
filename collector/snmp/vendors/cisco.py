"""Cisco: IOS, IOS-XE, NX-OS, ASA, AireOS controllers and Small Business
(SB) switches. The chassis in ENTITY-MIB holds model and serial; the OS and
its version live in sysDescr."""

from __future__ import annotations

import re

from collector.snmp.vendors.base import Claims, first_match

NAME = "Cisco"
PREFIXES = ("1.3.6.1.4.1.9",)
OLD_CHASSIS_SERIAL = "1.3.6.1.4.1.9.3.6.3.0"  # OLD-CISCO-CHASSIS-MIB chassisId
AIREOS_MODEL = "1.3.6.1.4.1.14179.1.1.1.3.0"  # agentInventoryMachineModel
AIREOS_SERIAL = "1.3.6.1.4.1.14179.1.1.1.4.0"  # agentInventoryMachineSerialNumber
AIREOS_VERSION = "1.3.6.1.4.1.14179.1.1.1.14.0"  # agentInventoryProductVersion
SB_PREFIX = "1.3.6.1.4.1.9.6.1"
SCALARS = [OLD_CHASSIS_SERIAL, AIREOS_VERSION, AIREOS_MODEL, AIREOS_SERIAL]
WALKS: list[list[str]] = []

_VERSION = r"Version\s+([0-9][0-9A-Za-z().:_\-]*[0-9A-Za-z)])"
_CLASS_BY_MODEL = (
    (r"^(WS-C|C9[2-6]\d\d|C1000|C[23]9[56]0|CBS|SG\d|SF\d|IE-|N[2-9]K-|N[0-9]{1,2}K|UCS-FI|ME-3|CAT)", "switch"),
    (r"^(AIR-CT|AIR-|C9800|CW9)", "wireless_ap"),
    (r"^(ASA|FPR|FTD|PIX)", "firewall"),
    (r"^(CISCO\d|ISR|C8[0-9]{2}|C1[0-9]{3}|ASR|CSR|C29\d\d|C39\d\d|IR\d|VG\d|C8[0-9]{3})", "router"),
)


def os_from_descr(descr: str) -> tuple[str | None, str | None]:
    d = descr
    version = first_match(_VERSION, d)
    if re.search(r"Adaptive Security Appliance", d, re.I):
        return "ASA", version
    if re.search(r"NX-OS", d):
        return "NX-OS", version
    if re.search(r"IOS[- ]?XE|IOSXE|CAT9K_IOSXE|IOS-XE", d):
        return "IOS-XE", version
    if re.search(r"IOS XR", d):
        return "IOS-XR", version
    if re.search(r"Cisco (IOS|Internetwork Operating System)", d):
        return "IOS", version
    if d.strip() == "Cisco Controller":
        return "AireOS", None
    return None, version


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    oid = walk.oid("1.3.6.1.2.1.1.2.0") or ""
    os_name, version = os_from_descr(descr)
    if os_name:
        claims.add("os_name", os_name, 85, "sysDescr (Cisco)")
    if version:
        claims.add("os_version", version, 85, "sysDescr (Cisco)")
    if os_name == "AireOS":
        claims.add("os_version", walk.text(AIREOS_VERSION), 85, "AIRESPACE agentInventoryProductVersion")
        claims.add("model", walk.text(AIREOS_MODEL), 80, "AIRESPACE agentInventoryMachineModel")
        claims.add("serial", walk.text(AIREOS_SERIAL), 85, "AIRESPACE agentInventoryMachineSerialNumber")
        claims.add("device_class", "wireless_ap", 80, "Cisco wireless controller (AireOS)")
    if os_name == "ASA":
        claims.add("device_class", "firewall", 85, "sysDescr: Cisco Adaptive Security Appliance")
    if not mibs.chassis:
        claims.add("serial", walk.text(OLD_CHASSIS_SERIAL), 80, "OLD-CISCO-CHASSIS-MIB chassisId")
    if oid.startswith(SB_PREFIX + "."):
        # Small Business: sysDescr starts with the model ("SG300-28 28-Port ...")
        claims.add("model", first_match(r"^([A-Z]{2,4}\d{2,4}[A-Z]?-[0-9A-Z]+(?:-[0-9A-Z]+)*)\b", descr), 75,
                   "sysDescr (Cisco SB)")
        claims.add("device_class", "switch", 75, "Cisco Small Business sysObjectID")
    # the image family names the platform: "C2960X Software (C2960X-UNIVERSALK9-M)"
    image = first_match(r"Software \(([A-Z0-9]+)[-_]", descr)
    if image:
        if re.match(r"^(C2[0-9]{2}[05]|C3[5-8][0-9]0|C4[59]00|CAT[0-9]|C6[58]00|C1000|IE[0-9])", image) \
                and not re.match(r"^C2900$", image):
            claims.add("device_class", "switch", 70, f"Cisco image family {image}")
        elif re.match(r"^(C[1-4]900|C8[0-9]{2}|C1[01]00|ISR|C[0-9]{3,4}$)", image):
            claims.add("device_class", "router", 65, f"Cisco image family {image}")
    model = claims.best("model")
    for pattern, cls in _CLASS_BY_MODEL:
        if model and re.search(pattern, model, re.I):
            claims.add("device_class", cls, 75, f"Cisco model {model}")
            break
