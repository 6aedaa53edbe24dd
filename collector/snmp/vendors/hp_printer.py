"""HP printers and JetDirect print servers (HP-LASERJET-COMMON-MIB)."""

from __future__ import annotations

from collector.snmp.vendors._printers import printer_common
from collector.snmp.vendors.base import Claims, first_match

NAME = "HP"
PREFIXES = ("1.3.6.1.4.1.11.2.3.9", "1.3.6.1.4.1.11.1", "1.3.6.1.4.1.29999", "1.3.6.1.4.1.26696.1")
STATUS_ID = "1.3.6.1.4.1.11.2.3.9.1.1.7.0"  # gdStatusId "MFG:HP;MDL:...;"
MODEL = "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.2.0"  # model-name
SERIAL = "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.3.0"  # serial-number
FW_ROM = "1.3.6.1.4.1.11.2.3.9.4.2.1.1.3.6.0"  # fw-rom
SCALARS = [STATUS_ID, MODEL, SERIAL, FW_ROM]
WALKS: list[list[str]] = []


def identify(walk, mibs, claims: Claims) -> None:
    printer_common(walk, mibs, claims, "HP")
    status = walk.text(STATUS_ID)
    claims.add("model", first_match(r"(?:MODEL|MDL):\s*([^;]+)", status), 88, "JETDIRECT gdStatusId")
    claims.add("model", walk.text(MODEL), 85, "HP-LASERJET-COMMON-MIB model-name")
    claims.add("serial", walk.text(SERIAL), 90, "HP-LASERJET-COMMON-MIB serial-number")
    claims.add("firmware", walk.text(FW_ROM), 85, "HP-LASERJET-COMMON-MIB fw-rom")
    # "HP ETHERNET MULTI-ENVIRONMENT,ROM none,JETDIRECT,JD153,EEPROM JSI24090012,CIDATE 02/18/2022"
    claims.add("firmware", first_match(r"EEPROM\s+([^,\s]+)", walk.text("1.3.6.1.2.1.1.1.0")), 75,
               "sysDescr EEPROM (JetDirect)")
