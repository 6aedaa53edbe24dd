"""The lab's Windows hosts answer SMB, NetBIOS node status and WS-Discovery
the way the real systems do, without Windows.

Windows answers cannot come from a real daemon here, so they are rebuilt in
the exact layout of recorded real answers and patched per host only where a
real host would differ: names, domain, server GUID, MAC, timestamps, and the
Version field of the NTLMSSP CHALLENGE (the build of the release the host
plays). The CHALLENGE follows a real Windows Server 2016 domain controller's
(pyspnego's recording, ``tests/fixtures/smb/ntlm-server2016-dc``): same
flags, same target-info pairs in the same order. The NativeOS / NativeLanMan
strings are the real ones (Recog's ``smb_native_os`` examples). Windows 10
22H2 states 10.0.19041 in NTLMSSP, as the real one does (its servicing base).

Pure builders; :mod:`collector.lab.services` serves them.
"""

from __future__ import annotations

import os
import struct
import time
import uuid
from dataclasses import dataclass

from collector.proto import nbns, ntlmssp, smb

#: Server 2016 DC's CHALLENGE flags, as recorded
CHALLENGE_FLAGS = 0xE2898235


@dataclass(frozen=True)
class Flavour:
    version: tuple[int, int, int]  # the NTLMSSP Version field
    dialect: int  # the SMB2 dialect it picks from our offer
    smb1: bool  # still accepts SMB1
    native_os: str = ""
    native_lm: str = ""
    domain: str | None = None  # NetBIOS domain when joined (None: WORKGROUP)
    dns_domain: str | None = None
    signing_required: bool = False  # domain controllers require signing


FLAVOURS = {
    "win7": Flavour((6, 1, 7601), 0x0210, True, "Windows 7 Professional 7601 Service Pack 1",
                    "Windows 7 Professional 6.1"),
    "win2008r2": Flavour((6, 1, 7601), 0x0210, True, "Windows Server 2008 R2 Standard 7601 Service Pack 1",
                         "Windows Server 2008 R2 Standard 6.1", "OFFICE", "office.example", True),
    "win10": Flavour((10, 0, 19041), 0x0311, False),
    "win2022": Flavour((10, 0, 20348), 0x0311, False, domain="OFFICE", dns_domain="office.example",
                       signing_required=True),
}


def server_guid(hostname: str) -> bytes:
    return uuid.uuid5(uuid.NAMESPACE_DNS, f"{hostname}.lab.invalid").bytes_le


def _filetime(now: float | None = None) -> int:
    return int(((now if now is not None else time.time()) + 11644473600) * 10_000_000)


def challenge(flavour: Flavour, hostname: str) -> bytes:
    """An NTLMSSP CHALLENGE in the recorded layout, for this host."""
    name = hostname.upper()
    domain = flavour.domain or name  # a workgroup member names itself as target
    pairs = [(2, domain), (1, name)]
    if flavour.dns_domain:
        pairs += [(4, flavour.dns_domain), (3, f"{hostname.lower()}.{flavour.dns_domain}"), (5, flavour.dns_domain)]
    else:
        pairs += [(4, hostname.lower()), (3, hostname.lower())]
    info = b"".join(struct.pack("<HH", t, len(v.encode("utf-16-le"))) + v.encode("utf-16-le") for t, v in pairs)
    info += struct.pack("<HHQ", 7, 8, _filetime()) + b"\x00\x00\x00\x00"
    target = domain.encode("utf-16-le")
    major, minor, build = flavour.version
    head = ntlmssp.CHALLENGE_PREFIX + struct.pack("<HHI", len(target), len(target), 56) + struct.pack(
        "<I", CHALLENGE_FLAGS) + os.urandom(8) + b"\x00" * 8 + struct.pack(
        "<HHI", len(info), len(info), 56 + len(target)) + struct.pack("<BBH3xB", major, minor, build, 15)
    return head + target + info


def _tlv(tag: int, value: bytes) -> bytes:
    return ntlmssp._tlv(tag, value)


def _spnego_response(token: bytes) -> bytes:
    return _tlv(0xA1, _tlv(0x30, _tlv(0xA0, b"\x0a\x01\x01") + _tlv(0xA1, ntlmssp._NTLM_OID)
                             + _tlv(0xA2, _tlv(0x04, token))))


def _spnego_hint() -> bytes:
    return _tlv(0x60, ntlmssp._SPNEGO_OID + _tlv(0xA0, _tlv(0x30, _tlv(0xA0, _tlv(0x30, ntlmssp._NTLM_OID)))))


def _smb2_header(command: int, message_id: int, status: int = 0, session: int = 0) -> bytes:
    return (smb.SMB2_MAGIC + struct.pack("<HHIHHIIQIIQ", 64, 0, status, command, 1, 1, 0, message_id, 0xFEFF, 0,
                                         session) + b"\x00" * 16)


def smb2_negotiate_response(flavour: Flavour, hostname: str, message_id: int) -> bytes:
    blob = _spnego_hint()
    contexts = b""
    if flavour.dialect == 0x0311:
        preauth = struct.pack("<HHI", 1, 38, 0) + struct.pack("<HHH", 1, 32, 1) + os.urandom(32) + b"\x00" * 2
        contexts = preauth + struct.pack("<HHI", 2, 4, 0) + struct.pack("<HH", 1, 2)
    offset = 64 + 64
    ctx_offset = (offset + len(blob) + 7) // 8 * 8 if contexts else 0
    caps = 0x2F if flavour.dialect >= 0x0300 else 0x07
    body = struct.pack("<HHHH", 65, 3 if flavour.signing_required else 1, flavour.dialect, 2 if contexts else 0)
    body += server_guid(hostname) + struct.pack("<IIII", caps, 8388608, 8388608, 8388608)
    body += struct.pack("<QQHHI", _filetime(), 0, offset, len(blob), ctx_offset) + blob
    if contexts:
        body += b"\x00" * (ctx_offset - 64 - len(body)) + contexts
    return smb.frame(_smb2_header(0, message_id) + body)


def smb2_session_setup_response(flavour: Flavour, hostname: str, message_id: int) -> bytes:
    blob = _spnego_response(challenge(flavour, hostname))
    body = struct.pack("<HHHH", 9, 0, 72, len(blob)) + blob
    session = int.from_bytes(os.urandom(8), "little") | 1
    return smb.frame(_smb2_header(1, message_id, smb.STATUS_MORE_PROCESSING, session) + body)


def _smb1_header(command: int, request: bytes, status: int = 0, uid: int = 0) -> bytes:
    smb1 = request[4:]
    pid, mid = smb1[26:28], smb1[30:32]
    return (smb.SMB1_MAGIC + bytes([command]) + struct.pack("<IBH", status, 0x98, 0xC807) + b"\x00" * 12
            + b"\x00\x00" + pid + struct.pack("<H", uid) + mid)


def smb1_negotiate_response(flavour: Flavour, hostname: str, request: bytes) -> bytes | None:
    """NT LM 0.12 with extended security (what Windows 7 / 2008 R2 answer)."""
    data = request[4 + 33 + 2 * request[4 + 32] + 2:]
    names = [d.rstrip(b"\0") for d in data.split(b"\x02") if d]
    if b"NT LM 0.12" not in names:
        return None
    caps = 0x8000F3FD if flavour.signing_required else 0x8000E3FD
    words = struct.pack("<BHBHHIIIIQhB", 17, names.index(b"NT LM 0.12"), 0x0F if flavour.signing_required else 0x03,
                        50, 1, 16644, 65536, 0, caps, _filetime(), 0, 0)
    payload = server_guid(hostname) + _spnego_hint()
    return smb.frame(_smb1_header(0x72, request) + words + struct.pack("<H", len(payload)) + payload)


def smb1_session_setup_response(flavour: Flavour, hostname: str, request: bytes) -> bytes:
    blob = _spnego_response(challenge(flavour, hostname))
    strings = b"".join((s + "\x00").encode("utf-16-le") for s in (flavour.native_os, flavour.native_lm,
                                                                   flavour.domain or "WORKGROUP"))
    pad = b"\x00" if (35 + 8 + len(blob)) % 2 else b""
    words = struct.pack("<BBHHH", 0xFF, 0, 0, 0, len(blob))
    payload = blob + pad + strings
    return smb.frame(_smb1_header(0x73, request, smb.STATUS_MORE_PROCESSING, 2048) + b"\x04" + words
                     + struct.pack("<H", len(payload)) + payload)


def nbstat_reply(query: bytes, hostname: str, workgroup: str, mac: str, domain_controller: bool) -> bytes | None:
    """The node status a Windows host gives: computer <00> and <20>, its
    workgroup/domain <00> (group), <1C>/<1B> on a domain controller, the MAC."""
    if len(query) < 50 or query[2] & 0x80 or query[-4:] != b"\x00\x21\x00\x01":
        return None
    name, group = hostname.upper()[:15].encode(), workgroup.upper()[:15].encode()
    entries = [(name, 0x00, 0x0400), (group, 0x00, 0x8400), (name, 0x20, 0x0400)]
    if domain_controller:
        entries += [(group, 0x1C, 0x8400), (group, 0x1B, 0x0400)]
    rdata = bytes([len(entries)]) + b"".join(n.ljust(15) + bytes([s]) + struct.pack(">H", f) for n, s, f in entries)
    rdata += bytes.fromhex(mac.replace(":", "")) + b"\x00" * 40
    return (query[:2] + struct.pack(">HHHHH", 0x8400, 0, 1, 0, 0) + nbns.encode_name(b"*" + b"\x00" * 15)
            + struct.pack(">HHIH", 0x21, 1, 0, len(rdata)) + rdata)


# --- WS-Discovery (Windows' Function Discovery Resource Publication) ----------

WSD_HTTP_PORT = 5357


def endpoint(hostname: str) -> str:
    return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_DNS, hostname + '.wsd.lab.invalid')}"


def wsd_probe_matches(probe: bytes, hostname: str, ip: str) -> bytes | None:
    """ProbeMatches for a Probe, in the layout Windows sends (types
    wsdp:Device pub:Computer, the XAddr on port 5357)."""
    import re

    m = re.search(rb"<(?:\w+:)?MessageID>\s*([^<\s]{1,200})\s*</", probe[:8192])
    types = re.search(rb"<(?:\w+:)?Types>([^<]*)</", probe[:8192])
    if b"Probe" not in probe[:8192] or m is None or (types and not re.search(rb"Device|Computer", types.group(1))):
        return None  # not a Probe, or one for other types (an ONVIF camera's)
    relates = m.group(1).decode("latin-1")
    ep = endpoint(hostname)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:wsd="http://schemas.xmlsoap.org/ws/2005/04/discovery" '
        'xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof" '
        'xmlns:pub="http://schemas.microsoft.com/windows/pub/2005/07">'
        "<soap:Header><wsa:To>http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</wsa:To>"
        "<wsa:Action>http://schemas.xmlsoap.org/ws/2005/04/discovery/ProbeMatches</wsa:Action>"
        f"<wsa:MessageID>urn:uuid:{uuid.uuid4()}</wsa:MessageID><wsa:RelatesTo>{relates}</wsa:RelatesTo>"
        '<wsd:AppSequence InstanceId="1" SequenceId="urn:uuid:00000000-0000-0000-0000-000000000000" '
        'MessageNumber="1"/></soap:Header>'
        "<soap:Body><wsd:ProbeMatches><wsd:ProbeMatch>"
        f"<wsa:EndpointReference><wsa:Address>{ep}</wsa:Address></wsa:EndpointReference>"
        "<wsd:Types>wsdp:Device pub:Computer</wsd:Types>"
        f"<wsd:XAddrs>http://{ip}:{WSD_HTTP_PORT}/{ep[9:]}/</wsd:XAddrs>"
        "<wsd:MetadataVersion>2</wsd:MetadataVersion>"
        "</wsd:ProbeMatch></wsd:ProbeMatches></soap:Body></soap:Envelope>"
    ).encode()


def wsd_metadata(hostname: str, membership: str) -> bytes:
    """The GetResponse Windows gives: Microsoft as software maker, the
    computer name and "Workgroup:X" / "Domain:X"."""
    ep = endpoint(hostname)
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:wsa="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:wsx="http://schemas.xmlsoap.org/ws/2004/09/mex" '
        'xmlns:wsdp="http://schemas.xmlsoap.org/ws/2006/02/devprof" '
        'xmlns:pub="http://schemas.microsoft.com/windows/pub/2005/07">'
        "<soap:Header><wsa:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/GetResponse</wsa:Action>"
        "</soap:Header><soap:Body><wsx:Metadata>"
        '<wsx:MetadataSection Dialect="http://schemas.xmlsoap.org/ws/2006/02/devprof/ThisDevice"><wsdp:ThisDevice>'
        "<wsdp:FriendlyName>Microsoft Publication Service Device Host</wsdp:FriendlyName>"
        "</wsdp:ThisDevice></wsx:MetadataSection>"
        '<wsx:MetadataSection Dialect="http://schemas.xmlsoap.org/ws/2006/02/devprof/ThisModel"><wsdp:ThisModel>'
        "<wsdp:Manufacturer>Microsoft Corporation</wsdp:Manufacturer>"
        "<wsdp:ModelName>Microsoft Publication Service</wsdp:ModelName>"
        "</wsdp:ThisModel></wsx:MetadataSection>"
        '<wsx:MetadataSection Dialect="http://schemas.xmlsoap.org/ws/2006/02/devprof/Relationship">'
        '<wsdp:Relationship Type="http://schemas.xmlsoap.org/ws/2006/02/devprof/host"><wsdp:Host>'
        f"<wsa:EndpointReference><wsa:Address>{ep}</wsa:Address></wsa:EndpointReference>"
        "<wsdp:Types>pub:Computer</wsdp:Types><wsdp:ServiceId>urn:uuid:00000000-0000-0000-0000-000000000001"
        f"</wsdp:ServiceId><pub:Computer>{hostname.upper()}/{membership}</pub:Computer>"
        "</wsdp:Host></wsdp:Relationship></wsx:MetadataSection>"
        "</wsx:Metadata></soap:Body></soap:Envelope>"
    ).encode()
