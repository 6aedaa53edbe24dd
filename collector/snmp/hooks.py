"""The few things definitions cannot say as data, as named pure functions.

A definition refers to a hook by name (``{hook: windows}``); the engine
calls ``HOOKS[name](view, field)`` and claims what it returns for that
field (``None``: nothing). Keep hooks few, small and pure.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any


#: Microsoft's sysObjectIDs: .1.1 workstation, .1.2 server, .1.3 domain controller.
WINDOWS_ROLES = {"1.3.6.1.4.1.311.1.1.3.1.1": "workstation", "1.3.6.1.4.1.311.1.1.3.1.2": "server",
                 "1.3.6.1.4.1.311.1.1.3.1.3": "server"}
# "... Software: Windows Version 6.1 (Build 7601 Multiprocessor Free)"
# "... Software: Windows 2000 Version 5.1 (Build 2600 Uniprocessor Free)" (XP reports itself so)
# "... Software: Windows Version 6.3 (Build 19045 Multiprocessor Free)" (Windows 10: 6.3 by compatibility)
_WINDOWS = re.compile(r"Windows\b.*?\bVersion\s+(\d+\.\d+)\s+\(Build\s+(\d{1,9})(?!\d)")


def windows(view: Any, field: str) -> str | None:
    """Windows product (``Windows 10``), release (``22H2``), build
    (``10.0.19045``) and role from sysDescr's NT version and build, through
    the build table derived from endoflife.date (collector.assess.winbuilds);
    the role from the sysObjectID, else from a product that is only a client
    or only a server."""
    from collector.assess.winbuilds import drop_rare_servers, normalise, releases_for

    descr = view.system("sys_descr") or ""
    role = WINDOWS_ROLES.get(view.system("sys_object_id") or "")
    m = _WINDOWS.search(descr[:2048])
    if m is None:
        return role if field == "device_class" else None
    nt, build = m.group(1), int(m.group(2))
    found, _ = drop_rare_servers(releases_for(build, nt, server=(role == "server") if role else None))
    # a build that is both an LTSC release and a semi-annual one (17763: Server 2019
    # and Server 1809): the LTSC, which is what offices install
    lasting = [r for r in found if r.edition not in ("SAC", "AC")]
    if lasting:
        found = lasting
    products = list(dict.fromkeys(r.product for r in found))
    releases = list(dict.fromkeys(r.release for r in found))
    product = products[0] if len(products) == 1 else None
    if role is None and product:
        role = "server" if "Server" in product else "workstation"
    return {"os_name": product or "Windows", "os_version": releases[0] if product and len(releases) == 1 else None,
            "os_build": f"{normalise(nt, build)}.{build}", "device_class": role}.get(field)


HOOKS: dict[str, Callable[[Any, str], str | None]] = {
    "windows": windows,
}
