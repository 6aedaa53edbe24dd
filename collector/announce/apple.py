"""Apple hardware by model identifier (``MacBookPro18,3``, ``iPhone14,2``,
``AppleTV6,2``, board ids like ``J314sAP``) and macOS by Darwin version.

The marketing names come from Recog's ``mdns_device-info_txt`` fingerprints
(BSD-2-Clause; built into ``recog.json`` by ``lan-collector data build`` with
its provenance): what Recog says is used as it says it. Identifiers Recog does
not know yet (newer than its last update) still give the device class and OS
from their family prefix, at a lower confidence, with the identifier as model.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from collector.refdata.recog import Recog

#: Recog's ``hw.device`` words -> our device classes.
DEVICE_CLASS = {"laptop": "workstation", "desktop": "workstation", "mobile phone": "phone", "tablet": "phone",
                "media player": "media", "media server": "media", "wap": "wireless_ap"}
#: Recog's ``os.family`` -> the OS names lan-collector uses everywhere.
OS_NAME = {"mac os x": "macOS", "ios": "iOS", "tvos": "tvOS", "audioos": "audioOS", "watchos": "watchOS"}

#: Family prefix -> (class, OS name, family name) for identifiers Recog lacks.
#: Order matters: longer prefixes first.
PREFIXES: tuple[tuple[str, str, str, str], ...] = (
    ("MacBookPro", "workstation", "macOS", "MacBook Pro"),
    ("MacBookAir", "workstation", "macOS", "MacBook Air"),
    ("MacBook", "workstation", "macOS", "MacBook"),
    ("Macmini", "workstation", "macOS", "Mac mini"),
    ("MacPro", "workstation", "macOS", "Mac Pro"),
    ("iMacPro", "workstation", "macOS", "iMac Pro"),
    ("iMac", "workstation", "macOS", "iMac"),
    ("Mac", "workstation", "macOS", "Mac"),  # Mac14,2 and later: every Apple-silicon Mac
    ("Xserve", "server", "macOS", "Xserve"),
    ("RackMac", "server", "macOS", "Xserve"),
    ("iPhone", "phone", "iOS", "iPhone"),
    ("iPad", "phone", "iPadOS", "iPad"),
    ("iPod", "phone", "iOS", "iPod touch"),
    ("AppleTV", "media", "tvOS", "Apple TV"),
    ("AudioAccessory", "media", "audioOS", "HomePod"),
    ("Watch", "phone", "watchOS", "Apple Watch"),
)
_MODEL_ID = re.compile(r"^([A-Za-z]+)(\d{1,3}),(\d{1,3})$")
_BOARD_ID = re.compile(r"^[A-Z]\d{1,4}[a-z]{0,2}AP$")


@dataclass(frozen=True)
class AppleModel:
    model_id: str
    name: str | None  # marketing name ("MacBook Pro (14-Inch, M1, 2021)"); None if unknown
    family: str | None
    device_class: str | None
    os_name: str | None
    #: "recog" when Recog names it, "prefix" when only the family is known
    how: str
    evidence: str


def is_apple_model_id(text: str) -> bool:
    m = _MODEL_ID.match(text)
    if m:
        return any(m.group(1) == p[0] for p in PREFIXES) or m.group(1).startswith(("Mac", "i", "Apple", "Audio"))
    return bool(_BOARD_ID.match(text))


def lookup(model_id: str, recog: Recog | None) -> AppleModel | None:
    """What Apple hardware a model identifier names, or None if it is not one."""
    model_id = model_id.strip()
    if not model_id or len(model_id) > 40:
        return None
    if recog is not None:
        match = recog.match("mdns_device-info_txt", f"model={model_id}")
        if match is not None and match.values.get("hw.vendor") == "Apple":
            v = match.values
            device = (v.get("hw.device") or "").lower()
            os_name = OS_NAME.get((v.get("os.family") or "").lower())
            if os_name == "iOS" and (v.get("hw.family") or "").startswith("iPad"):
                os_name = "iPadOS"
            return AppleModel(model_id, v.get("hw.product"), v.get("hw.family"), DEVICE_CLASS.get(device), os_name,
                              "recog", f"Recog mdns_device-info_txt: {match.description}")
    m = _MODEL_ID.match(model_id)
    if not m:
        return None
    for prefix, device_class, os_name, family in PREFIXES:
        if m.group(1) == prefix:
            return AppleModel(model_id, None, family, device_class, os_name, "prefix",
                              f"Apple model identifier family {prefix} (not in Recog's table)")
    return None


def macos_version(osxvers: str) -> str | None:
    """``osxvers=`` (the Darwin major version) -> the macOS major version.

    Darwin 5-19 are Mac OS X 10.1-10.15, Darwin 20-24 are macOS 11-15, and
    Apple renumbered with Darwin 25 = macOS 26 (Apple's release notes)."""
    if not osxvers.isdigit():
        return None
    darwin = int(osxvers)
    if 4 <= darwin <= 19:
        return f"10.{darwin - 4}"
    if 20 <= darwin <= 24:
        return str(darwin - 9)
    if 25 <= darwin <= 40:
        return str(darwin + 1)
    return None
