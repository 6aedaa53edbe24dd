"""CPE names: nmap and Recog give CPE 2.2 URIs (``cpe:/a:openbsd:openssh:5.3``);
the inventory stores CPE 2.3 formatted strings (NISTIR 7695), which the
vulnerability data uses too.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

_PARTS = ("part", "vendor", "product", "version", "update", "edition", "language")
#: Characters that must be backslash-quoted inside a 2.3 formatted string component.
_QUOTE = re.compile(r"([^A-Za-z0-9_\-.*?\\])")


def _fs_component(value: str) -> str:
    if value == "":
        return "*"
    if value == "-":
        return "-"
    value = unquote(value)
    return _QUOTE.sub(r"\\\1", value.lower())


def to_cpe23(name: str | None) -> str | None:
    """A CPE 2.2 URI or 2.3 string as a CPE 2.3 formatted string; None if it is neither."""
    if not name:
        return None
    name = name.strip()
    if name.startswith("cpe:2.3:"):
        fields = _split23(name)
        return name if len(fields) == 13 and fields[2] in ("a", "o", "h") and _printable_ascii(name) else None
    if not name.lower().startswith("cpe:/"):
        return None
    comps = name[5:].split(":")
    if not comps or comps[0] not in ("a", "o", "h") or len(comps) > 7:
        return None
    comps += [""] * (7 - len(comps))
    edition = comps[5]
    sw_edition = target_sw = target_hw = other = ""
    if edition.startswith("~"):  # packed edition: ~edition~sw_edition~target_sw~target_hw~other
        packed = edition.split("~")
        if len(packed) == 6:
            _, edition, sw_edition, target_sw, target_hw, other = packed
    out = [comps[0]] + [_fs_component(c) for c in (comps[1], comps[2], comps[3], comps[4], edition, comps[6],
                                                    sw_edition, target_sw, target_hw, other)]
    result = "cpe:2.3:" + ":".join(out)
    # a CPE name is printable ASCII (NISTIR 7695 5.3.2): anything else came from a garbled report
    return result if _printable_ascii(result) else None


def _printable_ascii(text: str) -> bool:
    return text.isascii() and text.isprintable()


def _split23(name: str) -> list[str]:
    return re.split(r"(?<!\\):", name)


def cpe23_fields(name: str) -> dict[str, str]:
    """part, vendor, product, version, update ... of a CPE 2.3 formatted string."""
    fields = _split23(name)[2:]
    keys = ("part", "vendor", "product", "version", "update", "edition", "language", "sw_edition",
            "target_sw", "target_hw", "other")
    return dict(zip(keys, fields))
