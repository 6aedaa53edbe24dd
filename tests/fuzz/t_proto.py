"""Fuzz targets: what Windows-protocol servers answer: SMB2/SMB1 negotiate and
session-setup responses with their NTLMSSP challenge (collector/proto/smb.py,
ntlmssp.py, collector/smbinfo.py), NetBIOS node status (proto/nbns.py and the
netbios plugin), WS-Discovery ProbeMatches and metadata (proto/wsd.py,
collector/wsdinfo.py)."""

from __future__ import annotations

import random
import re
import struct
import unicodedata
from collections.abc import Sequence
from typing import Any

from fuzz.mutate import with_tokens
from fuzz.registry import FIXTURES, check, target

#: line and paragraph separators and bidi controls: they rewrite a terminal line as much as C0/C1 controls do
_UNSAFE_FORMAT = set("\u2028\u2029\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def safe_text(value: object, what: str, limit: int | None = None) -> None:
    """The stored-text contract: no control character (C0, DEL, C1), line
    separator or bidi override left unescaped; bounded when ``limit``."""
    if value is None:
        return
    check(isinstance(value, str), f"{what}: not text: {value!r}")
    assert isinstance(value, str)
    bad = [c for c in value if unicodedata.category(c) == "Cc" or c in _UNSAFE_FORMAT]
    check(not bad, f"{what}: unescaped control character(s) {bad[:3]!r} in {value[:120]!r}")
    check(limit is None or len(value) <= limit, f"{what}: {len(value)} characters, over {limit}")


def check_observation_parts(facts: Sequence[Any], services: Sequence[Any], identifiers: Sequence[Any],
                            software: Sequence[Any] = ()) -> None:
    for f in facts:
        safe_text(f.value, f"fact {f.field}", 512)
        safe_text(f.evidence, f"evidence of {f.field}", 4096)
        check(0 < f.confidence <= 100, f"confidence {f!r}")
    for s in services:
        check(1 <= s.port <= 65535, f"port {s.port!r}")
        for text in (s.name, s.product, s.version, s.extra, s.cpe, s.banner):
            safe_text(text, "service field", 4096)
    for i in identifiers:
        safe_text(i.value, f"identifier {i.kind}", 255)
        check(i.value, f"empty identifier {i!r}")
    for sw in software:
        safe_text(sw.name, "software name", 255)
        safe_text(sw.version, "software version", 255)


def _walk_json(value: Any, what: str) -> None:
    """Every string in a raw record (stored as JSON) is safe text."""
    if isinstance(value, dict):
        for k, v in value.items():
            safe_text(k, f"{what} key")
            _walk_json(v, f"{what}.{k}")
    elif isinstance(value, (list, tuple)):
        for v in value:
            _walk_json(v, what)
    elif isinstance(value, str):
        safe_text(value, what)


# -- SMB (and the NTLMSSP challenge inside it) ------------------------------------

_SMB_KEYS = ("smb2_negotiate", "smb2_session_setup", "smb1_negotiate", "smb1_session_setup")
_SMB_PART = re.compile(rb"@@(" + b"|".join(k.encode() for k in _SMB_KEYS) + rb")\n")


def _smb_seeds() -> list[bytes]:
    """Each recorded server's answers, one input: ``@@<key>\\n<bytes>`` per
    answer (what :func:`smbinfo.summarize` reads), so the negotiate and the
    session setup of one host meet in ``observation_parts``."""
    seeds = []
    for case in sorted((FIXTURES / "smb").iterdir()):
        parts = [b"@@" + k.encode() + b"\n" + (case / f"{k}.bin").read_bytes()
                 for k in _SMB_KEYS if (case / f"{k}.bin").exists()]
        if parts:
            seeds.append(b"".join(parts))
    return seeds


def _smb_responses(data: bytes) -> dict[str, bytes]:
    pieces = _SMB_PART.split(data)
    return {pieces[i].decode(): pieces[i + 1] for i in range(1, len(pieces) - 1, 2)}


def _smb_fields(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """Rewrite a length, offset, count or status the parsers branch on (past
    the 4-byte frame header of one answer)."""
    starts = [m.end() for m in _SMB_PART.finditer(data)] or [0]
    base = rng.choice(starts)
    offset = base + rng.choice((1, 2, 3, 4 + 8, 4 + 12, 4 + 64, 4 + 66, 4 + 68, 4 + 70, 4 + 32, 4 + 36,
                                rng.randrange(4, 200)))
    value = rng.choice((b"\x00\x00", b"\xff\xff", b"\x41\x00", b"\x01\x00", b"\x00\x80", b"\x16\x00\x00\xc0",
                        b"\xff\xff\xff\xff", b"\x00", b"\xff", b"\x80"))
    return data[:offset] + value + data[offset + len(value):]


_SMB_TOKENS = (b"NTLMSSP\x00", b"NTLMSSP\x00\x02\x00\x00\x00", b"\xfeSMB", b"\xffSMB", b"\x02\x00", b"\x01\x00",
               b"\x07\x00\x08\x00", b"\x00\x00", b"\xff\xff\xff\x7f", b"W\x00i\x00n\x00", b"\x1b\x00[\x00",
               b"\x9b\x00", b".\x00.\x00", b"\x00\xd8", b"\x00\xdc", b"\x06\x01\x00\x00\x00\x00\x00\x0f")


@target("smb", "SMB2/SMB1 negotiate and session-setup answers with their NTLMSSP challenge "
        "(collector/proto/smb.py, collector/proto/ntlmssp.py) -> collector/smbinfo.py summarize and "
        "observation_parts (facts, the SMB service, identifiers, the raw record); never raises (the parsers' "
        "ValueError/struct.error become errors in the summary)", seeds=_smb_seeds,
        mutators=(_smb_fields, with_tokens(_SMB_TOKENS)), covers=("collector/proto/smb.py",
                                                                    "collector/proto/ntlmssp.py",
                                                                    "collector/smbinfo.py"))
def run_smb(data: bytes) -> object:
    from collector import smbinfo

    summary = smbinfo.summarize(_smb_responses(data))
    facts, services, software, identifiers, raw = smbinfo.observation_parts(summary, 445, (True, "fuzz"))
    check_observation_parts(facts, services, identifiers, software)
    _walk_json(raw, "raw")
    ntlm = summary.get("ntlm") or {}
    for k, v in (ntlm.get("target_info") or {}).items():
        safe_text(v if isinstance(v, str) else None, f"target_info {k}", 255 + 3)
    safe_text(ntlm.get("target_name"), "target_name", 255 + 3)
    for k in ("native_os", "native_lm", "primary_domain"):
        safe_text((summary.get("smb1") or {}).get(k), k, 255 + 3)  # escape_banner: 255 and "..."
    return facts


def _ntlm_seeds() -> list[bytes]:
    """The NTLMSSP CHALLENGE messages alone: the recorded Server 2016 one and
    those inside the Samba session setups."""
    from collector.proto import ntlmssp, smb

    seeds = [p.read_bytes() for p in sorted((FIXTURES / "smb").glob("*/ntlm_challenge.bin"))]
    for p in sorted((FIXTURES / "smb").glob("*/smb2_session_setup.bin")):
        raw = ntlmssp.find_challenge(smb.parse_smb2_session_setup(p.read_bytes()))
        if raw:
            seeds.append(raw)
    return seeds


def _ntlm_fields(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """A security-buffer length/offset (target name at 12, target info at 40),
    the flags, or an AV_PAIR id/length in the target info."""
    offset = rng.choice((12, 14, 16, 20, 40, 42, 44, 48, 49, 50, rng.randrange(56, max(57, len(data)))))
    value = rng.choice((b"\x00\x00", b"\xff\xff", b"\x01\x00", b"\x02\x00", b"\x07\x00", b"\x09\x00",
                        b"\x38\x00\x00\x00", b"\xff\xff\xff\xff", b"\x08\x00"))
    return data[:offset] + value + data[offset + len(value):]


@target("ntlmssp", "NTLMSSP CHALLENGE messages (collector/proto/ntlmssp.py parse_challenge) -> the SMB "
        "summary and facts they make (collector/smbinfo.py); expected: ValueError, struct.error from "
        "parse_challenge (smb.challenge_of turns them into None)", seeds=_ntlm_seeds,
        mutators=(_ntlm_fields, with_tokens(_SMB_TOKENS)), expected=(ValueError, struct.error),
        covers=("collector/proto/ntlmssp.py", "collector/smbinfo.py"))
def run_ntlmssp(data: bytes) -> object:
    from collector import smbinfo
    from collector.proto import ntlmssp, smb

    parsed = ntlmssp.parse_challenge(data)
    check(isinstance(parsed, dict), "not a dict")
    # the same message as the SMB2 session setup carries it, through the whole path
    blob = data[:65000]
    pdu = b"\xfeSMB" + b"\x40\x00" + b"\x00" * 2 + struct.pack("<IH", 0xC0000016, 1) + b"\x00" * 50
    pdu += struct.pack("<HHHH", 9, 0, 72, len(blob)) + blob
    framed = b"\x00" + len(pdu).to_bytes(3, "big") + pdu
    summary = smbinfo.summarize({"smb2_session_setup": framed})
    check(smb.challenge_of(blob) is not None and "ntlm" in summary, f"challenge lost on the way: {summary!r}")
    facts, services, software, identifiers, raw = smbinfo.observation_parts(summary)
    check_observation_parts(facts, services, identifiers, software)
    for k, v in (summary["ntlm"].get("target_info") or {}).items():
        safe_text(v if isinstance(v, str) else None, f"target_info {k}", 255 + 3)
    return facts


# -- NetBIOS node status ------------------------------------------------------------


def _nbns_seeds() -> list[bytes]:
    return [p.read_bytes() for p in sorted((FIXTURES / "netbios").glob("*/reply.bin"))]


def _nbns_fields(rng: random.Random, data: bytes, corpus: Sequence[bytes]) -> bytes:
    """Flags, answer count, a name label length, the record type, RDLENGTH,
    the name count, a name's suffix or flags."""
    offset = rng.choice((2, 6, 12, 45, 46, 54, 55, 56, 57, rng.randrange(57, max(58, len(data)))))
    value = rng.choice((b"\x84\x00", b"\x00\x00", b"\x00\x01", b"\x00\x21", b"\xff\xff", b"\x3f", b"\xc0",
                        b"\x20", b"\x00", b"\xff", b"\x1c", b"\x1b", b"\x80\x00"))
    return data[:offset] + value + data[offset + len(value):]


@target("nbns", "NetBIOS node status replies (collector/proto/nbns.py parse_nbstat) -> the netbios plugin's "
        "observation_for; expected: ValueError (the plugin skips the reply)", seeds=_nbns_seeds,
        mutators=(_nbns_fields, with_tokens((b"\x1b[31m", b"\x9b", b"__MSBROWSE__", b"\x00" * 6))),
        expected=(ValueError,), covers=("collector/proto/nbns.py", "plugins/netbios.py"))
def run_nbns(data: bytes) -> object:
    from collector.proto.nbns import parse_nbstat
    from collector.plugins.netbios import observation_for

    parsed = parse_nbstat(data)
    obs = observation_for("198.18.0.20", parsed)
    check_observation_parts(obs.facts, obs.services, obs.identifiers)
    check(obs.mac is None or re.fullmatch(r"[0-9a-f]{2}(:[0-9a-f]{2}){5}", obs.mac), f"bad MAC {obs.mac!r}")
    _walk_json(obs.raw, "raw")
    return obs


# -- WS-Discovery -----------------------------------------------------------------------


def _wsd_seeds() -> list[bytes]:
    return [p.read_bytes() for case in sorted((FIXTURES / "wsd").iterdir()) if case.is_dir()
            for p in (case / "probe_matches.xml", case / "metadata.xml") if p.exists()]


_WSD_TOKENS = (b"<wsd:Types>dn:NetworkVideoTransmitter tds:Device</wsd:Types>", b"<wsd:Scopes>",
               b"onvif://www.onvif.org/hardware/", b"onvif://www.onvif.org/name/%1b%5b31m%C2%9B",
               b"onvif://www.onvif.org/name/%E2%80%AE", b"%00", b"%ff", b"<wsd:XAddrs>http://198.18.0.20:5357/x",
               b"http://[::1", b"http://999.1.1.1:99999/", b"<wsa:Address>urn:uuid:", b"</wsd:ProbeMatch>",
               b"<wsd:ProbeMatch>", b"<pub:Computer>HOST/Workgroup:WG</pub:Computer>", b"/Domain:",
               b"<wsdp:Manufacturer>", b"<wsdp:ModelName>", b"<wsdp:SerialNumber>", b"&#x85;", b"&#x9b;",
               b"&#x2028;", b"&#x202e;", b"&#1;", b"<!DOCTYPE x [<!ENTITY a 'b'>]>", b"&a;", b"\r\n0\r\n\r\n",
               b"5\r\n", b"ffffffffffffffff\r\n")


@target("wsd", "WS-Discovery ProbeMatches and WS-Transfer metadata (collector/proto/wsd.py parse_probe_matches, "
        "parse_metadata, in_scope_xaddrs; the plugin's chunked-body reader) -> collector/wsdinfo.py "
        "observation_for; never raises (a message that is no ProbeMatches is a ValueError the plugin skips; "
        "then the input is read as metadata alone)", seeds=_wsd_seeds, mutators=(with_tokens(_WSD_TOKENS),),
        covers=("collector/proto/wsd.py", "collector/wsdinfo.py", "plugins/wsd.py"))
def run_wsd(data: bytes) -> object:
    from collector.proto import wsd
    from collector.wsdinfo import observation_for
    from collector.plugins.wsd import _dechunk

    body = _dechunk(data)
    check(len(body) <= len(data), "a chunked body longer than what was sent")
    try:
        matches = wsd.parse_probe_matches(data)
    except ValueError:
        matches = [{"address": "urn:uuid:x", "types": ["Device"], "scopes": [], "xaddrs": []}]
    for m in matches:
        urls = wsd.in_scope_xaddrs(m["xaddrs"], lambda ip: ip.startswith("198.18."))
        for url in urls:
            check(url.startswith(("http://198.18.", "https://198.18.")), f"out of scope: {url!r}")
    obs = observation_for("198.18.0.20", matches, data)
    check_observation_parts(obs.facts, obs.services, obs.identifiers)
    _walk_json(obs.raw, "raw")
    return obs
