"""SNMP v1/v2c messages in BER, as pure functions (RFC 1157, RFC 3416).

The collector's own codec for community-based SNMP: pysnmp's general
machinery (pyasn1 objects, MIB-aware varbinds) cost about 8 ms of CPU per
request, most of a scan of small agents; this costs a few hundred
microseconds. SNMPv3 stays with pysnmp.

Decoding trusts nothing: definite lengths only, every length checked against
what is left, OIDs of at most 128 arcs each at most 2^32-1, integers of at
most 9 bytes; anything else raises :class:`BerError` (the message is
dropped, as a garbled datagram is). A value an agent sends with the wrong
size for its type is kept as Opaque bytes, not lost with the message.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from collector.snmp.walk import (COUNTER32, COUNTER64, GAUGE32, INT_RANGES, INTEGER, IPADDR, MAX_ARC, MAX_OID_LEN,
                                 NULL, OCTETS, OID, OPAQUE, TIMETICKS, Varbind)

#: Longest value kept from an agent (hostile agents send megabytes).
MAX_VALUE = 4096
GET, NEXT, RESPONSE, BULK = 0xA0, 0xA1, 0xA2, 0xA5
PDU_TAGS = {"get": GET, "next": NEXT, "bulk": BULK}
VERSIONS = {"1": 0, "2c": 1}
#: RFC 3416 error-status names (what the client reports)
ERROR_NAMES = ("noError", "tooBig", "noSuchName", "badValue", "readOnly", "genErr", "noAccess", "wrongType",
               "wrongLength", "wrongEncoding", "wrongValue", "noCreation", "inconsistentValue",
               "resourceUnavailable", "commitFailed", "undoFailed", "authorizationError", "notWritable",
               "inconsistentName")
#: BER tag -> snmprec tag of the value types that carry data
_VALUE_TAGS = {0x02: INTEGER, 0x04: OCTETS, 0x05: NULL, 0x06: OID, 0x40: IPADDR, 0x41: COUNTER32, 0x42: GAUGE32,
               0x43: TIMETICKS, 0x44: OPAQUE, 0x46: COUNTER64}
_UNSIGNED = {COUNTER32, GAUGE32, TIMETICKS, COUNTER64}


class BerError(ValueError):
    """Not a well-formed SNMP message."""


class Exception_:
    """An exception value in a varbind (RFC 3416): the class name is what the
    client looks at (``NoSuchObject``, ``NoSuchInstance``, ``EndOfMibView``)."""

    __slots__ = ()


class NoSuchObject(Exception_):
    __slots__ = ()


class NoSuchInstance(Exception_):
    __slots__ = ()


class EndOfMibView(Exception_):
    __slots__ = ()


_EXCEPTIONS = {0x80: NoSuchObject(), 0x81: NoSuchInstance(), 0x82: EndOfMibView()}


@dataclass(frozen=True)
class Value:
    """A decoded value: its snmprec tag and Python value (see walk.py)."""

    vb: Varbind


@dataclass
class Response:
    version: int
    request_id: int
    error_status: int
    error_index: int
    varbinds: list[tuple[str, Value | Exception_]]

    @property
    def error_name(self) -> str:
        s = self.error_status
        return ERROR_NAMES[s] if 0 <= s < len(ERROR_NAMES) else f"error {s}"


# -- encoding -----------------------------------------------------------------

def _length(n: int) -> bytes:
    if n < 0x80:
        return bytes((n,))
    body = n.to_bytes((n.bit_length() + 7) // 8, "big")
    return bytes((0x80 | len(body),)) + body


def _tlv(tag: int, body: bytes) -> bytes:
    return bytes((tag,)) + _length(len(body)) + body


def _int(n: int) -> bytes:
    return _tlv(0x02, n.to_bytes(max(1, (n.bit_length() + 8) // 8), "big", signed=True))


def encode_oid(oid: str) -> bytes:
    """A dotted OID as a BER OBJECT IDENTIFIER (ValueError if it is not one)."""
    parts = oid.removeprefix(".").split(".")
    if not all(p.isascii() and p.isdigit() for p in parts):
        raise ValueError(f"not an OID: {oid[:80]!r}")
    arcs = [int(a) for a in parts]
    if len(arcs) < 2 or len(arcs) > MAX_OID_LEN or arcs[0] > 2 or (arcs[0] < 2 and arcs[1] > 39) \
            or any(a < 0 or a > MAX_ARC for a in arcs):
        raise ValueError(f"not an OID: {oid[:80]!r}")
    out = bytearray()
    for arc in [arcs[0] * 40 + arcs[1], *arcs[2:]]:
        chunk = [arc & 0x7F]
        arc >>= 7
        while arc:
            chunk.append(0x80 | (arc & 0x7F))
            arc >>= 7
        out += bytes(reversed(chunk))
    return _tlv(0x06, bytes(out))


def encode_request(version: str, community: bytes, kind: str, request_id: int, oids: Sequence[str],
                   max_repetitions: int = 0) -> bytes:
    """A GET, GETNEXT or GETBULK (non-repeaters 0) request, every value NULL."""
    binds = b"".join(_tlv(0x30, encode_oid(o) + b"\x05\x00") for o in oids)
    tag = PDU_TAGS[kind]
    second, third = (0, max_repetitions) if tag == BULK else (0, 0)
    pdu = _tlv(tag, _int(request_id) + _int(second) + _int(third) + _tlv(0x30, binds))
    return _tlv(0x30, _int(VERSIONS[version]) + _tlv(0x04, community) + pdu)


# -- decoding -----------------------------------------------------------------

def _header(data: bytes, pos: int, end: int) -> tuple[int, int, int]:
    """(tag, start of contents, end of contents) of the TLV at ``pos``."""
    if pos + 2 > end:
        raise BerError("truncated")
    tag = data[pos]
    if tag & 0x1F == 0x1F:
        raise BerError("multi-byte tag")
    first = data[pos + 1]
    pos += 2
    if first & 0x80:
        n = first & 0x7F
        if n == 0 or n > 4 or pos + n > end:
            raise BerError("bad length")  # indefinite or absurd
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    else:
        length = first
    if pos + length > end:
        raise BerError("length past the end")
    return tag, pos, pos + length


def _expect(data: bytes, pos: int, end: int, tag: int) -> tuple[int, int]:
    got, start, stop = _header(data, pos, end)
    if got != tag:
        raise BerError(f"expected tag {tag:#x}, got {got:#x}")
    return start, stop


def _decode_int(body: bytes) -> int:
    if not body or len(body) > 9:
        raise BerError("bad integer")
    return int.from_bytes(body, "big", signed=True)


def decode_oid(body: bytes) -> str:
    if not body or body[-1] & 0x80:
        raise BerError("bad OID")
    arcs: list[int] = []
    arc = 0
    started = False
    for b in body:
        if not started and b == 0x80:
            raise BerError("bad OID (padded arc)")
        arc = (arc << 7) | (b & 0x7F)
        started = bool(b & 0x80)
        if not started:
            arcs.append(arc)
            arc = 0
        if arc > MAX_ARC * 80 or len(arcs) > MAX_OID_LEN:
            raise BerError("OID too long")
    first = arcs[0]
    head = [0, first] if first < 40 else [1, first - 40] if first < 80 else [2, first - 80]
    arcs = head + arcs[1:]
    if len(arcs) > MAX_OID_LEN or any(a > MAX_ARC for a in arcs):
        raise BerError("OID too long")
    return ".".join(map(str, arcs))


def _value(tag: int, body: bytes) -> Value | Exception_:
    exc = _EXCEPTIONS.get(tag)
    if exc is not None:
        return exc
    kind = _VALUE_TAGS.get(tag)
    if kind in INT_RANGES:
        if body and len(body) <= 9:
            number = int.from_bytes(body, "big", signed=True)
            if number < 0 and kind in _UNSIGNED:
                number += 1 << (8 * len(body))  # an agent that left out the leading zero
            low, high = INT_RANGES[kind]
            if low <= number <= high:
                return Value((kind, number))
        return Value((OPAQUE, body[:MAX_VALUE]))  # not a value of its type: keep the bytes
    if kind == OID:
        try:
            return Value((OID, decode_oid(body)))
        except BerError:
            return Value((OPAQUE, body[:MAX_VALUE]))
    if kind == NULL:
        return Value((NULL, None))
    if kind == IPADDR and len(body) != 4:
        return Value((OPAQUE, body[:MAX_VALUE]))
    if kind in (OCTETS, IPADDR, OPAQUE):
        return Value((kind, body[:MAX_VALUE]))
    return Value((OPAQUE, body[:MAX_VALUE]))  # an unknown application type: its bytes


def decode_response(data: bytes) -> Response:
    """A Response-PDU message (BerError for anything else)."""
    end = len(data)
    start, stop = _expect(data, 0, end, 0x30)
    if stop != end:
        raise BerError("trailing bytes")
    s, e = _expect(data, start, stop, 0x02)
    version = _decode_int(data[s:e])
    s, e = _expect(data, e, stop, 0x04)  # community
    tag, pdu_start, pdu_stop = _header(data, e, stop)
    if tag != RESPONSE:
        raise BerError(f"not a response (PDU tag {tag:#x})")
    fields = []
    pos = pdu_start
    for _ in range(3):
        s, pos = _expect(data, pos, pdu_stop, 0x02)
        fields.append(_decode_int(data[s:pos]))
    pos, list_stop = _expect(data, pos, pdu_stop, 0x30)
    binds: list[tuple[str, Value | Exception_]] = []
    while pos < list_stop:
        s, bind_stop = _expect(data, pos, list_stop, 0x30)
        ns, ne = _expect(data, s, bind_stop, 0x06)
        name = decode_oid(data[ns:ne])
        vtag, vs, ve = _header(data, ne, bind_stop)
        if ve != bind_stop:
            raise BerError("bad varbind")
        binds.append((name, _value(vtag, data[vs:ve])))
        pos = bind_stop
    return Response(version, fields[0], fields[1], fields[2], binds)
