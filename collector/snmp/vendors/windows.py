"""Microsoft Windows SNMP service. sysDescr carries the NT version and
build; sysObjectID says workstation (…3.1.1), server (…3.1.2) or domain
controller (…3.1.3)."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "Microsoft"
PREFIXES = ("1.3.6.1.4.1.311",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []
_ROLE = {"1.3.6.1.4.1.311.1.1.3.1.1": "workstation", "1.3.6.1.4.1.311.1.1.3.1.2": "server",
         "1.3.6.1.4.1.311.1.1.3.1.3": "server"}


def identify(walk, mibs, claims: Claims) -> None:
    from collector.assess.winbuilds import normalise, releases_for

    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    oid = walk.oid("1.3.6.1.2.1.1.2.0") or ""
    role = _ROLE.get(oid)
    if role:
        claims.add("device_class", role, 85, f"Windows sysObjectID ({'domain controller' if oid.endswith('.3') else role})")
    # "... Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)"
    # "... Software: Windows 2000 Version 5.1 (Build 2600 Uniprocessor Free)" (XP reports itself so)
    # "... Software: Windows Version 6.3 (Build 19045 Multiprocessor Free)" (Windows 10: 6.3 by compatibility)
    nt = first_match(r"Version\s+(\d+\.\d+)", descr)
    build = first_match(r"Build\s+(\d{1,9})(?!\d)", descr)  # a number, not 4,000 digits to int()
    if build:
        found = releases_for(int(build), nt, server=(role == "server") if role else None)
        products = list(dict.fromkeys(r.product for r in found))
        releases = list(dict.fromkeys(r.release for r in found))
        evidence = f"sysDescr build {build} (Windows build table from endoflife.date)"
        if len(products) == 1:
            claims.add("os_name", products[0], 88, evidence)
            if len(releases) == 1 and releases[0]:
                claims.add("os_version", releases[0], 85, evidence)
        elif "Windows" in descr:
            claims.add("os_name", "Windows", 60, "sysDescr")
        claims.add("os_build", f"{normalise(nt, int(build))}.{build}", 88, f"sysDescr build {build}")
        claims.extras["os_build"] = build
    elif "Windows" in descr:
        claims.add("os_name", "Windows", 60, "sysDescr")
