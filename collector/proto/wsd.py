"""WS-Discovery (SOAP-over-UDP, 2005/04 as Windows, printers and ONVIF
cameras speak it): the Probe, and pure parsers of ProbeMatches and of the
WS-Transfer Get metadata a device returns (model, maker, serial, firmware,
Windows computer name and workgroup/domain). XML is parsed with defusedxml
(no entities, no external references) and read by local element names.
"""

from __future__ import annotations

import re
import uuid
from typing import Any
from urllib.parse import unquote, urlsplit

from defusedxml import ElementTree

GROUP = "239.255.255.250"
PORT = 3702
MAX_MESSAGE = 65536
MAX_TEXT = 255
_WSD_NS = "http://schemas.xmlsoap.org/ws/2005/04/discovery"
_ADDRESSING = "http://schemas.xmlsoap.org/ws/2004/08/addressing"


#: The Probe types we send (besides an untyped Probe): DPWS devices (Windows,
#: printers; Samba's wsdd answers nothing else) and ONVIF cameras.
PROBE_TYPES = {"wsdp:Device": ("wsdp", "http://schemas.xmlsoap.org/ws/2006/02/devprof"),
               "dn:NetworkVideoTransmitter": ("dn", "http://www.onvif.org/ver10/network/wsdl")}


def probe(message_id: str | None = None, types: str | None = None) -> bytes:
    """A Probe, untyped or for one of :data:`PROBE_TYPES`."""
    mid = message_id or f"urn:uuid:{uuid.uuid4()}"
    ns = ""
    body = "<wsd:Probe/>"
    if types:
        prefix, uri = PROBE_TYPES[types]
        ns = f' xmlns:{prefix}="{uri}"'
        body = f"<wsd:Probe><wsd:Types>{types}</wsd:Types></wsd:Probe>"
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
        f'xmlns:wsa="{_ADDRESSING}" xmlns:wsd="{_WSD_NS}"{ns}>'
        "<soap:Header>"
        "<wsa:To>urn:schemas-xmlsoap-org:ws:2005:04:discovery</wsa:To>"
        f"<wsa:Action>{_WSD_NS}/Probe</wsa:Action>"
        f"<wsa:MessageID>{mid}</wsa:MessageID>"
        "</soap:Header>"
        f"<soap:Body>{body}</soap:Body>"
        "</soap:Envelope>"
    ).encode()


def get_request(endpoint: str, message_id: str | None = None) -> bytes:
    """WS-Transfer Get of a device's metadata (DPWS), sent to its XAddr."""
    mid = message_id or f"urn:uuid:{uuid.uuid4()}"
    endpoint = re.sub(r"[<>&\"']", "", endpoint)[:200]
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://www.w3.org/2003/05/soap-envelope" '
        f'xmlns:wsa="{_ADDRESSING}">'
        "<soap:Header>"
        f"<wsa:To>{endpoint}</wsa:To>"
        "<wsa:Action>http://schemas.xmlsoap.org/ws/2004/09/transfer/Get</wsa:Action>"
        f"<wsa:MessageID>{mid}</wsa:MessageID>"
        f"<wsa:ReplyTo><wsa:Address>{_ADDRESSING}/role/anonymous</wsa:Address></wsa:ReplyTo>"
        "</soap:Header><soap:Body/></soap:Envelope>"
    ).encode()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


#: C0 and C1 controls, DEL, line separators and bidi overrides: none may reach a stored or printed string
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def _clean(text: str | None, limit: int = MAX_TEXT) -> str | None:
    if text is None:
        return None
    text = _CONTROL.sub(" ", text).strip()
    return text[:limit] or None


def _root(data: bytes) -> Any:
    if len(data) > MAX_MESSAGE:
        raise ValueError("message too large")
    try:
        return ElementTree.fromstring(data)
    except Exception as exc:  # ParseError, defusedxml's refusals (entities, DTDs)
        raise ValueError(f"not well-formed XML: {type(exc).__name__}") from None


def _first(elem: Any, name: str) -> Any:
    for e in elem.iter():
        if _local(e.tag) == name:
            return e
    return None


def _items(elem: Any, limit: int, clean: Any) -> list[str]:
    """A whitespace-separated list element's items, each cleaned (controls
    out, bounded) and at most ``limit`` of them."""
    words = (elem.text or "").split() if elem is not None else []
    return [c for c in (clean(w) for w in words[:limit]) if c][:limit]


def parse_probe_matches(data: bytes) -> list[dict[str, Any]]:
    """Each ProbeMatch: endpoint address, types (local names), scopes, XAddrs,
    metadata version. Raises ValueError when it is not a ProbeMatches message."""
    root = _root(data)
    body = _first(root, "ProbeMatches")
    if body is None:
        raise ValueError("no ProbeMatches")
    matches = []
    for pm in [e for e in body if _local(e.tag) == "ProbeMatch"][:16]:
        address = _first(pm, "Address")
        types = _first(pm, "Types")
        scopes = _first(pm, "Scopes")
        xaddrs = _first(pm, "XAddrs")
        matches.append({
            "address": _clean(address.text if address is not None else None),
            "types": _items(types, 16, lambda t: _clean(t.split(":")[-1], 64)),
            "scopes": _items(scopes, 32, _clean),
            "xaddrs": _items(xaddrs, 8, _clean),
        })
    return matches


#: ONVIF scope items: onvif://www.onvif.org/<key>/<value>
_ONVIF = re.compile(r"^onvif://www\.onvif\.org/(?P<key>[A-Za-z]+)/(?P<value>.+)$")


def onvif_scopes(scopes: list[str]) -> dict[str, list[str]]:
    """``{"hardware": ["DS-2CD2143G0-I"], "name": ["HIKVISION"], "type": [...], "location": [...]}``."""
    out: dict[str, list[str]] = {}
    for scope in scopes:
        m = _ONVIF.match(scope)
        if m:
            value = _clean(unquote(m.group("value")).replace("_", " ") if m.group("key").lower() == "name"
                           else unquote(m.group("value")))
            if value:
                out.setdefault(m.group("key").lower(), []).append(value)
    return out


def in_scope_xaddrs(xaddrs: list[str], allowed: Any) -> list[str]:
    """Only http(s) URLs whose host is an IPv4 address ``allowed(ip)`` accepts:
    a ProbeMatch can name any address, and we never fetch outside the scope."""
    out = []
    for url in xaddrs:
        try:
            parts = urlsplit(url)
        except ValueError:
            continue
        if parts.scheme in ("http", "https") and parts.hostname and re.fullmatch(r"\d+\.\d+\.\d+\.\d+",
                                                                                  parts.hostname) \
                and allowed(parts.hostname):
            out.append(url)
    return out


def parse_metadata(data: bytes) -> dict[str, str]:
    """Device metadata from a WS-Transfer GetResponse (DPWS ThisModel /
    ThisDevice, and Windows' pub:Computer "NAME/Domain:X" or
    "NAME/Workgroup:X")."""
    root = _root(data)
    out: dict[str, str] = {}
    for key, name in (("manufacturer", "Manufacturer"), ("model", "ModelName"), ("model_number", "ModelNumber"),
                      ("friendly_name", "FriendlyName"), ("firmware", "FirmwareVersion"),
                      ("serial", "SerialNumber"), ("presentation_url", "PresentationUrl")):
        elem = _first(root, name)
        value = _clean(elem.text if elem is not None else None)
        if value:
            out[key] = value
    computer = _first(root, "Computer")
    text = _clean(computer.text if computer is not None else None)
    if text:
        name, _, membership = text.partition("/")
        out["computer"] = name
        kind, _, value = membership.partition(":")
        if kind in ("Domain", "Workgroup") and value:
            out[kind.lower()] = value
    return out
