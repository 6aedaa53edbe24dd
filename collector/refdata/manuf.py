"""The MAC vendor table (``oui.bin``), built from Wireshark's ``manuf``: the
IEEE MA-L (/24), MA-M (/28) and MA-S (/36) registries (and CID/IAB) in one
file, as Debian's libwireshark-data ships it.

Vendor names: ``manuf`` has a short name (cut to 8 characters: ``HewlettP``,
``YealinkX``) and the registrant's full name (``Hewlett Packard``); the table
keeps the full name, which is what the inventory always showed, falling back
to the short one when there is no other. A /24 whose holder is the "IEEE
Registration Authority" is one the IEEE split into /28 or /36 blocks: it names
no device maker, so it is left out (a MAC in an unassigned sub-block has no
vendor, rather than a misleading one).

File layout (little-endian, uncompressed: the wheel compresses it, and
loading skips a decompress): ``LCOUI2`` then four uint32 counts (n24, n28,
n36, names), the sorted /24 prefixes (uint32) and their name indexes
(uint32), the same for /28 (uint32) and /36 (uint64), the end offset of each
name (uint32), then the names (UTF-8, back to back). Loading is a few array
copies; a lookup is three binary searches and one slice of the names.
"""

from __future__ import annotations

import re
import struct
from array import array
from pathlib import Path
from typing import Any

MAGIC = b"LCOUI2"
SIZES = (24, 28, 36)
#: /24 holders that name no device maker
NOT_A_VENDOR = {"ieee registration authority"}
MAX_NAME = 100


class ManufError(ValueError):
    pass


def _name(short: str, long: str) -> str | None:
    # a few registrants' names carry invisible characters (U+200B, U+200E, a soft hyphen): dropped
    name = " ".join("".join(ch for ch in (long or short) if ch.isprintable() or ch == " ").split())
    return name[:MAX_NAME] or None


def parse_manuf(text: str) -> dict[int, dict[int, str]]:
    """``manuf`` text -> {bits: {prefix as an integer of that many bits: vendor}}."""
    tables: dict[int, dict[int, str]] = {bits: {} for bits in SIZES}
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        fields = line.split("\t")
        if len(fields) < 2:
            continue
        prefix, _, bits_text = fields[0].strip().partition("/")
        digits = re.sub(r"[:.-]", "", prefix).lower()
        if not re.fullmatch(r"[0-9a-f]+", digits):
            continue
        bits = int(bits_text) if bits_text.isdigit() else len(digits) * 4
        if bits not in tables or len(digits) * 4 < bits:
            continue
        name = _name(fields[1].strip(), fields[2].strip() if len(fields) > 2 else "")
        if name is None or (bits == 24 and name.lower() in NOT_A_VENDOR):
            continue
        tables[bits][int(digits, 16) >> (len(digits) * 4 - bits)] = name
    return tables


def _le(values: array) -> bytes:  # type: ignore[type-arg]
    if struct.pack("=I", 1) != struct.pack("<I", 1):
        values = array(values.typecode, values)
        values.byteswap()
    return values.tobytes()


def encode(tables: dict[int, dict[int, str]]) -> bytes:
    names = sorted({n for table in tables.values() for n in table.values()})
    index = {n: i for i, n in enumerate(names)}
    parts = [MAGIC, struct.pack("<4I", *(len(tables[b]) for b in SIZES), len(names))]
    for bits in SIZES:
        keys = sorted(tables[bits])
        parts.append(_le(array("Q" if bits > 32 else "I", keys)))
        parts.append(_le(array("I", (index[tables[bits][k]] for k in keys))))
    encoded = [n.encode("utf-8") for n in names]
    ends, total = [], 0
    for e in encoded:
        total += len(e)
        ends.append(total)
    parts.append(_le(array("I", ends)))
    parts.append(b"".join(encoded))
    return b"".join(parts)


class Names:
    """Vendor names by index, decoded only when asked for."""

    def __init__(self, ends: array, blob: bytes) -> None:  # type: ignore[type-arg]
        self._ends, self._blob = ends, blob

    def __getitem__(self, i: int) -> str:
        start = self._ends[i - 1] if i else 0
        return self._blob[start:self._ends[i]].decode("utf-8")

    def __len__(self) -> int:
        return len(self._ends)


def decode(raw: bytes) -> tuple[list[Any], Names]:
    """[(keys, name indexes)] per size in SIZES, and the names."""
    if not raw.startswith(MAGIC) or len(raw) < len(MAGIC) + 16:
        raise ManufError("not a vendor table (bad header)")
    counts = struct.unpack_from("<4I", raw, len(MAGIC))
    pos = len(MAGIC) + 16
    swap = struct.pack("=I", 1) != struct.pack("<I", 1)

    def take(typecode: str, n: int) -> array:  # type: ignore[type-arg]
        nonlocal pos
        values = array(typecode)
        values.frombytes(raw[pos:pos + values.itemsize * n])
        pos += values.itemsize * n
        if len(values) != n:
            raise ManufError("vendor table truncated")
        if swap:
            values.byteswap()
        return values

    out = []
    for bits, n in zip(SIZES, counts):
        keys = take("Q" if bits > 32 else "I", n)
        out.append((keys, take("I", n)))
    ends = take("I", counts[3])
    blob = raw[pos:]
    if (ends[-1] if ends else 0) != len(blob):
        raise ManufError("vendor table names do not match their offsets")
    return out, Names(ends, blob)


def build_oui(src: Path, out: Path) -> dict[str, Any]:
    """``wireshark-data/manuf`` -> ``oui.bin`` with its provenance entry."""
    from collector.refdata import DataError
    from collector.refdata.build import _sha256, _source_info

    path = src / "wireshark-data" / "manuf"
    try:
        text = path.read_text(encoding="utf-8", errors="replace")
    except OSError as exc:
        raise DataError(f"{path}: unreadable ({exc.strerror or exc})") from None
    tables = parse_manuf(text)
    counts = {bits: len(tables[bits]) for bits in SIZES}
    if counts[24] < 30000 or counts[28] < 1000 or counts[36] < 1000:
        raise DataError(f"{path}: too few entries for an IEEE registry copy ({counts})")
    (out / "oui.bin").write_bytes(encode(tables))
    dates = re.findall(r"Last-Modified: \w+, (\d+ \w+ \d{4})", text)
    info = _source_info(src / "wireshark-data" / "SOURCE.md",
                        "IEEE registries (facts), via Debian libwireshark-data (GPL-2.0-or-later packaging)")
    info["repository"] = info.get("repository") or ("IEEE MA-L/MA-M/MA-S/CID/IAB via Wireshark manuf in Debian "
                                                     "libwireshark-data (see wireshark-data/SOURCE.md)")
    if not info.get("date") and dates:
        import datetime as _dt

        info["date"] = max(_dt.datetime.strptime(d, "%d %b %Y").date() for d in dates).isoformat()
    return {"oui.bin": {"source": info, "inputs": {"wireshark-data/manuf": _sha256(path)},
                        "entries": sum(counts.values()), "blocks": {f"/{b}": counts[b] for b in SIZES},
                        "names": "the registrant's full name (manuf's third column), else its short name",
                        # assignments are never withdrawn: an old copy only lacks the newest blocks
                        "max_age_days": None}}
