"""SMB, NTLMSSP parsers and the facts they give, on recorded real answers:
Debian's Samba 4.17 (recorded by tests/fixtures/smb/record.py) and a real
Windows Server 2016 domain controller's NTLMSSP CHALLENGE (pyspnego's
recording, copied by tests/fixtures/smb/third_party.py)."""

from __future__ import annotations

import datetime as dt
import json
import struct
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from collector import smbinfo
from collector.assess import assess
from collector.identity import merge_observations
from collector.model import Observation
from collector.proto import ntlmssp, smb

FIXTURES = Path(__file__).parent / "fixtures" / "smb"
SAMBA_CASES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir() and p.name.startswith("samba-"))


def _dig(d, dotted):
    for part in dotted.split("."):
        d = d.get(part) if isinstance(d, dict) else None
    return d


@pytest.mark.parametrize("case", SAMBA_CASES)
def test_samba_recordings(case):
    d = FIXTURES / case
    expected = json.loads((d / "expected.json").read_text())
    summary = smbinfo.summarize({p.stem: p.read_bytes() for p in d.glob("*.bin")})
    assert "errors" not in summary
    for key, value in expected["summary"].items():
        if key == "ntlm.version":
            v = summary["ntlm"]["version"]
            assert f"{v['major']}.{v['minor']}.{v['build']}" == value
        else:
            assert _dig(summary, key) == value, key
    facts, services, software, identifiers, raw = smbinfo.observation_parts(summary)
    assert {f.field: f.value for f in facts} == expected["facts"]
    [svc] = services
    assert {k: getattr(svc, k) for k in expected["service"]} == expected["service"]
    assert [[s.name, s.version] for s in software] == expected["software"]
    assert [[i.kind, i.value] for i in identifiers] == expected["identifiers"]
    assert "windows" not in raw  # Samba is never taken for Windows
    host = merge_observations([Observation("smb", "10.0.0.9", facts=facts, services=services, raw=raw)])[0]
    flags = {f.rule for f in assess(host, dt.date(2026, 11, 22)) if f.confidence >= 70}
    assert flags == set(expected["flags"])


def test_windows_server_2016_challenge():
    d = FIXTURES / "ntlm-server2016-dc"
    expected = json.loads((d / "expected.json").read_text())
    message = (d / "ntlm_challenge.bin").read_bytes()
    parsed = ntlmssp.parse_challenge(message)
    assert {k: parsed[k] for k in expected["challenge"]} == expected["challenge"]
    # the same message inside an SPNEGO NegTokenResp, as SMB carries it
    from collector.lab.winreplay import _spnego_response

    summary = {"ntlm": smb.challenge_of(_spnego_response(message))}
    facts, _s, _sw, identifiers, raw = smbinfo.observation_parts(summary)
    assert {f.field: f.value for f in facts if f.field in expected["role_unknown"]} == expected["role_unknown"]
    facts, _s, _sw, identifiers, raw = smbinfo.observation_parts(summary, role_hint=(True, "DC ports"))
    got = {f.field: f.value for f in facts}
    assert {k: got.get(k) for k in expected["as_domain_controller"]} == expected["as_domain_controller"]
    assert [(i.kind, i.value) for i in identifiers] == [("netbios_name", "DC01")]


def test_requests_are_well_formed():
    neg = smb.smb2_negotiate_request(b"\x11" * 16, b"\x22" * 32)
    assert neg[4:8] == b"\xfeSMB" and int.from_bytes(neg[1:4], "big") == len(neg) - 4
    body = neg[4 + 64:]
    size, count = struct.unpack("<HH", body[:4])
    assert size == 36 and count == 5
    ctx_offset, ctx_count = struct.unpack("<IH", body[28:34])
    assert ctx_count == 2 and ctx_offset % 8 == 0 and neg[4 + ctx_offset:4 + ctx_offset + 2] == b"\x01\x00"
    token = ntlmssp.negotiate_message()
    assert token.startswith(b"NTLMSSP\x00\x01\x00\x00\x00") and len(token) == 40
    assert ntlmssp.negotiate_message() in ntlmssp.spnego_negotiate()
    setup = smb.smb1_session_setup_request(ntlmssp.spnego_negotiate())
    assert setup[4:8] == b"\xffSMB" and setup[8] == 0x73


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=600))
def test_parsers_never_crash_on_garbage(data):
    for parse in (smb.parse_smb2_negotiate, smb.parse_smb2_session_setup, smb.parse_smb1_negotiate,
                  smb.parse_smb1_session_setup, ntlmssp.parse_challenge):
        try:
            parse(data)
        except (ValueError, struct.error):
            pass
    smbinfo.summarize({"smb2_negotiate": data, "smb2_session_setup": data, "smb1_negotiate": data,
                       "smb1_session_setup": data})


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=300))
def test_challenge_with_hostile_target_info(tail):
    base = (FIXTURES / "ntlm-server2016-dc" / "ntlm_challenge.bin").read_bytes()
    for message in (base[:56] + tail, base + tail, base[:48] + b"\xff" * 8 + tail):
        try:
            parsed = ntlmssp.parse_challenge(message)
        except (ValueError, struct.error):
            continue
        assert all(len(v) <= 255 for v in parsed["target_info"].values() if isinstance(v, str))


def test_smb1_negotiate_names_are_escaped():
    """Fuzz finding: the domain and server names of a non-extended-security
    SMB1 NEGOTIATE answer reached the summary with control characters."""
    words = bytearray(34)
    words[0:2] = b"\x00\x00"  # dialect index 0
    payload = b"\x00" * 8 + "WORK\x1b[2J\x00SRV\x02\x00".encode("utf-16-le")
    words[33] = 8  # challenge length
    pdu = (b"\xffSMB\x72" + b"\x00" * 4 + b"\x88" + struct.pack("<H", 0xC001) + b"\x00" * 20
           + bytes([17]) + bytes(words) + struct.pack("<H", len(payload)) + payload)
    framed = b"\x00" + len(pdu).to_bytes(3, "big") + pdu
    assert smb.parse_smb1_negotiate(framed)["domain"] == "WORK\x1b[2J"  # the parser gives what was sent
    summary = smbinfo.summarize({"smb1_negotiate": framed})
    assert summary["smb1"]["domain"] == "WORK\\x1b[2J" and summary["smb1"]["server"] == "SRV\\x02"
