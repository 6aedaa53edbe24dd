"""HPE / HP networking (ProCurve, Aruba-OS-Switch, Comware under HP's PEN)
and HP servers' management processors. HP printers: see hp_printer."""

from __future__ import annotations

from collector.snmp.vendors.base import Claims, first_match

NAME = "HPE"
PREFIXES = ("1.3.6.1.4.1.11.2.3.7", "1.3.6.1.4.1.11.5.7", "1.3.6.1.4.1.232")
HP_SERIAL = "1.3.6.1.4.1.11.2.36.1.1.2.9.0"  # hpHttpMgSerialNumber (ProCurve)
CPQ_SERIAL = "1.3.6.1.4.1.232.2.2.2.1.0"  # cpqSiSysSerialNum (iLO / Insight agents)
CPQ_MODEL = "1.3.6.1.4.1.232.2.2.4.2.0"  # cpqSiProductName
SCALARS = [HP_SERIAL, CPQ_SERIAL, CPQ_MODEL]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    descr = walk.text("1.3.6.1.2.1.1.1.0") or ""
    oid = walk.oid("1.3.6.1.2.1.1.2.0") or ""
    if oid.startswith("1.3.6.1.4.1.11.2.3.7."):
        # "ProCurve J9085A Switch 2610-24, revision R.11.25, ROM R.10.06 (...)"
        # "HP J9850A Switch 5406Rzl2, revision KB.16.02.0012, ROM KB.16.01.0006"
        claims.add("device_class", "switch", 80, "HP networking sysObjectID")
        rev = first_match(r"revision\s+([A-Z]{1,2}\.[0-9.]+)", descr)
        claims.add("os_version", rev, 85, "sysDescr revision (HP switch software)")
        if rev:
            claims.add("os_name", "ArubaOS-Switch" if rev.split(".")[0] in ("KA", "KB", "WC", "YA", "YB", "WB")
                       else "ProCurve", 70, "sysDescr revision prefix")
        claims.add("firmware", first_match(r"ROM\s+([A-Z]{1,2}\.[0-9.]+)", descr), 75, "sysDescr ROM")
        claims.add("model", first_match(r"\b([0-9]{6}-B21|J[0-9]{4}[A-Z])\b", descr), 70, "sysDescr product number")
        claims.add("serial", walk.text(HP_SERIAL), 85, "HP-httpManageable-MIB serial")
    if oid.startswith("1.3.6.1.4.1.11.5.7."):
        claims.add("device_class", "bmc", 80, "HP Onboard Administrator / management processor sysObjectID")
    claims.add("serial", walk.text(CPQ_SERIAL), 85, "CPQSINFO-MIB cpqSiSysSerialNum")
    claims.add("model", walk.text(CPQ_MODEL), 80, "CPQSINFO-MIB cpqSiProductName")
