"""What devices announce about themselves without being asked for
credentials: mDNS / DNS-SD service records, SSDP / UPnP descriptions, DHCP
requests. Pure parsers and identification over recorded bytes; the plugins
in ``plugins/mdns.py``, ``plugins/ssdp.py`` and ``plugins/passive.py`` do
the I/O.
"""

from __future__ import annotations

import unicodedata

#: Longest text kept from one announced value (names, models, TXT values).
MAX_TEXT = 255


def clean_text(value: bytes | str | None, limit: int = MAX_TEXT) -> str | None:
    """Untrusted network text made safe to store and print: decoded as UTF-8
    (bad bytes replaced), control and format characters escaped (``\\xNN`` /
    ``\\uNNNN``), whitespace runs collapsed, cut to ``limit``. None if empty."""
    if value is None:
        return None
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else value
    out: list[str] = []
    for ch in text[: limit * 2]:
        if ch in "\t\r\n":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn"):
            code = ord(ch)
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
        else:
            out.append(ch)
    cleaned = " ".join("".join(out).split())[:limit]
    return cleaned or None
