"""Derive the *MIB organisation table* (``collector/snmp/miborgs.json``):
for each enterprise number, the ORGANIZATION clause of the newest vendor
MIB module registered under it (by LAST-UPDATED), from the same MIB
collections as the MIB field table (``tools/derive_mibfields.py``, whose
parser this reuses).

    python tools/derive_miborgs.py \
        --source netdisco/netdisco-mibs <commit> <checkout> \
        --source cisco-kusanagi/mibs.snmplabs.com <commit> <checkout>/asn1 \
        [--out collector/snmp/miborgs.json]

Why: an enterprise number keeps the name of the company that registered it
with IANA, while the company that makes the box today keeps writing MIBs
under it. NetScaler's number (5951) is registered to "Netscaler", its MIB
says "Citrix Systems, Inc."; Astaro's (9789) MIBs say "Sophos", Force10's
(6027) "Dell". Identification reads the newest module's organisation where
the registrant is no brand the vendor table knows and the organisation is
one (:func:`collector.snmp.generic.vendor_of_pen`).

Only the company name, the module's name and its date are kept (facts); no
MIB text is copied. Observium's and LibreNMS's MIBs are never read, by file
name, module name or ORGANIZATION (:func:`derive_mibfields.read_modules`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # run from a checkout: its collector
sys.path.insert(0, str(Path(__file__).resolve().parent))
from derive_mibfields import Tree, derive_main  # noqa: E402

#: An organisation clause longer than this is a paragraph, not a name.
MAX_NAME = 100


def iso_date(updated: str) -> str | None:
    """LAST-UPDATED as ``YYYY-MM-DD``: "201804260000Z" or, in SMIv2's
    older form, "9701010000Z"; None otherwise. SMIv2 reads a two-digit year
    as 19xx, but vendors kept the short form past 2000 ("0604061200Z" in a
    Nortel MIB of 2006): below 70 is 20xx (no MIB module predates 1970).
    A malformed date ("980803160000Z": a year 9808) is none."""
    text = updated.strip()
    if re.fullmatch(r"\d{10}Z", text):
        text = ("19" if text[:2] >= "70" else "20") + text
    m = re.fullmatch(r"(\d{4})(\d\d)(\d\d)\d{4}Z", text)
    if not m or not ("1970" <= m.group(1) <= "2099" and "01" <= m.group(2) <= "12" and "01" <= m.group(3) <= "31"):
        return None
    return f"{m.group(1)}-{m.group(2)}-{m.group(3)}"


def organizations(tree: Tree) -> tuple[dict[str, list[str]], dict[str, int]]:
    """enterprise -> [organisation, date, module] of its newest dated
    module (ties: the module name last in order), and counts."""
    best: dict[str, tuple[str, str, str]] = {}
    stats = {"modules_with_organization": 0}
    for mod in tree.modules.values():
        ident = mod.objects.get(mod.identity) if mod.identity else None
        if ident is None or not ident.oid or not ident.oid.startswith("1.3.6.1.4.1."):
            continue
        name = mod.organization.strip(" .,;")
        date = iso_date(mod.updated)
        if not name or len(name) > MAX_NAME or date is None:
            continue
        stats["modules_with_organization"] += 1
        pen = ident.oid.split(".")[6]
        row = (date, mod.name, name)
        if pen not in best or row[:2] > best[pen][:2]:
            best[pen] = row
    out = {pen: [name, date, module] for pen, (date, module, name) in sorted(best.items(), key=lambda kv: int(kv[0]))}
    stats["enterprises"] = len(out)
    return out, stats


def main(argv: list[str] | None = None) -> int:
    return derive_main(argv, __doc__ or "", "tools/derive_miborgs.py",
                       "the vendors' MIBs, published for use by management tools; only each enterprise's newest "
                       "module's name, date and ORGANIZATION (a company name) are kept", "organizations",
                       organizations,
                       lambda table, stats: f"organisations of {len(table)} enterprises from "
                                            f"{stats['modules']} modules")

if __name__ == "__main__":
    raise SystemExit(main())
