"""NetBIOS node status and WS-Discovery parsers on recorded real answers
(Debian's nmbd and wsdd, recorded in the lab by the record.py beside them),
the facts they give, and hostile input."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from collector.identity import merge_observations
from collector.model import Observation
from collector.plugins.netbios import observation_for as netbios_observation
from collector.proto import nbns, wsd
from collector.wsdinfo import observation_for as wsd_observation

FIXTURES = Path(__file__).parent / "fixtures"
NETBIOS = sorted(p for p in (FIXTURES / "netbios").iterdir() if (p / "reply.bin").exists())
WSD = sorted(p for p in (FIXTURES / "wsd").iterdir() if (p / "probe_matches.xml").exists())


@pytest.mark.parametrize("case", NETBIOS, ids=lambda p: p.name)
def test_nbstat_recordings(case):
    expected = json.loads((case / "expected.json").read_text())
    parsed = nbns.parse_nbstat((case / "reply.bin").read_bytes())
    assert [[n["name"], n["suffix"], n["group"]] for n in parsed["names"]] == expected["names"]
    assert nbns.summary(parsed) == expected["summary"]
    obs = netbios_observation("10.0.0.7", parsed)
    assert obs.mac == expected["summary"]["mac"]  # Samba's zero MAC never counts
    assert {f.field: f.value for f in obs.facts} == expected["facts"]
    assert [[i.kind, i.value] for i in obs.identifiers] == expected["identifiers"]


def test_nbstat_query_is_rfc1002():
    q = nbns.nbstat_query(0x1234)
    assert q[:2] == b"\x12\x34" and q[12] == 32 and q[13:15] == b"CK" and q[-4:] == b"\x00\x21\x00\x01"
    assert len(q) == 12 + 34 + 4


def test_netbios_mac_ranks_below_arp():
    parsed = {"names": [{"name": "PC1", "suffix": "00", "group": False}], "mac": "3c:52:82:00:00:09"}
    nb = netbios_observation("10.0.0.7", parsed)
    [alone] = merge_observations([nb])
    assert alone.mac == "3c:52:82:00:00:09"
    [both] = merge_observations([nb, Observation("arp", "10.0.0.7", mac="3c:52:82:00:00:0a")])
    assert both.mac == "3c:52:82:00:00:0a"


@pytest.mark.parametrize("case", WSD, ids=lambda p: p.name)
def test_wsd_recordings(case):
    expected = json.loads((case / "expected.json").read_text())
    matches = wsd.parse_probe_matches((case / "probe_matches.xml").read_bytes())
    assert [{k: m[k] for k in ("types", "scopes")} for m in matches] == expected["matches"]
    assert all(m["address"].startswith("urn:uuid:") for m in matches)
    meta_path = case / "metadata.xml"
    meta = meta_path.read_bytes() if meta_path.exists() else None
    if meta:
        assert wsd.parse_metadata(meta) == expected["metadata"]
    obs = wsd_observation("10.0.0.7", matches, meta)
    assert {f.field: f.value for f in obs.facts} == expected["facts"]
    assert [i.kind for i in obs.identifiers] == ["wsd_endpoint"]


def test_xaddrs_outside_the_scope_are_never_fetched():
    allowed = {"198.18.0.15"}.__contains__
    urls = ["http://198.18.0.15:5357/x/", "http://8.8.8.8/x", "http://evil.example/x", "ftp://198.18.0.15/",
            "http://198.18.0.16:80/"]
    assert wsd.in_scope_xaddrs(urls, allowed) == ["http://198.18.0.15:5357/x/"]


def test_wsd_refuses_entities_and_huge_messages():
    bomb = (b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;">]>'
            b"<Envelope><Body><ProbeMatches>&b;</ProbeMatches></Body></Envelope>")
    with pytest.raises(ValueError):
        wsd.parse_probe_matches(bomb)
    with pytest.raises(ValueError):
        wsd.parse_probe_matches(b"<a>" + b"x" * 70000 + b"</a>")


def test_probe_is_ws_discovery_2005():
    p = wsd.probe("urn:uuid:1")
    assert b"urn:schemas-xmlsoap-org:ws:2005:04:discovery" in p and b"<wsd:Probe/>" in p


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_nbstat_parser_never_crashes(data):
    try:
        parsed = nbns.parse_nbstat(data)
    except (ValueError, struct.error):
        return
    nbns.summary(parsed)
    netbios_observation("10.0.0.7", parsed)


def test_wsd_lists_and_texts_carry_no_control_characters():
    """Fuzz finding: C1 controls (``\\x9b`` is a terminal CSI) and bidi
    overrides in Types, Scopes and XAddrs reached the stored record."""
    msg = ("<e:Envelope xmlns:e='http://www.w3.org/2003/05/soap-envelope' "
           "xmlns:d='http://schemas.xmlsoap.org/ws/2005/04/discovery'><e:Body><d:ProbeMatches><d:ProbeMatch>"
           "<d:Types>dn:Device\x9b[31m tds:Printer\u202e</d:Types>"
           "<d:Scopes>onvif://www.onvif.org/hardware/X\x9bY</d:Scopes>"
           "<d:XAddrs>http://198.18.0.15/\x85x \u2028</d:XAddrs><d:MetadataVersion>1</d:MetadataVersion>"
           "</d:ProbeMatch></d:ProbeMatches></e:Body></e:Envelope>").encode()
    [m] = wsd.parse_probe_matches(msg)
    assert m["types"] == ["Device [31m", "Printer"]
    assert m["scopes"] == ["onvif://www.onvif.org/hardware/X Y"]
    assert m["xaddrs"] == ["http://198.18.0.15/", "x"]
    assert wsd.parse_metadata(b"<m><Manufacturer>A\xc2\x9b\xe2\x80\xaeB</Manufacturer></m>") == {"manufacturer": "A  B"}
