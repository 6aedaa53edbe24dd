"""What an SMB server's anonymous answers say about the host: pure functions
from the raw responses the ``smb`` plugin recorded to facts, a service
record, software, identifiers and the raw summary the rules read.

Confidence: the NTLMSSP Version field and names are what the host states
about itself in a structured field (80-90); the release of a servicing-base
build shared by several releases, and the role of a build shared by a
workstation and a server release, are stated with less (55-70).
"""

from __future__ import annotations

import re
import struct
from typing import Any

from collector.assess.winbuilds import drop_rare_servers, releases_for
from collector.banners import escape_banner
from collector.model import Fact, Identifier, Service, Software
from collector.proto import smb

SOURCE = "smb"
_SAMBA = re.compile(r"^Samba (?P<version>\d+(?:\.\d+)+)(?P<suffix>\S*)")
_NATIVE_OS = re.compile(r"^Windows (?P<server>Server )?.*?(?P<build>\d{4,5})(?: Service Pack (?P<sp>\d))?$")


def _clean(text: object, limit: int = 255) -> str | None:
    if not isinstance(text, str):
        return None
    text = escape_banner(text.strip().strip("\x00"), limit)
    return text or None


def summarize(responses: dict[str, bytes]) -> dict[str, Any]:
    """Parse what was recorded: ``smb2_negotiate``, ``smb2_session_setup``,
    ``smb1_negotiate``, ``smb1_session_setup`` (any may be missing). Broken
    answers are reported, never raised."""
    out: dict[str, Any] = {}
    errors = []
    if "smb2_negotiate" in responses:
        try:
            out["smb2"] = smb.parse_smb2_negotiate(responses["smb2_negotiate"])
        except (ValueError, struct.error) as exc:
            errors.append(f"smb2 negotiate: {exc}")
    if "smb2_session_setup" in responses:
        try:
            out["ntlm"] = smb.challenge_of(smb.parse_smb2_session_setup(responses["smb2_session_setup"]))
        except (ValueError, struct.error) as exc:
            errors.append(f"smb2 session setup: {exc}")
    if "smb1_negotiate" in responses:
        try:
            out["smb1"] = smb.parse_smb1_negotiate(responses["smb1_negotiate"])
            # the domain and server names a pre-extended-security server states are untrusted text too
            out["smb1"].update({k: _clean(out["smb1"][k]) for k in ("domain", "server") if k in out["smb1"]})
        except (ValueError, struct.error) as exc:
            errors.append(f"smb1 negotiate: {exc}")
    if "smb1_session_setup" in responses:
        try:
            setup = smb.parse_smb1_session_setup(responses["smb1_session_setup"])
            out.setdefault("smb1", {"accepted": True}).update(
                {k: _clean(v) for k, v in setup.items() if k != "security_blob"})
            if out.get("ntlm") is None:
                out["ntlm"] = smb.challenge_of(setup["security_blob"])
        except (ValueError, struct.error) as exc:
            errors.append(f"smb1 session setup: {exc}")
    if out.get("ntlm"):
        info = out["ntlm"].get("target_info", {})
        out["ntlm"]["target_info"] = {k: (_clean(v) if isinstance(v, str) else v) for k, v in info.items()}
        if out["ntlm"].get("target_name"):
            out["ntlm"]["target_name"] = _clean(out["ntlm"]["target_name"])
    if errors:
        out["errors"] = errors
    return out


def _windows_build(summary: dict[str, Any]) -> dict[str, Any] | None:
    """The build the host stated: SMB1 NativeOS (the release build) wins over
    the NTLMSSP Version field (the servicing base)."""
    native = (summary.get("smb1") or {}).get("native_os") or ""
    m = _NATIVE_OS.match(native)
    if m:
        return {"build": int(m.group("build")), "nt": None, "ntlm": False, "server": bool(m.group("server")),
                "how": "SMB1 NativeOS", "evidence": {"native_os": native}}
    version = (summary.get("ntlm") or {}).get("version")
    if version and version.get("build") and not is_samba(summary):
        return {"build": version["build"], "nt": f"{version['major']}.{version['minor']}", "ntlm": True,
                "server": None, "how": "NTLMSSP version (SMB)",
                "evidence": {"ntlm_version": f"{version['major']}.{version['minor']}.{version['build']}"}}
    return None


def is_samba(summary: dict[str, Any]) -> bool:
    """Samba names itself in SMB1 NativeLM; over SMB2 only, its NTLMSSP Version
    field says 6.1 build 0 (no Windows release has build 0)."""
    if _SAMBA.match((summary.get("smb1") or {}).get("native_lm") or ""):
        return True
    version = (summary.get("ntlm") or {}).get("version") or {}
    return version.get("build") == 0 and (version.get("major"), version.get("minor")) == (6, 1)


def observation_parts(summary: dict[str, Any], port: int = 445, role_hint: tuple[bool, str] | None = None
                      ) -> tuple[list[Fact], list[Service], list[Software], list[Identifier], dict[str, Any]]:
    """Facts, the SMB service, software, identifiers and the raw record.
    ``role_hint``: (server, why) from what else the scan saw (e.g. a domain
    controller's Kerberos and LDAP ports)."""
    facts: list[Fact] = []
    software: list[Software] = []
    identifiers: list[Identifier] = []
    raw: dict[str, Any] = {"smb": summary}
    smb2, smb1, ntlm = summary.get("smb2") or {}, summary.get("smb1") or {}, summary.get("ntlm") or {}
    info = ntlm.get("target_info") or {}
    dialects = [d for d in (smb2.get("dialect"), "1 (NT LM 0.12)" if smb1.get("accepted") else None) if d]
    signing = smb2 if smb2 else smb1
    extra = "; ".join(x for x in (f"dialects: {', '.join(dialects)}" if dialects else None,
                                  ("signing required" if signing.get("signing_required") else "signing not required")
                                  if signing else None) if x) or None
    product, version, cpe = None, None, None
    samba = is_samba(summary)
    if samba:
        m = _SAMBA.match(smb1.get("native_lm") or "")
        product = "Samba smbd"
        if m:
            version = m.group("version") + m.group("suffix")
            cpe = f"cpe:2.3:a:samba:samba:{m.group('version')}:*:*:*:*:*:*:*"
            software.append(Software("Samba", version, "Samba Team", SOURCE))
            evidence = f"SMB1 NativeLM {smb1.get('native_lm')!r}"
        else:
            evidence = "NTLMSSP version 6.1 build 0 (Samba's)"
        facts.append(Fact("description", f"Samba file server{' ' + version if version else ''}", 60, SOURCE,
                          evidence))
    win = None if samba else _windows_build(summary)
    if win:
        product = "Microsoft Windows SMB"
        if role_hint and win["server"] is None:
            win["server"], win["role_how"] = role_hint
        raw["windows"] = win
        facts.extend(_windows_facts(win))
    if ntlm or smb2 or smb1.get("accepted"):
        banner = ", ".join(x for x in (f"NTLMSSP {_vstr(ntlm)}" if ntlm.get("version") else None,
                                       f"NativeOS {smb1['native_os']!r}" if smb1.get("native_os") else None,
                                       f"NativeLM {smb1['native_lm']!r}" if smb1.get("native_lm") else None) if x)
        services = [Service(port, "tcp", "open", "microsoft-ds", product, version, extra, cpe,
                            escape_banner(banner) if banner else None, SOURCE,
                            # the version Samba states itself outranks a fingerprint's
                            100 if version else 85 if product else 60)]
    else:
        services = []
    name = info.get("netbios_computer")
    if name and not name.startswith("\\"):
        dns = info.get("dns_computer") or ""
        # the DNS name when it is this computer's (Samba puts the machine's host name there)
        host = dns if dns.split(".")[0].lower() == name.lower() else name
        facts.append(Fact("hostname", host, 80, SOURCE, "NTLMSSP target info (DNS / NetBIOS computer name)"))
        identifiers.append(Identifier("netbios_name", name[:255], SOURCE))  # as the netbios plugin records it
    guid = smb2.get("server_guid") or smb1.get("server_guid")
    # Samba derives its GUID from the NetBIOS name: every Samba box of that name shares it
    if guid and not samba and guid != "00000000-0000-0000-0000-000000000000":
        identifiers.append(Identifier("smb_guid", guid, SOURCE))
    return facts, services, software, identifiers, raw


def _vstr(ntlm: dict[str, Any]) -> str:
    v = ntlm["version"]
    return f"{v['major']}.{v['minor']}.{v['build']}"


def _windows_facts(win: dict[str, Any]) -> list[Fact]:
    found = releases_for(win["build"], win.get("nt"), server=win.get("server"), ntlm=win["ntlm"])
    if win.get("server") is None:
        found, _dropped = drop_rare_servers(found)
    if not found:
        return [Fact("os_name", "Windows", 70, SOURCE, win["how"])]
    evidence = f"{win['how']}: build {found[0].nt}.{win['build']} (Windows build table from endoflife.date)"
    facts = [Fact("os_build", f"{found[0].nt}.{win['build']}", 85, SOURCE, evidence)]
    products = list(dict.fromkeys(r.product for r in found))
    releases = list(dict.fromkeys(r.release for r in found if r.release))
    if len(products) == 1:
        facts.append(Fact("os_name", products[0], 85 if win.get("server") is None or not win.get("role_how") else 75,
                          SOURCE, evidence))
        if len(releases) == 1:
            facts.append(Fact("os_version", releases[0], 80 if not win["ntlm"] else 70, SOURCE, evidence))
        elif releases:
            # a servicing base shared by several releases (19041: 2004-22H2)
            facts.append(Fact("os_version", f"{releases[0]}-{releases[-1]}", 55, SOURCE,
                              evidence + "; NTLMSSP states the servicing base build shared by these releases"))
        server = {r.server for r in found}
        if len(server) == 1:
            facts.append(Fact("device_class", "server" if server.pop() else "workstation", 70, SOURCE,
                              f"{products[0]} is a {'server' if found[0].server else 'workstation'} release"))
    else:
        facts.append(Fact("os_name", "Windows", 75, SOURCE,
                          evidence + f"; workstation or server ({' / '.join(products)}) not revealed"))
    return facts
