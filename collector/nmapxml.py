"""nmap's XML output (-oX) -> records. Pure; parsed with defusedxml, so it
works on saved files without nmap installed and refuses entity tricks."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import defusedxml.ElementTree as SafeET

from collector.cpe import to_cpe23
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
    text = "".join(ch if ch.isprintable() else " " for ch in text).strip()
    return text[:limit] or None


def parse(xml: bytes | str) -> list[NmapHost]:
    """Hosts, open services and hints in one nmap XML report."""
    try:
        root = SafeET.fromstring(xml)
    except Exception as exc:  # ParseError, EntitiesForbidden, DTDForbidden ...
        raise NmapXmlError(f"not a usable nmap XML report: {exc}") from None
    if root.tag != "nmaprun":
        raise NmapXmlError(f"not an nmap XML report (root element {root.tag!r})")
    hosts = []
    for h in root.iter("host"):
        ip = mac = vendor = None
        for addr in h.iter("address"):
            if addr.get("addrtype") == "ipv4":
                ip = addr.get("addr")
            elif addr.get("addrtype") == "mac":
                mac, vendor = (addr.get("addr") or "").lower() or None, _clean(addr.get("vendor"))
        if not ip:
            continue
        status = h.find("status")
        host = NmapHost(ip=ip, mac=mac, mac_vendor=vendor, state=status.get("state", "up") if status is not None
                        else "up")
        name = h.find("hostnames/hostname")
        if name is not None:
            host.hostname = _clean(name.get("name"), 255)
        for port in h.iter("port"):
            state = port.find("state")
            if state is None or state.get("state") not in ("open", "open|filtered"):
                continue
            host.services.append(_service(port, state.get("state", "open")))
            svc_el = port.find("service")
            if svc_el is not None:
                host.facts.extend(_service_facts(svc_el, port.get("portid", "?")))
        for osmatch in h.iter("osmatch"):
            classes = [{"vendor": c.get("vendor"), "family": c.get("osfamily"), "gen": c.get("osgen"),
                        "type": c.get("type"), "cpe": [to_cpe23(e.text) for e in c.iter("cpe")]}
                       for c in osmatch.iter("osclass")]
            host.os_matches.append({"name": _clean(osmatch.get("name")),
                                    "accuracy": int(osmatch.get("accuracy", "0") or 0), "classes": classes})
        hosts.append(host)
    return hosts


def _service(port: Any, state: str) -> Service:
    svc = port.find("service")
    get = (lambda k: _clean(svc.get(k))) if svc is not None else (lambda k: None)
    cpes = [to_cpe23(c.text) for c in svc.iter("cpe")] if svc is not None else []
    app_cpe = next((c for c in cpes if c and c.startswith("cpe:2.3:a:")), None)
    conf = int(svc.get("conf", "3")) if svc is not None and (svc.get("conf") or "").isdigit() else 3
    probed = svc is not None and svc.get("method") == "probed"
    extra = "; ".join(x for x in (get("extrainfo"), f"os: {get('ostype')}" if get("ostype") else None,
                                  f"device: {get('devicetype')}" if get("devicetype") else None) if x) or None
    return Service(
        port=int(port.get("portid", "0")), proto=port.get("protocol", "tcp"), state=state,
        name=get("name"), product=get("product"), version=get("version"), extra=extra,
        cpe=app_cpe or next((c for c in cpes if c), None), banner=None, source=SOURCE,
        confidence=min(100, conf * 10) if probed else 20,
    )


def _service_facts(svc: Any, port: str) -> list[Fact]:
    facts: list[Fact] = []
    evidence = f"nmap -sV {port}/{svc.get('name')}: {_clean(svc.get('product')) or ''}"
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
