"""Windows releases from what a host says, and whether they are past end of
life: the build (SNMP sysDescr, the NTLMSSP Version field of SMB, SMB1
NativeOS, nmap's SMB answer) mapped through the table derived from
endoflife.date (:mod:`collector.assess.winbuilds`), with the role
(workstation or server) decided from what the host reveals."""

from __future__ import annotations

import datetime as _dt
import re
from dataclasses import dataclass, field
from typing import Any

from collector.assess.winbuilds import WindowsRelease, drop_rare_servers, releases_for
from collector.identity import HostEvidence

_SYSDESCR = re.compile(r"Software: Windows (?:Version|\S+ Version) (\d+\.\d+) \(Build (\d+)")
#: Microsoft's sysObjectIDs: .1.1 workstation, .1.2 server, .1.3 domain controller.
_SERVER_OIDS = ("1.3.6.1.4.1.311.1.1.3.1.2", "1.3.6.1.4.1.311.1.1.3.1.3")
_CLIENT_OID = "1.3.6.1.4.1.311.1.1.3.1.1"
#: SMB1 NativeOS: "Windows 7 Professional 7601 Service Pack 1", "Windows Server 2008 R2 Standard 7601 ..."
_NATIVE_OS = re.compile(r"^Windows (?P<server>Server )?.*?(?P<build>\d{4,5})(?: Service Pack (?P<sp>\d))?$")
#: NetBIOS suffixes only domain controllers register: <1C> domain controllers, <1B> domain master browser.
_DC_SUFFIXES = {"1b", "1c"}


@dataclass
class BuildClaim:
    """One source's statement of the build."""

    nt: str | None
    build: int
    ntlm: bool  # from an NTLMSSP Version field (servicing base build)
    server: bool | None  # what the same source says of the role
    how: str
    evidence: dict[str, Any] = field(default_factory=dict)


def build_claims(host: HostEvidence) -> list[BuildClaim]:
    """Every build a source stated, most exact first (SNMP and SMB1 state the
    release build; NTLMSSP only the servicing base)."""
    claims: list[BuildClaim] = []
    for obs in host.observations:
        system = obs.raw.get("system") if obs.plugin == "snmp" else None
        if system:
            descr, oid = system.get("sysDescr") or "", system.get("sysObjectID") or ""
            m = _SYSDESCR.search(descr)
            if m:
                role = True if oid.startswith(_SERVER_OIDS) else False if oid.startswith(_CLIENT_OID) else None
                claims.append(BuildClaim(m.group(1), int(m.group(2)), False, role, "SNMP sysDescr build",
                                         {"sysDescr": descr[:200], "sysObjectID": oid}))
        win = obs.raw.get("windows")
        if isinstance(win, dict) and isinstance(win.get("build"), int):
            claims.append(BuildClaim(win.get("nt"), win["build"], bool(win.get("ntlm")), win.get("server"),
                                     str(win.get("how") or obs.plugin), {"source": obs.plugin,
                                                                        **(win.get("evidence") or {})}))
    for svc in host.services:
        m = _NATIVE_OS.match(svc.product or "") if svc.source == "nmap" else None
        if m:
            claims.append(BuildClaim(None, int(m.group("build")), False, bool(m.group("server")), "nmap SMB OS",
                                     {"service": f"{svc.port}/{svc.proto}", "product": svc.product}))
    return sorted(claims, key=lambda c: c.ntlm)


def native_os_build(native_os: str) -> tuple[int, bool] | None:
    """(build, server) from an SMB1 NativeOS string, or None."""
    m = _NATIVE_OS.match(native_os.strip())
    return (int(m.group("build")), bool(m.group("server"))) if m else None


def host_role(host: HostEvidence, claims: list[BuildClaim] | None = None) -> tuple[bool | None, str]:
    """Server (True), workstation (False) or unknown (None), and why."""
    for c in claims if claims is not None else build_claims(host):
        if c.server is not None:
            return c.server, c.how
    ports = {s.port for s in host.services if s.state == "open"}
    if {88, 389} <= ports:
        return True, "Kerberos and LDAP answer: a domain controller"
    for obs in host.observations:
        names = (obs.raw.get("netbios") or {}).get("names") or [] if obs.plugin == "netbios" else []
        if any(str(n.get("suffix", "")).lower() in _DC_SUFFIXES for n in names if isinstance(n, dict)):
            return True, "NetBIOS domain-controller names (<1B>/<1C>) registered"
    device_class = host.value("device_class")
    if device_class in ("server", "workstation"):
        fact = host.best.get("device_class")
        if fact and fact.confidence >= 70:
            return device_class == "server", f"device class {device_class} ({fact.source})"
    return None, "role not revealed"


@dataclass
class Verdict:
    """What the evidence says of the host's Windows release."""

    candidates: list[WindowsRelease]
    claim: BuildClaim
    server: bool | None
    role_how: str

    @property
    def products(self) -> list[str]:
        return list(dict.fromkeys(r.product for r in self.candidates))

    @property
    def releases(self) -> list[str]:
        return list(dict.fromkeys(r.release for r in self.candidates if r.release))

    def label(self) -> str:
        products = self.products
        if len(products) != 1:
            return " or ".join(dict.fromkeys(r.label for r in self.candidates if r.edition == ""))
        releases = self.releases
        if len(releases) > 1:
            return f"{products[0]} {releases[0]}-{releases[-1]}"
        return f"{products[0]} {releases[0]}" if releases else products[0]


def verdict(host: HostEvidence) -> Verdict | None:
    claims = build_claims(host)
    if not claims:
        return None
    server, how = host_role(host, claims)
    for claim in claims:
        found = releases_for(claim.build, claim.nt, server=server, ntlm=claim.ntlm)
        if server is None:
            found, dropped = drop_rare_servers(found)
            if dropped:
                server, how = False, "the build's only server releases are semi-annual Server Core: a workstation"
        if found:
            return Verdict(found, claim, server, how)
    return None


def _ended(when: str | bool | None, today: _dt.date) -> bool:
    return when is True or (isinstance(when, str) and _dt.date.fromisoformat(when) <= today)


def eol_assessment(v: Verdict, today: _dt.date) -> dict[str, Any] | None:
    """None when no candidate has ended; else what ended, and how sure we
    are: 80 when every release it may be has ended; 75 when Microsoft still
    sells Extended Security Updates (we cannot see whether the device is
    enrolled) or a long-term-servicing edition of the build is supported; 40
    when only some of the releases it may be have ended."""
    # the releases most hosts run: not long-term servicing editions, not the
    # semi-annual Server Core channel when a mainstream release shares the build
    general = [r for r in v.candidates if r.edition in ("", "E", "W")] or v.candidates
    ended = [r for r in general if _ended(r.eol, today)]
    if not ended:
        return None
    esu = max((r.eoes for r in ended if r.eoes and not _ended(r.eoes, today)), default=None)
    long_term = [r for r in v.candidates if r.edition in ("LTSC", "IoT") and not _ended(r.eol, today)]
    notes = []
    if len(ended) < len(general):
        confidence = 40
        live = [r for r in general if r not in ended]
        notes.append("only some of the releases this build may be have ended; still supported: "
                     + ", ".join(f"{r.label}{' (' + r.edition + ')' if r.edition else ''} until {r.eol}"
                                 for r in live))
    else:
        confidence = 80
    if esu:
        confidence = min(confidence, 75)
        notes.append(f"Microsoft sells Extended Security Updates until {esu}: we cannot see whether this device "
                     "is enrolled")
    if long_term:
        confidence = min(confidence, 75)
        notes.append("a long-term servicing (LTSC/IoT) edition of this build is supported until "
                     + max(str(r.eol) for r in long_term) + ": we cannot see the edition")
    last = max(ended, key=lambda r: str(r.eol))
    return {"release": last, "confidence": confidence, "notes": notes, "esu_until": esu,
            "ended": [f"{r.label}{' (' + r.edition + ')' if r.edition else ''}: {r.eol}" for r in ended]}


def windows_release(host: HostEvidence, today: _dt.date) -> tuple[str, dict[str, Any], str, dict[str, Any], int] | None:
    """(endoflife product, release cycle record, title, evidence, confidence)
    of an ended Windows release, or None."""
    v = verdict(host)
    if v is None:
        return None
    if v.server is None and len({r.server for r in v.candidates}) > 1:
        # a build shared by a workstation and a server release: flag only if both ended
        both = eol_assessment(v, today)
        if both is None or both["confidence"] < 75:
            return None
    found = eol_assessment(v, today)
    if found is None:
        return None
    rel: WindowsRelease = found["release"]
    evidence = {"how": v.claim.how, "build": f"{v.claim.nt or rel.nt}.{v.claim.build}",
                "candidates": [r.label for r in v.candidates][:12], "role": v.role_how,
                "ended": found["ended"][:12], **v.claim.evidence}
    if v.claim.ntlm:
        evidence["note_build"] = "NTLMSSP reports the servicing base build shared by several releases"
    if found["notes"]:
        evidence["notes"] = found["notes"]
    if found["esu_until"]:
        evidence["extended_security_updates_until"] = found["esu_until"]
    cycle = {"cycle": rel.cycle, "eol": rel.eol, "eoes": rel.eoes, "latest": rel.os_build}
    return rel.slug, cycle, v.label(), evidence, found["confidence"]
