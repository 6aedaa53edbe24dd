"""Which distribution release a host runs, from what its services say.

Package versions carry the release in their suffix more often than not:
``OpenSSH_7.4p1 Raspbian-10+deb9u7`` is Raspbian 9, ``Debian-6+squeeze5``
Debian 6 (squeeze), ``1ubuntu0.18.04.1`` Ubuntu 18.04, a kernel
``2.6.32-754.el6`` Enterprise Linux 6. Those rules are read here; versions
without such a suffix (``OpenSSH_8.2p1 Ubuntu-4ubuntu0.5``, ``Apache/2.2.15
(CentOS)``) are looked up in ``distro.json``, derived by ``lan-collector data
build`` (see :mod:`collector.refdata.distro_build`).

The release decides whether an ended upstream cycle is really unpatched: a
distribution backports fixes for as long as it supports the release.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from collector.identity import HostEvidence

#: How each distribution is named in facts and flag titles.
NAMES = {"debian": "Debian", "ubuntu": "Ubuntu", "raspbian": "Raspbian", "centos": "CentOS",
         "rhel": "Red Hat Enterprise Linux"}
#: What a banner's parenthesised OS token ("Apache/2.2.15 (CentOS)") names.
TOKENS = {"ubuntu": "ubuntu", "debian": "debian", "raspbian": "raspbian", "centos": "centos", "red hat": "rhel",
          "red hat enterprise linux": "rhel", "rhel": "rhel"}
_SSH = re.compile(r"OpenSSH[_ ](?P<upstream>[0-9][\w.]*)\s+(?P<distro>Debian|Ubuntu|Raspbian)[-\s](?P<revision>\S+)",
                  re.I)
_SERVER = re.compile(r"(?P<product>Apache|nginx)/(?P<upstream>[0-9][\w.]*)\s+\((?P<token>[^)]{2,40})\)", re.I)
_EL = re.compile(r"\.el(\d{1,2})(?:[._]|\b)")
_DEB = re.compile(r"[+~]deb(\d{1,2})u\d+")
_BPO = re.compile(r"~bpo(\d{1,2})")
_UBUNTU_RELEASE = re.compile(r"(?:ubuntu0\.|~(?:ubuntu)?)(\d{2}\.\d{2})(?:\.|$)")


def release_base(revision: str) -> str:
    """The part of a Debian-style package revision that a release ships before
    its own updates: ``10+deb9u7`` -> ``10``, ``4ubuntu0.5`` -> ``4``,
    ``3ubuntu13.5`` -> ``3ubuntu13``, ``6+squeeze5`` -> ``6``."""
    base = re.split(r"[+~]", revision, maxsplit=1)[0]
    base = re.sub(r"ubuntu0(?:\.\d+)*$", "", base)
    base = re.sub(r"(ubuntu\d+)\.\d+.*$", r"\1", base)
    return re.sub(r"\.?(?:woody|sarge|etch|lenny|squeeze|wheezy)[.\d]*$", "", base)


@dataclass(frozen=True)
class Release:
    """A distribution and, when known, its release (``cycle`` as endoflife.date spells it)."""

    distro: str
    cycle: str | None
    how: str
    #: the text names the release (a suffix, a codename), not a version table
    exact: bool = True
    #: the package comes from a paid extended-maintenance channel (Ubuntu ``+esm``)
    esm: bool = False

    @property
    def slug(self) -> str:
        """The endoflife.date product: Raspbian follows Debian's releases."""
        return "debian" if self.distro == "raspbian" else self.distro

    @property
    def name(self) -> str:
        return NAMES[self.distro]

    @property
    def label(self) -> str:
        return f"{self.name} {self.cycle}" if self.cycle else self.name


class DistroTable:
    """Release rules plus the derived package-version table (``distro.json``)."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.releases: dict[str, dict[str, Any]] = data["releases"]
        self.packages: dict[str, dict[str, dict[str, Any]]] = data["packages"]
        self.codenames = {info["codename"]: cycle for cycle, info in self.releases.get("debian", {}).items()
                          if info.get("codename")}

    def _known(self, distro: str, cycle: str) -> str | None:
        return cycle if cycle in self.releases.get("debian" if distro == "raspbian" else distro, {}) else None

    def from_revision(self, distro: str, package: str, upstream: str, revision: str, text: str) -> Release:
        """The release a package version belongs to (``cycle`` None when unknown)."""
        esm = "esm" in revision
        if distro in ("debian", "raspbian"):
            m = _DEB.search(revision)
            cycle = self._known(distro, m.group(1)) if m else None
            if cycle:
                return Release(distro, cycle, f"'{m.group(0)[1:]}' in {text!r}: {NAMES[distro]} {cycle}")  # type: ignore[union-attr]
            m = _BPO.search(revision)
            if m:
                n = int(m.group(1))
                cycle = self._known(distro, str(n // 10 if n >= 40 and n % 10 == 0 else n))
                if cycle:
                    return Release(distro, cycle, f"a backport built for {NAMES[distro]} {cycle} ({text!r})")
            for codename, cycle in self.codenames.items():
                if re.search(rf"(?<![a-z]){codename}(?![a-z])", revision, re.I):
                    return Release(distro, cycle, f"'{codename}' in {text!r}: {NAMES[distro]} {cycle}")
        if distro == "ubuntu":
            m = _UBUNTU_RELEASE.search(revision)
            if m and self._known(distro, m.group(1)):
                return Release(distro, m.group(1), f"'{m.group(1)}' in {text!r}", esm=esm)
        cycle = self._lookup(distro, package, upstream, revision)
        if cycle:
            return Release(distro, cycle, f"{package} {upstream}-{revision} is the package {NAMES[distro]} {cycle} "
                                          "ships", exact=False, esm=esm)
        return Release(distro, None, f"{text!r} names {NAMES[distro]}", exact=False, esm=esm)

    def _lookup(self, distro: str, package: str, upstream: str, revision: str) -> str | None:
        """Exact release base first, then the Debian revision, then the upstream
        version alone; each only when it points at one release."""
        table = self.packages.get(package, {}).get("debian" if distro == "raspbian" else distro, {})
        if not table:
            return None
        digits = re.match(r"\d*", revision).group(0) if revision else ""  # type: ignore[union-attr]
        tries = [lambda k: k == f"{upstream}-{release_base(revision)}"] if revision else []
        if digits:
            tries.append(lambda k: k.startswith(f"{upstream}-{digits}") and not k[len(upstream) + 1 + len(digits):]
                         [:1].isdigit())
        tries.append(lambda k: k == upstream or k.startswith(f"{upstream}-"))
        for match in tries:
            cycles = {c for key, entry in table.items() if match(key) for c in entry["releases"]}
            if len(cycles) == 1:
                return cycles.pop()
            if cycles:
                return None  # ambiguous: say nothing rather than guess
        return None

    def from_ssh(self, software: str) -> Release | None:
        """``OpenSSH_7.4p1 Raspbian-10+deb9u7`` (an SSH banner's software part)."""
        m = _SSH.search(software[:256])
        if not m:
            return None
        revision = re.sub(r"^\d+:[^-\s]+-", "", m.group("revision"))  # "Debian 1:3.4p1-1.woody.3"
        return self.from_revision(m.group("distro").lower(), "openssh", m.group("upstream"), revision,
                                  m.group(0)[:80])

    def from_server(self, server: str) -> Release | None:
        """``Apache/2.2.15 (CentOS)``, ``nginx/1.24.0 (Ubuntu)`` (an HTTP Server header)."""
        m = _SERVER.search(server[:256])
        if not m:
            return None
        distro = TOKENS.get(m.group("token").strip().lower())
        if distro is None:
            return None
        package = "apache2" if m.group("product").lower() == "apache" else m.group("product").lower()
        table_distro = "centos" if distro == "rhel" else distro
        cycle = self._lookup(table_distro, package, m.group("upstream"), "")
        text = m.group(0)[:80]
        if cycle:
            return Release(distro, cycle, f"{text!r}: {m.group('product')} {m.group('upstream')} is the package "
                                          f"{NAMES[distro]} {cycle} ships", exact=False)
        return Release(distro, None, f"{text!r} names {NAMES[distro]}", exact=False)

    def from_text(self, text: str) -> Release | None:
        """An Enterprise Linux or Debian kernel in any text (an SNMP sysDescr):
        ``2.6.32-754.35.1.el6.x86_64``, ``Debian 4.19.67-2+deb10u2``."""
        m = _EL.search(text[:512])
        if m and self._known("rhel", m.group(1)):
            return Release("rhel", m.group(1), f"'.el{m.group(1)}' in {text[:60]!r}: Enterprise Linux {m.group(1)}")
        m = _DEB.search(text[:512])
        if m and "Debian" in text and self._known("debian", m.group(1)):
            return Release("debian", m.group(1), f"'{m.group(0)[1:]}' in {text[:60]!r}: Debian {m.group(1)}")
        return None


@lru_cache(maxsize=1)
def table() -> DistroTable:
    from collector.refdata import load_json

    return DistroTable(load_json("distro.json"))


def _candidates(host: HostEvidence, dt: DistroTable) -> list[Release]:
    found: list[Release] = []
    for s in host.services:
        for text in (s.banner, s.extra):
            if not text:
                continue
            for r in (dt.from_ssh(text), dt.from_server(text)):
                if r:
                    found.append(r)
    for obs in host.observations:
        system: Any = obs.raw.get("system") if obs.plugin == "snmp" else None
        if system and system.get("sysDescr"):
            r = dt.from_text(system["sysDescr"])
            if r:
                found.append(r)
    return found


def distro_release(host: HostEvidence, dt: DistroTable | None = None) -> Release | None:
    """The host's distribution release, or None: a release a banner names
    beats one read from a version table; a CentOS banner names the
    Enterprise Linux release a kernel's ``.el6`` gives."""
    dt = dt or table()
    found = _candidates(host, dt)
    named = {r.distro for r in found}
    known = sorted((r for r in found if r.cycle), key=lambda r: (not r.exact, r.distro == "rhel"))
    if not known:
        return None
    best = known[0]
    if best.distro == "rhel" and "centos" in named:
        best = Release("centos", best.cycle, best.how + "; a banner names CentOS", best.exact)
    return best


#: What follows a release's regular end of security support, per distribution
#: (endoflife.date gives the dates, ``eoes``; who gets the updates is curated
#: here): Debian LTS reaches every Debian install through the security
#: archive; Ubuntu's Expanded Security Maintenance needs an Ubuntu Pro
#: subscription; Red Hat's Extended Life Cycle Support is a paid add-on; it is
#: not known whether Debian LTS updates reach Raspbian's own archive.
EXTENDED = {
    "debian": (30, "Debian LTS supports it until {eoes} (free, through the security archive)"),
    "raspbian": (60, "Debian LTS runs until {eoes}, but Raspbian builds its own archive: it may not get those fixes"),
    "ubuntu": (60, "Expanded Security Maintenance (Ubuntu Pro) runs until {eoes}: patched only if the host is "
                   "enrolled"),
    "rhel": (60, "Extended Life Cycle Support (paid add-on) runs until {eoes}: patched only if subscribed"),
}
ESM_SEEN = (30, "the package version carries '+esm': the host gets Expanded Security Maintenance until {eoes}")


def support_state(release: Release, releases: list[dict[str, Any]], today: Any) -> tuple[str, int, str] | None:
    """("supported" | "extended" | "ended", confidence that it is unpatched, why)
    for a release on ``today``; None when the release is not in the data."""
    import datetime as _dt

    record = next((r for r in releases if r["cycle"] == release.cycle), None)
    if record is None:
        return None

    def past(value: Any) -> bool:
        return value is True or (isinstance(value, str) and _dt.date.fromisoformat(value) <= today)

    eol, eoes = record.get("eol"), record.get("eoes")
    if not past(eol):
        return "supported", 0, f"{release.label} is supported until {eol}" if isinstance(eol, str) else \
            f"{release.label} is supported"
    ended = f"{release.label}: regular security support ended {eol if isinstance(eol, str) else ''}".rstrip()
    if isinstance(eoes, str) and not past(eoes):
        confidence, note = ESM_SEEN if release.esm else EXTENDED.get(release.distro, (60, "extended support until {eoes}"))
        return "extended", confidence, f"{ended}; {note.format(eoes=eoes)}"
    if isinstance(eoes, str):
        ended += f"; extended support ended {eoes} too"
    return "ended", 80, ended
