"""Ubiquiti: UniFi APs and switches (UBNT-UniFi-MIB), airMAX radios
(IEEE 802.11 MIB product name/version under the Frogfoot or UBNT OID)."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "Ubiquiti"
PREFIXES = ("1.3.6.1.4.1.41112", "1.3.6.1.4.1.10002.1")
UNIFI_MODEL = "1.3.6.1.4.1.41112.1.6.3.3.0"  # unifiApSystemModel
UNIFI_VERSION = "1.3.6.1.4.1.41112.1.6.3.6.0"  # unifiApSystemVersion
DOT11_PRODUCT = "1.2.840.10036.3.1.2.1.3"  # dot11manufacturerProductName (per radio)
DOT11_VERSION = "1.2.840.10036.3.1.2.1.4"  # dot11manufacturerProductVersion
SCALARS = [UNIFI_MODEL, UNIFI_VERSION]
WALKS = [[DOT11_PRODUCT, DOT11_VERSION]]


def identify(walk, mibs, claims: Claims) -> None:
    claims.add("model", walk.text(UNIFI_MODEL), 85, "UBNT-UniFi-MIB unifiApSystemModel")
    claims.add("firmware", walk.text(UNIFI_VERSION), 85, "UBNT-UniFi-MIB unifiApSystemVersion")
    product = next((walk.text(f"{DOT11_PRODUCT}.{i}") for i, _ in walk.subtree(DOT11_PRODUCT)), None)
    version = next((walk.text(f"{DOT11_VERSION}.{i}") for i, _ in walk.subtree(DOT11_VERSION)), None)
    claims.add("model", product, 80, "IEEE802dot11-MIB dot11manufacturerProductName")
    # "XM.ar7240.v5.6.3.28591.151130.1749" -> 5.6.3
    claims.add("firmware", first_match(r"\.v(\d+(?:\.\d+){1,3}(?:-[a-z]+\d*)?)", version) or version, 80,
               "IEEE802dot11-MIB dot11manufacturerProductVersion")
    model = (claims.best("model") or "").upper()
    cls = "switch" if model.startswith(("US", "USW")) else "router" if model.startswith(("UDM", "USG", "ER")) \
        else "wireless_ap"
    claims.add("device_class", cls, 70 if model else 60, "Ubiquiti sysObjectID / model")
    claims.add("os_name", "airOS" if product or version else None, 70, "airMAX radio MIB")
    if product or version:  # airOS's version is its firmware's, not the Linux kernel's
        claims.add("os_version", claims.best("firmware"), 75, "IEEE802dot11-MIB dot11manufacturerProductVersion")
