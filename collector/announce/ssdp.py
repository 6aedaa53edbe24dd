"""SSDP messages and UPnP device descriptions -> facts. Pure functions.

The description XML is parsed with defusedxml (entity expansion and external
references refused); every value is cleaned and bounded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from collector.announce import clean_text
from collector.model import Fact, Identifier, Software

SOURCE = "ssdp"
MAX_MESSAGE = 8192
MAX_HEADERS = 40
#: Largest description document read (bytes).
MAX_DESCRIPTION = 256 * 1024
#: UPnP deviceType (urn:...:device:<Type>:<v>) -> (class, confidence).
DEVICE_TYPES: dict[str, tuple[str, int]] = {
    "mediarenderer": ("media", 70), "internetgatewaydevice": ("router", 70), "wandevice": ("router", 55),
    "wfadevice": ("wireless_ap", 60), "printer": ("printer", 75), "printbasic": ("printer", 75),
    "scanner": ("printer", 60), "digitalsecuritycamera": ("camera", 75), "networkcamera": ("camera", 75),
    "networkvideotransmitter": ("camera", 70), "dialreceiver": ("media", 60), "zoneplayer": ("media", 75),
    "remotecontrolreceiver": ("media", 60), "screen": ("media", 60), "tvdevice": ("media", 70),
}
#: Software media servers: their description names the software, not the box.
SOFTWARE_TYPES = {"mediaserver"}
#: Renderer software whose description names its authors as "manufacturer"
#: (a Raspberry Pi running gmrender-resurrect is not made by its authors).
SOFTWARE_MODELS = {"gmediarender", "upmpdcli", "rygel", "kodi", "xbmc", "mediatomb", "gerbera", "serviio",
                   "universal media server", "bubbleupnp server", "mopidy", "shairport-sync", "librespot"}
#: Vendor extension elements that carry a firmware or software version.
FIRMWARE_ELEMENTS = {"firmwareversion", "x_firmwareversion", "softwareversion", "swversion", "firmware_version",
                     "fwversion", "x_fwversion", "softwaregeneration"}
_JUNK = {"", "0", "1", "none", "n/a", "unknown", "00000000", "123456789", "0000000000", "serial", "1.0"}


_TOKEN = re.compile(r"[!#$%&'*+.^_`|~0-9a-z-]{1,64}")


@dataclass
class SsdpMessage:
    kind: str  # "response" | "notify" | "msearch"
    headers: dict[str, str] = field(default_factory=dict)

    @property
    def location(self) -> str | None:
        return self.headers.get("location")

    @property
    def udn(self) -> str | None:
        """``uuid:...`` from the USN header (``uuid:X::urn:...``)."""
        usn = self.headers.get("usn", "")
        m = re.match(r"(uuid:[0-9A-Za-z._:-]{1,100}?)(?:::|$)", usn)
        return m.group(1).lower() if m else None


def parse_message(data: bytes) -> SsdpMessage | None:
    """An SSDP datagram (HTTP over UDP): its kind and headers (names
    lower-cased, values cleaned); None if it is not SSDP."""
    text = data[:MAX_MESSAGE].decode("latin-1")
    lines = text.replace("\r\n", "\n").split("\n")
    first = lines[0].strip().upper()
    if first.startswith("HTTP/1.") and " 200" in first:
        kind = "response"
    elif first.startswith("NOTIFY * HTTP/1."):
        kind = "notify"
    elif first.startswith("M-SEARCH * HTTP/1."):
        kind = "msearch"
    else:
        return None
    headers: dict[str, str] = {}
    for line in lines[1:MAX_HEADERS + 1]:
        if not line.strip():
            break
        name, sep, value = line.partition(":")
        if not sep:
            continue
        key = name.strip().lower()
        # a header name is an HTTP token (RFC 9110): anything else is no header, and no text to store
        if _TOKEN.fullmatch(key) and key not in headers:
            headers[key] = clean_text(value.strip(), 512) or ""
    return SsdpMessage(kind, headers)


def location_allowed(location: str | None, responder_ip: str) -> bool:
    """Fetch a description only from the host that answered, over plain
    http, never elsewhere (a LOCATION may name any address)."""
    if not location:
        return False
    try:
        parts = urlsplit(location)
        port = parts.port
    except ValueError:
        return False
    return parts.scheme == "http" and parts.hostname == responder_ip and (port is None or 0 < port < 65536)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child_text(el: Any, name: str) -> str | None:
    for child in el:
        if _local(child.tag) == name:
            return clean_text(child.text or "")
    return None


def parse_description(xml: bytes) -> dict[str, Any]:
    """The root device of a UPnP description: its fields, vendor
    extensions that name a firmware, and the types of embedded devices.
    Raises ValueError for documents that are not a UPnP description."""
    import defusedxml.ElementTree as ET

    if len(xml) > MAX_DESCRIPTION:
        raise ValueError("description larger than allowed")
    try:
        root = ET.fromstring(xml)
    except Exception as exc:  # ParseError, DTD/entity refusals
        raise ValueError(f"not a usable XML document ({type(exc).__name__})") from None
    if _local(root.tag) != "root":
        raise ValueError("not a UPnP description (root element is not <root>)")
    device = next((c for c in root if _local(c.tag) == "device"), None)
    if device is None:
        raise ValueError("UPnP description without a <device>")
    out: dict[str, Any] = {}
    for name in ("deviceType", "friendlyName", "manufacturer", "manufacturerURL", "modelDescription", "modelName",
                 "modelNumber", "modelURL", "serialNumber", "UDN", "presentationURL", "UPC"):
        value = _child_text(device, name)
        if value:
            out[name] = value
    extensions: dict[str, str] = {}
    for child in device:
        local = _local(child.tag)
        if local.lower() in FIRMWARE_ELEMENTS or local in ("X_deviceCategory", "ProductCap", "X_DLNADOC"):
            value = clean_text(child.text or "")
            if value:
                extensions[local] = value
    if extensions:
        out["extensions"] = extensions
    embedded: list[str] = []
    for el in device.iter():
        if el is not device and _local(el.tag) == "device":
            dtype = _child_text(el, "deviceType")
            if dtype and len(embedded) < 32:
                embedded.append(dtype)
    if embedded:
        out["embedded"] = embedded
    return out


def type_name(device_type: str | None) -> str:
    """``urn:schemas-upnp-org:device:MediaRenderer:1`` -> ``mediarenderer``."""
    parts = (device_type or "").split(":")
    return parts[3].lower() if len(parts) >= 4 and parts[2] == "device" else ""


def _usable(value: str | None) -> bool:
    return bool(value) and (value or "").strip().lower() not in _JUNK


def facts_from(desc: dict[str, Any], server: str | None = None) -> tuple[list[Fact], list[Identifier], list[Software]]:
    """Facts a description (and the SERVER header) state about the device."""
    facts: list[Fact] = []
    software: list[Software] = []
    identifiers: list[Identifier] = []
    udn = (desc.get("UDN") or "").lower()
    if re.fullmatch(r"uuid:[0-9a-z._:-]{8,100}", udn):
        identifiers.append(Identifier("upnp_udn", udn, SOURCE))
    dtype = type_name(desc.get("deviceType"))
    where = f"UPnP {desc.get('deviceType', '?')}"
    manufacturer, model = desc.get("manufacturer"), desc.get("modelName")
    if dtype in SOFTWARE_TYPES or str(model or "").strip().lower() in SOFTWARE_MODELS:
        # a media server (MiniDLNA, Plex) or renderer software (gmediarender) describes the software, not the box
        if _usable(model):
            version = desc.get("modelNumber") if _usable(desc.get("modelNumber")) else None
            software.append(Software(str(model), version, manufacturer, SOURCE))
    else:
        if _usable(manufacturer):
            facts.append(Fact("vendor", str(manufacturer), 80, SOURCE, f"{where} manufacturer={manufacturer}"))
        if _usable(model):
            facts.append(Fact("model", str(model), 80, SOURCE, f"{where} modelName={model}"))
        serial = desc.get("serialNumber")
        if _usable(serial) and len(str(serial)) >= 4:
            facts.append(Fact("serial", str(serial), 75, SOURCE, f"{where} serialNumber={serial}"))
        for key, value in (desc.get("extensions") or {}).items():
            if key.lower() in FIRMWARE_ELEMENTS and _usable(value):
                facts.append(Fact("firmware", value, 75, SOURCE, f"{where} {key}={value}"))
                break
    guess = DEVICE_TYPES.get(dtype)
    category = (desc.get("extensions") or {}).get("X_deviceCategory", "")
    if category.lower().startswith("display.tv") or "vdProductType=TV" in (desc.get("extensions") or {}).get(
            "ProductCap", ""):
        guess = ("media", 80)
    if guess:
        facts.append(Fact("device_class", guess[0], guess[1], SOURCE,
                          f"{where}" + (f" X_deviceCategory={category}" if category else "")))
    if desc.get("friendlyName"):
        facts.append(Fact("description", desc["friendlyName"], 40, SOURCE, f"{where} friendlyName"))
    if server:
        m = re.search(r"\bLinux/(\d+\.\d+(?:\.\d+)?)", server)
        if m:
            facts.append(Fact("kernel_version", m.group(1), 35, SOURCE, f"SSDP SERVER: {server}"))
    return facts, identifiers, software
