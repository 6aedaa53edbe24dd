"""Windows NT builds -> product, release and end-of-life cycles.

Derived from the shipped endoflife.date data (``eol.json``: the ``windows``
and ``windows-server`` products; each cycle's ``latest`` is the NT
``major.minor.build`` of that release), so refreshing the reference data with
``lan-collector data build`` refreshes this table. What endoflife.date does
not carry is curated below, each entry with its source.

A Windows host states its build in several places: the NTLMSSP CHALLENGE
Version field (SMB, RDP, HTTP), the SNMP sysDescr, SMB1 NativeOS. The NTLMSSP
field carries the *servicing base* build, not the release build: Windows 10
20H2-22H2 (19042-19045) say 19041, 1909 says 18362, Windows 11 23H2 says
22621 and 25H2 says 26100 (releases delivered as "enablement packages" on the
same base). :func:`releases_for` answers with every release a reported build
may be, and the caller states how sure it is.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

#: Releases endoflife.date does not list, or lists with a wrong build.
#: (slug, cycle, product, release, nt, build, eol, server, source)
CURATED: tuple[tuple[str, str, str, str | None, str, int, str, bool, str], ...] = (
    ("windows", "7-rtm", "Windows 7", None, "6.1", 7600, "2013-04-09", False,
     "Microsoft lifecycle: support for Windows 7 RTM (without SP1) ended 2013-04-09"),
    ("windows-server", "2008-r2-rtm", "Windows Server 2008 R2", None, "6.1", 7600, "2013-04-09", True,
     "Microsoft lifecycle: Windows Server 2008 R2 RTM (without SP1) support ended 2013-04-09"),
    ("windows", "6-sp2", "Windows Vista", "SP2", "6.0", 6002, "2017-04-11", False,
     "endoflife.date gives Vista SP2 as 6.0.6200; Microsoft's Vista SP2 build is 6.0.6002"),
    ("windows", "6-sp1", "Windows Vista", "SP1", "6.0", 6001, "2011-07-12", False,
     "Microsoft lifecycle: Windows Vista SP1 support ended 2011-07-12"),
    ("windows-server", "2008-sp1", "Windows Server 2008", "SP1", "6.0", 6001, "2011-07-12", True,
     "Microsoft lifecycle: Windows Server 2008 shipped at SP1 level (6.0.6001); SP1 support ended 2011-07-12"),
    ("windows", "xp-x64", "Windows XP x64", None, "5.2", 3790, "2014-04-08", False,
     "Microsoft lifecycle: Windows XP Professional x64 (NT 5.2.3790) support ended 2014-04-08"),
    ("windows", "2000-pro", "Windows 2000", None, "5.0", 2195, "2010-07-13", False,
     "Microsoft lifecycle: Windows 2000 Professional support ended 2010-07-13"),
)
#: Corrections to endoflife.date rows: every Windows XP service pack reports
#: 5.1.2600, so the build cannot say "SP3".
ROW_FIXES: dict[tuple[str, str], dict[str, Any]] = {("windows", "5-sp3"): {"release": None}}
#: Further builds of a cycle endoflife.date lists once: Server 2008 SP2
#: reported 6.0.6002 until a 2019 update made it 6.0.6003 (Microsoft KB4489887).
EXTRA_BUILDS = {("windows-server", "2008-sp2"): (6002,)}
#: Builds a release reports in NTLMSSP: its servicing base (see module doc).
#: Sources: runZero research "Fingerprinting Windows build numbers" (2021:
#: 2004-21H2 report 10.0.19041, 1903/1909 report 10.0.18362); Microsoft release
#: notes: 20H2-22H2 are enablement packages on 19041, Windows 11 23H2 on 22621,
#: 25H2 on 26100.
SERVICING_BASE = {18363: 18362, 19042: 19041, 19043: 19041, 19044: 19041, 19045: 19041, 22631: 22621,
                  26200: 26100}
#: Server releases whose client twin shares the build keep the LTSC name.
_SERVER_LABEL = re.compile(r"^(\d{4})(?:-(r2))?(?:-(sp\d))?$")


@dataclass(frozen=True)
class WindowsRelease:
    """One Windows release (a row of the table)."""

    product: str  # "Windows 10", "Windows Server 2019"
    release: str | None  # "22H2", "SP1", None
    nt: str  # "10.0"
    build: int
    server: bool
    slug: str  # endoflife.date product
    cycle: str  # endoflife.date cycle
    edition: str  # "" (all), "E" (Enterprise/Education), "W" (Home/Pro), "LTSC", "IoT", "SAC", "AC"
    eol: str | bool | None
    eoes: str | None  # end of Extended Security Updates (paid), if any
    source: str = "endoflife.date"

    @property
    def os_build(self) -> str:
        return f"{self.nt}.{self.build}"

    @property
    def label(self) -> str:
        return f"{self.product} {self.release}" if self.release else self.product


def _parse_latest(latest: str | None) -> tuple[str, int] | None:
    m = re.fullmatch(r"(\d+\.\d+)\.(\d+)", latest or "")
    return (m.group(1), int(m.group(2))) if m else None


def _client_row(r: dict[str, Any]) -> WindowsRelease | None:
    nt_build = _parse_latest(r.get("latest"))
    if nt_build is None:
        return None
    cycle, label = r["cycle"], r.get("label") or r["cycle"]
    edition = ("LTSC" if cycle.endswith("-lts") and "iot" not in cycle else "IoT" if "iot" in cycle
               else "E" if cycle.endswith("-e") else "W" if cycle.endswith("-w") else "")
    m = re.match(r"^(\d+(?:\.\d+)?|Vista|XP)\b\s*(\S+)?", label)
    if not m:
        return None
    release = m.group(2) if m.group(2) and not m.group(2).startswith("(") and m.group(2) not in ("IoT", "IOT") \
        else None
    return WindowsRelease(f"Windows {m.group(1)}", release, nt_build[0], nt_build[1], False, "windows", cycle,
                          edition, r.get("eol"), r.get("eoes"))


def _server_row(r: dict[str, Any]) -> WindowsRelease | None:
    nt_build = _parse_latest(r.get("latest"))
    if nt_build is None:
        return None
    cycle = r["cycle"]
    m = _SERVER_LABEL.match(cycle)
    if m:
        product = f"Windows Server {m.group(1)}" + (" R2" if m.group(2) else "")
        if product == "Windows Server 2000":
            product = "Windows 2000 Server"  # its own name
        release, edition = (m.group(3).upper() if m.group(3) else None), ""  # the mainstream channel
    else:  # "1809-sac", "23h2-ac": semi-annual / annual channel releases
        version, _, channel = cycle.partition("-")
        product, release, edition = "Windows Server", version.upper(), channel.upper()
    return WindowsRelease(product, release, nt_build[0], nt_build[1], True, "windows-server", cycle, edition,
                          r.get("eol"), r.get("eoes"))


def derive(eol_data: dict[str, Any]) -> list[WindowsRelease]:
    """Every release with its build, from endoflife.date's data plus :data:`CURATED`."""
    rows: list[WindowsRelease] = []
    products = eol_data.get("products", {})
    curated = {(c[0], c[1]) for c in CURATED}
    for r in products.get("windows", {}).get("releases", []):
        row = _client_row(r)
        if row and ("windows", row.cycle) not in curated:
            rows.append(row)
    for r in products.get("windows-server", {}).get("releases", []):
        row = _server_row(r)
        if row and ("windows-server", row.cycle) not in curated:
            rows.append(row)
    rows = [dataclasses.replace(r, **ROW_FIXES[(r.slug, r.cycle)]) if (r.slug, r.cycle) in ROW_FIXES else r
            for r in rows]
    for row in list(rows):
        for build in EXTRA_BUILDS.get((row.slug, row.cycle), ()):
            rows.append(dataclasses.replace(row, build=build))
    for slug, cycle, product, release, nt, build, eol, server, source in CURATED:
        rows.append(WindowsRelease(product, release, nt, build, server, slug, cycle, "", eol, None, source))
    return rows


@lru_cache(maxsize=1)
def table() -> tuple[WindowsRelease, ...]:
    from collector.refdata import load_json

    return tuple(derive(load_json("eol.json")))


def normalise(nt: str | None, build: int) -> str:
    """The NT version a build belongs to (Windows 10's SNMP agent says
    "Version 6.3 (Build 19045)": compatibility shims report 6.3)."""
    if build >= 10240:
        return "10.0"
    return nt or ""


def releases_for(build: int, nt: str | None = None, *, server: bool | None = None, ntlm: bool = False,
                 rows: tuple[WindowsRelease, ...] | list[WindowsRelease] | None = None) -> list[WindowsRelease]:
    """Every release a reported build may be. ``ntlm``: the build came from an
    NTLMSSP Version field (servicing base: also the enablement-package
    releases built on it). ``server``: role known (True/False) or not (None)."""
    rows = table() if rows is None else rows
    nt = normalise(nt, build)
    builds = {build}
    if ntlm:
        builds |= {b for b, base in SERVICING_BASE.items() if base == build}
    found = [r for r in rows if r.build in builds and (not nt or r.nt == nt)
             and (server is None or r.server == server)]
    return sorted(found, key=lambda r: (r.server, r.build, r.product, r.release or "", r.edition))


def drop_rare_servers(found: list[WindowsRelease]) -> tuple[list[WindowsRelease], bool]:
    """When a build's only server releases are semi-annual/annual-channel
    Server Core (19041: Server 2004/20H2 SAC), take the workstation release:
    (releases, whether that was done)."""
    servers = [r for r in found if r.server]
    if servers and len(servers) < len(found) and all(r.edition in ("SAC", "AC") for r in servers):
        return [r for r in found if not r.server], True
    return found, False
