"""Fuzz targets: ARP reply frames, the kernel neighbour table, nmap XML."""

from __future__ import annotations

import ipaddress
import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence

from fuzz.mutate import NUMBERS, with_tokens
from fuzz.registry import FIXTURES, check, target

# -- ARP ---------------------------------------------------------------------


def _arp_seeds() -> list[bytes]:
    return [bytes.fromhex(p.read_text().strip()) for p in sorted((FIXTURES / "arp").glob("*/frame.hex"))]


def _arp_fields(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """Rewrite one header field with a value the parser branches on, so
    mutations reach past the first check (VLAN tags, lengths, opcodes)."""
    choices = [
        (12, b"\x81\x00"), (12, b"\x08\x06"), (16, b"\x08\x06"), (14, b"\x00\x01"), (16, b"\x08\x00"),
        (18, b"\x06\x04"), (20, b"\x00\x02"), (20, b"\x00\x01"), (18, b"\x10\x10"),
    ]
    offset, value = rng.choice(choices)
    if rng.random() < 0.3:  # insert an 802.1Q tag
        return data[:12] + b"\x81\x00\x00\x05" + data[12:]
    return data[:offset] + value + data[offset + len(value):]


@target("arp", "ARP reply frames (plugins/arp.py parse_arp_reply); never raises", seeds=_arp_seeds,
        mutators=(_arp_fields,), covers=("plugins/arp.py",))
def run_arp(data: bytes) -> object:
    from collector.plugins.arp import ArpReply, parse_arp_reply

    reply = parse_arp_reply(data)
    if reply is not None:
        check(isinstance(reply, ArpReply), "not an ArpReply")
        ipaddress.IPv4Address(reply.sender_ip), ipaddress.IPv4Address(reply.target_ip)
        check(re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", reply.sender_mac), f"bad MAC {reply.sender_mac!r}")
    return reply


# -- kernel neighbour table -----------------------------------------------------


def _neigh_seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted((FIXTURES / "neighbours").glob("*/proc_net_arp.txt"))]


@target("neighbours", "/proc/net/arp text (plugins/arp.py parse_neighbour_table); never raises",
        seeds=_neigh_seeds, mutators=(with_tokens((b"0x2", b"0x6", b"0x0", b"0xzz", b"     ", b"\n", b"*",
                                                   b"ff:ff:ff:ff:ff:ff", b"256.1.1.1", b"::1")),),
        covers=("plugins/arp.py",))
def run_neighbours(data: bytes) -> object:
    from collector.plugins.arp import parse_neighbour_table

    table = parse_neighbour_table(data)
    for ip, (mac, dev) in table.items():
        ipaddress.IPv4Address(ip)
        check(re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", mac), f"bad MAC {mac!r}")
        check(dev.isprintable() and len(dev) <= 64, f"bad device {dev!r}")
    return table


# -- nmap XML and the plugin that reads it ----------------------------------------


def _nmap_seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted((FIXTURES / "nmap").glob("*/report.xml"))]


_ATTR_VALUES = [v.decode("latin-1") for v in NUMBERS] + [
    "x", "high", "", " ", "open", "open|filtered", "closed", "probed", "table", "ipv4", "mac", "ipv6",
    "198.18.0.12", "198.18.0.12 ", "999.1.1.1", "::1", "00:11:32:aa:bb:cc", "zz:zz", "cpe:/a:x:y:1", "udp", "sctp",
    "tcp\x00", "A" * 5000, "\u202e\u0007evil", "\x1b[31m", "printer", "switch", "-1", "100", "101", "10", "11"]
_TAGS = ["host", "port", "service", "state", "address", "osmatch", "osclass", "cpe", "ports", "os", "hostnames",
         "hostname", "status", "nmaprun", "x"]


def _nmap_tree(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """An element-level edit of a well-formed report: an attribute set to a
    value nmap would never write, removed, an element duplicated, dropped,
    renamed or buried deep."""
    try:
        root = ET.fromstring(data)
    except Exception:  # ParseError, an unknown encoding declared (LookupError) ...
        return data
    elements = list(root.iter())
    el = rng.choice(elements)
    op = rng.randrange(7)
    if op == 0 and el.attrib:
        el.set(rng.choice(sorted(el.attrib)), rng.choice(_ATTR_VALUES))
    elif op == 1 and el.attrib:
        del el.attrib[rng.choice(sorted(el.attrib))]
    elif op == 2:
        el.set(rng.choice(["portid", "accuracy", "conf", "addr", "addrtype", "state", "protocol", "method",
                           "devicetype", "ostype", "hostname", "name", "product", "version", "vendor"]),
               rng.choice(_ATTR_VALUES))
    elif op == 3:
        parents = [p for p in elements if len(p)]
        if parents:
            parent = rng.choice(parents)
            child = rng.choice(list(parent))
            for _ in range(rng.choice((1, 2, 50))):
                parent.append(child)
    elif op == 4:
        parents = [p for p in elements if len(p)]
        if parents:
            parent = rng.choice(parents)
            parent.remove(rng.choice(list(parent)))
    elif op == 5:
        el.tag = rng.choice(_TAGS)
    else:
        node = el
        for _ in range(rng.choice((10, 200, 3000))):
            node = ET.SubElement(node, rng.choice(_TAGS))
        if rng.random() < 0.5:
            node.text = rng.choice(_ATTR_VALUES)
    try:
        return ET.tostring(root)
    except (RecursionError, ValueError):
        return data


_XML_TOKENS = (b"<!DOCTYPE x [<!ENTITY a 'aaaa'>]>", b"&a;", b"<![CDATA[", b"]]>", b"&#0;", b"&#x1b;", b"&amp;",
               b"<!--", b"-->", b"<?xml version='1.0' encoding='latin-1'?>", b"</host>", b"<host>", b'portid="',
               b"<port protocol=\"tcp\" portid=\"0\"><state state=\"open\"/></port>", b"\xef\xbb\xbf")


@target("nmap-xml", "nmap -oX reports (collector/nmapxml.py) and the nmap plugin's reading of them "
        "(plugins/nmap.py read_report); expected: NmapXmlError, which the plugin turns into an error outcome",
        seeds=_nmap_seeds, mutators=(_nmap_tree, _nmap_tree, with_tokens(_XML_TOKENS)), structured_weight=0.6,
        covers=("collector/nmapxml.py", "plugins/nmap.py"))
def run_nmap(data: bytes) -> object:
    from collector.model import Outcome
    from collector.plugins.nmap import read_report

    ips = ["198.18.0.12", "198.18.0.13", "198.18.0.14", "198.18.0.11"]
    observations, probes = read_report(data, ips, [22, 445], 1.0)
    check(sorted(p.target for p in probes) == sorted(ips), "a probe result per asked host")
    for obs in observations:
        check(obs.ip in ips, f"observation for an address not asked: {obs.ip!r}")
        for svc in obs.services:
            check(isinstance(svc.port, int) and 1 <= svc.port <= 65535, f"port {svc.port!r}")
            check(svc.proto in ("tcp", "udp", "sctp"), f"proto {svc.proto!r}")
            check(0 <= svc.confidence <= 100, f"confidence {svc.confidence!r}")
            for text in (svc.name, svc.product, svc.version, svc.extra, svc.cpe):
                check(text is None or (isinstance(text, str) and text.isprintable()), f"unprintable {text!r}")
        for fact in obs.facts:
            check(isinstance(fact.value, str) and fact.value.isprintable(), f"fact {fact!r}")
            check(0 <= fact.confidence <= 100, f"confidence {fact!r}")
    check(all(isinstance(p.outcome, Outcome) for p in probes), "outcomes")
    return observations
