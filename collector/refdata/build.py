"""``lan-collector data build --from DIR``: derive the compact reference
files from raw downloads, validate them, and swap them in atomically.

DIR has the layout of the project's ``shared/data`` (``recog/xml/*.xml`` with
``recog/SOURCE.md`` and its licence, ``wireshark-data/manuf`` and
``enterprises.tsv``, ...). The packaged copy under
``collector/refdata/files`` is produced by this same code (``--to``).
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any

from collector.refdata import DataError
from collector.refdata.manuf import build_oui
from collector.refdata.distro_build import build_distro
from collector.refdata.recog import DATABASES, Recog, parse_database
from collector.refdata.satori import build_satori

#: A rebuilt Recog set must keep at least this share of the fingerprints.
MIN_RECOG_KEPT = 0.95


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _source_info(source_md: Path, licence: str) -> dict[str, Any]:
    text = source_md.read_text(encoding="utf-8") if source_md.exists() else ""
    repo = re.search(r"Repository:\s*(\S+)", text)
    commit = re.search(r"Commit:\s*([0-9a-f]{40})", text)
    date = re.search(r"committed\s+(\d{4}-\d{2}-\d{2})", text)
    return {
        "repository": repo.group(1) if repo else None,
        "commit": commit.group(1) if commit else None,
        "date": date.group(1) if date else None,
        "licence": licence,
    }


def build_recog(src: Path, out: Path) -> dict[str, Any]:
    xml_dir = src / "recog" / "xml"
    if not xml_dir.is_dir():
        raise DataError(f"{xml_dir} not found: DIR must hold recog/xml/*.xml (the layout of shared/data)")
    databases: dict[str, Any] = {}
    dropped: list[str] = []
    inputs: dict[str, str] = {}
    total = kept = 0
    for name in DATABASES:
        path = xml_dir / f"{name}.xml"
        if not path.exists():
            raise DataError(f"{path} missing")
        inputs[f"recog/xml/{path.name}"] = _sha256(path)
        try:
            db, bad = parse_database(path)
        except Exception as exc:  # ParseError, defusedxml's entity refusals, ...
            raise DataError(f"{path}: not a valid Recog fingerprint file ({exc})") from None
        databases[name] = db
        dropped.extend(bad)
        kept += len(db["fingerprints"])
        total += len(db["fingerprints"]) + len(bad)
    if total == 0 or kept / total < MIN_RECOG_KEPT:
        raise DataError(f"only {kept} of {total} Recog fingerprints work in Python; refusing this data")
    payload = {"databases": databases}
    target = out / "recog.json"
    target.write_text(json.dumps(payload, separators=(",", ":"), sort_keys=True), encoding="utf-8")
    for licence_file in ("LICENSE", "COPYING"):
        if (src / "recog" / licence_file).exists():
            shutil.copyfile(src / "recog" / licence_file, out / f"recog.{licence_file}")
    info = _source_info(src / "recog" / "SOURCE.md", "BSD-2-Clause")
    return {
        "recog.json": {
            "source": info,
            "inputs": inputs,
            "fingerprints": kept,
            "dropped": len(dropped),
            "dropped_reasons": dropped,
            "licence_files": sorted(p.name for p in out.glob("recog.*") if p.suffix != ".json"),
        }
    }


def _yaml_front_matter(text: str) -> dict[str, Any]:
    import yaml

    if not text.startswith("---"):
        return {}
    end = text.find("\n---", 3)
    return yaml.safe_load(text[3:end]) if end > 0 else {}


def _date(value: Any) -> str | bool | None:
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()[:10]
    text = str(value)
    return text[:10] if re.match(r"\d{4}-\d{2}-\d{2}", text) else None


def _cpe_prefix(cpe: str) -> str | None:
    """'cpe:2.3:a:apache:http_server' or 'cpe:/a:apache:http_server' -> 'a:apache:http_server'."""
    m = re.match(r"^cpe:(?:2\.3:|/)([aoh]):([^:]+):([^:]+)", cpe.strip())
    return ":".join(m.groups()).lower() if m else None


def build_eol(src: Path, out: Path) -> dict[str, Any]:
    products_dir = src / "endoflife.date" / "products"
    if not products_dir.is_dir():
        raise DataError(f"{products_dir} not found")
    products: dict[str, Any] = {}
    inputs = {}
    for md in sorted(products_dir.glob("*.md")):
        inputs[f"endoflife.date/products/{md.name}"] = _sha256(md)
        meta = _yaml_front_matter(md.read_text(encoding="utf-8"))
        releases = []
        for r in meta.get("releases") or []:
            if not isinstance(r, dict) or "releaseCycle" not in r:
                continue
            releases.append({
                "cycle": str(r["releaseCycle"]), "label": str(r.get("releaseLabel") or r["releaseCycle"]),
                "released": _date(r.get("releaseDate")), "eol": _date(r.get("eol")),
                "eoas": _date(r.get("eoas")), "eoes": _date(r.get("eoes")),
                "latest": str(r["latest"]) if r.get("latest") is not None else None,
            })
        cpes = sorted({p for i in meta.get("identifiers") or [] if isinstance(i, dict) and "cpe" in i
                       for p in [_cpe_prefix(str(i["cpe"]))] if p})
        products[md.stem] = {"title": meta.get("title", md.stem), "category": meta.get("category"),
                             "cpes": cpes, "releases": releases}
    if len(products) < 100:
        raise DataError(f"only {len(products)} endoflife.date products found; refusing this data")
    (out / "eol.json").write_text(json.dumps({"products": products}, separators=(",", ":"), sort_keys=True))
    if (src / "endoflife.date" / "LICENSE").exists():
        shutil.copyfile(src / "endoflife.date" / "LICENSE", out / "eol.LICENSE")
    info = _source_info(src / "endoflife.date" / "SOURCE.md", "MIT")
    return {"eol.json": {"source": info, "inputs": inputs, "entries": len(products),
                         "licence_files": ["eol.LICENSE"]}}


def build_kev(src: Path, out: Path) -> dict[str, Any]:
    path = src / "cisa-kev" / "latest-mirror" / "known_exploited_vulnerabilities.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: unreadable KEV catalog ({exc})") from None
    vulns = raw.get("vulnerabilities") or []
    if not vulns or len(vulns) != raw.get("count", len(vulns)):
        raise DataError(f"{path}: KEV catalog count does not match its entries")
    cves = {v["cveID"]: {"vendor": v.get("vendorProject"), "product": v.get("product"),
                         "name": v.get("vulnerabilityName"), "added": v.get("dateAdded"),
                         "ransomware": v.get("knownRansomwareCampaignUse") == "Known",
                         "due": v.get("dueDate")} for v in vulns}
    (out / "kev.json").write_text(json.dumps({"catalogVersion": raw.get("catalogVersion"),
                                              "dateReleased": raw.get("dateReleased"), "cves": cves},
                                             separators=(",", ":"), sort_keys=True))
    info = _source_info(src / "cisa-kev" / "SOURCE.md", "CC0-1.0")
    info["date"] = info.get("date") or str(raw.get("dateReleased", ""))[:10] or None
    return {"kev.json": {"source": info, "inputs": {"cisa-kev/latest-mirror/" + path.name: _sha256(path)},
                         "entries": len(cves), "catalog_version": raw.get("catalogVersion")}}


def build_cves(src: Path, out: Path) -> dict[str, Any]:
    """CVE -> CPE ranges, as extracted in shared/data (see its SOURCE.md),
    with an index by part:vendor:product; gzip-compressed."""
    import gzip

    path = src / "cve-ranges" / "cve_ranges.json"
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{path}: unreadable CVE ranges ({exc})") from None
    cves = raw.get("cves") or {}
    if len(cves) != raw.get("meta", {}).get("cveCount", len(cves)) or not cves:
        raise DataError(f"{path}: CVE count does not match its records")
    index: dict[str, set[str]] = {}
    for cve_id, record in cves.items():
        for config in record.get("configurations", []):
            for node in config.get("nodes", []):
                for match in node.get("cpeMatch", []):
                    if match.get("vulnerable", True) is False:
                        continue
                    parts = match["criteria"].split(":")
                    products = match.get("products") or [parts[4]]
                    for product in products:
                        index.setdefault(f"{parts[2]}:{parts[3]}:{product}".lower(), set()).add(cve_id)
    # An SQLite file, records zlib-compressed, looked up by product: the
    # whole set decoded at once would cost ~80 MiB of memory per scan.
    import sqlite3
    import zlib

    db_path = out / "cves.sqlite"
    conn = sqlite3.connect(db_path)
    conn.executescript("create table meta (key text primary key, value text);"
                       "create table cves (id text primary key, record blob not null);"
                       "create table product_cves (product text not null, id text not null);")
    conn.executemany("insert into meta values (?, ?)", [(k, json.dumps(v)) for k, v in raw.get("meta", {}).items()])
    conn.executemany("insert into cves values (?, ?)",
                     [(cve_id, zlib.compress(json.dumps(rec, separators=(",", ":"), sort_keys=True).encode(), 9))
                      for cve_id, rec in sorted(cves.items())])
    conn.executemany("insert into product_cves values (?, ?)",
                     [(k, cve_id) for k, ids in sorted(index.items()) for cve_id in sorted(ids)])
    conn.execute("create index product_cves_product on product_cves(product)")
    conn.commit()
    conn.execute("vacuum")
    conn.close()
    for lic in sorted((src / "cve-ranges").glob("LICENSE*")):
        shutil.copyfile(lic, out / f"cves.{lic.name}")
    info = _source_info(src / "cve-ranges" / "SOURCE.md", "public domain (NVD) + CC0-1.0 (Anchore, CISA)")
    info["date"] = raw.get("meta", {}).get("generated")
    info["repository"] = "shared/data/cve-ranges (extract of NVD, Anchore and CISA data; method in its SOURCE.md)"
    return {"cves.sqlite": {"source": info, "inputs": {"cve-ranges/cve_ranges.json": _sha256(path)},
                             "entries": len(cves), "products_indexed": len(index),
                             "kev_missing": raw.get("meta", {}).get("kevMissing")}}


#: Display names for the enterprises whose IANA registration reads badly
#: ("ciscoSystems", "Hewlett-Packard", "Juniper Networks, Inc."). Curated here,
#: applied at build time; everything else keeps IANA's name, tidied.
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
_PEN_SUFFIX = re.compile(r"[,.\s]+(?:Inc|Incorporated|Corp|Corporation|Co|Ltd|Limited|LLC|GmbH|AG|S\.?A|B\.?V|"
                         r"Pty|plc|Oy|AB|K\.?K)\.?$", re.I)


def _tidy_org(name: str) -> str:
    name = re.sub(r"\s*\(.*?\)\s*$", "", re.split(r"\s#", name.strip())[0].strip())  # "(https://...)" / "(formerly ...)"
    for _ in range(3):
        name = _PEN_SUFFIX.sub("", name).strip(" ,.")
    return name


def build_pen(src: Path, out: Path) -> dict[str, Any]:
    """IANA Private Enterprise Numbers -> vendor name (sysObjectID 1.3.6.1.4.1.<PEN>...)."""
    path = src / "wireshark-data" / "enterprises.tsv"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: unreadable ({exc.strerror or exc})") from None
    pens: dict[str, str] = {}
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        parts = re.split(r"[\t ]+", line.strip(), maxsplit=1)
        if len(parts) != 2 or not parts[0].isdigit():
            continue
        name = _tidy_org(parts[1])
        if name and name.lower() not in ("reserved", "unassigned"):
            pens[parts[0]] = name
    if len(pens) < 50000:
        raise DataError(f"{path}: only {len(pens)} enterprise numbers (expected > 50,000)")
    for number, name in PEN_NAMES.items():
        pens[str(number)] = name
    (out / "pen.json").write_text(json.dumps(pens, separators=(",", ":"), sort_keys=True))
    header = next((l for l in lines if "last updated" in l), "")
    info = _source_info(src / "wireshark-data" / "SOURCE.md",
                        "IANA registry (facts), via Debian libwireshark-data (GPL-2.0-or-later packaging)")
    info["repository"] = info.get("repository") or ("IANA enterprise-numbers via Debian libwireshark-data "
                                                     "(see wireshark-data/SOURCE.md)")
    info["date"] = info.get("date") or (re.search(r"(\d{4}-\d{2}-\d{2})", header) or [None, None])[1]
    return {"pen.json": {"source": info, "inputs": {"wireshark-data/enterprises.tsv": _sha256(path)},
                         "entries": len(pens), "curated_names": len(PEN_NAMES),
                         # assignments are never withdrawn: an old copy only lacks the newest vendors
                         "max_age_days": None}}


#: GLPI's device types, kept as they are (identification maps them to classes).
SYSOBJECT_TYPES = ("NETWORKING", "PRINTER", "STORAGE", "POWER", "COMPUTER", "PHONE", "VIDEO", "KVM")


def build_sysobject(src: Path, out: Path) -> dict[str, Any]:
    """GLPI Agent's sysObjectID table -> {absolute sysObjectID: [vendor, type,
    model or null]}. Vendors take the curated display name of their
    enterprise number where there is one; models that are MIB identifiers
    ("ciscoMCU4500", "cat375012S") rather than product names are dropped."""
    folder = src / "sysobject-ids"
    path = folder / "sysobject.ids"
    try:
        lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise DataError(f"{path}: unreadable ({exc.strerror or exc})") from None
    ids: dict[str, list[str | None]] = {}
    dropped_models = 0
    for line in lines:
        if not line.strip() or line.startswith("#"):
            continue
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) < 3 or not re.fullmatch(r"\d+(?:\.\d+)*", parts[0]) or parts[2] not in SYSOBJECT_TYPES:
            continue
        oid = parts[0] if parts[0].startswith(("1.3.6.1.", "1.2.", "0.")) else f"1.3.6.1.4.1.{parts[0]}"
        vendor = parts[1]
        pen = oid.split(".")[6] if oid.startswith("1.3.6.1.4.1.") and len(oid.split(".")) > 6 else None
        if pen and pen.isdigit() and int(pen) in PEN_NAMES:
            vendor = PEN_NAMES[int(pen)]
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


def validate(out: Path) -> None:
    """Load what was built the way the product will, and exercise it."""
    data = json.loads((out / "recog.json").read_text())
    rec = Recog(data)
    for db in DATABASES:
        for text, expected, description in rec.examples(db):
            result = rec.match(db, text)
            if result is None:
                raise DataError(f"built Recog data fails its own example in {db}: {description}")
            break  # one per database: the full table runs in the test suite
    eol = json.loads((out / "eol.json").read_text())
    if "windows" not in eol["products"] or not eol["products"]["windows"]["releases"]:
        raise DataError("built endoflife.date data has no Windows releases")
    from collector.refdata.cves import CveStore

    store = CveStore(out / "cves.sqlite")
    ids = store.ids_for("a:openbsd:openssh")
    if not ids or "configurations" not in store.record(ids[0]):
        raise DataError("built CVE data has no usable OpenSSH entries")
    store.close()
    pens = json.loads((out / "pen.json").read_text())
    if pens.get("9") != "Cisco" or "8072" not in pens:
        raise DataError("built enterprise-number data lacks Cisco or net-snmp")
    satori = json.loads((out / "satori_dhcp.json").read_text())["fingerprints"]
    if not any(t["field"] == "dhcpoption55" for fp in satori for t in fp["tests"]):
        raise DataError("built Satori DHCP data has no option-55 fingerprints")
    from collector.oui import VendorTable

    vendors = VendorTable((out / "oui.bin").read_bytes())
    if vendors.lookup("00:00:0c:01:02:03") != "Cisco Systems, Inc":
        raise DataError("built MAC vendor table does not know Cisco's 00:00:0C")
    from collector.assess.distro import DistroTable

    table = DistroTable(json.loads((out / "distro.json").read_text()))
    found = table.from_ssh("OpenSSH_8.2p1 Ubuntu-4ubuntu0.5")
    if found is None or (found.distro, found.cycle) != ("ubuntu", "20.04"):
        raise DataError("built distribution table does not place OpenSSH 8.2p1 in Ubuntu 20.04")
    sysobject = json.loads((out / "sysobject.json").read_text())["ids"]
    if sysobject.get("1.3.6.1.4.1.9.1.516", [None])[0] != "Cisco":
        raise DataError("built sysObjectID table lacks Cisco's 1.3.6.1.4.1.9.1.516")


def build(src: Path, dest: Path, *, today: _dt.date | None = None) -> dict[str, Any]:
    """Build into a fresh directory beside ``dest``, validate, then swap it in."""
    given, src = str(src), src.expanduser().resolve()
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=".refdata-", dir=dest.parent))
    # mkdtemp makes it 0700: the service (an unprivileged user) must read what root built
    os.chmod(tmp, 0o755)
    try:
        files = build_recog(src, tmp)
        files.update(build_eol(src, tmp))
        files.update(build_kev(src, tmp))
        files.update(build_cves(src, tmp))
        files.update(build_pen(src, tmp))
        files.update(build_satori(src, tmp, _source_info))
        files.update(build_oui(src, tmp))
        files.update(build_distro(src, tmp))
        files.update(build_sysobject(src, tmp))
        for name, entry in files.items():
            entry["sha256"] = _sha256(tmp / name)
        provenance = {
            "built": (today or _dt.date.today()).isoformat(),
            "built_from": given,
            "tool": "lan-collector data build",
            "files": files,
        }
        (tmp / "PROVENANCE.json").write_text(json.dumps(provenance, indent=1, sort_keys=True) + "\n")
        validate(tmp)
        _swap(tmp, dest)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return provenance


def _swap(new: Path, dest: Path) -> None:
    """Replace ``dest`` by ``new`` so readers see the old or the new set, never a mix."""
    old = dest.with_name(dest.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if dest.exists():
        os.replace(dest, old)
    os.replace(new, dest)
    shutil.rmtree(old, ignore_errors=True)
