"""MAC address -> NIC vendor, from scapy's bundled IEEE (Wireshark manuf) table."""

from __future__ import annotations

from functools import lru_cache

from collector.identity import is_locally_administered, normalize_mac


@lru_cache(maxsize=1)
def _manufdb():  # type: ignore[no-untyped-def]
    # scapy is imported lazily: it costs ~0.4 s and ~25 MiB.
    from scapy.config import conf

    return conf.manufdb


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
