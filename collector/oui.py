"""MAC address -> NIC vendor, from scapy's bundled IEEE (Wireshark manuf) table.

Importing scapy costs ~0.5 s and even its manuf module alone ~0.15 s, more
than an ARP sweep of a /24. So the first use derives a compact index of
scapy's table (OUI -> vendor, the same names scapy's ``conf.manufdb`` gives)
and keeps it in the cache directory (``$CACHE_DIRECTORY`` under systemd,
else ``$XDG_CACHE_HOME`` or ``~/.cache``), keyed by scapy's version; later
scans read that file in a few milliseconds. If no cache can be written the
table is simply derived each time.
"""

from __future__ import annotations

import os
import threading
from importlib import metadata
from pathlib import Path

from collector.identity import is_locally_administered, normalize_mac
from collector.model import Fact

_lock = threading.Lock()
_table: dict[str, str] | None = None


def _cache_path() -> Path:
    base = os.environ.get("CACHE_DIRECTORY") or os.environ.get("XDG_CACHE_HOME") or \
        str(Path(os.environ.get("HOME") or "/nonexistent") / ".cache" / "lan-collector")
    try:
        version = metadata.version("scapy")
    except metadata.PackageNotFoundError:
        version = "unknown"
    return Path(base) / f"oui-scapy-{version}.tsv"


def parse_manuf(text: str) -> dict[str, str]:
    """scapy's manuf text -> {"aabbcc": vendor}: /24 entries only, the long
    name when there is one (what scapy's manufdb returns)."""
    table: dict[str, str] = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        prefix = parts[0]
        if "/" in prefix or len(parts) < 2:
            continue
        key = prefix.replace(":", "").replace("-", "").lower()
        if len(key) != 6:
            continue
        table[key] = parts[2] if len(parts) > 2 and parts[2] else parts[1]
    return table


def _load() -> dict[str, str]:
    global _table
    with _lock:
        if _table is not None:
            return _table
        path = _cache_path()
        try:
            lines = path.read_text(encoding="utf-8").splitlines()
            table = dict(line.split("\t", 1) for line in lines if "\t" in line)
            if len(table) > 10000:
                _table = table
                return table
        except OSError:
            pass
        from scapy.libs.manuf import DATA

        table = parse_manuf(DATA)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_suffix(f".{os.getpid()}.tmp")
            tmp.write_text("".join(f"{k}\t{v}\n" for k, v in table.items()), encoding="utf-8")
            os.replace(tmp, path)
        except OSError:
            pass  # read-only home: derive again next time
        _table = table
        return table


def preload() -> None:
    """Load the table in a background thread (vendor_for_mac waits for it)."""
    threading.Thread(target=_load, name="oui-preload", daemon=True).start()


def vendor_for_mac(mac: str | None) -> str | None:
    """The registered vendor of a MAC's OUI, or None (unknown, or a
    locally administered / randomised MAC, which has no vendor)."""
    norm = normalize_mac(mac)
    if norm is None or is_locally_administered(norm):
        return None
    return _load().get(norm.replace(":", "")[:6])


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
