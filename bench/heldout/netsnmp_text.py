"""net-snmp ``snmpwalk`` text output -> :class:`collector.snmp.walk.Walk`.

Reads what people save from ``snmpwalk`` (``-On`` numeric, the default
``iso.3.6...`` form, the few symbolic system-group names, snmpsim's
``-ObentU`` "foreign format"), including:

- multi-line strings: a line that does not start a new ``OID = ...``
  record continues the previous value (net-snmp prints embedded newlines
  as they are);
- quoted strings with net-snmp's escapes (``\\"`` and ``\\\\``), unquoted
  strings, ``""`` with no type, PhysAddress-style ``STRING: 0:1b:2c:...``
  (a display hint printed without quotes: the octets themselves);
- ``Hex-STRING`` (also wrapped over several lines, with or without the
  ``[ascii]`` tail), ``BITS``, ``OID`` (numeric, ``iso.``, or the usual
  ``SNMPv2-SMI::enterprises.N`` names), ``Timeticks: (N) 1 day, ...``,
  ``IpAddress``, ``Network Address`` (v1), ``Counter32``/``Counter64``,
  ``Gauge32``/``Unsigned32``, ``INTEGER`` with enum labels (``up(1)``) or
  units (``60 seconds``), ``NULL``, hex ``Opaque``;
- a bare number with no type: ``-Ot`` prints TimeTicks that way.

Lines that carry no value (``No Such Object``, ``No more variables``,
``End of MIB``) and records it cannot read are counted, never guessed.
Pure function of the bytes; the caller writes the result with
:func:`collector.snmp.walk.dump_snmprec`.
"""

from __future__ import annotations

import re
import struct
from dataclasses import dataclass, field

from collector.snmp.walk import (COUNTER32, COUNTER64, GAUGE32, INTEGER, IPADDR, NULL, OCTETS, OID, OPAQUE,
                                 TIMETICKS, Walk, WalkError, oid_key)

#: Symbolic prefixes seen in saved walks, and what they stand for.
SYMBOLS = {
    "iso": "1",
    "SNMPv2-SMI::enterprises": "1.3.6.1.4.1",
    "SNMPv2-SMI::mib-2": "1.3.6.1.2.1",
    "SNMPv2-SMI::experimental": "1.3.6.1.3",
    "SNMPv2-SMI::private": "1.3.6.1.4",
    "SNMPv2-SMI::zeroDotZero": "0.0",
    "SNMPv2-SMI::internet": "1.3.6.1",
    "SNMPv2-MIB::sysDescr": "1.3.6.1.2.1.1.1",
    "SNMPv2-MIB::sysObjectID": "1.3.6.1.2.1.1.2",
    "DISMAN-EVENT-MIB::sysUpTimeInstance": "1.3.6.1.2.1.1.3.0",
    "SNMPv2-MIB::sysUpTime": "1.3.6.1.2.1.1.3",
    "SNMPv2-MIB::sysContact": "1.3.6.1.2.1.1.4",
    "SNMPv2-MIB::sysName": "1.3.6.1.2.1.1.5",
    "SNMPv2-MIB::sysLocation": "1.3.6.1.2.1.1.6",
    "SNMPv2-MIB::sysServices": "1.3.6.1.2.1.1.7",
    "SNMPv2-MIB::sysORLastChange": "1.3.6.1.2.1.1.8",
}
_RECORD = re.compile(r"^(\.?\d+(?:\.\d+)+|iso(?:\.\d+)+|[A-Za-z][\w-]*::[\w-]+(?:\.[\w.]+)?) = ?(.*)$")
_TYPED = re.compile(r"^([A-Za-z][A-Za-z0-9]*(?:[ -][A-Za-z0-9]+)?):\s?(.*)$", re.S)
_NO_VALUE = ("No Such Object", "No Such Instance", "No more variables", "End of MIB")
_MACLIKE = re.compile(r"^[0-9a-fA-F]{1,2}(?::[0-9a-fA-F]{1,2})+$")
#: Longest value kept (a runaway continuation must not eat the file).
MAX_VALUE = 1 << 16


@dataclass
class Conversion:
    walk: Walk
    records: int = 0
    #: (line number, reason) of what was not converted
    skipped: list[tuple[int, str]] = field(default_factory=list)


def numeric_oid(text: str) -> str:
    """``.1.3.6``, ``iso.3.6``, ``SNMPv2-SMI::enterprises.9.1`` -> dotted digits."""
    text = text.strip()
    if text.startswith("."):
        text = text[1:]
    if "::" in text or text.startswith("iso"):
        for name in sorted(SYMBOLS, key=len, reverse=True):
            if text == name or text.startswith(name + "."):
                text = SYMBOLS[name] + text[len(name):]
                break
        else:
            raise WalkError(f"unknown MIB name in {text[:60]!r}")
    oid_key(text)
    return text


def _unquote(value: str) -> tuple[str, bool]:
    if len(value) >= 2 and value[0] == value[-1] == '"':
        inner = value[1:-1]
        return re.sub(r'\\(["\\])', r"\1", inner), True
    return value, False


def _hex_bytes(value: str) -> bytes:
    value = value.split("[", 1)[0] if "[" in value else value
    tokens = value.split()
    if len(tokens) == 1 and len(tokens[0]) > 2:  # some Windows tools: 00029929AE3C
        return bytes.fromhex(tokens[0])
    return bytes(int(t, 16) for t in tokens)


#: net-snmp's Opaque-wrapped types (draft-perkins-opaque): tag bytes and packing
_OPAQUE_TYPES = {"FLOAT": (b"\x9f\x78", ">f"), "DOUBLE": (b"\x9f\x79", ">d"),
                 "INT64": (b"\x9f\x7a", ">q"), "UINT64": (b"\x9f\x7b", ">Q")}


def _opaque(value: str) -> bytes:
    """``Opaque: Float: 1.5`` -> the BER an agent sent; ``Opaque: 9F 78 ...`` -> bytes."""
    match = re.match(r"^(\w+):\s*(\S+)", value)
    if match and match.group(1).upper() in _OPAQUE_TYPES:
        tag, fmt = _OPAQUE_TYPES[match.group(1).upper()]
        number = float(match.group(2)) if fmt in (">f", ">d") else int(match.group(2))
        body = struct.pack(fmt, number)
        return tag + bytes([len(body)]) + body
    try:
        return _hex_bytes(value)
    except ValueError:
        raise WalkError(f"opaque value not kept: {value[:40]!r}") from None


def _leading_int(value: str) -> int:
    match = re.search(r"\((-?\d+)\)", value) or re.match(r"\s*(-?\d+)", value)
    if not match:
        raise WalkError(f"not a number: {value[:40]!r}")
    return int(match.group(1))


def parse_value(text: str) -> tuple[int, int | bytes | str | None] | None:
    """One record's value text -> (snmprec tag, value), None for "no value"."""
    text = text.strip("\r\n")
    if any(text.startswith(m) for m in _NO_VALUE):
        return None
    if text.startswith("Wrong Type (should be"):
        text = text.split("): ", 1)[1] if "): " in text else text
    if text == '""' or text == "":
        return OCTETS, b""
    if text == "NULL":
        return NULL, None
    match = _TYPED.match(text)
    if not match:
        if re.fullmatch(r"-?\d+", text.strip()):
            return TIMETICKS, int(text)  # -Ot prints TimeTicks as a bare number
        if text.startswith('"'):
            return OCTETS, _unquote(text.strip())[0].encode("latin-1")
        raise WalkError(f"untyped value {text[:40]!r}")
    kind, value = match.group(1).upper(), match.group(2)
    if kind == "STRING":
        stripped = value.strip()
        inner, quoted = _unquote(stripped)
        if not quoted and _MACLIKE.match(stripped):
            return OCTETS, bytes(int(p, 16) for p in stripped.split(":"))
        return OCTETS, (inner if quoted else value.rstrip("\r\n")).encode("latin-1")
    if kind in ("HEX-STRING", "BITS"):
        return OCTETS, _hex_bytes(value) if value.strip() else b""
    if kind == "OPAQUE":
        return OPAQUE, _opaque(value.strip())
    if kind == "OID":
        return OID, numeric_oid(value)
    if kind == "TIMETICKS":
        return TIMETICKS, _leading_int(value)
    if kind == "INTEGER":
        return INTEGER, _leading_int(value)
    if kind in ("COUNTER32",):
        return COUNTER32, _leading_int(value)
    if kind in ("COUNTER64",):
        return COUNTER64, _leading_int(value)
    if kind in ("GAUGE32", "UNSIGNED32"):
        return GAUGE32, _leading_int(value)
    if kind == "IPADDRESS":
        octets = [int(p) for p in value.strip().split(".")]  # anonymised walks write "192.168.42.042"
        if len(octets) != 4 or not all(0 <= o < 256 for o in octets):
            raise WalkError(f"not an IPv4 address: {value[:40]!r}")
        return IPADDR, bytes(octets)
    if kind == "NULL":
        return NULL, None
    if kind == "NETWORK ADDRESS":
        return IPADDR, bytes(int(p, 16) for p in value.strip().split(":"))
    raise WalkError(f"unknown type {kind!r}")


def convert(data: bytes) -> Conversion:
    """Parse a saved snmpwalk (bytes, any line ending) into a Walk."""
    out = Conversion(Walk())
    pending: tuple[int, str, list[str]] | None = None

    def flush() -> None:
        if pending is None:
            return
        lineno, oid_text, parts = pending
        try:
            oid = numeric_oid(oid_text)
            parsed = parse_value("\n".join(parts))
        except (WalkError, ValueError) as exc:
            out.skipped.append((lineno, str(exc)[:120]))
            return
        if parsed is None:
            out.skipped.append((lineno, "no value"))
        elif oid in out.walk.data:
            out.skipped.append((lineno, "duplicate OID"))
        else:
            out.walk.data[oid] = parsed
            out.records += 1

    for lineno, raw in enumerate(data.split(b"\n"), 1):
        line = raw.decode("latin-1").rstrip("\r")
        match = _RECORD.match(line)
        if any(line.startswith(m) for m in _NO_VALUE):  # "End of MIB" after the last record
            flush()
            pending = None
            continue
        if match:
            flush()
            pending = (lineno, match.group(1), [match.group(2)])
        elif pending is not None and sum(len(p) for p in pending[2]) < MAX_VALUE:
            pending[2].append(line)
        elif line.strip():
            out.skipped.append((lineno, "text outside a record"))
    flush()
    # a quoted multi-line string keeps its trailing blank lines out
    return out
