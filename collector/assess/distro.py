"""Which distribution release a host runs, from what its services say:
the OpenSSH package a release ships (``OpenSSH_8.9p1 Ubuntu-3ubuntu0.6`` is
Ubuntu 22.04) or an Enterprise Linux tag (``2.6.32-754.el6``, ``.el7``).

Used to judge distribution packages: an upstream cycle that ended may still
be supported by a current distribution release, and is not by an old one.
"""

from __future__ import annotations

import re
from typing import Any

from collector.identity import HostEvidence

#: OpenSSH upstream version -> (endoflife.date product, cycle) of the release that ships it.
OPENSSH_UBUNTU = {"6.6p1": "14.04", "7.2p2": "16.04", "7.6p1": "18.04", "8.2p1": "20.04", "8.9p1": "22.04",
                  "9.3p1": "23.10", "9.6p1": "24.04", "9.7p1": "24.10", "9.9p1": "25.04"}
OPENSSH_DEBIAN = {"6.0p1": "7", "6.7p1": "8", "7.4p1": "9", "7.9p1": "10", "8.4p1": "11", "9.2p1": "12",
                  "10.0p1": "13"}
_SSH = re.compile(r"OpenSSH[_ ](\S+?)\s+(Ubuntu|Debian)", re.I)
_EL = re.compile(r"\.el(\d+)(?:[._]|\b)")


def distro_release(host: HostEvidence) -> tuple[str, str, str] | None:
    """(endoflife.date product, cycle, how we know) or None."""
    texts: list[str] = []
    for s in host.services:
        texts += [t for t in (s.banner, s.version, s.extra) if t]
    for obs in host.observations:
        system: Any = obs.raw.get("system") if obs.plugin == "snmp" else None
        if system and system.get("sysDescr"):
            texts.append(system["sysDescr"])
    for text in texts:
        m = _SSH.search(text.replace("_", " ", 1) if "SSH-" in text else text)
        if m:
            version, distro = m.group(1), m.group(2).lower()
            table = OPENSSH_UBUNTU if distro == "ubuntu" else OPENSSH_DEBIAN
            if version in table:
                return distro, table[version], f"OpenSSH {version} is the package of {distro.title()} {table[version]}"
    for text in texts:
        m = _EL.search(text)
        if m:
            return "rhel", m.group(1), f"'.el{m.group(1)}' in {text[:60]!r}: Enterprise Linux {m.group(1)}"
    return None
