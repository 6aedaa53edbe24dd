"""Windows releases from what a host says: the SNMP sysDescr build number
(with sysObjectID telling workstation from server) or nmap's SMB answer."""

from __future__ import annotations

import re
from typing import Any

from collector.assess.model import VERSION
from collector.identity import HostEvidence

_SYSDESCR = re.compile(r"Software: Windows (?:Version|\S+ Version) (\d+\.\d+) \(Build (\d+)")
#: (NT version, build) -> (client release, server release); endoflife.date cycles.
BUILDS = {
    ("5.1", "2600"): (("windows", "xp", "Windows XP"), None),
    ("5.2", "3790"): (("windows", "xp", "Windows XP x64"), ("windows-server", "2003-sp2", "Windows Server 2003")),
    ("6.0", "6002"): (("windows", "vista", "Windows Vista SP2"), ("windows-server", "2008-sp2",
                                                                  "Windows Server 2008 SP2")),
    ("6.1", "7600"): (("windows", "7", "Windows 7"), ("windows-server", "2008-r2", "Windows Server 2008 R2")),
    ("6.1", "7601"): (("windows", "7-sp1", "Windows 7 SP1"), ("windows-server", "2008-r2-sp1",
                                                              "Windows Server 2008 R2 SP1")),
    ("6.2", "9200"): (("windows", "8", "Windows 8"), ("windows-server", "2012", "Windows Server 2012")),
    ("6.3", "9600"): (("windows", "8.1", "Windows 8.1"), ("windows-server", "2012-r2", "Windows Server 2012 R2")),
}
#: Microsoft's sysObjectIDs: .1.1 workstation, .1.2 server, .1.3 domain controller.
_SERVER_OIDS = ("1.3.6.1.4.1.311.1.1.3.1.2", "1.3.6.1.4.1.311.1.1.3.1.3")
_CLIENT_OID = "1.3.6.1.4.1.311.1.1.3.1.1"


def windows_release(host: HostEvidence) -> tuple[str, str, str, dict[str, Any], int] | None:
    """(endoflife product, cycle, label, evidence, confidence) or None."""
    for obs in host.observations:
        system = obs.raw.get("system") if obs.plugin == "snmp" else None
        if not system:
            continue
        descr, oid = system.get("sysDescr") or "", system.get("sysObjectID") or ""
        m = _SYSDESCR.search(descr)
        if not m or (m.group(1), m.group(2)) not in BUILDS:
            continue
        client, server = BUILDS[(m.group(1), m.group(2))]
        is_server = oid.startswith(_SERVER_OIDS)
        if not is_server and not oid.startswith(_CLIENT_OID):
            continue  # cannot tell client from server
        pick = server if is_server else client
        if pick is None:
            continue
        slug, cycle, label = pick
        return slug, cycle, label, {"sysDescr": descr[:200], "sysObjectID": oid,
                                    "build": f"{m.group(1)} build {m.group(2)}"}, VERSION
    for svc in host.services:
        product = svc.product or ""
        if svc.source == "nmap" and "Windows Server 2008 R2" in product:
            return ("windows-server", "2008-r2-sp1", "Windows Server 2008 R2",
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
    nt = nt or ("10.0" if build >= 10240 else None)
    pair: tuple[str | None, str | None] | None = None
    if nt and (nt, str(build)) in BUILDS:
        client, srv = BUILDS[(nt, str(build))]
        pair = (client[2] if client else None, srv[2] if srv else None)
    elif build in NT10_BUILDS:
        pair = NT10_BUILDS[build]
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
