"""Brother printers (BROTHER-MIB, NetConfig)."""

from __future__ import annotations

from collector.snmp.vendors._printers import printer_common
from collector.snmp.vendors.base import Claims, first_match

NAME = "Brother"
PREFIXES = ("1.3.6.1.4.1.2435",)
SERVER_DESCR = "1.3.6.1.4.1.2435.2.4.3.1240.1.12.0"  # brpsServerDescription "Brother MFC-..."
SCALARS = [SERVER_DESCR]
WALKS: list[list[str]] = []
FACTS = (
    ("1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0", "serial", 90, "BROTHER-MIB brInfoSerialNumber"),
    ("1.3.6.1.4.1.2435.2.4.3.1240.1.4.0", "firmware", 85, "Brother NetConfig brpsMainRevision"),
)


def identify(walk, mibs, claims: Claims) -> None:
    printer_common(walk, mibs, claims, "Brother")
    claims.add("model", first_match(r"^Brother\s+(.+)$", walk.text(SERVER_DESCR)), 85,
               "Brother NetConfig brpsServerDescription")
