"""A device's SNMP data as collected: OID -> (type tag, value).

The tags are snmpsim's ``.snmprec`` tags, so a recording made by the
collector replays in snmpsim and an snmpsim recording feeds identification
exactly as a live walk does:

====  ==============  ============================
tag   type            value kept as
====  ==============  ============================
2     INTEGER         int
4     OCTET STRING    bytes
5     NULL            None
6     OBJECT ID       str (dotted)
64    IpAddress       bytes (4)
65    Counter32       int
66    Gauge32         int
67    TimeTicks       int
68    Opaque          bytes
70    Counter64       int
====  ==============  ============================
"""

from __future__ import annotations

import bisect
import bz2
import ipaddress
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any, Union

Value = Union[int, bytes, str, None]
Varbind = tuple[int, Value]

INTEGER, OCTETS, NULL, OID, IPADDR, COUNTER32, GAUGE32, TIMETICKS, OPAQUE, COUNTER64 = (
    2, 4, 5, 6, 64, 65, 66, 67, 68, 70)
_INT_TAGS = {INTEGER, COUNTER32, GAUGE32, TIMETICKS, COUNTER64}
_BYTES_TAGS = {OCTETS, IPADDR, OPAQUE}
#: Longest OID accepted (RFC 2578 caps sub-identifiers at 128).
MAX_OID_LEN = 128
MAX_ARC = 2**32 - 1
#: OCTET STRING (SIZE (0..65535)), RFC 2578
MAX_OCTETS = 65535
#: The values each integer type can hold (RFC 2578, RFC 2578 Counter64).
INT_RANGES = {INTEGER: (-2**31, 2**31 - 1), COUNTER32: (0, MAX_ARC), GAUGE32: (0, MAX_ARC),
              TIMETICKS: (0, MAX_ARC), COUNTER64: (0, 2**64 - 1)}
_OID_TEXT = re.compile(r"\.?([0-9]{1,10}(?:\.[0-9]{1,10}){0,%d})" % (MAX_OID_LEN - 1))
_INT_TEXT = re.compile(r"[+-]?[0-9]{1,20}")
_TAG_TEXT = re.compile(r"[0-9]{1,3}")
_TEN_DIGITS = re.compile(r"[0-9]{10}")


class WalkError(ValueError):
    pass


def oid_key(oid: str) -> tuple[int, ...]:
    """Sort key: OIDs compare numerically, arc by arc."""
    try:
        return tuple(map(int, oid.strip(".").split(".")))
    except ValueError:
        raise WalkError(f"not an OID: {oid[:80]!r}") from None


def valid_oid(text: str) -> str | None:
    """``text`` as a dotted OID (a leading dot, as net-snmp prints, dropped),
    or None if it is not one: empty arcs (``1.3..6``, a trailing dot),
    signs, spaces, more than 128 arcs or an arc past 2^32-1."""
    m = _OID_TEXT.fullmatch(text)
    if m is None:
        return None
    # only a 10-digit arc can pass 2^32-1
    if _TEN_DIGITS.search(text) and any(int(arc) > MAX_ARC for arc in m.group(1).split(".")):
        return None
    return m.group(1)


def is_under(oid: str, root: str) -> bool:
    return oid == root or oid.startswith(root + ".")


class Walk:
    """OID -> (tag, value), with the lookups the MIB parsers need."""

    def __init__(self, data: dict[str, Varbind] | None = None) -> None:
        self.data: dict[str, Varbind] = dict(data or {})
        # sorted (key, oid) index for subtree look-ups, rebuilt when OIDs are
        # added (the data only ever grows; values may be replaced in place)
        self._index: list[str] = []
        self._indexed = -1

    def __len__(self) -> int:
        return len(self.data)

    def __contains__(self, oid: str) -> bool:
        return oid in self.data

    def set(self, oid: str, tag: int, value: Value) -> None:
        self.data[oid] = (tag, value)

    def update(self, other: Walk) -> None:
        self.data.update(other.data)

    def raw(self, oid: str) -> Value:
        item = self.data.get(oid)
        return None if item is None else item[1]

    def text(self, oid: str) -> str | None:
        """A printable string (OCTET STRING decoded, control characters dropped)."""
        item = self.data.get(oid)
        return None if item is None else display(item)

    def int(self, oid: str) -> int | None:
        value = self.raw(oid)
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def oid(self, oid: str) -> str | None:
        item = self.data.get(oid)
        return item[1] if item is not None and item[0] == OID and isinstance(item[1], str) else None

    def _sorted(self) -> list[str]:
        if self._indexed != len(self.data):
            oids = []
            for oid in self.data:
                try:
                    oid_key(oid)
                except WalkError:
                    continue
                oids.append(oid)
            oids.sort(key=oid_key)
            self._index, self._indexed = oids, len(self.data)
        return self._index

    def subtree(self, root: str) -> Iterator[tuple[str, Varbind]]:
        """(suffix, varbind) under ``root``, in OID order."""
        prefix = root + "."
        try:
            start = oid_key(root)
        except WalkError:
            return
        index = self._sorted()
        i = bisect.bisect_right(index, start, key=oid_key)
        while i < len(index) and index[i].startswith(prefix):
            oid = index[i]
            yield oid[len(prefix):], self.data[oid]
            i += 1

    def has_subtree(self, root: str) -> bool:
        return next(self.subtree(root), None) is not None


def walk_from_mapping(data: dict[Any, Any]) -> Walk:
    """A walk written as a mapping (definition examples): OID -> value, where
    a string is an OCTET STRING, an integer an INTEGER, ``oid:1.3...`` an
    OBJECT IDENTIFIER (sysObjectID's value always is), ``hex:0a0b`` bytes and
    ``ip:10.0.0.1`` an IpAddress."""
    walk = Walk()
    for key, value in data.items():
        oid = str(key).strip().lstrip(".")
        oid_key(oid)
        if isinstance(value, bool) or value is None:
            raise WalkError(f"{oid}: unsupported value {value!r}")
        if isinstance(value, int):
            walk.set(oid, INTEGER, value)
            continue
        text = str(value)
        if oid == "1.3.6.1.2.1.1.2.0" or text.startswith("oid:"):
            walk.set(oid, OID, text.removeprefix("oid:").lstrip("."))
        elif text.startswith("hex:"):
            walk.set(oid, OCTETS, bytes.fromhex(text[4:]))
        elif text.startswith("ip:"):
            walk.set(oid, IPADDR, ipaddress.IPv4Address(text[3:]).packed)
        else:
            walk.set(oid, OCTETS, text.encode("utf-8"))
    return walk


def display(item: Varbind) -> str | None:
    tag, value = item
    if value is None:
        return None
    if isinstance(value, bytes):
        if tag == IPADDR and len(value) == 4:
            return str(ipaddress.IPv4Address(value))
        text = value[:MAX_OCTETS].decode("utf-8", errors="replace")
    else:
        text = str(value)
    text = "".join(ch if ch.isprintable() else " " for ch in text.replace("\r\n", "\n").replace("\n", " "))
    text = " ".join(text.split())
    return text or None


def mac_from(value: Value) -> str | None:
    """A 6-byte PhysAddress as aa:bb:cc:dd:ee:ff (None otherwise)."""
    if isinstance(value, bytes) and len(value) == 6:
        return ":".join(f"{b:02x}" for b in value)
    if isinstance(value, str):  # some agents send the MAC as text
        from collector.identity import normalize_mac

        return normalize_mac(value)
    return None


# -- snmprec ----------------------------------------------------------------

def parse_snmprec_line(line: str) -> tuple[str, Varbind] | None:
    line = line.rstrip("\r\n")
    if not line or line.startswith("#"):
        return None
    try:
        oid, tag_text, value = line.split("|", 2)
    except ValueError:
        raise WalkError(f"not an snmprec line: {line[:80]!r}") from None
    hexed = tag_text.endswith("x")
    tag_part = tag_text[:-1] if hexed else tag_text
    if not _TAG_TEXT.fullmatch(tag_part):
        # a variation module (e.g. ``2:numeric|min=1,max=2,initial=2``) is an
        # snmpsim feature: keep its initial value when it states one
        tag_part = tag_part.split(":", 1)[0]
        if not _TAG_TEXT.fullmatch(tag_part):
            raise WalkError(f"unknown snmprec tag {tag_text!r}")
        params = dict(p.split("=", 1) for p in value.split(",") if "=" in p)
        if "initial" not in params and "value" not in params:
            return None
        value = params.get("initial", params.get("value", ""))
        hexed = hexed or params.get("hexvalue") is not None
    tag = int(tag_part)
    clean_oid = valid_oid(oid)
    if clean_oid is None:
        raise WalkError(f"not an OID: {oid[:80]!r}")
    try:
        return clean_oid, (tag, _value(tag, value, hexed))
    except _NoData:
        return None
    except ValueError as exc:
        raise WalkError(f"{clean_oid}: {exc}") from None


class _NoData(Exception):
    pass


def _value(tag: int, value: str, hexed: bool) -> Value:
    """One snmprec value as its type holds it; ValueError if it cannot be one."""
    if tag in _INT_TAGS:
        text = value.strip()
        if not _INT_TEXT.fullmatch(text):
            raise ValueError(f"not a number: {value[:40]!r}")
        number = int(text)
        low, high = INT_RANGES[tag]
        if not low <= number <= high:
            raise ValueError(f"{number} is out of range for type {tag}")
        return number
    if tag in _BYTES_TAGS:
        parsed: bytes | None = None
        if hexed:
            try:
                parsed = bytes.fromhex(value)
            except ValueError:  # seen in real recordings: "4x|Juniper"
                parsed = None
        if parsed is None and tag == IPADDR and value.count(".") == 3:
            try:
                parsed = ipaddress.IPv4Address(value).packed
            except ValueError:
                parsed = None  # four raw bytes may hold dots too
        if parsed is None:
            parsed = value.encode("latin-1", errors="replace")
        if tag == IPADDR and len(parsed) != 4:
            raise ValueError(f"not an IpAddress: {value[:40]!r}")
        if len(parsed) > MAX_OCTETS:
            raise ValueError(f"{len(parsed)} bytes: longer than an OCTET STRING can be")
        return parsed
    if tag == OID:
        oid_value = valid_oid(value)
        if oid_value is None:
            raise ValueError(f"not an OBJECT IDENTIFIER value: {value[:40]!r}")
        return oid_value
    if tag == NULL:
        return None
    raise _NoData  # noSuchObject & co. (128-130) carry no data; unknown tags neither


def load_snmprec(path: str | Path) -> Walk:
    """Read an snmpsim recording (.snmprec or .snmprec.bz2)."""
    path = Path(path)
    opener: Any = bz2.open if path.suffix == ".bz2" else open
    walk = Walk()
    with opener(path, "rt", encoding="latin-1") as fh:
        for line in fh:
            parsed = parse_snmprec_line(line)
            if parsed:
                walk.data[parsed[0]] = parsed[1]
    return walk


def snmprec_lines(walk: Walk) -> Iterable[str]:
    for oid in sorted(walk.data, key=oid_key):
        tag, value = walk.data[oid]
        if isinstance(value, bytes):
            printable = all(32 <= b < 127 for b in value) and "|" not in value.decode("latin-1")
            yield f"{oid}|{tag}|{value.decode('latin-1')}" if printable and tag == OCTETS else f"{oid}|{tag}x|{value.hex()}"
        elif value is None:
            yield f"{oid}|{tag}|"
        else:
            yield f"{oid}|{tag}|{value}"


def dump_snmprec(walk: Walk, path: str | Path) -> None:
    Path(path).write_text("".join(line + "\n" for line in snmprec_lines(walk)), encoding="latin-1")


def restrict(walk: Walk, roots: Iterable[str], scalars: Iterable[str] = ()) -> Walk:
    """The part of a full recording a scan would have read: what lies under
    ``roots`` plus the ``scalars``. Tests feed identification this, so a
    recording cannot help it with data the collector never asks for."""
    root_set = set(roots)
    wanted = set(scalars)
    out = Walk()
    for oid in wanted:
        if oid in walk.data:
            out.data[oid] = walk.data[oid]
    if not root_set:
        return out
    for oid, vb in walk.data.items():
        prefix = oid
        while "." in prefix:  # is some prefix of this OID a root?
            if prefix in root_set:
                out.data[oid] = vb
                break
            prefix = prefix.rsplit(".", 1)[0]
    return out
