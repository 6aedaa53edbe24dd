"""Windows releases from what a host says: the SNMP sysDescr build number
(with sysObjectID telling workstation from server) or nmap's SMB answer."""

from __future__ import annotations

import re
from typing import Any

from collector.assess.model import VERSION
from collector.identity import HostEvidence

#: (NT version, build) -> (client release, server release); endoflife.date cycles.
BUILDS = {
    ("5.0", "2195"): (("windows-server", "2000", "Windows 2000"), ("windows-server", "2000", "Windows 2000 Server")),
    ("5.1", "2600"): (("windows", "5-sp3", "Windows XP"), None),
    ("5.2", "3790"): (("windows", "5-sp3", "Windows XP x64"), ("windows-server", "2003-sp2", "Windows Server 2003")),
    ("6.0", "6000"): (("windows", "6-sp2", "Windows Vista"), None),
    ("6.0", "6001"): (("windows", "6-sp2", "Windows Vista SP1"), ("windows-server", "2008-sp2", "Windows Server 2008")),
    ("6.0", "6002"): (("windows", "6-sp2", "Windows Vista SP2"), ("windows-server", "2008-sp2",
                                                                  "Windows Server 2008 SP2")),
    # 7 RTM and 2008 R2 RTM lost support before SP1 did; endoflife.date lists SP1's cycle only
    ("6.1", "7600"): (("windows", "7-sp1", "Windows 7"), ("windows-server", "2008-r2-sp1", "Windows Server 2008 R2")),
    ("6.1", "7601"): (("windows", "7-sp1", "Windows 7 SP1"), ("windows-server", "2008-r2-sp1",
                                                              "Windows Server 2008 R2 SP1")),
    ("6.2", "9200"): (("windows", "8", "Windows 8"), ("windows-server", "2012", "Windows Server 2012")),
    ("6.3", "9600"): (("windows", "8.1", "Windows 8.1"), ("windows-server", "2012-r2", "Windows Server 2012 R2")),
}
#: Microsoft's sysObjectIDs: .1.1 workstation, .1.2 server, .1.3 domain controller.
WINDOWS_ROLES = {"1.3.6.1.4.1.311.1.1.3.1.1": "workstation", "1.3.6.1.4.1.311.1.1.3.1.2": "server",
                 "1.3.6.1.4.1.311.1.1.3.1.3": "server"}
# "Hardware: ... - Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)"
# "Software: Windows 2000 Version 5.1 (Build 2600 Uniprocessor Free)" (XP reports itself so)
_WINDOWS = re.compile(r"Windows\b.*?\bVersion\s+(\d+\.\d+)\s+\(Build\s+(\d+)")


def windows_product(descr: str | None, sys_object_id: str | None) -> dict[str, str] | None:
    """{"name", "version", "build", "role"} from a Windows SNMP agent's
    sysDescr; the role from its sysObjectID, else from the product when the
    build has only a client or only a server release. None: not Windows."""
    m = _WINDOWS.search((descr or "")[:2048])
    if not m:
        return None
    role = WINDOWS_ROLES.get(sys_object_id or "")
    product = product_for_build(int(m.group(2)), server=(role == "server") if role else None, nt=m.group(1))
    out = {"build": m.group(2)}
    if role:
        out["role"] = role
    if product:
        out.update(name=product["name"], version=product["version"])
        out.setdefault("role", "server" if "Server" in product["name"] else "workstation")
    return out


def eol_cycles(name: str) -> tuple[str, tuple[str, ...]] | None:
    """(endoflife.date product, candidate cycles, best first) of a Windows
    product name. Editions cannot be told apart over SNMP: Windows 10/11
    releases use the Enterprise cycle, the longest but LTSC."""
    for client, server in BUILDS.values():
        for pick in (client, server):
            if pick and pick[2] == name:
                return pick[0], (pick[1],)
    m = re.fullmatch(r"Windows (10|11) (\w+)", name)
    if m:
        rel = m.group(2).lower()
        return "windows", (f"{m.group(1)}-{rel}-e", f"{m.group(1)}-{rel}")
    m = re.fullmatch(r"Windows Server (\d{4})", name)
    if m:
        return "windows-server", (m.group(1),)
    return None


def windows_release(host: HostEvidence) -> tuple[str, tuple[str, ...], str, dict[str, Any], int] | None:
    """(endoflife product, candidate cycles, label, evidence, confidence) or None."""
    for obs in host.observations:
        system = obs.raw.get("system") if obs.plugin == "snmp" else None
        if not system:
            continue
        descr, oid = system.get("sysDescr") or "", system.get("sysObjectID") or ""
        info = windows_product(descr, oid)
        cycles = eol_cycles(info["name"]) if info and info.get("name") else None
        if info is None or cycles is None:
            continue
        return cycles[0], cycles[1], info["name"], {"sysDescr": descr[:200], "sysObjectID": oid,
                                                    "build": info["version"]}, VERSION
    for svc in host.services:
        product = svc.product or ""
        if svc.source == "nmap" and "Windows Server 2008 R2" in product:
            return ("windows-server", ("2008-r2-sp1",), "Windows Server 2008 R2",
                    {"service": f"{svc.port}/{svc.proto}", "product": product}, 70)
    return None


#: NT 10.0 builds: (client product, server product)
NT10_BUILDS = {
    10240: ("Windows 10 1507", None), 10586: ("Windows 10 1511", None),
    14393: ("Windows 10 1607", "Windows Server 2016"), 15063: ("Windows 10 1703", None),
    16299: ("Windows 10 1709", None), 17134: ("Windows 10 1803", None),
    17763: ("Windows 10 1809", "Windows Server 2019"), 18362: ("Windows 10 1903", None),
    18363: ("Windows 10 1909", None), 19041: ("Windows 10 2004", None), 19042: ("Windows 10 20H2", None),
    19043: ("Windows 10 21H1", None), 19044: ("Windows 10 21H2", None), 19045: ("Windows 10 22H2", None),
    20348: (None, "Windows Server 2022"), 22000: ("Windows 11 21H2", None), 22621: ("Windows 11 22H2", None),
    22631: ("Windows 11 23H2", None), 26100: ("Windows 11 24H2", "Windows Server 2025"),
    26200: ("Windows 11 25H2", None),
}


def product_for_build(build: int, server: bool | None = None, nt: str | None = None) -> dict[str, str] | None:
    """The Windows product of an NT build: {"name", "version"} where version
    is "<NT version>.<build>". ``server`` None = role unknown: the client name
    is given only when the build has no server release (and vice versa)."""
    if build >= 10240:
        nt = "10.0"  # the SNMP service of Windows 10 and later still says "Version 6.3"
    pair: tuple[str | None, str | None] | None = None
    if nt and (nt, str(build)) in BUILDS:
        client, srv = BUILDS[(nt, str(build))]
        pair = (client[2] if client else None, srv[2] if srv else None)
    elif build in NT10_BUILDS:
        pair = NT10_BUILDS[build]
    elif build > 10240:  # a build newer than the table: the family, not the release
        pair = ("Windows 11" if build >= 22000 else "Windows 10", "Windows Server")
    if pair is None:
        return None
    client_name, server_name = pair
    if server is True:
        name = server_name
    elif server is False:
        name = client_name
    else:
        name = client_name if server_name is None else server_name if client_name is None else None
    if name is None:
        return None
    return {"name": name, "version": f"{nt}.{build}" if nt else str(build)}
