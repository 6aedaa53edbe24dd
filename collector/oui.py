"""MAC address -> NIC vendor, from the IEEE registries (MA-L /24, MA-M /28,
MA-S /36), longest prefix first.

The table is ``oui.bin`` in the reference data (built by ``lan-collector data
build`` from Wireshark's ``manuf``, see :mod:`collector.refdata.manuf`),
checked against its recorded sha256 and loaded on first use: ~0.4 MB
compressed, a few milliseconds to load, three binary searches per lookup.
No scapy, no cache directory.
"""

from __future__ import annotations

import threading
from bisect import bisect_left

from collector.identity import is_locally_administered, normalize_mac
from collector.model import Fact

_lock = threading.Lock()
_table: VendorTable | None = None
#: why the table could not be loaded (then no MAC has a vendor; the scan goes on)
load_error: str | None = None


class VendorTable:
    """The decoded table: per block size, sorted prefixes and their names."""

    def __init__(self, blob: bytes) -> None:
        from collector.refdata.manuf import SIZES, decode

        blocks, self.names = decode(blob)
        # longest prefix first: /36 before /28 before /24
        self._blocks = sorted(zip(SIZES, blocks), key=lambda b: -b[0])

    def lookup(self, mac: str) -> str | None:
        value = int(mac.replace(":", ""), 16)
        for bits, (keys, idx) in self._blocks:
            key = value >> (48 - bits)
            i = bisect_left(keys, key)
            if i < len(keys) and keys[i] == key:
                return self.names[idx[i]]
        return None

    def __len__(self) -> int:
        return sum(len(keys) for _bits, (keys, _idx) in self._blocks)


def _load() -> VendorTable:
    global _table, load_error
    with _lock:
        if _table is None:
            from collector.refdata import DataError, load_bytes
            from collector.refdata.manuf import ManufError, encode

            try:
                _table = VendorTable(load_bytes("oui.bin"))
            except (DataError, ManufError, OSError) as exc:
                # damaged or unreadable reference data costs the vendors, not the scan
                load_error = str(exc)
                _table = VendorTable(encode({24: {}, 28: {}, 36: {}}))
        return _table


def preload() -> None:
    """Load the table in a background thread (vendor_for_mac waits for it)."""
    threading.Thread(target=_load, name="oui-preload", daemon=True).start()


def vendor_for_mac(mac: str | None) -> str | None:
    """The registered vendor of a MAC's block, or None (unknown, or a
    locally administered / randomised MAC, which has no vendor)."""
    norm = normalize_mac(mac)
    if norm is None or is_locally_administered(norm):
        return None
    return _load().lookup(norm)


def mac_facts(mac: str, source: str, seen: str, random_confidence: int) -> list[Fact]:
    """What a MAC says of its device: randomised or not (``seen``: how it was
    learned) and, if not, its OUI's vendor — a weak claim (40): the NIC maker
    is usually, not always, the device maker."""
    random = is_locally_administered(mac)
    facts = [Fact("mac_random", random, random_confidence, source, f"{seen}: MAC {mac}")]
    vendor = None if random else vendor_for_mac(mac)
    if vendor:
        facts.append(Fact("vendor", vendor, 40, source, f"OUI of {mac}"))
    return facts
