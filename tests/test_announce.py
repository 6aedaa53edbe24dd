"""Announce parsers (mDNS TXT, SSDP, UPnP descriptions, DHCP) on recorded
answers: each case folder holds the raw input and what it must give."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import pytest
from zeroconf import DNSAddress, DNSPointer, DNSService, DNSText, const

from collector.announce import clean_text
from collector.announce.apple import lookup, macos_version
from collector.announce.mdns import collect, split_instance, txt_items
from collector.announce.mdns_facts import facts_for
from collector.identity import best_facts
from collector.refdata.recog import recog

FIXTURES = Path(__file__).parent / "fixtures"
SCOPE = ipaddress.ip_network("198.51.100.0/24")


def _in_scope(ip: str) -> bool:
    return ipaddress.ip_address(ip) in SCOPE


def _records(case: Path) -> list[tuple[str, object]]:
    answers = json.loads((case / "answers.json").read_text())
    out: list[tuple[str, object]] = []
    for r in answers["records"]:
        name, t = r["name"], r["type"]
        if t == "PTR":
            rec: object = DNSPointer(name, const._TYPE_PTR, const._CLASS_IN, 4500, r["alias"])
        elif t == "SRV":
            rec = DNSService(name, const._TYPE_SRV, const._CLASS_IN, 120, 0, 0, r["port"], r["target"])
        elif t == "TXT":
            data = (case / r["file"]).read_bytes() if "file" in r else b"".join(
                bytes([len(s.encode())]) + s.encode() for s in r["strings"])
            rec = DNSText(name, const._TYPE_TXT, const._CLASS_IN, 4500, data)
        else:
            rec = DNSAddress(name, const._TYPE_A, const._CLASS_IN, 120, ipaddress.IPv4Address(r["address"]).packed)
        out.append((answers["source"], rec))
    return out


MDNS_CASES = sorted(p for p in (FIXTURES / "mdns").iterdir() if (p / "answers.json").exists())


@pytest.mark.parametrize("case", MDNS_CASES, ids=[p.name for p in MDNS_CASES])
def test_mdns_case(case: Path) -> None:
    expected = json.loads((case / "expected.json").read_text())
    hosts = collect(_records(case), _in_scope)
    assert set(hosts) == {expected["ip"]}, "only in-scope hosts are kept"
    facts, identifiers, software = facts_for(hosts[expected["ip"]], recog())
    best = {k: f.value for k, f in best_facts(facts).items()}
    for field, value in expected["facts"].items():
        assert best.get(field) == value, (field, best.get(field))
    assert [[i.kind, i.value] for i in identifiers] == expected["identifiers"]
    assert [[s.name, s.version] for s in software] == expected["software"]
    for fact in facts:
        assert fact.evidence and fact.source == "mdns"
        assert "\x1b" not in str(fact.value) and len(str(fact.value)) <= 255
    for ip in expected.get("dropped", []):
        assert ip not in hosts


def test_txt_items_rules() -> None:
    data = b"".join(bytes([len(s)]) + s for s in (b"Model=X", b"model=Y", b"flag", b"=x", b"k=\x1b[0m", b""))
    assert txt_items(data) == {"model": "X", "flag": "", "k": "\\x1b[0m"}
    assert txt_items(b"\x05ab") == {"ab": ""}  # truncated item: what is there
    assert len(txt_items(b"".join(bytes([3]) + f"k{i:02d}".encode()[:3] for i in range(200)))) <= 64


def test_split_instance() -> None:
    assert split_instance("My Mac._ssh._tcp.local.") == ("My Mac", "_ssh._tcp")
    assert split_instance("a.b._sub._x._tcp.local.") == ("a.b._sub", "_x._tcp")
    assert split_instance("host.local.") is None
    assert split_instance("x._ssh._tcp.example.com.") is None


def test_apple_lookup_and_darwin() -> None:
    r = recog()
    mac = lookup("MacBookPro18,3", r)
    assert mac and mac.how == "recog" and mac.device_class == "workstation" and mac.os_name == "macOS"
    tv = lookup("J105aAP", r)
    assert tv and tv.name == "Apple TV 4K" and tv.device_class == "media" and tv.os_name == "tvOS"
    ipad = lookup("iPad13,4", r)
    assert ipad and ipad.os_name == "iPadOS" and ipad.device_class == "phone"
    new = lookup("iPhone17,1", r)
    assert new and new.how == "prefix" and new.device_class == "phone" and new.name is None
    assert lookup("Roku4670X", r) is None and lookup("", r) is None
    assert [macos_version(v) for v in ("13", "19", "20", "23", "24", "25", "x")] == [
        "10.9", "10.15", "11", "14", "15", "26", None]


def test_clean_text() -> None:
    assert clean_text(b"a\x00b\x1b[2Jc\xff") == "a\\x00b\\x1b[2Jc\ufffd"
    assert clean_text("x" * 1000) == "x" * 255
    assert clean_text("  \t ") is None
    assert clean_text("Pierre\u2019s iPhone") == "Pierre\u2019s iPhone"
    assert clean_text("a\u202eb") == "a\\u202eb"  # bidi override escaped


SSDP_CASES = sorted(p for p in (FIXTURES / "ssdp").iterdir() if (p / "description.xml").exists())


@pytest.mark.parametrize("case", SSDP_CASES, ids=[p.name for p in SSDP_CASES])
def test_ssdp_case(case: Path) -> None:
    from collector.announce.ssdp import facts_from, parse_description, parse_message

    expected = json.loads((case / "expected.json").read_text())
    if expected.get("error"):
        with pytest.raises(ValueError):
            parse_description((case / "description.xml").read_bytes())
        return
    server = None
    if (case / "response.txt").exists():
        msg = parse_message((case / "response.txt").read_bytes())
        assert msg is not None and msg.kind == expected["message"]["kind"]
        assert msg.udn == expected["message"]["udn"]
        server = msg.headers.get("server")
        assert server == expected["message"]["server"]
    facts, identifiers, software = facts_from(parse_description((case / "description.xml").read_bytes()), server)
    best = {k: f.value for k, f in best_facts(facts).items()}
    assert {k: best.get(k) for k in expected["facts"]} == expected["facts"]
    assert [[i.kind, i.value] for i in identifiers] == expected["identifiers"]
    assert [[s.name, s.version] for s in software] == expected["software"]


def test_ssdp_messages_and_locations() -> None:
    from collector.announce.ssdp import location_allowed, parse_message

    notify = parse_message(b"NOTIFY * HTTP/1.1\r\nHOST: 239.255.255.250:1900\r\nNT: upnp:rootdevice\r\n"
                           b"NTS: ssdp:alive\r\nUSN: uuid:ABC-1::upnp:rootdevice\r\nSERVER: x\x1b[0m\r\n\r\n")
    assert notify and notify.kind == "notify" and notify.udn == "uuid:abc-1"
    assert notify.headers["server"] == "x\\x1b[0m"
    assert parse_message(b"GET / HTTP/1.1\r\n\r\n") is None
    assert parse_message(b"\xff\xfe garbage") is None
    big = parse_message(b"HTTP/1.1 200 OK\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(500)))
    assert big and len(big.headers) <= 40
    assert location_allowed("http://198.18.0.30:8200/rootDesc.xml", "198.18.0.30")
    assert not location_allowed("http://198.18.0.31:8200/rootDesc.xml", "198.18.0.30")
    assert not location_allowed("http://evil.example/desc.xml", "198.18.0.30")
    assert not location_allowed("https://198.18.0.30/desc.xml", "198.18.0.30")
    assert not location_allowed("file:///etc/passwd", "198.18.0.30")
    assert not location_allowed("http://198.18.0.30:99999/", "198.18.0.30")
    assert not location_allowed(None, "198.18.0.30")


def test_ssdp_header_names_are_tokens() -> None:
    """Fuzz finding: a header name with a control character (``SE\\x0cRVER``)
    was stored as a key; header names are HTTP tokens or no header."""
    from collector.announce.ssdp import parse_message

    msg = parse_message(b"HTTP/1.1 200 OK\r\nSE\x0cRVER: x\r\n\x1b[2J: y\r\nST: upnp:rootdevice\r\n\r\n")
    assert msg is not None and msg.headers == {"st": "upnp:rootdevice"}


def test_mdns_service_type_is_escaped() -> None:
    """Fuzz finding: control characters in the service-type label of an SRV
    name reached the stored record unescaped."""
    src = "198.51.100.20"
    name = "Box._comp\x1b[2J._tcp.local."
    heard = [(src, DNSService(name, const._TYPE_SRV, const._CLASS_IN, 120, 0, 0, 80, "box.local."))]
    [host] = collect(heard, _in_scope).values()
    assert host.services[0].service_type == "_comp\\x1b[2j._tcp"
