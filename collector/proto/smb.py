"""SMB2/3 and SMB1 messages for an anonymous identification probe: build the
NEGOTIATE and first SESSION_SETUP requests, parse what the server answers.
Pure functions over bytes ([MS-SMB2], [MS-SMB]/[MS-CIFS]); the socket work is
in the ``smb`` plugin.
"""

from __future__ import annotations

import os
import struct
import uuid
from typing import Any

from collector.proto import ntlmssp

SMB2_MAGIC = b"\xfeSMB"
SMB1_MAGIC = b"\xffSMB"
#: the dialects we offer: 2.0.2, 2.1, 3.0, 3.0.2, 3.1.1
DIALECTS = (0x0202, 0x0210, 0x0300, 0x0302, 0x0311)
DIALECT_NAMES = {0x0202: "2.0.2", 0x0210: "2.1", 0x0300: "3.0", 0x0302: "3.0.2", 0x0311: "3.1.1", 0x02FF: "2.???"}
CAPABILITIES = {0x01: "dfs", 0x02: "leasing", 0x04: "large_mtu", 0x08: "multi_channel", 0x10: "persistent_handles",
                0x20: "directory_leasing", 0x40: "encryption", 0x80: "notifications"}
STATUS_MORE_PROCESSING = 0xC0000016
MAX_PDU = 65536


def frame(payload: bytes) -> bytes:
    """Direct-TCP (port 445) transport header: zero byte + 24-bit length."""
    return struct.pack(">I", len(payload)) + payload


def _smb2_header(command: int, message_id: int) -> bytes:
    return (SMB2_MAGIC + struct.pack("<HHIHHIIQIIQ", 64, 0, 0, command, 31, 0, 0, message_id, 0xFEFF, 0, 0)
            + b"\x00" * 16)


def smb2_negotiate_request(client_guid: bytes | None = None, salt: bytes | None = None) -> bytes:
    """NEGOTIATE offering 2.0.2-3.1.1 with the two negotiate contexts 3.1.1
    requires (pre-auth integrity SHA-512, encryption AES-128-GCM/CCM)."""
    client_guid = client_guid or uuid.uuid4().bytes
    salt = salt or os.urandom(32)
    fixed_len = 36 + 2 * len(DIALECTS)
    pad = (8 - (64 + fixed_len) % 8) % 8
    context_offset = 64 + fixed_len + pad
    preauth = struct.pack("<HHI", 1, 38, 0) + struct.pack("<HHH", 1, 32, 1) + salt
    preauth += b"\x00" * ((8 - len(preauth) % 8) % 8)
    crypto = struct.pack("<HHI", 2, 6, 0) + struct.pack("<HHH", 2, 2, 1)
    body = struct.pack("<HHHHI", 36, len(DIALECTS), 1, 0, 0x7F) + client_guid
    body += struct.pack("<IHH", context_offset, 2, 0) + b"".join(struct.pack("<H", d) for d in DIALECTS)
    body += b"\x00" * pad + preauth + crypto
    return frame(_smb2_header(0, 0) + body)


def smb2_session_setup_request(security_blob: bytes) -> bytes:
    body = struct.pack("<HBBIIHHQ", 25, 0, 1, 1, 0, 64 + 24, len(security_blob), 0) + security_blob
    return frame(_smb2_header(1, 1) + body)


def _unframe(data: bytes) -> bytes:
    if len(data) < 4 or data[0] != 0:
        raise ValueError("not a direct-TCP SMB frame")
    length = int.from_bytes(data[1:4], "big")
    if length > MAX_PDU or len(data) < 4 + length:
        raise ValueError("truncated or oversized SMB frame")
    return data[4 : 4 + length]


def _filetime(raw: int) -> str | None:
    from collector.proto.ntlmssp import _filetime as ft

    return ft(struct.pack("<Q", raw)) if raw else None


def parse_smb2_negotiate(data: bytes) -> dict[str, Any]:
    """An SMB2 NEGOTIATE response (framed). Raises ValueError."""
    pdu = _unframe(data)
    if len(pdu) < 64 + 64 or not pdu.startswith(SMB2_MAGIC):
        raise ValueError("not an SMB2 message")
    status, command = struct.unpack("<IH", pdu[8:14])
    if command != 0:
        raise ValueError("not a NEGOTIATE response")
    if status != 0:
        raise ValueError(f"NEGOTIATE refused (status 0x{status:08x})")
    b = pdu[64:]
    (size, security_mode, dialect, _ctx_count) = struct.unpack("<HHHH", b[0:8])
    if size != 65:
        raise ValueError("malformed NEGOTIATE response")
    guid = uuid.UUID(bytes_le=b[8:24])
    capabilities, max_transact, max_read, max_write = struct.unpack("<IIII", b[24:40])
    system_time, start_time = struct.unpack("<QQ", b[40:56])
    return {
        "dialect": DIALECT_NAMES.get(dialect, f"0x{dialect:04x}"),
        "dialect_id": dialect,
        "signing_enabled": bool(security_mode & 1),
        "signing_required": bool(security_mode & 2),
        "server_guid": str(guid),
        "capabilities": [name for bit, name in CAPABILITIES.items() if capabilities & bit],
        "max_transact": max_transact, "max_read": max_read, "max_write": max_write,
        "system_time": _filetime(system_time),
    }


def parse_smb2_session_setup(data: bytes) -> bytes:
    """The security blob of the first SESSION_SETUP response. Raises ValueError."""
    pdu = _unframe(data)
    if len(pdu) < 64 + 8 or not pdu.startswith(SMB2_MAGIC):
        raise ValueError("not an SMB2 message")
    status, command = struct.unpack("<IH", pdu[8:14])
    if command != 1:
        raise ValueError("not a SESSION_SETUP response")
    if status not in (STATUS_MORE_PROCESSING, 0):
        raise ValueError(f"SESSION_SETUP refused (status 0x{status:08x})")
    _size, _flags, offset, length = struct.unpack("<HHHH", pdu[64:72])
    if offset + length > len(pdu):
        raise ValueError("security buffer outside the message")
    return pdu[offset : offset + length]


# --- SMB1 ---------------------------------------------------------------------

#: FLAGS2: long names, extended security, NT status, unicode
_FLAGS2 = 0x0001 | 0x0800 | 0x4000 | 0x8000
_CAP_UNICODE, _CAP_NT_STATUS, _CAP_EXTENDED_SECURITY = 0x0004, 0x0040, 0x80000000


def _smb1_header(command: int, mid: int) -> bytes:
    return SMB1_MAGIC + struct.pack("<BIBH12sHHHH", command, 0, 0x18, _FLAGS2, b"\x00" * 12, 0, 0xFEFF, 0, mid)


def smb1_negotiate_request() -> bytes:
    """An SMB1 NEGOTIATE offering only "NT LM 0.12": a server that accepts it
    speaks SMBv1."""
    dialects = b"\x02NT LM 0.12\x00"
    return frame(_smb1_header(0x72, 1) + b"\x00" + struct.pack("<H", len(dialects)) + dialects)


def smb1_session_setup_request(security_blob: bytes) -> bytes:
    """SESSION_SETUP_ANDX (extended security) carrying our NTLMSSP NEGOTIATE."""
    native = "Unix\x00".encode("utf-16-le") + "lan-collector\x00".encode("utf-16-le")
    pad = b"\x00" if (32 + 1 + 24 + 2 + len(security_blob)) % 2 else b""
    data = security_blob + pad + native
    words = struct.pack("<BBHHHHIHII", 0xFF, 0, 0, 16644, 1, 0, 0, len(security_blob), 0,
                        _CAP_UNICODE | _CAP_NT_STATUS | _CAP_EXTENDED_SECURITY)
    return frame(_smb1_header(0x73, 2) + b"\x0c" + words + struct.pack("<H", len(data)) + data)


def _smb1_pdu(data: bytes, command: int) -> tuple[bytes, int, bytes, bytes]:
    pdu = _unframe(data)
    if len(pdu) < 35 or not pdu.startswith(SMB1_MAGIC) or pdu[4] != command:
        raise ValueError("not the expected SMB1 response")
    status = struct.unpack("<I", pdu[5:9])[0]
    wc = pdu[32]
    words = pdu[33 : 33 + 2 * wc]
    if len(pdu) < 33 + 2 * wc + 2:
        raise ValueError("truncated SMB1 response")
    bc = struct.unpack("<H", pdu[33 + 2 * wc : 35 + 2 * wc])[0]
    return pdu, status, words, pdu[35 + 2 * wc : 35 + 2 * wc + bc]


def _strings(raw: bytes, unicode: bool, limit: int = 3) -> list[str]:
    if unicode:
        if len(raw) % 2:
            raw = raw[:-1]
        parts = raw.decode("utf-16-le", "replace").split("\x00")
    else:
        parts = raw.decode("latin-1").split("\x00")
    return [p[:255] for p in parts[:limit]]


def parse_smb1_negotiate(data: bytes) -> dict[str, Any]:
    """An SMB1 NEGOTIATE response. ``accepted`` is False when the server
    answered but chose no dialect. Raises ValueError."""
    pdu, status, words, payload = _smb1_pdu(data, 0x72)
    if status != 0 or len(words) < 2 or struct.unpack("<H", words[:2])[0] == 0xFFFF:
        return {"accepted": False}
    if len(words) < 34:
        return {"accepted": True, "dialect": "pre-NT LM 0.12"}
    security_mode = words[2]
    capabilities = struct.unpack("<I", words[19:23])[0]
    out: dict[str, Any] = {"accepted": True, "dialect": "NT LM 0.12",
                           "signing_enabled": bool(security_mode & 0x04),
                           "signing_required": bool(security_mode & 0x08),
                           "extended_security": bool(capabilities & _CAP_EXTENDED_SECURITY)}
    flags2 = struct.unpack("<H", pdu[10:12])[0]
    if capabilities & _CAP_EXTENDED_SECURITY:
        if len(payload) >= 16:
            out["server_guid"] = str(uuid.UUID(bytes_le=payload[:16]))
    else:  # challenge, then domain and server names
        challenge_len = words[33] if len(words) > 33 else 8
        names = _strings(payload[challenge_len:], bool(flags2 & 0x8000), 2)
        if names and names[0]:
            out["domain"] = names[0]
        if len(names) > 1 and names[1]:
            out["server"] = names[1]
    return out


def parse_smb1_session_setup(data: bytes) -> dict[str, Any]:
    """The first SESSION_SETUP_ANDX response: security blob, NativeOS,
    NativeLanMan, primary domain. Raises ValueError."""
    pdu, status, words, payload = _smb1_pdu(data, 0x73)
    if status not in (STATUS_MORE_PROCESSING, 0):
        raise ValueError(f"SESSION_SETUP_ANDX refused (status 0x{status:08x})")
    blob_len = struct.unpack("<H", words[6:8])[0] if len(words) >= 8 else 0
    blob = payload[:blob_len]
    rest = payload[blob_len:]
    unicode = bool(struct.unpack("<H", pdu[10:12])[0] & 0x8000)
    if unicode and (35 + len(words) + blob_len) % 2:  # strings are aligned to 2 bytes from the header
        rest = rest[1:]
    names = _strings(rest, unicode)
    out: dict[str, Any] = {"security_blob": blob}
    for key, value in zip(("native_os", "native_lm", "primary_domain"), names):
        if value:
            out[key] = value
    return out


def challenge_of(blob: bytes) -> dict[str, Any] | None:
    raw = ntlmssp.find_challenge(blob)
    if raw is None:
        return None
    try:
        return ntlmssp.parse_challenge(raw)
    except (ValueError, struct.error):
        return None
