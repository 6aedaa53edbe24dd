"""MAC address -> NIC vendor, from scapy's bundled IEEE (Wireshark manuf) table."""

from __future__ import annotations

import threading
from typing import Any

from collector.identity import is_locally_administered, normalize_mac

_lock = threading.Lock()
_db: Any = None


def _manufdb() -> Any:
    # scapy is imported lazily: it costs ~0.2 s of CPU and ~25 MiB.
    global _db
    with _lock:
        if _db is None:
            from scapy.config import conf

            _db = conf.manufdb
        return _db


def preload() -> None:
    """Load the table in a background thread (vendor_for_mac waits for it)."""
    threading.Thread(target=_manufdb, name="oui-preload", daemon=True).start()


def vendor_for_mac(mac: str | None) -> str | None:
    """The registered vendor of a MAC's OUI, or None (unknown, or a
    locally administered / randomised MAC, which has no vendor)."""
    norm = normalize_mac(mac)
    if norm is None or is_locally_administered(norm):
        return None
    name = _manufdb()._get_manuf(norm)
    if not name or name.lower() == norm:
        return None
    return str(name)
