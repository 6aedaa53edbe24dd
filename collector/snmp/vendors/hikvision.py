"""Hikvision cameras and recorders (HIKVISION-MIB). Recorders also answer
with their own PEN 50001 ("Hikvision company products")."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims

NAME = "Hikvision"
PREFIXES = ("1.3.6.1.4.1.39165", "1.3.6.1.4.1.50001")
PROBE_ON = ("1.3.6.1.4.1.8072", "none")  # "none": agents without a system group
MODEL = "1.3.6.1.4.1.39165.1.1.0"  # deviceType
HW_VERSION = "1.3.6.1.4.1.39165.1.2.0"
SW_VERSION = "1.3.6.1.4.1.39165.1.3.0"  # softwVersion "V5.4.5 build 170124"
DEVICE_ID = "1.3.6.1.4.1.39165.1.5.0"
SCALARS = [MODEL, HW_VERSION, SW_VERSION, DEVICE_ID]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    oid = walk.oid("1.3.6.1.2.1.1.2.0") or ""
    own = oid.startswith(PREFIXES)
    if not own and walk.text(MODEL) is None:
        return
    claims.add("vendor", NAME, 90, "HIKVISION-MIB answered" if not own else "Hikvision sysObjectID")
    model = walk.text(MODEL)
    claims.add("model", model, 85, "HIKVISION-MIB deviceType")
    version = walk.text(SW_VERSION)
    claims.add("firmware", version.split(" build")[0] if version else None, 85, "HIKVISION-MIB softwVersion")
    descr = (walk.text("1.3.6.1.2.1.1.1.0") or "") + " " + (model or "")
    recorder = any(k in descr.upper() for k in ("NVR", "DVR", "DS-7", "DS-8", "DS-9", "RECORDER"))
    claims.add("device_class", "camera", 85, "Hikvision recorder" if recorder else "Hikvision camera")
