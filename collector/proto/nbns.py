"""NetBIOS name service node status (NBSTAT, RFC 1002 4.2.17/4.2.18): the
query and a pure parser of the reply, which lists the names a host
registered (computer, workgroup or domain, services) and its MAC.
"""

from __future__ import annotations

import re
import struct
from typing import Any

PORT = 137
MAX_REPLY = 2048
#: (suffix, group) -> what the name means (Microsoft's well-known suffixes)
SUFFIXES = {
    (0x00, False): "workstation", (0x00, True): "domain/workgroup", (0x03, False): "messenger",
    (0x20, False): "file server", (0x1B, False): "domain master browser", (0x1C, True): "domain controllers",
    (0x1D, False): "master browser", (0x1E, True): "browser elections", (0x01, True): "master browser group",
    (0x06, False): "RAS server", (0x1F, False): "NetDDE", (0x21, False): "RAS client", (0xBE, False): "network monitor",
}
_WILDCARD = b"*" + b"\x00" * 15


def encode_name(raw16: bytes) -> bytes:
    """First-level encoding: each nibble as a letter 'A'..'P' (RFC 1001 14.1)."""
    out = bytearray([32])
    for b in raw16:
        out += bytes([0x41 + (b >> 4), 0x41 + (b & 0x0F)])
    return bytes(out) + b"\x00"


def nbstat_query(transaction_id: int) -> bytes:
    """A node status request for the wildcard name "*"."""
    return struct.pack(">HHHHHH", transaction_id & 0xFFFF, 0, 1, 0, 0, 0) + encode_name(_WILDCARD) \
        + struct.pack(">HH", 0x21, 1)


def _skip_name(data: bytes, at: int) -> int:
    for _ in range(64):
        if at >= len(data):
            raise ValueError("truncated name")
        length = data[at]
        if length == 0:
            return at + 1
        if length & 0xC0 == 0xC0:  # compression pointer
            return at + 2
        at += 1 + length
    raise ValueError("name too long")


def _text(raw: bytes) -> str:
    text = raw.decode("latin-1").rstrip(" \x00")
    return re.sub(r"[^\x20-\x7e]", lambda m: f"\\x{ord(m.group(0)):02x}", text)


def parse_nbstat(data: bytes) -> dict[str, Any]:
    """``{"transaction_id", "names": [{"name", "suffix", "group", "meaning"}], "mac"}``.
    Raises ValueError when it is not a node status reply."""
    data = data[:MAX_REPLY]
    if len(data) < 12:
        raise ValueError("too short for an NBNS reply")
    tid, flags, _qd, an = struct.unpack(">HHHH", data[:8])
    if not flags & 0x8000 or an < 1:
        raise ValueError("not a reply with an answer")
    at = _skip_name(data, 12)
    if at + 10 > len(data):
        raise ValueError("truncated answer")
    rtype, _rclass, _ttl, rdlength = struct.unpack(">HHIH", data[at : at + 10])
    if rtype != 0x21:
        raise ValueError("not a node status answer")
    rdata = data[at + 10 : at + 10 + rdlength]
    if not rdata:
        raise ValueError("empty node status")
    count = rdata[0]
    names = []
    for i in range(count):
        entry = rdata[1 + 18 * i : 1 + 18 * (i + 1)]
        if len(entry) < 18:
            break
        name_flags = struct.unpack(">H", entry[16:18])[0]
        group = bool(name_flags & 0x8000)
        suffix = entry[15]
        names.append({"name": _text(entry[:15]), "suffix": f"{suffix:02x}", "group": group,
                      "active": bool(name_flags & 0x0400),
                      "meaning": SUFFIXES.get((suffix, group), "other")})
    out: dict[str, Any] = {"transaction_id": tid, "names": names}
    stats = rdata[1 + 18 * count :]
    if len(stats) >= 6:
        out["mac"] = ":".join(f"{b:02x}" for b in stats[:6])
    return out


def summary(parsed: dict[str, Any]) -> dict[str, str | None]:
    """The computer name (unique <00> or <20>), the workgroup or domain (group
    <00>), whether it is a domain controller (<1C>/<1B>) and the MAC (None
    when zero: Samba reports 00:00:00:00:00:00)."""
    names = parsed.get("names") or []
    computer = next((n["name"] for n in names if n["suffix"] == "00" and not n["group"]), None) \
        or next((n["name"] for n in names if n["suffix"] == "20" and not n["group"]), None)
    workgroup = next((n["name"] for n in names if n["suffix"] == "00" and n["group"]
                      and n["name"] != "__MSBROWSE__"), None)
    mac = parsed.get("mac")
    if mac in ("00:00:00:00:00:00", "ff:ff:ff:ff:ff:ff"):
        mac = None
    dc = any(n["suffix"] in ("1c", "1b") for n in names)
    return {"computer": computer, "workgroup": workgroup, "mac": mac,
            "domain_controller": "yes" if dc else None,
            "file_server": "yes" if any(n["suffix"] == "20" for n in names) else None}
