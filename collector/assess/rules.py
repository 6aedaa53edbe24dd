"""The rules. Each is a small function with an id, returning flags with
evidence and a confidence; :func:`assess` runs them all over one host.

- ``unpatched/cve``   a service's CPE and version inside known-vulnerable ranges
- ``unpatched/kev``   one of those CVEs is in CISA's Known Exploited catalog
- ``legacy/eol``      product, OS or firmware past its end of security support
- ``legacy/telnet``, ``legacy/ftp``, ``legacy/http-management``, ``legacy/tls10``,
  ``legacy/snmp-default-community``, ``legacy/smbv1``   insecure protocols
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
import re
from collections.abc import Callable, Iterable
from functools import lru_cache
from typing import Any

from collector.assess.model import CONFIRMED, POSSIBLE, VERSION, Flag, Severity
from collector.assess.distro import distro_release, support_state
from collector.assess.versions import TRAIN_PRODUCTS, in_range
from collector.assess.windows import windows_release
from collector.cpe import cpe23_fields
from collector.identity import HostEvidence
from collector.model import Service
from collector.refdata.cves import CveStore

#: Banner markers of distribution packages, whose maintainers backport fixes
#: without changing the upstream version.
DISTRO = re.compile(r"ubuntu|debian|\+deb|deb\d|centos|red ?hat|\.el\d|rhel|fedora|suse|raspbian|alpine|freebsd",
                    re.I)
#: Releases known to be backdoored or trojaned, by (CPE vendor:product, version):
#: public, well-documented cases the CVE extract does not cover.
KNOWN_BAD = {
    ("vsftpd_project:vsftpd", "2.3.4"): ("CVE-2011-2523", "vsftpd 2.3.4 backdoor (trojaned source, July 2011): "
                                         "a ':)' user name opens a root shell on port 6200"),
    ("beasts:vsftpd", "2.3.4"): ("CVE-2011-2523", "vsftpd 2.3.4 backdoor (trojaned source, July 2011): "
                                 "a ':)' user name opens a root shell on port 6200"),
    ("unrealircd:unrealircd", "3.2.8.1"): ("CVE-2010-2075", "UnrealIRCd 3.2.8.1 backdoor (trojaned download, "
                                           "2009-2010)"),
}
EMBEDDED_CLASSES = {"printer", "switch", "router", "firewall", "wireless_ap", "ups", "pdu", "camera", "voip", "nas",
                    "bmc", "storage", "iot"}


class Reference:
    """The shipped reference data, loaded once."""

    def __init__(self, eol: dict[str, Any], kev: dict[str, Any], cves: CveStore) -> None:
        self.eol, self.kev, self.cves = eol, kev, cves
        self.eol_by_cpe: dict[str, str] = {c: slug for slug, p in eol["products"].items() for c in p["cpes"]}
        self.snapshot = f"kev {kev.get('catalogVersion')}, cve-ranges {cves.meta.get('generated')}"


@lru_cache(maxsize=1)
def reference() -> Reference:
    from collector.refdata import load_json, path_of

    return Reference(load_json("eol.json"), load_json("kev.json"), CveStore(path_of("cves.sqlite")))


def severity_of(cvss: float | None) -> Severity:
    if cvss is None:
        return "medium"
    return "critical" if cvss >= 9 else "high" if cvss >= 7 else "medium" if cvss >= 4 else "low"


def distro_marker(svc: Service) -> str | None:
    for text in (svc.version, svc.banner, svc.extra):
        if text:
            m = DISTRO.search(text)
            if m:
                return m.group(0)
    return None


# --- CVE ranges ---------------------------------------------------------------

def _expand(match: dict[str, Any]) -> Iterable[tuple[str, str | None]]:
    """(part:vendor:product, exact version or None) for one (possibly folded) cpeMatch."""
    fields = match["criteria"].split(":")
    products = match.get("products") or [fields[4]]
    versions = match.get("versions") or [fields[5]]
    for product in products:
        for version in versions:
            yield f"{fields[2]}:{fields[3]}:{product}".lower(), version


def _match_hits(match: dict[str, Any], known: dict[str, str]) -> bool | None:
    """True/False for a cpeMatch against the device's known CPE versions;
    None when it names something we cannot see (a platform condition)."""
    saw_known = False
    for key, exact in _expand(match):
        if key not in known:
            continue
        saw_known = True
        if in_range(key.split(":", 1)[1], known[key], match, exact):
            return True
    return False if saw_known else None


def _node_hits(node: dict[str, Any], known: dict[str, str]) -> tuple[bool, bool]:
    """(matches, relied on an unverifiable condition)."""
    results = [(_match_hits(m, known), m.get("vulnerable", True)) for m in node.get("cpeMatch", [])]
    unknown = False
    if node.get("operator", "OR") == "AND":
        ok = True
        for hit, vulnerable in results:
            if hit is None and not vulnerable:
                unknown = True
            elif not hit:
                ok = False
    else:
        ok = any(hit for hit, _v in results)
        if not ok and all(hit is None and not v for hit, v in results) and results:
            ok, unknown = True, True  # a platform-only node we cannot check
    if node.get("negate"):
        ok = not ok
    return ok, unknown


def _exact(match: dict[str, Any]) -> bool:
    return bool(match.get("versions")) or match["criteria"].split(":")[5] not in ("*", "-")


def cve_hits(cves: CveStore, key: str, known: dict[str, str]) -> list[tuple[str, dict[str, Any], bool]]:
    """(CVE id, record, relied on an unverifiable platform) for every CVE whose
    configurations the device's CPEs satisfy, looked up by ``key``."""
    hits = []
    for cve_id in cves.ids_for(key):
        record = cves.record(cve_id)
        for config in record.get("configurations", []):
            nodes = [_node_hits(n, known) for n in config.get("nodes", [])]
            if not nodes:
                continue
            if config.get("operator", "OR") == "AND":
                ok = all(n[0] for n in nodes)
            else:
                ok = any(n[0] for n in nodes)
            if not ok:
                continue
            # a hit that comes only from platform nodes is no hit
            own = [m for n in config.get("nodes", []) for m in n.get("cpeMatch", [])
                   if m.get("vulnerable", True) and _match_hits(m, {key: known[key]})]
            if own:
                # NVD models Cisco-style trains with coarse numeric ranges
                # (15.0 - 15.6) that ignore per-train fixed releases: only an
                # exact listed version is more than possible there
                coarse = key.split(":", 1)[1].startswith(TRAIN_PRODUCTS) and not any(_exact(m) for m in own)
                hits.append((cve_id, record, any(n[1] for n in nodes) or coarse))
                break
    return hits


def os_as_service(host: HostEvidence) -> list[Service]:
    """The OS/firmware an SNMP agent described, as a pseudo-service (port 0)
    so the CVE and end-of-life rules treat it like any other product."""
    out = []
    for obs in host.observations:
        os_info = obs.raw.get("os") if obs.plugin == "snmp" else None
        if os_info and os_info.get("cpe") and os_info.get("version"):
            out.append(Service(0, "tcp", "seen", "os", os_info.get("product"), os_info["version"], None,
                               os_info["cpe"], None, "snmp", 80))
    return out


def versioned_products(host: HostEvidence) -> Iterable[tuple[Service, str, str, dict[str, str]]]:
    """(service, part:vendor:product, version, CPE fields) for every service,
    and the SNMP-described OS, that has both a CPE and a version."""
    for svc in [*host.services, *os_as_service(host)]:
        if svc.cpe and svc.version:
            f = cpe23_fields(svc.cpe)
            yield svc, f"{f['part']}:{f['vendor']}:{f['product']}", svc.version.split()[0], f


def rule_cve(host: HostEvidence, ref: Reference, today: _dt.date) -> list[Flag]:
    flags = []
    for svc, key, version, f in versioned_products(host):
        all_hits = cve_hits(ref.cves, key, {key: version})
        if not all_hits:
            continue
        # CVEs whose configuration also needs a platform we cannot see (an
        # OS, a vendor's package) are only possible, not likely
        verified = [h for h in all_hits if not h[2]]
        hits = verified or all_hits
        distro = distro_marker(svc)
        confidence = POSSIBLE if distro or not verified else VERSION
        kev_hits = [(c, r) for c, r, _u in hits if c in ref.kev["cves"]]
        cvss = max((r.get("cvss") or 0 for _c, r, _u in hits), default=None) or None
        severity: Severity = severity_of(cvss)
        if kev_hits and severity in ("low", "medium"):
            severity = "high"
        name = f"{svc.product or f['product']} {version}"
        evidence: dict[str, Any] = {
            "service": f"{svc.port}/{svc.proto}", "cpe": svc.cpe, "installed_version": version,
            "source": svc.source, "cves": sorted(c for c, _r, _u in hits)[:200], "cve_count": len(hits),
            "max_cvss": cvss, "kev": sorted(c for c, _r in kev_hits),
        }
        platform_only = sorted(c for c, _r, unverified in all_hits if unverified)
        if platform_only:
            evidence["platform_not_verified"] = platform_only
            if not verified and key.split(":", 1)[1].startswith(TRAIN_PRODUCTS):
                evidence["note"] = ("NVD describes these for this release train only by a coarse version range; "
                                    "check the vendor's fixed-release list for this train")
        if distro:
            evidence["note"] = (f"the banner says {distro!r}: distribution packages carry backported fixes "
                                "without changing the upstream version, so this may be patched")
        flags.append(Flag("unpatched", "unpatched/cve", f"{name}: {len(hits)} known vulnerabilit"
                          f"{'y' if len(hits) == 1 else 'ies'} ({len(kev_hits)} known exploited)", severity,
                          confidence, evidence, f"update {svc.product or f['product']} to a fixed release",
                          ref.snapshot))
        for cve_id, record in kev_hits:
            kev = ref.kev["cves"][cve_id]
            flags.append(Flag(
                "unpatched", "unpatched/kev", f"{cve_id} (known exploited): {kev.get('name') or name}",
                "critical" if (record.get("cvss") or 0) >= 9 or kev.get("ransomware") else "high", confidence,
                {"service": f"{svc.port}/{svc.proto}", "cpe": svc.cpe, "installed_version": version, "cve": cve_id,
                 "cvss": record.get("cvss"), "kev_added": kev.get("added"), "kev_due": kev.get("due"),
                 "ransomware": kev.get("ransomware"), **({"note": evidence["note"]} if distro else {})},
                f"CISA lists {cve_id} as exploited in the wild: update or isolate now", ref.snapshot))
    return flags


# --- end of life --------------------------------------------------------------

def _cycle_for(releases: list[dict[str, Any]], version: str) -> dict[str, Any] | None:
    """The release cycle a version belongs to: longest cycle that prefixes it."""
    best = None
    for r in releases:
        cycle = r["cycle"]
        if version == cycle or version.startswith(cycle + ".") or version.startswith(cycle + "p"):
            if best is None or len(cycle) > len(best["cycle"]):
                best = r
    return best


def _eol_flag(title: str, release: dict[str, Any], today: _dt.date, evidence: dict[str, Any], confidence: int,
              slug: str) -> Flag | None:
    eol = release.get("eol")
    if eol is True:
        when = "end of life (no date published)"
    elif isinstance(eol, str) and _dt.date.fromisoformat(eol) <= today:
        when = f"end of security support since {eol}"
    else:
        return None
    return Flag("legacy", "legacy/eol", f"{title}: {when}", "high", confidence,
                {**evidence, "cycle": release["cycle"], "eol": eol, "extended_support_until": release.get("eoes"),
                 "latest_in_cycle": release.get("latest"), "endoflife_product": slug},
                "replace or upgrade to a supported release", f"endoflife.date {slug}")


def _distro_support(host: HostEvidence, ref: Reference, today: _dt.date, marker: str) -> tuple[int, str]:
    """How likely a distribution package of an ended upstream cycle is unpatched:
    it depends on whether the distribution still supports its release."""
    found = distro_release(host)
    state = support_state(found, ref.eol["products"].get(found.slug, {}).get("releases", []), today) \
        if found else None
    if found and state:
        phase, confidence, why = state
        if phase == "ended":
            return VERSION, f"a distribution package ({marker!r}), but its release is unsupported too ({found.how}; {why})"
        if phase == "extended":
            return min(confidence, POSSIBLE * 2), f"a distribution package ({marker!r}) ({found.how}; {why})"
        return POSSIBLE, (f"a distribution package ({marker!r}) of a supported release ({found.how}): the "
                          "distribution may still patch it")
    return POSSIBLE, (f"the banner says {marker!r}: the upstream cycle has ended, but the distribution may support "
                      "its package longer and we cannot tell which release this is")


def _distro_eol(host: HostEvidence, ref: Reference, today: _dt.date) -> Flag | None:
    """The distribution release itself past its security support (Debian 6,
    Raspbian 9, CentOS 6, Ubuntu 20.04 after standard support, ...)."""
    found = distro_release(host)
    if found is None:
        return None
    releases = ref.eol["products"].get(found.slug, {}).get("releases", [])
    state = support_state(found, releases, today)
    if state is None or state[0] == "supported":
        return None
    phase, confidence, why = state
    record = next(r for r in releases if r["cycle"] == found.cycle)
    return Flag("legacy", "legacy/eol", f"{found.label}: {why.split(': ', 1)[1]}", "high", confidence,
                {"how": found.how, "distribution": found.name, "release": found.cycle, "support": phase,
                 "note": why, "cycle": record["cycle"], "eol": record.get("eol"),
                 "extended_support_until": record.get("eoes"), "endoflife_product": found.slug},
                "upgrade to a supported release of the distribution", f"endoflife.date {found.slug}")


def rule_eol(host: HostEvidence, ref: Reference, today: _dt.date) -> list[Flag]:
    flags = []
    for svc, key, version, _f in versioned_products(host):
        slug = ref.eol_by_cpe.get(key)
        if not slug:
            continue
        release = _cycle_for(ref.eol["products"][slug]["releases"], version)
        if release:
            distro = distro_marker(svc)
            evidence = {"service": f"{svc.port}/{svc.proto}", "cpe": svc.cpe, "installed_version": version}
            confidence = VERSION
            if distro:
                # a distribution may support its package past the upstream cycle:
                # it depends on whether the distribution release is supported
                confidence, evidence["note"] = _distro_support(host, ref, today, distro)
            flag = _eol_flag(f"{svc.product} {version}", release, today, evidence, confidence, slug)
            if flag:
                flags.append(flag)
    os_flag = _distro_eol(host, ref, today)
    if os_flag:
        flags.append(os_flag)
    win = windows_release(host, today)
    if win:
        slug, release, label, evidence, confidence = win
        flag = _eol_flag(label, release, today, evidence, confidence, slug)
        if flag and evidence.get("extended_security_updates_until"):
            flag = dataclasses.replace(flag, title=f"{flag.title} (paid Extended Security Updates until "
                                                   f"{evidence['extended_security_updates_until']})")
        if flag:
            flags.append(flag)
    return flags


# --- insecure protocols -------------------------------------------------------

def _answered(svc: Service) -> bool:
    """The service spoke its protocol (not only a port number guess)."""
    return bool(svc.banner or svc.product or svc.confidence >= 50)


def rule_insecure(host: HostEvidence, ref: Reference, today: _dt.date) -> list[Flag]:
    flags = []
    device_class = host.value("device_class")
    for svc in host.services:
        where = {"service": f"{svc.port}/{svc.proto}", "product": svc.product, "banner": svc.banner}
        conf = CONFIRMED if _answered(svc) else 70
        if svc.name == "telnet":
            flags.append(Flag("legacy", "legacy/telnet", f"telnet open on port {svc.port}", "high", conf, where,
                              "disable telnet; manage the device over SSH"))
        elif svc.name == "ftp":
            flags.append(Flag("legacy", "legacy/ftp", f"cleartext FTP on port {svc.port}", "medium", conf, where,
                              "disable FTP or require FTPS/SFTP; passwords cross the network in clear"))
        elif svc.name == "http" and device_class in EMBEDDED_CLASSES:
            flags.append(Flag("legacy", "legacy/http-management",
                              f"management web interface over plain HTTP (port {svc.port})", "medium", 75,
                              {**where, "device_class": device_class},
                              "enable HTTPS for the management interface and turn plain HTTP off"))
        elif svc.port == 445 and svc.source == "nmap" and svc.product and "microsoft-ds" in svc.product:
            flags.append(Flag("legacy", "legacy/smbv1", "SMBv1 accepted", "high", CONFIRMED,
                              {**where, "how": "answered nmap's SMB negotiate that offers only SMB1 dialects"},
                              "disable SMBv1 (EternalBlue/WannaCry class of attacks)"))
    for obs in host.observations:
        for port, versions in (obs.raw.get("legacy_tls") or {}).items() if obs.plugin == "banners" else ():
            flags.append(Flag("legacy", "legacy/tls10", f"{', '.join(versions)} accepted on port {port}", "medium",
                              CONFIRMED, {"service": f"{port}/tcp", "accepted": versions,
                                          "how": "a handshake limited to TLS 1.0 succeeded (SSLv3 cannot be "
                                                 "tried: OpenSSL 3 has no SSLv3)"},
                              "disable TLS 1.0/1.1 on the device (update its firmware if it cannot)"))
        smb1 = (obs.raw.get("smb") or {}).get("smb1") or {} if obs.plugin == "smb" else {}
        if smb1.get("accepted") and not any(f.rule == "legacy/smbv1" for f in flags):
            flags.append(Flag("legacy", "legacy/smbv1", "SMBv1 accepted", "high", CONFIRMED,
                              {"service": "445/tcp", "dialect": smb1.get("dialect"), "native_os": smb1.get("native_os"),
                               "native_lm": smb1.get("native_lm"),
                               "how": "accepted our SMB negotiate that offers only the SMB1 dialect NT LM 0.12"},
                              "disable SMBv1 (EternalBlue/WannaCry class of attacks)"))
        if obs.plugin == "snmp" and obs.raw.get("default_community"):
            flags.append(Flag("legacy", "legacy/snmp-default-community",
                              f"SNMP {obs.raw.get('snmp_version')} answers the default community", "high", CONFIRMED,
                              {"snmp_version": obs.raw.get("snmp_version"),
                               "how": "a well-known default community string was accepted (the string itself is "
                                      "not stored)"},
                              "change the community (or use SNMPv3 with authentication and privacy)"))
    return flags


def rule_backdoor(host: HostEvidence, ref: Reference, today: _dt.date) -> list[Flag]:
    flags = []
    for svc, key, version, _f in versioned_products(host):
        bad = KNOWN_BAD.get((key.split(":", 1)[1], version))
        if bad:
            cve_id, what = bad
            flags.append(Flag("unpatched", "unpatched/backdoor", f"{cve_id}: {what}", "critical",
                              POSSIBLE if distro_marker(svc) else VERSION,
                              {"service": f"{svc.port}/{svc.proto}", "cpe": svc.cpe, "installed_version": svc.version,
                               "cve": cve_id, "banner": svc.banner},
                              "replace this release at once and check the host for compromise",
                              "lan-collector curated list (collector/assess/rules.py KNOWN_BAD)"))
    return flags


RULES: dict[str, Callable[[HostEvidence, Reference, _dt.date], list[Flag]]] = {
    "unpatched/backdoor": rule_backdoor,
    "unpatched/cve": rule_cve,
    "legacy/eol": rule_eol,
    "legacy/insecure": rule_insecure,
}


def assess(host: HostEvidence, today: _dt.date, ref: Reference | None = None) -> list[Flag]:
    """Every flag for one host. ``today`` is a parameter: no wall clock here."""
    ref = ref or reference()
    flags: list[Flag] = []
    for rule in RULES.values():
        flags.extend(rule(host, ref, today))
    return flags
