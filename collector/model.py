"""Typed records that flow from plugins to the core.

Plugins produce these; only :mod:`collector.store` turns them into SQL rows.
Every claim a plugin makes about a device is a :class:`Fact` carrying its
source and confidence, so identification can pick the best value per field
and keep the losers visible.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Any, Literal

#: Device fields a fact may set. Stable: the JSON export contract names them.
DEVICE_FIELDS = (
    "hostname",
    "vendor",
    "device_class",
    "model",
    "serial",
    "os_name",
    "os_version",
    "os_build",
    "kernel_version",
    "firmware",
    "description",
    "mac_random",
)

#: discover: finds live addresses (all discovery plugins run at once);
#: enrich: probes the live hosts (all at once, except where a plugin waits
#: for the plugins named in its ``after``); listen: runs for the whole scan
#: (passive listening) and is asked to stop when enrichment is done.
Phase = Literal["discover", "enrich", "listen"]


class Outcome(str, Enum):
    """What happened when one plugin probed one target (the `probes` table)."""

    OK = "ok"
    NO_RESPONSE = "timeout"
    REFUSED = "refused"
    ERROR = "error"
    SKIPPED = "skipped"
    DEGRADED = "degraded"


def utcnow() -> str:
    return _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="milliseconds")


@dataclass(frozen=True)
class Fact:
    """One plugin's claim about one device field."""

    field: str
    value: str | int | bool
    confidence: int
    source: str
    evidence: str | None = None

    def __post_init__(self) -> None:
        if self.field not in DEVICE_FIELDS:
            raise ValueError(f"unknown device field {self.field!r}")
        if not 0 <= self.confidence <= 100:
            raise ValueError(f"confidence {self.confidence} outside 0..100")
        if self.field == "vendor" and isinstance(self.value, str):
            # One spelling per maker whatever the source (OUI "Dell Inc.", SNMP "DELL",
            # UPnP "Dell Computer Corporation" -> "Dell"): every vendor claim, from a
            # plugin or read back from the store, is a Fact, so this is the one place.
            # The raw string stays in the evidence.
            from collector.vendornames import canonical_vendor

            brand = canonical_vendor(self.value)
            if brand and brand != self.value:
                raw = self.value if len(self.value) <= 120 else self.value[:117] + "..."
                object.__setattr__(self, "evidence", f"{self.evidence or ''} [as {raw!r}]".lstrip())
                object.__setattr__(self, "value", brand)


@dataclass(frozen=True)
class Service:
    port: int
    proto: str = "tcp"
    state: str = "open"
    name: str | None = None
    product: str | None = None
    version: str | None = None
    extra: str | None = None
    cpe: str | None = None
    banner: str | None = None
    source: str = ""
    confidence: int = 50


@dataclass(frozen=True)
class Software:
    name: str
    version: str | None = None
    vendor: str | None = None
    source: str = ""


#: Stable identifiers a device announces, and how far each may be trusted to
#: say "this is the same device" when its MAC differs or is randomised.
#: strong: unique per device in practice (joins like a hardware serial);
#: weak: a name the owner chose (joins only devices with randomised MACs).
IDENTIFIER_KINDS: dict[str, str] = {
    "smb_guid": "strong",        # SMB2 negotiate ServerGuid
    "upnp_udn": "strong",        # UPnP device description UDN (uuid:...)
    "wsd_endpoint": "strong",    # WS-Discovery endpoint reference (urn:uuid:...)
    "snmp_engine_id": "strong",  # SNMPv3 snmpEngineID
    "dhcp_client_id": "strong",  # DHCP option 61
    "tls_cert_sha256": "weak",   # some vendors ship one certificate on every unit
    "netbios_name": "weak",      # NetBIOS computer name (+ workgroup)
    "mdns_host": "weak",         # mDNS host name (name.local)
    "dns_name": "weak",          # reverse DNS (PTR)
}


@dataclass(frozen=True)
class Identifier:
    """A stable identifier one plugin saw for an address (the `identifiers` table)."""

    kind: str
    value: str
    source: str

    def __post_init__(self) -> None:
        if self.kind not in IDENTIFIER_KINDS:
            raise ValueError(f"unknown identifier kind {self.kind!r}")
        if not self.value or len(self.value) > 255:
            raise ValueError("identifier value must be 1..255 characters")


@dataclass
class Observation:
    """What one plugin saw about one address, with the raw evidence."""

    plugin: str
    ip: str
    mac: str | None = None
    facts: list[Fact] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    software: list[Software] = field(default_factory=list)
    identifiers: list[Identifier] = field(default_factory=list)
    rtt_ms: float | None = None
    raw: dict[str, Any] = field(default_factory=dict)
    observed_at: str = field(default_factory=utcnow)


@dataclass(frozen=True)
class ProbeResult:
    """One row per target x plugin: why was this device missed? has an answer."""

    plugin: str
    target: str
    outcome: Outcome
    duration_ms: float = 0.0
    detail: str | None = None


@dataclass
class PluginReport:
    """Everything one plugin run returns to the engine."""

    observations: list[Observation] = field(default_factory=list)
    probes: list[ProbeResult] = field(default_factory=list)
    #: set when the plugin could not do its full job (e.g. no CAP_NET_RAW)
    degraded: str | None = None
