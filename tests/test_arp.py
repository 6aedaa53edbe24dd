import json
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from collector.plugins.arp import (ArpReply, SweepResult, build_request_template, parse_arp_reply,
                                   read_neighbour_table, settle_time)

FIXTURES = Path(__file__).parent / "fixtures"
ARP_CASES = sorted(p for p in (FIXTURES / "arp").iterdir() if p.is_dir())
NEIGH_CASES = sorted(p for p in (FIXTURES / "neighbours").iterdir() if p.is_dir())


@pytest.mark.parametrize("case", ARP_CASES, ids=lambda p: p.name)
def test_recorded_frames(case):
    frame = bytes.fromhex((case / "frame.hex").read_text().strip())
    expected = json.loads((case / "expected.json").read_text())
    parsed = parse_arp_reply(frame)
    assert (parsed.__dict__ if parsed else None) == expected
    # an independent decoder agrees
    from scapy.layers.l2 import ARP, Ether

    pkt = Ether(frame)
    if parsed:
        assert pkt[ARP].op == 2
        assert (pkt[ARP].psrc, pkt[ARP].hwsrc, pkt[ARP].pdst) == (parsed.sender_ip, parsed.sender_mac,
                                                                    parsed.target_ip)
    else:
        assert ARP not in pkt or pkt[ARP].op != 2


def _reply_frame():
    return bytes.fromhex((FIXTURES / "arp" / "reply-4c5e0c" / "frame.hex").read_text().strip())


def test_vlan_tagged_and_padded_reply():
    frame = _reply_frame()
    tagged = frame[:12] + b"\x81\x00\x00\x0a" + frame[12:] + b"\x00" * 18
    assert parse_arp_reply(tagged) == parse_arp_reply(frame)
    assert parse_arp_reply(frame + b"\x00" * 18) == parse_arp_reply(frame)


@pytest.mark.parametrize("mutate", [
    lambda f: f[:41],                                  # truncated
    lambda f: f[:12] + b"\x08\x00" + f[14:],           # IPv4, not ARP
    lambda f: f[:20] + b"\x00\x01" + f[22:],           # a request
    lambda f: f[:18] + b"\x08" + f[19:],               # hardware length 8
    lambda f: f[:22] + b"\x00" * 6 + f[28:],           # sender MAC all zero
    lambda f: f[:22] + b"\xff" * 6 + f[28:],           # sender MAC broadcast
])
def test_malformed_frames_are_ignored(mutate):
    assert parse_arp_reply(mutate(_reply_frame())) is None


@settings(max_examples=500)
@given(st.binary(max_size=128))
def test_fuzz_parser_never_raises(data):
    result = parse_arp_reply(data)
    assert result is None or isinstance(result, ArpReply)


@given(st.binary(min_size=42, max_size=80))
def test_fuzz_arp_shaped_frames(tail):
    frame = _reply_frame()[:14] + tail
    result = parse_arp_reply(frame)
    if result is not None:
        assert len(result.sender_mac) == 17 and result.sender_ip.count(".") == 3


def test_template_matches_scapy():
    from scapy.layers.l2 import ARP, Ether

    ours = build_request_template("02:1c:00:00:00:02", "198.18.0.2")
    ref = bytes(Ether(dst="ff:ff:ff:ff:ff:ff", src="02:1c:00:00:00:02")
                / ARP(op=1, hwsrc="02:1c:00:00:00:02", psrc="198.18.0.2", hwdst="00:00:00:00:00:00",
                      pdst="0.0.0.0"))
    assert ours == ref


@pytest.mark.parametrize("case", NEIGH_CASES, ids=lambda p: p.name)
def test_neighbour_table(case):
    expected = json.loads((case / "expected.json").read_text())
    table = read_neighbour_table(str(case / "proc_net_arp.txt"))
    assert {k: list(v) for k, v in table.items()} == expected


def test_neighbour_table_missing_file(tmp_path):
    assert read_neighbour_table(str(tmp_path / "none")) == {}


@given(st.text(max_size=400))
def test_fuzz_neighbour_table(tmp_path_factory, text):
    path = tmp_path_factory.mktemp("n") / "arp"
    path.write_text(text)
    for ip, (mac, dev) in read_neighbour_table(str(path)).items():
        assert len(mac) == 17


def test_settle_time_adapts():
    r = SweepResult()
    assert settle_time(r, 0.5) == 0.5  # nothing heard yet: full timeout
    r.replies["10.0.0.1"] = ("00:11:32:00:00:01", 1.0)
    r.max_rtt_ms = 1.0
    assert settle_time(r, 0.5) == 0.1
    r.max_rtt_ms = 80.0
    assert settle_time(r, 0.5) == pytest.approx(0.32)
    r.max_rtt_ms = 400.0
    assert settle_time(r, 0.5) == 0.5
