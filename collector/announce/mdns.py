"""mDNS / DNS-SD: records heard -> per-host announcements -> facts.

Pure functions. DNS messages are decoded by python-zeroconf
(:class:`zeroconf.DNSIncoming`), the maintained implementation; everything
here works on its record objects or on TXT strings, so it is tested on
recorded answers without a network.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from collector.announce import clean_text

#: DNS-SD service types asked for by name (RFC 6763 section 9's enumeration
#: finds the rest): Apple, Google Cast, HomeKit, printers and scanners, file
#: sharing, remote access, media.
SERVICE_TYPES = (
    "_device-info._tcp", "_airplay._tcp", "_raop._tcp", "_companion-link._tcp", "_googlecast._tcp",
    "_hap._tcp", "_homekit._tcp", "_ipp._tcp", "_ipps._tcp", "_printer._tcp", "_pdl-datastream._tcp",
    "_scanner._tcp", "_uscan._tcp", "_uscans._tcp", "_smb._tcp", "_afpovertls._tcp", "_adisk._tcp",
    "_ssh._tcp", "_sftp-ssh._tcp", "_rfb._tcp", "_http._tcp", "_https._tcp", "_workstation._tcp",
    "_sleep-proxy._udp", "_spotify-connect._tcp", "_amzn-wplay._tcp", "_androidtvremote2._tcp",
    "_sonos._tcp", "_matter._tcp", "_hue._tcp", "_apple-mobdev2._tcp", "_touch-able._tcp",
)
ENUMERATION = "_services._dns-sd._udp.local."
#: At most this many TXT strings and service instances are kept per host.
MAX_TXT_ITEMS = 64
MAX_SERVICES_PER_HOST = 64
_LOCAL = ".local."


def txt_items(data: bytes) -> dict[str, str]:
    """A TXT record's RDATA (length-prefixed strings, RFC 6763 section 6)
    as ``{key: value}``: keys lower-cased (they are case-insensitive), the
    first occurrence of a key wins, a key without ``=`` is a flag (value
    ``""``), text cleaned and bounded."""
    out: dict[str, str] = {}
    i = 0
    while i < len(data) and len(out) < MAX_TXT_ITEMS:
        length = data[i]
        item = data[i + 1:i + 1 + length]
        i += 1 + length
        if not item or item.startswith(b"="):
            continue
        key_raw, sep, value_raw = item.partition(b"=")
        key = clean_text(key_raw, 64)
        if key is None or key.lower() in out:
            continue
        out[key.lower()] = (clean_text(value_raw) or "") if sep else ""
    return out


@dataclass
class Announced:
    """One service instance a host announced."""

    service_type: str  # "_airplay._tcp"
    instance: str  # "Living Room"
    port: int | None = None
    target: str | None = None  # SRV target host, "living-room.local"
    txt: dict[str, str] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        return {"type": self.service_type, "instance": self.instance, "port": self.port, "host": self.target,
                "txt": self.txt}


@dataclass
class HostAnnouncements:
    ip: str
    hostnames: list[str] = field(default_factory=list)
    services: list[Announced] = field(default_factory=list)


def split_instance(name: str) -> tuple[str, str] | None:
    """``My Mac._ssh._tcp.local.`` -> (``My Mac``, ``_ssh._tcp``)."""
    if not name.lower().endswith(_LOCAL):
        return None
    labels = name[: -len(_LOCAL)]
    for proto in ("._tcp", "._udp"):
        idx = labels.lower().rfind(proto)
        if idx > 0 and idx + len(proto) == len(labels):
            head, _, stype = labels[:idx].rpartition("._")
            if head:
                return head, f"_{stype}{proto}"
    return None


def _host(name: str) -> str | None:
    text = clean_text(name.rstrip("."), 255)
    return text.lower() if text and text.lower().endswith(".local") else None


def collect(heard: Iterable[tuple[str, Any]], accept: Callable[[str], bool]) -> dict[str, HostAnnouncements]:
    """Group DNS records (``(source ip, zeroconf DNSRecord)``) by host.

    An instance belongs to the address its SRV target resolves to (A record),
    else to the address that answered for it; device-info TXT records join
    the host whose other services share their instance name. Addresses that
    ``accept`` refuses (outside the scan's scope) are dropped whatever the
    records claim."""
    from zeroconf import const

    addresses: dict[str, set[str]] = {}
    srv: dict[str, tuple[str, int]] = {}
    txt: dict[str, bytes] = {}
    source_of: dict[str, str] = {}
    instances: dict[str, str] = {}  # lower-cased name -> name as announced
    for source, rec in heard:
        name = rec.name
        key = name.lower()
        if rec.type == const._TYPE_A and hasattr(rec, "address"):
            try:
                ip = str(ipaddress.IPv4Address(rec.address))
            except ValueError:
                continue
            host = _host(name)
            if host:
                addresses.setdefault(host, set()).add(ip)
        elif rec.type == const._TYPE_PTR and key != ENUMERATION and split_instance(rec.alias):
            instances.setdefault(rec.alias.lower(), rec.alias)
            source_of.setdefault(rec.alias.lower(), source)
        elif rec.type == const._TYPE_SRV and split_instance(name):
            srv[key] = (rec.server, int(rec.port))
            instances.setdefault(key, name)
            source_of[key] = source
        elif rec.type == const._TYPE_TXT and split_instance(name):
            txt.setdefault(key, bytes(rec.text))
            instances.setdefault(key, name)
            source_of.setdefault(key, source)
    hosts: dict[str, HostAnnouncements] = {}
    label_ip: dict[str, str] = {}
    pending_info: list[str] = []
    for key, name in instances.items():
        inst, stype = split_instance(key) or ("", "")
        if stype == "_device-info._tcp" and key not in srv:
            pending_info.append(key)
            continue
        target, port = srv.get(key, (None, None))
        host = _host(target) if target else None
        resolved = addresses.get(host or "", set())
        ips = sorted(ip for ip in resolved if accept(ip))
        # a target that resolves only outside the scope is another host's
        # business, whoever answered for it
        found = ips[0] if ips else (None if resolved else source_of.get(key))
        if found is None or not accept(found):
            continue
        ip = found
        entry = hosts.setdefault(ip, HostAnnouncements(ip))
        if host and host not in entry.hostnames:
            entry.hostnames.append(host)
        if len(entry.services) < MAX_SERVICES_PER_HOST:
            entry.services.append(_announced(name, port, host, txt.get(key, b"")))
        label_ip.setdefault(inst, ip)
    for key in pending_info:
        inst = (split_instance(key) or ("", ""))[0]
        owner = label_ip.get(inst) or source_of.get(key)
        if owner is None or not accept(owner):
            continue
        entry = hosts.setdefault(owner, HostAnnouncements(owner))
        entry.services.append(_announced(instances[key], None, None, txt.get(key, b"")))
    return hosts


def _announced(name: str, port: int | None, host: str | None, raw_txt: bytes) -> Announced:
    inst, stype = split_instance(name) or ("", "")
    # the service type is the sender's text like the instance name: escaped before it is stored
    return Announced((clean_text(stype, 128) or "").lower(), clean_text(inst, 128) or "", port, host,
                     txt_items(raw_txt))
