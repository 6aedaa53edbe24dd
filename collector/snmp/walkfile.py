"""Recorded walks from files: snmpsim's ``.snmprec`` (plain or ``.bz2``),
net-snmp's ``snmpwalk -On`` text output (what a user can send, what public
test suites keep) and Checkmk's stored walks (``cmk --snmpwalk``, kept under
``var/check_mk/snmpwalks/``), told apart by their content.

``snmpwalk -On`` lines look like ``.1.3.6.1.2.1.1.1.0 = STRING: "text"``;
strings may run over several lines, values may be ``Hex-STRING``, ``OID``,
``Timeticks: (123) 0:00:01.23``, ``IpAddress``, ``INTEGER: up(1)``,
``Counter32`` ... or carry no type at all. Everything is bounded: at most
:data:`MAX_VALUES` values and :data:`MAX_VALUE` bytes per value.

A Checkmk stored walk has one value per line, ``.1.3.6.1.2.1.1.5.0 name``:
the OID, one space, the value as the agent sent it with no type; a value
holding any byte outside printable ASCII is written as its bytes in quoted
hex (``"43 69 73 63 6F 0D 0A "``), so no value runs over two lines.
"""

from __future__ import annotations

import bz2
import re
from pathlib import Path

from collector.snmp.walk import (COUNTER32, COUNTER64, GAUGE32, INT_RANGES, INTEGER, IPADDR, OCTETS, OID, OPAQUE,
                                 TIMETICKS, Walk, WalkError, parse_snmprec_line, valid_oid)

MAX_VALUES = 2_000_000
MAX_VALUE = 65536
MAX_FILE = 512 * 1024 * 1024
_RECORD = re.compile(r"^\s*\.?((?:\d+\.)+\d+)\s*=\s*(.*)$")
_CMK_RECORD = re.compile(r"^\.((?:\d+\.)+\d+)(?: (.*))?$", re.S)
_CMK_HEX = re.compile(r'"((?:[0-9A-Fa-f]{2} )+)"')
#: an untyped value taken for a number: canonical decimal only, so a serial
#: like "00123" (leading zeros) stays the string it is
_NUMBER = re.compile(r"-?(?:0|[1-9]\d{0,9})")
_TYPED = re.compile(r"^([A-Za-z][A-Za-z0-9 -]*?):\s?(.*)$", re.S)
_SYMBOLIC = {"iso": "1", "SNMPv2-SMI::enterprises": "1.3.6.1.4.1", "SNMPv2-SMI::mib-2": "1.3.6.1.2.1",
             "NET-SNMP-MIB::netSnmpAgentOIDs": "1.3.6.1.4.1.8072.3.2", "SNMPv2-SMI::zeroDotZero": "0.0",
             "SNMPv2-SMI::internet": "1.3.6.1", "ccitt": "0"}
_INT_TYPES = {"INTEGER": INTEGER, "Integer32": INTEGER, "Counter32": COUNTER32, "Counter64": COUNTER64,
              "Gauge32": GAUGE32, "Unsigned32": GAUGE32, "UInteger32": GAUGE32, "Timeticks": TIMETICKS}


def _read(path: Path) -> bytes:
    if path.stat().st_size > MAX_FILE:
        raise WalkError(f"{path}: larger than {MAX_FILE // (1024 * 1024)} MiB")
    return bz2.open(path).read(MAX_FILE) if path.suffix == ".bz2" else path.read_bytes()


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace") if not raw.startswith(b"\xff\xfe") else raw.decode("utf-16")


def _lines(text: str) -> list[str]:
    """Lines end at a line feed (a carriage return before it dropped) and
    nowhere else: str.splitlines() would also cut a value at a form feed,
    \\x1c-\\x1e, NEL or U+2028, which device strings hold."""
    lines = text.split("\n")
    if lines[-1] == "":
        lines.pop()  # the file's last line feed ends a line, it starts none
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _first_record(text: str) -> str | None:
    """The first line that is neither blank nor a comment, among the first 50."""
    return next((line for line in _lines(text[:65536])[:50] if line.strip() and not line.startswith("#")), None)


def looks_like_snmpwalk(text: str) -> bool:
    first = _first_record(text)
    return first is not None and bool(_RECORD.match(first))


def looks_like_checkmk(text: str) -> bool:
    """A Checkmk stored walk: its first record is ``.OID value`` (no ``=``)."""
    first = _first_record(text)
    return first is not None and bool(_CMK_RECORD.match(first)) and not _RECORD.match(first)


def _oid_value(text: str) -> str:
    text = text.strip().strip('"')
    for name, prefix in _SYMBOLIC.items():
        if text == name or text.startswith(name + "."):
            text = prefix + text[len(name):]
            break
    # the same rule as snmprec OIDs: no empty arcs, no arc past 2^32-1, at most 128 arcs
    oid = valid_oid(text)
    if oid is None:
        raise WalkError(f"not an OID: {text[:40]!r}")
    return oid


def _ranged(tag: int, number: int) -> tuple[int, int]:
    """(tag, number) when the number fits the SNMP type (RFC 2578), else a WalkError."""
    low, high = INT_RANGES[tag]
    if not low <= number <= high:
        raise WalkError(f"{number} is out of range for its type")
    return tag, number


def _unquote(text: str) -> str:
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        text = text[1:-1]
    return text.replace('\\"', '"').replace("\\\\", "\\")


def parse_value(raw: str) -> tuple[int, object] | None:
    """One ``snmpwalk`` value (``TYPE: text`` or bare) -> (snmprec tag, value);
    None for absence (No Such Object / Instance, end of MIB)."""
    raw = raw.strip()
    if raw.startswith(("No Such", "No more variables")) or raw in ("NULL", ""):
        return (OCTETS, b"") if raw == "" else None
    m = _TYPED.match(raw)
    kind, text = (m.group(1), m.group(2)) if m else ("", raw)
    if kind in ("STRING", ""):
        if kind == "" and re.fullmatch(_NUMBER, text) and -2**31 <= int(text) < 2**31:
            return INTEGER, int(text)
        if kind == "" and text == '""':
            return OCTETS, b""
        return OCTETS, _unquote(text).encode("utf-8", errors="replace")[:MAX_VALUE]
    if kind in ("Hex-STRING", "BITS", "Opaque"):
        hexed = re.sub(r"[^0-9A-Fa-f]", "", text.split("  ")[0] if kind == "BITS" else text)
        if len(hexed) % 2:
            hexed = hexed[:-1]
        return (OPAQUE if kind == "Opaque" else OCTETS), bytes.fromhex(hexed)[:MAX_VALUE]
    if kind == "OID":
        return OID, _oid_value(text)
    if kind == "IpAddress":
        parts = text.strip().split(".")
        if len(parts) != 4 or not all(p.isdigit() and int(p) < 256 for p in parts):
            raise WalkError(f"not an IPv4 address: {text[:40]!r}")
        return IPADDR, bytes(int(p) for p in parts)
    if kind == "Network Address":  # "0A:00:00:05": exactly four bytes, as IpAddress
        hexed = re.sub(r"[^0-9A-Fa-f]", "", text)
        if len(hexed) != 8:
            raise WalkError(f"not an IPv4 address: {text[:40]!r}")
        return IPADDR, bytes.fromhex(hexed)
    if kind in _INT_TYPES:
        if kind == "Timeticks":
            ticks = re.match(r"\((\d+)\)", text.strip())
            # cut to 20-21 digits: still out of range when it was, and no int() of thousands of digits
            return _ranged(TIMETICKS, int(ticks.group(1)[:20]) if ticks else 0)
        num = re.search(r"\((-?\d+)\)\s*$", text) or re.match(r"\s*(-?\d+)", text)
        if not num:
            raise WalkError(f"not a number: {text[:40]!r}")
        return _ranged(_INT_TYPES[kind], int(num.group(1)[:21]))
    # an unknown type: keep the text
    return OCTETS, _unquote(text).encode("utf-8", errors="replace")[:MAX_VALUE]


def parse_snmpwalk(text: str, source: str = "walk") -> Walk:
    walk = Walk()
    pending: tuple[int, str, list[str]] | None = None

    def flush() -> None:
        if pending is None:
            return
        lineno, oid, parts = pending
        joined = "\n".join(parts)
        try:
            value = parse_value(joined)
        except (WalkError, ValueError):
            # a value this parser cannot read (anonymised, truncated): keep its text
            value = (OCTETS, joined.encode("utf-8", errors="replace")[:MAX_VALUE])
        if value is not None:
            walk.data[oid] = value  # type: ignore[assignment]

    for lineno, line in enumerate(_lines(text), 1):
        m = _RECORD.match(line)
        if m:
            flush()
            oid = valid_oid(m.group(1))
            if oid is None:
                raise WalkError(f"{source}, line {lineno}: not an OID: {m.group(1)[:60]!r}")
            if len(walk.data) >= MAX_VALUES:
                raise WalkError(f"{source}: more than {MAX_VALUES} values")
            pending = (lineno, oid, [m.group(2)])
            continue
        if pending is not None:
            if sum(len(p) for p in pending[2]) < MAX_VALUE:
                pending[2].append(line)
        elif line.strip() and not line.startswith("#"):
            raise WalkError(f"{source}, line {lineno}: not an snmpwalk -On line: {line[:60]!r}")
    flush()
    # a quoted string that ran over several lines keeps its line breaks (the
    # parser joined them); a value that merely followed a record was not quoted
    return walk


def checkmk_value(raw: str) -> tuple[int, object]:
    """One Checkmk stored-walk value (untyped) -> (snmprec tag, value), read as
    Checkmk reads its own files: surrounding blanks dropped; quoted hex bytes,
    each followed by a space, are the value's bytes; any other quoted value
    loses its quotes (and a doubled backslash, as net-snmp's tools wrote it).
    Unquoted, ``.1.3...`` is an OID, a 32-bit number an INTEGER (an unsigned
    one above 2^31 a Gauge32), anything else a string."""
    raw = raw.strip()
    hexed = _CMK_HEX.fullmatch(raw)
    if hexed:
        return OCTETS, bytes.fromhex(hexed.group(1))[:MAX_VALUE]
    if raw.startswith('"'):
        return OCTETS, raw[1:-1].strip().replace("\\\\", "\\").encode("utf-8", errors="replace")[:MAX_VALUE]
    if raw.startswith(".") and (oid := valid_oid(raw[1:])) is not None:
        return OID, oid
    if re.fullmatch(_NUMBER, raw):
        number = int(raw)
        if -2**31 <= number < 2**31:
            return INTEGER, number
        if 0 <= number < 2**32:
            return GAUGE32, number
    return OCTETS, raw.encode("utf-8", errors="replace")[:MAX_VALUE]


def parse_checkmk_walk(text: str, source: str = "walk") -> Walk:
    """A Checkmk stored walk (``cmk --snmpwalk``): one ``.OID value`` per line."""
    walk = Walk()
    for lineno, line in enumerate(_lines(text), 1):
        if not line.strip() or line.startswith("#"):
            continue
        m = _CMK_RECORD.match(line)
        oid = valid_oid(m.group(1)) if m else None
        if m is None or oid is None:
            raise WalkError(f"{source}, line {lineno}: not a Checkmk walk line: {line[:60]!r}")
        if len(walk.data) >= MAX_VALUES:
            raise WalkError(f"{source}: more than {MAX_VALUES} values")
        walk.data[oid] = checkmk_value(m.group(2) or "")  # type: ignore[assignment]
    return walk


def load_walk_file(path: str | Path) -> Walk:
    """A recorded walk: snmprec (``.snmprec``, ``.snmprec.bz2``), ``snmpwalk
    -On`` output or a Checkmk stored walk, told apart by content. Raises
    WalkError with one clear line."""
    path = Path(path)
    try:
        raw = _read(path)
    except OSError as exc:
        raise WalkError(f"{path}: cannot read ({exc.strerror or exc})") from None
    except (EOFError, ValueError) as exc:  # a broken .bz2
        raise WalkError(f"{path}: not a readable file ({exc})") from None
    text = _text(raw)
    if looks_like_snmpwalk(text):
        walk = parse_snmpwalk(text, str(path))
    elif looks_like_checkmk(text):
        walk = parse_checkmk_walk(text, str(path))
    else:
        walk = Walk()
        # snmprec as snmpsim reads it: bytes as latin-1 (a text value keeps every byte), one record a line
        for lineno, line in enumerate(raw.decode("latin-1").split("\n"), 1):
            try:
                parsed = parse_snmprec_line(line)
            except (WalkError, ValueError) as exc:
                raise WalkError(f"{path}, line {lineno}: {exc}") from None
            if parsed:
                if len(walk.data) >= MAX_VALUES:
                    raise WalkError(f"{path}: more than {MAX_VALUES} values")
                walk.data[parsed[0]] = parsed[1]
    if not walk.data:
        raise WalkError(f"{path}: no SNMP values found "
                        "(expected snmprec, snmpwalk -On output or a Checkmk stored walk)")
    return walk
