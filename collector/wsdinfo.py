"""What WS-Discovery answers say about a host: pure functions from parsed
ProbeMatches (and WSD metadata, when fetched) to facts and identifiers.

Types say what a device is (ONVIF ``NetworkVideoTransmitter`` -> camera,
``PrintDeviceType`` -> printer, ``pub:Computer`` -> a Windows-style file
sharing host); ONVIF scopes carry the model (``hardware/``) and a name
(``name/``, often the maker, but the owner may change it); metadata carries
maker, model, serial, firmware and a computer's name and workgroup or
domain. ``wsdd`` (Samba's WSD daemon) describes itself as maker "wsdd": the
OS maker is never the hardware maker, so neither it nor Microsoft becomes
the vendor.
"""

from __future__ import annotations

from typing import Any

from collector.model import Fact, Identifier, Observation
from collector.proto import wsd

SOURCE = "wsd"
_CLASS_BY_TYPE = {"NetworkVideoTransmitter": "camera", "PrintDeviceType": "printer", "PrintDevice": "printer",
                  "ScanDeviceType": "printer"}
#: makers that are software, not the device's hardware maker
_SOFTWARE_MAKERS = {"microsoft", "microsoft corporation", "wsdd", "samba"}


def observation_for(ip: str, matches: list[dict[str, Any]], metadata_raw: bytes | None) -> Observation:
    facts: list[Fact] = []
    identifiers: list[Identifier] = []
    types = sorted({t for m in matches for t in m.get("types", [])})
    scopes = [s for m in matches for s in m.get("scopes", [])]
    onvif = wsd.onvif_scopes(scopes)
    for t in types:
        if t in _CLASS_BY_TYPE:
            facts.append(Fact("device_class", _CLASS_BY_TYPE[t], 80, SOURCE, f"WS-Discovery type {t}"))
            break
    if onvif.get("hardware"):
        facts.append(Fact("model", onvif["hardware"][0], 75, SOURCE, "ONVIF scope hardware/"))
    if onvif.get("name") and onvif["name"][0].lower() not in _SOFTWARE_MAKERS:
        facts.append(Fact("vendor", onvif["name"][0], 55, SOURCE, "ONVIF scope name/ (owner-settable)"))
    for m in matches:
        address = m.get("address") or ""
        if address.lower().startswith("urn:uuid:") and len(address) <= 100:
            identifiers.append(Identifier("wsd_endpoint", address.lower(), SOURCE))
            break
    meta: dict[str, str] = {}
    if metadata_raw:
        try:
            meta = wsd.parse_metadata(metadata_raw)
        except ValueError:
            meta = {}
    maker = meta.get("manufacturer")
    software_host = (maker or "").lower() in _SOFTWARE_MAKERS
    if maker and not software_host:
        facts.append(Fact("vendor", maker, 75, SOURCE, "WSD metadata Manufacturer"))
    if meta.get("model") and not software_host:
        facts.append(Fact("model", meta["model"], 80, SOURCE, "WSD metadata ModelName"))
    if meta.get("serial") and not software_host:
        facts.append(Fact("serial", meta["serial"], 80, SOURCE, "WSD metadata SerialNumber"))
    if meta.get("firmware") and not software_host:
        facts.append(Fact("firmware", meta["firmware"], 75, SOURCE, "WSD metadata FirmwareVersion"))
    if meta.get("computer"):
        facts.append(Fact("hostname", meta["computer"], 75, SOURCE, "WSD metadata pub:Computer"))
    if (maker or "").lower() == "wsdd":
        facts.append(Fact("description", "Samba host announced by wsdd", 50, SOURCE, "WSD metadata Manufacturer wsdd"))
    raw: dict[str, Any] = {"wsd": {"types": types, "scopes": scopes[:32], "onvif": onvif,
                                   "xaddrs": [x for m in matches for x in m.get("xaddrs", [])][:8],
                                   "metadata": meta}}
    return Observation(plugin=SOURCE, ip=ip, facts=facts, identifiers=identifiers, raw=raw)
