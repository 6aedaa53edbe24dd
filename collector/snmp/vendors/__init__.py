"""Vendor quirks, one small module per vendor, keyed by sysObjectID prefix.

Each module defines:

- ``NAME``: the vendor as the inventory shows it;
- ``PREFIXES``: sysObjectID prefixes of this vendor's agents;
- ``PROBE_ON``: other agents' prefixes under which this vendor hides (a
  Synology NAS answers with net-snmp's sysObjectID): its ``SCALARS`` are
  fetched there too, and it claims the device only if they answer;
- ``SCALARS`` / ``WALKS``: the extra objects to read;
- ``FACTS`` (optional): ``(oid, field, confidence, evidence)`` for objects
  whose value is simply a field (read and claimed without more code);
- ``identify(walk, mibs, claims)``: add facts (field, value, confidence,
  evidence) from what was read.
"""

from __future__ import annotations

import importlib
from types import ModuleType

MODULE_NAMES = (
    "cisco", "hpe", "aruba", "juniper", "mikrotik", "ubiquiti", "fortinet", "paloalto", "synology", "qnap",
    "apc", "eaton", "dell", "hp_printer", "brother", "ricoh", "canon", "kyocera", "xerox", "axis", "hikvision",
    "vmware", "windows", "netsnmp", "arista", "huawei", "h3c", "netapp",
)


def _load() -> list[ModuleType]:
    return [importlib.import_module(f"collector.snmp.vendors.{name}") for name in MODULE_NAMES]


MODULES: list[ModuleType] = _load()


def scalars_of(mod: ModuleType) -> list[str]:
    return [*getattr(mod, "SCALARS", []), *(f[0] for f in getattr(mod, "FACTS", ()))]


def apply(mod: ModuleType, walk: object, mibs: object, claims: object) -> None:
    """Claim a module's plain FACTS, then run its identify()."""
    for oid, field, confidence, evidence in getattr(mod, "FACTS", ()):
        claims.add(field, walk.text(oid), confidence, evidence)  # type: ignore[attr-defined]
    mod.identify(walk, mibs, claims)


def _matches(oid: str, prefix: str) -> bool:
    return oid == prefix or oid.startswith(prefix + ".")


def modules_for(sys_object_id: str | None) -> list[ModuleType]:
    """The vendor modules that apply to an agent: its own (longest prefix
    first), then the ones that hide behind its sysObjectID."""
    if not sys_object_id:
        return [m for m in MODULES if "none" in getattr(m, "PROBE_ON", ())]
    own = []
    for mod in MODULES:
        best = max((len(p) for p in mod.PREFIXES if _matches(sys_object_id, p)), default=0)
        if best:
            own.append((best, mod))
    own.sort(key=lambda t: -t[0])
    probing = [m for m in MODULES if any(_matches(sys_object_id, p) for p in getattr(m, "PROBE_ON", ()))
               and m not in [o[1] for o in own]]
    return [m for _l, m in own] + probing
