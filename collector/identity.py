"""Identification: merge observations into per-host evidence, pick the best
value per device field, and decide which known device a host is.

Pure functions over records; no network, no SQL.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from collector.model import IDENTIFIER_KINDS, Fact, Identifier, Observation, Service, Software

_MAC_HEX = re.compile(r"[0-9a-f]{12}")
_INVALID_MACS = {"000000000000", "ffffffffffff"}


def normalize_mac(mac: str | None) -> str | None:
    """``AA-BB-CC-DD-EE-FF`` / ``aabb.ccdd.eeff`` -> ``aa:bb:cc:dd:ee:ff``; None if not a usable unicast MAC."""
    if not mac:
        return None
    digits = re.sub(r"[^0-9a-f]", "", mac.lower())
    if not _MAC_HEX.fullmatch(digits) or digits in _INVALID_MACS:
        return None
    if int(digits[:2], 16) & 0x01:  # multicast/broadcast bit
        return None
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def is_locally_administered(mac: str) -> bool:
    """True for randomised / locally assigned MACs (bit 1 of the first octet).

    Phones and laptops randomise their MAC per network, so such a MAC is a
    weak identity signal and has no meaningful vendor.
    """
    return bool(int(mac[:2], 16) & 0x02)


def best_facts(facts: Iterable[Fact]) -> dict[str, Fact]:
    """The winning fact per field: highest confidence, then the order given
    (callers pass newest first), then source name for a stable result."""
    best: dict[str, Fact] = {}
    for fact in facts:
        current = best.get(fact.field)
        if current is None or fact.confidence > current.confidence:
            best[fact.field] = fact
    return best


@dataclass
class HostEvidence:
    """Everything this scan learned about one address, from every plugin."""

    ip: str
    mac: str | None = None
    rtt_ms: float | None = None
    facts: list[Fact] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    software: list[Software] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    observations: list[Observation] = field(default_factory=list)
    #: the device's other addresses (an SNMP agent's ipAddrTable): (ip, mac)
    aliases: list[tuple[str, str | None]] = field(default_factory=list)

    @property
    def best(self) -> dict[str, Fact]:
        return best_facts(self.facts)

    def value(self, name: str) -> str | int | bool | None:
        fact = self.best.get(name)
        return fact.value if fact else None


#: Plugins that see a MAC on the wire rank above those that read it second-hand.
#: NetBIOS node status carries the MAC the host itself reports (what a host
#: behind a router shows of its adapter): used only when nothing better saw one.
_MAC_SOURCE_RANK = {"arp": 3, "neighbours": 2, "snmp-arp": 2, "netbios": 1}


def _by_address(host: HostEvidence) -> tuple[int, ...]:
    return tuple(int(p) for p in host.ip.split("."))


def merge_observations(observations: Iterable[Observation]) -> list[HostEvidence]:
    """Group observations by IP, keeping each plugin's facts and records."""
    hosts: dict[str, HostEvidence] = {}
    mac_rank: dict[str, int] = {}
    for obs in observations:
        host = hosts.setdefault(obs.ip, HostEvidence(ip=obs.ip))
        host.observations.append(obs)
        mac = normalize_mac(obs.mac)
        rank = _MAC_SOURCE_RANK.get(obs.plugin, 1)
        if mac and rank > mac_rank.get(obs.ip, 0):
            host.mac, mac_rank[obs.ip] = mac, rank
        if obs.rtt_ms is not None and (host.rtt_ms is None or obs.rtt_ms < host.rtt_ms):
            host.rtt_ms = obs.rtt_ms
        host.facts.extend(obs.facts)
        host.services = merge_services(host.services + obs.services)
        host.software.extend(obs.software)
        host.identifiers.extend(i for i in obs.identifiers if i not in host.identifiers)
    return sorted(hosts.values(), key=_by_address)


def fold_aliases(hosts: list[HostEvidence]) -> list[HostEvidence]:
    """One host per device: a host whose address another host's SNMP agent
    lists as its own (a router's second interface) joins that host, which
    keeps the address as an alias."""
    by_ip = {h.ip: h for h in hosts}
    parent: dict[str, str] = {}

    def root(ip: str) -> str:
        while parent.get(ip, ip) != ip:
            ip = parent[ip]
        return ip

    own: dict[str, list[tuple[str, str | None]]] = {}
    for host in hosts:
        for obs in host.observations:
            if obs.plugin != "snmp":
                continue
            for addr in obs.raw.get("addresses") or []:
                ip, mac = addr.get("ip"), normalize_mac(addr.get("mac"))
                if not ip or ip == host.ip:
                    continue
                own.setdefault(host.ip, []).append((ip, mac))
                if ip in by_ip and root(ip) != root(host.ip):
                    parent[root(ip)] = root(host.ip)
    out: dict[str, HostEvidence] = {}
    for host in hosts:
        top = by_ip[root(host.ip)]
        if top is host:
            out[host.ip] = host
    for host in hosts:
        top = out[root(host.ip)]
        if top is not host:
            top.observations.extend(host.observations)
            top.facts.extend(host.facts)
            top.services = merge_services(top.services + host.services)
            top.software.extend(host.software)
            top.identifiers.extend(i for i in host.identifiers if i not in top.identifiers)
            top.aliases.append((host.ip, host.mac))
            if top.mac is None and host.mac:
                top.mac = host.mac
    for ip, addrs in own.items():
        top = out[root(ip)]
        known = {a[0] for a in top.aliases} | {top.ip}
        top.aliases.extend(a for a in addrs if a[0] not in known)
    return sorted(out.values(), key=_by_address)


def _service_score(s: Service) -> tuple[int, int, int, int]:
    # a concrete version ("4.17.12") beats a range a fingerprint gives ("3.X - 4.X")
    concrete = bool(s.version) and not re.search(r"\bX\b|\s-\s", s.version or "")
    return (1 if s.product else 0, 2 if concrete else 1 if s.version else 0, 1 if s.cpe else 0, s.confidence)


def merge_services(services: Iterable[Service]) -> list[Service]:
    """One record per port and protocol: the most informative (product, then
    version, then CPE, then confidence), keeping a banner the other one had."""
    best: dict[tuple[int, str], Service] = {}
    for svc in services:
        key = (svc.port, svc.proto)
        other = best.get(key)
        if other is None:
            best[key] = svc
            continue
        win, lose = (svc, other) if _service_score(svc) > _service_score(other) else (other, svc)
        if win.banner is None and lose.banner is not None:
            win = dataclasses.replace(win, banner=lose.banner)
        best[key] = win
    return sorted(best.values(), key=lambda s: (s.proto, s.port))


_JUNK_SERIALS = {"unknown", "none", "n/a", "na", "null", "default string", "to be filled by o.e.m.",
                 "not specified", "not available", "system serial number", "serial", "0", "1234567890"}


def usable_serial(serial: object) -> bool:
    """Serials that identify a device: not a placeholder, not one repeated character."""
    if not isinstance(serial, str):
        return False
    s = serial.strip().lower()
    return len(s) >= 4 and s not in _JUNK_SERIALS and len(set(s)) > 1


@dataclass(frozen=True)
class Candidates:
    """Known devices that share a signal with a host, as the store found them."""

    by_mac: Sequence[int] = ()
    by_serial: Sequence[int] = ()
    #: devices that had this IP with no MAC known (hosts behind a router)
    by_ip_without_mac: Sequence[int] = ()
    #: devices with this hostname whose MAC is randomised
    by_hostname_random_mac: Sequence[int] = ()
    #: devices that announced one of the host's strong identifiers (SMB GUID, UPnP UDN, ...)
    by_strong_identifier: Sequence[int] = ()
    #: devices with randomised MACs that announced one of its weak identifiers (NetBIOS / mDNS name)
    by_weak_identifier_random_mac: Sequence[int] = ()


def choose_device(host: HostEvidence, found: Candidates) -> tuple[int | None, str]:
    """Which known device this host is, and why; ``(None, reason)`` for a new one.

    Order of trust: a globally unique MAC, then a hardware serial, then a
    strong identifier the device announced (SMB server GUID, UPnP UDN: only
    when exactly one device has it, since cloned machines share them), then
    (for hosts whose MAC cannot be seen) the address, then a hostname or weak
    identifier (NetBIOS, mDNS name) for devices that randomise their MAC.
    """
    random_mac = bool(host.mac and is_locally_administered(host.mac))
    if found.by_mac and not (random_mac and len(found.by_mac) > 1):
        return min(found.by_mac), "mac"
    if found.by_serial and usable_serial(host.value("serial")):
        return min(found.by_serial), "serial"
    if len(set(found.by_strong_identifier)) == 1:
        return found.by_strong_identifier[0], "identifier"
    if host.mac is None and found.by_ip_without_mac:
        return min(found.by_ip_without_mac), "ip (no mac visible)"
    if random_mac and found.by_hostname_random_mac:
        return min(found.by_hostname_random_mac), "hostname (randomised mac)"
    if random_mac and len(set(found.by_weak_identifier_random_mac)) == 1:
        return found.by_weak_identifier_random_mac[0], "name identifier (randomised mac)"
    return None, "new"


def identifier_strength(identifier: Identifier) -> str:
    return IDENTIFIER_KINDS[identifier.kind]
