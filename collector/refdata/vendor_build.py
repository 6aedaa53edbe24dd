"""``vendors.json``: the brand table behind :mod:`collector.vendornames`,
derived by ``lan-collector data build`` from

1. the project's own spellings: the curated display names of enterprise
   numbers (:data:`collector.refdata.build.PEN_NAMES`) and the vendor names
   of the packaged device definitions;
2. ``collector/refdata/curated/vendor_aliases.json``: spellings the rules
   cannot bring to a brand, each with its reason;
3. Recog's canonical vendor vocabulary (``recog/identifiers/vendor.txt``,
   BSD-2-Clause): each name is a brand unless the rules reduce it to one
   already known ("QNAP Systems" -> "QNAP", "Aruba Networks" -> "Aruba").

Earlier sources win a spelling: Recog's "TP-LINK" is the project's
"TP-Link". The same build then canonicalises the IANA enterprise names
(``pen.json``) and GLPI's vendors (``sysobject.json``) with this table.
"""

from __future__ import annotations

import hashlib
import json
from importlib import resources
from pathlib import Path
from typing import Any

from collector.refdata import DataError
from collector.vendornames import VendorNames, key, strip_legal, tidy


def _curated_aliases(inputs: dict[str, str]) -> list[dict[str, Any]]:
    raw = resources.files("collector.refdata").joinpath("curated/vendor_aliases.json").read_bytes()
    inputs["collector/refdata/curated/vendor_aliases.json"] = hashlib.sha256(raw).hexdigest()
    entries = json.loads(raw)["aliases"]
    for e in entries:
        if not (isinstance(e.get("brand"), str) and e.get("reason") and isinstance(e.get("names"), list)):
            raise DataError(f"curated vendor alias without brand, names or reason: {e!r}")
    return entries


def _definition_vendors() -> list[str]:
    """The constant vendor names of the packaged definitions (a definition's
    vendor, and constant values of its vendor sources)."""
    from collector.snmp.definitions import _load_all, definition_files

    out = []
    for d in _load_all(definition_files()):
        out += [d.vendor] if d.vendor else []
        for src in d.fields.get("vendor", ()):
            if src["kind"] == "value":
                out.append(src["arg"])
            out += [result for _pattern, result in src.get("map", ())]
            if "template" in src and "{" not in src["template"]:
                out.append(src["template"])
    return list(dict.fromkeys(out))


def build_vendors(src: Path, out: Path, pen_names: dict[int, str]) -> tuple[VendorNames, dict[str, Any]]:
    path = src / "recog" / "identifiers" / "vendor.txt"
    try:
        recog_names = [line.strip() for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    except OSError as exc:
        raise DataError(f"{path}: unreadable ({exc.strerror or exc})") from None
    if len(recog_names) < 500:
        raise DataError(f"{path}: only {len(recog_names)} vendor names (expected > 500)")
    inputs = {"recog/identifiers/vendor.txt": hashlib.sha256(path.read_bytes()).hexdigest()}
    project = list(dict.fromkeys([*pen_names.values(), *_definition_vendors()]))
    curated = _curated_aliases(inputs)
    names = VendorNames(project)
    aliases: dict[str, str] = {}
    for e in curated:
        names.add(e["brand"], e["brand"])
        for alias in e["names"]:
            names.add(alias, e["brand"], replace=True)
            aliases[alias] = e["brand"]
    brands = list(project) + [e["brand"] for e in curated if e["brand"] not in project]
    recog_brands = recog_aliases = 0
    # Recog's names that are already brands first ("QNAP"), then those the rules reduce ("QNAP Systems")
    for name in sorted(recog_names, key=lambda n: (strip_legal(tidy(n)) != tidy(n), len(n), n)):
        if names.known(name) is not None:
            continue
        brand, how = names.explain(name)
        if brand and how != "rules":
            aliases[name], recog_aliases = brand, recog_aliases + 1
            names.add(name, brand)
        else:
            base = strip_legal(tidy(name))
            brands.append(base)
            names.add(base, base)
            if key(base) != key(name):
                names.add(name, base)
            recog_brands += 1
    for brand in brands:
        if names.canonical(brand) != brand:
            raise DataError(f"vendor table: brand {brand!r} is not its own canonical name "
                            f"({names.canonical(brand)!r}); fix curated/vendor_aliases.json")
    by_key: dict[str, str] = {}
    for brand in brands:  # one spelling per key: the earliest source's
        by_key.setdefault(key(brand), brand)
    brand_list = sorted(set(by_key.values()))
    aliases.update({b: by_key[key(b)] for b in brands if by_key[key(b)] != b})
    payload: dict[str, Any] = {"brands": brand_list, "aliases": dict(sorted(aliases.items()))}
    (out / "vendors.json").write_text(json.dumps(payload, separators=(",", ":"), sort_keys=True))
    info: dict[str, Any] = {"repository": "https://github.com/rapid7/recog (identifiers/vendor.txt) + project curation",
            "licence": "BSD-2-Clause (Recog vocabulary) + GPL-2.0-or-later (curated names and aliases)"}
    from collector.refdata.build import _source_info

    recog_info = _source_info(src / "recog" / "SOURCE.md", "BSD-2-Clause")
    info.update({"commit": recog_info.get("commit"), "date": recog_info.get("date")})
    table = VendorNames(brand_list, aliases)
    return table, {"vendors.json": {
        "source": info, "inputs": inputs, "entries": len(brand_list) + len(aliases),
        "brands": len(brand_list), "aliases": len(aliases),
        "project_names": len(project), "curated_aliases": sum(len(e["names"]) for e in curated),
        "recog_brands": recog_brands, "recog_aliases": recog_aliases,
        "rules": "collector/vendornames.py (legal forms, places, descriptor words, case)"}}


#: Display names for the enterprises whose IANA registration reads badly
#: ("ciscoSystems", "Hewlett-Packard", "Juniper Networks, Inc."). Curated here,
#: they are the project's spellings: every other name goes through the
#: canonicaliser (collector.vendornames) with the table they are part of.
PEN_NAMES = {
    2: "IBM", 9: "Cisco", 11: "HP", 43: "3Com", 171: "D-Link", 232: "HPE", 253: "Xerox", 311: "Microsoft",
    318: "APC", 367: "Ricoh", 368: "Axis", 534: "Eaton", 674: "Dell", 705: "Eaton", 789: "NetApp",
    850: "Tripp Lite", 890: "Zyxel", 935: "Phoenixtec", 1347: "Kyocera", 1588: "Brocade", 1602: "Canon",
    1916: "Extreme Networks", 1991: "Brocade", 2011: "Huawei", 2435: "Brother", 2636: "Juniper",
    3320: "BDCOM", 3902: "ZTE", 4413: "Broadcom", 4526: "Netgear", 4881: "Ruijie", 5089: "Clavister",
    6339: "Digital China", 6486: "Alcatel-Lucent", 6574: "Synology", 6876: "VMware", 8072: "net-snmp",
    11863: "TP-Link", 12124: "Isilon", 12356: "Fortinet", 13400: "Emerson Network Power", 14179: "Cisco",
    14823: "Aruba", 14988: "MikroTik", 24681: "QNAP", 25053: "Ruckus", 25461: "Palo Alto Networks",
    25506: "H3C", 26866: "Gigamon", 30065: "Arista", 36849: "Samsung Techwin", 39165: "Hikvision",
    41112: "Ubiquiti", 47196: "Aruba", 50001: "Hikvision", 55062: "QNAP",
}


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def build_pen(src: Path, out: Path, vendors: VendorNames) -> dict[str, Any]:
    """IANA Private Enterprise Numbers -> brand (sysObjectID 1.3.6.1.4.1.<PEN>...):
    ``{"names": {pen: brand}, "registrants": {pen: IANA's name}}`` (the
    registrant only where it differs from the brand, for the evidence)."""
    import re

    from collector.refdata.build import _source_info

    path = src / "wireshark-data" / "enterprises.tsv"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: unreadable ({exc.strerror or exc})") from None
    names: dict[str, str] = {}
    registrants: dict[str, str] = {}
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        parts = re.split(r"[\t ]+", line.strip(), maxsplit=1)
        if len(parts) != 2 or not parts[0].isdigit():
            continue
        raw = tidy(parts[1])
        if not raw or raw.lower() in ("reserved", "unassigned"):
            continue
        brand = PEN_NAMES.get(int(parts[0])) or vendors.canonical(raw)
        if brand:
            names[parts[0]] = brand
            if brand != raw:
                registrants[parts[0]] = raw[:200]
    if len(names) < 50000:
        raise DataError(f"{path}: only {len(names)} enterprise numbers (expected > 50,000)")
    (out / "pen.json").write_text(json.dumps({"names": names, "registrants": registrants},
                                             separators=(",", ":"), sort_keys=True))
    header = next((line for line in lines if "last updated" in line), "")
    info = _source_info(src / "wireshark-data" / "SOURCE.md",
                        "IANA registry (facts), via Debian libwireshark-data (GPL-2.0-or-later packaging)")
    info["repository"] = info.get("repository") or ("IANA enterprise-numbers via Debian libwireshark-data "
                                                     "(see wireshark-data/SOURCE.md)")
    info["date"] = info.get("date") or (re.search(r"(\d{4}-\d{2}-\d{2})", header) or [None, None])[1]
    return {"pen.json": {"source": info, "inputs": {"wireshark-data/enterprises.tsv": _sha256(path)},
                         "entries": len(names), "curated_names": len(PEN_NAMES),
                         "canonicalised": len(registrants),
                         "canonicaliser": "collector/vendornames.py over vendors.json",
                         # assignments are never withdrawn: an old copy only lacks the newest vendors
                         "max_age_days": None}}


#: GLPI's device types, kept as they are (identification maps them to classes).
SYSOBJECT_TYPES = ("NETWORKING", "PRINTER", "STORAGE", "POWER", "COMPUTER", "PHONE", "VIDEO", "KVM")


def _glpi_vendor(vendor: str, pen_brand: str | None, vendors: VendorNames) -> str | None:
    """GLPI's vendor, canonical; its one-word shortenings of the registrant
    ("Extreme", "Western", "Red") are the enterprise number's brand."""
    brand = vendors.canonical(vendor)
    if pen_brand and brand and (key(pen_brand) + " ").startswith(key(brand) + " "):
        return pen_brand
    return brand


def build_sysobject(src: Path, out: Path, vendors: VendorNames) -> dict[str, Any]:
    """GLPI Agent's sysObjectID table -> {absolute sysObjectID: [vendor, type,
    model or null]}. Vendors are canonical (the enterprise number's brand
    where GLPI shortened it); models that are MIB identifiers
    ("ciscoMCU4500", "cat375012S") rather than product names are dropped."""
    import re
    import shutil

    folder = src / "sysobject-ids"
    path = folder / "sysobject.ids"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: unreadable ({exc.strerror or exc})") from None
    pens = json.loads((out / "pen.json").read_text())["names"]
    ids: dict[str, list[str | None]] = {}
    dropped_models = 0
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 3 or not re.fullmatch(r"\d+(?:\.\d+)*", parts[0]) or parts[2] not in SYSOBJECT_TYPES:
            continue
        oid = parts[0] if parts[0].startswith(("1.3.6.1.", "1.2.", "0.")) else f"1.3.6.1.4.1.{parts[0]}"
        pen = oid.split(".")[6] if oid.startswith("1.3.6.1.4.1.") and len(oid.split(".")) > 6 else None
        vendor = PEN_NAMES.get(int(pen)) if pen and pen.isdigit() else None
        vendor = vendor or _glpi_vendor(parts[1], pens.get(pen or ""), vendors)
        model = parts[3] if len(parts) > 3 and parts[3] else None
        # keep product names: not MIB identifiers ("ciscoMCU4500"), not bare numbers, not product-line
        # names ("UniFi", "EdgeMax") or software descriptions ("Catalyst 2960S Software")
        if model and (re.match(r"^[a-z]", model) or model.isdigit() or not re.search(r"\d", model)
                      or re.search(r"(?i)\b(?:software|stack|series|family|agent|generic|unknown)\b", model)):
            model, dropped_models = None, dropped_models + 1
        ids[oid] = [vendor, parts[2], model]
    if len(ids) < 5000:
        raise DataError(f"{path}: only {len(ids)} sysObjectIDs (expected > 5,000)")
    (out / "sysobject.json").write_text(json.dumps({"ids": ids}, separators=(",", ":"), sort_keys=True))
    if (folder / "LICENSE").exists():
        shutil.copyfile(folder / "LICENSE", out / "sysobject.LICENSE")
    text = (folder / "SOURCE.md").read_text(encoding="utf-8") if (folder / "SOURCE.md").exists() else ""
    m = re.search(r"github\.com/(\S+?)\s+@\s+([0-9a-f]{7,40})\s+\((\d{4}-\d{2}-\d{2})\)", text)
    info = {"repository": f"https://github.com/{m.group(1)}" if m else "github.com/glpi-project/sysobject.ids",
            "commit": m.group(2) if m else None, "date": m.group(3) if m else None, "licence": "GPL-2.0"}
    return {"sysobject.json": {"source": info, "inputs": {"sysobject-ids/sysobject.ids": _sha256(path)},
                               "entries": len(ids), "models_dropped": dropped_models,
                               "licence_files": ["sysobject.LICENSE"],
                               "caution": "a model for an id is a lower-confidence claim (ids are reused by "
                                          "newer products); net-snmp's generic ids name only the agent",
                               # ids are only ever added upstream: an old copy lacks the newest products
                               "max_age_days": None}}
