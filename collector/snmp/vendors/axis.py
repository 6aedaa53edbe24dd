"""Axis network cameras and encoders. sysDescr: "; AXIS M3004; Network
Camera; 5.50.5.2; Jun 07 2013 14:32; 14D; 1;"."""

from __future__ import annotations

import re

from collector.snmp.vendors.base import Claims

NAME = "Axis"
PREFIXES = ("1.3.6.1.4.1.368",)
SCALARS: list[str] = []
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    parts = [p.strip() for p in descr.split(";") if p.strip()]
    model = next((p for p in parts if re.match(r"AXIS\s+\S+", p)), None)
    if model:
        claims.add("model", model.split(None, 1)[1], 85, "sysDescr (Axis)")
    version = next((p for p in parts if re.fullmatch(r"\d+(?:\.\d+){1,3}", p)), None)
    claims.add("firmware", version, 85, "sysDescr (Axis firmware)")
    kind = " ".join(parts).lower()
    cls = "camera" if ("camera" in kind or "video" in kind or not parts) else "iot"
    claims.add("device_class", cls, 80, "Axis sysObjectID / sysDescr")
    claims.add("os_name", "AXIS OS", 70, "Axis sysObjectID")
