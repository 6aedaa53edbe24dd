"""Fuzz targets: what devices announce: SSDP messages and UPnP device
descriptions (collector/announce/ssdp.py), mDNS / DNS-SD answers
(python-zeroconf's decoder, then collector/announce/mdns.py and
mdns_facts.py), DHCP client requests heard on the wire
(collector/announce/dhcp.py, Satori matching)."""

from __future__ import annotations

import ipaddress
import json
import random
import re
import struct
from collections.abc import Sequence
from functools import lru_cache
from urllib.parse import urlsplit

from fuzz.mutate import with_tokens
from fuzz.registry import FIXTURES, check, target
from fuzz.t_proto import _walk_json, check_observation_parts, safe_text

# -- SSDP and UPnP descriptions ------------------------------------------------------

#: The SSDP answer the lab's gmediarender sends (tests/test_announce.py), before each recorded description.
_SSDP_HEAD = (b"HTTP/1.1 200 OK\r\nCACHE-CONTROL: max-age=1800\r\nEXT:\r\n"
              b"LOCATION: http://198.18.0.30:49494/description.xml\r\nSERVER: Linux/5.10.0 UPnP/1.0 GMediaRender/0.0.9\r\n"
              b"ST: upnp:rootdevice\r\nUSN: uuid:0b1c7fa9-1a8e-4d5b-9a3e-000000000001::upnp:rootdevice\r\n\r\n")


def _ssdp_seeds() -> list[bytes]:
    """Each recorded description, alone and after an SSDP answer (the
    message, then the document its LOCATION names)."""
    docs = [p.read_bytes() for p in sorted((FIXTURES / "ssdp").glob("*/description.xml"))]
    msgs = [p.read_bytes() for p in sorted((FIXTURES / "ssdp").glob("*/response.txt"))] or [_SSDP_HEAD]
    return docs + [msgs[i % len(msgs)] + d for i, d in enumerate(docs)]


_SSDP_TOKENS = (b"NOTIFY * HTTP/1.1\r\n", b"M-SEARCH * HTTP/1.1\r\n", b"HTTP/1.1 200 OK\r\n", b"USN: uuid:",
                b"::urn:", b"LOCATION: http://198.18.0.30:99999/x\r\n", b"LOCATION: http://[::1/\r\n",
                b"SERVER: Linux/4.4.4444444444444 UPnP/1.0\r\n", b"\r\n\r\n", b"<deviceType>urn:schemas-upnp-org:device:",
                b"MediaServer:1</deviceType>", b"<device>", b"</device>", b"<manufacturer>", b"<modelName>",
                b"<serialNumber>", b"<UDN>uuid:", b"<X_deviceCategory>Display.TV", b"<ProductCap>vdProductType=TV",
                b"<firmwareVersion>", b"&#x1b;", b"&#x85;", b"&#x202e;", b"&#xd800;", b"<![CDATA[\x1b]]>",
                b"<!DOCTYPE root [<!ENTITY a 'x'>]>", b"&a;", b"<root xmlns=\"urn:schemas-upnp-org:device-1-0\">")


@target("ssdp", "SSDP messages (collector/announce/ssdp.py parse_message, udn, location_allowed) and UPnP "
        "device descriptions (parse_description) -> facts_from; expected: ValueError from parse_description "
        "(the plugin records no description)", seeds=_ssdp_seeds, mutators=(with_tokens(_SSDP_TOKENS),),
        expected=(ValueError,), covers=("collector/announce/ssdp.py",))
def run_ssdp(data: bytes) -> object:
    from collector.announce.ssdp import facts_from, location_allowed, parse_description, parse_message

    server = None
    head, sep, doc = data.partition(b"\r\n\r\n")
    msg = parse_message(data) if sep else None
    if msg is not None:
        check(msg.kind in ("response", "notify", "msearch"), f"kind {msg.kind!r}")
        _walk_json(msg.headers, "header")
        udn = msg.udn
        check(udn is None or re.fullmatch(r"uuid:[0-9a-z._:-]{1,100}", udn), f"udn {udn!r}")
        if location_allowed(msg.location, "198.18.0.30"):
            check(urlsplit(msg.location or "").hostname == "198.18.0.30", f"location {msg.location!r}")
        server = msg.headers.get("server")
    else:
        doc = data
    desc = parse_description(doc)
    _walk_json(desc, "description")
    facts, identifiers, software = facts_from(desc, server)
    check_observation_parts(facts, [], identifiers, software)
    return facts


# -- mDNS / DNS-SD --------------------------------------------------------------------

_MDNS_SCOPE = ipaddress.ip_network("198.51.100.0/24")


def _mdns_packet(case_dir: object) -> tuple[str, bytes]:
    """One recorded case's answers as the mDNS response packet that carries them."""
    from zeroconf import DNSAddress, DNSOutgoing, DNSPointer, DNSService, DNSText, const

    answers = json.loads((case_dir / "answers.json").read_text())  # type: ignore[operator]
    out = DNSOutgoing(const._FLAGS_QR_RESPONSE | const._FLAGS_AA)
    for r in answers["records"]:
        name, t = r["name"], r["type"]
        if t == "PTR":
            rec: object = DNSPointer(name, const._TYPE_PTR, const._CLASS_IN, 4500, r["alias"])
        elif t == "SRV":
            rec = DNSService(name, const._TYPE_SRV, const._CLASS_IN, 120, 0, 0, r["port"], r["target"])
        elif t == "TXT":
            txt = (case_dir / r["file"]).read_bytes() if "file" in r else b"".join(  # type: ignore[operator]
                bytes([len(s.encode())]) + s.encode() for s in r["strings"])
            rec = DNSText(name, const._TYPE_TXT, const._CLASS_IN, 4500, txt)
        else:
            rec = DNSAddress(name, const._TYPE_A, const._CLASS_IN, 120, ipaddress.IPv4Address(r["address"]).packed)
        out.add_answer_at_time(rec, 0)  # type: ignore[arg-type]
    return answers["source"], b"".join(out.packets())


def _mdns_seeds() -> list[bytes]:
    """Each recorded case (tests/fixtures/mdns) as one response packet from
    its source address (``ip\\n`` first)."""
    seeds = []
    for case in sorted((FIXTURES / "mdns").iterdir()):
        if (case / "answers.json").exists():
            source, packet = _mdns_packet(case)
            seeds.append(source.encode() + b"\n" + packet)
    return seeds


_MDNS_TOKENS = (b"\x05local\x00", b"\x04_tcp", b"\x04_udp", b"\x0c_device-info", b"\x08_airplay", b"\x0b_googlecast",
                b"\x04_hap", b"\x04_ipp", b"\xc0\x0c", b"\xc0\xff", b"\x00\x21", b"\x00\x10", b"\x00\x0c", b"\x00\x01",
                b"\x05model", b"\x0cmodel=J105aAP", b"\x08osxvers=", b"\x03md=", b"\x03\x1b[2", b"\x02\xc2\x9b",
                b"\x03\xe2\x80\xae", b"\x01=", b"\x00\x00\x00\x00", b"\xff\xff")


def _mdns_source(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """Another answering address: in the scope, outside it, or no address."""
    _, _, packet = data.partition(b"\n")
    return rng.choice((b"198.51.100.20", b"198.51.100.21", b"203.0.113.9", b"x", b"")) + b"\n" + packet


@target("mdns", "mDNS response packets (python-zeroconf DNSIncoming, as the mdns and passive plugins decode "
        "them) -> collector/announce/mdns.py collect and txt_items -> mdns_facts.py facts_for (Apple models, "
        "Recog's mDNS fingerprints) and the raw record the plugin stores; never raises (zeroconf's own "
        "exceptions are caught by the plugins, as here)", seeds=_mdns_seeds,
        mutators=(with_tokens(_MDNS_TOKENS), _mdns_source), covers=("collector/announce/mdns.py",
                                                                     "collector/announce/mdns_facts.py",
                                                                     "collector/announce/apple.py"))
def run_mdns(data: bytes) -> object:
    from zeroconf import DNSIncoming

    from collector.announce.mdns import collect
    from collector.announce.mdns_facts import facts_for
    from collector.refdata.recog import recog

    source, _, packet = data.partition(b"\n")
    ip = source.decode("latin-1")
    try:
        msg = DNSIncoming(packet, (ip, 5353))
    except Exception:  # the plugins drop what zeroconf cannot decode: its business, not ours
        return None
    if not msg.valid or not msg.is_response():
        return None

    def accept(addr: str) -> bool:
        try:
            return ipaddress.ip_address(addr) in _MDNS_SCOPE
        except ValueError:
            return False

    hosts = collect([(ip, rec) for rec in msg.answers()[:256]], accept)
    for addr, host in hosts.items():
        check(accept(addr), f"a host outside the scope: {addr!r}")
        facts, identifiers, software = facts_for(host, recog())
        check_observation_parts(facts, [], identifiers, software)
        _walk_json({"hostnames": host.hostnames, "services": [s.record() for s in host.services]}, "raw")
    return hosts


# -- DHCP ---------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _satori() -> list[dict]:
    from collector.refdata import load_json

    return load_json("satori_dhcp.json")["fingerprints"]


def _dhcp_frame(options: bytes, mac: bytes = b"\x00\x11\x32\xaa\xbb\xcc") -> bytes:
    bootp = (bytes([1, 1, 6, 0]) + b"\x12\x34\x56\x78" + b"\x00" * 4 + b"\x00" * 16 + mac + b"\x00" * 10
             + b"\x00" * 192 + b"\x63\x82\x53\x63" + options + b"\xff")
    udp = struct.pack("!HHHH", 68, 67, 8 + len(bootp), 0) + bootp
    ip = (struct.pack("!BBHHHBBH", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0) + bytes(4) + bytes([255] * 4))
    return b"\xff" * 6 + mac + b"\x08\x00" + ip + udp


def _dhcp_seeds() -> list[bytes]:
    """DHCP REQUESTs as the clients Satori recorded send them: each
    fingerprint's option-55 list (and vendor class, option order) in a frame
    as the passive plugin captures it. Every 8th fingerprint (60 clients)."""
    seeds = []
    for i, fp in enumerate(_satori()[::8]):
        tests = {t["field"]: t["value"] for t in fp["tests"] if t["value"]}
        prl = bytes(int(x) for x in tests.get("dhcpoption55", "1,3,6,15").split(",") if x.isdigit() and int(x) < 256)
        opts = b"\x35\x01\x03" + b"\x32\x04" + bytes([198, 51, 100, 10 + i % 200])
        opts += b"\x3d\x07\x01\x00\x11\x32\xaa\xbb\xcc" + b"\x0c\x06host%02d" % (i % 100)
        vendor = tests.get("dhcpvendorcode", "").encode()[:255]
        if vendor:
            opts += b"\x3c" + bytes([len(vendor)]) + vendor
        opts += b"\x37" + bytes([len(prl)]) + prl
        seeds.append(_dhcp_frame(opts))
    return seeds


_DHCP_TOKENS = (b"\x35\x01\x01", b"\x35\x01\x03", b"\x35\x01\x02", b"\x35\x00", b"\x37\x00", b"\x37\xff",
                b"\x0c\x05\x1b[2J\x00", b"\x0c\x03\xe2\x80\xae", b"\x3c\x08MSFT 5.0", b"\x3d\x00", b"\x32\x03\x01\x02\x03",
                b"\x00\x00\x00", b"\xff", b"\x63\x82\x53\x63", b"\x08\x00\x45\x00", b"\x4f", b"\x00\x43", b"\x20\x00")


@target("dhcp", "DHCP client frames as the passive plugin captures them (collector/announce/dhcp.py "
        "udp_payload, parse_request) -> facts_for (Satori fingerprint matching) and the raw record; never "
        "raises", seeds=_dhcp_seeds, mutators=(with_tokens(_DHCP_TOKENS),), covers=("collector/announce/dhcp.py",))
def run_dhcp(data: bytes) -> object:
    from collector.announce.dhcp import facts_for, parse_request, udp_payload

    udp = udp_payload(data)
    if udp is None:
        return None
    src, dst, sport, dport, payload = udp
    ipaddress.IPv4Address(src), ipaddress.IPv4Address(dst)
    check(0 <= sport <= 65535 and 0 <= dport <= 65535, "ports")
    req = parse_request(payload)
    if req is None:
        return None
    address = req.address
    check(address is None or ipaddress.IPv4Address(address) is not None, "address")
    check(re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", req.mac), f"bad MAC {req.mac!r}")
    facts, identifiers, raw = facts_for(req, _satori())
    check_observation_parts(facts, [], identifiers)
    _walk_json(raw, "raw")
    for text in (req.hostname, req.vendor_class, req.parameter_list):
        safe_text(text, "request field", 1024)
    return facts
