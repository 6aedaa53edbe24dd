"""NTLMSSP ([MS-NLMP]): the anonymous NEGOTIATE a client sends first, and a
pure parser of the server's CHALLENGE, which states the server's Windows
version (or what Samba puts there) and its names. We never send the third
message: no credentials, no session.
"""

from __future__ import annotations

import datetime as _dt
import struct
from typing import Any

SIGNATURE = b"NTLMSSP\x00"
CHALLENGE_PREFIX = SIGNATURE + b"\x02\x00\x00\x00"
#: UNICODE | OEM | REQUEST_TARGET | NTLM | ALWAYS_SIGN | EXTENDED_SESSIONSECURITY |
#: TARGET_INFO | VERSION | 128 | KEY_EXCH | 56
NEGOTIATE_FLAGS = 0x00000001 | 0x00000002 | 0x00000004 | 0x00000200 | 0x00008000 | 0x00080000 | 0x00800000 \
    | 0x02000000 | 0x20000000 | 0x40000000 | 0x80000000
NEGOTIATE_VERSION = 0x02000000
MAX_MESSAGE = 4096
#: MsvAv ids -> names ([MS-NLMP] 2.2.2.1)
AV_NAMES = {1: "netbios_computer", 2: "netbios_domain", 3: "dns_computer", 4: "dns_domain", 5: "dns_tree",
            6: "flags", 7: "timestamp", 9: "target_name"}
MAX_NAME = 255


def negotiate_message() -> bytes:
    """Type 1 message: no domain, no workstation; our version field is zero."""
    return SIGNATURE + struct.pack("<II", 1, NEGOTIATE_FLAGS) + b"\x00" * 16 + b"\x00" * 8


def _der_len(n: int) -> bytes:
    if n < 0x80:
        return bytes([n])
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes([0x80 | len(body)]) + body


def _tlv(tag: int, value: bytes) -> bytes:
    return bytes([tag]) + _der_len(len(value)) + value


#: 1.3.6.1.4.1.311.2.2.10 (NTLMSSP) and 1.3.6.1.5.5.2 (SPNEGO)
_NTLM_OID = bytes.fromhex("060a2b0601040182370202 0a".replace(" ", ""))
_SPNEGO_OID = bytes.fromhex("06062b0601050502")


def spnego_negotiate() -> bytes:
    """GSS-API InitialContextToken: SPNEGO NegTokenInit offering NTLMSSP with
    our NEGOTIATE as the optimistic token (what Windows clients send)."""
    mech_types = _tlv(0xA0, _tlv(0x30, _NTLM_OID))
    mech_token = _tlv(0xA2, _tlv(0x04, negotiate_message()))
    return _tlv(0x60, _SPNEGO_OID + _tlv(0xA0, _tlv(0x30, mech_types + mech_token)))


def find_challenge(blob: bytes) -> bytes | None:
    """The CHALLENGE message inside a security blob (raw, or wrapped in an
    SPNEGO NegTokenResp), or None."""
    at = blob.find(CHALLENGE_PREFIX, 0, MAX_MESSAGE * 4)
    return blob[at : at + MAX_MESSAGE] if at >= 0 else None


def _utf16(raw: bytes) -> str:
    return raw.decode("utf-16-le", "replace")[:MAX_NAME]


def _filetime(raw: bytes) -> str | None:
    if len(raw) != 8:
        return None
    ticks = struct.unpack("<Q", raw)[0]
    try:
        when = _dt.datetime(1601, 1, 1, tzinfo=_dt.timezone.utc) + _dt.timedelta(microseconds=ticks // 10)
    except OverflowError:
        return None
    return when.isoformat(timespec="seconds")


def parse_challenge(msg: bytes) -> dict[str, Any]:
    """Fields of a CHALLENGE message. Raises ValueError when it is not one.
    Every offset is checked against the message; names are bounded."""
    if len(msg) < 48 or not msg.startswith(CHALLENGE_PREFIX):
        raise ValueError("not an NTLMSSP CHALLENGE message")
    msg = msg[:MAX_MESSAGE]
    name_len, _max, name_off = struct.unpack("<HHI", msg[12:20])
    flags = struct.unpack("<I", msg[20:24])[0]
    info_len, _max2, info_off = struct.unpack("<HHI", msg[40:48])
    out: dict[str, Any] = {"flags": flags}
    if 0 < name_len and name_off + name_len <= len(msg):
        out["target_name"] = _utf16(msg[name_off : name_off + name_len])
    # the Version field is there when the server set NEGOTIATE_VERSION and
    # the payload starts after it
    payload_start = min([o for o, n in ((name_off, name_len), (info_off, info_len)) if n] or [len(msg)])
    if flags & NEGOTIATE_VERSION and len(msg) >= 56 and payload_start >= 56:
        major, minor, build = msg[48], msg[49], struct.unpack("<H", msg[50:52])[0]
        out["version"] = {"major": major, "minor": minor, "build": build, "revision": msg[55]}
    av: dict[str, Any] = {}
    if info_len and info_off + info_len <= len(msg):
        info = msg[info_off : info_off + info_len]
        i = 0
        for _ in range(64):  # bounded: a well-formed list has under a dozen pairs
            if i + 4 > len(info):
                break
            av_id, av_len = struct.unpack("<HH", info[i : i + 4])
            if av_id == 0:  # MsvAvEOL
                break
            value = info[i + 4 : i + 4 + av_len]
            i += 4 + av_len
            name = AV_NAMES.get(av_id)
            if name is None or len(value) != av_len:
                continue
            if av_id == 7:
                av[name] = _filetime(value)
            elif av_id == 6:
                av[name] = struct.unpack("<I", value)[0] if av_len == 4 else None
            else:
                av[name] = _utf16(value)
    out["target_info"] = av
    return out
