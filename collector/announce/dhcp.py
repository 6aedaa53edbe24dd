"""DHCP client messages heard on the LAN -> identifiers and facts. Pure.

A client's request carries its host name (option 12), vendor class (60),
client identifier (61) and the list of options it asks for (55, whose order
is characteristic of the DHCP client, hence of the OS). The option-55 list
and vendor class are matched against Satori's DHCP fingerprints (GPL-2.0,
converted by ``lan-collector data build``): a heuristic, so its facts carry
heuristic confidence (<= 55).
"""

from __future__ import annotations

import ipaddress
import struct
from dataclasses import dataclass, field
from typing import Any

from collector.announce import clean_text
from collector.model import Fact, Identifier

SOURCE = "passive-dhcp"
MAGIC = b"\x63\x82\x53\x63"
MESSAGE_TYPES = {1: "Discover", 3: "Request", 8: "Inform", 4: "Decline", 7: "Release"}
MAX_OPTIONS = 96


@dataclass
class DhcpRequest:
    message_type: str
    mac: str
    ciaddr: str
    options: dict[int, bytes] = field(default_factory=dict)
    order: list[int] = field(default_factory=list)

    @property
    def address(self) -> str | None:
        """The client's address: ciaddr when it has one, else the address it requests."""
        if self.ciaddr != "0.0.0.0":
            return self.ciaddr
        requested = self.options.get(50)
        if requested and len(requested) == 4:
            return str(ipaddress.IPv4Address(requested))
        return None

    @property
    def hostname(self) -> str | None:
        return clean_text(self.options.get(12), 64)

    @property
    def vendor_class(self) -> str | None:
        return clean_text(self.options.get(60), 128)

    @property
    def parameter_list(self) -> str | None:
        prl = self.options.get(55)
        return ",".join(str(b) for b in prl) if prl else None

    @property
    def client_id(self) -> str | None:
        cid = self.options.get(61)
        return cid.hex(":") if cid and len(cid) <= 64 else None


def parse_request(payload: bytes) -> DhcpRequest | None:
    """A BOOTREQUEST with DHCP options (RFC 2131/2132); None for anything else."""
    if len(payload) < 240 or payload[0] != 1 or payload[236:240] != MAGIC:
        return None
    htype, hlen = payload[1], payload[2]
    if htype != 1 or hlen != 6:
        return None
    ciaddr = str(ipaddress.IPv4Address(payload[12:16]))
    mac = ":".join(f"{b:02x}" for b in payload[28:34])
    options: dict[int, bytes] = {}
    order: list[int] = []
    i = 240
    while i < len(payload) and len(order) < MAX_OPTIONS:
        code = payload[i]
        if code == 255:
            break
        if code == 0:
            i += 1
            continue
        if i + 1 >= len(payload):
            break
        length = payload[i + 1]
        value = payload[i + 2:i + 2 + length]
        if len(value) != length:
            break
        if code not in options:
            options[code] = value
            order.append(code)
        i += 2 + length
    mtype = options.get(53)
    if not mtype or mtype[0] not in MESSAGE_TYPES:
        return None
    return DhcpRequest(MESSAGE_TYPES[mtype[0]], mac, ciaddr, options, order)


def satori_match(req: DhcpRequest, fingerprints: list[dict[str, Any]]) -> tuple[dict[str, Any], int] | None:
    """The Satori fingerprint whose tests this request meets with the most
    weight (option-55 list, option order, vendor class), and that weight."""
    prl = req.parameter_list or ""
    order = ",".join(str(c) for c in req.order)
    vendor = req.vendor_class or ""
    best: tuple[dict[str, Any], int] | None = None
    for fp in fingerprints:
        score = 0
        for test in fp["tests"]:
            if test["type"] not in ("Any", req.message_type):
                continue
            value = {"dhcpoption55": prl, "dhcpoptions": order, "dhcpvendorcode": vendor}.get(test["field"])
            if not value:
                continue
            if test["match"] == "exact" and value == test["value"]:
                score += test["weight"]
            elif test["match"] == "partial" and test["value"] and test["value"] in value:
                score += test["weight"]
        if score and (best is None or score > best[1]):
            best = (fp, score)
    return best


#: Satori device types -> our classes.
SATORI_CLASS = {"router": "router", "wireless router": "router", "switch": "switch", "smart switch": "switch",
                "firewall": "firewall", "wireless access point": "wireless_ap", "wireless controller": "wireless_ap",
                "voip phone": "voip", "voip gateway": "voip", "video phone": "voip", "printer": "printer",
                "scanner": "printer", "smartphone": "phone", "phone": "phone", "tablet": "phone", "pda": "phone",
                "ebook reader": "phone", "smart tv": "media", "smarttv": "media", "iptv": "media",
                "game console": "media", "multimedia device": "media", "digital media player": "media",
                "ip network camera": "camera", "dvr": "camera", "nas": "nas", "ups": "ups", "sensor": "iot",
                "workstation": "workstation", "thin client": "workstation"}


def facts_for(req: DhcpRequest, fingerprints: list[dict[str, Any]]) -> tuple[list[Fact], list[Identifier], dict[str, Any]]:
    facts: list[Fact] = []
    identifiers: list[Identifier] = []
    raw: dict[str, Any] = {"message": req.message_type, "mac": req.mac, "options": req.order,
                           "parameter_list": req.parameter_list, "vendor_class": req.vendor_class,
                           "hostname": req.hostname}
    if req.hostname:
        facts.append(Fact("hostname", req.hostname, 55, SOURCE, f"DHCP {req.message_type} option 12"))
    if req.client_id:
        identifiers.append(Identifier("dhcp_client_id", req.client_id, SOURCE))
    found = satori_match(req, fingerprints)
    if found is not None and found[1] >= 5:
        fp, score = found
        ev = (f"Satori DHCP fingerprint {fp['name']!r} (weight {score}): option 55 {req.parameter_list}"
              + (f", vendor class {req.vendor_class!r}" if req.vendor_class else ""))
        raw["satori"] = {"name": fp["name"], "weight": score}
        conf = 55 if score >= 10 else 45
        os_name = fp.get("os_name") or ""
        if os_name.startswith("Linux "):
            os_name = "Linux"  # "Linux 2.6": the kernel line of the DHCP client, not a release
        if os_name:
            facts.append(Fact("os_name", os_name, conf - 5, SOURCE, ev))
        device = (fp.get("device_type") or "").strip().lower()
        if device in SATORI_CLASS:
            facts.append(Fact("device_class", SATORI_CLASS[device], conf - 10, SOURCE, ev))
        if fp.get("device_vendor"):
            facts.append(Fact("vendor", fp["device_vendor"], conf - 15, SOURCE, ev))
    return facts, identifiers, raw


def udp_payload(frame: bytes) -> tuple[str, str, int, int, bytes] | None:
    """An Ethernet II / IPv4 / UDP frame -> (src ip, dst ip, src port, dst port, payload)."""
    if len(frame) < 42 or frame[12:14] != b"\x08\x00":
        return None
    ip = frame[14:]
    ihl = (ip[0] & 0x0F) * 4
    if ip[0] >> 4 != 4 or ihl < 20 or ip[9] != 17 or len(ip) < ihl + 8:
        return None
    if struct.unpack("!H", ip[6:8])[0] & 0x3FFF:
        return None  # fragments: not reassembled
    src, dst = str(ipaddress.IPv4Address(ip[12:16])), str(ipaddress.IPv4Address(ip[16:20]))
    sport, dport, length = struct.unpack("!HHH", ip[ihl:ihl + 6])
    return src, dst, sport, dport, ip[ihl + 8:ihl + max(8, length)]
