"""This machine's IPv4 interfaces (netifaces) and raw-socket capability."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass


@dataclass(frozen=True)
class Attached:
    """One IPv4 address on a local interface and the subnet it is on."""

    iface: str
    ip: ipaddress.IPv4Address
    network: ipaddress.IPv4Network
    mac: str | None = None
    point_to_point: bool = False


def attached_networks() -> list[Attached]:
    import netifaces

    out: list[Attached] = []
    for iface in netifaces.interfaces():
        addrs = netifaces.ifaddresses(iface)
        links = addrs.get(netifaces.AF_LINK) or [{}]
        mac = links[0].get("addr") or None
        for entry in addrs.get(netifaces.AF_INET, []):
            try:
                iface_ip = ipaddress.IPv4Interface(f"{entry['addr']}/{entry.get('netmask', '255.255.255.255')}")
            except (KeyError, ValueError):
                continue
            out.append(
                Attached(
                    iface=iface,
                    ip=iface_ip.ip,
                    network=iface_ip.network,
                    mac=mac.lower() if mac else None,
                    point_to_point="peer" in entry,
                )
            )
    return out


def interface_for(addr: ipaddress.IPv4Address, attached: list[Attached]) -> Attached | None:
    """The attached subnet an address is directly on (ARP-able), if any."""
    best: Attached | None = None
    for att in attached:
        if att.point_to_point or att.network.prefixlen == 32:
            continue
        if addr in att.network and (best is None or att.network.prefixlen > best.network.prefixlen):
            best = att
    return best


def have_raw_sockets() -> bool:
    """Whether this process may open a packet socket (root or CAP_NET_RAW).

    Opening the socket sends nothing; it is closed at once.
    """
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(0x0806))
    except (PermissionError, OSError, AttributeError):
        return False
    s.close()
    return True
