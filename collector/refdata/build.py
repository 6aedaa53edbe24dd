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
from collector.refdata.vendor_build import PEN_NAMES, build_pen, build_sysobject, build_vendors

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
    pens = json.loads((out / "pen.json").read_text())["names"]
    if pens.get("9") != "Cisco" or "8072" not in pens or pens.get("1248") != "Epson":
        raise DataError("built enterprise-number data lacks Cisco, net-snmp or Epson's brand")
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
        vendors, entry = build_vendors(src, tmp, PEN_NAMES)
        files.update(entry)
        files.update(build_pen(src, tmp, vendors))
        files.update(build_satori(src, tmp, _source_info))
        files.update(build_oui(src, tmp))
        files.update(build_distro(src, tmp))
        files.update(build_sysobject(src, tmp, vendors))
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
