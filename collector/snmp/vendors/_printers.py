"""What every printer module shares: Printer-MIB and hrDeviceDescr."""

from __future__ import annotations

import re

from collector.snmp.vendors.base import Claims


def printer_common(walk, mibs, claims: Claims, vendor: str) -> None:
    claims.add("device_class", "printer", 85, f"{vendor} printer sysObjectID")
    claims.add("serial", mibs.printer.get("serial"), 85, "Printer-MIB prtGeneralSerialNumber")
    for dev in mibs.hr_devices:
        if dev["type"] == "printer" and dev.get("descr"):
            # "HP LaserJet Pro M404dn" / "Brother MFC-L2750DW series"
            model = re.sub(rf"^{re.escape(vendor)}\s+", "", dev["descr"], flags=re.I)
            claims.add("model", model, 75, "HOST-RESOURCES-MIB hrDeviceDescr (printer)")
            break
