"""nmap's XML output (-oX) -> records. Pure; parsed with defusedxml, so it
works on saved files without nmap installed and refuses entity tricks."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree as SafeET

from collector.cpe import to_cpe23
from collector.identity import normalize_mac
from collector.model import Fact, Service

SOURCE = "nmap"
#: nmap's service devicetype -> lan-collector device class
DEVICE_TYPES = {
    "printer": "printer", "print server": "printer", "switch": "switch", "router": "router",
    "broadband router": "router", "wap": "wireless_ap", "firewall": "firewall", "webcam": "camera",
    "security-misc": "camera", "voip phone": "voip", "voip adapter": "voip", "pbx": "voip",
    "storage-misc": "nas", "power-device": "ups", "remote management": "bmc", "phone": "phone",
    "media device": "media", "game console": "media", "specialized": "iot",
}

#: nmap device types that span several of our classes.
VAGUE_TYPES = {"media device", "specialized"}


PROTOCOLS = ("tcp", "udp", "sctp")


class NmapXmlError(ValueError):
    pass


@dataclass
class NmapHost:
    ip: str
    mac: str | None = None
    mac_vendor: str | None = None
    hostname: str | None = None
    state: str = "up"
    services: list[Service] = field(default_factory=list)
    facts: list[Fact] = field(default_factory=list)
    os_matches: list[dict[str, Any]] = field(default_factory=list)


def _clean(text: str | None, limit: int = 200) -> str | None:
    if not text:
        return None
    text = "".join(ch if ch.isprintable() else " " for ch in text[:limit * 4]).strip()
    return text[:limit] or None


def _int(text: str | None, low: int, high: int) -> int | None:
    """A plain decimal number within [low, high]; None for anything else
    (``int()`` would take ``'x'`` as an error, ``'²'`` or ``'1_0'`` as numbers)."""
    if text is None or not re.fullmatch(r"[0-9]{1,9}", text.strip()):
        return None
    value = int(text)
    return value if low <= value <= high else None


def _ipv4(text: str | None) -> str | None:
    try:
        return str(ipaddress.IPv4Address((text or "").strip()))
    except ValueError:
        return None


def parse(xml: bytes | str) -> list[NmapHost]:
    """Hosts, open services and hints in one nmap XML report. Raises
    :class:`NmapXmlError` for what is not an nmap report; inside one, an
    element nmap would never write (a port number that is no port, an
    accuracy that is no percentage) is skipped, and the rest is kept."""
    try:
        root = SafeET.fromstring(xml)
    except Exception as exc:  # ParseError, EntitiesForbidden, DTDForbidden, RecursionError ...
        raise NmapXmlError(f"not a usable nmap XML report: {str(exc)[:200]}") from None
    if root.tag != "nmaprun":
        raise NmapXmlError(f"not an nmap XML report (root element {str(root.tag)[:80]!r})")
    hosts = []
    for h in root.iter("host"):
        ip = mac = vendor = None
        for addr in h.iter("address"):
            if addr.get("addrtype") == "ipv4":
                ip = _ipv4(addr.get("addr"))
            elif addr.get("addrtype") == "mac":
                mac, vendor = normalize_mac(addr.get("addr")), _clean(addr.get("vendor"))
        if not ip:
            continue
        status = h.find("status")
        host = NmapHost(ip=ip, mac=mac, mac_vendor=vendor,
                        state=(_clean(status.get("state"), 20) or "up") if status is not None else "up")
        name = h.find("hostnames/hostname")
        if name is not None:
            host.hostname = _clean(name.get("name"), 255)
        for port in h.iter("port"):
            state = port.find("state")
            portid = _int(port.get("portid"), 1, 65535)
            if state is None or state.get("state") not in ("open", "open|filtered") or portid is None:
                continue
            host.services.append(_service(port, portid, state.get("state", "open")))
            svc_el = port.find("service")
            if svc_el is not None:
                host.facts.extend(_service_facts(svc_el, portid))
        for osmatch in h.iter("osmatch"):
            accuracy = _int(osmatch.get("accuracy"), 0, 100)
            if accuracy is None:
                continue
            classes = [{"vendor": _clean(c.get("vendor")), "family": _clean(c.get("osfamily")),
                        "gen": _clean(c.get("osgen")), "type": _clean(c.get("type")),
                        "cpe": [to_cpe23(e.text) for e in c.iter("cpe")]}
                       for c in osmatch.iter("osclass")]
            host.os_matches.append({"name": _clean(osmatch.get("name")), "accuracy": accuracy, "classes": classes})
        hosts.append(host)
    return hosts


def _service(port: Any, portid: int, state: str) -> Service:
    svc = port.find("service")
    get = (lambda k: _clean(svc.get(k))) if svc is not None else (lambda k: None)
    cpes = [to_cpe23(c.text) for c in svc.iter("cpe")] if svc is not None else []
    app_cpe = next((c for c in cpes if c and c.startswith("cpe:2.3:a:")), None)
    conf = (_int(svc.get("conf"), 0, 10) if svc is not None else None)
    probed = svc is not None and svc.get("method") == "probed"
    extra = "; ".join(x for x in (get("extrainfo"), f"os: {get('ostype')}" if get("ostype") else None,
                                  f"device: {get('devicetype')}" if get("devicetype") else None) if x) or None
    version, cpe = get("version"), app_cpe or next((c for c in cpes if c), None)
    if (get("product"), version) in GENERIC_VERSIONS:
        # a fingerprint that labels a behaviour many releases share with the one
        # version it was taken from: keep the product, not the version
        extra = "; ".join(x for x in (extra, f"nmap's generic match said {version}") if x)
        version, cpe = None, None
    proto = port.get("protocol", "tcp")
    return Service(
        port=portid, proto=proto if proto in PROTOCOLS else "tcp", state=state,
        name=get("name"), product=get("product"), version=version, extra=extra,
        cpe=cpe, banner=None, source=SOURCE,
        confidence=(3 if conf is None else conf) * 10 if probed else 20,
    )


#: nmap matches whose version is not the server's: nmap-service-probes names
#: every Samba that refuses SMB1 ("Samba smbd 4.6.2", the release the pattern
#: was recorded from), which would wrongly raise SambaCry (CVE-2017-7494, KEV)
#: on any current Samba; the smb plugin reads the real version where Samba tells it.
GENERIC_VERSIONS = {("Samba smbd", "4.6.2")}


def _service_facts(svc: Any, port: int) -> list[Fact]:
    facts: list[Fact] = []
    evidence = f"nmap -sV {port}/{_clean(svc.get('name'), 40)}: {_clean(svc.get('product')) or ''}"
    if svc.get("method") != "probed":
        return facts
    if svc.get("ostype"):
        facts.append(Fact("os_name", _clean(svc.get("ostype"), 80) or "", 50, SOURCE, evidence))
    device = (svc.get("devicetype") or "").lower()
    if device in DEVICE_TYPES:
        # nmap's "media device" covers TVs and DVRs alike (its Hikvision rtspd
        # match says so): a weaker hint than a type that names one class
        facts.append(Fact("device_class", DEVICE_TYPES[device], 45 if device in VAGUE_TYPES else 60, SOURCE,
                          evidence))
    if svc.get("hostname"):
        facts.append(Fact("hostname", _clean(svc.get("hostname"), 255) or "", 50, SOURCE, evidence))
    return [f for f in facts if f.value]
