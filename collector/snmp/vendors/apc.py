"""APC / Schneider Electric network management cards: UPS, rack PDUs and
ATS (PowerNet-MIB). sysDescr carries MN (model), SN (serial) and PF (AOS
firmware) for every card."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "APC"
PREFIXES = ("1.3.6.1.4.1.318",)
UPS_MODEL = "1.3.6.1.4.1.318.1.1.1.1.1.1.0"  # upsBasicIdentModel
UPS_FIRMWARE = "1.3.6.1.4.1.318.1.1.1.1.2.1.0"  # upsAdvIdentFirmwareRevision
UPS_SERIAL = "1.3.6.1.4.1.318.1.1.1.1.2.3.0"  # upsAdvIdentSerialNumber
PDU_FIRMWARE = "1.3.6.1.4.1.318.1.1.4.1.2.0"  # rPDUIdentFirmwareRev
PDU_MODEL = "1.3.6.1.4.1.318.1.1.4.1.4.0"  # rPDUIdentModelNumber
PDU_SERIAL = "1.3.6.1.4.1.318.1.1.4.1.5.0"  # rPDUIdentSerialNumber
PDU2_MODEL = "1.3.6.1.4.1.318.1.1.26.2.1.8.1"  # rPDU2IdentModelNumber
PDU2_SERIAL = "1.3.6.1.4.1.318.1.1.26.2.1.9.1"
SCALARS = [UPS_MODEL, UPS_FIRMWARE, UPS_SERIAL, PDU_FIRMWARE, PDU_MODEL, PDU_SERIAL, PDU2_MODEL, PDU2_SERIAL]
WALKS: list[list[str]] = []
#: sysObjectID branches: 1.3.6.1.4.1.318.1.3.<family>
_FAMILY = {"2": "ups", "27": "ups", "4": "pdu", "11": "pdu", "5": "pdu", "7": "iot", "8": "iot"}


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    oid = walk.oid("1.3.6.1.2.1.1.2.0") or ""
    # "APC Web/SNMP Management Card (MB:v4.1.0 PF:v6.7.2 PN:... MN:AP7902B HR:B2 SN: 5A1551F39430 MD:...)"
    claims.add("model", first_match(r"\bMN:\s*([^\s)]+)", descr), 80, "sysDescr MN (APC card)")
    claims.add("serial", first_match(r"\bSN:\s*([^\s)]+)", descr), 80, "sysDescr SN (APC card)")
    claims.add("firmware", first_match(r"\bPF:\s*([^\s)]+)", descr), 80, "sysDescr PF (APC AOS)")
    parts = oid.split(".")
    family = parts[9] if len(parts) > 9 and oid.startswith("1.3.6.1.4.1.318.1.3.") else None
    cls = _FAMILY.get(family or "")
    if walk.text(PDU_MODEL) or walk.text(PDU2_MODEL):
        cls = "pdu"
        claims.add("model", walk.text(PDU_MODEL) or walk.text(PDU2_MODEL), 90, "PowerNet-MIB rPDUIdentModelNumber")
        claims.add("serial", walk.text(PDU_SERIAL) or walk.text(PDU2_SERIAL), 90, "PowerNet-MIB rPDUIdentSerialNumber")
        claims.add("firmware", walk.text(PDU_FIRMWARE), 85, "PowerNet-MIB rPDUIdentFirmwareRev")
    if walk.text(UPS_MODEL):
        cls = "ups"
        claims.add("model", walk.text(UPS_MODEL), 88, "PowerNet-MIB upsBasicIdentModel")
        claims.add("serial", walk.text(UPS_SERIAL), 90, "PowerNet-MIB upsAdvIdentSerialNumber")
    if cls:
        claims.add("device_class", cls, 85, f"APC sysObjectID family {family}" if family else "PowerNet-MIB")
